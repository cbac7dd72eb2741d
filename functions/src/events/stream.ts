/**
 * DynamoDB stream handler: outbox rows -> the notifier (in-app inbox exactly once, WeChat push
 * at least once; see notify/notifier.ts). Replays are harmless, so a thrown error (a store
 * error: push failures never throw) simply has the whole batch retried.
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { OutboxRow } from '#store/reports';
import { handleOutboxRows } from '#notify/notifier';

export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  const rows: OutboxRow[] = [];
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || !image || image.type?.S !== 'outbox') continue;
    rows.push(unmarshall(image as Record<string, AttributeValue>) as OutboxRow);
  }
  if (rows.length > 0) await handleOutboxRows(rows);
}
