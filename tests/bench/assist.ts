/**
 * `npm run bench:assist`: the nearest-responder assist offer (issue 16) at city density. On the
 * local stack (DynamoDB Local, the stream pump, the notifier — the same handlers the cloud runs):
 *
 * Seed: VOLUNTEERS (10,000) community responders on duty across the demo city, as the store's own
 * functions build them — store/users putUser with store/responders volunteerPut in its
 * transaction (the user record: role volunteer, on duty, areaIds []; an approved standing with the
 * community of their grid) and store/responders putPosition (the pointer and the geohash-6 cell
 * item) at a uniformly random point inside the city's grids, with 1–3 random skills. The items are
 * taken from the transactions those functions hand the client and written with BatchWriteItem (a
 * fresh table: their conditions would all hold). Plus DECOYS never to be offered: half with a
 * position 16 min old, half off duty with their cell item left behind. A seeded PRNG (SEED) places
 * the same people every run. Every REFRESH_MIN minutes each live position is sent again from the
 * same place (putPosition with the previous), as a phone on duty would, so none expires mid-run.
 *
 * Reports: OFFERS (1,000) reports filed over HTTP (POST /v1/reports as a resident, REPORTS_IN_FLIGHT
 * side by side) at random places in the city — 90 % uniform over the grids, 10 % within 30 m of
 * four hotspots, so the same responders are asked again and again and the daily offer cap
 * (flows/responder-settings offersPerDay, default 10, kept as configured) comes into play.
 *
 * Offers by the district dispatcher over HTTP (POST /v1/reports/{id}/assists: need, skills — none,
 * one or two — count 1 mostly, sometimes 2 or 5), OFFERS_IN_FLIGHT side by side but only ≥ 2.1 km
 * apart (no responder is a candidate of two at once, so each meets the caps the offers before it
 * left, and no two race for a cap):
 *   nearest: just before each request, the flow's pick (flows/assists pick) is replayed with the
 *     functions it calls: respondersNear (the audited Query per cell; read as a 'bench' reader, so
 *     the audit trail says who read) and nearestResponders, over the rounds the flow runs (500 m,
 *     then 1 km while nobody); on duty and today's caps as the bench wrote and offered them.
 *     nearestMs = respondersNear + ranking. Every PICK_SAMPLE_EVERY-th offer also makes the pick's
 *     other reads (getUsers and offersToday of the nearest max(2n, 8), responderSettings): pickMs.
 *   offer → inbox: from the request's 201 to every offered responder's inbox item
 *     (`${assistId}.requested.${round}`, written by the stream notifier from the step's outbox row)
 *     being present — store/inbox getInboxItem, polled every POLL_MS by one background poller, so
 *     the next offer does not wait for the last one's inbox. The stream batching window is the
 *     deployed one (1 s, events/consumers; STREAM_BATCH_WINDOW_MS overrides); the pump polls every
 *     50 ms.
 *
 * Baseline in the same run: brute force over every seeded position held in memory (live, on duty,
 * every skill, under today's cap, within the radius — the distance rounded to metres as the domain
 * rounds it, ties by id), over the same rounds, timed on each offer. Checked for every offer, at
 * the end, from the store: the responders offered (the 201's and the stored offers of that round)
 * are exactly the brute-force set at the assist's own time, with the caps the store's offer
 * history gives (every offer of every assist made before it that China day — a widening run's
 * included, if one ran); the bench's own nearest query gave the same set. Then: the store's daily
 * counters equal that history, every responder offered has exactly their offers in the inbox, and
 * 300 never offered have nothing. The local widening run (every minute) widens the offers nobody
 * accepts after 3 minutes, as in the cloud: its offers count in the caps and the checks. Exits non-zero if any check fails. Last line: one JSON object.
 *
 * Cost: the flow's pick reads the profile and today's counter of every responder in the cells
 * (thousands at this density), so each offer takes seconds here; 1,000 offers run well past ten
 * minutes on a 2-core machine. OFFERS=300 gives the figures in about ten.
 */
