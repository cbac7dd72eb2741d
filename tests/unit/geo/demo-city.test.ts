import { describe, it, expect } from 'vitest';
import { demoCity, demoCityBounds } from '../../../functions/src/geo/demo-city.ts';
import type { Area, AreaGeometry, LinearRing, Position } from '../../../functions/src/geo/areas.ts';
import { distanceMeters } from '../../../functions/src/geo/datum.ts';
import { bruteContains, isSimpleRing, signedArea } from './pip.ts';

const city = demoCity();
const byLevel = (level: Area['level']) => city.areas.filter((a) => a.level === level);
const grids = byLevel('grid');
const bounds = demoCityBounds();

function outerRing(a: Area): LinearRing {
  const g = a.geometry;
  if (g?.type !== 'Polygon') throw new Error(`${a.id} is not a single polygon`);
  return g.coordinates[0] ?? [];
}

describe('demoCity structure', () => {
  it('is deterministic and returns independent copies', () => {
    const again = demoCity();
    expect(again).toEqual(city);
    const ring = outerRing(again.areas.find((a) => a.id === 'gr-haizhu-01') as Area);
    (ring[0] as Position)[0] = 0; // editing one copy ...
    expect(outerRing(city.areas.find((a) => a.id === 'gr-haizhu-01') as Area)[0]?.[0]).not.toBe(0); // ... leaves others
    expect(outerRing(again.areas.find((a) => a.id === 'gr-haizhu-02') as Area).some(([x]) => x === 0)).toBe(false);
  });

  it('has the expected areas at each level', () => {
    expect(city.version).toBe('demo-1');
    expect(byLevel('city').map((a) => a.id)).toEqual(['ct-shenzhen']);
    expect(byLevel('district').map((a) => a.id)).toEqual(['gd-nanshan']);
    expect(byLevel('street').map((a) => [a.id, a.name])).toEqual([
      ['st-yuehai', '粤海街道'],
      ['st-nantou', '南头街道'],
    ]);
    expect(byLevel('community').map((a) => [a.id, a.parentId])).toEqual([
      ['cm-kejiyuan', 'st-yuehai'],
      ['cm-haizhu', 'st-yuehai'],
      ['cm-nantoucheng', 'st-nantou'],
      ['cm-tongle', 'st-nantou'],
    ]);
    expect(byLevel('station').map((a) => [a.id, a.name, a.parentId])).toEqual([['ps-yuehai', '粤海派出所', 'gd-nanshan']]);
    expect(byLevel('beat').map((a) => a.id)).toEqual(['bt-nanshandadao', 'bt-taoyuan', 'bt-shenda', 'bt-gaoxin', 'bt-kejiyuan']);
    expect(grids).toHaveLength(20);
  });

  it('puts 5 grids in each community and 4 in each beat, every grid in exactly one real beat', () => {
    const beatIds = new Set(byLevel('beat').map((b) => b.id));
    for (const cm of byLevel('community')) expect(grids.filter((g) => g.parentId === cm.id)).toHaveLength(5);
    for (const b of beatIds) expect(grids.filter((g) => g.beatId === b)).toHaveLength(4);
    for (const g of grids) expect(beatIds.has(g.beatId ?? '')).toBe(true);
  });

  it('names grids after their community with a readable, stable id', () => {
    for (const g of grids) {
      const cm = city.areas.find((a) => a.id === g.parentId) as Area;
      expect(g.id).toMatch(new RegExp(`^gr-${cm.id.slice(3)}-0[1-5]$`));
      expect(g.name).toMatch(new RegExp(`^${cm.name}第[一二三四五]网格$`));
    }
  });
});

