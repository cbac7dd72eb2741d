/** The signed-in user. */
import { ROLE_NAMES } from '#domain/roles';
import { TEMPLATES, templateId } from '#notify/templates';
import { areasInForce } from '#flows/areas';
import { setConsent, setDuty } from '#store/users';
import { config } from '#config';
import { invalidInput } from '#domain/errors';
import type { HandlerFn } from '#http/handler';
import { pseudonymOf } from '#flows/pseudonym';
import { pseudonymiseMember } from '#store/reports';
import { putUser } from '#store/users';
import { auditEntry, writeAudit } from '#store/audit';

export const get: HandlerFn = async ({ user }) => {
  const u = user!;
  const { tree } = await areasInForce();
  return {
    body: {
      id: u.id,
      role: u.role,
      roleName: ROLE_NAMES[u.role],
      name: u.name,
      areaIds: u.areaIds,
      areas: u.areaIds.map((id) => tree.get(id)).filter((a) => !!a).map((a) => ({ id: a!.id, name: a!.name, level: a!.level })),
      duty: u.duty,
      phoneBound: !!u.phone,
      consent: { accepted: u.consentVersion, current: config.privacyNoticeVersion, required: u.role === 'resident' && !u.consentVersion },
      // what the app asks requestSubscribeMessage for (long-term ones need no tap)
      subscribeTemplates: TEMPLATES.map((t) => ({ kind: t.kind, templateId: templateId(t), longTerm: t.longTerm })),
    },
  };
};

export const consent: HandlerFn = async ({ user, body }) => {
  if (body.version !== config.privacyNoticeVersion) {
    throw invalidInput(`隐私政策版本不符，当前版本为 ${config.privacyNoticeVersion}`, { current: config.privacyNoticeVersion });
  }
  await setConsent(user!.id, body.version);
  return { body: { accepted: body.version } };
};

export const duty: HandlerFn = async ({ user, body }) => {
  await setDuty(user!, body.state);
  return { body: { duty: body.state } };
};

/**
 * 注销: the resident's account goes. Reports they filed stay for the city's records with the
 * reporter replaced by an irreversible pseudonym; their phone, openid and memberships are gone.
 */
export const remove: HandlerFn = async ({ user }) => {
  const u = user!;
  const pseudonym = pseudonymOf(u.id);
  const reports = await pseudonymiseMember(u.id, pseudonym);
  await putUser({ ...u, name: '已注销用户', phone: null, openid: null, consentVersion: null, active: false, areaIds: [] });
  await writeAudit(auditEntry({ at: new Date().toISOString(), what: 'account_deleted', actorId: u.id, actorRole: u.role, reportId: null, detail: `memberships:${reports}`, from: null, to: null }));
  return { body: { deleted: true, reportsKept: reports } };
};
