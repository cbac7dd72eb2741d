/**
 * DynamoDB stream consumer for the measures (flows/kpi): each batch's report changes become
 * counter writes, one per area per batch. A second consumer on the same stream as the notifier,
 * so a slow push never delays the dashboard and vice versa.
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { fromImage } from '#events/images';
import { countChanges } from '#flows/kpi';

type Image = Record<string, AttributeValue> | undefined;

export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  await countChanges(
    event.Records.map((r) => ({
      before: fromImage<Record<string, unknown>>(r.dynamodb?.OldImage as Image),
      after: fromImage<Record<string, unknown>>(r.dynamodb?.NewImage as Image),
    })),
  );
}
