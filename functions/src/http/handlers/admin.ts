/** Administration endpoints: staff accounts, areas, moderation, audit, the push channel. Each is one call into a flow. */
import { importAreas as importAreaMap } from '#flows/area-import';
import { readAudit } from '#flows/audit';
import { decide, reviewQueue } from '#flows/moderation';
import { replaceCategories as replaceTable } from '#flows/categories';
import { deadLetters, replay } from '#flows/push-operations';
import { createStaffAccount as create, updateStaffAccount as update } from '#flows/staff-accounts';
import { chinaDay } from '#domain/kpi';
import { logger } from '#log';
import type { Handler } from '#http/handler';

export const createStaffAccount: Handler<'admin.createStaffAccount'> = async ({ user, body }) => ({ status: 201, body: await create(user, body, new Date()) });

export const updateStaffAccount: Handler<'admin.updateStaffAccount'> = async ({ user, params, body }) => ({ body: await update(user, params.id, body, new Date()) });

/** Audit entries: by report, by actor, or by China day (today when nothing is given). */
export const audit: Handler<'admin.audit'> = async ({ user, query }) => {
  const by = query.reportId ? { reportId: query.reportId } : query.actorId ? { actorId: query.actorId } : { day: query.day ?? chinaDay(new Date().toISOString()) };
  return { body: await readAudit(user, by, query.limit, query.cursor) };
};

export const importAreas: Handler<'admin.importAreas'> = async ({ user, body }) => ({ body: await importAreaMap(user, body) });

/** Dead-lettered WeChat pushes (the inbox item was written; the push failed after retries). */
export const pushDeadLetters: Handler<'admin.pushDeadLetters'> = async ({ user, query }) => ({ body: await deadLetters(user, query.limit, query.cursor) });

/** Retries dead-lettered pushes once each, oldest first; a record leaves when its push is done. */
export const replayPushes: Handler<'admin.replayPushes'> = async ({ user, query }) => {
  const summary = await replay(user, query.limit, query.cursor);
  logger.info('push replay', { actorId: user.id, ...summary, cursor: undefined });
  return { body: summary };
};

/** Reports waiting for a person's look (flagged text or photos) inside the reviewer's areas, oldest first. */
export const moderationQueue: Handler<'admin.moderationQueue'> = async ({ user, query }) => {
  const page = await reviewQueue(user, query.limit, query.cursor);
  return {
    body: {
      items: page.items.map((r) => ({ id: r.id, category: r.category, description: r.description, moderation: r.moderation, createdAt: r.createdAt, grid: { id: r.gridId, name: r.gridName } })),
      cursor: page.cursor,
    },
  };
};

/** A reviewer approves (shown to all again) or hides (kept from other residents) a flagged report. */
export const moderationDecision: Handler<'admin.moderationDecision'> = async ({ user, params, body }) => ({ body: await decide(user, params.id, body.decision, new Date()) });

export const replaceCategories: Handler<'admin.replaceCategories'> = async ({ user, body }) => {
  const table = await replaceTable(user, body.items, body.expectedVersion, new Date());
  return { body: { version: table.version, items: table.items } };
};
