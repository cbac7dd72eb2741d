/**
 * Place over the API, against the seeded demo register: locate answers with the building a point
 * is at (and none beyond 30 m), a label people read, the boundary of the next grid and when to
 * confirm; the register's search; reports filed by building; duplicates and 重复隐患 by building,
 * two residents filing in one building at once both counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { expectError } from '../support/checks.ts';
import { DISPATCHER, LEADER, OTHER_DISPATCHER, RESIDENT, RESIDENT2, RESIDENT3, WORKER } from '../support/fixtures.ts';
import { demoPlaces } from '../../functions/src/geo/demo-register.ts';
import { demoCity } from '../../functions/src/geo/demo-city.ts';
import { PlaceIndex, type Building } from '../../functions/src/geo/places.ts';
import type { Position } from '../../functions/src/geo/areas.ts';

let stack: TestStack;
const places = demoPlaces();
const index = new PlaceIndex(places);
const M_PER_DEG = (6371008.8 * Math.PI) / 180;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const locate = (p: { lat: number; lng: number }, extra = '') => stack.api.get(`/v1/areas/locate?lat=${p.lat}&lng=${p.lng}&datum=wgs84${extra}`);
const byNumber = (estate: string, number: string) => places.buildings.find((b) => b.estate === estate && b.number === number)!;
/** a point `m` metres east of p */
const east = (p: { lat: number; lng: number }, m: number) => ({ lat: p.lat, lng: p.lng + m / (M_PER_DEG * Math.cos((p.lat * Math.PI) / 180)) });

/** A point 10 m inside grid `a` from the middle of an edge it shares with another grid. */
function nearBoundary(): { point: { lat: number; lng: number }; inside: string; other: string } {
  const grids = demoCity().areas.filter((g) => g.level === 'grid');
  const edges = new Map<string, string>();
  const key = (p: Position, q: Position) => [p.join(','), q.join(',')].sort().join('|');
  for (const g of grids) {
    const ring = g.geometry!.type === 'Polygon' ? g.geometry!.coordinates[0]! : g.geometry!.coordinates[0]![0]!;
    for (let i = 1; i < ring.length; i++) {
      const k = key(ring[i - 1]!, ring[i]!);
      const other = edges.get(k);
      if (other && other !== g.id) {
        const [a, b] = [ring[i - 1]!, ring[i]!];
        const mid = { lng: (a[0] + b[0]) / 2, lat: (a[1] + b[1]) / 2 };
        const kx = M_PER_DEG * Math.cos((mid.lat * Math.PI) / 180);
        // the ring is counter-clockwise: the left normal of a→b points into g
        const dx = (b[0] - a[0]) * kx;
        const dy = (b[1] - a[1]) * M_PER_DEG;
        const len = Math.hypot(dx, dy);
        if (len < 100) continue;
        return { point: { lng: mid.lng + ((-dy / len) * 10) / kx, lat: mid.lat + ((dx / len) * 10) / M_PER_DEG }, inside: g.id, other };
      }
      edges.set(k, g.id);
    }
  }
  throw new Error('no shared edge found');
}

