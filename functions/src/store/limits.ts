/**
 * Rate-limit counters: one item per user, action and window, counted with a conditional update
 * (never above the limit) and gone by TTL after the window.
 *
 * Counter   PK LIMIT#<uid>   SK <action>#<window start ISO>   n, ttl
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { doc } from '#store/clients';
import { config } from '#config';

export const limitKey = (userId: string, action: string, windowStartIso: string) => ({ PK: `LIMIT#${userId}`, SK: `${action}#${windowStartIso}` });

/** Counts one more; false (nothing counted) when the window already holds `max`. */
export async function countIn(userId: string, action: string, windowStartMs: number, windowSeconds: number, max: number): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: limitKey(userId, action, new Date(windowStartMs).toISOString()),
        UpdateExpression: 'ADD n :one SET #type = :type, #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(n) OR n < :max',
        ExpressionAttributeNames: { '#type': 'type', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':max': max, ':type': 'limit', ':ttl': Math.floor(windowStartMs / 1000) + windowSeconds + 3600 },
      }),
    );
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}
