import { describe, it, expect } from 'vitest';
import { buildGridIndex, EDGE_TOLERANCE_DEG, loadIndex, serializeIndex } from '../../../functions/src/geo/spatial-index.ts';
import type { GridIndex } from '../../../functions/src/geo/spatial-index.ts';
import { demoCity, demoCityBounds } from '../../../functions/src/geo/demo-city.ts';
import type { Area, AreaGeometry, LinearRing, Position } from '../../../functions/src/geo/areas.ts';
import { syntheticCity } from '../../support/synthetic-city.ts';
import { naiveLocator, randomPoints } from './naive-locate.ts';

const city = syntheticCity({ grids: 2000, beats: 125, seed: 11 });
const grids = city.areas.filter((a) => a.level === 'grid');
const index = buildGridIndex(grids);
const naive = naiveLocator(grids);
const at = (x: number, y: number) => ({ lng: x, lat: y });

/** The box widened by `share` on every side, so some points fall outside every grid. */
function widened(b: { minLat: number; minLng: number; maxLat: number; maxLng: number }, share: number) {
  const w = b.maxLng - b.minLng;
  const h = b.maxLat - b.minLat;
  return { minLng: b.minLng - share * w, maxLng: b.maxLng + share * w, minLat: b.minLat - share * h, maxLat: b.maxLat + share * h };
}

function disagreements(idx: GridIndex, ref: (x: number, y: number) => string | null, pts: Float64Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < pts.length / 2; i++) {
    const x = pts[2 * i] as number;
    const y = pts[2 * i + 1] as number;
    const got = idx.locate(at(x, y));
    const want = ref(x, y);
    if (got !== want) out.push(`(${x}, ${y}): index ${got}, naive ${want}`);
  }
  return out;
}

const rings = (g: Area): LinearRing[] => {
  const geo = g.geometry as AreaGeometry;
  return geo.type === 'Polygon' ? geo.coordinates : geo.coordinates.flat();
};

describe('the index against the naive loop', () => {
  it('gives identical answers on 100,000 random points in a 2,000-grid synthetic city (holes, MultiPolygons)', () => {
    expect(index.size).toBe(2000);
    const pts = randomPoints(100_000, 4242, widened(city.bounds, 0.02));
    expect(disagreements(index, naive, pts)).toEqual([]);
    let located = 0;
    for (let i = 0; i < 100_000; i++) if (index.locate(at(pts[2 * i] as number, pts[2 * i + 1] as number)) !== null) located++;
    expect(located).toBeGreaterThan(90_000); // the points really exercised grids …
    expect(located).toBeLessThan(100_000); // … and the outside
  });

  it('gives identical answers on 100,000 random points in the demo city', () => {
    const demoGrids = demoCity().areas.filter((a) => a.level === 'grid');
    const pts = randomPoints(100_000, 99, widened(demoCityBounds(), 0.05));
    expect(disagreements(buildGridIndex(demoGrids), naiveLocator(demoGrids), pts)).toEqual([]);
  });

  it('agrees on every vertex and edge midpoint of the synthetic city (shared boundaries: smallest id)', () => {
    const pts: number[] = [];
    for (const g of grids.slice(0, 400)) {
      for (const ring of rings(g)) {
        for (let k = 0; k + 1 < ring.length; k++) {
          const [x1, y1] = ring[k] as Position;
          const [x2, y2] = ring[k + 1] as Position;
          pts.push(x1, y1, (x1 + x2) / 2, (y1 + y2) / 2);
        }
      }
    }
    expect(disagreements(index, naive, Float64Array.from(pts))).toEqual([]);
    // the same from any input order
    const shuffled = buildGridIndex([...grids].reverse());
    expect(disagreements(shuffled, naive, Float64Array.from(pts))).toEqual([]);
  });

  it('agrees just inside and just outside the edge tolerance band', () => {
    const pts: number[] = [];
    for (const g of grids.slice(0, 200)) {
      const ring = rings(g)[0] as LinearRing;
      for (let k = 0; k + 1 < ring.length; k++) {
        const [x1, y1] = ring[k] as Position;
        const [x2, y2] = ring[k + 1] as Position;
        const len = Math.hypot(x2 - x1, y2 - y1);
        // a point beside the middle of the edge, 0.5× and 3× the tolerance off it, both sides
        for (const d of [0.5, -0.5, 3, -3]) {
          pts.push((x1 + x2) / 2 - ((y2 - y1) / len) * d * EDGE_TOLERANCE_DEG, (y1 + y2) / 2 + ((x2 - x1) / len) * d * EDGE_TOLERANCE_DEG);
        }
      }
    }
    expect(disagreements(index, naive, Float64Array.from(pts))).toEqual([]);
  });
});

