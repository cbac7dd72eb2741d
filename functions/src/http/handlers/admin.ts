/**
 * Administration: staff accounts (一地一人一账号). An admin creates an account bound to areas
 * and hands over a one-time invite code; editing areas or deactivating an account hands its
 * open tasks back to routing at once.
 */
import { randomBytes } from 'node:crypto';
import { hashInvite, newInviteCode } from '#http/invite';
import { DomainError, forbidden, invalidInput, notFound } from '#domain/errors';
import { parseAreaImport } from '#geo/import';
import { buildGridIndex, serializeIndex } from '#geo/spatial-index';
import { saveSnapshot } from '#store/areas';
import { dequeue, listQueue, setReportModeration } from '#store/moderation';
import { batchGetReports, getReportRecord } from '#store/reports';
import { HANDLER_ROLES } from '#domain/roles';
import { areasInForce, invalidateAreas } from '#flows/areas';
import * as flows from '#flows/reports';
import { INDEXES, indexKeys } from '#store/keys';
import { reportsFromIndex } from '#store/reports';
import { createStaff, getUser, updateStaff, type UserRecord } from '#store/users';
import type { HandlerFn } from '#http/handler';
import { auditEntry, listAudit, writeAudit } from '#store/audit';
import type { AreaTree } from '#geo/areas';
import { listDeadLetters, replayDeadLetters } from '#notify/notifier';
import { logger } from '#log';

const INVITE_DAYS = 14;

function checkAreas(tree: AreaTree, admin: UserRecord, areaIds: string[]): void {
  const unknown = areaIds.filter((id) => !tree.get(id));
  if (unknown.length) throw invalidInput(`未知区域：${unknown.join(', ')}`, { field: 'areaIds', unknown });
  const outside = areaIds.filter((id) => !admin.areaIds.some((a) => tree.covers(a, id)));
  if (outside.length) throw forbidden(`不能授权您管辖范围以外的区域：${outside.join(', ')}`);
}

function staffView(u: UserRecord) {
  return { id: u.id, role: u.role, name: u.name, areaIds: u.areaIds, active: u.active, duty: u.duty, bound: !!u.openid };
}

export const createStaffAccount: HandlerFn = async ({ user, body }) => {
  const { tree } = await areasInForce();
  checkAreas(tree, user!, body.areaIds);
  const now = new Date();
  const account: UserRecord = {
    id: `u-${randomBytes(6).toString('hex')}`,
    role: body.role,
    name: body.name,
    areaIds: body.areaIds,
    active: true,
    duty: 'on_duty',
    openid: null,
    phone: body.phone ?? null,
    consentVersion: null,
    createdAt: now.toISOString(),
  };
  const code = newInviteCode();
  const expiresAt = new Date(now.getTime() + INVITE_DAYS * 86400_000).toISOString();
  await createStaff(account, hashInvite(code), expiresAt);
  await writeAudit(auditEntry({ at: now.toISOString(), what: 'account_change', actorId: user!.id, actorRole: user!.role, reportId: null, detail: `create ${account.id} ${account.role} ${account.areaIds.join(',')}`, from: null, to: null }));
  return { status: 201, body: { ...staffView(account), inviteCode: code, inviteExpiresAt: expiresAt } };
};

/** Open tasks the account holds that it may no longer hold: deactivated, or outside its areas now. */
async function tasksToHandBack(u: UserRecord, tree: AreaTree) {
  const page = await reportsFromIndex(INDEXES.byAssignee, indexKeys.assigneeOpen(u.id), { limit: 100 });
  const covers = (gridId: string, beatId: string) => u.areaIds.some((a) => tree.covers(a, gridId) || tree.covers(a, beatId));
  return page.items.filter((r) => !u.active || !HANDLER_ROLES.includes(u.role) || !covers(r.gridId, r.beatId));
}

export const updateStaffAccount: HandlerFn = async ({ user, params, body }) => {
  const before = await getUser(params.id);
  if (!before || before.role === 'resident') throw notFound('工作人员账号');
  const { tree } = await areasInForce();
  checkAreas(tree, user!, before.areaIds);
  if (body.areaIds) checkAreas(tree, user!, body.areaIds);
  if (before.id === user!.id && body.active === false) throw invalidInput('不能停用自己的账号');
  const after: UserRecord = {
    ...before,
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.role !== undefined ? { role: body.role } : {}),
    ...(body.areaIds !== undefined ? { areaIds: body.areaIds } : {}),
    ...(body.active !== undefined ? { active: body.active } : {}),
    ...(body.phone !== undefined ? { phone: body.phone } : {}),
  };
  await updateStaff(before, after);
  const now = new Date();
  await writeAudit(auditEntry({ at: now.toISOString(), what: 'account_change', actorId: user!.id, actorRole: user!.role, reportId: null, detail: `update ${after.id} ${Object.keys(body).join(',')}`, from: null, to: null }));
  const handedBack: string[] = [];
  // Repeat: a page holds at most 100 tasks, and each reassignment removes one from the queue.
  for (let round = 0; round < 50; round++) {
    const tasks = await tasksToHandBack(after, tree);
    if (tasks.length === 0) break;
    for (const r of tasks) {
      const why = after.active ? `原处理人 ${before.name} 调整了负责区域，重新分派` : `原处理人 ${before.name} 账号已停用，重新分派`;
      await flows.reassign(r.id, why, now);
      handedBack.push(r.id);
    }
  }
  return { body: { ...staffView(after), reassigned: handedBack } };
};

