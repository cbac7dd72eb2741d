/**
 * The offers of `npm run bench:assist` (tests/bench/assist.ts).
 *
 * Offers by the district dispatcher over HTTP (POST /v1/reports/{id}/assists: need, skills — none,
 * one or two — count 1 mostly, sometimes 2 or 5), OFFERS_IN_FLIGHT side by side but only ≥ 2.1 km
 * apart (no responder is a candidate of two at once, so each meets the caps the offers before it
 * left, and no two race for a cap):
 *   nearest: just before each request, the flow's pick is replayed (tests/bench/assist-nearest.ts).
 *   offer → inbox: from the request's 201 to every offered responder's inbox item
 *     (`${assistId}.requested.${round}`, written by the stream notifier from the step's outbox row)
 *     being present — store/inbox getInboxItem, polled every POLL_MS by one background poller, so
 *     the next offer does not wait for the last one's inbox. The stream batching window is the
 *     deployed one (1 s, events/consumers; STREAM_BATCH_WINDOW_MS overrides); the pump polls every
 *     50 ms.
 *   baseline: the brute force (tests/bench/assist-brute.ts), timed here on the same question.
 */
import { chinaDay } from '../../functions/src/domain/kpi.ts';
import { ASSIST_DEFAULTS, SKILLS } from '../../functions/src/domain/responders.ts';
import { distanceMeters } from '../../functions/src/geo/datum.ts';
import type { Api } from '../support/stack.ts';
import { OFFERS, OFFERS_IN_FLIGHT, PICK_SAMPLE_EVERY, POLL_MS, REQUESTER, SEPARATION_M } from './assist-config.ts';
import { tallyKey, type BruteRounds, type Tally } from './assist-brute.ts';
import type { NearestQuery } from './assist-nearest.ts';
import type { Filed } from './assist-reports.ts';
import type { RandomCity, Rnd, Skill } from './assist-seed.ts';
import { round, sleep } from './assist-util.ts';

export interface Asked {
  i: number;
  reportId: string;
  place: { lat: number; lng: number };
  skills: Skill[];
  n: number;
  radiusM: number;
  assistId: string;
  createdAt: string;
  round: number;
  state: string;
  offered: string[];
  queryRanked: string[];
}
/** per offer (its index): the 201's time, the inbox items still missing, when the last one appeared */
export type InboxAt = Map<number, { from: number; left: number; last: number }>;

interface Deps {
  api: Api;
  reports: Filed;
  city: RandomCity;
  rnd: Rnd;
  nearestQuery: NearestQuery;
  bruteRounds: BruteRounds;
  cap: number;
  /** what the bench offered so far: the offer loop adds to it, the nearest query reads it */
  tally: Tally;
}

/**
 * Makes the offers. Returns when the last is made; the inbox poller is still watching then
 * (`poller` resolves once every inbox item has appeared).
 */
