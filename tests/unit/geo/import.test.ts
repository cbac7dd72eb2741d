import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { areaM2, intersectionAreaM2, OVERLAP_MIN_M2, overlapToleranceM2, parseAreaImport, toAreaImport } from '../../../functions/src/geo/import.ts';
import type { AreaImport, ImportProblem } from '../../../functions/src/geo/import.ts';
import { AreaTree } from '../../../functions/src/geo/areas.ts';
import type { Area, AreaGeometry, LinearRing, Position } from '../../../functions/src/geo/areas.ts';
import { demoCity } from '../../../functions/src/geo/demo-city.ts';
import { signedArea, square } from './pip.ts';

/** metres per degree of latitude (mean-radius sphere) */
const M = (6371008.8 * Math.PI) / 180;
const X0 = 113.93;
const Y0 = 22.54;
/** a square of `size`° at (X0 + dx, Y0 + dy) */
const sq = (dx: number, dy: number, size = 0.001): LinearRing => square(X0 + dx, Y0 + dy, size);
const poly = (...rings: LinearRing[]): AreaGeometry => ({ type: 'Polygon', coordinates: rings });

function gridFeature(id: string, geometry: unknown, extra: Record<string, unknown> = {}) {
  return {
    type: 'Feature',
    geometry,
    properties: {
      level: 'grid',
      id,
      name: `网格 ${id}`,
      beatId: 'bt-1',
      communityId: 'cm-1',
      communityName: '一社区',
      streetId: 'st-1',
      streetName: '一街道',
      districtId: 'gd-1',
      districtName: '一区',
      cityId: 'ct-1',
      cityName: '一市',
      ...extra,
    },
  };
}

function beatFeature(id: string, geometry: unknown, extra: Record<string, unknown> = {}) {
  return { type: 'Feature', geometry, properties: { level: 'beat', id, name: `警格 ${id}`, stationId: 'ps-1', stationName: '一派出所', stationParentId: 'gd-1', ...extra } };
}

/** Two grids side by side (0.001° ≈ 100 m squares) in one beat that covers them exactly. */
function smallImport() {
  return {
    type: 'FeatureCollection',
    features: [
      gridFeature('gr-a', poly(sq(0, 0))),
      gridFeature('gr-b', poly(sq(0.001, 0))),
      beatFeature('bt-1', poly([[X0, Y0], [X0 + 0.002, Y0], [X0 + 0.002, Y0 + 0.001], [X0, Y0 + 0.001], [X0, Y0]])),
    ],
  };
}

