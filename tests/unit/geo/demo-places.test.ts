import { describe, it, expect } from 'vitest';
import { demoBuildings, demoRoads } from '../../../functions/src/geo/demo-places.ts';
import type { DemoBuildingFeature } from '../../../functions/src/geo/demo-places.ts';
import { demoCity, demoCityBounds } from '../../../functions/src/geo/demo-city.ts';
import type { Area, AreaGeometry, LinearRing, Position } from '../../../functions/src/geo/areas.ts';
import { bruteContains, signedArea } from './pip.ts';

const buildings = demoBuildings();
const roads = demoRoads();
const city = demoCity();
const grids = city.areas.filter((a) => a.level === 'grid');
const bounds = demoCityBounds();

// Distances in a local equirectangular plane (metres); over the demo's 3 km the error is < 0.1 %.
type XY = [number, number];
const LAT0 = (bounds.minLat + bounds.maxLat) / 2;
const M_LAT = (6371008.8 * Math.PI) / 180;
const M_LNG = M_LAT * Math.cos((LAT0 * Math.PI) / 180);
const xy = ([lng, lat]: Position): XY => [(lng - bounds.minLng) * M_LNG, (lat - bounds.minLat) * M_LAT];

function pointToSegment(p: XY, a: XY, b: XY): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

function segmentToSegment(a: XY, b: XY, c: XY, d: XY): number {
  const side = (o: XY, p: XY, q: XY) => Math.sign((p[0] - o[0]) * (q[1] - o[1]) - (p[1] - o[1]) * (q[0] - o[0]));
  if (side(a, b, c) * side(a, b, d) < 0 && side(c, d, a) * side(c, d, b) < 0) return 0;
  return Math.min(pointToSegment(a, c, d), pointToSegment(b, c, d), pointToSegment(c, a, b), pointToSegment(d, a, b));
}

/** Smallest distance between two polylines' edges (a point is a one-position line). */
function lineToLine(p: XY[], q: XY[]): number {
  const segs = (l: XY[]): [XY, XY][] => (l.length === 1 ? [[l[0] as XY, l[0] as XY]] : l.slice(1).map((b, k) => [l[k] as XY, b]));
  let best = Infinity;
  for (const [a, b] of segs(p)) for (const [c, d] of segs(q)) best = Math.min(best, segmentToSegment(a, b, c, d));
  return best;
}

const ringOf = (g: Area): LinearRing => (g.geometry?.type === 'Polygon' ? (g.geometry.coordinates[0] ?? []) : []);
/** A building's positions: the footprint's ring, or the point. */
const positionsOf = (b: DemoBuildingFeature): Position[] =>
  b.geometry.type === 'Polygon' ? (b.geometry.coordinates[0] ?? []) : [b.geometry.coordinates];
const footprints = buildings.filter((b) => b.geometry.type === 'Polygon');
const points = buildings.filter((b) => b.geometry.type === 'Point');
const gridsContaining = (p: Position): Area[] => grids.filter((g) => bruteContains(g.geometry as AreaGeometry, p[0], p[1]));

