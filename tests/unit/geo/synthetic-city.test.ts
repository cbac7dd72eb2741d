import { describe, it, expect } from 'vitest';
import { syntheticCity } from '../../support/synthetic-city.ts';
import { parseAreaImport, toAreaImport } from '../../../functions/src/geo/import.ts';
import { validateSnapshot } from '../../../functions/src/geo/areas.ts';
import type { AreaGeometry, LinearRing } from '../../../functions/src/geo/areas.ts';

const city = syntheticCity({ grids: 2000, beats: 125, seed: 3 });
const grids = city.areas.filter((a) => a.level === 'grid');

describe('syntheticCity', () => {
  it('is deterministic from the seed', () => {
    expect(syntheticCity({ grids: 2000, beats: 125, seed: 3 })).toEqual(city);
    expect(syntheticCity({ grids: 2000, beats: 125, seed: 4 }).areas[40]).not.toEqual(city.areas[40]);
  });

  it('has the asked-for grids and beats, 16 grids per beat, and a valid tree', () => {
    expect(grids).toHaveLength(2000);
    const beats = city.areas.filter((a) => a.level === 'beat');
    expect(beats).toHaveLength(125);
    for (const b of beats) expect(grids.filter((g) => g.beatId === b.id)).toHaveLength(16);
    expect(validateSnapshot(city)).toEqual([]);
    expect(() => syntheticCity({ grids: 100, beats: 7, seed: 1 })).toThrow(/multiple/);
  });

  it('has irregular grids of 10–40 vertices, some with holes, some MultiPolygons', () => {
    const exteriors = grids.map((g) => {
      const geo = g.geometry as AreaGeometry;
      return (geo.type === 'Polygon' ? geo.coordinates[0] : geo.coordinates[0]?.[0]) as LinearRing;
    });
    const counts = exteriors.map((r) => r.length - 1);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...counts)).toBeLessThanOrEqual(40);
    expect(new Set(counts).size).toBeGreaterThan(15);
    const holed = grids.filter((g) => (g.geometry?.type === 'Polygon' ? g.geometry.coordinates.length > 1 : g.geometry?.coordinates[0]?.length !== 1));
    const multi = grids.filter((g) => g.geometry?.type === 'MultiPolygon');
    expect(holed.length).toBeGreaterThan(40);
    expect(multi.length).toBeGreaterThan(20);
  });

  it('passes the import checks: simple rings, no overlaps, beats covering their grids', () => {
    const { snapshot, problems } = parseAreaImport(JSON.parse(JSON.stringify(toAreaImport(city))));
    expect(problems).toEqual([]);
    expect(snapshot.areas).toHaveLength(city.areas.length);
  });
});
