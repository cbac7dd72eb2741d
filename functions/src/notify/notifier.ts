/**
 * The notifier: outbox rows (from the DynamoDB stream) -> the in-app inbox, exactly once per
 * (row, recipient), and a WeChat subscribe message where the user can receive one.
 *
 * Per recipient (the actor is never told of their own action):
 * 1. Write the inbox item with a condition (store/inbox `deliver`). Its `push` says what is owed:
 *    'inbox_only' at once when no push will be made (a kind that is not pushed — see
 *    templates.messageKindFor —, no openid, pushes switched off), else 'pending'.
 * 2. Push: pick the template by message kind, shape its fields from the report (category name,
 *    grid name as the place, the status the event moved to, times, the event's note), take a
 *    one-time grant unless the template is long-term (none left -> 'inbox_only'), send with a
 *    deep link to the page the recipient works the report on (domain/pages `pushPage`: residents
 *    the report, staff the task), then mark 'sent'.
 * 3. WeChat errors never escape a recipient: 43101 -> 'inbox_only'; busy (-1, 5xx, timeouts)
 *    and rate limits -> retried in place with backoff (NOTIFY_RETRY_DELAYS_MS, default
 *    0,100,400,1600: four attempts); still failing, or an error retrying cannot cure (47003,
 *    40037, a token WeChat keeps refusing after the client's one refresh) -> a dead letter
 *    (store/dead-letters) and 'failed'. Store errors DO escape, so the stream batch is retried.
 *
 * Replays (a stream batch retried, a crash mid-batch): the inbox write finds the item there and
 * reads it. 'pending' held by the stream means the run that wrote it died before its push was
 * recorded -> push now; 'sent' / 'inbox_only' / 'failed' -> nothing (a failed push is the
 * operator's to replay). Together: every item exactly once, every owed push at least once.
 *
 * Decisions worth knowing:
 * - 'sent' is recorded right after WeChat accepts. A crash between the two (or a timeout after
 *   WeChat delivered) re-sends that one message on the replay: at-least-once, never lost. For a
 *   one-time template the repeat cannot take a second grant (the item records `pushGrant`); it
 *   meets WeChat's own count instead, which may answer 43101 for a message that did arrive.
 * - A grant is taken before the send and recorded on the item; a crash between taking and
 *   recording loses that one grant (the user gets the inbox item, and the push if they have
 *   another grant) — never a push without a grant, never two grants for one item.
 * - 43101 keeps the grant consumed. WeChat charged nothing, but 43101 says WeChat holds no quota
 *   for this user and template (or the user switched these messages off): the grant we counted
 *   is one WeChat does not have, and giving it back would spend a certain 43101 on every later
 *   message. A user who wants messages again taps "allow" again, which records a fresh grant.
 * - A busy or failed push keeps its grant on the item: the replay uses it rather than another.
 * - Rows of one report are handled in order, different reports side by side (NOTIFY_CONCURRENCY,
 *   default 8), recipients of a row side by side: one user's slow or failing push (seconds of
 *   backoff) does not hold up the others.
 * - NOTIFY_PUSH=off writes the inbox only (an operator's switch; the benchmark's baseline).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '#log';
import { countMetric, METRICS } from '#metrics';
import { categoryOf } from '#domain/categories';
import { STATUS_NAMES, type Status } from '#domain/lifecycle';
import { dueAt, type ReportRecord, type TimelineEvent } from '#domain/report';
import { pushPage } from '#domain/pages';
import { pad } from '#store/keys';
import { getReportStory, type OutboxRow, type ReportStory } from '#store/reports';
import { getUser, getUsers, type UserRecord } from '#store/users';
import { consumeGrant } from '#store/grants';
import { claimPushForReplay, deliver, getInboxItem, markGrantTaken, setPush, type InboxRef, type StoredInboxItem } from '#store/inbox';
import { deadLetterRef, deleteDeadLetter, listDeadLetters, putDeadLetter } from '#store/dead-letters';
import { isWechatError, sendSubscribeMessage, shapeTemplateData, TemplateFieldError, type TemplateFieldKind } from '#notify/wechat';
import { isMessageKind, messageKindFor, templateFor, templateId, type MessageKind, type Template } from '#notify/templates';

// ---------------------------------------------------------------------------------------------
// Configuration (read on each use, so tests and the benchmark can set the environment late)
// ---------------------------------------------------------------------------------------------

const DEFAULT_DELAYS_MS = [0, 100, 400, 1600];

function retryDelays(): number[] {
  const raw = process.env.NOTIFY_RETRY_DELAYS_MS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_DELAYS_MS;
  const delays = raw.split(',').map((s) => Number(s.trim()));
  if (delays.length === 0 || delays.some((d) => !Number.isFinite(d) || d < 0)) {
    throw new Error(`config: NOTIFY_RETRY_DELAYS_MS must be comma-separated milliseconds, got "${raw}"`);
  }
  return delays;
}

function concurrency(): number {
  const n = Number(process.env.NOTIFY_CONCURRENCY ?? 8);
  return Number.isInteger(n) && n > 0 ? n : 8;
}

const pushesOn = () => process.env.NOTIFY_PUSH !== 'off';

/** A replay that claimed a push and did not finish within this is taken to have died. */
export const REPLAY_LEASE_MS = 2 * 60_000;

