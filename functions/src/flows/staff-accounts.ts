/**
 * Staff accounts (一地一人一账号). An admin creates an account bound to areas inside their own
 * and hands over a one-time invite code; editing areas or deactivating an account hands its open
 * tasks back to routing. Each account change commits with its audit entry.
 */
import { randomBytes } from 'node:crypto';
import { forbidden, invalidInput, notFound } from '#domain/errors';
import { HANDLER_ROLES, ROLE_NAMES, isStaff, type DutyState, type Role } from '#domain/roles';
import type { ReportRecord } from '#domain/report';
import type { AreaTree } from '#geo/areas';
import { rightsOf, type Rights } from '#flows/rights';
import { reassign } from '#flows/reports';
import { auditEntry, auditPut } from '#store/audit';
import { Report } from '#store/keys';
import { countOpenTasks, reportsFromIndex } from '#store/reports';
import { createStaff, getUser, staffOfArea, updateStaff, type UserRecord } from '#store/users';
import { volunteerPut } from '#store/responders';
import type { ResponderKind, Skill, VolunteerRecord } from '#domain/responders';
import { ConditionFailed } from '#store/tx';
import { DomainError } from '#domain/errors';
import { hashInvite, newInviteCode } from '#flows/invite';

const INVITE_DAYS = 14;
/** rounds of hand-back: a page holds at most 100 tasks and each reassignment takes one away */
const HAND_BACK_ROUNDS = 50;

/** Areas an admin may grant: known to the stored tree and inside the admin's own. */
function checkGrant(rights: Rights, areaIds: readonly string[]): void {
  const unknown = areaIds.filter((id) => !rights.tree.get(id));
  if (unknown.length) throw invalidInput(`未知区域：${unknown.join(', ')}`, { field: 'areaIds', unknown });
  const outside = areaIds.filter((id) => !rights.may({ areaId: id }));
  if (outside.length) throw forbidden(`不能授权您管辖范围以外的区域：${outside.join(', ')}`);
}

export const staffView = (u: UserRecord) => ({ id: u.id, role: u.role, name: u.name, areaIds: u.areaIds, active: u.active, duty: u.duty, bound: !!u.openid });

const accountAudit = (admin: UserRecord, at: string, detail: string) =>
  auditPut(auditEntry({ at, what: 'account_change', actorId: admin.id, actorRole: admin.role, reportId: null, detail, from: null, to: null }));

export async function createStaffAccount(
  admin: UserRecord,
  input: { name: string; role: Role; areaIds: string[]; phone?: string | undefined; responder?: { kind: ResponderKind; skills: Skill[]; leaderboard?: boolean | undefined } | undefined },
  now: Date,
) {
  const rights = await rightsOf(admin);
  checkGrant(rights, input.areaIds);
  const responder = input.role === 'volunteer' ? input.responder : undefined;
  if (responder && rights.tree.get(input.areaIds[0]!)?.level !== 'community') throw invalidInput('群防群治力量须属于一个社区', { field: 'areaIds' });
  const account: UserRecord = {
    id: `u-${randomBytes(6).toString('hex')}`,
    role: input.role,
    name: input.name,
    // a responder works no area (routing never picks them); their community is their standing's
    areaIds: responder ? [] : input.areaIds,
    active: true,
    duty: 'on_duty',
    openid: null,
    phone: input.phone ?? null,
    consentVersion: null,
    createdAt: now.toISOString(),
  };
  const code = newInviteCode();
  const expiresAt = new Date(now.getTime() + INVITE_DAYS * 86400_000).toISOString();
  const standing: VolunteerRecord | null = responder
    ? { userId: account.id, communityId: input.areaIds[0]!, kind: responder.kind, skills: [...new Set(responder.skills)], name: input.name, note: null, leaderboard: responder.leaderboard ?? false, status: 'approved', appliedAt: now.toISOString(), decidedAt: now.toISOString(), decidedBy: admin.id, reason: null, version: 1 }
    : null;
  await createStaff(account, hashInvite(code), expiresAt, [
    accountAudit(admin, now.toISOString(), `create ${account.id} ${account.role} ${input.areaIds.join(',')}`),
    ...(standing ? [volunteerPut(standing, null)] : []),
  ]);
  return { ...staffView(account), inviteCode: code, inviteExpiresAt: expiresAt };
}

