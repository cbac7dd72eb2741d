/**
 * The report of `npm run bench:assist` (tests/bench/assist.ts): the figures, one line each, the
 * first mismatches and problems, and last one JSON object.
 */
import { DECOYS, OFFERS, OFFERS_IN_FLIGHT, PICK_SAMPLE_EVERY, POLL_MS, REFRESH_MIN, REQUESTER, SEPARATION_M, VOLUNTEERS } from './assist-config.ts';
import type { Checks } from './assist-checks.ts';
import type { Offers } from './assist-offers.ts';
import { pct, round, stats } from './assist-util.ts';

interface Figures {
  /** performance.now() when the run began */
  t0: number;
  seededCount: number;
  seedMs: number;
  reportsMs: number;
  createMs: readonly number[];
  offers: Offers;
  /** per offer: 201 -> every offered responder's inbox item present, ms */
  toInbox: readonly number[];
  cap: number;
  checks: Checks;
  refreshes: number;
  oldestPositionMin: number;
}

/** Prints the report; true when every offer was the brute force's */
export function printSummary({ t0, seededCount, seedMs, reportsMs, createMs, offers, toInbox, cap, checks, refreshes, oldestPositionMin }: Figures): boolean {
  const { asked, nearestMs, parts, requestMs, bruteMs, offersMs } = offers;
  const { mismatches, queryMismatches, cappedSets, widenedOffers, maxOffers, problems } = checks;
  const offeredTotal = asked.reduce((k, a) => k + a.offered.length, 0);
  const unanswered = asked.filter((a) => a.state === 'unanswered').length;
  const widened = asked.filter((a) => a.offered.length && a.round > 1).length;

  const identical = mismatches.length === 0;
  const near = stats(nearestMs);
  const pick = stats(parts.pick);
  const bf = stats(bruteMs, 2);
  const inbox = stats(toInbox, 0);
  const req = stats(requestMs);
  const ratio = round(near.p99 / Math.max(0.001, bf.p99), 1);
  const totalS = round((performance.now() - t0) / 1000);
  console.log(
    `offers: ${OFFERS} assists by ${REQUESTER} over HTTP, ${OFFERS_IN_FLIGHT} in flight (only ≥ ${SEPARATION_M} m apart), in ${round(offersMs / 1000)} s; ${offeredTotal} responders offered (${unanswered} unanswered, ${widened} widened to 1 km at once, ${widenedOffers} offers by a widening run); daily cap ${cap}: it changed ${cappedSets} offer sets, most offers to one responder ${maxOffers}`,
  );
  console.log(`nearest (respondersNear — one Query per geohash-6 cell the radius meets, audited — + nearestResponders): p50 ${near.p50} ms, p99 ${near.p99} ms (cells ${stats(parts.near).p99} ms p99, ranking ${stats(parts.rank, 2).p99} ms p99)`);
  console.log(
    `the whole pick as the flow makes it (every ${PICK_SAMPLE_EVERY}th offer, ${parts.pick.length}×: + getUsers of the nearest few ${stats(parts.profiles).p50}/${stats(parts.profiles).p99} ms, + responderSettings/offersToday ${stats(parts.caps).p50}/${stats(parts.caps).p99} ms p50/p99): p50 ${pick.p50} ms, p99 ${pick.p99} ms`,
  );
  console.log(`POST /v1/reports/{id}/assists (the pick + one transaction): p50 ${req.p50} ms, p99 ${req.p99} ms`);
  console.log(`offer -> inbox (201 -> every offered responder's inbox item present; stream window ${process.env.STREAM_BATCH_WINDOW_MS} ms, pump poll 50 ms, polled every ${POLL_MS} ms): p50 ${inbox.p50} ms, p99 ${inbox.p99} ms`);
  console.log(`baseline: brute force over all ${seededCount} positions in memory: p50 ${bf.p50} ms, p99 ${bf.p99} ms; nearest p99 / brute-force p99 = x${ratio}`);
  console.log(
    `identical to brute force: ${identical ? 'yes' : 'NO'} (${mismatches.length} of ${asked.length} differ; the timing replay differs ${queryMismatches} times, where a widening run offered between it and the request); end checks: ${problems.length ? problems.length + ' problems' : 'the store counts the offers made, every responder offered has exactly their offers in the inbox, none of 300 never offered has any'}; positions refreshed ${refreshes}× (every ${REFRESH_MIN} min), the oldest live position ${round(oldestPositionMin, 1)} min old at the end`,
  );
  for (const m of mismatches.slice(0, 10)) console.log(`  mismatch: ${m}`);
  for (const p of problems.slice(0, 10)) console.log(`  problem: ${p}`);
  console.log(
    JSON.stringify({
      bench: 'assist',
      volunteers: VOLUNTEERS,
      decoys: DECOYS,
      offers: asked.length,
      offersInFlight: OFFERS_IN_FLIGHT,
      responderOffers: offeredTotal,
      unanswered,
      widened,
      offersPerDayCap: cap,
      cappedSets,
      nearestP50Ms: near.p50,
      nearestP99Ms: near.p99,
      pickP50Ms: pick.p50,
      pickP99Ms: pick.p99,
      requestP50Ms: req.p50,
      requestP99Ms: req.p99,
      offerToInboxP50Ms: inbox.p50,
      offerToInboxP99Ms: inbox.p99,
      streamBatchWindowMs: Number(process.env.STREAM_BATCH_WINDOW_MS),
      baselineBruteP50Ms: bf.p50,
      baselineBruteP99Ms: bf.p99,
      ratioNearestP99VsBrute: ratio,
      identical,
      mismatches: mismatches.length,
      queryMismatches,
      endProblems: problems.length,
      seedS: round(seedMs / 1000, 1),
      reportsS: round(reportsMs / 1000, 1),
      reportCreateP50Ms: round(pct(createMs, 0.5)),
      reportCreateP99Ms: round(pct(createMs, 0.99)),
      offersS: round(offersMs / 1000, 1),
      positionRefreshes: refreshes,
      totalS,
    }),
  );
  return identical;
}
