/**
 * THE subscribe-message template table: which WeChat template carries which kind of message,
 * which fields it has, and whether it is a long-term subscription (government-service
 * mini-programs may use those, so staff need not tap "allow" before every task). Template ids
 * come from the environment (each city's mini-program registers its own); the local stack uses
 * the defaults, which the WeChat stand-in knows.
 */
import type { TemplateFieldKind } from '#notify/wechat';

export type MessageKind = 'task' | 'progress' | 'survey' | 'escalation';

export interface Template {
  kind: MessageKind;
  envVar: string;
  localId: string;
  longTerm: boolean;
  /** field key (WeChat names them kind + number) -> what goes in it */
  fields: Record<string, { kind: TemplateFieldKind; from: 'category' | 'place' | 'status' | 'time' | 'note' | 'deadline' }>;
}

export const TEMPLATES: readonly Template[] = [
  {
    kind: 'task',
    envVar: 'WECHAT_TEMPLATE_TASK',
    localId: 'tpl-task',
    longTerm: true,
    fields: { thing1: { kind: 'thing', from: 'category' }, thing2: { kind: 'thing', from: 'place' }, time3: { kind: 'time', from: 'deadline' }, thing4: { kind: 'thing', from: 'note' } },
  },
  {
    kind: 'escalation',
    envVar: 'WECHAT_TEMPLATE_ESCALATION',
    localId: 'tpl-escalation',
    longTerm: true,
    fields: { thing1: { kind: 'thing', from: 'category' }, thing2: { kind: 'thing', from: 'place' }, phrase3: { kind: 'phrase', from: 'status' }, thing4: { kind: 'thing', from: 'note' } },
  },
  {
    kind: 'progress',
    envVar: 'WECHAT_TEMPLATE_PROGRESS',
    localId: 'tpl-progress',
    longTerm: false,
    fields: { thing1: { kind: 'thing', from: 'category' }, phrase2: { kind: 'phrase', from: 'status' }, time3: { kind: 'time', from: 'time' }, thing4: { kind: 'thing', from: 'note' } },
  },
  {
    kind: 'survey',
    envVar: 'WECHAT_TEMPLATE_SURVEY',
    localId: 'tpl-survey',
    longTerm: false,
    fields: { thing1: { kind: 'thing', from: 'category' }, phrase2: { kind: 'phrase', from: 'status' }, time3: { kind: 'time', from: 'time' }, thing4: { kind: 'thing', from: 'note' } },
  },
];

export const templateId = (t: Template): string => process.env[t.envVar] || t.localId;
export const templateFor = (kind: MessageKind): Template => TEMPLATES.find((t) => t.kind === kind)!;
export const longTermTemplates = (): string[] => TEMPLATES.filter((t) => t.longTerm).map(templateId);
export const knownTemplateIds = (): string[] => TEMPLATES.map(templateId);

/**
 * Which message (and so which template) a recipient of an outbox row gets, or null when the
 * inbox is enough. The recipient's reason says who they are to the report:
 * - task, reminder (staff who must act: a new task, a reassignment, 催办) -> 'task'
 * - escalation, overdue (超时升级: the leader or centre, and the holder told it is overdue) -> 'escalation'
 * - reporter, follower (residents): the survey on closure and its reminder -> 'survey'; the
 *   milestones in PUSHED_PROGRESS -> 'progress'. A one-time grant buys one message, so it is
 *   spent on what a resident waits for (taken on, turned down, merged, done, redone), not on
 *   internal steps (dispatch, start, verify, transfer …), which stay in the inbox.
 * - anything else (co_notified: the other side is told, not tasked; rated: the holder learns the
 *   score) -> inbox only.
 */
export const PUSHED_PROGRESS: ReadonlySet<string> = new Set(['report.accept', 'report.reject', 'report.merge', 'report.resolve', 'report.reopen']);
const SURVEY_ROWS: ReadonlySet<string> = new Set(['report.close', 'timer.survey_remind']);

export function messageKindFor(rowKind: string, reason: string): MessageKind | null {
  switch (reason) {
    case 'task':
    case 'reminder':
      return 'task';
    case 'escalation':
    case 'overdue':
      return 'escalation';
    case 'reporter':
    case 'follower':
      if (SURVEY_ROWS.has(rowKind)) return 'survey';
      return PUSHED_PROGRESS.has(rowKind) ? 'progress' : null;
    default:
      return null;
  }
}

export const isMessageKind = (v: unknown): v is MessageKind => TEMPLATES.some((t) => t.kind === v);
