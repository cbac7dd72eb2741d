import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { buildGridIndex, EDGE_TOLERANCE_DEG } from '../../../functions/src/geo/spatial-index.ts';
import { demoCity, demoCityBounds } from '../../../functions/src/geo/demo-city.ts';
import type { Area, AreaGeometry, Position } from '../../../functions/src/geo/areas.ts';
import { bruteContains, distanceToBoundary, square } from './pip.ts';

function grid(id: string, geometry: AreaGeometry | undefined): Area {
  const area: Area = { id, name: id, level: 'grid', parentId: null, beatId: 'bt-x', centroid: { lat: 0, lng: 0 } };
  if (geometry !== undefined) area.geometry = geometry;
  return area;
}

function poly(...rings: Position[][]): AreaGeometry {
  return { type: 'Polygon', coordinates: rings };
}

const at = (x: number, y: number) => ({ lng: x, lat: y });

const demoGrids = demoCity().areas.filter((a) => a.level === 'grid');
const demoIndex = buildGridIndex(demoGrids);
const bounds = demoCityBounds();

describe('buildGridIndex on the demo city', () => {
  it('indexes all 20 grids', () => {
    expect(demoIndex.size).toBe(20);
  });

  it('locates every grid centroid to that grid', () => {
    for (const g of demoGrids) expect(demoIndex.locate(g.centroid)).toBe(g.id);
  });

  it('agrees with brute-force point-in-polygon for random points in the bounds (property)', () => {
    const inBounds = fc.record({
      lat: fc.double({ min: bounds.minLat, max: bounds.maxLat, noNaN: true }),
      lng: fc.double({ min: bounds.minLng, max: bounds.maxLng, noNaN: true }),
    });
    fc.assert(
      fc.property(inBounds, (p) => {
        // fast-check favours the extremes, i.e. the bbox corners, which are grid vertices, so
        // boundary points are common here: spell out the documented rule in full. Interiors
        // (strict even-odd) never overlap; a grid claims a point inside it or within tolerance
        // of its boundary; of the claimants the smallest id wins; points in the inward bends
        // of the outline belong to no grid.
        const near = (g: Area) => distanceToBoundary(g.geometry as AreaGeometry, p.lng, p.lat) <= EDGE_TOLERANCE_DEG * 0.99;
        const far = (g: Area) => distanceToBoundary(g.geometry as AreaGeometry, p.lng, p.lat) >= EDGE_TOLERANCE_DEG * 1.01;
        const interior = demoGrids.filter((g) => far(g) && bruteContains(g.geometry as AreaGeometry, p.lng, p.lat));
        expect(interior.length).toBeLessThanOrEqual(1);
        // skip the razor-thin band where "within tolerance" is itself a rounding question
        fc.pre(demoGrids.every((g) => near(g) || far(g)));
        const claimants = demoGrids
          .filter((g) => near(g) || bruteContains(g.geometry as AreaGeometry, p.lng, p.lat))
          .map((g) => g.id)
          .sort();
        expect(demoIndex.locate(p)).toBe(claimants[0] ?? null);
      }),
      { numRuns: 3000 },
    );
  });

  it('returns null outside the demo city (property)', () => {
    const margin = 1e-4; // ~10 m outside the bounding box
    const outside = fc.oneof(
      fc.record({ lat: fc.double({ min: bounds.maxLat + margin, max: 23, noNaN: true }), lng: fc.double({ min: 113, max: 115, noNaN: true }) }),
      fc.record({ lat: fc.double({ min: 22, max: bounds.minLat - margin, noNaN: true }), lng: fc.double({ min: 113, max: 115, noNaN: true }) }),
      fc.record({ lat: fc.double({ min: 22, max: 23, noNaN: true }), lng: fc.double({ min: 113, max: bounds.minLng - margin, noNaN: true }) }),
      fc.record({ lat: fc.double({ min: 22, max: 23, noNaN: true }), lng: fc.double({ min: bounds.maxLng + margin, max: 115, noNaN: true }) }),
    );
    fc.assert(
      fc.property(outside, (p) => {
        expect(demoIndex.locate(p)).toBeNull();
      }),
    );
  });

  it('resolves shared vertices to the smallest id among the grids that meet there, whatever the input order', () => {
    const reversed = buildGridIndex([...demoGrids].reverse());
    let shared = 0;
    for (const g of demoGrids) {
      const ring = (g.geometry as { type: 'Polygon'; coordinates: Position[][] }).coordinates[0] ?? [];
      for (const [x, y] of ring) {
        const owners = demoGrids
          .filter((o) => (o.geometry as { coordinates: Position[][] }).coordinates[0]?.some(([ox, oy]) => ox === x && oy === y))
          .map((o) => o.id)
          .sort();
        if (owners.length > 1) shared++;
        expect(demoIndex.locate(at(x, y))).toBe(owners[0]);
        expect(reversed.locate(at(x, y))).toBe(owners[0]);
      }
    }
    expect(shared).toBeGreaterThan(50); // the test really exercised shared boundaries
  });

  it('resolves points in the middle of shared edges the same way from either input order', () => {
    const reversed = buildGridIndex([...demoGrids].reverse());
    for (const g of demoGrids) {
      const ring = (g.geometry as { type: 'Polygon'; coordinates: Position[][] }).coordinates[0] ?? [];
      for (let k = 0; k + 1 < ring.length; k++) {
        const [x1, y1] = ring[k] as Position;
        const [x2, y2] = ring[k + 1] as Position;
        const mid = at((x1 + x2) / 2, (y1 + y2) / 2); // within rounding of the edge
        const got = demoIndex.locate(mid);
        expect(got).not.toBeNull();
        // A closed polygon owns its boundary, so the winner can only be this grid or a smaller id.
        expect((got ?? '') <= g.id).toBe(true);
        expect(reversed.locate(mid)).toBe(got);
      }
    }
  });
});

