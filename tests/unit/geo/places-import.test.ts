/**
 * The address-register layers of an area import: what a city's building and road layers must
 * hold, each problem reported with the feature's index, nothing half-accepted.
 */
import { describe, expect, it } from 'vitest';
import { parseAreaImport, toAreaImport } from '../../../functions/src/geo/import.ts';
import { demoCity } from '../../../functions/src/geo/demo-city.ts';
import { demoPlaces } from '../../../functions/src/geo/demo-register.ts';
import { initialsOf } from '../../../functions/src/geo/places-import.ts';
import { PlaceIndex, buildingWords } from '../../../functions/src/geo/places.ts';

const base = toAreaImport(demoCity());
const grid = demoCity().areas.find((a) => a.id === 'gr-kejiyuan-02')!;
const c = grid.centroid;
const square = (lng: number, lat: number, d = 0.0001) => ({
  type: 'Polygon',
  coordinates: [[[lng, lat], [lng + d, lat], [lng + d, lat + d], [lng, lat + d], [lng, lat]]],
});
const building = (id: string, geometry: unknown, extra: Record<string, unknown> = {}) => ({ type: 'Feature', properties: { level: 'building', id, estate: '测试花园', number: id.slice(-1), ...extra }, geometry });
const parse = (...features: unknown[]) => parseAreaImport({ ...base, features: [...base.features, ...features] });

describe('building features', () => {
  it('reads a footprint and a point, inside one grid, with its words and initials', () => {
    const { places, problems, snapshot } = parse(building('bd-t-1', square(c.lng, c.lat), { units: 2, floors: 18 }), building('bd-t-2', { type: 'Point', coordinates: [c.lng + 0.001, c.lat] }));
    expect(problems).toEqual([]);
    expect(places.buildings.map((b) => [b.id, b.gridId, b.name, b.units, b.floors, b.initials])).toEqual([
      ['bd-t-1', grid.id, '测试花园 1栋', 2, 18, 'cshy1'],
      ['bd-t-2', grid.id, '测试花园 2栋', null, null, 'cshy2'],
    ]);
    expect(places.buildings[0]!.label).toBe('粤海街道 科技园社区 测试花园 1栋');
    // the register is part of the version: the same areas with another register are another version
    expect(snapshot.version).not.toBe(parseAreaImport(base).snapshot.version);
    expect(parse(building('bd-t-2', { type: 'Point', coordinates: [c.lng + 0.001, c.lat] }), building('bd-t-1', square(c.lng, c.lat), { units: 2, floors: 18 })).snapshot.version).toBe(snapshot.version);
  });

  it('refuses a building outside every grid, across two grids, and a duplicate, each with its feature index', () => {
    const n = base.features.length;
    const other = demoCity().areas.find((a) => a.id === 'gr-kejiyuan-03')!;
    const { problems, places } = parse(
      building('bd-t-1', { type: 'Point', coordinates: [113.5, 22.3] }),
      building('bd-t-2', square(c.lng, c.lat, (other.centroid.lng - c.lng) * 1.1)),
      building('bd-t-3', square(c.lng, c.lat)),
      building('bd-t-4', square(c.lng + 0.0005, c.lat), { number: '3' }),
      building('bd-t-3', square(c.lng + 0.001, c.lat)),
    );
    expect(problems.map((p) => [p.featureIndex, p.code])).toEqual([
      [n, 'building_outside_grid'],
      [n + 1, 'building_across_grids'],
      [n + 3, 'duplicate_building'],
      [n + 4, 'duplicate_id'],
    ]);
    expect(places.buildings.map((b) => b.id)).toEqual(['bd-t-3']);
  });

  it('refuses bad columns and bad geometry with their index', () => {
    const n = base.features.length;
    const { problems } = parse(
      building('bd-t-1', square(c.lng, c.lat), { estate: ' ' }),
      building('bd-t-2', square(c.lng, c.lat), { units: 0, floors: 1.5 }),
      building('bd-t-3', { type: 'Polygon', coordinates: [[[c.lng, c.lat], [c.lng + 0.001, c.lat], [c.lng, c.lat + 0.001]]] }),
      building('bd-t-4', null),
      building('bd-t-5', square(c.lng, c.lat), { street: '南头街道' }),
      building('gr-kejiyuan-01', { type: 'Point', coordinates: [c.lng, c.lat] }),
      { type: 'Feature', properties: { level: 'road', id: 'rd-x', name: '测试路' }, geometry: { type: 'LineString', coordinates: [[c.lng, c.lat]] } },
      { type: 'Feature', properties: { level: 'road', id: 'rd-y', name: '测试路', kind: 'highway' }, geometry: { type: 'LineString', coordinates: [[c.lng, c.lat], [c.lng + 0.01, c.lat]] } },
    );
    expect(problems.map((p) => [p.featureIndex, p.code])).toEqual([
      [n, 'bad_building'],
      [n + 1, 'bad_building'],
      [n + 1, 'bad_building'],
      [n + 2, 'ring_not_closed'],
      [n + 3, 'geometry_missing'],
      [n + 4, 'bad_building'],
      [n + 5, 'duplicate_id'],
      [n + 6, 'bad_road'],
      [n + 7, 'bad_road'],
    ]);
  });

  it('round-trips: toAreaImport of the demo register reads back as the same register', () => {
    const places = demoPlaces();
    const again = parseAreaImport(toAreaImport(demoCity(), places));
    expect(again.problems).toEqual([]);
    expect(again.places.buildings.length).toBe(places.buildings.length);
    expect(new Set(again.places.buildings.map((b) => b.id))).toEqual(new Set(places.buildings.map((b) => b.id)));
    expect(again.places.roads.map((r) => r.name).sort()).toEqual(places.roads.map((r) => r.name).sort());
  });
});

describe('words and search', () => {
  it('initials and labels', () => {
    expect(initialsOf('深南花园')).toBe('snhy');
    expect(initialsOf('阳光棕榈园')).toBe('ygzly');
    expect(initialsOf('A座')).toBe('az');
    expect(buildingWords({ estate: '深南花园', number: '3', streetName: '粤海街道', communityName: '海珠社区' })).toEqual({
      name: '深南花园 3栋',
      address: '粤海街道海珠社区深南花园3栋',
      label: '粤海街道 海珠社区 深南花园 3栋',
    });
    expect(buildingWords({ estate: '南头古城', number: '商铺', streetName: 's', communityName: 'c' }).name).toBe('南头古城 商铺');
  });

  it('search ranks prefix matches first and respects the filter', () => {
    const index = new PlaceIndex(demoPlaces());
    const hits = index.search('hy', {}, 500);
    expect(hits.length).toBeGreaterThan(0);
    const firstNonPrefix = hits.findIndex((b) => !b.initials.startsWith('hy') && !b.name.startsWith('hy'));
    if (firstNonPrefix >= 0) expect(hits.slice(firstNonPrefix).every((b) => !b.initials.startsWith('hy'))).toBe(true);
    const some = index.search('', { gridId: 'gr-haizhu-01' }, 500);
    expect(some.length).toBeGreaterThan(0);
    expect(some.every((b) => b.gridId === 'gr-haizhu-01')).toBe(true);
    expect(index.search('深南 花园 3', {}, 5).map((b) => b.name)).toEqual(['深南花园 3栋']);
  });
});
