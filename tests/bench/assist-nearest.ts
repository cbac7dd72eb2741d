/**
 * The nearest-N query of `npm run bench:assist` (tests/bench/assist.ts), with the flow's own
 * functions (flows/assists pick).
 *
 * nearest: just before each request, the flow's pick (flows/assists pick) is replayed with the
 * functions it calls: respondersNear (the audited Query per cell; read as a 'bench' reader, so
 * the audit trail says who read) and nearestResponders, over the rounds the flow runs (500 m,
 * then 1 km while nobody); on duty and today's caps as the bench wrote and offered them.
 * nearestMs = respondersNear + ranking. Every PICK_SAMPLE_EVERY-th offer also makes the pick's
 * other reads (getUsers and offersToday of the nearest max(2n, 8), responderSettings): pickMs.
 */
import { chinaDay } from '../../functions/src/domain/kpi.ts';
import { nearestResponders, OFFER_ROUNDS, roundRadius } from '../../functions/src/domain/responders.ts';
import { BENCH_READER } from './assist-config.ts';
import { tallyKey, type Tally } from './assist-brute.ts';
import type { Seeded } from './assist-seed.ts';

type Nearby = Parameters<typeof nearestResponders>[1][number];

/**
 * Today's cap as configured, and the query. The store's and flows' modules are imported here,
 * once the stack has started.
 */
export async function nearestPick(byId: ReadonlyMap<string, Seeded>, tally: Tally) {
  const { getUsers } = await import('../../functions/src/store/users.ts');
  const { offersToday } = await import('../../functions/src/store/assists.ts');
  const { respondersNear } = await import('../../functions/src/flows/positions.ts');
  const { responderSettings } = await import('../../functions/src/flows/responder-settings.ts');
  const cap = (await responderSettings()).offersPerDay;
  /**
   * respondersNear (the audited Query per cell) and nearestResponders over the rounds the flow runs.
   * On duty and today's caps come from what the bench wrote and offered (the flow reads them with
   * getUsers and offersToday of the nearest few, ranked first: `full` does that too, for the breakdown).
   */
  async function nearestQuery(place: { lat: number; lng: number }, reportId: string, skills: readonly string[], radiusM0: number, n: number, now: Date, full: boolean) {
    const t = { near: 0, rank: 0, profiles: 0, caps: 0 };
    const day = chinaDay(now.toISOString());
    let ranked: Awaited<ReturnType<typeof nearestResponders>> = [];
    for (let r = 1; r <= OFFER_ROUNDS; r++) {
      const radiusM = roundRadius(radiusM0, r);
      let s = performance.now();
      const near = await respondersNear(BENCH_READER, place, radiusM, reportId, 'assist', now);
      t.near += performance.now() - s;
      if (full) {
        // as the flow reads them: profiles and today's counts of the nearest few only (its first chunk)
        const chunk = nearestResponders(place, near, { skills, radiusM, n: Math.max(2 * n, 8), exclude: new Set() }, now).map((x) => x.userId);
        s = performance.now();
        await getUsers(chunk);
        t.profiles += performance.now() - s;
        s = performance.now();
        await responderSettings();
        await offersToday(chunk, day);
        t.caps += performance.now() - s;
      }
      s = performance.now();
      const onDuty = near.filter((x) => byId.get(x.userId)?.onDuty === true);
      const capped = new Set(onDuty.filter((x) => (tally.get(tallyKey(day, x.userId)) ?? 0) >= cap).map((x) => x.userId));
      ranked = nearestResponders(place, onDuty as Nearby[], { skills, radiusM, n, exclude: new Set(), capped }, now);
      t.rank += performance.now() - s;
      if (ranked.length) break;
    }
    return { ranked, t };
  }
  return { cap, nearestQuery };
}
export type NearestQuery = Awaited<ReturnType<typeof nearestPick>>['nearestQuery'];
