/**
 * Repeat hazards (domain/repeats): the filing transaction's tally of the building, the flag on a
 * report's staff view, and the list of a street's (or a whole area's) repeated buildings.
 */
import { nextTally, repeatOf, REPEAT_MIN, windowStart } from '#domain/repeats';
import type { ReportRecord } from '#domain/report';
import type { Building } from '#geo/places';
import { areasInForce } from '#flows/areas';
import { rightsOf } from '#flows/rights';
import { getTally, repeatsOfStreet, tallyItem } from '#store/buildings';
import { batchGetReports } from '#store/reports';
import type { TxItem } from '#store/tx';
import type { UserRecord } from '#store/users';

/** The building's tally with this new report, for the report's own transaction. */
export async function tallyItemFor(report: ReportRecord, building: Building, streetId: string): Promise<TxItem> {
  const prev = await getTally(building.id, report.category);
  const { next, repeat, ttlAt } = nextTally(prev, { id: report.id, at: report.createdAt }, { buildingId: building.id, category: report.category, streetId, label: building.label });
  return tallyItem(next, repeat, ttlAt);
}

export interface RepeatView {
  count: number;
  since: string;
  reports: { id: string; status: string; createdAt: string }[];
}

/** The 重复隐患 flag of a report (staff view): its building's reports of its category in the window. */
export async function repeatOfReport(r: ReportRecord, now: Date): Promise<RepeatView | null> {
  if (!r.building) return null;
  const found = repeatOf(await getTally(r.building.id, r.category), now);
  if (!found) return null;
  const records = await batchGetReports(found.reportIds);
  return {
    count: found.count,
    since: found.since,
    reports: records.filter((x): x is ReportRecord => !!x).map((x) => ({ id: x.id, status: x.status, createdAt: x.createdAt })).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)),
  };
}

export interface RepeatItem {
  building: { id: string; label: string };
  category: string;
  count: number;
  lastAt: string;
  reportIds: string[];
}

/**
 * Buildings of an area with a repeat hazard now, latest first: the street lists of every street
 * at or below the area (for a community or grid, filtered to its buildings' grids).
 */
export async function repeatsIn(user: UserRecord, areaId: string, now: Date, limit = 100): Promise<RepeatItem[]> {
  const { tree, places } = await areasInForce();
  (await rightsOf(user)).require({ areaId }, '不能查看该区域');
  if (!tree.get(areaId)) return [];
  // the streets holding the area's grids (a beat or station crosses street lines)
  const streetIds = new Set(
    tree
      .list({ level: 'grid' })
      .filter((g) => tree.covers(areaId, g.id))
      .flatMap((g) => tree.lineage(g.id).street?.id ?? []),
  );
  const streets = [...streetIds].map((id) => ({ id }));
  const since = windowStart(now);
  const lists = await Promise.all(streets.map((s) => repeatsOfStreet(s.id, since, limit)));
  return lists
    .flat()
    .filter((t) => {
      const b = places.get(t.buildingId);
      return b ? tree.covers(areaId, b.gridId) : false;
    })
    .flatMap((t) => {
      const r = repeatOf(t, now);
      return r && r.count >= REPEAT_MIN ? [{ building: { id: t.buildingId, label: t.label }, category: t.category, count: r.count, lastAt: t.lastAt, reportIds: r.reportIds }] : [];
    })
    .sort((a, b) => (a.lastAt < b.lastAt ? 1 : -1))
    .slice(0, limit);
}