/** Open tasks the account holds that it may no longer hold: deactivated, or outside its areas now. */
async function tasksToHandBack(u: UserRecord, tree: AreaTree): Promise<ReportRecord[]> {
  const page = await reportsFromIndex(Report.partition('openTasksOfAssignee', { uid: u.id }), { limit: 100 });
  const covers = (gridId: string, beatId: string) => u.areaIds.some((a) => tree.covers(a, gridId) || tree.covers(a, beatId));
  return page.items.filter((r) => !u.active || !HANDLER_ROLES.includes(u.role) || !covers(r.gridId, r.beatId));
}

export interface StaffChange {
  name?: string | undefined;
  role?: Role | undefined;
  areaIds?: string[] | undefined;
  active?: boolean | undefined;
  phone?: string | null | undefined;
}

/**
 * Edits an account the admin manages (all its current areas and any new ones inside the admin's
 * own). The account and its audit entry commit together; the tasks it may no longer hold are
 * then handed back one transition each — repeating the same PATCH finishes a hand-back that
 * was interrupted.
 */
export async function updateStaffAccount(admin: UserRecord, id: string, change: StaffChange, now: Date) {
  const before = await getUser(id);
  if (!before || !isStaff(before.role)) throw notFound('工作人员账号');
  const rights = await rightsOf(admin);
  checkGrant(rights, before.areaIds);
  if (change.areaIds) checkGrant(rights, change.areaIds);
  if (before.id === admin.id && change.active === false) throw invalidInput('不能停用自己的账号');
  const after: UserRecord = {
    ...before,
    ...(change.name !== undefined ? { name: change.name } : {}),
    ...(change.role !== undefined ? { role: change.role } : {}),
    ...(change.areaIds !== undefined ? { areaIds: change.areaIds } : {}),
    ...(change.active !== undefined ? { active: change.active } : {}),
    ...(change.phone !== undefined ? { phone: change.phone } : {}),
  };
  try {
    await updateStaff(before, after, [accountAudit(admin, now.toISOString(), `update ${after.id} ${Object.keys(change).join(',')}`)]);
  } catch (e) {
    if (e instanceof ConditionFailed) throw new DomainError('version_conflict', '该账号刚被他人修改，请刷新后重试');
    throw e;
  }
  const handedBack: string[] = [];
  for (let round = 0; round < HAND_BACK_ROUNDS; round++) {
    const tasks = await tasksToHandBack(after, rights.tree);
    if (tasks.length === 0) break;
    for (const r of tasks) {
      const why = after.active ? `原处理人 ${before.name} 调整了负责区域，重新分派` : `原处理人 ${before.name} 账号已停用，重新分派`;
      await reassign(r.id, why, now);
      handedBack.push(r.id);
    }
  }
  return { ...staffView(after), reassigned: handedBack };
}

export interface StaffEntry {
  id: string;
  name: string;
  role: Role;
  roleName: string;
  duty: DutyState;
  areaIds: string[];
  openTasks: number;
}

/**
 * Who can take a task in an area (the dispatch picker): staff bound to the area itself, to the
 * grids under it, or (for a grid) to its beat and its community's leaders, with duty and load.
 * Only inside the caller's own areas.
 */
export async function staffForArea(user: UserRecord, areaId: string, role: Role | undefined): Promise<StaffEntry[]> {
  const rights = await rightsOf(user);
  const tree = rights.tree;
  const area = tree.get(areaId);
  if (!area) throw notFound('区域');
  rights.require({ areaId: area.id }, '该区域不在您的管辖范围');
  const ids = new Set<string>([area.id]);
  if (area.level === 'grid' && area.beatId) ids.add(area.beatId);
  for (const g of tree.list({ level: 'grid' })) if (tree.covers(area.id, g.id)) ids.add(g.id);
  for (const a of tree.ancestors(area.id)) if (a.level === 'community') ids.add(a.id);
  const rows = (await Promise.all([...ids].map((id) => staffOfArea(id)))).flat();
  const byUser = new Map<string, (typeof rows)[number] & { areaIds: string[] }>();
  for (const r of rows) {
    if (!r.active || (role && r.role !== role) || !HANDLER_ROLES.includes(r.role)) continue;
    const seen = byUser.get(r.userId);
    if (seen) seen.areaIds.push(r.areaId);
    else byUser.set(r.userId, { ...r, areaIds: [r.areaId] });
  }
  const items = await Promise.all(
    [...byUser.values()].map(async (s) => ({ id: s.userId, name: s.name, role: s.role, roleName: ROLE_NAMES[s.role], duty: s.duty, areaIds: s.areaIds, openTasks: await countOpenTasks(s.userId) })),
  );
  items.sort((a, b) => Number(b.duty === 'on_duty') - Number(a.duty === 'on_duty') || a.openTasks - b.openTasks || a.id.localeCompare(b.id));
  return items;
}
