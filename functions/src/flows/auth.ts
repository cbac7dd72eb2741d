/**
 * Signing in with WeChat: the mini-program's login code is exchanged server-side (the
 * session_key never leaves the server); a new openid becomes a resident. Staff bind their WeChat
 * account to the account an admin created, with the one-time invite code — in one transaction
 * with its audit entry.
 */
import { createHash } from 'node:crypto';
import { DomainError, notFound } from '#domain/errors';
import { code2Session, getPhoneNumber, isWechatError, type WechatError } from '#notify/wechat';
import { bindOpenid, createUserIfAbsent, getUser, inviteTarget, setProfileFields, userByOpenid, type UserRecord } from '#store/users';
import { ConditionFailed } from '#store/tx';
import { auditEntry, auditPut } from '#store/audit';
import { takeLimit } from '#flows/limits';

/** WeChat's failures, in this API's words: bad codes are the client's; WeChat being down is not. */
export function fromWechat(e: unknown): never {
  if (!isWechatError(e)) throw e;
  const w = e as WechatError;
  switch (w.kind) {
    case 'invalid_code':
      throw new DomainError('wechat_code_invalid', '微信登录凭证无效或已使用，请重新进入小程序', { errcode: w.errcode });
    case 'rate_limited':
      throw new DomainError('rate_limited', '操作太频繁，请稍后再试', { errcode: w.errcode });
    case 'blocked':
      throw new DomainError('forbidden', '该微信账号存在安全风险，暂不能使用', { errcode: w.errcode });
    default:
      throw new DomainError('upstream_unavailable', '微信服务暂时不可用，请稍后重试', { errcode: w.errcode });
  }
}

/** A stable, non-reversible id for a new resident (the openid itself is never an id). */
const residentId = (openid: string) => `u-${createHash('sha256').update(`resident:${openid}`).digest('hex').slice(0, 16)}`;

/** The account a WeChat login code belongs to; a first login creates a resident. */
export async function wechatSignIn(code: string): Promise<UserRecord> {
  const session = await code2Session(code).catch(fromWechat);
  let user = await userByOpenid(session.openid);
  if (!user) {
    const fresh: UserRecord = {
      id: residentId(session.openid),
      role: 'resident',
      name: '居民',
      areaIds: [],
      active: true,
      duty: 'off_duty',
      openid: session.openid,
      phone: null,
      consentVersion: null,
      createdAt: new Date().toISOString(),
    };
    await createUserIfAbsent(fresh);
    user = (await getUser(fresh.id))!;
  }
  if (!user.active) throw new DomainError('unauthenticated', '账号已停用或注销');
  return user;
}

/** The account behind a verified refresh token, while it stays active. */
export async function refreshedUser(userId: string): Promise<UserRecord> {
  const user = await getUser(userId);
  if (!user?.active) throw new DomainError('unauthenticated', '账号已停用或注销，请重新登录');
  return user;
}

/**
 * Staff first sign in with WeChat (which makes them a resident), then enter the invite code:
 * the staff account takes over their openid.
 */
export async function bindInvite(me: UserRecord, inviteHash: string, now: Date): Promise<UserRecord> {
  if (!me.openid) throw new DomainError('invalid_input', '请先通过微信登录再绑定');
  // every attempt counts, right or wrong: invite codes must not be guessable by trying
  await takeLimit(me.id, 'invites', now);
  const staffId = await inviteTarget(inviteHash, now);
  if (!staffId) throw notFound('邀请码（不存在、已使用或已过期）');
  const staff = await getUser(staffId);
  if (!staff || !staff.active) throw notFound('工作人员账号');
  if (staff.openid) throw new DomainError('already_bound', '该工作人员账号已绑定其他微信');
  const audit = auditPut(auditEntry({ at: now.toISOString(), what: 'account_change', actorId: staff.id, actorRole: staff.role, reportId: null, detail: 'bind wechat', from: null, to: null }));
  try {
    await bindOpenid(inviteHash, staff, me, me.openid, now, [audit]);
  } catch (e) {
    // Someone used the code (or bound the account) a moment earlier: nothing of ours was written.
    if (e instanceof ConditionFailed) throw notFound('邀请码（不存在、已使用或已过期）');
    throw e;
  }
  return { ...staff, openid: me.openid };
}

/** The number comes only from WeChat's phone-number button (PIPL: no typing someone else's). */
export async function bindPhone(user: UserRecord, code: string): Promise<string> {
  const p = await getPhoneNumber(code).catch(fromWechat);
  await setProfileFields(user.id, { phone: p.purePhoneNumber });
  return p.purePhoneNumber;
}

/** Grants the user just accepted in requestSubscribeMessage (one-time counted, long-term accepted). */
export { recordGrants } from '#flows/subscriptions';