// ---------------------------------------------------------------------------------------------
// Outbox rows
// ---------------------------------------------------------------------------------------------

export type PushOutcome = 'sent' | 'inbox_only' | 'failed' | 'done_before';

export interface Outcome {
  recipients: number;
  /** inbox items written by this call (a replay writes none for rows already handled) */
  written: number;
  sent: number;
  inboxOnly: number;
  failed: number;
}

const none = (): Outcome => ({ recipients: 0, written: 0, sent: 0, inboxOnly: 0, failed: 0 });

function add(total: Outcome, o: Outcome): Outcome {
  for (const k of Object.keys(total) as (keyof Outcome)[]) total[k] += o[k];
  return total;
}

/** The report's story, read once per row and only when something needs it. */
type StorySource = () => Promise<ReportStory | null>;

function storyOnce(reportId: string): StorySource {
  let p: Promise<ReportStory | null> | undefined;
  return () => (p ??= getReportStory(reportId));
}

/** userId -> reason; 'followers' expands to reporter + followers; the actor is dropped. */
async function recipients(row: OutboxRow, story: StorySource): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const t of row.to) {
    if ('userId' in t) out.set(t.userId, t.reason);
    else for (const m of (await story())?.members ?? []) if (!out.has(m.userId)) out.set(m.userId, m.relation);
  }
  if (row.actorId) out.delete(row.actorId);
  return out;
}

/** Recipients' profiles; one by one for any the batch read left out (a throttled BatchGet). */
async function usersOf(ids: string[]): Promise<Map<string, UserRecord>> {
  const users = await getUsers(ids);
  for (const id of ids.filter((i) => !users.has(i))) {
    const u = await getUser(id);
    if (u) users.set(id, u);
  }
  return users;
}

export const inboxIdOf = (row: Pick<OutboxRow, 'reportId' | 'version'>) => `${row.reportId}-${pad(row.version)}`;
const refOf = (i: Pick<StoredInboxItem, 'userId' | 'at' | 'id'>): InboxRef => ({ userId: i.userId, at: i.at, id: i.id });

/** One outbox row: every recipient's inbox item, and their push. Throws only on store errors. */
export async function handleOutboxRow(row: OutboxRow): Promise<Outcome> {
  const story = storyOnce(row.reportId);
  const to = await recipients(row, story);
  if (to.size === 0) return none();
  const users = await usersOf([...to.keys()]);
  const settled = await Promise.allSettled([...to].map(([userId, reason]) => notifyOne(row, story, userId, reason, users.get(userId) ?? null)));
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
  const total = none();
  for (const s of settled) {
    const { written, outcome } = (s as PromiseFulfilledResult<{ written: boolean; outcome: PushOutcome }>).value;
    total.recipients++;
    if (written) total.written++;
    if (outcome === 'sent') total.sent++;
    if (outcome === 'inbox_only') total.inboxOnly++;
    if (outcome === 'failed') total.failed++;
  }
  return total;
}

/**
 * A stream batch: rows of one report in order, reports side by side. Every group runs to its
 * end (or its first store error); then the first error is thrown so the batch is retried.
 */
export async function handleOutboxRows(rows: readonly OutboxRow[]): Promise<Outcome> {
  const groups = new Map<string, OutboxRow[]>();
  for (const r of rows) {
    const g = groups.get(r.reportId);
    if (g) g.push(r);
    else groups.set(r.reportId, [r]);
  }
  const queue = [...groups.values()];
  const total = none();
  const errors: unknown[] = [];
  const worker = async () => {
    for (let g = queue.shift(); g; g = queue.shift()) {
      try {
        for (const row of g) add(total, await handleOutboxRow(row));
      } catch (e) {
        errors.push(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency(), queue.length) }, worker));
  if (errors.length > 0) throw errors[0];
  return total;
}

