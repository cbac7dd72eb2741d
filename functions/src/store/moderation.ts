/**
 * The review queue and the link from a WeChat media-check trace back to its upload.
 *
 * Queue   PK MODQ#pending          SK <report createdAt>#<reportId>   one per report awaiting a person;
 *                                                                    derived from the report, so
 *                                                                    queuing twice is one item and a
 *                                                                    decision removes it by key
 * Trace   PK MEDIATRACE#<traceId>  SK TRACE               uploadId; ttl
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { doc } from '#store/clients';
import { keys } from '#store/keys';
import { config } from '#config';
import { decodeCursor, encodeCursor } from '#store/cursor';
import type { Moderation } from '#domain/moderation';
import type { TxItem } from '#store/tx';

const table = () => config.tableName;
const QUEUE = 'MODQ#pending';

type Queued = { id: string; createdAt: string; gridId: string; beatId: string };

const queueKey = (r: Pick<Queued, 'id' | 'createdAt'>) => ({ PK: QUEUE, SK: `${r.createdAt}#${r.id}` });

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
    new QueryCommand({ TableName: table(), KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': QUEUE }, Limit: limit, ExclusiveStartKey: decodeCursor(cursor, 'modq') }),
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
      Item: { PK: `MEDIATRACE#${traceId}`, SK: 'TRACE', type: 'mediatrace', uploadId, ttl: Math.floor(Date.now() / 1000) + 7 * 86400 },
    }),
  );
}

export async function uploadOfTrace(traceId: string): Promise<string | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: { PK: `MEDIATRACE#${traceId}`, SK: 'TRACE' } }));
  return (out.Item?.uploadId as string | undefined) ?? null;
}
