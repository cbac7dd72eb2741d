/**
 * A webhook-queue message: the report version whose change webhooks may be owed, by id only.
 * Kept apart from the sender (notify/webhook-queue), so infra sees which functions send to the
 * queue (infra/src/code-use.ts) and which only read it.
 */
export interface ChangeRef {
  reportId: string;
  version: number;
}

export const webhookMessageBody = (r: ChangeRef): string => JSON.stringify({ reportId: r.reportId, version: r.version });

/** The change a message names; null for a body that is not one (never retried). */
export function parseWebhookMessage(body: string): ChangeRef | null {
  try {
    const v = JSON.parse(body) as Partial<ChangeRef>;
    if (typeof v.reportId === 'string' && Number.isInteger(v.version)) return { reportId: v.reportId, version: v.version! };
  } catch {
    // not JSON
  }
  return null;
}
