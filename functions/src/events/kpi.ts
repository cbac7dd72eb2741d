/**
 * DynamoDB stream consumer for the measures (events-kpi -> flows/kpi): each batch's report
 * changes become counter writes, one per area per batch. The second consumer on the table's
 * stream, beside the notifier, reading the stream on its own (its own mapping in the cloud, its
 * own pump locally), so neither ever waits for the other. The mapping hands over only changes
 * of report records (events/consumers filters), which is all flows/kpi counts.
 *
 * A batch is counted as one (one write per area), so it fails as one: the error is thrown and
 * the stream retries the batch (bisected in the cloud) — the same as naming its first record in
 * a partial batch response. Counting is idempotent per change, so the retry counts nothing twice.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { fromImage } from '#events/images';
import { countChanges } from '#flows/kpi';
import { queueWebhookChanges } from '#flows/webhook-changes';

type Image = Record<string, AttributeValue> | undefined;

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const records = event.Records.map((r) => ({
    before: fromImage<Record<string, unknown>>(r.dynamodb?.OldImage as Image),
    after: fromImage<Record<string, unknown>>(r.dynamodb?.NewImage as Image),
  }));
  await countChanges(records);
  // The same report changes tell city systems' webhooks (flows/webhooks), through their own queue:
  // a third reader of the stream is not allowed (two per shard), and this one already holds every
  // report's new image. A failed send fails the batch; the retry counts nothing twice, and calls
  // nobody twice (each call is claimed).
  await queueWebhookChanges(records);
  return { batchItemFailures: [] };
}
