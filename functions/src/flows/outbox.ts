/**
 * The outbox rows a stream batch carries, for the notifier. Where a row is kept is the store's
 * business (store/report-items: on its version's timeline item, or an OUTBOX# row of the layout
 * before); this is the one reader, so the stream handler never learns the layout.
 */
import { outboxRowOf, type OutboxRow } from '#store/reports';

export type { OutboxRow };

/** Rows among the items a batch reports as newly inserted, in stream order. */
export function outboxRowsOf(inserted: readonly Record<string, unknown>[]): OutboxRow[] {
  return inserted.map(outboxRowOf).filter((r): r is OutboxRow => r !== null);
}
