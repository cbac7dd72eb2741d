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
