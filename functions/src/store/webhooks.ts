/**
 * Webhooks of city systems (an Open311 key's "tell me when my requests change") and their
 * calls: one claim per webhook and report version (a queue message delivered twice calls once),
 * and the dead letters of calls that failed after their retries, for an operator's replay.
 *
 * Keys: store/entities/apikeys.ts.
 */
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { doc } from '#store/clients';
import { partitionItems } from '#store/query';
import { Webhook as Keys, WebhookDeadLetter as Letters, WebhookDelivery as Sends, withoutKeys } from '#store/keys';
import { endOnceItem, transact, type TxItem } from '#store/tx';
import { decodeCursor, encodeCursor } from '#store/cursor';
import type { Page } from '#store/reports';
import { config } from '#config';

export type WebhookEvent = 'status_changed' | 'updated';

export interface WebhookRecord {
  id: string;
  /** the API key whose requests it hears of */
  apiKeyId: string;
  url: string;
  events: WebhookEvent[];
  /** the HMAC-SHA256 key of its signatures (the receiver holds it too: shown once at creation) */
  secret: string;
  createdBy: string;
  createdAt: string;
  deletedAt: string | null;
}

/** One call of a webhook: a report's version. */
export interface DeliveryRef {
  webhookId: string;
  reportId: string;
  version: number;
}

export interface WebhookDeadLetter extends DeliveryRef {
  /** the change's time (the list reads oldest first) */
  at: string;
  /** HTTP status of the last answer, or null (no answer: timeout, refused connection) */
  status: number | null;
  error: string;
  attempts: number;
  failures: number;
  lastFailedAt: string;
}

const table = () => config.tableName;
/** A call's record outlives any redelivery of its message (SQS keeps messages a day). */
const SEND_TTL_SECONDS = 30 * 86400;

const hookItem = (w: WebhookRecord) => ({ ...Keys.key({ id: w.id }), type: 'webhook', ...w });

export async function putWebhook(w: WebhookRecord, audit: TxItem): Promise<void> {
  await transact([{ Put: { TableName: table(), Item: hookItem(w), ConditionExpression: 'attribute_not_exists(PK)' } }, audit]);
}

export async function deleteWebhook(id: string, by: string, at: string, audit: TxItem): Promise<void> {
  await transact([endOnceItem(table(), Keys.key({ id }), 'deleted', by, at), audit]);
}

export async function getWebhook(id: string): Promise<WebhookRecord | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: Keys.key({ id }) }));
  if (!out.Item) return null;
  const { type: _t, deletedBy: _d, ...rest } = withoutKeys(out.Item);
  return rest as unknown as WebhookRecord;
}

/** Every webhook, deleted ones included (one small partition). */
export async function listWebhooks(): Promise<WebhookRecord[]> {
  return (await partitionItems(Keys.pk({}), Keys.skPrefix)).map((i) => {
    const { type: _t, deletedBy: _d, ...rest } = withoutKeys(i);
    return rest as unknown as WebhookRecord;
  });
}

// ── calls ────────────────────────────────────────────────────────────────────────────────────

export type SendState = 'claimed' | 'sent' | 'failed';

/**
 * Takes the call of `ref` for `claim` (a queue message's id): false when it was sent already,
 * or another live holder has it. A holder that died is overtaken once its lease (`staleBefore`) ran out.
 */
export async function claimSend(ref: DeliveryRef, claim: string, nowIso: string, staleBefore: string): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table(),
        Key: Sends.key(ref),
        UpdateExpression: 'SET #type = :type, #s = :claimed, claim = :c, claimedAt = :now, #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(PK) OR (#s <> :sent AND (claim = :c OR claimedAt < :stale OR #s = :failed))',
        ExpressionAttributeNames: { '#type': 'type', '#s': 'state', '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':type': 'webhook_send',
          ':claimed': 'claimed',
          ':sent': 'sent',
          ':failed': 'failed',
          ':c': claim,
          ':now': nowIso,
          ':stale': staleBefore,
          ':ttl': Math.floor(Date.parse(nowIso) / 1000) + SEND_TTL_SECONDS,
        },
      }),
    );
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}

export async function settleSend(ref: DeliveryRef, state: 'sent' | 'failed', detail: { status: number | null; attempts: number; at: string }): Promise<void> {
  await doc.send(
    new UpdateCommand({
      TableName: table(),
      Key: Sends.key(ref),
      UpdateExpression: 'SET #s = :s, httpStatus = :h, attempts = :n, settledAt = :at',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: { ':s': state, ':h': detail.status, ':n': detail.attempts, ':at': detail.at },
    }),
  );
}

export async function getSend(ref: DeliveryRef): Promise<{ state: SendState; attempts?: number; httpStatus?: number | null } | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: Sends.key(ref), ConsistentRead: true }));
  return out.Item ? ({ state: out.Item.state, attempts: out.Item.attempts, httpStatus: out.Item.httpStatus } as { state: SendState }) : null;
}

// ── dead letters ─────────────────────────────────────────────────────────────────────────────

const SCOPE = 'dlq:webhook';

export async function putWebhookDeadLetter(d: Omit<WebhookDeadLetter, 'failures'>): Promise<void> {
  await doc.send(
    new UpdateCommand({
      TableName: table(),
      Key: Letters.key(d),
      UpdateExpression: 'SET #type = :type, webhookId = :w, reportId = :r, version = :v, #at = :at, #status = :st, #error = :e, attempts = :n, lastFailedAt = :now ADD failures :one',
      ExpressionAttributeNames: { '#type': 'type', '#at': 'at', '#status': 'status', '#error': 'error' },
      ExpressionAttributeValues: { ':type': 'webhook_dead_letter', ':w': d.webhookId, ':r': d.reportId, ':v': d.version, ':at': d.at, ':st': d.status, ':e': d.error, ':n': d.attempts, ':now': d.lastFailedAt, ':one': 1 },
    }),
  );
}

export async function deleteWebhookDeadLetter(d: Pick<WebhookDeadLetter, 'at' | 'webhookId' | 'reportId' | 'version'>): Promise<void> {
  await doc.send(new DeleteCommand({ TableName: table(), Key: Letters.key(d) }));
}

export async function listWebhookDeadLetters(limit: number, cursor?: string): Promise<Page<WebhookDeadLetter>> {
  const out = await doc.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': Letters.pk({}) },
      Limit: limit,
      ConsistentRead: true,
      ExclusiveStartKey: decodeCursor(cursor, SCOPE),
    }),
  );
  return {
    items: (out.Items ?? []).map((i) => {
      const { type: _t, ...rest } = withoutKeys(i);
      return rest as unknown as WebhookDeadLetter;
    }),
    cursor: encodeCursor(out.LastEvaluatedKey, SCOPE),
  };
}

