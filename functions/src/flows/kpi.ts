/**
 * The measures from the stream: every change of a report record (its image before and after)
 * becomes counter deltas (domain/kpi) for each area the report sits in — and each assist step
 * and each change of a responder's standing, deltas of the responders' measures
 * (domain/assist-kpi) in their grid's or community's areas —, and the whole batch is
 * counted at once (store/kpi: one write per area, each change counted once however often the
 * batch comes).
 */
import { kpiDeltas, type KpiChange } from '#domain/kpi';
import { assistStepDeltas, rollDeltas } from '#domain/assist-kpi';
import type { VolunteerRecord } from '#domain/responders';
import { isAssistStepItem, stepOf } from '#store/assists';
import { areasInForce } from '#flows/areas';
import { applyChanges } from '#store/kpi';
import { isReportItem, reportFromItem } from '#store/report-items';

type Item = Record<string, unknown>;

/** Counts the report changes among a batch's records (items before/after, in stream order). */
export async function countChanges(records: readonly { before: Item | null; after: Item | null }[], now = new Date()): Promise<number> {
  const changes: KpiChange[] = [];
  let tree: Awaited<ReturnType<typeof areasInForce>>['tree'] | undefined;
  for (const { before: b, after: a } of records) {
    if (a && !b && isAssistStepItem(a)) {
      // an assist step counts once, in its report's grid and above (its sort key names it)
      const step = stepOf(a);
      tree ??= (await areasInForce()).tree;
      changes.push({ reportId: String(a.SK), version: 1, gridId: step.gridId, areaIds: [step.gridId, ...tree.ancestors(step.gridId).map((x) => x.id)], deltas: assistStepDeltas(step) });
      continue;
    }
    if (a && a.type === 'volunteer') {
      // a responder's standing: the roll of approved responders in their community and above
      const after = a as unknown as VolunteerRecord;
      const before = b?.type === 'volunteer' ? (b as unknown as VolunteerRecord) : null;
      if (before && before.version === after.version) continue;
      tree ??= (await areasInForce()).tree;
      changes.push({ reportId: `volunteer:${after.userId}`, version: after.version, gridId: after.communityId, areaIds: [after.communityId, ...tree.ancestors(after.communityId).map((x) => x.id)], deltas: rollDeltas(before, after) });
      continue;
    }
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
