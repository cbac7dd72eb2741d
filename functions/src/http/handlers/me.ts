/** The signed-in user. */
import { ROLE_NAMES, isResidentSide, isStaff } from '#domain/roles';
import { KIND_NAMES } from '#domain/responders';
import { standingOf } from '#flows/responders';
import { areasInForce } from '#flows/areas';
import { acceptConsent, changeDuty, deleteAccount } from '#flows/account';
import { subscriptionState } from '#flows/subscriptions';
import { config } from '#config';
import type { Handler } from '#http/handler';

export const get: Handler<'me.get'> = async ({ user: u }) => {
  const [{ tree }, subscribeTemplates, responder] = await Promise.all([areasInForce(), subscriptionState(u), isStaff(u.role) ? null : standingOf(u.id)]);
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
      consent: { accepted: u.consentVersion, current: config.privacyNoticeVersion, required: isResidentSide(u.role) && !u.consentVersion, retentionDays: config.retentionDays },
      // what the app asks requestSubscribeMessage for, on a tap, and whether each is granted now
      // (long-term: accepted once; one-time: a send left)
      subscribeTemplates,
      // residents and responders: their standing with a community (群防群治), if they applied
      responder: responder && { communityId: responder.communityId, communityName: tree.get(responder.communityId)?.name ?? responder.communityId, kind: responder.kind, kindName: KIND_NAMES[responder.kind], skills: responder.skills, status: responder.status, reason: responder.reason, leaderboard: responder.leaderboard },
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
