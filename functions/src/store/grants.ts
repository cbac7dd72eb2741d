/**
 * Subscribe-message grants: what a user accepted in requestSubscribeMessage, per (user, template).
 * - One-time templates: each "allow" gives ONE send; counted, and a send consumes one atomically.
 * - Long-term templates: one "allow" covers every later send until the user switches it off in
 *   WeChat's settings (WeChat then answers 43101); recorded as accepted, and revoked on 43101
 *   so the app asks again.
 *
 * One item per (user, template): count (one-time); accepted, acceptedAt, revokedAt (long-term).
 * Keys and access patterns: store/entities/grants.ts.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { doc } from '#store/clients';
import { partitionItems } from '#store/query';
import { Grant } from '#store/keys';
import { config } from '#config';

const key = (userId: string, templateId: string) => Grant.key({ uid: userId, templateId });

/** One update per template of the user's grant items, each creating the item if it is new. */
async function updateEach(userId: string, templateIds: string[], set: string, names: Record<string, string>, values: Record<string, unknown>): Promise<void> {
  await Promise.all(
    templateIds.map((t) =>
      doc.send(
        new UpdateCommand({
          TableName: config.tableName,
          Key: key(userId, t),
          UpdateExpression: set,
          ExpressionAttributeNames: { '#type': 'type', ...names },
          ExpressionAttributeValues: { ':type': 'grant', ':t': t, ...values },
        }),
      ),
    ),
  );
}

export async function addGrants(userId: string, templateIds: string[]): Promise<void> {
  await updateEach(userId, templateIds, 'ADD #c :one SET #type = :type, templateId = :t', { '#c': 'count' }, { ':one': 1 });
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

/** Records that the user accepted these long-term templates (again, after a revocation). */
export async function acceptLongTerm(userId: string, templateIds: string[], at: string): Promise<void> {
  await updateEach(userId, templateIds, 'SET #type = :type, templateId = :t, accepted = :yes, acceptedAt = :at REMOVE revokedAt', {}, { ':yes': true, ':at': at });
}

/**
 * WeChat answered 43101 for a long-term template we had as accepted: the user switched it off
 * (or never accepted it on this account). Only an acceptance recorded before `at` is revoked, so
 * an "allow" tapped while the push was under way stands.
 */
export async function revokeLongTerm(userId: string, templateId: string, at: string): Promise<void> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: key(userId, templateId),
        UpdateExpression: 'SET accepted = :no, revokedAt = :at',
        ConditionExpression: 'accepted = :yes AND acceptedAt < :at',
        ExpressionAttributeValues: { ':no': false, ':yes': true, ':at': at },
      }),
    );
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
  }
}

/** Is this long-term template accepted by the user (and not revoked since)? */
export async function hasLongTermGrant(userId: string, templateId: string): Promise<boolean> {
  const out = await doc.send(new GetCommand({ TableName: config.tableName, Key: key(userId, templateId), ConsistentRead: true }));
  return out.Item?.accepted === true;
}

export interface GrantState {
  /** one-time sends left */
  count: number;
  /** a long-term acceptance in force */
  accepted: boolean;
}

/** Every grant of a user, by template id. */
export async function grantsOf(userId: string): Promise<Map<string, GrantState>> {
  const items = await partitionItems(Grant.pk({ uid: userId }), Grant.skPrefix);
  return new Map(items.map((i) => [String(i.templateId), { count: Number(i.count ?? 0), accepted: i.accepted === true }]));
}
