/**
 * The building index: the one-cell answer locate uses (nearest within 30 m) agrees with the
 * tree's answer and with a scan over every building, for points all over the demo register.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { demoPlaces } from '../../../functions/src/geo/demo-register.ts';
import { footprintMeters, PlaceIndex } from '../../../functions/src/geo/places.ts';

const places = demoPlaces();
const index = new PlaceIndex(places);
const M = (6371008.8 * Math.PI) / 180;

describe('PlaceIndex.nearest', () => {
  it('the cell answer equals the tree answer and a full scan', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: places.buildings.length - 1 }), fc.double({ min: -80, max: 80, noNaN: true }), fc.double({ min: -80, max: 80, noNaN: true }), fc.integer({ min: 0, max: 30 }), (i, dx, dy, r) => {
        const b = places.buildings[i]!;
        const p = { lat: b.point.lat + dy / M, lng: b.point.lng + dx / (M * Math.cos((b.point.lat * Math.PI) / 180)) };
        const cell = index.nearest(p, r, 1)[0];
        const tree = index.nearest(p, r, 3)[0];
        const scan = places.buildings
          .map((x) => ({ id: x.id, m: x.footprint ? footprintMeters(x.footprint, p) : Math.hypot((x.point.lng - p.lng) * M * Math.cos((p.lat * Math.PI) / 180), (x.point.lat - p.lat) * M) }))
          .filter((x) => x.m <= r)
          .sort((a, b2) => a.m - b2.m || (a.id < b2.id ? -1 : 1))[0];
        expect(cell?.building.id).toBe(tree?.building.id);
        expect(cell?.building.id).toBe(scan?.id);
        if (cell) expect(cell.meters).toBeCloseTo(scan!.m, 6);
      }),
      { numRuns: 400 },
    );
  });

  it('a point inside a footprint is 0 m from it; far away finds nothing', () => {
    const b = places.buildings.find((x) => x.footprint)!;
    expect(index.nearest(b.point, 30)).toEqual([{ building: b, meters: 0 }]);
    expect(index.nearest({ lat: 22.0, lng: 113.0 }, 30)).toEqual([]);
    expect(index.nearest({ lat: Number.NaN, lng: 113.9 }, 30)).toEqual([]);
    expect(new PlaceIndex({ buildings: [], roads: [] }).nearest(b.point, 30)).toEqual([]);
  });

  it('the nearest road is named within its distance and not beyond', () => {
    const road = places.roads.find((r) => r.name === '深南大道')!;
    const [lng, lat] = road.lines[0]![Math.floor(road.lines[0]!.length / 2)]!;
    expect(index.nearestRoad({ lat, lng }, 100)?.road.name).toBe('深南大道');
    expect(index.nearestRoad({ lat: 22.0, lng: 113.0 }, 100)).toBeNull();
  });
});
