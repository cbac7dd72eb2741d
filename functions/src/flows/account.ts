/** The signed-in user's own account: privacy consent, duty state, deletion (注销). */
import { config } from '#config';
import { invalidInput } from '#domain/errors';
import type { DutyState } from '#domain/roles';
import { pseudonymOf } from '#flows/pseudonym';
import { clearPositionOf } from '#flows/positions';
import { auditEntry, auditPut } from '#store/audit';
import { pseudonymiseMember } from '#store/reports';
import { putUser, setConsent, setDuty, type UserRecord } from '#store/users';

export async function acceptConsent(user: UserRecord, version: string): Promise<void> {
  if (version !== config.privacyNoticeVersion) {
    throw invalidInput(`隐私政策版本不符，当前版本为 ${config.privacyNoticeVersion}`, { current: config.privacyNoticeVersion });
  }
  await setConsent(user.id, version);
}

/** Duty for staff (routing skips the unavailable) and responders (offers reach only those on duty; off duty, their position goes). */
export async function changeDuty(user: UserRecord, state: DutyState): Promise<void> {
  await setDuty(user, state);
  if (user.role === 'volunteer' && state !== 'on_duty') await clearPositionOf(user.id);
}

/**
 * 注销: the resident's account goes. Reports they filed stay for the city's records with the
 * reporter replaced by an irreversible pseudonym (one transaction per report, each safe to
 * repeat); then the profile is emptied in one transaction with its audit entry. A failure
 * half-way leaves the account active, so deleting again finishes the job.
 */
export async function deleteAccount(user: UserRecord, now: Date): Promise<number> {
  const kept = await pseudonymiseMember(user.id, pseudonymOf(user.id));
  await clearPositionOf(user.id); // a responder leaving: their last position goes with the account
  const audit = auditPut(auditEntry({ at: now.toISOString(), what: 'account_deleted', actorId: user.id, actorRole: user.role, reportId: null, detail: `memberships:${kept}`, from: null, to: null }));
  await putUser({ ...user, name: '已注销用户', phone: null, openid: null, consentVersion: null, active: false, areaIds: [] }, [audit]);
  return kept;
}
