/**
 * Staff task lists, by deadline. A person's tasks can live in several index partitions (their
 * own queue, their grids' and beats' queues, the unplaced queue); each is read by key and the
 * results merged. Open queues are bounded by real workload (OPEN_READ_CAP per partition).
 */
import { clock, taskRoleOf } from '#domain/tasks';
import { heldSince } from '#domain/lifecycle';
import { notFound } from '#domain/errors';
import type { ReportRecord } from '#domain/report';
import type { AreaTree } from '#geo/areas';
import { rightsOf, type Rights } from '#flows/rights';
import { Report, type Partition } from '#store/keys';
import { getReportStory, reportsFromIndex, type Page } from '#store/reports';
import { listInbox } from '#store/inbox';
import type { UserRecord } from '#store/users';

const OPEN_READ_CAP = 1000;

async function all(partition: Partition): Promise<ReportRecord[]> {
  const out: ReportRecord[] = [];
  let cursor: string | undefined;
  do {
    const page: Page<ReportRecord> = await reportsFromIndex(partition, { limit: 100, cursor });
    out.push(...page.items);
    cursor = page.cursor ?? undefined;
  } while (cursor && out.length < OPEN_READ_CAP);
  return out;
}

const coveredAreas = (rights: Rights, level: 'grid' | 'beat'): string[] =>
  rights.tree.list({ level }).filter((a) => rights.may({ areaId: a.id })).map((a) => a.id);

/**
 * The open reports this user reads for their inbox: `mine`, the ones that wait on them (they hold
 * them, verify them or place them), and for a grid leader also `area`, every open report of the
 * grids they lead (their 已超时 tab lists all of those that are late, not only their own tasks).
 */
async function openFor(user: UserRecord, rights: Rights): Promise<{ mine: ReportRecord[]; area: ReportRecord[] }> {
  const reads: Promise<ReportRecord[]>[] = [all(Report.partition('openTasksOfAssignee', { uid: user.id }))];
  if (user.role === 'grid_leader') for (const g of coveredAreas(rights, 'grid')) reads.push(all(Report.partition('openReportsOfGrid', { gridId: g })));
  if (user.role === 'police_officer') for (const b of coveredAreas(rights, 'beat')) reads.push(all(Report.partition('openReportsOfBeat', { beatId: b })));
  if (user.role === 'grid_leader' || user.role === 'dispatcher') reads.push(all(Report.partition('unplacedReports', {})));
  const seen = new Map<string, ReportRecord>();
  for (const r of (await Promise.all(reads)).flat()) seen.set(r.id, r);
  const every = [...seen.values()];
  return {
    mine: every.filter((r) => taskRoleOf(r, rights.actor, rights.tree) !== null),
    area: user.role === 'grid_leader' ? every.filter((r) => rights.may(r)) : [],
  };
}

/** The overdue tab: the caller's late tasks; a grid leader's, every late report of their grids. */
const overdueOf = (found: { mine: ReportRecord[]; area: ReportRecord[] }, now: Date): ReportRecord[] => {
  const late = new Map<string, ReportRecord>();
  for (const r of [...found.mine, ...found.area]) if (clock(r, now).overdue) late.set(r.id, r);
  return [...late.values()];
};

export type TaskState = 'open' | 'due_soon' | 'overdue' | 'done' | 'unplaced';

/** The caller's tasks in a state. `done` is paged by the index; the open states are whole lists. */
export async function tasksOf(user: UserRecord, state: TaskState, page: { limit: number; cursor?: string | undefined }, now: Date): Promise<{ tree: AreaTree } & ({ kind: 'page'; page: Page<ReportRecord> } | { kind: 'all'; reports: ReportRecord[] })> {
  const rights = await rightsOf(user);
  if (state === 'done') {
    const done = await reportsFromIndex(Report.partition('doneTasksOfAssignee', { uid: user.id }), { limit: page.limit, cursor: page.cursor, descending: true });
    return { tree: rights.tree, kind: 'page', page: done };
  }
  let reports: ReportRecord[];
  if (state === 'unplaced') {
    reports = (await all(Report.partition('unplacedReports', {}))).filter((r) => rights.may(r));
  } else {
    const found = await openFor(user, rights);
    if (state === 'overdue') reports = overdueOf(found, now);
    else if (state === 'due_soon') reports = found.mine.filter((r) => clock(r, now).dueSoon);
    else reports = found.mine;
  }
  return { tree: rights.tree, kind: 'all', reports };
}

/**
 * How many reports each open inbox tab lists (待处理 / 即将超时 / 已超时), from one read of the
 * same partitions the tabs read. 已完成 is history that only grows (and is paged by the index),
 * so it is not counted.
 */
export async function taskCounts(user: UserRecord, now: Date): Promise<{ open: number; due_soon: number; overdue: number }> {
  const found = await openFor(user, await rightsOf(user));
  return { open: found.mine.length, due_soon: found.mine.filter((r) => clock(r, now).dueSoon).length, overdue: overdueOf(found, now).length };
}

/**
 * Since when each report's current holder has held it (domain/lifecycle heldSince, from its
 * timeline) — for a page of overdue work, so one read per listed report, never per area.
 */
export async function heldSinceOf(reports: readonly ReportRecord[]): Promise<Map<string, string | null>> {
  const held = reports.filter((r) => r.assignee);
  const stories = await Promise.all(held.map((r) => getReportStory(r.id)));
  return new Map(held.map((r, i) => [r.id, stories[i] ? heldSince(stories[i]!.events) : null]));
}

/** Every overdue report in an area inside the caller's (the centre's list). */
export async function overdueIn(user: UserRecord, areaId: string | undefined, now: Date): Promise<{ tree: AreaTree; reports: ReportRecord[] }> {
  const rights = await rightsOf(user);
  const tree = rights.tree;
  const area = tree.get(areaId ?? user.areaIds[0] ?? '');
  if (!area) throw notFound('区域');
  rights.require({ areaId: area.id }, '该区域不在您的管辖范围');
  const grids = area.level === 'grid' ? [area.id] : tree.list({ level: 'grid' }).filter((g) => tree.covers(area.id, g.id)).map((g) => g.id);
  const inArea = new Set(grids);
  const reports = (await Promise.all(grids.map((g) => all(Report.partition('openReportsOfGrid', { gridId: g }))))).flat();
  const unplaced = (await all(Report.partition('unplacedReports', {}))).filter((r) => inArea.has(r.gridId));
  return { tree, reports: [...reports, ...unplaced].filter((r) => clock(r, now).overdue) };
}

export const inboxOf = (user: UserRecord, limit: number, cursor?: string) => listInbox(user.id, limit, cursor);
