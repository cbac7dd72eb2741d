/**
 * The webhook queue: where the stream hands the report changes that city systems' webhooks may
 * want to hear of, so a slow or failing receiver never holds up the stream (as the push queue
 * does for WeChat). One message per report version, naming it (report id and version: no
 * content); the consumer (events/webhooks -> flows/webhooks) reads the report and calls each
 * webhook of the key that filed it.
 *
 * In the cloud: an SQS standard queue (WEBHOOK_QUEUE_URL; infra/src/push-queue.ts), redriven to
 * its dead-letter queue after WEBHOOK_QUEUE.maxReceiveCount receives. Locally: a worker of
 * functions/local/push-worker.ts registers itself with `useWebhookQueue`.
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';

import { webhookMessageBody, type ChangeRef } from '#notify/webhook-message';

export type { ChangeRef };

export interface WebhookQueue {
  send(refs: readonly ChangeRef[]): Promise<void>;
}

let registered: WebhookQueue | undefined;

/** The local stack's worker takes the queue's place (undefined: back to SQS). */
export function useWebhookQueue(q: WebhookQueue | undefined): void {
  registered = q;
}

let sqs: SQSClient | undefined;

const sqsQueue: WebhookQueue = {
  async send(refs) {
    const url = process.env.WEBHOOK_QUEUE_URL;
    if (!url) throw new Error('config: WEBHOOK_QUEUE_URL is not set (the webhook queue; the local stack registers its worker instead)');
    sqs ??= new SQSClient({});
    for (let i = 0; i < refs.length; i += 10) {
      const chunk = refs.slice(i, i + 10); // SendMessageBatch takes 10
      const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: chunk.map((r, j) => ({ Id: String(j), MessageBody: webhookMessageBody(r) })) }));
      if (out.Failed?.length) throw new Error(`webhook queue: ${out.Failed.length} of ${chunk.length} messages refused (${out.Failed.map((f) => f.Code).join(', ')})`);
    }
  },
};

export async function enqueueWebhookChanges(refs: readonly ChangeRef[]): Promise<void> {
  if (refs.length === 0) return;
  await (registered ?? sqsQueue).send(refs);
}