describe('holes and MultiPolygons in the synthetic city', () => {
  const holed = grids.filter((g) => g.geometry?.type === 'Polygon' && g.geometry.coordinates.length > 1);
  const multi = grids.filter((g) => g.geometry?.type === 'MultiPolygon');

  it('has both', () => {
    expect(holed.length).toBeGreaterThan(10);
    expect(multi.length).toBeGreaterThan(10);
  });

  it('locates a point in an empty hole to no grid, and a point in a filled hole to the island\'s owner', () => {
    const islands = new Map<string, string>(); // hole key → owner id
    for (const g of multi) {
      const geo = g.geometry as { coordinates: LinearRing[][] };
      for (const part of geo.coordinates.slice(1)) islands.set(JSON.stringify([...(part[0] as LinearRing)].reverse()), g.id);
    }
    let empty = 0;
    let filled = 0;
    for (const g of grids) {
      const geo = g.geometry as AreaGeometry;
      const holes = geo.type === 'Polygon' ? geo.coordinates.slice(1) : (geo.coordinates[0] as LinearRing[]).slice(1);
      for (const hole of holes) {
        const n = hole.length - 1;
        const cx = hole.slice(0, n).reduce((s, p) => s + p[0], 0) / n;
        const cy = hole.slice(0, n).reduce((s, p) => s + p[1], 0) / n;
        const owner = islands.get(JSON.stringify(hole)) ?? null;
        expect(index.locate(at(cx, cy))).toBe(owner);
        if (owner === null) empty++;
        else filled++;
        // the grid around the hole still owns the band just outside it
        const [vx, vy] = hole[0] as Position;
        expect(index.locate(at(vx + (vx - cx) * 0.2, vy + (vy - cy) * 0.2))).toBe(g.id);
      }
    }
    expect(empty).toBeGreaterThan(5);
    expect(filled).toBeGreaterThan(5);
  });

  it('gives a point on an island\'s shore (= the hole\'s edge) to the smaller of the two ids', () => {
    for (const g of multi) {
      const geo = g.geometry as { coordinates: LinearRing[][] };
      const island = (geo.coordinates[1] as LinearRing[])[0] as LinearRing;
      const [x, y] = island[0] as Position;
      const claimants = grids
        .filter((o) => rings(o).some((r) => r.some(([ox, oy]) => ox === x && oy === y)))
        .map((o) => o.id)
        .sort();
      expect(claimants.length).toBeGreaterThanOrEqual(2);
      expect(index.locate(at(x, y))).toBe(claimants[0]);
    }
  });
});

describe('serializeIndex / loadIndex', () => {
  const bytes = serializeIndex(index);
  const pts = randomPoints(20_000, 7, widened(city.bounds, 0.02));

  it('round-trips to an index with the same answers', () => {
    const loaded = loadIndex(bytes);
    expect(loaded.size).toBe(2000);
    expect(disagreements(loaded, (x, y) => index.locate(at(x, y)), pts)).toEqual([]);
    expect(loaded.nearest(at(city.bounds.minLng + 0.001, city.bounds.minLat - 0.0005), 200)).toEqual(
      index.nearest(at(city.bounds.minLng + 0.001, city.bounds.minLat - 0.0005), 200),
    );
    // a loaded index serialises to the same bytes (Buffer#equals: toEqual is slow on 1 MB)
    expect(Buffer.from(serializeIndex(loaded)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('loads from bytes that do not start on an 8-byte boundary (a pooled Buffer)', () => {
    const shifted = new Uint8Array(bytes.byteLength + 3);
    shifted.set(bytes, 3);
    const loaded = loadIndex(shifted.subarray(3));
    expect(disagreements(loaded, (x, y) => index.locate(at(x, y)), pts)).toEqual([]);
  });

  it('round-trips an empty index', () => {
    const empty = loadIndex(serializeIndex(buildGridIndex([])));
    expect(empty.size).toBe(0);
    expect(empty.locate(at(113.9, 22.5))).toBeNull();
    expect(empty.nearest(at(113.9, 22.5), 200)).toBeNull();
  });

  it('refuses bytes that are not an index', () => {
    expect(() => loadIndex(new Uint8Array(10))).toThrow(/not a grid index/);
    expect(() => loadIndex(new Uint8Array(200))).toThrow(/not a grid index/);
    expect(() => loadIndex(bytes.subarray(0, bytes.byteLength - 8))).toThrow(/not a grid index/);
    expect(() => serializeIndex({ size: 0, locate: () => null, nearest: () => null, nearestOther: () => null })).toThrow(/not an index built/);
  });
});
