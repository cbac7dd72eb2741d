/**
 * THE subscribe-message template table: which kinds of message exist, who gets them, what each
 * may carry — and, per deployment, which WeChat template carries each kind.
 *
 * A template's id and its keyword keys (thing1, time3, …) are fixed by the keywords someone
 * picked for it in the WeChat console (订阅消息 -> 选用模板), so they are configuration, not code:
 * WECHAT_TEMPLATES holds JSON, one entry per kind,
 *   {"task": {"id": "<priTmplId>", "longTerm": true,
 *             "keys": {"thing1": "category", "thing2": "place", "time3": "deadline", "thing4": "note"}}, …}
 * `keys` maps each keyword key of the template to what we fill it with (FieldSource); the key's
 * own prefix says its kind (template-fields `templateKindOfKey`), and the kind must suit the
 * source (SOURCE_KINDS). `longTerm` (default: the table's) says whether the account may use the
 * template as a long-term subscription (长期订阅: only accounts in categories WeChat allows, e.g.
 * government services). The local stack (WSB_LOCAL=1) uses the table's `local` entries, which the
 * WeChat stand-in registers as the account's templates; anywhere else a missing or malformed
 * WECHAT_TEMPLATES is an error at first use. notify/template-check.ts compares the configuration
 * with the account's own template list before any send.
 *
 * No configuration or secrets are imported here (infra reads this table at synth).
 */
import { templateKindOfKey, type TemplateFieldKind } from '#notify/template-fields';

export type MessageKind = 'task' | 'progress' | 'survey' | 'escalation';

/** What we can put into a template field. */
export type FieldSource = 'category' | 'place' | 'status' | 'time' | 'note' | 'deadline';

/** The field kinds each source fits: a category name is a thing, a status word a phrase, a deadline a time. */
export const SOURCE_KINDS: Readonly<Record<FieldSource, readonly TemplateFieldKind[]>> = {
  category: ['thing'],
  place: ['thing'],
  note: ['thing'],
  status: ['phrase', 'thing'],
  time: ['time', 'date'],
  deadline: ['time', 'date'],
};

/** How each source reads in a template's content (the stand-in's template list, docs). */
export const SOURCE_LABELS: Readonly<Record<FieldSource, string>> = {
  category: '隐患类型',
  place: '所在网格',
  status: '当前状态',
  time: '更新时间',
  deadline: '处理时限',
  note: '说明',
};

export interface TemplateSpec {
  kind: MessageKind;
  /** who is asked for it: staff on a tap in their app, residents after filing */
  audience: 'staff' | 'resident';
  /** the template's title as picked in the console (what the local stand-in calls it) */
  title: string;
  /** default for `longTerm`: staff templates are long-term where the account may use them */
  longTerm: boolean;
  /** the local stack's template: id and keys */
  local: { id: string; keys: Readonly<Record<string, FieldSource>> };
}

export const TEMPLATES: readonly TemplateSpec[] = [
  { kind: 'task', audience: 'staff', title: '任务派发提醒', longTerm: true, local: { id: 'tpl-task', keys: { thing1: 'category', thing2: 'place', time3: 'deadline', thing4: 'note' } } },
  { kind: 'escalation', audience: 'staff', title: '事项超时提醒', longTerm: true, local: { id: 'tpl-escalation', keys: { thing1: 'category', thing2: 'place', phrase3: 'status', thing4: 'note' } } },
  { kind: 'progress', audience: 'resident', title: '办理进度通知', longTerm: false, local: { id: 'tpl-progress', keys: { thing1: 'category', phrase2: 'status', time3: 'time', thing4: 'note' } } },
  { kind: 'survey', audience: 'resident', title: '满意度评价提醒', longTerm: false, local: { id: 'tpl-survey', keys: { thing1: 'category', phrase2: 'status', time3: 'time', thing4: 'note' } } },
];