/** Audit entries: by report, by actor, or by China day (today when nothing is given). */
export const audit: HandlerFn = async ({ query }) => {
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const by = query.reportId ? { reportId: query.reportId } : query.actorId ? { actorId: query.actorId } : { day: query.day ?? today };
  return { body: await listAudit(by, query.limit, query.cursor) };
};

/**
 * PUT /v1/admin/areas: a city's grids and beats as GeoJSON (geo/import documents the format).
 * Everything is checked before anything changes and every problem is reported at once; a valid
 * import becomes a new version (same boundaries -> same version), switched to atomically.
 */
export const importAreas: HandlerFn = async ({ user, body }) => {
  const { tree } = await areasInForce();
  const { snapshot, problems } = parseAreaImport(body);
  if (problems.length > 0) {
    throw new DomainError('invalid_input', `区域数据有 ${problems.length} 处问题，未做任何修改`, { problems: problems.slice(0, 500), total: problems.length });
  }
  // Only an admin of the whole city may replace its map.
  const roots = snapshot.areas.filter((a) => a.parentId === null).map((a) => a.id);
  const mayReplace = roots.every((root) => user!.areaIds.some((mine) => mine === root || tree.covers(mine, root)));
  if (!mayReplace) throw forbidden('只有全市管理员可以导入区域边界');
  const grids = snapshot.areas.filter((a) => a.level === 'grid');
  const saved = await saveSnapshot(snapshot, serializeIndex(buildGridIndex(grids)), user!.id);
  invalidateAreas();
  await writeAudit(auditEntry({ at: saved.importedAt, what: 'account_change', actorId: user!.id, actorRole: user!.role, reportId: null, detail: `areas import ${saved.version} (previous ${saved.previous ?? '-'})`, from: saved.previous, to: saved.version }));
  return {
    body: {
      version: saved.version,
      previous: saved.previous,
      grids: grids.length,
      beats: snapshot.areas.filter((a) => a.level === 'beat').length,
      areas: snapshot.areas.length,
    },
  };
};

/** Dead-lettered WeChat pushes (the inbox item was written; the push failed after retries). */
export const pushDeadLetters: HandlerFn = async ({ query }) => ({ body: await listDeadLetters(query.limit, query.cursor) });

/** Retries dead-lettered pushes once each, oldest first; a record leaves when its push is done. */
export const replayPushes: HandlerFn = async ({ user, query }) => {
  const summary = await replayDeadLetters({ limit: query.limit, cursor: query.cursor });
  logger.info('push replay', { actorId: user!.id, ...summary, cursor: undefined });
  return { body: summary };
};

/** Reports waiting for a person's look (flagged text or photos), oldest first. */
export const moderationQueue: HandlerFn = async ({ query }) => {
  const page = await listQueue(query.limit, query.cursor);
  const records = await batchGetReports(page.items.map((i) => i.reportId));
  return {
    body: {
      items: records.map((r) => ({ id: r.id, category: r.category, description: r.description, moderation: r.moderation, createdAt: r.createdAt, grid: { id: r.gridId, name: r.gridName } })),
      cursor: page.cursor,
    },
  };
};

/** A reviewer approves (shown to all again) or hides (kept from other residents) a flagged report. */
export const moderationDecision: HandlerFn = async ({ user, params, body }) => {
  const r = await getReportRecord(params.id);
  if (!r?.moderation) throw notFound('待审核事项');
  const m = { ...r.moderation, reviewed: body.decision === 'approve' ? ('approved' as const) : ('hidden' as const) };
  await setReportModeration(r.id, m);
  for (const item of (await listQueue(100)).items.filter((i) => i.reportId === r.id)) await dequeue(item.sk);
  await writeAudit(auditEntry({ at: new Date().toISOString(), what: 'account_change', actorId: user!.id, actorRole: user!.role, reportId: r.id, detail: `moderation ${body.decision}`, from: null, to: null }));
  return { body: { id: r.id, moderation: m } };
};
