/**
 * Subscribe-message grants: each time a user taps "allow" in requestSubscribeMessage they give
 * ONE send of that template. Counted per (user, template); a send consumes one atomically.
 *
 * Grant   PK USER#<uid>   SK GRANT#<templateId>   count
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { doc } from '#store/clients';
import { keys } from '#store/keys';
import { config } from '#config';

const key = (userId: string, templateId: string) => ({ PK: keys.user(userId).PK, SK: `GRANT#${templateId}` });

export async function addGrants(userId: string, templateIds: string[]): Promise<void> {
  await Promise.all(
    templateIds.map((t) =>
      doc.send(
        new UpdateCommand({
          TableName: config.tableName,
          Key: key(userId, t),
          UpdateExpression: 'ADD #c :one SET #type = :type, templateId = :t',
          ExpressionAttributeNames: { '#c': 'count', '#type': 'type' },
          ExpressionAttributeValues: { ':one': 1, ':type': 'grant', ':t': t },
        }),
      ),
    ),
  );
}

/** Takes one grant; false when there is none left (the push then goes to the inbox only). */
export async function consumeGrant(userId: string, templateId: string): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: key(userId, templateId),
        UpdateExpression: 'ADD #c :minus',
        ConditionExpression: '#c > :zero',
        ExpressionAttributeNames: { '#c': 'count' },
        ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
      }),
    );
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}

/** Gives back a grant that was taken for a send WeChat then refused before delivering. */
export async function returnGrant(userId: string, templateId: string): Promise<void> {
  await addGrants(userId, [templateId]);
}

export async function grantsLeft(userId: string, templateId: string): Promise<number> {
  const out = await doc.send(new GetCommand({ TableName: config.tableName, Key: key(userId, templateId), ConsistentRead: true }));
  return Number(out.Item?.count ?? 0);
}
