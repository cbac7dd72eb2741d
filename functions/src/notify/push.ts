/**
 * One WeChat push: the subscribe message an inbox item owes (its `push` is 'pending'), sent off
 * the stream — from the push queue (notify/push-queue: SQS in the cloud, the local push worker
 * here) or an operator's replay of a dead letter.
 *
 * A queued push (`deliverQueuedPush`):
 * 1. Read the item; anything but 'pending' is done already (a duplicate message, a replay).
 * 2. Claim it (store/inbox `claimPush`): the message's id is the claim, so its own redelivery
 *    may take it again, while a second message for the same item finds it held and stops.
 *    A holder's lease (PUSH_LEASE_MS) outlasts the consumer's timeout: a live holder is never
 *    overtaken; one that died is, once its lease ran out.
 * 3. Push: pick the template by message kind, shape its fields from the report (category name,
 *    grid name as the place, the status the event moved to, times, the event's note), take a
 *    one-time grant, or for a long-term template check the user's recorded acceptance (none ->
 *    'inbox_only'), check once that the configured templates match the account's (a mismatch
 *    throws: notify/template-check), send with a
 *    deep link to the page the recipient works the report on (domain/pages `pushPage`: residents
 *    the report, staff the task), then mark 'sent'.
 * 4. WeChat errors never escape: 43101 -> 'inbox_only' (a long-term acceptance is revoked); busy (-1, 5xx, timeouts) and rate
 *    limits -> retried in place with backoff (NOTIFY_RETRY_DELAYS_MS, default 0,100,400,1600:
 *    four attempts); still failing, or an error retrying cannot cure (47003, 40037, a token
 *    WeChat keeps refusing after the client's one refresh) -> a dead letter (store/dead-letters)
 *    and 'failed', for an operator to replay. Store errors DO escape: the queue delivers the
 *    message again (and after PUSH_QUEUE.maxReceiveCount receives moves it to its own DLQ).
 *
 * Decisions worth knowing:
 * - 'sent' is recorded right after WeChat accepts. A crash between the two (or a timeout after
 *   WeChat delivered) re-sends that one message on the redelivery: at-least-once, never lost. For
 *   a one-time template the repeat cannot take a second grant (the item records `pushGrant`); it
 *   meets WeChat's own count instead, which may answer 43101 for a message that did arrive.
 * - A grant is taken before the send and recorded on the item; a crash between taking and
 *   recording loses that one grant (the user gets the inbox item, and the push if they have
 *   another grant) — never a push without a grant, never two grants for one item.
 * - 43101 keeps the grant consumed. WeChat charged nothing, but 43101 says WeChat holds no quota
 *   for this user and template (or the user switched these messages off): the grant we counted
 *   is one WeChat does not have, and giving it back would spend a certain 43101 on every later
 *   message. A user who wants messages again taps "allow" again, which records a fresh grant.
 * - A busy or failed push keeps its grant on the item: the replay uses it rather than another.
 * - NOTIFY_PUSH=off settles every push as 'inbox_only' (an operator's switch; a benchmark's baseline).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '#log';
import { countMetric, METRICS } from '#metrics';
import { categoryOf } from '#domain/categories';
import { STATUS_NAMES, type Status } from '#domain/lifecycle';
import { dueAt, type ReportRecord, type TimelineEvent } from '#domain/report';
import { pushPage } from '#domain/pages';
import { getReportStory, type ReportStory } from '#store/reports';
import { getUser, type UserRecord } from '#store/users';
import { consumeGrant, hasLongTermGrant, revokeLongTerm } from '#store/grants';
import { claimPush, claimPushForReplay, getInboxItem, markGrantTaken, setPush, type InboxRef, type StoredInboxItem } from '#store/inbox';
import { deadLetterRef, deleteDeadLetter, listDeadLetters, putDeadLetter } from '#store/dead-letters';
import { isWechatError, sendSubscribeMessage, shapeTemplateData, TemplateFieldError, type TemplateFieldKind } from '#notify/wechat';
import { isMessageKind, templateFor, templateId, type MessageKind, type Template } from '#notify/templates';
import { verifyTemplatesOnce } from '#notify/template-check';

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

export const pushesOn = () => process.env.NOTIFY_PUSH !== 'off';

/** A replay that claimed a push and did not finish within this is taken to have died. */
export const REPLAY_LEASE_MS = 2 * 60_000;
/** A queued push's claim: longer than its consumer may run (60 s), so only a dead holder is overtaken. */
export const PUSH_LEASE_MS = 5 * 60_000;

export type PushOutcome = 'sent' | 'inbox_only' | 'failed' | 'done_before';

/** The report's story, read once per push and only when something needs it. */
type StorySource = () => Promise<ReportStory | null>;

export function storyOnce(reportId: string): StorySource {
  let p: Promise<ReportStory | null> | undefined;
  return () => (p ??= getReportStory(reportId));
}

const refOf = (i: Pick<StoredInboxItem, 'userId' | 'at' | 'id'>): InboxRef => ({ userId: i.userId, at: i.at, id: i.id });

// ---------------------------------------------------------------------------------------------
// A queued push
// ---------------------------------------------------------------------------------------------

/**
 * The push a queue message names. `claim` is the message's id (stable across its redeliveries).
 * 'done_before' when the item is settled already or another holder has it. Throws only on store errors.
 */
export async function deliverQueuedPush(ref: InboxRef, claim: string): Promise<PushOutcome> {
  const item = await getInboxItem(ref);
  if (!item || item.push !== 'pending') return 'done_before';
  const now = new Date();
  if (!(await claimPush(ref, claim, now.toISOString(), new Date(now.getTime() - PUSH_LEASE_MS).toISOString()))) return 'done_before';
  return push(storyOnce(item.reportId), { ...item, pushBy: 'worker', pushClaim: claim }, await getUser(item.userId), 'queue');
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
  // an assist step's item (`<assistId>.<step>.<by>`) belongs to no version
  return item.id.includes('.') ? NaN : Number(/-(\d+)$/.exec(item.id)?.[1] ?? NaN);
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

type Mode = 'queue' | 'replay';

async function push(story: StorySource, item: StoredInboxItem, user: UserRecord | null, mode: Mode): Promise<PushOutcome> {
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

  if (template.longTerm) {
    // accepted once on a tap (flows/subscriptions); without it WeChat would answer 43101
    if (!(await hasLongTermGrant(item.userId, tplId))) return inboxOnly('no_grant');
  } else if (!item.pushGrant) {
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
      await verifyTemplatesOnce(); // a configuration that does not match the account throws (not a WeChat error)
      await sendSubscribeMessage({ touser: user.openid, templateId: tplId, page: pushPage(user.role, item.reportId, item.reason), data });
    } catch (e) {
      if (!isWechatError(e)) throw e;
      if (e.kind === 'quota') {
        // long-term: switched off in WeChat's settings; the app shows it and asks again
        if (template.longTerm) await revokeLongTerm(item.userId, tplId, new Date().toISOString());
        return inboxOnly('wechat_43101', attempts);
      }
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

/** Dead letter first, then 'failed': a crash between leaves a pending item its redelivery retries. */
async function deadLetter(item: StoredInboxItem, template: MessageKind, err: { errcode: number | null; error: string }, attempts: number, mode: Mode): Promise<PushOutcome> {
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
