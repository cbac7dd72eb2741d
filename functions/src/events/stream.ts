/**
 * DynamoDB stream consumer (events-stream): outbox rows -> inbox items and queued pushes
 * (flows/outbox). The event source mapping hands over only the inserts that carry an outbox row
 * (events/consumers filters); anything else that reaches here is ignored all the same.
 *
 * Partial batch response: a failed row answers its record's sequence number, and the stream
 * retries from that record (the rows before it are done; replays of the ones after are harmless).
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { fromImage } from '#events/images';
import { tellOutbox, type InsertedItem } from '#flows/outbox';

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const inserted: InsertedItem[] = [];
  for (const r of event.Records) {
    if (r.eventName !== 'INSERT' || !r.dynamodb?.NewImage) continue;
    inserted.push({ sequence: r.dynamodb.SequenceNumber!, item: fromImage<Record<string, unknown>>(r.dynamodb.NewImage as Record<string, AttributeValue>)! });
  }
  const { retryFrom } = await tellOutbox(inserted);
  return { batchItemFailures: retryFrom === null ? [] : [{ itemIdentifier: retryFrom }] };
}