async function notifyOne(row: OutboxRow, story: StorySource, userId: string, reason: string, user: UserRecord | null): Promise<{ written: boolean; outcome: PushOutcome }> {
  const id = inboxIdOf(row);
  const message = pushesOn() ? messageKindFor(row.kind, reason) : null;
  const skip = !pushesOn() ? 'pushes_off' : message === null ? 'not_pushed' : !user?.openid ? 'no_openid' : null;
  const item: StoredInboxItem = {
    id,
    userId,
    at: row.at,
    reportId: row.reportId,
    kind: row.kind,
    title: row.title,
    body: row.body,
    reason,
    pushed: false,
    push: skip ? 'inbox_only' : 'pending',
    version: row.version,
    ...(message ? { pushTemplate: message } : {}),
    ...(skip ? { pushNote: skip } : { pushBy: 'stream' as const, pushClaimedAt: new Date().toISOString() }),
  };
  if (await deliver(item)) return { written: true, outcome: skip ? 'inbox_only' : await push(story, item, user, 'stream') };
  // A replay: the item is there. Pending and held by the stream: the run that wrote it died
  // before its push was recorded (stream batches of a shard never run side by side).
  const existing = await getInboxItem({ userId, at: row.at, id });
  if (!existing) throw new Error(`inbox item ${id} of ${userId} reported present but not found`);
  if (existing.push !== 'pending' || existing.pushBy === 'replay') return { written: false, outcome: 'done_before' };
  return { written: false, outcome: await push(story, existing, user, 'stream') };
}

// ---------------------------------------------------------------------------------------------
// One push
// ---------------------------------------------------------------------------------------------

interface Facts {
  report: ReportRecord | null;
  /** the timeline event of the row's version (seq 0): the status it moved to, its note */
  event: TimelineEvent | null;
}

function versionOf(item: StoredInboxItem): number {
  if (typeof item.version === 'number') return item.version;
  return Number(/-(\d+)$/.exec(item.id)?.[1] ?? NaN);
}

async function factsOf(story: StorySource, item: StoredInboxItem): Promise<Facts> {
  const s = await story();
  const version = versionOf(item);
  return { report: s?.report ?? null, event: s?.events.find((e) => e.version === version && e.seq === 0) ?? null };
}

/** The template's fields from the report as the event left it. Never the reporter's identity. */
export function templateFields(t: Template, facts: Facts, item: Pick<StoredInboxItem, 'at' | 'title'>): Record<string, { kind: TemplateFieldKind; value: string }> {
  const { report, event } = facts;
  const status: Status | undefined = event?.to ?? report?.status;
  const note = t.kind === 'survey' ? item.title : event?.note?.trim() || item.title;
  const values: Record<Template['fields'][string]['from'], string> = {
    category: (report && categoryOf(report.category)?.name) || '安全隐患',
    place: report?.gridName || '所在网格',
    status: status ? STATUS_NAMES[status] : '有更新',
    time: item.at,
    deadline: (report && status && dueAt({ status, acceptBy: report.acceptBy, resolveBy: report.resolveBy })) || item.at,
    note: note || '事项有更新',
  };
  return Object.fromEntries(Object.entries(t.fields).map(([key, f]) => [key, { kind: f.kind, value: values[f.from] }]));
}

async function push(story: StorySource, item: StoredInboxItem, user: UserRecord | null, mode: 'stream' | 'replay'): Promise<PushOutcome> {
  const ref = refOf(item);
  const inboxOnly = async (note: string, attempts?: number): Promise<PushOutcome> => {
    await setPush(ref, 'inbox_only', { pushNote: note, ...(attempts ? { pushAttempts: attempts } : {}) });
    return 'inbox_only';
  };
  if (!pushesOn()) return inboxOnly('pushes_off');
  if (!isMessageKind(item.pushTemplate)) return inboxOnly('not_pushed');
  if (!user?.openid) return inboxOnly('no_openid');
  const message: MessageKind = item.pushTemplate;
  const template = templateFor(message);
  const tplId = templateId(template);

  // Shape first: a field we cannot fill is our bug, and must not cost the user a grant.
  let data;
  try {
    data = shapeTemplateData(templateFields(template, await factsOf(story, item), item));
  } catch (e) {
    if (!(e instanceof TemplateFieldError)) throw e;
    return deadLetter(item, message, { errcode: null, error: `template field ${e.key} (${e.kind})` }, 0, mode);
  }

  if (!template.longTerm && !item.pushGrant) {
    if (!(await consumeGrant(item.userId, tplId))) return inboxOnly('no_grant');
    await markGrantTaken(ref);
  }

  const delays = mode === 'replay' ? [0] : retryDelays();
  let attempts = 0;
  let last: { errcode: number | null; error: string } = { errcode: null, error: 'not attempted' };
  for (const delay of delays) {
    if (delay > 0) await sleep(delay);
    attempts++;
    try {
      await sendSubscribeMessage({ touser: user.openid, templateId: tplId, page: pushPage(user.role, item.reportId), data });
    } catch (e) {
      if (!isWechatError(e)) throw e;
      if (e.kind === 'quota') return inboxOnly('wechat_43101', attempts);
      last = { errcode: e.errcode, error: e.message };
      if (e.retryable) continue;
      break;
    }
    // Recorded right after WeChat accepted; a crash before this write re-sends once (see top).
    await setPush(ref, 'sent', { pushedAt: new Date().toISOString(), pushAttempts: attempts });
    return 'sent';
  }
  return deadLetter(item, message, last, attempts, mode);
}