export async function runOffers({ api, reports, city, rnd, nearestQuery, bruteRounds, cap, tally }: Deps) {
  const { getInboxItem } = await import('../../functions/src/store/inbox.ts');
  const { perRound } = await import('../../functions/src/flows/assists.ts');
  const { pickOf } = city;

  interface Watch {
    assist: number;
    ref: { userId: string; at: string; id: string };
  }
  const pending: Watch[] = [];
  const inboxAt: InboxAt = new Map();
  let offering = true;
  const poller = (async () => {
    while (offering || pending.length) {
      const batch = pending.splice(0, pending.length);
      const found = await Promise.all(batch.map((w) => getInboxItem(w.ref)));
      const now = performance.now();
      batch.forEach((w, k) => {
        if (!found[k]) return void pending.push(w);
        const a = inboxAt.get(w.assist)!;
        a.left--;
        a.last = Math.max(a.last, now);
      });
      await sleep(POLL_MS);
    }
  })();

  const asked: Asked[] = [];
  const nearestMs: number[] = [];
  const parts = { near: [] as number[], rank: [] as number[], profiles: [] as number[], caps: [] as number[], pick: [] as number[] };
  const requestMs: number[] = [];
  const bruteMs: number[] = [];
  const asks = reports.map((report, i) => {
    const u = rnd();
    const skills: Skill[] = u < 0.5 ? [] : u < 0.9 ? [pickOf(SKILLS)] : [...new Set([pickOf(SKILLS), pickOf(SKILLS)])];
    const count = pickOf([1, 1, 1, 1, 1, 1, 2, 5]);
    return { i, report: report!, place: { lat: report!.location.lat, lng: report!.location.lng }, skills, count, n: perRound(count), radiusM: ASSIST_DEFAULTS.radiusM };
  });
  // Offers side by side only when far apart: no responder can be a candidate of two at once, so the
  // caps each one meets are those the offers before it left (and a race at a cap cannot happen).
  const queue = [...asks];
  const inFlight = new Map<number, { lat: number; lng: number }>();
  let waiters: (() => void)[] = [];
  const takeNext = async () => {
    for (;;) {
      if (!queue.length) return null;
      const k = queue.findIndex((a) => [...inFlight.values()].every((p) => distanceMeters(p, a.place) >= SEPARATION_M));
      if (k >= 0) {
        const [a] = queue.splice(k, 1);
        inFlight.set(a!.i, a!.place);
        return a!;
      }
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  let done = 0;
  const tOffers = performance.now();
  await Promise.all(
    Array.from({ length: OFFERS_IN_FLIGHT }, async () => {
      for (let a = await takeNext(); a; a = await takeNext()) {
        const full = a.i % PICK_SAMPLE_EVERY === 0;
        const q = await nearestQuery(a.place, a.report.id, a.skills, a.radiusM, a.n, new Date(), full);
        nearestMs.push(q.t.near + q.t.rank);
        parts.near.push(q.t.near);
        parts.rank.push(q.t.rank);
        if (full) {
          parts.profiles.push(q.t.profiles);
          parts.caps.push(q.t.caps);
          parts.pick.push(q.t.near + q.t.profiles + q.t.caps + q.t.rank);
        }

        const t = performance.now();
        const res = await api.post(`/v1/reports/${a.report.id}/assists`, { need: `现场需要协助 #${a.i}`, ...(a.skills.length ? { skills: a.skills } : {}), count: a.count }, REQUESTER);
        const returned = performance.now();
        requestMs.push(returned - t);
        if (res.status !== 201) throw new Error(`POST /v1/reports/${a.report.id}/assists: ${res.status} ${res.text}`);
        const assist = res.json as { id: string; createdAt: string; round: number; state: string; offers: { volunteerId: string }[] };
        const offered = assist.offers.map((o) => o.volunteerId);
        if (offered.length) {
          const inboxId = `${assist.id}.requested.${assist.round}`;
          inboxAt.set(a.i, { from: returned, left: offered.length, last: 0 });
          for (const userId of offered) pending.push({ assist: a.i, ref: { userId, at: assist.createdAt, id: inboxId } });
        }
        // the baseline, timed here on the same question (checked against the store's history at the end)
        const b0 = performance.now();
        bruteRounds(a.place, a.skills, a.radiusM, a.n, cap, tally, Date.parse(assist.createdAt));
        bruteMs.push(performance.now() - b0);

        const day = chinaDay(assist.createdAt);
        for (const id of offered) tally.set(tallyKey(day, id), (tally.get(tallyKey(day, id)) ?? 0) + 1);
        asked.push({ i: a.i, reportId: a.report.id, place: a.place, skills: a.skills, n: a.n, radiusM: a.radiusM, assistId: assist.id, createdAt: assist.createdAt, round: assist.round, state: assist.state, offered, queryRanked: q.ranked.map((x) => x.userId) });
        inFlight.delete(a.i);
        const w = waiters;
        waiters = [];
        w.forEach((r) => r());
        if (++done % 100 === 0) console.error(`  ${done}/${OFFERS} offers, ${round((performance.now() - tOffers) / 1000)} s`);
      }
    }),
  );
  offering = false;
  const offersMs = performance.now() - tOffers;
  return { asked, nearestMs, parts, requestMs, bruteMs, inboxAt, offersMs, poller };
}
export type Offers = Awaited<ReturnType<typeof runOffers>>;
