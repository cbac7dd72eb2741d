/**
 * Reading assists: a responder's lists (what waits on them, what they hold, what is over), one
 * assist as its requester and the report's staff see it, the points ledger and the community
 * leaderboard. A responder sees of the report only what the offer carries (need, category,
 * building-level place, the photos the requester chose): never who reported, never a phone.
 */
import { forbidden, notFound } from '#domain/errors';
import { isStaff } from '#domain/roles';
import type { OfferList, OfferRecord } from '#domain/assists';
import { rightsOf } from '#flows/rights';
import { mayManage } from '#flows/responders';
import { getAssist, offersOf, pointsOf, type PointsRecord } from '#store/assists';
import { getReportRecord, getReportStory, type Page } from '#store/reports';
import { volunteersOf } from '#store/responders';
import type { UserRecord } from '#store/users';

export async function myOffers(user: UserRecord, list: OfferList, limit: number, cursor?: string): Promise<Page<OfferRecord>> {
  if (user.role !== 'volunteer') throw forbidden('只有群防群治力量有协助请求');
  return offersOf(user.id, list, limit, cursor);
}

export type AssistRead =
  | { as: 'responder'; offer: OfferRecord; assist: Awaited<ReturnType<typeof getAssist>> & object }
  | { as: 'staff'; assist: Awaited<ReturnType<typeof getAssist>> & object };

/** One assist: the responder offered it sees their offer; the report's staff see every offer. */
export async function readAssist(user: UserRecord, assistId: string): Promise<AssistRead> {
  const found = await getAssist(assistId);
  if (!found) throw notFound('协助请求');
  const offer = found.offers.find((o) => o.userId === user.id);
  if (offer) return { as: 'responder', offer, assist: found };
  if (!isStaff(user.role)) throw notFound('协助请求');
  const report = await getReportRecord(found.assist.reportId);
  if (!report) throw notFound('事项');
  (await rightsOf(user)).require(report, '该事项不在您的管辖范围');
  return { as: 'staff', assist: found };
}

/** Every assist of a report, for the report's staff (its steps name them), oldest first. */
export async function assistsOfReport(user: UserRecord, reportId: string) {
  const story = await getReportStory(reportId);
  if (!story) throw notFound('事项');
  (await rightsOf(user)).require(story.report, '该事项不在您的管辖范围');
  const ids = [...new Set(story.assistSteps.filter((s) => s.step === 'requested').map((s) => s.assistId))];
  return (await Promise.all(ids.map((id) => getAssist(id)))).filter((a): a is NonNullable<typeof a> => a !== null);
}

export interface Points {
  total: number;
  hours: number;
  items: PointsRecord[];
}

export const totalsOf = (items: readonly PointsRecord[]) => ({
  total: items.reduce((s, e) => s + e.points, 0),
  hours: items.reduce((s, e) => s + e.hours, 0),
});

export async function myPoints(user: UserRecord): Promise<Points> {
  const items = await pointsOf(user.id);
  return { ...totalsOf(items), items };
}

/**
 * A community's leaderboard: approved responders who opted in, by points. Others are not
 * listed at all (not even as a count of anonymous entries). The community's staff also see
 * how many responders it has.
 */
export async function leaderboard(user: UserRecord, communityId: string): Promise<{ items: { name: string; kind: string; points: number; hours: number }[]; responders?: number }> {
  const rights = await rightsOf(user);
  const c = rights.tree.get(communityId);
  if (!c || c.level !== 'community') throw notFound('社区');
  const all = await volunteersOf(communityId, 'approved');
  const shown = all.filter((v) => v.leaderboard);
  const rows = await Promise.all(shown.map(async (v) => ({ name: v.name, kind: v.kind, ...totalsOf(await pointsOf(v.userId)) })));
  const items = rows.map(({ total, ...r }) => ({ ...r, points: total })).sort((a, b) => b.points - a.points || b.hours - a.hours);
  return { items, ...(mayManage(rights, communityId) ? { responders: all.length } : {}) };
}
