/**
 * Webhook queue consumer (events-webhooks): each SQS message names a report version whose
 * change the city system that filed it may be owed (flows/webhooks). Partial batch response: a
 * message whose handling met a store error comes back after the visibility timeout; after
 * WEBHOOK_QUEUE.maxReceiveCount receives SQS moves it to the webhook dead-letter queue. A
 * receiver's own failures never come back this way: retried in place, then dead-lettered.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '#log';
import { categoriesInForce } from '#flows/categories';
import { deliverChange } from '#flows/webhooks';
import { parseWebhookMessage } from '#notify/webhook-message';

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  await categoriesInForce(); // the service names the calls carry
  const failed: string[] = [];
  await Promise.all(
    event.Records.map(async (r) => {
      const ref = parseWebhookMessage(r.body);
      if (!ref) {
        logger.warn('webhook queue: a message that names no report change was dropped', { messageId: r.messageId });
        return;
      }
      try {
        await deliverChange(ref, r.messageId);
      } catch (e) {
        logger.error('webhook: store error, the message comes back', { error: e as Error, messageId: r.messageId });
        failed.push(r.messageId);
      }
    }),
  );
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
