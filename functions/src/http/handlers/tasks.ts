/**
 * Staff task lists, by deadline. A person's tasks can live in several index partitions (their
 * own queue, their grids' and beats' queues, the unplaced queue); each is read by key and the
 * results merged. Open queues are bounded by real workload, so the merged list is paged by offset.
 */
import { INDEXES, indexKeys } from '#store/keys';
import { reportsFromIndex, type Page } from '#store/reports';
import { listInbox } from '#store/inbox';
import { areasInForce } from '#flows/areas';
import { taskRoleOf, clock } from '#domain/tasks';
import type { ReportRecord } from '#domain/report';
import type { AreaTree } from '#geo/areas';
import type { UserRecord } from '#store/users';
import { summary } from '#http/views';
import type { HandlerFn } from '#http/handler';
import { invalidInput } from '#domain/errors';

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
