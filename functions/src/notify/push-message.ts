/**
 * A push-queue message: the inbox item whose push is owed, named by its key fields only (user,
 * time, id — no message text, no openid). Kept apart from the sender (notify/push-queue), so
 * infra sees which functions send to the queue (infra/src/code-use.ts) and which only read it.
 */
import type { InboxRef } from '#store/inbox';

export const pushMessageBody = (ref: InboxRef): string => JSON.stringify({ userId: ref.userId, at: ref.at, id: ref.id });

/** The inbox item a message names; null for a body that is not one (never retried). */
export function parsePushMessage(body: string): InboxRef | null {
  try {
    const v = JSON.parse(body) as Partial<InboxRef>;
    if (typeof v.userId === 'string' && typeof v.at === 'string' && typeof v.id === 'string') return { userId: v.userId, at: v.at, id: v.id };
  } catch {
    // not JSON
  }
  return null;
}
