/**
 * The sweeper's place in the timer index: the first hour bucket that may still hold a timer
 * that has not fired: one item (store/entities/sweeper.ts), `bucket` the ISO hour.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { doc } from '#store/clients';
import { keys } from '#store/keys';
import { config } from '#config';

export { dueTimers } from '#store/reports';

export async function sweeperCursor(): Promise<string | null> {
  const out = await doc.send(new GetCommand({ TableName: config.tableName, Key: keys.sweeperCursor(), ConsistentRead: true }));
  return out.Item ? String(out.Item.bucket) : null;
}

/**
 * Moves the cursor forward only: a slower run that started earlier never moves it back over
 * hours a later run finished (nor past an hour a failed run must come back to).
 */
export async function advanceSweeperCursor(bucket: string): Promise<void> {
  try {
    await doc.send(
      new PutCommand({
        TableName: config.tableName,
        Item: { ...keys.sweeperCursor(), type: 'cursor', bucket },
        ConditionExpression: 'attribute_not_exists(PK) OR #b < :b',
        ExpressionAttributeNames: { '#b': 'bucket' },
        ExpressionAttributeValues: { ':b': bucket },
      }),
    );
  } catch (e) {
    if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
  }
}
