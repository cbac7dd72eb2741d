/** The signed-in user. */
import { ROLE_NAMES } from '#domain/roles';
import { areasInForce } from '#flows/areas';
import { acceptConsent, changeDuty, deleteAccount } from '#flows/account';
import { subscriptionState } from '#flows/subscriptions';
import { config } from '#config';
import type { Handler } from '#http/handler';

export const get: Handler<'me.get'> = async ({ user: u }) => {
  const [{ tree }, subscribeTemplates] = await Promise.all([areasInForce(), subscriptionState(u)]);
  return {
    body: {
      id: u.id,
      role: u.role,
      roleName: ROLE_NAMES[u.role],
      name: u.name,
      areaIds: u.areaIds,
      areas: u.areaIds.flatMap((id) => {
        const a = tree.get(id);
        return a ? [{ id: a.id, name: a.name, level: a.level }] : [];
      }),
      duty: u.duty,
      phoneBound: !!u.phone,
      consent: { accepted: u.consentVersion, current: config.privacyNoticeVersion, required: u.role === 'resident' && !u.consentVersion, retentionDays: config.retentionDays },
      // what the app asks requestSubscribeMessage for, on a tap, and whether each is granted now
      // (long-term: accepted once; one-time: a send left)
      subscribeTemplates,
    },
  };
};

export const consent: Handler<'me.consent'> = async ({ user, body }) => {
  await acceptConsent(user, body.version);
  return { body: { accepted: body.version } };
};

export const duty: Handler<'me.duty'> = async ({ user, body }) => {
  await changeDuty(user, body.state);
  return { body: { duty: body.state } };
};

export const remove: Handler<'me.remove'> = async ({ user }) => ({ body: { deleted: true, reportsKept: await deleteAccount(user, new Date()) } });
