/**
 * Idempotency records for POST /v1/reports (per user + Idempotency-Key). The first request
 * takes a lock (conditional put); the report's own transaction completes the record, so
 * "report written" and "response stored" cannot disagree. Concurrent duplicates wait for it.
 */
import { GetCommand, PutCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { doc } from '#store/clients';
import { keys } from '#store/keys';
import { config } from '#config';
import type { TxItem } from '#store/tx';

export interface IdempotencyRecord {
  userId: string;
  key: string;
  bodyHash: string;
  status: 'in_flight' | 'done';
  /** the lock's owner: only it may complete or release the record */
  owner: string;
  lockedUntil: string;
  response: { statusCode: number; body: unknown } | null;
}

const table = () => config.tableName;
const LOCK_SECONDS = 30;

export type LockResult = { acquired: true } | { acquired: false; existing: IdempotencyRecord };

export async function acquire(userId: string, key: string, bodyHash: string, owner: string, now: Date): Promise<LockResult> {
  const record: IdempotencyRecord = {
    userId,
    key,
    bodyHash,
    status: 'in_flight',
    owner,
    lockedUntil: new Date(now.getTime() + LOCK_SECONDS * 1000).toISOString(),
    response: null,
  };
  try {
    await doc.send(
      new PutCommand({
        TableName: table(),
        Item: { ...keys.idempotency(userId, key), type: 'idempotency', ...record, ttl: Math.floor(now.getTime() / 1000) + config.idempotencyTtlSeconds },
        // A lock left by a crashed request may be taken over once it has lapsed.
        ConditionExpression: 'attribute_not_exists(PK) OR (#s = :inflight AND lockedUntil < :now)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':inflight': 'in_flight', ':now': now.toISOString() },
      }),
    );
    return { acquired: true };
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
    const existing = await read(userId, key);
    if (!existing) return acquire(userId, key, bodyHash, owner, now);
    return { acquired: false, existing };
  }
}

export async function read(userId: string, key: string): Promise<IdempotencyRecord | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: keys.idempotency(userId, key), ConsistentRead: true }));
  if (!out.Item) return null;
  const { PK: _a, SK: _b, type: _t, ttl: _ttl, ...rest } = out.Item;
  return rest as IdempotencyRecord;
}

/** Goes into the report's transaction: stores the response, only if we still own the lock. */
export function completeItem(userId: string, key: string, owner: string, response: IdempotencyRecord['response']): TxItem {
  return {
    Update: {
      TableName: table(),
      Key: keys.idempotency(userId, key),
      UpdateExpression: 'SET #s = :done, #r = :resp',
      ConditionExpression: '#o = :owner AND #s = :inflight',
      ExpressionAttributeNames: { '#s': 'status', '#r': 'response', '#o': 'owner' },
      ExpressionAttributeValues: { ':done': 'done', ':resp': response, ':owner': owner, ':inflight': 'in_flight' },
    },
  };
}

/** On a 4xx the key is released, so the client may fix the body and retry with the same key. */
export async function release(userId: string, key: string, owner: string): Promise<void> {
  try {
    await doc.send(
      new DeleteCommand({
        TableName: table(),
        Key: keys.idempotency(userId, key),
        ConditionExpression: '#o = :owner AND #s = :inflight',
        ExpressionAttributeNames: { '#o': 'owner', '#s': 'status' },
        ExpressionAttributeValues: { ':owner': owner, ':inflight': 'in_flight' },
      }),
    );
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
  }
}
