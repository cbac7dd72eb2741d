/**
 * From the stream to the webhook queue (flows/webhooks calls the receivers): which report changes
 * Open311 webhooks may be owed. Its own module, so only the function that queues (events-kpi)
 * bundles the queue's sender and is given its URL (infra/src/code-use.ts).
 */
import { enqueueWebhookChanges, type ChangeRef } from '#notify/webhook-queue';
import { isReportItem, reportFromItem } from '#store/report-items';

/**
 * The report changes of a stream batch (records before/after, as the KPI consumer gets them)
 * that Open311 webhooks may want: a new version of a report an API key filed, after its first.
 * Queued for the webhook consumer; nothing is read here (the record is in the stream image).
 */
export async function queueWebhookChanges(records: readonly { before: Record<string, unknown> | null; after: Record<string, unknown> | null }[]): Promise<number> {
  const refs: ChangeRef[] = [];
  for (const { before, after } of records) {
    if (!after || !isReportItem(after)) continue;
    const r = reportFromItem(after);
    if (r.source !== 'open311' || !r.open311 || r.version < 2) continue;
    if (before && isReportItem(before) && reportFromItem(before).version === r.version) continue; // not a new version
    refs.push({ reportId: r.id, version: r.version });
  }
  await enqueueWebhookChanges(refs);
  return refs.length;
}

