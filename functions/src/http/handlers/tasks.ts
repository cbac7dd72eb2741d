/**
 * Staff task lists, by deadline. A person's tasks can live in several index partitions (their
 * own queue, their grids' and beats' queues, the unplaced queue); each is read by key and the
 * results merged. Open queues are bounded by real workload, so the merged list is paged by offset.
 */
import { INDEXES, indexKeys } from '#store/keys';
import { countOpenTasks, reportsFromIndex, type Page } from '#store/reports';
import { listInbox } from '#store/inbox';
import { areasInForce } from '#flows/areas';
import { taskRoleOf, clock } from '#domain/tasks';
import type { ReportRecord } from '#domain/report';
import type { AreaTree } from '#geo/areas';
import type { UserRecord } from '#store/users';
import { summary } from '#http/views';
import type { HandlerFn } from '#http/handler';
import { forbidden, invalidInput, notFound } from '#domain/errors';
import { HANDLER_ROLES, ROLE_NAMES } from '#domain/roles';
import { staffOfArea } from '#store/users';

const OPEN_READ_CAP = 1000;

async function all(index: (typeof INDEXES)[keyof typeof INDEXES], pk: string): Promise<ReportRecord[]> {
  const out: ReportRecord[] = [];
  let cursor: string | undefined;
  do {
    const page: Page<ReportRecord> = await reportsFromIndex(index, pk, { limit: 100, cursor });
    out.push(...page.items);
    cursor = page.cursor ?? undefined;
  } while (cursor && out.length < OPEN_READ_CAP);
  return out;
}

function coveredAreas(tree: AreaTree, user: UserRecord, level: 'grid' | 'beat'): string[] {
  return tree
    .list({ level })
    .filter((a) => user.areaIds.some((id) => tree.covers(id, a.id)))
    .map((a) => a.id);
}

/** Every open report that waits on this user, from the partitions their role reads. */
async function openFor(user: UserRecord, tree: AreaTree): Promise<ReportRecord[]> {
  const reads: Promise<ReportRecord[]>[] = [all(INDEXES.byAssignee, indexKeys.assigneeOpen(user.id))];
  if (user.role === 'grid_leader') {
    for (const g of coveredAreas(tree, user, 'grid')) reads.push(all(INDEXES.byGridQueue, indexKeys.gridOpen(g)));
  }
  if (user.role === 'police_officer') {
    for (const b of coveredAreas(tree, user, 'beat')) reads.push(all(INDEXES.byBeatQueue, indexKeys.beatOpen(b)));
  }
  if (user.role === 'grid_leader' || user.role === 'dispatcher') reads.push(all(INDEXES.byGridQueue, indexKeys.unplaced()));
  const seen = new Map<string, ReportRecord>();
  for (const r of (await Promise.all(reads)).flat()) seen.set(r.id, r);
  const actor = { id: user.id, role: user.role, areaIds: user.areaIds };
  return [...seen.values()].filter((r) => taskRoleOf(r, actor, tree) !== null);
}

function offsetPage<T>(items: T[], limit: number, cursor?: string): { items: T[]; cursor: string | null } {
  const start = cursor ? Number.parseInt(cursor, 10) : 0;
  if (!Number.isInteger(start) || start < 0 || String(start) !== cursor && cursor !== undefined) throw invalidInput('cursor 无效');
  const end = start + limit;
  return { items: items.slice(start, end), cursor: end < items.length ? String(end) : null };
}

