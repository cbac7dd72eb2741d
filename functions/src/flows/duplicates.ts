/**
 * The same hazard reported twice: open reports of a category in the same building (from the
 * building's tally, however far apart the points) or within 50 m (the geohash cells). Residents
 * are offered them as "我也遇到"; staff get them as merge candidates.
 */
import { isOpen } from '#domain/lifecycle';
import { hiddenFromPublic, hiddenPhotos } from '#domain/moderation';
import type { ReportRecord } from '#domain/report';
import type { AreaTree } from '#geo/areas';
import { distanceMeters, type LatLng } from '#geo/datum';
import { photoLinks } from '#flows/photos';
import { rightsOf } from '#flows/rights';
import { loadReport } from '#flows/reports';
import { getTally } from '#store/buildings';
import { batchGetReports, openReportsNear } from '#store/reports';
import type { UserRecord } from '#store/users';
import { forbidden } from '#domain/errors';

export const NEARBY_METERS = 50;

export interface Candidate {
  report: ReportRecord;
  meters: number;
  sameBuilding: boolean;
}

/** Open, shown reports of `category` in the building or within 50 m of `here` (WGS-84), nearest first. */
export async function candidates(category: string, here: LatLng, buildingId: string | null): Promise<Candidate[]> {
  const [near, tally] = await Promise.all([openReportsNear(category, here.lat, here.lng), buildingId ? getTally(buildingId, category) : Promise.resolve(null)]);
  const inBuilding = tally ? await batchGetReports(tally.reports.map((r) => r.id)) : [];
  const byId = new Map<string, Candidate>();
  for (const report of [...near, ...inBuilding]) {
    if (!report || byId.has(report.id) || report.category !== category || !isOpen(report.status) || hiddenFromPublic(report.moderation)) continue;
    const sameBuilding = buildingId !== null && report.building?.id === buildingId;
    const meters = distanceMeters(here, report.location);
    if (sameBuilding || meters <= NEARBY_METERS) byId.set(report.id, { report, meters, sameBuilding });
  }
  return [...byId.values()].sort((a, b) => Number(b.sameBuilding) - Number(a.sameBuilding) || a.meters - b.meters);
}

/** The first report photo anyone may see (WeChat's check passed), as a short-lived thumbnail link. */
export async function firstThumb(r: ReportRecord, now: Date): Promise<string | null> {
  const hidden = hiddenPhotos(r.moderation);
  const first = r.photos.find((p) => p.kind === 'report' && !hidden.has(p.id));
  return first ? ((await photoLinks([first], now))[0]?.thumbUrl ?? null) : null;
}

/** Merge candidates for a report, for staff who may act on it: the others inside their areas. */
export async function duplicatesOf(user: UserRecord, reportId: string): Promise<{ items: Candidate[]; tree: AreaTree }> {
  const r = await loadReport(reportId);
  const rights = await rightsOf(user);
  rights.require(r, '该事项不在您的管辖范围');
  if (!isOpen(r.status)) throw forbidden('事项已办结，不能再合并');
  const items = (await candidates(r.category, r.location, r.building?.id ?? null)).filter((c) => c.report.id !== r.id && rights.may(c.report));
  return { items, tree: rights.tree };
}