const codes = (problems: ImportProblem[]) => problems.map((p) => [p.featureIndex, p.code]);
const byId = (areas: Area[]) => [...areas].sort((a, b) => (a.id < b.id ? -1 : 1));
const roundTrip = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('parseAreaImport on valid input', () => {
  it('builds the whole tree from grids and beats', () => {
    const { snapshot, problems } = parseAreaImport(smallImport());
    expect(problems).toEqual([]);
    expect(snapshot.areas.map((a) => [a.id, a.level, a.parentId])).toEqual([
      ['ct-1', 'city', null],
      ['gd-1', 'district', 'ct-1'],
      ['st-1', 'street', 'gd-1'],
      ['cm-1', 'community', 'st-1'],
      ['gr-a', 'grid', 'cm-1'],
      ['gr-b', 'grid', 'cm-1'],
      ['ps-1', 'station', 'gd-1'],
      ['bt-1', 'beat', 'ps-1'],
    ]);
    expect(snapshot.areas.find((a) => a.id === 'gr-a')?.beatId).toBe('bt-1');
    expect(snapshot.areas.find((a) => a.id === 'cm-1')?.name).toBe('一社区');
    expect(snapshot.version).toMatch(/^[0-9a-f]{12}$/);
    // areas without an outline are centred on their grids
    expect(snapshot.areas.find((a) => a.id === 'ct-1')?.centroid.lng).toBeCloseTo(X0 + 0.001, 9);
    expect(snapshot.areas.find((a) => a.id === 'ps-1')?.centroid.lat).toBeCloseTo(Y0 + 0.0005, 9);
  });

  it('round-trips the demo city exported with toAreaImport: no problems, the same areas', () => {
    const demo = demoCity();
    const doc = roundTrip(toAreaImport(demo));
    expect(doc.features).toHaveLength(20 + 5 + 9); // grids, beats, outlines of city … station
    const { snapshot, problems } = parseAreaImport(doc);
    expect(problems).toEqual([]);
    expect(byId(snapshot.areas)).toEqual(byId(demo.areas));
    expect(snapshot.areas.map((a) => a.id)).toEqual(demo.areas.map((a) => a.id)); // same order too
    const [a, b] = [new AreaTree(snapshot), new AreaTree(demo)];
    for (const g of b.list({ level: 'grid' })) expect(a.lineage(g.id)).toEqual(b.lineage(g.id));
  });

  it('gives the same import the same version, in any feature order, and a changed one another', () => {
    const doc = roundTrip(toAreaImport(demoCity()));
    const v = parseAreaImport(doc).snapshot.version;
    expect(parseAreaImport(roundTrip(doc)).snapshot.version).toBe(v);
    expect(parseAreaImport({ ...doc, features: [...doc.features].reverse() }).snapshot.version).toBe(v);
    const renamed = roundTrip(doc);
    (renamed.features[3] as { properties: { name: string } }).properties.name = '改名网格';
    expect(parseAreaImport(renamed).snapshot.version).not.toBe(v);
  });

  it('does not modify its input', () => {
    const doc = smallImport();
    const before = roundTrip(doc);
    parseAreaImport(doc);
    expect(doc).toEqual(before);
  });

  it('normalises winding and drops altitude and repeated positions', () => {
    const doc = smallImport();
    const clockwise = [...sq(0, 0)].reverse().map(([x, y]) => [x, y, 12.5]);
    clockwise.splice(2, 0, clockwise[1] as number[]); // a repeated position
    doc.features[0] = gridFeature('gr-a', { type: 'Polygon', coordinates: [clockwise] });
    const { snapshot, problems } = parseAreaImport(doc);
    expect(problems).toEqual([]);
    const ring = (snapshot.areas.find((a) => a.id === 'gr-a')?.geometry as { coordinates: LinearRing[] }).coordinates[0] as LinearRing;
    expect(ring).toHaveLength(5);
    expect(ring.every((p) => p.length === 2)).toBe(true);
    expect(signedArea(ring)).toBeGreaterThan(0);
  });

  it('accepts a grid with a hole filled by another grid\'s island (MultiPolygon)', () => {
    const hole = sq(0.0004, 0.0004, 0.0002);
    const doc = smallImport();
    doc.features[0] = gridFeature('gr-a', poly(sq(0, 0), [...hole].reverse()));
    doc.features[1] = gridFeature('gr-b', { type: 'MultiPolygon', coordinates: [[sq(0.001, 0)], [hole]] });
    expect(parseAreaImport(doc).problems).toEqual([]);
  });

  it('accepts integer ids and outline features for the areas above', () => {
    const doc = smallImport();
    doc.features[0] = gridFeature('gr-a', poly(sq(0, 0)), { communityId: 440305001, streetId: 440305 });
    doc.features[1] = gridFeature('gr-b', poly(sq(0.001, 0)), { communityId: 440305001, streetId: 440305 });
    doc.features.push({ type: 'Feature', geometry: poly(sq(0, 0, 0.002)), properties: { level: 'district', id: 'gd-1', name: '一区' } } as never);
    const { snapshot, problems } = parseAreaImport(doc);
    expect(problems).toEqual([]);
    expect(snapshot.areas.find((a) => a.id === 'gr-a')?.parentId).toBe('440305001');
    expect(snapshot.areas.find((a) => a.id === 'gd-1')?.geometry?.type).toBe('Polygon');
    expect(snapshot.areas.find((a) => a.id === 'gd-1')?.centroid.lng).toBeCloseTo(X0 + 0.001, 9);
  });
});