/** Dead letter first, then 'failed': a crash between leaves a pending item the replay retries. */
async function deadLetter(item: StoredInboxItem, template: MessageKind, err: { errcode: number | null; error: string }, attempts: number, mode: 'stream' | 'replay'): Promise<PushOutcome> {
  await putDeadLetter({
    userId: item.userId,
    at: item.at,
    inboxId: item.id,
    reportId: item.reportId,
    kind: item.kind,
    template,
    errcode: err.errcode,
    error: err.error,
    attempts,
    lastFailedAt: new Date().toISOString(),
  });
  await setPush(refOf(item), 'failed', { pushNote: err.error, pushAttempts: attempts });
  countMetric(METRICS.deadLetteredPushes); // alarmed (infra/src/observability-stack.ts)
  logger.warn('push dead-lettered', { reportId: item.reportId, userId: item.userId, kind: item.kind, errcode: err.errcode, attempts, mode });
  return 'failed';
}

// ---------------------------------------------------------------------------------------------
// Dead letters: the operator's replay
// ---------------------------------------------------------------------------------------------

export interface ReplaySummary {
  attempted: number;
  sent: number;
  inboxOnly: number;
  /** failed again: the record stays (with the new error) for a later replay */
  failed: number;
  /** the push had been done meanwhile: the record was removed */
  alreadyDone: number;
  /** another replay holds it now */
  skipped: number;
  /** more records may be waiting: call again (with `cursor` to go past ones that failed again) */
  more: boolean;
  cursor: string | null;
}

/**
 * Re-attempts the dead-lettered pushes, oldest message first: one attempt each (WeChat is
 * assumed to have recovered; the operator calls again otherwise), a record deleted when its
 * push is done. Stops taking new records after `budgetMs` so an HTTP call stays within the API
 * gateway's limit; the rest wait for the next call.
 */
export async function replayDeadLetters(opts: { limit?: number; cursor?: string; budgetMs?: number } = {}): Promise<ReplaySummary> {
  const started = Date.now();
  const budget = opts.budgetMs ?? 20_000;
  const page = await listDeadLetters(opts.limit ?? 25, opts.cursor);
  const sum: ReplaySummary = { attempted: 0, sent: 0, inboxOnly: 0, failed: 0, alreadyDone: 0, skipped: 0, more: page.cursor !== null, cursor: page.cursor };
  for (const d of page.items) {
    if (Date.now() - started > budget) {
      sum.more = true;
      sum.cursor = null; // the untouched ones are still at the front of the list
      break;
    }
    const ref = deadLetterRef(d);
    const item = await getInboxItem(ref);
    if (!item || item.push === 'sent' || item.push === 'inbox_only') {
      await deleteDeadLetter(d);
      sum.alreadyDone++;
      continue;
    }
    const now = new Date();
    if (!(await claimPushForReplay(ref, now.toISOString(), new Date(now.getTime() - REPLAY_LEASE_MS).toISOString()))) {
      sum.skipped++;
      continue;
    }
    sum.attempted++;
    const outcome = await push(storyOnce(item.reportId), { ...item, push: 'pending', pushBy: 'replay' }, await getUser(d.userId), 'replay');
    if (outcome === 'failed') {
      sum.failed++;
      continue;
    }
    await deleteDeadLetter(d);
    if (outcome === 'sent') sum.sent++;
    else sum.inboxOnly++;
  }
  return sum;
}

export { listDeadLetters };