describe('locate with the address register', () => {
  it('gives the building a point is in (0 m) with its label, for footprints across the city', async () => {
    const sample = places.buildings.filter((b) => b.footprint).filter((_, i) => i % 40 === 0);
    expect(sample.length).toBeGreaterThanOrEqual(6);
    for (const b of sample) {
      const r = await locate(b.point);
      expect(r.status, r.text).toBe(200);
      expect(r.json.building, b.id).toMatchObject({ id: b.id, name: b.name, meters: 0 });
      expect(r.json.label).toBe(b.label);
      expect(r.json.label).toMatch(/^(粤海|南头)街道 \S+社区 \S+ \S+$/);
      expect(r.json.grid.id).toBe(b.gridId);
    }
  });

  it('gives a building 20 m away, and none beyond 30 m (the label then names the area and a nearby road)', async () => {
    // a building with no neighbour on one side: 20 m beyond its footprint that way is still its
    const dirs = [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ] as const;
    const step = (p: { lat: number; lng: number }, [dx, dy]: readonly [number, number], m: number) => ({
      lat: p.lat + (dy * m) / M_PER_DEG,
      lng: p.lng + (dx * m) / (M_PER_DEG * Math.cos((p.lat * Math.PI) / 180)),
    });
    let found: { b: Building; dir: readonly [number, number]; start: { lat: number; lng: number } } | null = null;
    for (const b of places.buildings.filter((x) => x.footprint)) {
      for (const dir of dirs) {
        // leave the footprint along dir, then go 20 m on
        let start = b.point;
        while (index.nearest(start, 0).some((h) => h.building.id === b.id)) start = step(start, dir, 1);
        const p = step(start, dir, 20);
        if (index.nearest(p, 30, 1)[0]?.building.id === b.id) {
          found = { b, dir, start };
          break;
        }
      }
      if (found) break;
    }
    expect(found).not.toBeNull();
    const { b, dir, start } = found!;
    const near = step(start, dir, 20);
    const r = await locate(near);
    expect(r.json.building.id).toBe(b.id);
    expect(r.json.building.meters).toBeGreaterThanOrEqual(17);
    expect(r.json.building.meters).toBeLessThanOrEqual(21);
    // a point with nothing of the register within 30 m (computed from the register itself)
    let lonely: { lat: number; lng: number } | null = null;
    for (let m = 40; m < 400 && !lonely; m += 10) {
      const p = step(start, dir, m);
      if (index.nearest(p, 35).length === 0 && (await locate(p)).status === 200) lonely = p;
    }
    expect(lonely).not.toBeNull();
    const none = await locate(lonely!);
    expect(none.json.building).toBeNull();
    expect(none.json.label).toMatch(/^(粤海|南头)街道 \S+社区/);
    expect(none.json.label).not.toMatch(/\d+\.\d+/);
  });

  it('a point 10 m from a grid boundary asks to confirm, with buildings to choose from; 200 m inside it does not', async () => {
    const { point, inside, other } = nearBoundary();
    const r = await locate(point);
    expect(r.json.grid.id).toBe(inside);
    expect(r.json.boundary.grid.id).toBe(other);
    expect(r.json.boundary.meters).toBeGreaterThanOrEqual(9);
    expect(r.json.boundary.meters).toBeLessThanOrEqual(11);
    expect(r.json.confirm.reason).toBe('boundary');
    expect(Array.isArray(r.json.confirm.candidates)).toBe(true);
    // a building's centre is ≥ 21 m from every grid boundary in the demo register, most far more
    const deep = places.buildings.find((b) => (index.nearest(b.point, 0)[0]?.meters ?? 1) === 0 && b.floors && b.floors > 20)!;
    const calm = await locate(deep.point);
    expect(calm.json.confirm, JSON.stringify(calm.json.boundary)).toBeNull();
  });

  it('a poor fix (accuracy 80 m) asks to confirm too, offering the buildings around', async () => {
    const b = byNumber('深南花园', '3');
    const sure = await locate(b.point, '&accuracy=10');
    expect(sure.json.confirm).toBeNull();
    const r = await locate(b.point, '&accuracy=80');
    expect(r.json.confirm.reason).toBe('accuracy');
    expect(r.json.confirm.candidates[0].id).toBe(b.id);
    expect(r.json.confirm.candidates.length).toBeGreaterThan(1);
    expect(r.json.confirm.candidates.length).toBeLessThanOrEqual(5);
    expectError(await locate(b.point, '&accuracy=-1'), 400, 'invalid_input');
  });
});

