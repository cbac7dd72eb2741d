/**
 * `npm run bench:routing`: point → grid lookups on a generated city of 20,000 grids (irregular
 * 10–40-vertex polygons, some with holes, some MultiPolygons) in 1,250 beats
 * (tests/support/synthetic-city.ts). Measured in one run, on one JS thread, over the same random
 * points (the city's box widened by 2 %, so some fall outside every grid):
 *   - production: functions/src/geo/spatial-index.ts, loaded the way a Lambda gets it — from the
 *     stored bytes (`serializeIndex` at import time, `loadIndex` on a cold start);
 *   - plain: Flatbush over bounding boxes + point-in-polygon on the GeoJSON coordinate arrays,
 *     the textbook approach (the baseline for ratioVsPlain);
 *   - naive: a loop over every polygon with a bounding-box check first (ratioVsNaive).
 * All three apply the same rule (closed polygons within EDGE_TOLERANCE_DEG, smallest id wins) and
 * the bench checks they give identical answers; it exits non-zero if they do not.
 * snapshotLoadMs: stored bytes in memory → ready index (first, cold load; reading the bytes from
 * S3 is not counted). heapMB: what the loaded index keeps alive, measured after a full GC as the
 * growth of heapUsed + arrayBuffers (the packed arrays live outside the V8 heap proper, so
 * heapUsed alone would flatter it).
 *
 * With buildings loaded: a register of BUILDINGS footprints (tests/bench/synthetic-buildings.ts)
 * is indexed (geo/places PlaceIndex) and held, then the grid lookups are timed again
 * (lookupsPerSecWithBuildings) and the building lookup locate does per request — the nearest
 * building within 30 m — is timed on the same points (buildingLookupsPerSec), against a naive
 * scan over every building's box (buildingRatioVsNaive); the two must agree.
 * Last line of stdout: one JSON object.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import Flatbush from 'flatbush';
import { syntheticCity } from '../support/synthetic-city.ts';
import { buildGridIndex, EDGE_TOLERANCE_DEG, loadIndex, serializeIndex } from '../../functions/src/geo/spatial-index.ts';
import type { GridIndex } from '../../functions/src/geo/spatial-index.ts';
import type { Area, AreaGeometry, LinearRing, Position } from '../../functions/src/geo/areas.ts';
import { footprintMeters, PlaceIndex, type Building } from '../../functions/src/geo/places.ts';
import { syntheticBuildings } from './synthetic-buildings.ts';

const GRIDS = Number(process.env.GRIDS ?? 20_000);
const BEATS = Number(process.env.BEATS ?? 1_250);
const SEED = Number(process.env.SEED ?? 20_240_601);
const POINTS = Number(process.env.POINTS ?? 1_000_000);
const NAIVE_POINTS = Number(process.env.NAIVE_POINTS ?? 20_000);
const ROUNDS = 3;
const BUILDINGS = Number(process.env.BUILDINGS ?? 200_000);
const BUILDING_METERS = 30;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
const mem = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

// ---- the two baselines, on the GeoJSON arrays ---------------------------------------------------

const EPS = EDGE_TOLERANCE_DEG;

function ringsOf(g: AreaGeometry): LinearRing[] {
  return g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
}

/** Closed-set even-odd test over GeoJSON rings (same rule as the production index). */
function containsGeo(rings: LinearRing[], x: number, y: number): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let k = 0; k + 1 < ring.length; k++) {
      const [xi, yi] = ring[k + 1] as Position;
      const [xj, yj] = ring[k] as Position;
      if (x >= Math.min(xi, xj) - EPS && x <= Math.max(xi, xj) + EPS && y >= Math.min(yi, yj) - EPS && y <= Math.max(yi, yj) + EPS) {
        const dx = xj - xi;
        const dy = yj - yi;
        const len2 = dx * dx + dy * dy;
        let t = len2 === 0 ? 0 : ((x - xi) * dx + (y - yi) * dy) / len2;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = xi + t * dx - x;
        const ey = yi + t * dy - y;
        if (ex * ex + ey * ey <= EPS * EPS) return true;
      }
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

interface Locator {
  locate(x: number, y: number): string | null;
}

/** Grids sorted by id, so "smallest id" is "smallest position", as in production. */
function sortedGeo(grids: Area[]): { ids: string[]; rings: LinearRing[][]; boxes: Float64Array } {
  const sorted = [...grids].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rings = sorted.map((g) => ringsOf(g.geometry as AreaGeometry));
  const boxes = new Float64Array(sorted.length * 4);
  rings.forEach((rs, k) => {
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const ring of rs) {
      for (const [x, y] of ring) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
    boxes.set([x0 - EPS, y0 - EPS, x1 + EPS, y1 + EPS], 4 * k);
  });
  return { ids: sorted.map((g) => g.id), rings, boxes };
}

function plainLocator(grids: Area[]): Locator {
  const { ids, rings, boxes } = sortedGeo(grids);
  const tree = new Flatbush(ids.length);
  for (let k = 0; k < ids.length; k++) tree.add(boxes[4 * k]!, boxes[4 * k + 1]!, boxes[4 * k + 2]!, boxes[4 * k + 3]!);
  tree.finish();
  return {
    locate(x, y) {
      let best = -1;
      for (const k of tree.search(x, y, x, y)) {
        if ((best === -1 || k < best) && containsGeo(rings[k]!, x, y)) best = k;
      }
      return best === -1 ? null : ids[best]!;
    },
  };
}

function naiveLocator(grids: Area[]): Locator {
  const { ids, rings, boxes } = sortedGeo(grids);
  const n = ids.length;
  return {
    locate(x, y) {
      for (let k = 0; k < n; k++) {
        if (x < boxes[4 * k]! || y < boxes[4 * k + 1]! || x > boxes[4 * k + 2]! || y > boxes[4 * k + 3]!) continue;
        if (containsGeo(rings[k]!, x, y)) return ids[k]!; // first hit = smallest id
      }
      return null;
    },
  };
}

// ---- timing -------------------------------------------------------------------------------------

type Kind = 'production' | 'plain' | 'naive';
interface Subjects {
  index: GridIndex;
  plain: Locator;
  naive: Locator;
}

/**
 * Time `count` lookups of one kind. One branch per kind inside the loop, so each call site sees
 * a single target (a shared `locate` callback would be megamorphic and penalise the fastest).
 */
function run(s: Subjects, kind: Kind, pts: Float64Array, count: number, out: (string | null)[] | null): number {
  const p = { lat: 0, lng: 0 };
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const x = pts[2 * i]!;
    const y = pts[2 * i + 1]!;
    let r: string | null;
    if (kind === 'production') {
      p.lng = x;
      p.lat = y;
      r = s.index.locate(p);
    } else if (kind === 'plain') r = s.plain.locate(x, y);
    else r = s.naive.locate(x, y);
    if (out !== null) out[i] = r;
  }
  return performance.now() - t0;
}

