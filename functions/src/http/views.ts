/**
 * What each viewer sees of a report. Residents see the whole story with staff shown by role and
 * display name; staff additionally see the reporter's phone masked, and only while the task is
 * theirs and open; nobody sees an anonymous reporter. Coordinates go out in GCJ-02, labelled.
 */
import { categoryOf } from '#domain/categories';
import { ACTION_NAMES, STATUS_NAMES, availableActions, isOpen, type Action } from '#domain/lifecycle';
import { factsOf, type ReportRecord } from '#domain/report';
import { clock, maskPhone, taskRoleOf } from '#domain/tasks';
import { isStaff, type Actor, type AreaRelation } from '#domain/roles';
import { fromWgs84 } from '#geo/datum';
import { photoLinks } from '#flows/photos';
import type { ReportStory } from '#store/reports';
import type { UserRecord } from '#store/users';
import type { ReportViewT } from '#http/schemas';

const gcj = (p: { lat: number; lng: number }) => ({ ...fromWgs84(p, 'gcj02'), datum: 'gcj02' as const });
const actorOf = (u: UserRecord): Actor => ({ id: u.id, role: u.role, areaIds: u.areaIds });

export function summary(r: ReportRecord, viewer: UserRecord, areas: AreaRelation, now: Date) {
  const c = clock(r, now);
  return {
    id: r.id,
    version: r.version,
    status: r.status,
    statusName: STATUS_NAMES[r.status],
    category: r.category,
    categoryName: categoryOf(r.category)?.name ?? r.category,
    description: r.description.length > 80 ? `${r.description.slice(0, 80)}…` : r.description,
    address: r.address,
    location: gcj(r.location),
    createdAt: r.createdAt,
    grid: { id: r.gridId, name: r.gridName },
    beat: { id: r.beatId, name: r.beatName },
    lead: r.lead,
    assignee: r.assignee && { role: r.assignee.role, name: r.assignee.name },
    followerCount: r.followerCount,
    rating: r.rating,
    ...c,
    ...(isStaff(viewer.role) ? { taskRole: taskRoleOf(r, actorOf(viewer), areas) } : {}),
  };
}

export async function reportView(story: ReportStory, viewer: UserRecord, areas: AreaRelation, reporter: UserRecord | null, now: Date): Promise<ReportViewT> {
  const r = story.report;
  const staff = isStaff(viewer.role);
  const c = clock(r, now);
  const member = story.members.find((m) => m.userId === viewer.id);
  const ratedThisRound = story.ratings.some((x) => x.userId === viewer.id && x.round === r.closeRound);
  const view: ReportViewT = {
    id: r.id,
    version: r.version,
    status: r.status,
    statusName: STATUS_NAMES[r.status],
    category: r.category,
    categoryName: categoryOf(r.category)?.name ?? r.category,
    description: r.description,
    location: gcj(r.location),
    address: r.address,
    anonymous: r.anonymous,
    source: r.source,
    createdAt: r.createdAt,
    grid: { id: r.gridId, name: r.gridName },
    beat: { id: r.beatId, name: r.beatName },
    lead: r.lead,
    routing: r.routing,
    assignee: r.assignee && { role: r.assignee.role, name: r.assignee.name },
    deadlines: { acceptBy: r.acceptBy, resolveBy: r.resolveBy },
    dueAt: c.dueAt,
    overdue: c.overdue,
    timeline: story.events
      .sort((a, b) => a.version - b.version || a.seq - b.seq)
      .map((e) => ({
        at: e.at,
        action: e.action,
        actionName: ACTION_NAMES[e.action as Action] ?? e.action,
        from: e.from,
        to: e.to,
        actor: e.actor && { role: e.actor.role, name: e.actor.name },
        note: e.note,
        photoIds: e.photoIds,
      })),
    photos: await photoLinks(r.photos, now),
    followerCount: r.followerCount,
    following: member?.relation === 'follower',
    rating: r.rating,
    canRate: !staff && !!member && r.status === 'closed' && !ratedThisRound,
  };
  if (staff) {
    const actor = actorOf(viewer);
    const holds = r.assignee?.id === viewer.id && isOpen(r.status);
    if (!r.anonymous) {
      const phone = r.caller?.phone ?? reporter?.phone ?? null;
      view.reporter = { phone: holds && phone ? maskPhone(phone) : null };
    }
    view.taskRole = taskRoleOf(r, actor, areas) ?? (r.assignee?.id === viewer.id ? 'assignee' : 'viewer');
    view.availableActions = availableActions(factsOf(r), actor, areas);
  }
  return view;
}