describe('GET /v1/buildings', () => {
  it('finds buildings by pinyin initials, by words, within a community; results carry their grid', async () => {
    const snhy = await stack.api.get('/v1/buildings?q=snhy');
    expect(snhy.status).toBe(200);
    expect(snhy.json.items.length).toBe(places.buildings.filter((b) => b.estate === '深南花园').length);
    for (const b of snhy.json.items) {
      expect(b.estate).toBe('深南花园');
      expect(b.grid.id).toMatch(/^gr-/);
      expect(b.location.datum).toBe('gcj02');
    }
    expect(snhy.headers.get('cache-control')).toContain('public');
    const words = await stack.api.get(`/v1/buildings?q=${encodeURIComponent('深南花园3')}`);
    expect(words.json.items.map((b: Building) => b.name)).toEqual(['深南花园 3栋']);
    const community = places.buildings[0]!.communityId;
    const all = await stack.api.get(`/v1/buildings?communityId=${community}&limit=500`);
    expect(all.json.items.length).toBe(places.buildings.filter((b) => b.communityId === community).length);
    expect(all.json.items.every((b: { community: { id: string } }) => b.community.id === community)).toBe(true);
    expect((await stack.api.get('/v1/buildings?q=zzzzqqq')).json.items).toEqual([]);
  });

  it('refuses a search with nothing to search by, and bad limits', async () => {
    expectError(await stack.api.get('/v1/buildings'), 400, 'invalid_input');
    expectError(await stack.api.get('/v1/buildings?q=snhy&limit=0'), 400, 'invalid_input');
    expectError(await stack.api.get(`/v1/buildings?q=${'长'.repeat(41)}`), 400, 'invalid_input');
  });
});

describe('GET /v1/areas/basemap', () => {
  it('serves roads, buildings and grids in GCJ-02 with their names, no tiles on the local stack, cacheable', async () => {
    const r = await stack.api.get('/v1/areas/basemap');
    expect(r.status).toBe(200);
    expect(r.json.tiles).toBeNull();
    expect(r.json.datum).toBe('gcj02');
    expect(r.json.roads.features.map((f: { properties: { name: string } }) => f.properties.name)).toContain('深南大道');
    expect(r.json.buildings.features.length).toBe(places.buildings.length);
    expect(r.json.grids.features.length).toBe(20);
    expect(r.headers.get('cache-control')).toContain('public');
    // GCJ-02 sits a few hundred metres off WGS-84 in Shenzhen
    const b = places.buildings.find((x) => !x.footprint)!;
    const f = r.json.buildings.features.find((x: { properties: { id: string } }) => x.properties.id === b.id);
    expect(Math.abs(f.geometry.coordinates[0] - b.point.lng)).toBeGreaterThan(0.003);
    const some = await stack.api.get('/v1/areas/basemap?bbox=113.93,22.53,113.935,22.535');
    expect(some.json.buildings.features.length).toBeLessThan(r.json.buildings.features.length);
    expectError(await stack.api.get('/v1/areas/basemap?bbox=1,2,3'), 400, 'invalid_input');
    expectError(await stack.api.get('/v1/areas/basemap?bbox=114,22,113,23'), 400, 'invalid_input');
  });
});

