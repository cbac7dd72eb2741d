/**
 * Seeding for `npm run bench:assist` (tests/bench/assist.ts): the city, the responders, their
 * positions kept fresh.
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
 * The store's modules read the environment when first imported: they are imported here only once
 * the stack has started (seedResponders), never at the top.
 */
import type { Stack } from '../../functions/local/stack.ts';
import { POSITION_TTL_MS, SKILLS, RESPONDER_KINDS } from '../../functions/src/domain/responders.ts';
import { demoCity, demoCityBounds } from '../../functions/src/geo/demo-city.ts';
import { buildGridIndex } from '../../functions/src/geo/spatial-index.ts';
import { DECOYS, REFRESH_MIN, SEED_IN_FLIGHT, VOLUNTEERS } from './assist-config.ts';
import { pool, round, sleep } from './assist-util.ts';

export type Skill = (typeof SKILLS)[number];
export type ResponderKind = (typeof RESPONDER_KINDS)[number];
export type Rnd = () => number;

/** mulberry32: a small seeded PRNG, so every run seeds the same city. */
export function prng(seed: number): Rnd {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The city: uniform points inside its grids, and random picks, all from the one seeded `rnd`. */
export function randomCity(rnd: Rnd) {
  const pickOf = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
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
  return { pickOf, communityOf, index, pointInCity, someSkills };
}
export type RandomCity = ReturnType<typeof randomCity>;

export interface Seeded {
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

/** Seeds the responders and decoys through the store's functions; logs the seeding line and drains the stream. */
export async function seedResponders(stack: Stack, city: RandomCity, rnd: Rnd) {
  const { putUser } = await import('../../functions/src/store/users.ts');
  const { doc } = await import('../../functions/src/store/clients.ts');
  const { BatchWriteCommand, TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const { volunteerPut, putPosition } = await import('../../functions/src/store/responders.ts');
  const { pickOf, communityOf, pointInCity, someSkills } = city;

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
  return { seeded, seedMs, itemsOf, batchWrite };
}

/**
 * A phone on duty sends its fix at least every 30 s; the bench, every REFRESH_MIN minutes, sends
 * each live one again from the same place (putPosition with the previous, items written as
 * above), so no position of the 10,000 ages past its 15 minutes however long the run takes. The
 * expired decoys stay expired. Liveness never changes for the brute force: every live position
 * is under 15 minutes old before and after its refresh.
 */
export async function refreshPositions({ seeded, itemsOf, batchWrite }: Awaited<ReturnType<typeof seedResponders>>) {
  const { putPosition, cellOf } = await import('../../functions/src/store/responders.ts');
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
  return {
    /** how many refreshes have run */
    count: () => refreshes,
    /** no more refreshes; resolves when the one under way, if any, is over */
    stop: async () => {
      clearInterval(refresher);
      await refreshing;
    },
  };
}