export const TEMPLATES_ENV = 'WECHAT_TEMPLATES';

/** A template as this deployment configured it: what pushes are sent with. */
export interface Template {
  kind: MessageKind;
  id: string;
  longTerm: boolean;
  /** keyword key -> its field kind and what fills it */
  fields: Record<string, { kind: TemplateFieldKind; from: FieldSource }>;
}

export class TemplateConfigError extends Error {
  override readonly name = 'TemplateConfigError';
  constructor(readonly problems: string[]) {
    super(`subscribe-message templates: ${problems.join('; ')}`);
  }
}

const isSource = (v: unknown): v is FieldSource => typeof v === 'string' && Object.hasOwn(SOURCE_KINDS, v);

/**
 * Reads the WECHAT_TEMPLATES value (parsed JSON): every kind of the table, each with an id of
 * WeChat's characters, 1–5 keys (WeChat's limit per template) each fitting its source. Throws
 * TemplateConfigError naming every problem at once.
 */
export function parseTemplateConfig(raw: unknown): Template[] {
  const problems: string[] = [];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new TemplateConfigError(['expected a JSON object keyed by kind']);
  const obj = raw as Record<string, unknown>;
  for (const k of Object.keys(obj)) if (!TEMPLATES.some((t) => t.kind === k)) problems.push(`unknown kind "${k}" (kinds: ${TEMPLATES.map((t) => t.kind).join(', ')})`);
  const out: Template[] = [];
  for (const spec of TEMPLATES) {
    const entry = obj[spec.kind] as Record<string, unknown> | undefined;
    if (!entry || typeof entry !== 'object') {
      problems.push(`${spec.kind}: missing`);
      continue;
    }
    const id = entry.id;
    if (typeof id !== 'string' || !/^[\w-]{1,128}$/.test(id)) problems.push(`${spec.kind}: id must be the template's priTmplId`);
    if (entry.longTerm !== undefined && typeof entry.longTerm !== 'boolean') problems.push(`${spec.kind}: longTerm must be true or false`);
    const keys = entry.keys;
    const fields: Template['fields'] = {};
    if (!keys || typeof keys !== 'object' || Array.isArray(keys) || Object.keys(keys).length < 1 || Object.keys(keys).length > 5) {
      problems.push(`${spec.kind}: keys must map 1 to 5 keyword keys (thing1, time3, …) to what fills them`);
    } else {
      for (const [key, from] of Object.entries(keys as Record<string, unknown>)) {
        const kind = templateKindOfKey(key);
        if (!kind) problems.push(`${spec.kind}: "${key}" is not a keyword key (a kind such as thing or time, then a number)`);
        else if (!isSource(from)) problems.push(`${spec.kind}: ${key} -> "${String(from)}" is not one of ${Object.keys(SOURCE_KINDS).join(', ')}`);
        else if (!SOURCE_KINDS[from].includes(kind)) problems.push(`${spec.kind}: ${key} is a ${kind} field, which cannot carry ${from} (needs ${SOURCE_KINDS[from].join(' or ')})`);
        else fields[key] = { kind, from };
      }
    }
    out.push({ kind: spec.kind, id: String(id), longTerm: typeof entry.longTerm === 'boolean' ? entry.longTerm : spec.longTerm, fields });
  }
  const ids = out.map((t) => t.id);
  if (new Set(ids).size !== ids.length) problems.push('two kinds share one template id');
  if (problems.length) throw new TemplateConfigError(problems);
  return out;
}

/** The local stack's configuration, in WECHAT_TEMPLATES form. */
export const localTemplateConfig = (): Record<MessageKind, { id: string; longTerm: boolean; keys: Record<string, FieldSource> }> =>
  Object.fromEntries(TEMPLATES.map((t) => [t.kind, { id: t.local.id, longTerm: t.longTerm, keys: { ...t.local.keys } }])) as never;

let configured: readonly Template[] | undefined;

