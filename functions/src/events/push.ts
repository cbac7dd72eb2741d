/**
 * Push queue consumer (events-push): each SQS message names an inbox item whose WeChat push is
 * owed (flows/pushes -> notify/push). Partial batch response: the messages whose push met a
 * store error come back after the visibility timeout; after PUSH_QUEUE.maxReceiveCount receives
 * SQS moves one to the push dead-letter queue (alarmed). WeChat's own failures never come back
 * this way: they are retried in place, then dead-lettered for an operator's replay.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sendQueuedPushes } from '#flows/pushes';
import { categoriesInForce } from '#flows/categories';

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  await categoriesInForce(); // the category names the messages carry
  const { failed } = await sendQueuedPushes(event.Records.map((r) => ({ id: r.messageId, body: r.body })));
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
