/**
 * The in-app inbox: the source of truth for what a user was told, whether or not a WeChat push
 * got through. One item per (outbox row, recipient), written with a condition so a replayed
 * stream record never tells anyone twice.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { doc } from '#store/clients';
import { keys, prefixes } from '#store/keys';
import { config } from '#config';
import { type Page } from '#store/reports';
import { decodeCursor, encodeCursor } from '#store/cursor';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';

export interface InboxItem {
  id: string;
  userId: string;
  at: string;
  reportId: string;
  kind: string;
  title: string;
  body: string;
  reason: string;
  pushed: boolean;
}

const table = () => config.tableName;

/** true if written now, false if it was already there (a replay). */
export async function deliver(item: InboxItem): Promise<boolean> {
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

export async function listInbox(userId: string, limit: number, cursor?: string): Promise<Page<InboxItem>> {
  const out = await doc.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': keys.user(userId).PK, ':sk': prefixes.inbox },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: decodeCursor(cursor, `inbox:${userId}`),
    }),
  );
  return {
    items: (out.Items ?? []).map(({ PK: _a, SK: _b, type: _t, ...rest }) => rest as InboxItem),
    cursor: encodeCursor(out.LastEvaluatedKey, `inbox:${userId}`),
  };
}
