/**
 * Rate-limit counters: one item per user, action and window, counted by a conditional update
 * (never above the limit) that commits in the same transaction as the act it limits — a
 * refused request writes nothing, a counted one is counted once — and gone by TTL after the
 * window. Invite attempts are the exception: a wrong code is counted on its own (`countIn`).
 *
 * Keys: store/entities/limits.ts (one counter per user, action and window start).
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { doc } from '#store/clients';
import { config } from '#config';
import { LimitCounter } from '#store/keys';
import type { TxItem } from '#store/tx';

export interface Window {
  userId: string;
  action: string;
  startMs: number;
  seconds: number;
  max: number;
}

const limitKey = (w: Window) => LimitCounter.key({ uid: w.userId, action: w.action, window: new Date(w.startMs).toISOString() });

export async function countSoFar(w: Window): Promise<number> {
  const out = await doc.send(new GetCommand({ TableName: config.tableName, Key: limitKey(w), ConsistentRead: true }));
  return Number(out.Item?.n ?? 0);
}

/** One more in the window, for the act's own transaction; fails its condition at the limit. */
export function countItem(w: Window): TxItem {
  return {
    Update: {
      TableName: config.tableName,
      Key: limitKey(w),
      UpdateExpression: 'ADD n :one SET #type = :type, #ttl = :ttl',
      ConditionExpression: 'attribute_not_exists(n) OR n < :max',
      ExpressionAttributeNames: { '#type': 'type', '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':one': 1, ':max': w.max, ':type': 'limit', ':ttl': Math.floor(w.startMs / 1000) + w.seconds + 3600 },
    },
  };
}

/** Counts one more on its own; false (nothing counted) when the window already holds `max`. */
export async function countIn(w: Window): Promise<boolean> {
  try {
    await doc.send(new UpdateCommand(countItem(w).Update as ConstructorParameters<typeof UpdateCommand>[0]));
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}
