/**
 * Queued pushes -> WeChat (notify/push), one queue message per inbox item, a batch's messages
 * side by side. Answers the messages to deliver again: those whose push met a store error.
 * A message that names no inbox item is dropped with a warning (retrying cannot fix it).
 */
import { logger } from '#log';
import { deliverQueuedPush } from '#notify/push';
import { parsePushMessage } from '#notify/push-message';

export interface QueuedPush {
  /** the queue's message id: the push's claim, the same on every redelivery */
  id: string;
  body: string;
}

export async function sendQueuedPushes(messages: readonly QueuedPush[]): Promise<{ failed: string[] }> {
  const failed: string[] = [];
  await Promise.all(
    messages.map(async (m) => {
      const ref = parsePushMessage(m.body);
      if (!ref) {
        logger.warn('push queue: a message that names no inbox item was dropped', { messageId: m.id });
        return;
      }
      try {
        await deliverQueuedPush(ref, m.id);
      } catch (e) {
        logger.error('push: store error, the message comes back', { error: e as Error, messageId: m.id });
        failed.push(m.id);
      }
    }),
  );
  return { failed };
}