describe('parseAreaImport reports every problem at once', () => {
  it('reports 3 different errors with their feature indexes, and nothing else', () => {
    const doc = roundTrip(toAreaImport(demoCity())) as AreaImport;
    // #2: a bow-tie (two vertices swapped); #5: the id of #4; #7: a beat that does not exist
    const ring = (doc.features[2]?.geometry as { coordinates: Position[][] }).coordinates[0] as Position[];
    [ring[1], ring[2]] = [ring[2] as Position, ring[1] as Position];
    (doc.features[5]?.properties as { id: string }).id = doc.features[4]?.properties.id as string;
    (doc.features[7]?.properties as { beatId: string }).beatId = 'bt-nowhere';
    const { problems } = parseAreaImport(doc);
    expect(codes(problems).sort()).toEqual([
      [2, 'self_intersection'],
      [5, 'duplicate_id'],
      [7, 'unknown_beat'],
    ]);
    for (const p of problems) expect(p.message).toContain(`feature #${p.featureIndex}`);
    expect(problems.find((p) => p.code === 'duplicate_id')?.featureId).toBe(doc.features[4]?.properties.id);
  });

  it('catches overlapping grids beyond the tolerance, not grids sharing an edge or a sliver', () => {
    const doc = smallImport();
    // gr-c overlaps gr-a by 10 %; gr-d shares gr-b's east edge; gr-e overlaps gr-b by a 2 cm sliver
    doc.features.push(gridFeature('gr-c', poly(sq(-0.0009, 0))), gridFeature('gr-d', poly(sq(0.002, 0))), gridFeature('gr-e', poly(sq(0.001, 0.0009998))));
    doc.features[2] = beatFeature('bt-1', poly(sq(-0.001, 0, 0.004)));
    const { problems } = parseAreaImport(doc);
    expect(codes(problems)).toEqual([[3, 'grid_overlap']]);
    expect(problems[0]?.message).toMatch(/gr-c .* overlaps gr-a/);
  });

  it('measures overlap exactly: a 0.5 m wide strip along a 100 m edge is caught, a 2 cm one is not', () => {
    const doc = smallImport();
    doc.features[1] = gridFeature('gr-b', poly(sq(0.001 - 0.5 / (M * Math.cos((Y0 * Math.PI) / 180)), 0)));
    doc.features[2] = beatFeature('bt-1', poly(sq(-0.001, -0.001, 0.004)));
    const [p] = parseAreaImport(doc).problems;
    expect(p?.code).toBe('grid_overlap');
    expect(Number(/by ([\d.]+) m²/.exec(p?.message ?? '')?.[1])).toBeCloseTo(0.5 * 0.001 * M, 0); // ≈ 55.6 m²
  });

  it('catches a beat that does not cover its grid', () => {
    const doc = smallImport();
    doc.features[2] = beatFeature('bt-1', poly(sq(0, 0))); // covers gr-a only
    const { problems } = parseAreaImport(doc);
    expect(codes(problems)).toEqual([[2, 'beat_not_covering']]);
    expect(problems[0]?.message).toMatch(/gr-b .*100\.0 %/);
  });

  it('catches a demo beat shrunk to half its grids', () => {
    const doc = roundTrip(toAreaImport(demoCity())) as AreaImport;
    const i = doc.features.findIndex((f) => f.properties.id === 'bt-shenda');
    const grids = doc.features.filter((f) => (f.properties as { beatId?: string }).beatId === 'bt-shenda');
    // the beat shrinks to its southernmost grid
    (doc.features[i] as { geometry: AreaGeometry }).geometry = grids[0]?.geometry as AreaGeometry;
    const { problems } = parseAreaImport(doc);
    expect(problems.length).toBe(3);
    expect(problems.every((p) => p.featureIndex === i && p.code === 'beat_not_covering')).toBe(true);
  });

  it.each([
    ['a ring that is not closed', (d: Doc) => void ((d.features[0] as F).geometry = { type: 'Polygon', coordinates: [sq(0, 0).slice(0, 4)] }), 'ring_not_closed'],
    ['a ring of 3 positions', (d: Doc) => void ((d.features[0] as F).geometry = { type: 'Polygon', coordinates: [[[X0, Y0], [X0 + 0.001, Y0], [X0, Y0]]] }), 'ring_too_short'],
    ['a ring on one line', (d: Doc) => void ((d.features[0] as F).geometry = poly([[X0, Y0], [X0 + 0.001, Y0], [X0 + 0.002, Y0], [X0, Y0]])), 'ring_degenerate'],
    ['a non-numeric coordinate', (d: Doc) => void ((d.features[0] as F).geometry = { type: 'Polygon', coordinates: [[[X0, Y0], ['x', Y0], [X0, Y0 + 1], [X0, Y0]]] }), 'coordinate_invalid'],
    ['a latitude out of range', (d: Doc) => void ((d.features[0] as F).geometry = poly(sq(0, 0).map(([x, y]) => [x, y + 100] as Position))), 'coordinate_out_of_range'],
    ['a Point geometry', (d: Doc) => void ((d.features[0] as F).geometry = { type: 'Point', coordinates: [X0, Y0] }), 'geometry_type'],
    ['a grid without geometry', (d: Doc) => void ((d.features[0] as F).geometry = null), 'geometry_missing'],
    ['a ring touching itself at a vertex', (d: Doc) => void ((d.features[0] as F).geometry = poly([[X0, Y0], [X0 + 0.001, Y0], [X0 + 0.0005, Y0 + 0.0005], [X0 + 0.001, Y0 + 0.001], [X0, Y0 + 0.001], [X0 + 0.0005, Y0 + 0.0005], [X0, Y0]])), 'self_intersection'],
    ['a spike folding back on itself', (d: Doc) => void ((d.features[0] as F).geometry = poly([[X0, Y0], [X0 + 0.001, Y0], [X0 + 0.0015, Y0], [X0 + 0.001, Y0], [X0 + 0.001, Y0 + 0.001], [X0, Y0 + 0.001], [X0, Y0]])), 'self_intersection'],
    ['a hole crossing the exterior', (d: Doc) => void ((d.features[0] as F).geometry = poly(sq(0, 0), [...sq(0.0008, 0.0004, 0.0004)].reverse())), 'rings_cross'],
    ['a hole outside the exterior', (d: Doc) => void ((d.features[0] as F).geometry = poly(sq(0, 0), [...sq(0.0015, 0.0004, 0.0001)].reverse())), 'hole_outside'],
    ['a hole inside another hole', (d: Doc) => void ((d.features[0] as F).geometry = poly(sq(0, 0), [...sq(0.0002, 0.0002, 0.0006)].reverse(), [...sq(0.0004, 0.0004, 0.0001)].reverse())), 'holes_overlap'],
    ['MultiPolygon parts overlapping', (d: Doc) => void ((d.features[0] as F).geometry = { type: 'MultiPolygon', coordinates: [[sq(0, 0)], [sq(0.0005, 0, 0.0005)]] }), 'parts_overlap'],
    ['a grid without beatId', (d: Doc) => void delete (d.features[0] as F).properties.beatId, 'grid_without_beat'],
    ['a grid naming a community as its beat', (d: Doc) => void ((d.features[0] as F).properties.beatId = 'cm-1'), 'unknown_beat'],
    ['a grid without its street', (d: Doc) => void delete (d.features[0] as F).properties.streetId, 'missing_parent'],
    ['a station under an area no grid names', (d: Doc) => void ((d.features[2] as F).properties.stationParentId = 'gd-9'), 'unknown_parent'],
    ['a station under a community', (d: Doc) => void ((d.features[2] as F).properties.stationParentId = 'cm-1'), 'unknown_parent'],
    ['a community named differently by two grids', (d: Doc) => void ((d.features[1] as F).properties.communityName = '二社区'), 'inconsistent_parent'],
    ['a community under two streets', (d: Doc) => void Object.assign((d.features[1] as F).properties, { streetId: 'st-2', streetName: '二街道' }), 'inconsistent_parent'],
    ['a street id reused as a district id', (d: Doc) => void Object.assign((d.features[1] as F).properties, { communityId: 'cm-2', streetId: 'gd-1', streetName: '一区' }), 'duplicate_id'],
    ['a second beat with a grid\'s id', (d: Doc) => void d.features.push(beatFeature('gr-a', poly(sq(0, 0))) as F), 'duplicate_id'],
    ['an unknown level', (d: Doc) => void ((d.features[1] as F).properties.level = 'parcel'), 'bad_level'],
    ['a blank name', (d: Doc) => void ((d.features[1] as F).properties.name = ' '), 'missing_name'],
    ['an id with surrounding spaces', (d: Doc) => void ((d.features[1] as F).properties.id = ' gr-b'), 'bad_id'],
    ['a feature that is not a Feature', (d: Doc) => void (d.features[1] = { type: 'Polygon' } as never), 'not_feature'],
    ['an outline for an area nobody names', (d: Doc) => void d.features.push({ type: 'Feature', geometry: null, properties: { level: 'street', id: 'st-9', name: '九街道' } } as never), 'unknown_area'],
  ])('reports %s', (_what, mutate, code) => {
    const doc = smallImport() as unknown as Doc;
    mutate(doc);
    const { problems } = parseAreaImport(doc);
    expect(problems.map((p) => p.code)).toContain(code);
    // one problem, not a cascade (a feature dropped for a bad id leaves the beat short of
    // nothing: gr-b's area is still inside the beat)
    expect(problems).toHaveLength(1);
  });

  it('refuses what is not a FeatureCollection, and one without grids', () => {
    for (const doc of [null, 'x', {}, { type: 'FeatureCollection' }, { type: 'Feature', features: [] }, []]) {
      expect(codes(parseAreaImport(doc).problems)).toEqual([[null, 'not_feature_collection']]);
    }
    expect(codes(parseAreaImport({ type: 'FeatureCollection', features: [] }).problems)).toEqual([[null, 'no_grids']]);
  });

  it('reports problems in several features together', () => {
    const doc = smallImport() as unknown as Doc;
    (doc.features[0] as F).geometry = { type: 'Polygon', coordinates: [sq(0, 0).slice(0, 4)] };
    (doc.features[1] as F).properties.beatId = 'bt-2';
    (doc.features[2] as F).properties.stationParentId = 'nowhere';
    doc.features.push({ type: 'Feature', properties: { level: 'grid' } } as never);
    expect(codes(parseAreaImport(doc).problems).sort()).toEqual(
      [
        [0, 'ring_not_closed'],
        [1, 'unknown_beat'],
        [2, 'unknown_parent'],
        [3, 'bad_id'],
        [3, 'missing_name'],
        [3, 'geometry_missing'],
      ].sort(),
    );
  });
});