describe('reports and buildings', () => {
  it('a report filed by building alone goes to its grid and reads by its label everywhere', async () => {
    const b = byNumber('深南花园', '5');
    const r = await stack.api.post('/v1/reports', { category: 'ebike_charging', description: '楼道里给电动车充电', buildingId: b.id, unit: '2单元', floor: 5 }, RESIDENT);
    expect(r.status, r.text).toBe(201);
    expect(r.json.grid.id).toBe(b.gridId);
    expect(r.json.building).toEqual({ id: b.id, name: b.name, label: b.label });
    expect(r.json.placeLabel).toBe(b.label);
    expect(r.json).toMatchObject({ unit: '2单元', floor: 5 });
    const mine = await stack.api.get('/v1/reports?scope=mine', RESIDENT);
    expect(mine.json.items.find((i: { id: string }) => i.id === r.json.id).placeLabel).toBe(b.label);
    // a follower sees the building, not the household
    const joined = await stack.api.post(`/v1/reports/${r.json.id}/follow`, {}, RESIDENT2);
    expect(joined.status, joined.text).toBe(201);
    expect(joined.json.placeLabel).toBe(b.label);
    expect(joined.json.unit).toBeUndefined();
    expect(joined.json.floor).toBeUndefined();
  });

  it('a report at a point gets the building it is at', async () => {
    const b = byNumber('深南花园', '2');
    const r = await stack.api.post('/v1/reports', { category: 'other', description: '单元门禁坏了', location: { ...b.point, datum: 'wgs84' } }, RESIDENT);
    expect(r.json.building.id).toBe(b.id);
    expect(r.json.placeLabel).toBe(b.label);
  });

  it('refuses an unknown building, no place at all, and bad unit/floor, writing nothing', async () => {
    const before = (await stack.api.get('/v1/reports?scope=mine&limit=100', RESIDENT3)).json.items.length;
    expectError(await stack.api.post('/v1/reports', { category: 'other', description: '楼道堆物', buildingId: 'bd-nowhere-1' }, RESIDENT3), 400, 'invalid_input');
    expectError(await stack.api.post('/v1/reports', { category: 'other', description: '楼道堆物' }, RESIDENT3), 400, 'invalid_input');
    const b = byNumber('深南花园', '1');
    expectError(await stack.api.post('/v1/reports', { category: 'other', description: '楼道堆物', buildingId: b.id, floor: 1.5 }, RESIDENT3), 400, 'invalid_input');
    expectError(await stack.api.post('/v1/reports', { category: 'other', description: '楼道堆物', buildingId: b.id, unit: '一二三四五六七八九十一' }, RESIDENT3), 400, 'invalid_input');
    expect((await stack.api.get('/v1/reports?scope=mine&limit=100', RESIDENT3)).json.items.length).toBe(before);
  });

  it('我也遇到 offers an open report of the same building however far apart the points were', async () => {
    const b = byNumber('海月花园', '1');
    // filed from across the road (150 m away), about the building
    const far = east(b.point, 150);
    const filed = await stack.api.post('/v1/reports', { category: 'fire_exit_blocked', description: '消防通道被杂物堵住', buildingId: b.id, location: { ...far, datum: 'wgs84' } }, RESIDENT2);
    expect(filed.status, filed.text).toBe(201);
    const q = (extra: string) => stack.api.get(`/v1/reports/nearby?lat=${b.point.lat}&lng=${b.point.lng}&datum=wgs84&category=fire_exit_blocked${extra}`, RESIDENT3);
    expect((await q('')).json.items.map((i: { id: string }) => i.id)).not.toContain(filed.json.id);
    const withBuilding = (await q(`&buildingId=${b.id}`)).json.items;
    const hit = withBuilding.find((i: { id: string }) => i.id === filed.json.id);
    expect(hit).toMatchObject({ sameBuilding: true, placeLabel: b.label, thumbUrl: null });
    expect(hit.description).toBeUndefined();
    // staff get it as a merge candidate of a second report there
    const second = await stack.api.post('/v1/reports', { category: 'fire_exit_blocked', description: '一楼安全出口堆满纸箱', buildingId: b.id }, RESIDENT3);
    const dup = await stack.api.get(`/v1/reports/${second.json.id}/duplicates`, DISPATCHER);
    expect(dup.status, dup.text).toBe(200);
    expect(dup.json.items.map((i: { id: string }) => i.id)).toEqual([filed.json.id]);
    expect(dup.json.items[0].sameBuilding).toBe(true);
    // staff of another street may not look
    expectError(await stack.api.get(`/v1/reports/${second.json.id}/duplicates`, OTHER_DISPATCHER), 403, 'forbidden');
  });
});

