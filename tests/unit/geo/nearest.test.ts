import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { buildGridIndex } from '../../../functions/src/geo/spatial-index.ts';
import { demoCity, demoCityBounds } from '../../../functions/src/geo/demo-city.ts';
import { distanceMeters } from '../../../functions/src/geo/datum.ts';
import type { Area, AreaGeometry, LinearRing, Position } from '../../../functions/src/geo/areas.ts';
import { square } from './pip.ts';

const demoGrids = demoCity().areas.filter((a) => a.level === 'grid');
const index = buildGridIndex(demoGrids);
const bounds = demoCityBounds();
const at = (x: number, y: number) => ({ lng: x, lat: y });
/** metres per degree of latitude on the mean-radius sphere */
const M = (6371008.8 * Math.PI) / 180;

function grid(id: string, geometry: AreaGeometry): Area {
  return { id, name: id, level: 'grid', parentId: null, beatId: 'bt-x', geometry, centroid: { lat: 0, lng: 0 } };
}

/** Brute force: metres from the point to every edge of every grid, same local projection. */
function bruteNearest(grids: Area[], x: number, y: number): { id: string; meters: number } | null {
  const kx = M * Math.cos((y * Math.PI) / 180);
  let best: { id: string; meters: number } | null = null;
  for (const g of grids) {
    const geo = g.geometry as AreaGeometry;
    const rings: LinearRing[] = geo.type === 'Polygon' ? geo.coordinates : geo.coordinates.flat();
    for (const ring of rings) {
      for (let k = 0; k + 1 < ring.length; k++) {
        const [x1, y1] = ring[k] as Position;
        const [x2, y2] = ring[k + 1] as Position;
        const ax = (x1 - x) * kx;
        const ay = (y1 - y) * M;
        const bx = (x2 - x) * kx;
        const by = (y2 - y) * M;
        const dx = bx - ax;
        const dy = by - ay;
        const t = -(ax * dx + ay * dy) / (dx * dx + dy * dy);
        // at an end, the vertex itself, so grids sharing a vertex tie exactly
        const d = t <= 0 ? Math.hypot(ax, ay) : t >= 1 ? Math.hypot(bx, by) : Math.hypot(ax + t * dx, ay + t * dy);
        if (best === null || d < best.meters || (d === best.meters && g.id < best.id)) best = { id: g.id, meters: d };
      }
    }
  }
  return best;
}

describe('GridIndex.nearest', () => {
  it('finds the grid 100 m away, and nothing within 200 m from 300 m away', () => {
    // due south of the south-west corner, a vertex of gr-kejiyuan-01 on the straight outer edge
    const p100 = at(bounds.minLng, bounds.minLat - 100 / M);
    const got = index.nearest(p100, 200);
    expect(got?.id).toBe('gr-kejiyuan-01');
    expect(got?.meters).toBeCloseTo(100, 6);
    // the local projection agrees with the great-circle distance to well under 1 %
    expect(Math.abs((got?.meters ?? 0) - distanceMeters(p100, at(bounds.minLng, bounds.minLat)))).toBeLessThan(0.5);
    expect(index.locate(p100)).toBeNull();

    const p300 = at(bounds.minLng, bounds.minLat - 300 / M);
    expect(index.nearest(p300, 200)).toBeNull();
    expect(index.nearest(p300, 400)?.id).toBe('gr-kejiyuan-01');
  });

  it('finds grids east and west too, where a degree of longitude is shorter', () => {
    const kx = M * Math.cos((bounds.maxLat * Math.PI) / 180);
    const east = index.nearest(at(bounds.maxLng + 150 / kx, bounds.maxLat), 200);
    expect(east?.id).toBe('gr-tongle-05');
    expect(east?.meters).toBeCloseTo(150, 6);
    expect(index.nearest(at(bounds.maxLng + 250 / kx, bounds.maxLat), 200)).toBeNull();
  });

  it('answers 0 m and the located grid for a point inside a grid', () => {
    for (const g of demoGrids) expect(index.nearest(g.centroid, 200)).toEqual({ id: g.id, meters: 0 });
  });

  it('matches a brute-force search for points around the city (property)', () => {
    const near = fc.record({
      lat: fc.double({ min: bounds.minLat - 0.003, max: bounds.maxLat + 0.003, noNaN: true }),
      lng: fc.double({ min: bounds.minLng - 0.003, max: bounds.maxLng + 0.003, noNaN: true }),
    });
    fc.assert(
      fc.property(near, fc.integer({ min: 1, max: 400 }), (p, maxMeters) => {
        const got = index.nearest(p, maxMeters);
        if (index.locate(p) !== null) {
          expect(got).toEqual({ id: index.locate(p), meters: 0 });
          return;
        }
        const want = bruteNearest(demoGrids, p.lng, p.lat);
        if (want === null || want.meters > maxMeters) expect(got).toBeNull();
        else {
          expect(got?.meters).toBeCloseTo(want.meters, 6);
          // a tie at the same distance (a shared vertex) goes to the smaller id, as in brute force
          expect(got?.id).toBe(want.id);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('measures to a hole\'s edge for a point in the hole', () => {
    const idx = buildGridIndex([grid('ring', { type: 'Polygon', coordinates: [square(114, 22.5, 0.01), square(114.004, 22.504, 0.002).reverse()] })]);
    const centre = at(114.005, 22.505);
    expect(idx.locate(centre)).toBeNull();
    const got = idx.nearest(centre, 200);
    expect(got?.id).toBe('ring');
    expect(got?.meters).toBeCloseTo(0.001 * M * Math.cos((22.505 * Math.PI) / 180), 3); // the east/west edges are nearer
  });

  it('breaks ties by the smaller id, whatever the order', () => {
    const a = grid('b-east', { type: 'Polygon', coordinates: [square(114.002, 22.5, 0.001)] });
    const b = grid('a-west', { type: 'Polygon', coordinates: [square(114.0, 22.5, 0.001)] });
    for (const order of [[a, b], [b, a]]) {
      const got = buildGridIndex(order).nearest(at(114.0015, 22.5005), 200);
      expect(got?.id).toBe('a-west');
    }
  });

  it('returns null for non-finite input and a negative radius', () => {
    expect(index.nearest(at(NaN, 22.54), 200)).toBeNull();
    expect(index.nearest(at(113.93, Infinity), 200)).toBeNull();
    expect(index.nearest(at(bounds.minLng, bounds.minLat - 0.0001), -1)).toBeNull();
    expect(index.nearest(at(bounds.minLng, bounds.minLat - 0.0001), NaN)).toBeNull();
    expect(buildGridIndex([]).nearest(at(113.93, 22.54), 200)).toBeNull();
  });
});
