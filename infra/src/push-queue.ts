/**
 * The WeChat push queue and its dead-letter queue (functions/src/notify/push-queue.ts). Built in
 * the functions stack, beside the functions that use it: the notifier's environment names the
 * queue, so it must exist before the functions (and the events stack, which maps the queue to
 * its consumer, depends on the functions stack, not the other way round).
 *
 * - standard queue (order is not needed: each message is one self-contained push), encrypted,
 *   TLS only; visibility timeout from PUSH_QUEUE (6 x the consumer's timeout), so a message comes
 *   back only once the invocation that held it is over;
 * - after PUSH_QUEUE.maxReceiveCount receives (each a store error or a lost invocation; WeChat's
 *   own failures never come back this way) a message moves to the dead-letter queue, kept 14 days
 *   and alarmed on depth (observability-stack). Redriving it to the queue retries the push: the
 *   item is still 'pending', and its claim lets the message take it.
 */
import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { PUSH_QUEUE, WEBHOOK_QUEUE } from './catalog.ts';

export interface PushQueues {
  queue: Queue;
  deadLetters: Queue;
}

export function pushQueues(scope: Construct): PushQueues {
  return queuePair(scope, 'Push', PUSH_QUEUE);
}

/**
 * The webhook queue (functions/src/notify/webhook-queue.ts): the same shape for city systems'
 * Open311 webhooks, so a slow receiver waits in its own queue, never in the push queue.
 */
export function webhookQueues(scope: Construct): PushQueues {
  return queuePair(scope, 'Webhook', WEBHOOK_QUEUE);
}

function queuePair(scope: Construct, prefix: string, spec: { visibilityTimeoutSeconds: number; maxReceiveCount: number }): PushQueues {
  const deadLetters = new Queue(scope, `${prefix}DeadLetters`, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const queue = new Queue(scope, `${prefix}Queue`, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
    // a push (or a webhook call) older than a day is no news any more; the inbox item, or GET
    // requests/{id}, told it anyway
    retentionPeriod: Duration.days(1),
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: spec.maxReceiveCount },
  });
  return { queue, deadLetters };
}
