/**
 * The push queue: where the stream notifier hands the pushes it owes, so a slow or failing WeChat
 * never holds up an inbox item (or anything else on the stream). One message per inbox item,
 * naming it (user, time, id: no message text, no openid); the consumer (events/push ->
 * notify/push) reads the item and does the rest.
 *
 * In the cloud: an SQS standard queue (PUSH_QUEUE_URL; infra/src/functions-stack.ts), a
 * redrive to its dead-letter queue after PUSH_QUEUE.maxReceiveCount receives (events/consumers).
 * Locally: the in-process push worker (functions/local/push-worker.ts) registers itself with
 * `usePushQueue`, and feeds the same consumer handler as the cloud's event source mapping.
 *
 * A send that fails throws: the stream batch is retried, and the retry finds the items it wrote
 * still 'pending' and queues them again (the consumer's claim stops a second send).
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { InboxRef } from '#store/inbox';
import { pushMessageBody } from '#notify/push-message';

export interface PushQueue {
  send(refs: readonly InboxRef[]): Promise<void>;
}

let registered: PushQueue | undefined;

/** The local stack's worker takes the queue's place (undefined: back to SQS). */
export function usePushQueue(q: PushQueue | undefined): void {
  registered = q;
}

// Created once per container, on first use (the stream function's cold start stays as it was).
let sqs: SQSClient | undefined;

function queueUrl(): string {
  const url = process.env.PUSH_QUEUE_URL;
  if (!url) throw new Error('config: PUSH_QUEUE_URL is not set (the push queue; the local stack registers its worker instead)');
  return url;
}

const sqsQueue: PushQueue = {
  async send(refs) {
    const url = queueUrl();
    sqs ??= new SQSClient({});
    const chunks: InboxRef[][] = [];
    for (let i = 0; i < refs.length; i += 10) chunks.push(refs.slice(i, i + 10)); // SendMessageBatch takes 10
    await Promise.all(
      chunks.map(async (chunk) => {
        const out = await sqs!.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: chunk.map((r, i) => ({ Id: String(i), MessageBody: pushMessageBody(r) })) }));
        if (out.Failed?.length) throw new Error(`push queue: ${out.Failed.length} of ${chunk.length} messages refused (${out.Failed.map((f) => f.Code).join(', ')})`);
      }),
    );
  },
};

export async function enqueuePushes(refs: readonly InboxRef[]): Promise<void> {
  if (refs.length === 0) return;
  await (registered ?? sqsQueue).send(refs);
}
