/** Request schemas of the community responders' routes (群防群治): applications, positions, assists, matching rules. */
import * as z from 'zod';
import { RESPONDER_KINDS, SKILLS, ASSIST_DEFAULTS } from '#domain/responders';
import { Id, ListQuery } from '#http/schemas';

const text = (max: number) => z.string().trim().min(1).max(max);
const Skills = z.array(z.enum(SKILLS)).max(SKILLS.length);

export const ApplyBody = z
  .object({
    communityId: Id,
    kind: z.enum(RESPONDER_KINDS),
    skills: Skills.default([]),
    /** the name the community's records (and, opted in, the leaderboard) show */
    name: text(20),
    note: text(200).optional(),
    leaderboard: z.boolean().optional(),
  })
  .meta({ id: 'ResponderApplication' });

export const VolunteersQuery = z.object({ communityId: Id, status: z.enum(['pending', 'approved', 'declined']).default('pending') });
export const LeaderboardQuery = z.object({ communityId: Id });
export const DecisionBody = z.object({ decision: z.enum(['approve', 'decline']), reason: text(200).optional() });

const Fix = {
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  /** metres, as the phone reports it */
  accuracy: z.number().min(0).max(10_000),
  datum: z.enum(['gcj02', 'wgs84']).optional(),
};
export const PositionBody = z.object(Fix).meta({ id: 'ResponderPosition' });
export const ArriveBody = z.object(Fix);

export const AssistBody = z
  .object({
    need: text(60),
    skills: Skills.optional(),
    /** hands needed: the first `count` accepts win (default 1) */
    count: z.number().int().min(1).max(ASSIST_DEFAULTS.maxCount).optional(),
    radiusM: z.number().int().min(100).max(ASSIST_DEFAULTS.maxRadiusM).optional(),
    /** the first round goes to these responders (from the recommendation list) */
    to: z.array(Id).min(1).max(ASSIST_DEFAULTS.maxCount).optional(),
    /** the recommendation's reason, for the timeline */
    recommendation: text(100).optional(),
    /** the report's photos to show responders */
    photoIds: z.array(Id).max(9).optional(),
  })
  .meta({ id: 'AssistRequest' });

export const AssistsQuery = ListQuery.extend({ state: z.enum(['offered', 'mine', 'done']).default('offered') });
export const DeclineBody = z.object({ reason: text(100).optional() });
export const DoneBody = z.object({ note: text(200).optional(), photoId: Id.optional() });
export const AssistRatingBody = z.object({ score: z.number().int().min(1).max(5), comment: text(200).optional(), volunteerId: Id.optional() });

const Weight = z.number().min(0).max(1);
export const ResponderSettingsBody = z
  .object({
    weights: z.object({ distance: Weight, skill: Weight, load: Weight }).refine((w) => w.distance + w.skill + w.load > 0, '权重之和必须大于 0'),
    maxDistanceM: z.number().int().min(100).max(20_000),
    categorySkills: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, '类别代码'), Skills),
    offersPerDay: z.number().int().min(1).max(100),
    /** the version read (0: the defaults): a stale edit is refused */
    expectedVersion: z.number().int().min(0),
  })
  .meta({ id: 'ResponderSettings' });