describe('demoBuildings register', () => {
  it('has 250–400 buildings, about a tenth of them Points, in 25–35 estates of 4–20', () => {
    expect(buildings.length).toBeGreaterThanOrEqual(250);
    expect(buildings.length).toBeLessThanOrEqual(400);
    expect(points.length / buildings.length).toBeGreaterThan(0.05);
    expect(points.length / buildings.length).toBeLessThan(0.15);
    const sizes = new Map<string, number>();
    for (const b of buildings) sizes.set(b.properties.estate, (sizes.get(b.properties.estate) ?? 0) + 1);
    expect(sizes.size).toBeGreaterThanOrEqual(25);
    expect(sizes.size).toBeLessThanOrEqual(35);
    for (const n of sizes.values()) {
      expect(n).toBeGreaterThanOrEqual(4);
      expect(n).toBeLessThanOrEqual(20);
    }
  });

  it('gives unique, stable ids bd-<slug>-<number>, numbering each estate 1…n', () => {
    const ids = buildings.map((b) => b.properties.id);
    expect(new Set(ids).size).toBe(ids.length);
    const slugByEstate = new Map<string, string>();
    const numbers = new Map<string, string[]>();
    for (const { properties: p } of buildings) {
      expect(p.level).toBe('building');
      expect(p.number).toMatch(/^[1-9]\d*$/);
      const m = /^bd-([a-z]+)-(\d+)$/.exec(p.id);
      expect(m?.[2]).toBe(p.number);
      if (!slugByEstate.has(p.estate)) slugByEstate.set(p.estate, m?.[1] ?? '');
      expect(m?.[1]).toBe(slugByEstate.get(p.estate)); // one slug per estate ...
      numbers.set(p.estate, [...(numbers.get(p.estate) ?? []), p.number]);
    }
    expect(new Set(slugByEstate.values()).size).toBe(slugByEstate.size); // ... and one estate per slug
    for (const list of numbers.values()) expect(list).toEqual(list.map((_, k) => String(k + 1)));
    expect(buildings.find((b) => b.properties.id === 'bd-shennanhuayuan-3')?.properties.estate).toBe('深南花园');
  });

  it('records units 1–4 and floors 6–33 where it records them, and all footprint buildings have both', () => {
    for (const { properties: p } of buildings) {
      if (p.units !== undefined) expect(p.units >= 1 && p.units <= 4 && Number.isInteger(p.units)).toBe(true);
      if (p.floors !== undefined) expect(p.floors >= 6 && p.floors <= 33 && Number.isInteger(p.floors)).toBe(true);
    }
    for (const b of footprints) expect([b.properties.units, b.properties.floors].every((x) => x !== undefined)).toBe(true);
  });

  it('is deterministic and returns independent copies', () => {
    const again = demoBuildings();
    expect(again).toEqual(buildings);
    expect(demoRoads()).toEqual(roads);
    positionsOf(again[0] as DemoBuildingFeature)[0]![0] = 0;
    expect(demoBuildings()).toEqual(buildings);
  });
});

