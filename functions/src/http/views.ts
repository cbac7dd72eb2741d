/**
 * What each viewer sees of a report. Residents see the whole story with staff shown by role and
 * display name; staff additionally see the reporter's phone masked, and only while the task is
 * theirs and open; nobody sees an anonymous reporter. Coordinates go out in GCJ-02, labelled.
 */
import { categoryOf } from '#domain/categories';
import { ACTION_NAMES, STATUS_NAMES, availableActions, isOpen, type Action } from '#domain/lifecycle';
import { factsOf, placeLabelOf, type ReportRecord } from '#domain/report';
import { clock, maskPhone, taskRoleOf } from '#domain/tasks';
import { ROLE_NAMES, isStaff, type Actor, type AreaRelation } from '#domain/roles';
import { fromWgs84 } from '#geo/datum';
import { hiddenPhotos } from '#domain/moderation';
import { STEP_NAMES, residentLine, staffLine, type AssistStep } from '#domain/assists';
import { KIND_NAMES } from '#domain/responders';
import { photoLinks } from '#flows/photos';
import { repeatOfReport } from '#flows/repeats';
import type { ReportStory } from '#flows/report-reads';
import type { UserRecord } from '#flows/identity';
import type { ReportViewT } from '#http/schemas';

const gcj = (p: { lat: number; lng: number }) => ({ ...fromWgs84(p, 'gcj02'), datum: 'gcj02' as const });
const actorOf = (u: UserRecord): Actor => ({ id: u.id, role: u.role, areaIds: u.areaIds });

/** What anyone may see of a report: what kind, what state, when, in which grid — nothing of anyone. */
function outline(r: ReportRecord) {
  return {
    id: r.id,
    status: r.status,
    statusName: STATUS_NAMES[r.status],
    category: r.category,
    categoryName: categoryOf(r.category)?.name ?? r.category,
    createdAt: r.createdAt,
    grid: { id: r.gridId, name: r.gridName },
    // the building, never the unit: a building is shared by many households
    building: r.building ?? null,
    placeLabel: placeLabelOf(r),
    followerCount: r.followerCount,
  };
}

/** What every view of a report shows to someone who may open it, in lists and in full. */
function common(r: ReportRecord) {
  return {
    ...outline(r),
    version: r.version,
    address: r.address,
    location: gcj(r.location),
    beat: { id: r.beatId, name: r.beatName },
    lead: r.lead,
    assignee: r.assignee && { role: r.assignee.role, name: r.assignee.name },
    rating: r.rating,
  };
}

/**
 * What anyone near a report may see of it without opening it ("我也遇到" for reports not theirs):
 * its outline and whether it is late — no description, address, exact point or people.
 */
export function publicSummary(r: ReportRecord, now: Date) {
  return { ...outline(r), overdue: clock(r, now).overdue };
}

/**
 * A report in a list. Staff also see who holds it in words (`holder`: role, its Chinese name,
 * display name), how many minutes it is past its limit (`overdueMinutes`, 0 when it is not), and,
 * where the list read it (overdue work), since when the holder has had it (`heldSince`).
 */
export function summary(r: ReportRecord, viewer: UserRecord, areas: AreaRelation, now: Date, extra: { heldSince?: string | null } = {}) {
  const c = clock(r, now);
  return {
    ...common(r),
    description: r.description.length > 80 ? `${r.description.slice(0, 80)}…` : r.description,
    ...c,
    ...(isStaff(viewer.role)
      ? {
          taskRole: taskRoleOf(r, actorOf(viewer), areas),
          holder: r.assignee && { role: r.assignee.role, roleName: ROLE_NAMES[r.assignee.role], name: r.assignee.name },
          overdueMinutes: c.overdue && c.dueAt ? Math.floor((now.getTime() - Date.parse(c.dueAt)) / 60_000) : 0,
          ...('heldSince' in extra ? { heldSince: r.assignee ? (extra.heldSince ?? null) : null } : {}),
        }
      : {}),
  };
}

type Entry = ReportViewT['timeline'][number];

/**
 * The assists' steps in time order among the report's own: staff read them with names and
 * counts; residents read only that help was asked for, came and finished, by kind, never a name.
 */
function withAssistSteps(entries: Entry[], steps: readonly AssistStep[], staff: boolean): Entry[] {
  const lines: Entry[] = [];
  for (const s of steps) {
    const text = staff ? staffLine(s) : residentLine(s);
    if (!staff && text === null) continue;
    const actor = !s.actor ? null : s.kind ? { role: s.actor.role, name: staff ? `${KIND_NAMES[s.kind]} ${s.actor.name}` : KIND_NAMES[s.kind] } : { role: s.actor.role, name: s.actor.name };
    lines.push({ at: s.at, action: `assist_${s.step}`, actionName: STEP_NAMES[s.step], from: null, to: s.status, actor, note: text, photoIds: [] });
  }
  if (lines.length === 0) return entries;
  // stable: a step at the same instant as a change comes after it
  return [...entries, ...lines].map((e, i) => [e, i] as const).sort((a, b) => a[0].at.localeCompare(b[0].at) || a[1] - b[1]).map(([e]) => e);
}

export async function reportView(story: ReportStory, viewer: UserRecord, areas: AreaRelation, reporter: UserRecord | null, now: Date): Promise<ReportViewT> {
  const r = story.report;
  const staff = isStaff(viewer.role);
  const c = clock(r, now);
  const member = story.members.find((m) => m.userId === viewer.id);
  const ratedThisRound = story.ratings.some((x) => x.userId === viewer.id && x.round === r.closeRound);
  const view: ReportViewT = {
    ...common(r),
    description: r.description,
    anonymous: r.anonymous,
    source: r.source,
    routing: r.routing,
    deadlines: { acceptBy: r.acceptBy, resolveBy: r.resolveBy },
    dueAt: c.dueAt,
    overdue: c.overdue,
    timeline: withAssistSteps(
      story.events
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
      story.assistSteps,
      staff,
    ),
    // flagged photos are shown to staff and to the reporter who took them, not to followers
    photos: await photoLinks(staff || r.reporterId === viewer.id ? r.photos : r.photos.filter((p) => !hiddenPhotos(r.moderation).has(p.id)), now),
    following: member?.relation === 'follower',
    canRate: !staff && !!member && r.status === 'closed' && !ratedThisRound,
  };
  // the unit and floor point at a household: the reporter's and the handlers', not followers'
  if (staff || r.reporterId === viewer.id) Object.assign(view, { unit: r.unit ?? null, floor: r.floor ?? null });
  if (staff) {
    const actor = actorOf(viewer);
    const holds = r.assignee?.id === viewer.id && isOpen(r.status);
    if (!r.anonymous) {
      const phone = r.caller?.phone ?? reporter?.phone ?? null;
      view.reporter = { phone: holds && phone ? maskPhone(phone) : null };
    }
    view.taskRole = taskRoleOf(r, actor, areas) ?? (r.assignee?.id === viewer.id ? 'assignee' : 'viewer');
    view.availableActions = availableActions(factsOf(r), actor, areas);
    if (r.moderation) view.moderation = r.moderation;
    view.repeat = await repeatOfReport(r, now);
  }
  return view;
}
