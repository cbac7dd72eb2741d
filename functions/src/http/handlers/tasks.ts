/** Staff lists: tasks by deadline, the area-wide overdue list, the inbox, the dispatch picker. */
import { inboxOf, overdueIn, tasksOf } from '#flows/tasks';
import { staffForArea } from '#flows/staff-accounts';
import { invalidInput } from '#domain/errors';
import { summary } from '#http/views';
import type { Handler } from '#http/handler';

/** Whole lists sorted in memory are paged by offset (the cursor is the next offset). */
function offsetPage<T>(items: T[], limit: number, cursor?: string): { items: T[]; cursor: string | null } {
  const start = cursor ? Number.parseInt(cursor, 10) : 0;
  if (!Number.isInteger(start) || start < 0 || (cursor !== undefined && String(start) !== cursor)) throw invalidInput('cursor 无效');
  const end = start + limit;
  return { items: items.slice(start, end), cursor: end < items.length ? String(end) : null };
}

const byDue = <T extends { dueAt: string | null }>(xs: T[]) => xs.sort((a, b) => (a.dueAt ?? '').localeCompare(b.dueAt ?? ''));

export const list: Handler<'tasks.list'> = async ({ user, query }) => {
  const now = new Date();
  const found = await tasksOf(user, query.state, query, now);
  if (found.kind === 'page') return { body: { items: found.page.items.map((r) => summary(r, user, found.tree, now)), cursor: found.page.cursor } };
  return { body: offsetPage(byDue(found.reports.map((r) => summary(r, user, found.tree, now))), query.limit, query.cursor) };
};

export const inbox: Handler<'tasks.inbox'> = async ({ user, query }) => ({ body: await inboxOf(user, query.limit, query.cursor) });

export const staff: Handler<'tasks.staff'> = async ({ user, query }) => ({ body: { items: await staffForArea(user, query.areaId, query.role), cursor: null } });

export const overdue: Handler<'tasks.overdue'> = async ({ user, query }) => {
  const now = new Date();
  const { tree, reports } = await overdueIn(user, query.areaId, now);
  return { body: offsetPage(byDue(reports.map((r) => summary(r, user, tree, now))), query.limit, query.cursor) };
};
