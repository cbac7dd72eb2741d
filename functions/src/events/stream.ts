/**
 * DynamoDB stream handler: outbox rows -> the notifier (in-app inbox exactly once, WeChat push
 * at least once; see notify/notifier.ts). A row is written once, with its state change, so only
 * inserts carry one (flows/outbox finds them). Replays are harmless, so a thrown error (a store
 * error: push failures never throw) simply has the whole batch retried.
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { fromImage } from '#events/images';
import { outboxRowsOf } from '#flows/outbox';
import { handleOutboxRows } from '#notify/notifier';

export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  const inserted = event.Records.filter((r) => r.eventName === 'INSERT' && r.dynamodb?.NewImage).map(
    (r) => fromImage<Record<string, unknown>>(r.dynamodb!.NewImage as Record<string, AttributeValue>)!,
  );
  const rows = outboxRowsOf(inserted);
  if (rows.length > 0) await handleOutboxRows(rows);
}
