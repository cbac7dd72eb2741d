/**
 * The baseline of `npm run bench:assist` (tests/bench/assist.ts).
 *
 * Baseline in the same run: brute force over every seeded position held in memory (live, on duty,
 * every skill, under today's cap, within the radius — the distance rounded to metres as the domain
 * rounds it, ties by id), over the same rounds, timed on each offer. The end checks
 * (tests/bench/assist-checks.ts) hold every offer against it.
 */
import { chinaDay } from '../../functions/src/domain/kpi.ts';
import { OFFER_ROUNDS, POSITION_TTL_MS, roundRadius } from '../../functions/src/domain/responders.ts';
import { distanceMeters } from '../../functions/src/geo/datum.ts';
import type { Seeded, Skill } from './assist-seed.ts';

/** `${chinaDay}|${userId}` -> offers so far */
export type Tally = Map<string, number>;
export const tallyKey = (day: string, userId: string) => `${day}|${userId}`;

/** The brute force over every seeded position in memory (as they are now: the refreshes update them). */
export function bruteForce(seeded: readonly Seeded[]) {
  function brute(place: { lat: number; lng: number }, skills: readonly string[], radiusM: number, n: number, capped: (id: string) => boolean, nowMs: number) {
    const out: { userId: string; distanceM: number }[] = [];
    for (const c of seeded) {
      if (!c.onDuty || nowMs - c.atMs >= POSITION_TTL_MS || capped(c.userId)) continue;
      if (!skills.every((s) => c.skills.includes(s as Skill))) continue;
      const distanceM = Math.round(distanceMeters(place, c));
      if (distanceM <= radiusM) out.push({ userId: c.userId, distanceM });
    }
    out.sort((a, b) => a.distanceM - b.distanceM || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    return out.slice(0, n);
  }
  /** What a request offers at once: its radius, then 1 km while nobody is found (flows/assists runRounds); nobody offered before in a new assist. */
  function bruteRounds(place: { lat: number; lng: number }, skills: readonly string[], radiusM: number, n: number, cap: number, tally: Tally, nowMs: number) {
    const day = chinaDay(new Date(nowMs).toISOString());
    const capped = (id: string) => (tally.get(tallyKey(day, id)) ?? 0) >= cap;
    for (let r = 1; r <= OFFER_ROUNDS; r++) {
      const picked = brute(place, skills, roundRadius(radiusM, r), n, capped, nowMs);
      if (picked.length) return { round: r, picked };
    }
    return { round: OFFER_ROUNDS, picked: [] as { userId: string; distanceM: number }[] };
  }
  return { brute, bruteRounds };
}
export type BruteRounds = ReturnType<typeof bruteForce>['bruteRounds'];
