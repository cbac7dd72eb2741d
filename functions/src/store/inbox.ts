/**
 * The in-app inbox: the source of truth for what a user was told, whether or not a WeChat push
 * got through. One item per (outbox row, recipient), written with a condition so a replayed
 * stream record never tells anyone twice.
 *
 * Each item also carries the state of its WeChat push (notify/notifier.ts drives it):
 *   pending     the item is written and a push is owed (or under way)
 *   sent        WeChat accepted the push
 *   inbox_only  no push will be made: no openid, no grant / 43101, or a kind that is not pushed
 *   failed      WeChat would not take it after the retries; a dead letter (store/dead-letters)
 *               lets an operator replay it
 * `pushBy` / `pushClaimedAt` say who holds a pending push: 'queue' (written by the stream
 * notifier, the push queued and nobody working on it yet), 'worker' (a push-queue message claimed
 * it, `pushClaim` naming the message, until `pushClaimedAt` + the lease), or an operator's replay;
 * both claim with a condition, so two holders never send the same item at once. 'stream' is the
 * notifier of the layout before, which pushed inside the stream batch.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { doc } from '#store/clients';
import { Inbox, keys } from '#store/keys';
import { config } from '#config';
import { type Page } from '#store/reports';
import { decodeCursor, encodeCursor } from '#store/cursor';

export type PushState = 'pending' | 'sent' | 'inbox_only' | 'failed';

/** What GET /v1/inbox shows. */
export interface InboxItem {
  id: string;
  userId: string;
  at: string;
  reportId: string;
  kind: string;
  title: string;
  body: string;
  reason: string;
  /** true once WeChat accepted the push (push === 'sent') */
  pushed: boolean;
  push: PushState;
}

/** The stored item: the view plus the notifier's bookkeeping (never shown to the user). */
export interface StoredInboxItem extends InboxItem {
  /** the outbox row's version (the id is `<reportId>-<version:6>`) */
  version?: number;
  /** the message kind whose template carries the push (notify/templates) */
  pushTemplate?: string;
  /** why not pushed, or what failed last (codes only: no_openid, no_grant, wechat_43101, send -1 …) */
  pushNote?: string;
  pushAttempts?: number;
  /** a one-time grant was taken for this item: a later attempt must not take another */
  pushGrant?: boolean;
  pushBy?: 'queue' | 'worker' | 'stream' | 'replay';
  pushClaimedAt?: string;
  /** the push-queue message that holds the push (pushBy 'worker'): its redelivery may take it again */
  pushClaim?: string;
  pushedAt?: string;
}

export interface InboxRef {
  userId: string;
  at: string;
  id: string;
}

const table = () => config.tableName;
const keyOf = (r: InboxRef) => keys.inbox(r.userId, r.at, r.id);

/** true if written now, false if it was already there (a replay). */
export async function deliver(item: InboxItem | StoredInboxItem): Promise<boolean> {
  try {
    await doc.send(
      new PutCommand({
        TableName: table(),
        Item: { ...keys.inbox(item.userId, item.at, item.id), type: 'inbox', ...item },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}

const strip = ({ PK: _a, SK: _b, type: _t, ...rest }: Record<string, unknown>) => rest as unknown as StoredInboxItem;

/** Items written before pushes existed carry only `pushed`. */
const stateOf = (i: StoredInboxItem): PushState => i.push ?? (i.pushed ? 'sent' : 'inbox_only');

export async function getInboxItem(ref: InboxRef): Promise<StoredInboxItem | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: keyOf(ref), ConsistentRead: true }));
  if (!out.Item) return null;
  const item = strip(out.Item);
  return { ...item, push: stateOf(item) };
}

type PushFields = Partial<Pick<StoredInboxItem, 'pushNote' | 'pushAttempts' | 'pushGrant' | 'pushedAt' | 'pushTemplate'>>;

function setExpression(fields: Record<string, unknown>) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts: string[] = [];
  Object.entries(fields).forEach(([k, v], i) => {
    if (v === undefined) return;
    names[`#f${i}`] = k;
    values[`:f${i}`] = v;
    parts.push(`#f${i} = :f${i}`);
  });
  return { expr: `SET ${parts.join(', ')}`, names, values };
}

/** Records the push's outcome (or a step of it) on an existing item. */
export async function setPush(ref: InboxRef, state: PushState, fields: PushFields = {}): Promise<void> {
  const { expr, names, values } = setExpression({ ...fields, push: state, pushed: state === 'sent' });
  await doc.send(
    new UpdateCommand({
      TableName: table(),
      Key: keyOf(ref),
      UpdateExpression: expr,
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

/** Notes that a one-time grant was taken for this item (so a retry or replay uses it, not another). */
export async function markGrantTaken(ref: InboxRef): Promise<void> {
  await doc.send(
    new UpdateCommand({
      TableName: table(),
      Key: keyOf(ref),
      UpdateExpression: 'SET pushGrant = :t',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':t': true },
    }),
  );
}

/**
 * An operator's replay takes a failed push (or one a replay claimed before `staleBefore` and
 * never finished: that replay died). false when someone else holds it or it is done already.
 */
export async function claimPushForReplay(ref: InboxRef, now: string, staleBefore: string): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table(),
        Key: keyOf(ref),
        UpdateExpression: 'SET #p = :pending, pushBy = :replay, pushClaimedAt = :now',
        ConditionExpression: '#p = :failed OR (#p = :pending AND pushBy = :replay AND pushClaimedAt < :stale)',
        ExpressionAttributeNames: { '#p': 'push' },
        ExpressionAttributeValues: { ':pending': 'pending', ':failed': 'failed', ':replay': 'replay', ':now': now, ':stale': staleBefore },
      }),
    );
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}

/**
 * A push-queue message takes a pending push: one nobody holds ('queue', or 'stream' left by a
 * notifier of the layout before that died), one this same message held before (its redelivery
 * after a lost invocation), or one whose holder's lease ran out before `staleBefore`. false when
 * another holder has it or it is no longer pending.
 */
export async function claimPush(ref: InboxRef, claim: string, now: string, staleBefore: string): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table(),
        Key: keyOf(ref),
        UpdateExpression: 'SET pushBy = :worker, pushClaim = :claim, pushClaimedAt = :now',
        ConditionExpression: '#p = :pending AND (pushBy IN (:queue, :stream) OR pushClaim = :claim OR pushClaimedAt < :stale)',
        ExpressionAttributeNames: { '#p': 'push' },
        ExpressionAttributeValues: { ':pending': 'pending', ':worker': 'worker', ':queue': 'queue', ':stream': 'stream', ':claim': claim, ':now': now, ':stale': staleBefore },
      }),
    );
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}

/** The view: what the user was told and whether the push reached WeChat; no bookkeeping. */
function view(i: StoredInboxItem): InboxItem {
  const push = stateOf(i);
  return { id: i.id, userId: i.userId, at: i.at, reportId: i.reportId, kind: i.kind, title: i.title, body: i.body, reason: i.reason, pushed: push === 'sent', push };
}

export async function listInbox(userId: string, limit: number, cursor?: string): Promise<Page<InboxItem>> {
  const out = await doc.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': Inbox.pk({ uid: userId }), ':sk': Inbox.skPrefix },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: decodeCursor(cursor, `inbox:${userId}`),
    }),
  );
  return {
    items: (out.Items ?? []).map((i) => view(strip(i))),
    cursor: encodeCursor(out.LastEvaluatedKey, `inbox:${userId}`),
  };
}