/** This deployment's templates, read from WECHAT_TEMPLATES on first use. */
export function configuredTemplates(): readonly Template[] {
  if (configured) return configured;
  const raw = process.env[TEMPLATES_ENV];
  if (raw === undefined || raw.trim() === '') {
    if (process.env.WSB_LOCAL !== '1') throw new TemplateConfigError([`${TEMPLATES_ENV} is not set (template ids and keyword keys, as chosen in the WeChat console)`]);
    configured = parseTemplateConfig(localTemplateConfig());
    return configured;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new TemplateConfigError([`${TEMPLATES_ENV} is not valid JSON`]);
  }
  configured = parseTemplateConfig(parsed);
  return configured;
}

/** Forget the configuration read (tests that change WECHAT_TEMPLATES). */
export function resetTemplateConfig(): void {
  configured = undefined;
}

export const templateId = (t: Template): string => t.id;
export const templateFor = (kind: MessageKind): Template => configuredTemplates().find((t) => t.kind === kind)!;
export const longTermTemplates = (): string[] => configuredTemplates().filter((t) => t.longTerm).map(templateId);
export const knownTemplateIds = (): string[] => configuredTemplates().map(templateId);
export const audienceOf = (kind: MessageKind): TemplateSpec['audience'] => TEMPLATES.find((t) => t.kind === kind)!.audience;

/** A template's content as the console shows it: "隐患类型:{{thing1.DATA}}\n…" (the stand-in's list). */
export const templateContent = (t: Template): string =>
  Object.entries(t.fields)
    .map(([key, f]) => `${SOURCE_LABELS[f.from]}:{{${key}.DATA}}\n`)
    .join('');

/** One entry of the account's template list (wechat.ts `getTemplateList`). */
export interface ListedTemplate {
  id: string;
  content: string;
  longTerm: boolean;
  keys: string[];
}

/**
 * What does not match between the configuration and the account's template list: a template
 * id the account does not have, a one-time template configured as long-term (or the other way
 * round), a configured key the template lacks, a keyword of the template nothing fills. A
 * template listed with an empty content (WeChat returns that for some templates) cannot have its
 * keys checked: reported in `unchecked`, not as a problem.
 */
export function checkTemplateList(templates: readonly Template[], list: readonly ListedTemplate[]): { problems: string[]; unchecked: string[] } {
  const problems: string[] = [];
  const unchecked: string[] = [];
  for (const t of templates) {
    const listed = list.find((l) => l.id === t.id);
    if (!listed) {
      problems.push(`${t.kind}: template ${t.id} is not in the account's template list`);
      continue;
    }
    if (listed.longTerm !== t.longTerm) problems.push(`${t.kind}: template ${t.id} is ${listed.longTerm ? 'long-term' : 'one-time'} in the account, configured as ${t.longTerm ? 'long-term' : 'one-time'}`);
    if (listed.content.trim() === '') {
      unchecked.push(t.kind);
      continue;
    }
    const configuredKeys = Object.keys(t.fields);
    for (const k of configuredKeys) if (!listed.keys.includes(k)) problems.push(`${t.kind}: template ${t.id} has no keyword ${k}`);
    for (const k of listed.keys) if (!configuredKeys.includes(k)) problems.push(`${t.kind}: keyword ${k} of template ${t.id} is not configured (nothing would fill it)`);
  }
  return { problems, unchecked };
}

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
    case 'assist_update': // the requester: nobody accepted, the round widened, someone came
      return 'escalation';
    case 'assist': // an offer to a responder is a task for them
      return 'task';
    case 'reporter':
    case 'follower':
      if (SURVEY_ROWS.has(rowKind)) return 'survey';
      return PUSHED_PROGRESS.has(rowKind) ? 'progress' : null;
    default:
      return null;
  }
}

export const isMessageKind = (v: unknown): v is MessageKind => TEMPLATES.some((t) => t.kind === v);
