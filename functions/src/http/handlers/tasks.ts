/** Staff lists: tasks by deadline (and how many in each tab), the area-wide overdue list, the inbox, the dispatch picker. */
import { heldSinceOf, inboxOf, overdueIn, taskCounts, tasksOf } from '#flows/tasks';
import { staffForArea } from '#flows/staff-accounts';
import { invalidInput } from '#domain/errors';
import { clock } from '#domain/tasks';
import type { ReportRecord } from '#domain/report';
import type { UserRecord } from '#flows/identity';
import type { AreaTree } from '#geo/areas';
import { summary } from '#http/views';
import type { Handler } from '#http/handler';

/** Whole lists sorted in memory are paged by offset (the cursor is the next offset). */
function offsetPage<T>(items: T[], limit: number, cursor?: string): { items: T[]; cursor: string | null } {
  const start = cursor ? Number.parseInt(cursor, 10) : 0;
  if (!Number.isInteger(start) || start < 0 || (cursor !== undefined && String(start) !== cursor)) throw invalidInput('cursor 无效');
  const end = start + limit;
  return { items: items.slice(start, end), cursor: end < items.length ? String(end) : null };
}

/** One page of a whole list, by deadline (no deadline last). */
function pageByDue(reports: readonly ReportRecord[], now: Date, limit: number, cursor?: string) {
  const due = (r: ReportRecord) => clock(r, now).dueAt ?? '';
  return offsetPage([...reports].sort((a, b) => due(a).localeCompare(due(b))), limit, cursor);
}

/** A page of overdue work says who holds each item and since when (one timeline read per item on the page). */
async function overduePage(reports: readonly ReportRecord[], user: UserRecord, tree: AreaTree, now: Date, limit: number, cursor?: string) {
  const page = pageByDue(reports, now, limit, cursor);
  const held = await heldSinceOf(page.items);
  return { items: page.items.map((r) => summary(r, user, tree, now, { heldSince: held.get(r.id) ?? null })), cursor: page.cursor };
}

export const list: Handler<'tasks.list'> = async ({ user, query }) => {
  const now = new Date();
  const found = await tasksOf(user, query.state, query, now);
  if (found.kind === 'page') return { body: { items: found.page.items.map((r) => summary(r, user, found.tree, now)), cursor: found.page.cursor } };
  if (query.state === 'overdue') return { body: await overduePage(found.reports, user, found.tree, now, query.limit, query.cursor) };
  const page = pageByDue(found.reports, now, query.limit, query.cursor);
  return { body: { items: page.items.map((r) => summary(r, user, found.tree, now)), cursor: page.cursor } };
};

/** The inbox tabs' numbers, in one request. */
export const counts: Handler<'tasks.counts'> = async ({ user }) => ({ body: await taskCounts(user, new Date()) });

export const inbox: Handler<'tasks.inbox'> = async ({ user, query }) => ({ body: await inboxOf(user, query.limit, query.cursor) });

export const staff: Handler<'tasks.staff'> = async ({ user, query }) => ({ body: { items: await staffForArea(user, query.areaId, query.role), cursor: null } });

export const overdue: Handler<'tasks.overdue'> = async ({ user, query }) => {
  const now = new Date();
  const { tree, reports } = await overdueIn(user, query.areaId, now);
  return { body: await overduePage(reports, user, tree, now, query.limit, query.cursor) };
};
