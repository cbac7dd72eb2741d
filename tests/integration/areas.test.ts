/**
 * Areas over the API: a GeoJSON import is checked whole (every problem at once, nothing
 * changed), a valid one becomes the new version at once, reports keep the version they were
 * routed with, and a point just outside every grid goes to the nearest one within 200 m.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { GRID, RESIDENT, DISPATCHER } from '../support/fixtures.ts';
import { demoCity } from '../../functions/src/geo/demo-city.ts';
import { toAreaImport, type AreaImport } from '../../functions/src/geo/import.ts';
import { wgs84ToGcj02 } from '../../functions/src/geo/datum.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const put = (body: unknown, as = 'u-admin') => stack.api.call('PUT', '/v1/admin/areas', { body, as });
const currentVersion = async () => (await stack.api.get('/v1/areas?level=grid')).json.version as string;

describe('area import', () => {
  it('reports all three problems of a bad import with their feature indexes, and changes nothing', async () => {
    const before = await currentVersion();
    const bad = toAreaImport(demoCity()) as AreaImport;
    const features = bad.features as any[];
    const gridIx = features.map((f, i) => [f, i] as const).filter(([f]) => f.properties.level === 'grid').map(([, i]) => i);
    // 1. a self-intersecting ring (a bow tie)
    const [a, b, c] = [gridIx[0]!, gridIx[1]!, gridIx[2]!];
    const ring = features[a].geometry.coordinates[0];
    features[a].geometry.coordinates[0] = [ring[0], ring[2], ring[1], ring[3], ring[0]];
    // 2. a duplicate id
    features[b].properties.id = features[c].properties.id;
    // 3. a grid whose beat does not exist
    features[c + 1].properties.beatId = 'bt-nowhere';
    const r = await put(bad);
    expect(r.status, r.text).toBe(400);
    expect(r.json.error.code).toBe('invalid_input');
    const codes = r.json.error.details.problems.map((p: { code: string; featureIndex: number }) => `${p.code}@${p.featureIndex}`);
    expect(codes).toEqual(expect.arrayContaining([`self_intersection@${a}`, expect.stringMatching(/^duplicate_id@/), `unknown_beat@${c + 1}`]));
    expect(await currentVersion()).toBe(before);
  });

  it('only an admin of the whole city may import', async () => {
    expect((await put(toAreaImport(demoCity()), DISPATCHER)).status).toBe(403);
  });

  it('switches to a valid import at once; earlier reports keep the version they were routed with', async () => {
    const { api } = stack;
    const grid = (await api.get('/v1/areas?level=grid')).json.items.find((g: { id: string }) => g.id === GRID);
    const location = { lat: grid.centroid.lat, lng: grid.centroid.lng };
    const old = await api.post('/v1/reports', { category: 'other', description: '导入前的上报', location }, RESIDENT);
    const oldVersion = await currentVersion();

    const next = toAreaImport(demoCity()) as AreaImport;
    for (const f of next.features as any[]) if (f.properties.id === GRID) f.properties.name = '科技园社区第一网格（调整后）';
    const r = await put(next);
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ grids: 20, beats: 5, previous: oldVersion });
    expect(r.json.version).not.toBe(oldVersion);
    expect(await currentVersion()).toBe(r.json.version);

    const fresh = await api.post('/v1/reports', { category: 'other', description: '导入后的上报', location }, RESIDENT);
    expect(fresh.json.grid.name).toBe('科技园社区第一网格（调整后）');
    const { getReportRecord } = await import('../../functions/src/store/reports.ts');
    expect((await getReportRecord(old.json.id))?.areasVersion).toBe(oldVersion);
    expect((await getReportRecord(fresh.json.id))?.areasVersion).toBe(r.json.version);
    // importing the same boundaries again is the same version
    const again = await put(next);
    expect(again.json.version).toBe(r.json.version);
  });

  it('routes a point just outside every grid to the nearest one, and refuses one far away', async () => {
    // the demo city's western edge is lng 113.92 (WGS-84); 100 m west of it, and 1 km west
    const near = wgs84ToGcj02({ lat: 22.535, lng: 113.92 - 0.00097 });
    const far = wgs84ToGcj02({ lat: 22.535, lng: 113.92 - 0.0097 });
    const loc = await stack.api.get(`/v1/areas/locate?lat=${near.lat}&lng=${near.lng}`);
    expect(loc.status, loc.text).toBe(200);
    expect(loc.json.routing).toBe('nearest');
    expect(loc.json.distanceMeters).toBeGreaterThan(50);
    expect(loc.json.distanceMeters).toBeLessThanOrEqual(200);
    const r = await stack.api.post('/v1/reports', { category: 'other', description: '网格边界外的路边', location: near }, RESIDENT);
    expect(r.status, r.text).toBe(201);
    expect(r.json.routing.mode).toBe('nearest');
    expect(r.json.grid.id).toBe(loc.json.grid.id);
    expect((await stack.api.get(`/v1/areas/locate?lat=${far.lat}&lng=${far.lng}`)).status).toBe(404);
    expect((await stack.api.post('/v1/reports', { category: 'other', description: '太远了', location: far }, RESIDENT)).status).toBe(400);
  });
});
