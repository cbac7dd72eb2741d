/**
 * Who should go to a report (GET /v1/reports/{id}/recommendations): the staff of its grid, beat
 * and community, and the on-duty responders within the settings' distance, ranked by
 * domain/recommend with the weights in force. For the report's holder, the staff above it and
 * the centre (as for asking for help). Reading responders' positions is audited; staff share no
 * position, so their distance is 0 in their own grid or beat, else to their area's centre.
 */
import { forbidden, notFound } from '#domain/errors';
import { HANDLER_ROLES } from '#domain/roles';
import { recommend, type CandidateFacts, type Recommendation } from '#domain/recommend';
import { categoryOf } from '#domain/categories';
import { distanceMeters } from '#geo/datum';
import { mayRequest } from '#flows/assists';
import { respondersNear } from '#flows/positions';
import { rightsOf } from '#flows/rights';
import { responderSettings } from '#flows/responder-settings';
import { heldCount } from '#store/assists';
import { countOpenTasks, getReportRecord } from '#store/reports';
import { getUsers, staffOfArea, type UserRecord } from '#store/users';

const MAX_ITEMS = 20;

export async function recommendationsFor(user: UserRecord, reportId: string, now: Date): Promise<{ weights: Awaited<ReturnType<typeof responderSettings>>['weights']; version: number; items: Recommendation[] }> {
  const r = await getReportRecord(reportId);
  if (!r) throw notFound('事项');
  if (!(await mayRequest(user, r))) throw forbidden('只有办理人、上级或中心可以查看推荐');
  const settings = await responderSettings();
  const { tree } = await rightsOf(user);
  const community = tree.ancestors(r.gridId).find((a) => a.level === 'community');
  const lead = categoryOf(r.category)?.lead ?? 'grid';

  const staffLists = await Promise.all([r.gridId, r.beatId, ...(community ? [community.id] : [])].map((id) => staffOfArea(id)));
  const staff = new Map<string, CandidateFacts>();
  for (const s of staffLists.flat()) {
    if (!s.active || !HANDLER_ROLES.includes(s.role) || staff.has(s.userId)) continue;
    const own = s.areaId === r.gridId || s.areaId === r.beatId;
    const centre = tree.get(s.areaId)?.centroid;
    staff.set(s.userId, {
      userId: s.userId,
      kind: 'staff',
      role: s.role,
      name: s.name,
      distanceM: own ? 0 : centre ? Math.round(distanceMeters(r.location, centre)) : null,
      from: own ? 'same_grid' : 'area',
      skills: [],
      leads: lead === 'police' ? s.role === 'police_officer' : s.role !== 'police_officer',
      openTasks: 0,
      onDuty: s.duty === 'on_duty',
    });
  }
  await Promise.all([...staff.values()].map(async (c) => (c.openTasks = await countOpenTasks(c.userId))));

  const near = await respondersNear(user, r.location, settings.maxDistanceM, r.id, 'recommend', now);
  const users = await getUsers(near.map((n) => n.userId));
  const responders: CandidateFacts[] = await Promise.all(
    near
      .filter((n) => {
        const u = users.get(n.userId);
        return u?.role === 'volunteer' && u.active && u.duty === 'on_duty';
      })
      .map(async (n) => ({
        userId: n.userId,
        kind: 'responder' as const,
        role: 'volunteer' as const,
        name: n.name || users.get(n.userId)!.name,
        distanceM: Math.round(distanceMeters(r.location, n)),
        from: 'position' as const,
        skills: n.skills,
        openTasks: await heldCount(n.userId),
        onDuty: true,
      })),
  );
  return { weights: settings.weights, version: settings.version, items: recommend([...staff.values(), ...responders], r.category, settings).slice(0, MAX_ITEMS) };
}
