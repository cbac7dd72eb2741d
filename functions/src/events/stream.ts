/**
 * DynamoDB stream handler: outbox rows -> in-app inbox (the source of truth for notifications).
 * Replays are harmless: each (outbox row, recipient) has a deterministic inbox key written with a
 * condition. WeChat pushes hang off this same loop in a later issue.
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { deliver } from '#store/inbox';
import { getReportStory, type OutboxRow } from '#store/reports';
import { pad } from '#store/keys';

async function recipients(row: OutboxRow): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const t of row.to) {
    if ('userId' in t) out.set(t.userId, t.reason);
    else {
      const story = await getReportStory(row.reportId);
      for (const m of story?.members ?? []) if (!out.has(m.userId)) out.set(m.userId, m.relation);
    }
  }
  if (row.actorId) out.delete(row.actorId);
  return out;
}

export async function handleOutboxRow(row: OutboxRow): Promise<number> {
  let written = 0;
  const sourceKey = `${row.reportId}-${pad(row.version)}`;
  for (const [userId, reason] of await recipients(row)) {
    const fresh = await deliver({
      id: sourceKey,
      userId,
      at: row.at,
      reportId: row.reportId,
      kind: row.kind,
      title: row.title,
      body: row.body,
      reason,
      pushed: false,
    });
    if (fresh) written++;
  }
  return written;
}

export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  for (const record of event.Records) {
    if (record.eventName !== 'INSERT') continue;
    const image = record.dynamodb?.NewImage;
    if (!image || image.type?.S !== 'outbox') continue;
    await handleOutboxRow(unmarshall(image as Record<string, AttributeValue>) as OutboxRow);
  }
}