import { startStack } from '../../functions/local/stack.ts';
import { PUSH_QUEUE, streamConsumer } from '../../functions/src/events/consumers.ts';
import { Api } from '../support/stack.ts';

const VOLUNTEERS = Number(process.env.VOLUNTEERS ?? 10_000);
const DECOYS = Number(process.env.DECOYS ?? 200);
const OFFERS = Number(process.env.OFFERS ?? 1_000);
const SEED = Number(process.env.SEED ?? 16_016);
const SEED_IN_FLIGHT = Number(process.env.SEED_IN_FLIGHT ?? 4);
const REPORTS_IN_FLIGHT = Number(process.env.REPORTS_IN_FLIGHT ?? 4);
const POLL_MS = Number(process.env.POLL_MS ?? 20);
const OFFERS_IN_FLIGHT = Math.max(1, Number(process.env.OFFERS_IN_FLIGHT ?? 2));
/** offers side by side at least this far apart: twice the widest round (1 km) and a margin */
const SEPARATION_M = 2_100;
const REFRESH_MIN = Number(process.env.REFRESH_MIN ?? 6);
const PICK_SAMPLE_EVERY = Number(process.env.PICK_SAMPLE_EVERY ?? 20);
const HOTSPOT_SHARE = 0.1;
const HOTSPOTS = 4;
const RESIDENT = 'u-res-zhang';
const REQUESTER = 'u-dp-nanshan';
const BENCH_READER = { id: 'bench', role: 'system' };
const CATEGORIES = ['ebike_charging', 'fire_exit_blocked', 'fire_equipment', 'unsafe_wiring', 'public_security', 'dispute', 'other'];

process.env.STREAM_BATCH_WINDOW_MS ??= String(streamConsumer('events-stream').maxBatchingWindowSeconds * 1000);
process.env.PUSH_BATCH_WINDOW_MS ??= String(PUSH_QUEUE.maxBatchingWindowSeconds * 1000);

const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
const pct = (xs: readonly number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.max(0, Math.ceil(xs.length * p) - 1))] ?? 0;
const stats = (xs: readonly number[], d = 1) => ({ p50: round(pct(xs, 0.5), d), p99: round(pct(xs, 0.99), d), max: round(Math.max(0, ...xs), d) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** mulberry32: a small seeded PRNG, so every run seeds the same city. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Runs `fn` over `items`, `inFlight` at a time. */
async function pool<T>(items: readonly T[], inFlight: number, fn: (x: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i]!, i);
    }),
  );
}

