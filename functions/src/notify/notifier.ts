/**
 * The notifier: outbox rows (from the DynamoDB stream) -> the in-app inbox, exactly once per
 * (row, recipient), and a queued WeChat push where the user can receive one. It never waits for
 * WeChat: the push goes to the push queue (notify/push-queue) and is sent by its own consumer
 * (notify/push), with its own retries, so a slow WeChat delays no inbox item and no KPI.
 *
 * Per recipient (the actor is never told of their own action):
 * - Write the inbox item with a condition (store/inbox `deliver`). Its `push` says what is owed:
 *   'inbox_only' at once when no push will be made (a kind that is not pushed — see
 *   templates.messageKindFor —, no openid, pushes switched off), else 'pending' with
 *   `pushBy: 'queue'`, and the item is queued.
 * - Replays (a stream batch retried, a crash mid-batch, the part of a batch after its first
 *   failed record): the write finds the item there and reads it; still 'pending' -> queued again
 *   (the run before may have died before queuing it; a duplicate message finds the push claimed
 *   or done and stops); anything else -> nothing. Together: every item exactly once, every owed
 *   push queued at least once, sent once (at least once across a crash mid-send: notify/push).
 *
 * Rows of one report are handled in order, different reports side by side (NOTIFY_CONCURRENCY,
 * default 8), recipients of a row side by side. A store error stops its report's rows where it
 * happened; the batch reports the first row that did not finish (`failedAt`), so the stream
 * retries from there (partial batch response) and everything before it is done.
 */
import { messageKindFor } from '#notify/templates';
import { pad } from '#store/keys';
import { type OutboxRow } from '#store/reports';
import { getUser, getUsers, type UserRecord } from '#store/users';
import { deliver, getInboxItem, type InboxRef, type StoredInboxItem } from '#store/inbox';
import { pushesOn, storyOnce } from '#notify/push';

function concurrency(): number {
  const n = Number(process.env.NOTIFY_CONCURRENCY ?? 8);
  return Number.isInteger(n) && n > 0 ? n : 8;
}

export interface Outcome {
  recipients: number;
  /** inbox items written by this call (a replay writes none for rows already handled) */
  written: number;
  /** items whose push was queued (written now, or found still pending on a replay) */
  queued: number;
  inboxOnly: number;
}

const none = (): Outcome => ({ recipients: 0, written: 0, queued: 0, inboxOnly: 0 });

function add<T extends Outcome>(total: T, o: Outcome): T {
  for (const k of Object.keys(o) as (keyof Outcome)[]) total[k] += o[k];
  return total;
}

type StorySource = ReturnType<typeof storyOnce>;

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

export const inboxIdOf = (row: Pick<OutboxRow, 'reportId' | 'version' | 'inboxId'>) => row.inboxId ?? `${row.reportId}-${pad(row.version)}`;

/** One outbox row: every recipient's inbox item; the pushes it owes are added to `owed`. Throws only on store errors. */
export async function handleOutboxRow(row: OutboxRow, owed: InboxRef[]): Promise<Outcome> {
  const story = storyOnce(row.reportId);
  const to = await recipients(row, story);
  if (to.size === 0) return none();
  const users = await usersOf([...to.keys()]);
  const settled = await Promise.allSettled([...to].map(([userId, reason]) => tellOne(row, userId, reason, users.get(userId) ?? null)));
  // what did get written is queued even when a sibling failed: the replay would queue it anyway
  for (const s of settled) if (s.status === 'fulfilled' && s.value.queue) owed.push(s.value.queue);
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
  const total = none();
  for (const s of settled) {
    const { written, queue } = (s as PromiseFulfilledResult<Told>).value;
    total.recipients++;
    if (written) total.written++;
    if (queue) total.queued++;
    else if (written) total.inboxOnly++;
  }
  return total;
}

export interface BatchResult extends Outcome {
  /** the pushes to queue (notify/push-queue), in the order their items were written */
  owed: InboxRef[];
  /** index (in `rows`) of the first row that did not finish, or null when all did */
  failedAt: number | null;
  /** the error that stopped it */
  error?: unknown;
}

/**
 * A stream batch: rows of one report in order, reports side by side. Every group runs to its
 * end or its first store error; the earliest row an error left unfinished is `failedAt`.
 */
export async function handleOutboxRows(rows: readonly OutboxRow[]): Promise<BatchResult> {
  const groups = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const g = groups.get(r.reportId);
    if (g) g.push(i);
    else groups.set(r.reportId, [i]);
  });
  const queue = [...groups.values()];
  const total: BatchResult = { ...none(), owed: [], failedAt: null };
  const worker = async () => {
    for (let g = queue.shift(); g; g = queue.shift()) {
      for (const i of g) {
        try {
          add(total, await handleOutboxRow(rows[i]!, total.owed));
        } catch (e) {
          if (total.failedAt === null || i < total.failedAt) Object.assign(total, { failedAt: i, error: e });
          break; // the rest of this report waits for the retry, in order
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency(), queue.length) }, worker));
  return total;
}

interface Told {
  written: boolean;
  /** the item's push, when one is owed */
  queue: InboxRef | null;
}

async function tellOne(row: OutboxRow, userId: string, reason: string, user: UserRecord | null): Promise<Told> {
  const id = inboxIdOf(row);
  const ref: InboxRef = { userId, at: row.at, id };
  const message = pushesOn() ? messageKindFor(row.kind, reason) : null;
  const skip = !pushesOn() ? 'pushes_off' : message === null ? 'not_pushed' : !user?.openid ? 'no_openid' : null;
  const item: StoredInboxItem = {
    id,
    userId,
    at: row.at,
    reportId: row.reportId,
    kind: row.kind,
    title: row.titles?.[userId] ?? row.title,
    body: row.body,
    reason,
    pushed: false,
    push: skip ? 'inbox_only' : 'pending',
    ...(row.inboxId ? {} : { version: row.version }),
    ...(message ? { pushTemplate: message } : {}),
    ...(skip ? { pushNote: skip } : { pushBy: 'queue' as const }),
  };
  if (await deliver(item)) return { written: true, queue: skip ? null : ref };
  // A replay: the item is there. Still pending: queue it again (see the top).
  const existing = await getInboxItem(ref);
  if (!existing) throw new Error(`inbox item ${id} of ${userId} reported present but not found`);
  return { written: false, queue: existing.push === 'pending' && existing.pushBy !== 'replay' ? ref : null };
}