describe('demoCity geometry', () => {
  it('gives every grid a simple, closed, counter-clockwise ring of 8–16 vertices', () => {
    for (const g of grids) {
      const ring = outerRing(g);
      expect((g.geometry as { coordinates: unknown[] }).coordinates).toHaveLength(1); // no holes
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      const distinct = new Set(ring.slice(0, -1).map(([x, y]) => `${x},${y}`));
      expect(distinct.size).toBe(ring.length - 1);
      expect(distinct.size).toBeGreaterThanOrEqual(8);
      expect(distinct.size).toBeLessThanOrEqual(16);
      expect(signedArea(ring)).toBeGreaterThan(0);
      expect(isSimpleRing(ring)).toBe(true);
    }
  });

  it('is irregular: vertex counts and grid shapes vary', () => {
    expect(new Set(grids.map((g) => outerRing(g).length)).size).toBeGreaterThan(2);
    const areas = grids.map((g) => signedArea(outerRing(g)));
    expect(Math.max(...areas) / Math.min(...areas)).toBeGreaterThan(1.05);
  });

  it('makes grids of roughly 600 m across', () => {
    for (const g of grids) {
      const ring = outerRing(g);
      const lngs = ring.map(([x]) => x);
      const lats = ring.map(([, y]) => y);
      const lat = g.centroid.lat;
      const width = distanceMeters({ lat, lng: Math.min(...lngs) }, { lat, lng: Math.max(...lngs) });
      const height = distanceMeters({ lat: Math.min(...lats), lng: 0 }, { lat: Math.max(...lats), lng: 0 });
      expect(width).toBeGreaterThan(450);
      expect(width).toBeLessThan(800);
      expect(height).toBeGreaterThan(400);
      expect(height).toBeLessThan(750);
    }
  });

  it('stays inside its bounds around 南山 and touches every side', () => {
    expect(bounds).toEqual({ minLat: 22.53, minLng: 113.92, maxLat: 22.55, maxLng: 113.95 });
    const all = grids.flatMap(outerRing);
    expect(Math.min(...all.map(([x]) => x))).toBe(bounds.minLng);
    expect(Math.max(...all.map(([x]) => x))).toBe(bounds.maxLng);
    expect(Math.min(...all.map(([, y]) => y))).toBe(bounds.minLat);
    expect(Math.max(...all.map(([, y]) => y))).toBe(bounds.maxLat);
  });

  it('shares edges exactly: every grid edge is either on the outline or used backwards by one neighbour', () => {
    const key = (a: Position, b: Position) => `${a[0]},${a[1]}>${b[0]},${b[1]}`;
    const edges = new Map<string, string>();
    for (const g of grids) {
      const ring = outerRing(g);
      for (let k = 0; k + 1 < ring.length; k++) edges.set(key(ring[k] as Position, ring[k + 1] as Position), g.id);
    }
    const outline = new Set<string>();
    const cityRing = outerRing(byLevel('city')[0] as Area);
    for (let k = 0; k + 1 < cityRing.length; k++) outline.add(key(cityRing[k] as Position, cityRing[k + 1] as Position));
    let shared = 0;
    for (const [e, owner] of edges) {
      const [from, to] = e.split('>') as [string, string];
      const back = edges.get(`${to}>${from}`);
      if (back === undefined) expect(outline.has(e)).toBe(true);
      else {
        expect(back).not.toBe(owner);
        shared++;
      }
    }
    expect(shared).toBeGreaterThan(0);
  });

  it('has no gaps or overlaps: sampled points are in exactly one grid inside the outline, none outside', () => {
    const cityGeometry = byLevel('city')[0]?.geometry as AreaGeometry;
    const steps = 120;
    let inside = 0;
    for (let a = 0; a <= steps; a++) {
      for (let b = 0; b <= steps; b++) {
        // Offset by an irrational-ish fraction so samples avoid lying exactly on lattice lines.
        const x = bounds.minLng + ((a + 0.37) / (steps + 1)) * (bounds.maxLng - bounds.minLng);
        const y = bounds.minLat + ((b + 0.61) / (steps + 1)) * (bounds.maxLat - bounds.minLat);
        const count = grids.filter((g) => bruteContains(g.geometry as AreaGeometry, x, y)).length;
        const inCity = bruteContains(cityGeometry, x, y);
        expect(count).toBe(inCity ? 1 : 0);
        if (inCity) inside++;
      }
    }
    expect(inside / (steps + 1) ** 2).toBeGreaterThan(0.95); // the outline's inward bends are small
  });

  it('makes the grid areas add up to the area of the outline (no overlap anywhere)', () => {
    const total = grids.reduce((s, g) => s + signedArea(outerRing(g)), 0);
    const outline = signedArea(outerRing(byLevel('city')[0] as Area));
    expect(total).toBeCloseTo(outline, 12);
  });

  it('gives every higher area the outline of its grids, with matching area', () => {
    const members: Record<string, Area[]> = {};
    for (const g of grids) {
      const lineage = [g.parentId, city.areas.find((a) => a.id === g.parentId)?.parentId, 'gd-nanshan', 'ct-shenzhen', g.beatId, 'ps-yuehai'];
      for (const id of lineage) if (id) (members[id] ??= []).push(g);
    }
    for (const a of city.areas.filter((x) => x.level !== 'grid')) {
      const ring = outerRing(a);
      expect(isSimpleRing(ring)).toBe(true);
      const sum = (members[a.id] ?? []).reduce((s, g) => s + signedArea(outerRing(g)), 0);
      expect(sum).toBeGreaterThan(0);
      expect(signedArea(ring)).toBeCloseTo(sum, 12);
    }
  });

  it('places every area\'s centroid inside its own geometry', () => {
    for (const a of city.areas) {
      expect(bruteContains(a.geometry as AreaGeometry, a.centroid.lng, a.centroid.lat)).toBe(true);
    }
  });
});
