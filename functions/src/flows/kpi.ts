/**
 * The measures from the stream: every change of a report record (its image before and after)
 * becomes counter deltas (domain/kpi) for each area the report sits in, and the whole batch is
 * counted at once (store/kpi: one write per area, each change counted once however often the
 * batch comes).
 */
import { kpiDeltas, type KpiChange } from '#domain/kpi';
import { areasInForce } from '#flows/areas';
import { applyChanges } from '#store/kpi';
import { isReportItem, reportFromItem } from '#store/report-items';

type Item = Record<string, unknown>;

/** Counts the report changes among a batch's records (items before/after, in stream order). */
export async function countChanges(records: readonly { before: Item | null; after: Item | null }[], now = new Date()): Promise<number> {
  const changes: KpiChange[] = [];
  let tree: Awaited<ReturnType<typeof areasInForce>>['tree'] | undefined;
  for (const { before: b, after: a } of records) {
    if (!a || !isReportItem(a)) continue;
    const after = reportFromItem(a);
    const before = b && isReportItem(b) ? reportFromItem(b) : null;
    if (before && before.version === after.version) continue; // not a state change (a follower joined)
    tree ??= (await areasInForce()).tree;
    // the report's own grid and beat and every area above them; reports keep their grid even after a re-import
    const areaIds = [...new Set([after.gridId, after.beatId, ...tree.ancestors(after.gridId).map((x) => x.id), ...tree.ancestors(after.beatId).map((x) => x.id)])];
    changes.push({ reportId: after.id, version: after.version, gridId: after.gridId, areaIds, deltas: kpiDeltas(before, after) });
  }
  return changes.length ? applyChanges(changes, now) : 0;
}
