/**
 * The review queue and the link from a WeChat media-check trace back to its upload. Keys and
 * access patterns: store/entities/moderation.ts. A queue item's key is derived from its report
 * (created time and id), so queuing twice is one item and a decision removes it by key.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { doc } from '#store/clients';
import { MediaTrace, ModerationQueue, keys } from '#store/keys';
import { config } from '#config';
import { decodeCursor, encodeCursor } from '#store/cursor';
import type { Moderation } from '#domain/moderation';
import type { TxItem } from '#store/tx';

const table = () => config.tableName;

type Queued = { id: string; createdAt: string; gridId: string; beatId: string };

const queueKey = (r: Pick<Queued, 'id' | 'createdAt'>) => ModerationQueue.key({ createdAt: r.createdAt, reportId: r.id });

export const queueItem = (r: Queued): TxItem => ({
  Put: { TableName: table(), Item: { ...queueKey(r), type: 'modq', reportId: r.id, at: r.createdAt, gridId: r.gridId, beatId: r.beatId } },
});

export async function enqueue(r: Queued): Promise<void> {
  await doc.send(new PutCommand(queueItem(r).Put as ConstructorParameters<typeof PutCommand>[0]));
}

/** A reviewer's decision: the report's moderation, the queue item gone and `extra` (its audit), together. */
export function decisionItems(r: Pick<Queued, 'id' | 'createdAt'>, m: Moderation): TxItem[] {
  return [
    {
      Update: {
        TableName: table(),
        Key: keys.report(r.id),
        UpdateExpression: 'SET moderation = :m',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':m': m },
      },
    },
    { Delete: { TableName: table(), Key: queueKey(r) } },
  ];
}

export async function listQueue(limit: number, cursor?: string) {
  const out = await doc.send(
    new QueryCommand({ TableName: table(), KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': ModerationQueue.pk({}) }, Limit: limit, ExclusiveStartKey: decodeCursor(cursor, 'modq') }),
  );
  return { items: (out.Items ?? []).map((i) => ({ reportId: String(i.reportId), at: String(i.at), sk: String(i.SK) })), cursor: encodeCursor(out.LastEvaluatedKey, 'modq') };
}

/** Sets the report's moderation without touching its version (it is not a step of the loop). */
export async function setReportModeration(reportId: string, m: Moderation): Promise<void> {
  await doc.send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.report(reportId),
      UpdateExpression: 'SET moderation = :m',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':m': m },
    }),
  );
}

export async function saveTrace(traceId: string, uploadId: string): Promise<void> {
  await doc.send(
    new PutCommand({
      TableName: table(),
      Item: { ...MediaTrace.key({ traceId }), type: 'mediatrace', uploadId, ttl: Math.floor(Date.now() / 1000) + 7 * 86400 },
    }),
  );
}

export async function uploadOfTrace(traceId: string): Promise<string | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: MediaTrace.key({ traceId }) }));
  return (out.Item?.uploadId as string | undefined) ?? null;
}
