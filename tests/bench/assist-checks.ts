/**
 * The end checks of `npm run bench:assist` (tests/bench/assist.ts), read from the store once the
 * offers are made, the widening run has stopped and the stream is drained.
 *
 * Checked for every offer, at the end, from the store: the responders offered (the 201's and the
 * stored offers of that round) are exactly the brute-force set (tests/bench/assist-brute.ts) at the
 * assist's own time, with the caps the store's offer history gives (every offer of every assist
 * made before it that China day — a widening run's included, if one ran); the bench's own nearest
 * query gave the same set. Then: the store's daily counters equal that history, every responder
 * offered has exactly their offers in the inbox, and 300 never offered have nothing. The local
 * widening run (every minute) widens the offers nobody accepts after 3 minutes, as in the cloud:
 * its offers count in the caps and the checks.
 */
import { chinaDay } from '../../functions/src/domain/kpi.ts';
import { tallyKey, type BruteRounds, type Tally } from './assist-brute.ts';
import type { Asked, InboxAt } from './assist-offers.ts';
import type { Seeded } from './assist-seed.ts';
import { pool } from './assist-util.ts';

interface Inputs {
  asked: readonly Asked[];
  seeded: readonly Seeded[];
  byId: ReadonlyMap<string, Seeded>;
  inboxAt: InboxAt;
  bruteRounds: BruteRounds;
  cap: number;
}

/** Every check; the store's modules are imported here, once the stack has started. */
export async function checkOffers({ asked, seeded, byId, inboxAt, bruteRounds, cap }: Inputs) {
  const { getAssist, offersToday } = await import('../../functions/src/store/assists.ts');
  const { listInbox } = await import('../../functions/src/store/inbox.ts');

  // ── the check: every offer against the brute force, with the caps the store's history gives ──
  // Every offer of every assist (a widening run, if one ran, included) as stored; the caps an
  // assist met are the offers made before it that day.
  const stored = await Promise.all(asked.map((a) => getAssist(a.assistId)));
  const history = stored.flatMap((s) => s!.offers.map((o) => ({ userId: o.userId, at: o.offeredAt, assistId: o.assistId, round: o.round })));
  history.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  const byTime = [...asked].sort((x, y) => (x.createdAt < y.createdAt ? -1 : x.createdAt > y.createdAt ? 1 : 0));
  const seen: Tally = new Map();
  const mismatches: string[] = [];
  let queryMismatches = 0;
  let cappedSets = 0;
  let h = 0;
  const same = (xs: readonly string[], ys: readonly string[]) => xs.length === ys.length && [...xs].sort().join() === [...ys].sort().join();
  for (const a of byTime) {
    for (; h < history.length && history[h]!.at < a.createdAt; h++) {
      const k = tallyKey(chinaDay(history[h]!.at), history[h]!.userId);
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    const nowMs = Date.parse(a.createdAt);
    const expect = bruteRounds(a.place, a.skills, a.radiusM, a.n, cap, seen, nowMs);
    const want = expect.picked.map((x) => x.userId);
    const storedFirst = stored[asked.indexOf(a)]!.offers.filter((o) => o.round === a.round).map((o) => o.userId);
    if (!same(a.offered, want) || !same(storedFirst, a.offered) || (want.length > 0 && a.round !== expect.round)) {
      mismatches.push(`${a.assistId} (report ${a.reportId}, skills [${a.skills}], n ${a.n}): offered [${a.offered}] round ${a.round}, brute force [${want}] round ${expect.round}`);
    }
    if (!same(a.queryRanked, want)) queryMismatches++;
    if (bruteRounds(a.place, a.skills, a.radiusM, a.n, Number.POSITIVE_INFINITY, seen, nowMs).picked.map((x) => x.userId).join() !== want.join()) cappedSets++;
  }
  const widenedOffers = history.filter((o) => o.round > asked.find((a) => a.assistId === o.assistId)!.round).length;

  // ── end checks: the store's counters, the inboxes ──────────────────────────────────────────
  const problems: string[] = [];
  const offersOfUser = new Map<string, string[]>();
  for (const o of history) {
    const first = asked.find((a) => a.assistId === o.assistId)!.round === o.round;
    const inboxId = `${o.assistId}.${first ? 'requested' : 'widened'}.${o.round}`;
    offersOfUser.set(o.userId, [...(offersOfUser.get(o.userId) ?? []), inboxId]);
  }
  const days = new Set(history.map((o) => chinaDay(o.at)));
  for (const day of days) {
    const counters = await offersToday([...offersOfUser.keys()], day);
    for (const id of offersOfUser.keys()) {
      const want = history.filter((o) => o.userId === id && chinaDay(o.at) === day).length;
      if ((counters.get(id) ?? 0) !== want) problems.push(`${id}: the store counts ${counters.get(id) ?? 0} offers on ${day}, ${want} were made`);
    }
  }
  const maxOffers = Math.max(0, ...[...seen.values()]);
  await pool([...offersOfUser], 8, async ([userId, ids]) => {
    const items = (await listInbox(userId, 100)).items.filter((x) => x.kind === 'assist.offer');
    if (items.length !== ids.length || !ids.every((id) => items.some((x) => x.id === id))) problems.push(`${userId}: ${items.length} offer items in the inbox, ${ids.length} offers`);
  });
  const never = seeded.filter((s) => !offersOfUser.has(s.userId));
  const sampleSize = Math.min(300, never.length);
  const sample = Array.from({ length: sampleSize }, (_, k) => never[Math.floor((k * never.length) / sampleSize)]!);
  await pool(sample, 8, async (s) => {
    const items = (await listInbox(s.userId, 10)).items;
    if (items.length) problems.push(`${s.userId} (${s.role}) was never offered but has ${items.length} inbox items`);
  });
  const decoysOffered = [...offersOfUser.keys()].filter((id) => byId.get(id)?.role !== 'on_duty');
  if (decoysOffered.length) problems.push(`decoys offered: ${decoysOffered.join(', ')}`);
  const lateInbox = [...inboxAt.values()].filter((a) => a.left > 0).length;
  if (lateInbox) problems.push(`${lateInbox} assists whose inbox items never all appeared`);
  return { mismatches, queryMismatches, cappedSets, widenedOffers, maxOffers, problems };
}
export type Checks = Awaited<ReturnType<typeof checkOffers>>;