/** Best of ROUNDS (after a warm-up), in lookups per second. */
function rate(s: Subjects, kind: Kind, pts: Float64Array, count: number): number {
  run(s, kind, pts, Math.min(count, 50_000), null);
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) best = Math.min(best, run(s, kind, pts, count, null));
  return (count / best) * 1000;
}

function main(): void {
  let t = performance.now();
  const city = syntheticCity({ grids: GRIDS, beats: BEATS, seed: SEED });
  const grids = city.areas.filter((a) => a.level === 'grid');
  const vertices = grids.reduce((s, g) => s + ringsOf(g.geometry as AreaGeometry).reduce((r, ring) => r + ring.length - 1, 0), 0);
  const holed = grids.filter((g) => (g.geometry?.type === 'Polygon' ? g.geometry.coordinates.length > 1 : g.geometry?.coordinates.some((p) => p.length > 1))).length;
  const multi = grids.filter((g) => g.geometry?.type === 'MultiPolygon').length;
  console.log(`city: ${fmt(grids.length)} grids (${city.columns} × ${city.rows}), ${BEATS} beats, ${fmt(vertices)} vertices, ${holed} with holes, ${multi} MultiPolygons — generated in ${fmt(performance.now() - t)} ms`);

  // The stored form: built and serialised once per areas version, at import.
  t = performance.now();
  const built = buildGridIndex(grids);
  const buildMs = performance.now() - t;
  const stored = serializeIndex(built);
  console.log(`build from areas: ${fmt(buildMs)} ms; stored index: ${(stored.byteLength / 2 ** 20).toFixed(1)} MB`);

  // Cold load, and what the loaded index keeps alive.
  gc();
  gc();
  const before = mem();
  const heapBefore = process.memoryUsage().heapUsed;
  // As read from storage: a fresh copy, which the zero-copy index then keeps (and is charged for).
  const read = new Uint8Array(stored);
  t = performance.now();
  const index: GridIndex = loadIndex(read);
  const snapshotLoadMs = performance.now() - t;
  gc();
  gc();
  const heapMB = (mem() - before) / 2 ** 20;
  const heapOnlyMB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const warmLoads: number[] = [];
  for (let i = 0; i < 5; i++) {
    const copy = new Uint8Array(stored);
    const t1 = performance.now();
    loadIndex(copy);
    warmLoads.push(performance.now() - t1);
  }
  warmLoads.sort((a, b) => a - b);
  console.log(
    `snapshot load (stored bytes → ready index): ${snapshotLoadMs.toFixed(1)} ms cold, ${warmLoads[2]!.toFixed(1)} ms median warm; ` +
      `index memory ${heapMB.toFixed(1)} MB (heapUsed ${heapOnlyMB.toFixed(1)} MB + array buffers)`,
  );

  // Same points for everyone: uniform over the city's box widened by 2 %.
  const b = city.bounds;
  const w = b.maxLng - b.minLng;
  const h = b.maxLat - b.minLat;
  const pts = new Float64Array(POINTS * 2);
  let s = SEED % 2147483647 || 1;
  const rnd = (): number => (s = (s * 48271) % 2147483647) / 2147483647;
  for (let i = 0; i < POINTS; i++) {
    pts[2 * i] = b.minLng - 0.01 * w + rnd() * 1.02 * w;
    pts[2 * i + 1] = b.minLat - 0.01 * h + rnd() * 1.02 * h;
  }

  const subjects: Subjects = { index, plain: plainLocator(grids), naive: naiveLocator(grids) };

  // Identical answers first (also a warm-up).
  const a = new Array<string | null>(POINTS);
  const c = new Array<string | null>(POINTS);
  const d = new Array<string | null>(NAIVE_POINTS);
  run(subjects, 'production', pts, POINTS, a);
  run(subjects, 'plain', pts, POINTS, c);
  run(subjects, 'naive', pts, NAIVE_POINTS, d);
  let disagree = 0;
  let located = 0;
  for (let i = 0; i < POINTS; i++) {
    if (a[i] !== c[i] || (i < NAIVE_POINTS && a[i] !== d[i])) disagree++;
    if (a[i] !== null) located++;
  }
  console.log(`answers: ${fmt(POINTS)} points, ${((100 * located) / POINTS).toFixed(1)} % in a grid; production vs plain (all) and naive (first ${fmt(NAIVE_POINTS)}): ${disagree} disagreements`);

  const productionRate = rate(subjects, 'production', pts, POINTS);
  const plainRate = rate(subjects, 'plain', pts, POINTS);
  const naiveRate = rate(subjects, 'naive', pts, NAIVE_POINTS);
  console.log(`production index: ${fmt(productionRate)} lookups/s`);
  console.log(`plain (flatbush + PIP on GeoJSON): ${fmt(plainRate)} lookups/s`);
  console.log(`naive (bbox check over every polygon): ${fmt(naiveRate)} lookups/s`);
  const ratioVsPlain = productionRate / plainRate;
  const ratioVsNaive = productionRate / naiveRate;
  console.log(`ratios: ${ratioVsPlain.toFixed(2)}× plain, ${ratioVsNaive.toFixed(1)}× naive`);

  // ---- with buildings loaded ----
  t = performance.now();
  const buildings = syntheticBuildings(index, city.bounds, BUILDINGS, SEED + 1);
  const places = new PlaceIndex({ buildings, roads: [] });
  console.log(`register: ${fmt(buildings.length)} building footprints, indexed in ${fmt(performance.now() - t)} ms`);
  const withBuildingsRate = rate(subjects, 'production', pts, POINTS);
  // points near buildings: each building's corner pushed out by up to 40 m, so hits and misses mix
  const M = (6371008.8 * Math.PI) / 180;
  const bpts = new Float64Array(POINTS * 2);
  for (let i = 0; i < POINTS; i++) {
    const b = buildings[Math.floor(rnd() * buildings.length)]!;
    bpts[2 * i] = b.point.lng + ((rnd() - 0.5) * 120) / (M * Math.cos((b.point.lat * Math.PI) / 180));
    bpts[2 * i + 1] = b.point.lat + ((rnd() - 0.5) * 120) / M;
  }
  const q = { lat: 0, lng: 0 };
  const nearestOf = (i: number): string | null => {
    q.lng = bpts[2 * i]!;
    q.lat = bpts[2 * i + 1]!;
    return places.nearest(q, BUILDING_METERS)[0]?.building.id ?? null;
  };
  const naiveNearest = (i: number): string | null => {
    const p = { lng: bpts[2 * i]!, lat: bpts[2 * i + 1]! };
    let best: Building | null = null;
    let bestM = BUILDING_METERS;
    for (const b of buildings) {
      const m = footprintMeters(b.footprint!, p);
      if (m < bestM || (m === bestM && best !== null && b.id < best.id) || (m === bestM && best === null)) {
        best = b;
        bestM = m;
      }
    }
    return best?.id ?? null;
  };
  const NAIVE_B = Math.min(2_000, POINTS);
  let bDisagree = 0;
  let bHits = 0;
  for (let i = 0; i < NAIVE_B; i++) {
    const a1 = nearestOf(i);
    if (a1 !== naiveNearest(i)) bDisagree++;
    if (a1 !== null) bHits++;
  }
  const timeB = (f: (i: number) => string | null, n: number): number => {
    for (let i = 0; i < Math.min(n, 20_000); i++) f(i);
    let best = Infinity;
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) f(i);
      best = Math.min(best, performance.now() - t0);
    }
    return (n / best) * 1000;
  };
  const buildingRate = timeB(nearestOf, POINTS);
  const buildingNaiveRate = timeB(naiveNearest, 200);
  console.log(`with the register loaded: grid lookups ${fmt(withBuildingsRate)}/s; nearest building within ${BUILDING_METERS} m ${fmt(buildingRate)}/s (${((100 * bHits) / NAIVE_B).toFixed(0)} % hits), naive scan ${fmt(buildingNaiveRate)}/s; ${bDisagree} disagreements in ${fmt(NAIVE_B)}`);
  if (bDisagree !== 0) process.exitCode = 1;

  console.log(
    JSON.stringify({
      bench: 'routing',
      grids: grids.length,
      lookupsPerSec: Math.round(productionRate),
      ratioVsPlain: Number(ratioVsPlain.toFixed(2)),
      ratioVsNaive: Number(ratioVsNaive.toFixed(1)),
      snapshotLoadMs: Number(snapshotLoadMs.toFixed(1)),
      heapMB: Number(heapMB.toFixed(1)),
      plainLookupsPerSec: Math.round(plainRate),
      naiveLookupsPerSec: Math.round(naiveRate),
      buildMs: Math.round(buildMs),
      identicalAnswers: disagree === 0,
      buildings: buildings.length,
      lookupsPerSecWithBuildings: Math.round(withBuildingsRate),
      buildingLookupsPerSec: Math.round(buildingRate),
      buildingRatioVsNaive: Number((buildingRate / buildingNaiveRate).toFixed(1)),
      buildingAnswersIdentical: bDisagree === 0,
    }),
  );
  if (disagree !== 0) process.exitCode = 1;
}

main();
