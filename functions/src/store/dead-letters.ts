/**
 * Dead-lettered pushes: a WeChat push that still failed after the notifier's retries (WeChat
 * busy or down, or an error only a fix on our side cures). The inbox item already told the
 * user; the record lets an operator list the failures and replay them once WeChat recovers.
 * One record per inbox item (the key is derived from it), so a second failure of the same push
 * updates the record instead of adding one. No ttl: a dead letter leaves only when its push is
 * done (sent, or no longer possible) or an operator's replay found it already done.
 *
 * Keys: store/entities/dead-letters.ts (one partition, oldest message first).
 */
import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { doc } from '#store/clients';
import { PushDeadLetter as Keys, keys } from '#store/keys';
import { config } from '#config';
import { decodeCursor, encodeCursor } from '#store/cursor';
import type { Page } from '#store/reports';
import type { InboxRef } from '#store/inbox';

export interface PushDeadLetter {
  /** the inbox item the push belongs to */
  userId: string;
  at: string;
  inboxId: string;
  reportId: string;
  /** the outbox row's kind (report.created, timer.remind …) and the message kind (task, progress …) */
  kind: string;
  template: string;
  /** WeChat's errcode of the last failure (-1 for 5xx, timeouts and network errors), or null */
  errcode: number | null;
  /** codes only: the api, errcode and errmsg (WeChat's errmsg carries no personal data) */
  error: string;
  /** attempts made in the failure that wrote (or last updated) this record */
  attempts: number;
  /** how many times this push has been dead-lettered (the notifier's run, then each failed replay) */
  failures: number;
  firstFailedAt: string;
  lastFailedAt: string;
}

const table = () => config.tableName;
const SCOPE = 'dlq:push';

export const deadLetterRef = (d: Pick<PushDeadLetter, 'userId' | 'at' | 'inboxId'>): InboxRef => ({ userId: d.userId, at: d.at, id: d.inboxId });

/** Writes or updates the record of a failed push. */
export async function putDeadLetter(d: Omit<PushDeadLetter, 'failures' | 'firstFailedAt'>): Promise<void> {
  await doc.send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.pushDeadLetter(d.at, d.userId, d.inboxId),
      UpdateExpression:
        'SET #type = :type, userId = :u, #at = :at, inboxId = :i, reportId = :r, kind = :k, template = :t, errcode = :c, #error = :e, attempts = :n, lastFailedAt = :now, firstFailedAt = if_not_exists(firstFailedAt, :now) ADD failures :one',
      ExpressionAttributeNames: { '#type': 'type', '#at': 'at', '#error': 'error' },
      ExpressionAttributeValues: {
        ':type': 'dead_letter',
        ':u': d.userId,
        ':at': d.at,
        ':i': d.inboxId,
        ':r': d.reportId,
        ':k': d.kind,
        ':t': d.template,
        ':c': d.errcode,
        ':e': d.error,
        ':n': d.attempts,
        ':now': d.lastFailedAt,
        ':one': 1,
      },
    }),
  );
}

export async function deleteDeadLetter(d: Pick<PushDeadLetter, 'userId' | 'at' | 'inboxId'>): Promise<void> {
  await doc.send(new DeleteCommand({ TableName: table(), Key: keys.pushDeadLetter(d.at, d.userId, d.inboxId) }));
}

/** Oldest message first, one page. */
export async function listDeadLetters(limit: number, cursor?: string): Promise<Page<PushDeadLetter>> {
  const out = await doc.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': Keys.pk({}) },
      Limit: limit,
      ConsistentRead: true,
      ExclusiveStartKey: decodeCursor(cursor, SCOPE),
    }),
  );
  return {
    items: (out.Items ?? []).map(({ PK: _a, SK: _b, type: _t, ...rest }) => rest as PushDeadLetter),
    cursor: encodeCursor(out.LastEvaluatedKey, SCOPE),
  };
}