describe('重复隐患', () => {
  it('3 reports of a category in one building within 90 days flag it, two filed at once both counted', async () => {
    const b = byNumber('南油小区', '2');
    const post = (as: string, n: number) => stack.api.post('/v1/reports', { category: 'unsafe_wiring', description: `楼道电线私拉乱接 ${n}`, buildingId: b.id }, as);
    const first = await post(RESIDENT, 1);
    expect(first.status, first.text).toBe(201);
    const one = await stack.api.get(`/v1/reports/${first.json.id}`, WORKER);
    expect(one.json.repeat).toBeNull();
    // two residents at the same moment: both counted (the tally's condition makes one decide again)
    const [a, c] = await Promise.all([post(RESIDENT2, 2), post(RESIDENT3, 3)]);
    expect([a.status, c.status]).toEqual([201, 201]);
    const view = await stack.api.get(`/v1/reports/${c.json.id}`, WORKER);
    expect(view.json.repeat.count).toBe(3);
    expect(view.json.repeat.reports.map((r: { id: string }) => r.id).sort()).toEqual([first.json.id, a.json.id, c.json.id].sort());
    // residents never see the flag
    expect((await stack.api.get(`/v1/reports/${c.json.id}`, RESIDENT3)).json.repeat).toBeUndefined();
    const list = await stack.api.get(`/v1/buildings/repeats?areaId=st-yuehai`, DISPATCHER);
    expect(list.status, list.text).toBe(200);
    const item = list.json.items.find((i: { building: { id: string } }) => i.building.id === b.id);
    expect(item).toMatchObject({ category: 'unsafe_wiring', count: 3, building: { label: b.label } });
    // the community's leader sees it when it is theirs; another street's centre does not
    const leaderList = await stack.api.get(`/v1/buildings/repeats?areaId=${b.communityId}`, LEADER);
    const inLeaders = b.communityId === 'cm-kejiyuan';
    if (inLeaders) expect(leaderList.json.items.some((i: { building: { id: string } }) => i.building.id === b.id)).toBe(true);
    else expectError(leaderList, 403, 'forbidden');
    expectError(await stack.api.get(`/v1/buildings/repeats?areaId=st-yuehai`, OTHER_DISPATCHER), 403, 'forbidden');
  });
});

describe('PUT /v1/admin/areas with a register', () => {
  it('refuses a building outside every grid with its feature index, and changes nothing', async () => {
    const { toAreaImport } = await import('../../functions/src/geo/import.ts');
    const doc = toAreaImport(demoCity(), places);
    const at = doc.features.length;
    const bad = { type: 'Feature', properties: { level: 'building', id: 'bd-sea-1', estate: '海上花园', number: '1' }, geometry: { type: 'Point', coordinates: [113.8, 22.4] } };
    const before = await stack.api.get('/v1/areas?level=grid');
    const r = await stack.api.call('PUT', '/v1/admin/areas', { body: { ...doc, features: [...doc.features, bad] }, as: 'u-admin' });
    expectError(r, 400, 'invalid_input');
    expect(r.json.error.details.problems).toEqual([expect.objectContaining({ featureIndex: at, featureId: 'bd-sea-1', code: 'building_outside_grid' })]);
    expect((await stack.api.get('/v1/areas?level=grid')).json.version).toBe(before.json.version);
    expect((await stack.api.get('/v1/buildings?q=hshy')).json.items).toEqual([]);
  });

  it('accepts a valid register: the new building is searchable and located at once', async () => {
    const { toAreaImport } = await import('../../functions/src/geo/import.ts');
    const doc = toAreaImport(demoCity(), places);
    const g = demoCity().areas.find((a) => a.id === 'gr-tongle-03')!;
    // a point of the grid with nothing of the register within 40 m
    let spot = g.centroid;
    for (let m = 0; index.nearest(spot, 40).length > 0 && m < 600; m += 20) spot = east(g.centroid, m);
    const added = { type: 'Feature', properties: { level: 'building', id: 'bd-xin-1', estate: '新建小区', number: '1', units: 2, floors: 9 }, geometry: { type: 'Point', coordinates: [spot.lng, spot.lat] } };
    const r = await stack.api.call('PUT', '/v1/admin/areas', { body: { ...doc, features: [...doc.features, added] }, as: 'u-admin' });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ buildings: places.buildings.length + 1, roads: places.roads.length });
    const found = await stack.api.get('/v1/buildings?q=xjxq');
    expect(found.json.items.map((b: { id: string; grid: { id: string } }) => [b.id, b.grid.id])).toEqual([['bd-xin-1', 'gr-tongle-03']]);
    expect((await locate(spot)).json.building.id).toBe('bd-xin-1');
  });
});