describe('demoBuildings geometry', () => {
  it('draws footprints as closed counter-clockwise rectangles of 15–25 × 30–60 m, rounded to 1e-7°', () => {
    expect(footprints.length).toBeGreaterThan(0);
    for (const b of buildings) for (const [x, y] of positionsOf(b)) expect([Math.round(x * 1e7) / 1e7, Math.round(y * 1e7) / 1e7]).toEqual([x, y]);
    for (const b of footprints) {
      const ring = positionsOf(b);
      expect(ring.length).toBeGreaterThanOrEqual(4);
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      expect(signedArea(ring)).toBeGreaterThan(0);
      const [a, c, d] = [xy(ring[0] as Position), xy(ring[1] as Position), xy(ring[2] as Position)];
      const sides = [Math.hypot(c[0] - a[0], c[1] - a[1]), Math.hypot(d[0] - c[0], d[1] - c[1])].sort((p, q) => p - q);
      expect(sides[0]).toBeGreaterThan(14.9);
      expect(sides[0]).toBeLessThan(25.1);
      expect(sides[1]).toBeGreaterThan(29.9);
      expect(sides[1]).toBeLessThan(60.1);
    }
  });

  it('puts every position of a building in exactly one grid, the same for all, ≥ 8 m from its boundary', () => {
    for (const b of buildings) {
      const owners = new Set<string>();
      for (const p of positionsOf(b)) {
        const inside = gridsContaining(p);
        expect(inside).toHaveLength(1);
        const g = inside[0] as Area;
        owners.add(g.id);
        expect(lineToLine([xy(p)], ringOf(g).map(xy))).toBeGreaterThanOrEqual(8);
      }
      expect(owners.size).toBe(1);
    }
  });

  it('keeps each estate in one grid, gives buildings their grid\'s street, and builds in ≥ 15 grids', () => {
    const gridsByEstate = new Map<string, Set<string>>();
    for (const b of buildings) {
      const g = gridsContaining(positionsOf(b)[0] as Position)[0] as Area;
      const street = city.areas.find((a) => a.id === city.areas.find((c) => c.id === g.parentId)?.parentId);
      expect(b.properties.street).toBe(street?.name);
      gridsByEstate.set(b.properties.estate, (gridsByEstate.get(b.properties.estate) ?? new Set()).add(g.id));
    }
    for (const set of gridsByEstate.values()) expect(set.size).toBe(1);
    const built = new Set([...gridsByEstate.values()].flatMap((s) => [...s]));
    expect(built.size).toBeGreaterThanOrEqual(15);
    expect(new Set(buildings.map((b) => b.properties.street))).toEqual(new Set(['粤海街道', '南头街道']));
  });

  it('keeps footprints and points ≥ 5 m apart, none inside another footprint', () => {
    const shapes = buildings.map((b) => positionsOf(b).map(xy));
    const boxes = shapes.map((s) => [Math.min(...s.map((p) => p[0])), Math.min(...s.map((p) => p[1])), Math.max(...s.map((p) => p[0])), Math.max(...s.map((p) => p[1]))]);
    const inside = (ring: XY[], [x, y]: XY) => {
      let odd = false;
      for (let k = 0; k + 1 < ring.length; k++) {
        const [x1, y1] = ring[k] as XY;
        const [x2, y2] = ring[k + 1] as XY;
        if (y1 > y !== y2 > y && x < ((x2 - x1) * (y - y1)) / (y2 - y1) + x1) odd = !odd;
      }
      return odd;
    };
    let near = 0;
    for (let i = 0; i < shapes.length; i++) {
      for (let j = i + 1; j < shapes.length; j++) {
        const [a, b] = [boxes[i] as number[], boxes[j] as number[]];
        const gap = 5;
        if (a[0]! - gap > b[2]! || b[0]! - gap > a[2]! || a[1]! - gap > b[3]! || b[1]! - gap > a[3]!) continue; // bbox pretest
        near++;
        const [p, q] = [shapes[i] as XY[], shapes[j] as XY[]];
        expect(inside(p, q[0] as XY) || inside(q, p[0] as XY)).toBe(false);
        expect(lineToLine(p, q)).toBeGreaterThanOrEqual(gap);
      }
    }
    expect(near).toBeGreaterThan(0); // turned estates: the exact check did run on close pairs
  });

  it('keeps buildings off the roads: ≥ 10 m from every centreline, ≥ 25 m from main roads', () => {
    for (const r of roads) {
      const line = r.geometry.coordinates.map(xy);
      const least = Math.min(...buildings.map((b) => lineToLine(positionsOf(b).map(xy), line)));
      expect(least).toBeGreaterThanOrEqual(r.properties.kind === 'main' ? 25 : 10);
    }
  });
});

describe('demoRoads', () => {
  it('has 8–14 named roads, the big ones main, all inside the city box', () => {
    expect(roads.length).toBeGreaterThanOrEqual(8);
    expect(roads.length).toBeLessThanOrEqual(14);
    expect(new Set(roads.map((r) => r.properties.id)).size).toBe(roads.length);
    expect(new Set(roads.map((r) => r.properties.name)).size).toBe(roads.length);
    const main = roads.filter((r) => r.properties.kind === 'main').map((r) => r.properties.name);
    expect(main).toEqual(expect.arrayContaining(['深南大道', '南海大道', '南山大道', '滨海大道', '北环大道']));
    for (const r of roads) {
      expect(r.properties.level).toBe('road');
      expect(r.properties.id).toMatch(/^rd-[a-z]+$/);
      expect(r.geometry.type).toBe('LineString');
      expect(r.geometry.coordinates.length).toBeGreaterThanOrEqual(2);
      for (const [lng, lat] of r.geometry.coordinates) {
        expect(lng >= bounds.minLng && lng <= bounds.maxLng && lat >= bounds.minLat && lat <= bounds.maxLat).toBe(true);
      }
    }
  });

  it('crosses the box: 深南大道 runs west edge → east edge, 南海大道 south edge → north edge', () => {
    const ends = (name: string) => {
      const c = roads.find((r) => r.properties.name === name)?.geometry.coordinates ?? [];
      return [c[0], c[c.length - 1]] as [Position, Position];
    };
    const [sw, se] = ends('深南大道');
    expect([sw[0], se[0]]).toEqual([bounds.minLng, bounds.maxLng]);
    const [ns, nn] = ends('南海大道');
    expect([ns[1], nn[1]]).toEqual([bounds.minLat, bounds.maxLat]);
  });
});