type F = { type: string; geometry: unknown; properties: Record<string, unknown> };
type Doc = { type: string; features: F[] };

describe('intersectionAreaM2', () => {
  const kx = M * Math.cos((Y0 * Math.PI) / 180);
  const sqArea = (size: number) => size * kx * size * M;

  it('is the full area for identical shapes, 0 for neighbours sharing an edge or a corner', () => {
    expect(intersectionAreaM2(poly(sq(0, 0)), poly(sq(0, 0)))).toBeCloseTo(areaM2(poly(sq(0, 0))), 3);
    expect(intersectionAreaM2(poly(sq(0, 0)), poly(sq(0.001, 0)))).toBe(0);
    expect(intersectionAreaM2(poly(sq(0, 0)), poly(sq(0.001, 0.001)))).toBe(0);
    expect(intersectionAreaM2(poly(sq(0, 0)), poly(sq(0.005, 0)))).toBe(0);
  });

  it('measures partial, contained and concave overlaps', () => {
    expect(intersectionAreaM2(poly(sq(0, 0)), poly(sq(0.0005, 0.0005)))).toBeCloseTo(sqArea(0.0005), 1);
    expect(intersectionAreaM2(poly(sq(0, 0)), poly(sq(0.0002, 0.0002, 0.0003)))).toBeCloseTo(sqArea(0.0003), 1);
    // a U (3 × 3 units with a 1 × 2 notch) and a bar across its top: 2 of the bar's 3 units
    const u = 0.0001;
    const U: LinearRing = [[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]].map(([x, y]) => [X0 + (x as number) * u, Y0 + (y as number) * u]);
    const bar: LinearRing = [[0, 2], [3, 2], [3, 2.5], [0, 2.5], [0, 2]].map(([x, y]) => [X0 + (x as number) * u, Y0 + (y as number) * u]);
    expect(intersectionAreaM2(poly(U), poly(bar))).toBeCloseTo(2 * 0.5 * u * u * kx * M, 2);
  });

  it('subtracts holes and adds MultiPolygon parts', () => {
    const holed = poly(sq(0, 0), [...sq(0.0002, 0.0002, 0.0006)].reverse());
    expect(intersectionAreaM2(holed, poly(sq(0, 0)))).toBeCloseTo(sqArea(0.001) - sqArea(0.0006), 1);
    expect(intersectionAreaM2(holed, poly(sq(0.0003, 0.0003, 0.0002)))).toBe(0); // inside the hole
    const multi: AreaGeometry = { type: 'MultiPolygon', coordinates: [[sq(0, 0, 0.0002)], [sq(0.0008, 0.0008, 0.0002)]] };
    expect(intersectionAreaM2(multi, poly(sq(0, 0)))).toBeCloseTo(2 * sqArea(0.0002), 1);
  });

  it('matches the closed form for random rectangles (property)', () => {
    const rect = fc.record({ x: fc.double({ min: 0, max: 0.002, noNaN: true }), y: fc.double({ min: 0, max: 0.002, noNaN: true }), w: fc.double({ min: 1e-5, max: 0.002, noNaN: true }), h: fc.double({ min: 1e-5, max: 0.002, noNaN: true }) });
    const ring = (r: { x: number; y: number; w: number; h: number }): LinearRing => [[X0 + r.x, Y0 + r.y], [X0 + r.x + r.w, Y0 + r.y], [X0 + r.x + r.w, Y0 + r.y + r.h], [X0 + r.x, Y0 + r.y + r.h], [X0 + r.x, Y0 + r.y]];
    fc.assert(
      fc.property(rect, rect, (a, b) => {
        const ox = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
        const oy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
        const got = intersectionAreaM2(poly(ring(a)), poly(ring(b)));
        // exact up to the projection's latitude (well under 0.1 %) and the 1 cm on-line band
        const want = ox * kx * oy * M;
        expect(Math.abs(got - want)).toBeLessThanOrEqual(want * 2e-3 + 0.01 * (a.w + a.h + b.w + b.h) * M * 2 + 1e-6);
      }),
      { numRuns: 500 },
    );
  });

  it('has a tolerance of max(1 m², 0.1 % of the smaller area)', () => {
    expect(overlapToleranceM2(100, 50_000)).toBe(OVERLAP_MIN_M2);
    expect(overlapToleranceM2(90_000, 250_000)).toBeCloseTo(90, 9);
  });
});