describe('buildGridIndex on hand-made shapes', () => {
  it('does not claim points in a hole, but owns the hole boundary', () => {
    const idx = buildGridIndex([grid('ring', poly(square(0, 0, 10), square(3, 3, 4).reverse()))]);
    expect(idx.locate(at(5, 5))).toBeNull(); // in the hole
    expect(idx.locate(at(1, 1))).toBe('ring'); // in the band
    expect(idx.locate(at(8.5, 5))).toBe('ring');
    expect(idx.locate(at(3, 5))).toBe('ring'); // on the hole's edge: closed set
    expect(idx.locate(at(11, 5))).toBeNull();
  });

  it('lets a grid inside another grid\'s hole win over it', () => {
    const idx = buildGridIndex([grid('a-outer', poly(square(0, 0, 10), square(3, 3, 4).reverse())), grid('b-inner', poly(square(3, 3, 4)))]);
    expect(idx.locate(at(5, 5))).toBe('b-inner');
    expect(idx.locate(at(1, 1))).toBe('a-outer');
  });

  it('handles MultiPolygon parts, including a part with a hole', () => {
    const geometry: AreaGeometry = {
      type: 'MultiPolygon',
      coordinates: [[square(0, 0, 2)], [square(10, 0, 6), square(12, 2, 2).reverse()]],
    };
    const idx = buildGridIndex([grid('multi', geometry)]);
    expect(idx.locate(at(1, 1))).toBe('multi');
    expect(idx.locate(at(11, 1))).toBe('multi');
    expect(idx.locate(at(5, 1))).toBeNull(); // between the parts, inside the overall bbox
    expect(idx.locate(at(13, 3))).toBeNull(); // in the second part's hole
  });

  it('tests the polygon exactly, not its bounding box (concave shape)', () => {
    const u: Position[] = [[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]];
    const idx = buildGridIndex([grid('u', poly(u))]);
    expect(idx.locate(at(1.5, 2))).toBeNull(); // in the notch
    expect(idx.locate(at(0.5, 2))).toBe('u');
    expect(idx.locate(at(2.5, 2))).toBe('u');
  });

  it('gives a point on a shared edge to the smaller id, whatever the order', () => {
    const a = grid('a', poly(square(1, 0, 1)));
    const b = grid('b', poly(square(0, 0, 1)));
    for (const grids of [[a, b], [b, a]]) {
      const idx = buildGridIndex(grids);
      expect(idx.locate(at(1, 0.5))).toBe('a');
      expect(idx.locate(at(0.5, 0.5))).toBe('b');
      expect(idx.locate(at(1.5, 0.5))).toBe('a');
    }
  });

  it('gives a corner where four grids meet to the smallest id, whatever the order', () => {
    const grids = [grid('d', poly(square(0, 0, 1))), grid('c', poly(square(1, 0, 1))), grid('b', poly(square(0, 1, 1))), grid('e', poly(square(1, 1, 1)))];
    expect(buildGridIndex(grids).locate(at(1, 1))).toBe('b');
    expect(buildGridIndex([...grids].reverse()).locate(at(1, 1))).toBe('b');
  });

  it('treats points within the tolerance of an edge as on it, and beyond it as off it', () => {
    const idx = buildGridIndex([grid('a', poly(square(113.93, 22.53, 0.01)))]);
    expect(idx.locate(at(113.94 + EDGE_TOLERANCE_DEG / 2, 22.535))).toBe('a');
    expect(idx.locate(at(113.94 + EDGE_TOLERANCE_DEG * 10, 22.535))).toBeNull();
    expect(idx.locate(at(113.94 - EDGE_TOLERANCE_DEG * 10, 22.535))).toBe('a');
  });

  it('measures the tolerance to the segment, not to its infinite line, past a diagonal edge\'s end', () => {
    const tri: Position[] = [[0, 0], [1, 1], [1, 0], [0, 0]];
    const idx = buildGridIndex([grid('tri', poly(tri))]);
    const beyond = (d: number) => at(1 + d / Math.SQRT2, 1 + d / Math.SQRT2); // on the line past (1, 1)
    expect(idx.locate(beyond(EDGE_TOLERANCE_DEG * 0.8))).toBe('tri');
    expect(idx.locate(beyond(EDGE_TOLERANCE_DEG * 1.3))).toBeNull();
  });

  it('accepts rings stored without the closing vertex', () => {
    const open: Position[] = [[0, 0], [1, 0], [1, 1], [0, 1]];
    const idx = buildGridIndex([grid('open', poly(open))]);
    expect(idx.locate(at(0.5, 0.5))).toBe('open');
    expect(idx.locate(at(1.5, 0.5))).toBeNull();
  });

  it('returns null for non-finite coordinates and from an empty index', () => {
    expect(demoIndex.locate({ lat: NaN, lng: 113.93 })).toBeNull();
    expect(demoIndex.locate({ lat: 22.54, lng: Infinity })).toBeNull();
    const empty = buildGridIndex([]);
    expect(empty.size).toBe(0);
    expect(empty.locate({ lat: 22.54, lng: 113.93 })).toBeNull();
  });

  it('refuses grids it could never locate, and duplicate ids', () => {
    expect(() => buildGridIndex([grid('none', undefined)])).toThrow(/no geometry/);
    expect(() => buildGridIndex([grid('flat', poly([[0, 0], [1, 1], [0, 0]]))])).toThrow(/fewer than 3/);
    expect(() => buildGridIndex([grid('x', poly(square(0, 0, 1))), grid('x', poly(square(2, 0, 1)))])).toThrow(/duplicate/);
  });
});