async function main() {
  const t0 = performance.now();
  const stack = await startStack({ port: 0, tableName: `bench-assist-${Date.now()}`, streamIntervalMs: 50 });
  const { putUser, getUsers } = await import('../../functions/src/store/users.ts');
  const { doc } = await import('../../functions/src/store/clients.ts');
  const { BatchWriteCommand, TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const { getAssist } = await import('../../functions/src/store/assists.ts');
  const { volunteerPut, putPosition, cellOf } = await import('../../functions/src/store/responders.ts');
  const { offersToday } = await import('../../functions/src/store/assists.ts');
  const { getInboxItem, listInbox } = await import('../../functions/src/store/inbox.ts');
  const { getReportRecord } = await import('../../functions/src/store/reports.ts');
  const { respondersNear } = await import('../../functions/src/flows/positions.ts');
  const { responderSettings } = await import('../../functions/src/flows/responder-settings.ts');
  const { perRound } = await import('../../functions/src/flows/assists.ts');
  const { nearestResponders, roundRadius, ASSIST_DEFAULTS, OFFER_ROUNDS, POSITION_TTL_MS, SKILLS, RESPONDER_KINDS } = await import('../../functions/src/domain/responders.ts');
  const { chinaDay } = await import('../../functions/src/domain/kpi.ts');
  const { demoCity, demoCityBounds } = await import('../../functions/src/geo/demo-city.ts');
  const { buildGridIndex } = await import('../../functions/src/geo/spatial-index.ts');
  const { distanceMeters, fromWgs84 } = await import('../../functions/src/geo/datum.ts');
  type Skill = (typeof SKILLS)[number];
  type ResponderKind = (typeof RESPONDER_KINDS)[number];
  type Nearby = Parameters<typeof nearestResponders>[1][number];
  const api = new Api(stack.url);
  const rnd = prng(SEED);
  const pickOf = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;

  // ── the city: uniform points inside its grids ──────────────────────────────────────────────
  const city = demoCity();
  const grids = city.areas.filter((a) => a.level === 'grid');
  const communityOf = new Map(grids.map((g) => [g.id, g.parentId!]));
  const index = buildGridIndex(grids);
  const box = demoCityBounds();
  const pointInCity = (): { lat: number; lng: number; gridId: string } => {
    for (;;) {
      const p = { lat: round(box.minLat + rnd() * (box.maxLat - box.minLat), 7), lng: round(box.minLng + rnd() * (box.maxLng - box.minLng), 7) };
      const gridId = index.locate(p);
      if (gridId) return { ...p, gridId };
    }
  };
  const someSkills = (): Skill[] => {
    const k = 1 + Math.floor(rnd() * 3);
    const out = new Set<Skill>();
    while (out.size < k) out.add(pickOf(SKILLS));
    return [...out];
  };

  // ── seed the responders through the store's functions ──────────────────────────────────────
  interface Seeded {
    userId: string;
    name: string;
    kind: ResponderKind;
    skills: Skill[];
    lat: number;
    lng: number;
    at: string;
    atMs: number;
    onDuty: boolean;
    role: 'on_duty' | 'expired' | 'off_duty';
  }
  const plan: (Omit<Seeded, 'at' | 'atMs'> & { gridId: string; accuracy: number })[] = [];
  for (let i = 0; i < VOLUNTEERS + DECOYS; i++) {
    const p = pointInCity();
    const role = i < VOLUNTEERS ? 'on_duty' : (i - VOLUNTEERS) % 2 === 0 ? 'expired' : 'off_duty';
    const kind = pickOf(RESPONDER_KINDS);
    const skills = someSkills();
    plan.push({ userId: `u-bv-${String(i).padStart(5, '0')}`, name: `志愿者${i}`, kind, skills, lat: p.lat, lng: p.lng, gridId: p.gridId, accuracy: 10 + Math.round(rnd() * 20), onDuty: role !== 'off_duty', role });
  }
  /**
   * The items the store's own functions write, taken from the transaction they hand the client
   * (the call reaches doc.send synchronously, so nothing else runs while the client is swapped),
   * then written with BatchWriteItem: a fresh table, so the conditions (attribute_not_exists)
   * would all hold.
   */
  async function itemsOf(call: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    const send = doc.send;
    (doc as { send: unknown }).send = (cmd: unknown) => {
      if (!(cmd instanceof TransactWriteCommand)) throw new Error('seeding: the store sent something else than one transaction');
      for (const t of cmd.input.TransactItems ?? []) {
        if (!t.Put?.Item) throw new Error('seeding: a transaction item that is not a Put');
        items.push(t.Put.Item as Record<string, unknown>);
      }
      return Promise.resolve({});
    };
    let done: Promise<unknown>;
    try {
      done = call();
    } finally {
      (doc as { send: unknown }).send = send;
    }
    if (!items.length) throw new Error('seeding: the store wrote nothing synchronously');
    await done;
    return items;
  }
  const seeded: Seeded[] = [];
  const toWrite: Record<string, unknown>[] = [];
  const tSeed = performance.now();
  for (const { gridId, accuracy, ...v } of plan) {
    const created = new Date().toISOString();
    toWrite.push(
      ...(await itemsOf(() =>
        putUser(
          { id: v.userId, role: 'volunteer', name: v.name, areaIds: [], active: true, duty: v.onDuty ? 'on_duty' : 'off_duty', openid: `o-${v.userId}`, phone: null, consentVersion: '2026-11', createdAt: created },
          [
            volunteerPut(
              { userId: v.userId, communityId: communityOf.get(gridId)!, kind: v.kind, skills: v.skills, name: v.name, note: null, leaderboard: false, status: 'approved', appliedAt: created, decidedAt: created, decidedBy: 'u-admin', reason: null, version: 1 },
              null,
            ),
          ],
        ),
      )),
    );
    // an expired position: sent 16 minutes ago (the reader checks the time; TTL deletes it some day)
    const at = v.role === 'expired' ? new Date(Date.now() - POSITION_TTL_MS - 60_000).toISOString() : created;
    toWrite.push(...(await itemsOf(() => putPosition({ userId: v.userId, name: v.name, kind: v.kind, skills: v.skills }, { lat: v.lat, lng: v.lng, accuracy, at }, null))));
    seeded.push({ ...v, at, atMs: Date.parse(at) });
  }
  async function batchWrite(all: Record<string, unknown>[], inFlight: number) {
    const chunks = Array.from({ length: Math.ceil(all.length / 25) }, (_, k) => all.slice(k * 25, k * 25 + 25));
    await pool(chunks, inFlight, async (chunk) => {
      let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = { [stack.tableName]: chunk.map((Item) => ({ PutRequest: { Item } })) };
      for (let attempt = 0; request && Object.keys(request).length; attempt++) {
        if (attempt > 0) await sleep(Math.min(500, 20 * 2 ** attempt));
        const out = await doc.send(new BatchWriteCommand({ RequestItems: request }));
        request = out.UnprocessedItems as typeof request;
      }
    });
  }
  await batchWrite(toWrite, SEED_IN_FLIGHT);
  const seedMs = performance.now() - tSeed;
  console.log(
    `seeded ${VOLUNTEERS} responders on duty + ${DECOYS} decoys (half with a position 16 min old, half off duty with a cell item left) in ${round(seedMs / 1000, 1)} s: ${toWrite.length} items as putUser + volunteerPut and putPosition build them, BatchWriteItem ${SEED_IN_FLIGHT} in flight`,
  );
  await stack.drainStream();

  /**
   * A phone on duty sends its fix at least every 30 s; the bench, every REFRESH_MIN minutes, sends
   * each live one again from the same place (putPosition with the previous, items written as
   * above), so no position of the 10,000 ages past its 15 minutes however long the run takes. The
   * expired decoys stay expired. Liveness never changes for the brute force: every live position
   * is under 15 minutes old before and after its refresh.
   */
  let refreshing: Promise<void> = Promise.resolve();
  let refreshes = 0;
  const refresher = setInterval(() => {
    refreshing = refreshing.then(async () => {
      const items: Record<string, unknown>[] = [];
      const fresh: [Seeded, string][] = [];
      for (const v of seeded) {
        if (v.role === 'expired') continue;
        const at = new Date().toISOString();
        const previous = { lat: v.lat, lng: v.lng, accuracy: 10, at: v.at, cell: cellOf(v) };
        items.push(...(await itemsOf(() => putPosition({ userId: v.userId, name: v.name, kind: v.kind, skills: v.skills }, { lat: v.lat, lng: v.lng, accuracy: 10, at }, previous))));
        fresh.push([v, at]);
      }
      await batchWrite(items, 2);
      for (const [v, at] of fresh) Object.assign(v, { at, atMs: Date.parse(at) });
      refreshes++;
    });
  }, REFRESH_MIN * 60_000);

  // ── the reports ────────────────────────────────────────────────────────────────────────────
  const hotspots = Array.from({ length: HOTSPOTS }, () => pointInCity());
  const places = Array.from({ length: OFFERS }, () => {
    if (rnd() >= HOTSPOT_SHARE) return pointInCity();
    const h = pickOf(hotspots);
    for (;;) {
      const p = { lat: round(h.lat + (rnd() - 0.5) * 0.0005, 7), lng: round(h.lng + (rnd() - 0.5) * 0.0005, 7) };
      const gridId = index.locate(p);
      if (gridId) return { ...p, gridId };
    }
  });
  const reportIds: string[] = new Array(OFFERS);
  const createMs: number[] = [];
  const tReports = performance.now();
  await pool(places, REPORTS_IN_FLIGHT, async (p, i) => {
    const gcj = fromWgs84(p, 'gcj02');
    const t = performance.now();
    const r = await api.post('/v1/reports', { category: pickOf(CATEGORIES), description: `安全出口堵塞，需要协助 #${i}`, location: { lat: gcj.lat, lng: gcj.lng } }, RESIDENT);
    createMs.push(performance.now() - t);
    if (r.status !== 201) throw new Error(`POST /v1/reports: ${r.status} ${r.text}`);
    reportIds[i] = r.json.id as string;
  });
  const reportsMs = performance.now() - tReports;
  await stack.drainStream();
  const reports = await Promise.all(reportIds.map((id) => getReportRecord(id)));
  console.log(`filed ${OFFERS} reports over HTTP in ${round(reportsMs / 1000, 1)} s (${REPORTS_IN_FLIGHT} in flight): p50 ${round(pct(createMs, 0.5))} ms, p99 ${round(pct(createMs, 0.99))} ms`);

  // ── the brute force: every seeded position in memory ───────────────────────────────────────
  const byId = new Map(seeded.map((s) => [s.userId, s]));
  /** `${chinaDay}|${userId}` -> offers so far */
  type Tally = Map<string, number>;
  const tallyKey = (day: string, userId: string) => `${day}|${userId}`;
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

  // ── the nearest-N query, with the flow's own functions (flows/assists pick) ────────────────
  const cap = (await responderSettings()).offersPerDay;
  const tally: Tally = new Map();
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

  // ── the offers ─────────────────────────────────────────────────────────────────────────────
  interface Watch {
    assist: number;
    ref: { userId: string; at: string; id: string };
  }
  const pending: Watch[] = [];
  const inboxAt = new Map<number, { from: number; left: number; last: number }>();
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

  interface Asked {
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
  clearInterval(refresher);
  await refreshing;
  await poller;
  // the widening run stops here: the checks read the store's history, counters and inboxes at
  // one moment, not while another round is being offered
  await stack.stopSchedules();
  await stack.drainStream();
  const toInbox = [...inboxAt.values()].map((a) => a.last - a.from);
  const oldestPositionMin = (Date.now() - Math.min(...seeded.filter((v) => v.role !== 'expired').map((v) => v.atMs))) / 60_000;

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
  const offeredTotal = asked.reduce((k, a) => k + a.offered.length, 0);
  const unanswered = asked.filter((a) => a.state === 'unanswered').length;
  const widened = asked.filter((a) => a.offered.length && a.round > 1).length;
  await stack.stop();

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
  console.log(`baseline: brute force over all ${seeded.length} positions in memory: p50 ${bf.p50} ms, p99 ${bf.p99} ms; nearest p99 / brute-force p99 = x${ratio}`);
  console.log(
    `identical to brute force: ${identical ? 'yes' : 'NO'} (${mismatches.length} of ${asked.length} differ; the bench's own nearest query differs ${queryMismatches} times); end checks: ${problems.length ? problems.length + ' problems' : 'the store counts the offers made, every responder offered has exactly their offers in the inbox, none of 300 never offered has any'}; positions refreshed ${refreshes}× (every ${REFRESH_MIN} min), the oldest live position ${round(oldestPositionMin, 1)} min old at the end`,
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
  if (!identical || queryMismatches || problems.length) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
