/** Community responders: applying, the community's decision and list, positions, points, the matching rules. */
import { apply as applyAs, decide as decideOn, listVolunteers } from '#flows/responders';
import { sharePosition } from '#flows/positions';
import { leaderboard as boardOf, myPoints } from '#flows/assist-reads';
import { replaceResponderSettings, responderSettings } from '#flows/responder-settings';
import { KIND_NAMES, type VolunteerRecord } from '#domain/responders';
import type { Handler } from '#http/handler';

/** A responder's standing as the community's staff and the applicant see it. */
const standing = (v: VolunteerRecord) => ({
  userId: v.userId,
  communityId: v.communityId,
  kind: v.kind,
  kindName: KIND_NAMES[v.kind],
  skills: v.skills,
  name: v.name,
  note: v.note,
  leaderboard: v.leaderboard,
  status: v.status,
  appliedAt: v.appliedAt,
  decidedAt: v.decidedAt,
  reason: v.reason,
});

export const apply: Handler<'volunteers.apply'> = async ({ user, body }) => ({ status: 201, body: standing(await applyAs(user, body, new Date())) });

export const list: Handler<'volunteers.list'> = async ({ user, query }) => ({ body: { items: (await listVolunteers(user, query.communityId, query.status)).map(standing) } });

export const decide: Handler<'volunteers.decide'> = async ({ user, params, body }) => ({ body: standing(await decideOn(user, params.id, body.decision, body.reason, new Date())) });

export const leaderboard: Handler<'volunteers.leaderboard'> = async ({ user, query }) => ({ body: await boardOf(user, query.communityId) });

export const position: Handler<'volunteers.position'> = async ({ user, body }) => ({ body: await sharePosition(user, body, new Date()) });

export const points: Handler<'volunteers.points'> = async ({ user }) => ({ body: await myPoints(user) });

export const settings: Handler<'volunteers.settings'> = async () => ({ body: await responderSettings() });

export const replaceSettings: Handler<'volunteers.replaceSettings'> = async ({ user, body }) => {
  const { expectedVersion, ...next } = body;
  return { body: await replaceResponderSettings(user, next, expectedVersion, new Date()) };
};