export const list: HandlerFn = async ({ user, query }) => {
  const u = user!;
  const { tree } = await areasInForce();
  const now = new Date();
  if (query.state === 'done') {
    const page = await reportsFromIndex(INDEXES.byAssignee, indexKeys.assigneeDone(u.id), { limit: query.limit, cursor: query.cursor, descending: true });
    return { body: { items: page.items.map((r) => summary(r, u, tree, now)), cursor: page.cursor } };
  }
  let reports: ReportRecord[];
  if (query.state === 'unplaced') {
    const covers = (r: ReportRecord) => u.areaIds.some((a) => tree.covers(a, r.gridId) || tree.covers(a, r.beatId));
    reports = (await all(INDEXES.byGridQueue, indexKeys.unplaced())).filter(covers);
  } else {
    reports = await openFor(u, tree);
    if (query.state === 'overdue') reports = reports.filter((r) => clock(r, now).overdue);
    if (query.state === 'due_soon') reports = reports.filter((r) => clock(r, now).dueSoon);
  }
  const sorted = reports.map((r) => summary(r, u, tree, now)).sort((a, b) => (a.dueAt ?? '').localeCompare(b.dueAt ?? ''));
  return { body: offsetPage(sorted, query.limit, query.cursor) };
};

export const inbox: HandlerFn = async ({ user, query }) => ({ body: await listInbox(user!.id, query.limit, query.cursor) });

/**
 * Who can take a task in an area (for the dispatch picker): staff bound to the area itself, to
 * the grids under it, or (for a grid) to its beat, with duty and open-task load. Only inside
 * the caller's own areas.
 */
export const staff: HandlerFn = async ({ user, query }) => {
  const u = user!;
  const { tree } = await areasInForce();
  const area = tree.get(query.areaId);
  if (!area) throw notFound('区域');
  if (!u.areaIds.some((a) => tree.covers(a, area.id))) throw forbidden('该区域不在您的管辖范围');
  const ids = new Set<string>([area.id]);
  if (area.level === 'grid' && area.beatId) ids.add(area.beatId);
  for (const g of tree.list({ level: 'grid' })) if (tree.covers(area.id, g.id)) ids.add(g.id);
  for (const a of tree.ancestors(area.id)) if (a.level === 'community') ids.add(a.id); // the grid's leaders
  const rows = (await Promise.all([...ids].map((id) => staffOfArea(id)))).flat();
  const byUser = new Map<string, (typeof rows)[number] & { areaIds: string[] }>();
  for (const r of rows) {
    if (!r.active || (query.role && r.role !== query.role) || !HANDLER_ROLES.includes(r.role)) continue;
    const seen = byUser.get(r.userId);
    if (seen) seen.areaIds.push(r.areaId);
    else byUser.set(r.userId, { ...r, areaIds: [r.areaId] });
  }
  const items = await Promise.all(
    [...byUser.values()].map(async (s) => ({ id: s.userId, name: s.name, role: s.role, roleName: ROLE_NAMES[s.role], duty: s.duty, areaIds: s.areaIds, openTasks: await countOpenTasks(s.userId) })),
  );
  items.sort((a, b) => Number(b.duty === 'on_duty') - Number(a.duty === 'on_duty') || a.openTasks - b.openTasks || a.id.localeCompare(b.id));
  return { body: { items, cursor: null } };
};

/** Every overdue report in an area (the centre's list), oldest deadline first. */
export const overdue: HandlerFn = async ({ user, query }) => {
  const u = user!;
  const { tree } = await areasInForce();
  const area = tree.get(query.areaId ?? u.areaIds[0] ?? '');
  if (!area) throw notFound('区域');
  if (!u.areaIds.some((a) => tree.covers(a, area.id))) throw forbidden('该区域不在您的管辖范围');
  const grids = area.level === 'grid' ? [area.id] : tree.list({ level: 'grid' }).filter((g) => tree.covers(area.id, g.id)).map((g) => g.id);
  const now = new Date();
  const reports = (await Promise.all([...grids.map((g) => all(INDEXES.byGridQueue, indexKeys.gridOpen(g)))])).flat();
  const unplaced = (await all(INDEXES.byGridQueue, indexKeys.unplaced())).filter((r) => grids.includes(r.gridId));
  const late = [...reports, ...unplaced].filter((r) => clock(r, now).overdue);
  const sorted = late.map((r) => summary(r, u, tree, now)).sort((a, b) => (a.dueAt ?? '').localeCompare(b.dueAt ?? ''));
  return { body: offsetPage(sorted, query.limit, query.cursor) };
};
