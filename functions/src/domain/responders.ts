/**
 * Community responders (群防群治, PRODUCT.md "Community responders"): who they are, where they
 * may be found, and the rules of an assist offer — pure, so the flows and the tests mean the same.
 *
 * - A responder is a resident a community approved (or an admin invited) as 平安志愿者, 保安员 or
 *   物业, with skills. They keep their resident side; they are never staff.
 * - Their position is shared only while on duty, at most every 30 s, and only the last one is
 *   kept; it expires 15 minutes after it was sent.
 * - An offer goes to the N nearest on-duty responders with the needed skills within the radius,
 *   nearest first; nobody is offered more than `offersPerDay` a day; if nobody accepts within 3
 *   minutes (or everyone offered declined) the offer widens: first to 1 km, then to the next N.
 */
import { distanceMeters } from '#geo/datum';

export const RESPONDER_KINDS = ['volunteer', 'guard', 'property'] as const;
export type ResponderKind = (typeof RESPONDER_KINDS)[number];
export const KIND_NAMES: Record<ResponderKind, string> = { volunteer: '平安志愿者', guard: '保安员', property: '物业' };

export const SKILLS = ['消防', '电工', '急救', '调解', '巡逻', '心理疏导'] as const;
export type Skill = (typeof SKILLS)[number];

export type VolunteerStatus = 'pending' | 'approved' | 'declined';

/** A responder's standing with their community (store/responders keeps it beside the profile). */
export interface VolunteerRecord {
  userId: string;
  communityId: string;
  kind: ResponderKind;
  skills: Skill[];
  /** the name they gave for the community's records and (if they opt in) the leaderboard */
  name: string;
  note: string | null;
  /** shown on the community leaderboard by name */
  leaderboard: boolean;
  status: VolunteerStatus;
  appliedAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  reason: string | null;
  /** every write bumps it: a decision is conditioned on the version it was made from */
  version: number;
}

export const POSITION_TTL_MS = 15 * 60_000;
export const POSITION_MIN_INTERVAL_MS = 30_000;
/** geohash precision 6: ~1.1 km x 0.6 km at Shenzhen's latitude; a radius is covered by the cells its box meets */
export const POSITION_CELL_PRECISION = 6;

export interface Position {
  lat: number;
  lng: number;
  /** metres, as the phone gave it */
  accuracy: number;
  at: string;
}

export const positionLive = (p: Pick<Position, 'at'>, now: Date): boolean => now.getTime() - Date.parse(p.at) < POSITION_TTL_MS;
export const positionExpiresAt = (p: Pick<Position, 'at'>): string => new Date(Date.parse(p.at) + POSITION_TTL_MS).toISOString();

/** Offer defaults (GoodSAM's anchor: the 3 closest within 500 m) and the widening steps. */
export const ASSIST_DEFAULTS = { count: 3, radiusM: 500, widenedRadiusM: 1000, maxRadiusM: 3000, maxCount: 10 } as const;
/** How long an offer round waits for an accept before it widens. */
export const OFFER_WAIT_MS = 3 * 60_000;
/** Rounds: the first, the widened radius, the next N at it; after the last the requester is told nobody answered. */
export const OFFER_ROUNDS = 3;
/** `arrive` counts when the responder is this close to the place (their fix's accuracy counted up to 50 m). */
export const ARRIVE_RADIUS_M = 200;
export const ARRIVE_ACCURACY_ALLOWANCE_M = 50;

/** A responder on duty near a place, as the position cells give them. */
export interface Nearby {
  userId: string;
  /** the name they gave their community (the requester and the report's staff see it) */
  name: string;
  lat: number;
  lng: number;
  kind: ResponderKind;
  skills: Skill[];
  at: string;
}

export interface Ranked extends Nearby {
  distanceM: number;
}

/**
 * The responders an offer round goes to: live, with every needed skill, within the radius, not
 * offered this assist before and not over today's cap; nearest first (ties by id, so the same
 * data always gives the same set).
 */
export function nearestResponders(
  place: { lat: number; lng: number },
  candidates: readonly Nearby[],
  want: { skills: readonly string[]; radiusM: number; n: number; exclude: ReadonlySet<string>; capped?: ReadonlySet<string> },
  now: Date,
): Ranked[] {
  return candidates
    .filter((c) => positionLive(c, now) && !want.exclude.has(c.userId) && !want.capped?.has(c.userId) && want.skills.every((s) => c.skills.includes(s as Skill)))
    .map((c) => ({ ...c, distanceM: Math.round(distanceMeters(place, c)) }))
    .filter((c) => c.distanceM <= want.radiusM)
    .sort((a, b) => a.distanceM - b.distanceM || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
    .slice(0, want.n);
}

/** The radius of round `round` (1-based) of an offer asked for with `radiusM`. */
export function roundRadius(radiusM: number, round: number): number {
  return round === 1 ? radiusM : Math.max(radiusM, ASSIST_DEFAULTS.widenedRadiusM);
}

/** Whether an arrival fix is at the place. */
export function arrivedAt(place: { lat: number; lng: number }, fix: { lat: number; lng: number; accuracy: number }): { ok: boolean; distanceM: number } {
  const distanceM = Math.round(distanceMeters(place, fix));
  return { ok: distanceM - Math.min(fix.accuracy, ARRIVE_ACCURACY_ALLOWANCE_M) <= ARRIVE_RADIUS_M, distanceM };
}

/**
 * What a done and rated assist earns: 积分 10 plus 2 per star, and 时间银行 hours from accept to
 * done in half hours (at least half an hour, at most 8 hours for one assist).
 */
export function earnings(score: number, acceptedAt: string, doneAt: string): { points: number; hours: number } {
  const ms = Math.max(0, Date.parse(doneAt) - Date.parse(acceptedAt));
  const halfHours = Math.min(16, Math.max(1, Math.ceil(ms / 1_800_000)));
  return { points: 10 + 2 * score, hours: halfHours / 2 };
}
