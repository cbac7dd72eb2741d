/**
 * Community responders: applying to a community, the community's decision, and the list its
 * staff review. A resident applies; the community's grid leader or community officer (or the
 * centre or an admin above it) approves or declines; approval makes the account a `volunteer`
 * (they keep their resident side) in the same transaction, with its audit entry.
 */
import { DomainError, forbidden, invalidInput, notFound } from '#domain/errors';
import { isResidentSide } from '#domain/roles';
import type { ResponderKind, Skill, VolunteerRecord, VolunteerStatus } from '#domain/responders';
import type { AreaTree } from '#geo/areas';
import { rightsOf, type Rights } from '#flows/rights';
import { auditEntry, auditPut } from '#store/audit';
import { getVolunteer, volunteerPut, volunteersOf } from '#store/responders';
import { roleUpdate, type UserRecord } from '#store/users';
import { transact, ConditionFailed } from '#store/tx';
import { clearPositionOf } from '#flows/positions';

export interface Application {
  communityId: string;
  kind: ResponderKind;
  skills: Skill[];
  name: string;
  note?: string | undefined;
  leaderboard?: boolean | undefined;
}

const conflict = () => new DomainError('version_conflict', '申请状态刚刚被他人更新，请刷新后重试');

function communityOf(tree: AreaTree, communityId: string) {
  const c = tree.get(communityId);
  if (!c || c.level !== 'community') throw invalidInput('社区不存在', { field: 'communityId' });
  return c;
}

/**
 * Staff who answer for a community's responders: those bound to it or above it (its grid
 * leader, the centre, an admin), and the officer of a beat that polices one of its grids.
 */
export function mayManage(rights: Rights, communityId: string): boolean {
  const { actor, tree } = rights;
  if (actor.role === 'grid_worker' || !['grid_leader', 'police_officer', 'dispatcher', 'admin'].includes(actor.role)) return false;
  if (rights.may({ areaId: communityId })) return true;
  return actor.role === 'police_officer' && actor.areaIds.some((b) => tree.gridsOfBeat(b).some((g) => tree.covers(communityId, g.id)));
}

export async function apply(user: UserRecord, a: Application, now: Date): Promise<VolunteerRecord> {
  if (!isResidentSide(user.role)) throw forbidden('工作人员无需申请');
  const rights = await rightsOf(user);
  communityOf(rights.tree, a.communityId);
  const before = await getVolunteer(user.id);
  if (before && (before.status === 'pending' || before.status === 'approved')) {
    throw new DomainError('already_applied', before.status === 'pending' ? '您的申请正在审核中' : '您已是群防群治力量', { status: before.status, communityId: before.communityId });
  }
  const after: VolunteerRecord = {
    userId: user.id,
    communityId: a.communityId,
    kind: a.kind,
    skills: [...new Set(a.skills)],
    name: a.name,
    note: a.note ?? null,
    leaderboard: a.leaderboard ?? false,
    status: 'pending',
    appliedAt: now.toISOString(),
    decidedAt: null,
    decidedBy: null,
    reason: null,
    version: (before?.version ?? 0) + 1,
  };
  try {
    await transact([volunteerPut(after, before)]);
  } catch (e) {
    if (e instanceof ConditionFailed) throw conflict();
    throw e;
  }
  return after;
}

/** The signed-in user's own standing as a responder (none: never applied). */
export const standingOf = (userId: string): Promise<VolunteerRecord | null> => getVolunteer(userId);

export async function listVolunteers(user: UserRecord, communityId: string, status: VolunteerStatus): Promise<VolunteerRecord[]> {
  const rights = await rightsOf(user);
  communityOf(rights.tree, communityId);
  if (!mayManage(rights, communityId)) throw forbidden('该社区不在您的管辖范围');
  return volunteersOf(communityId, status);
}

/** Approve or decline a pending application (or withdraw an approved responder: decline). */
export async function decide(user: UserRecord, applicantId: string, decision: 'approve' | 'decline', reason: string | undefined, now: Date): Promise<VolunteerRecord> {
  const before = await getVolunteer(applicantId);
  if (!before) throw notFound('申请');
  const rights = await rightsOf(user);
  if (!mayManage(rights, before.communityId)) throw forbidden('该社区不在您的管辖范围');
  const status: VolunteerStatus = decision === 'approve' ? 'approved' : 'declined';
  if (before.status === status) throw new DomainError('invalid_transition', decision === 'approve' ? '已经批准' : '已经拒绝', { status });
  if (before.status === 'declined') throw new DomainError('invalid_transition', '已拒绝的申请需重新提交', { status: before.status });
  if (decision === 'decline' && !reason) throw invalidInput('请填写拒绝或取消的理由', { field: 'reason' });
  const after: VolunteerRecord = { ...before, status, decidedAt: now.toISOString(), decidedBy: user.id, reason: reason ?? null, version: before.version + 1 };
  const from = before.status === 'approved' ? 'volunteer' : 'resident';
  const to = status === 'approved' ? 'volunteer' : 'resident';
  const audit = auditPut(auditEntry({ at: now.toISOString(), what: 'account_change', actorId: user.id, actorRole: user.role, reportId: null, detail: `responder ${decision} ${applicantId}`, from: before.status, to: status }));
  try {
    await transact([volunteerPut(after, before), ...(from !== to ? [roleUpdate(applicantId, from, to)] : []), audit]);
  } catch (e) {
    if (e instanceof ConditionFailed) throw conflict();
    throw e;
  }
  if (to === 'resident') await clearPositionOf(applicantId);
  return after;
}
