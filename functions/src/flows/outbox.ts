/**
 * The outbox from the stream: the rows a batch's new items carry -> the notifier (inbox items,
 * exactly once) -> the push queue (the pushes owed, sent by their own consumer: flows/pushes).
 * Where a row is kept is the store's business (store/report-items: on its version's timeline
 * item, or an OUTBOX# row of the layout before); this is the one reader, so the stream handler
 * never learns the layout.
 *
 * Answers where the stream must start again: the record of the first row that did not finish
 * (rows after it are redelivered too, and find their items written), or the batch's first row
 * when the pushes could not be queued (its retry queues again whatever is still pending).
 */
import { logger } from '#log';
import { outboxRowOf, type OutboxRow } from '#store/reports';
import { handleOutboxRows } from '#notify/notifier';
import { enqueuePushes } from '#notify/push-queue';

export type { OutboxRow };

export interface InsertedItem {
  /** the stream record's sequence number */
  sequence: string;
  item: Record<string, unknown>;
}

/** Rows among the items a batch reports as newly inserted, in stream order. */
export function outboxRowsOf(inserted: readonly Record<string, unknown>[]): OutboxRow[] {
  return inserted.map(outboxRowOf).filter((r): r is OutboxRow => r !== null);
}

/** Tells the rows' recipients; the sequence number to retry from, or null when all is done. */
export async function tellOutbox(inserted: readonly InsertedItem[]): Promise<{ retryFrom: string | null }> {
  const rows: { sequence: string; row: OutboxRow }[] = [];
  for (const r of inserted) {
    const row = outboxRowOf(r.item);
    if (row) rows.push({ sequence: r.sequence, row });
  }
  if (rows.length === 0) return { retryFrom: null };
  const result = await handleOutboxRows(rows.map((r) => r.row));
  try {
    await enqueuePushes(result.owed);
  } catch (e) {
    logger.error('outbox: pushes could not be queued; the batch is retried', { error: e as Error, pushes: result.owed.length });
    return { retryFrom: rows[0]!.sequence };
  }
  if (result.failedAt === null) return { retryFrom: null };
  logger.error('outbox: a row failed; the stream retries from it', { error: result.error as Error, reportId: rows[result.failedAt]!.row.reportId });
  return { retryFrom: rows[result.failedAt]!.sequence };
}
