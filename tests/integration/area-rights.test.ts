/**
 * Area rights that must hold whatever else changes (PRODUCT.md "People": staff bound to areas
 * see and act on nothing outside them). Each refusal is checked for its status AND for leaving
 * the whole table byte-identical.
 *
 * 粤海街道 (st-yuehai) is "inside" for its dispatch centre u-dp-yuehai and for an admin bound to
 * that street only; 南头街道 (st-nantou) is outside.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startTestStack, newKey, type TestStack } from '../support/stack.ts';
import { pointIn, GRID, RESIDENT, RESIDENT2, RESIDENT3, WORKER, DISPATCHER, OTHER_WORKER, OTHER_DISPATCHER } from '../support/fixtures.ts';
import { fileReport } from '../support/checks.ts';
import { rawItem, reportIds, scanAll } from '../support/table.ts';
import { AreaModel, bearer, createBoundStaff, describeChange, OTHERS_REPORT_FIELDS, tableState } from '../support/rights.ts';
import { demoCity } from '../../functions/src/geo/demo-city.ts';
import { toAreaImport, type AreaImport } from '../../functions/src/geo/import.ts';

const GRID_OUT = 'gr-tongle-05';
const STREET_IN = 'st-yuehai';

let stack: TestStack;
let model: AreaModel;
let locIn: { lat: number; lng: number };
let locOut: { lat: number; lng: number };

beforeAll(async () => {
  stack = await startTestStack();
  model = await AreaModel.load(stack.api);
  locIn = await pointIn(stack.api, GRID);
  locOut = await pointIn(stack.api, GRID_OUT);
});
afterAll(async () => {
  await stack?.stop();
});

/** the request's status, and the table exactly as before */
async function refusedAndUnchanged<R extends { status: number; text: string }>(label: string, statuses: number[], call: () => Promise<R>): Promise<R> {
  const before = await tableState(stack);
  const r = await call();
  const after = await tableState(stack);
  expect.soft(statuses, `${label}: got ${r.status} ${r.text.slice(0, 300)}`).toContain(r.status);
  expect(describeChange(before, after), `${label}: nothing may be written`).toBe('no change');
  return r;
}

const ids = (r: { json: any }) => (r.json?.items ?? []).map((i: { id: string }) => i.id) as string[];

describe('(b) a street dispatcher and the moderation queue', () => {
  let inside: string;
  let outside: string;

  beforeAll(async () => {
    // flagged by the text check (the stand-in judges 赌博 risky), one per street
    inside = (await fileReport(stack.api, RESIDENT, { category: 'dispute', description: '楼下有人聚众赌博', location: locIn })).id;
    outside = (await fileReport(stack.api, RESIDENT2, { category: 'dispute', description: '南头有人聚众赌博', location: locOut })).id;
  });

  it('lists only reports of their street, on every page', async () => {
    const all = await stack.api.get('/v1/admin/moderation?limit=100', DISPATCHER);
    expect(all.status, all.text).toBe(200);
    expect(ids(all)).toContain(inside);
    expect(ids(all)).not.toContain(outside);
    for (const item of all.json.items) expect(model.coversGrid([STREET_IN], item.grid.id), `${item.id} in ${item.grid.id}`).toBe(true);
    // paged one by one: no page leaks what the full list hides
    const paged: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const page: { status: number; json: any; text: string } = await stack.api.get(`/v1/admin/moderation?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, DISPATCHER);
      expect(page.status, page.text).toBe(200);
      paged.push(...ids(page));
      cursor = page.json.cursor;
      if (!cursor) break;
    }
    expect(paged).not.toContain(outside);
    expect(paged).toContain(inside);
    // the control: the other street's centre sees its own
    const theirs = await stack.api.get('/v1/admin/moderation?limit=100', OTHER_DISPATCHER);
    expect(ids(theirs)).toContain(outside);
    expect(ids(theirs)).not.toContain(inside);
  });

  it('deciding on another street’s report is 403 and writes nothing; its own centre may', async () => {
    for (const decision of ['approve', 'hide']) {
      const r = await refusedAndUnchanged(`${decision} ${outside} as ${DISPATCHER}`, [403], () => stack.api.post(`/v1/admin/moderation/${outside}`, { decision, note: '越界审核' }, DISPATCHER));
      expect(r.text).not.toContain('南头有人');
    }
    const view = await stack.api.get(`/v1/reports/${outside}`, OTHER_DISPATCHER);
    expect(view.json.moderation.reviewed).toBeNull();
    expect(ids(await stack.api.get('/v1/admin/moderation?limit=100', OTHER_DISPATCHER))).toContain(outside);
    const ok = await stack.api.post(`/v1/admin/moderation/${outside}`, { decision: 'approve' }, OTHER_DISPATCHER);
    expect(ok.status, ok.text).toBe(200);
  });
});

describe('(c) a dispatcher filing a caller’s report outside their street', () => {
  const phoneReport = (location: { lat: number; lng: number }, source = 'phone') => ({
    category: 'fire_exit_blocked',
    description: '来电反映：消防通道被堵',
    location,
    address: '南头城 5 栋',
    source,
    caller: { name: '刘先生', phone: '13800000000' },
  });

  it('is 403 and writes nothing: no report, timeline, outbox, audit or idempotency record', async () => {
    const reportsBefore = reportIds(await scanAll()).length;
    for (const source of ['phone', '110']) {
      await refusedAndUnchanged(`${source} report outside as ${DISPATCHER}`, [403], () => stack.api.post('/v1/reports', phoneReport(locOut, source), DISPATCHER));
      await refusedAndUnchanged(`${source} report outside as ${DISPATCHER}, with Idempotency-Key`, [403], () =>
        stack.api.post('/v1/reports', phoneReport(locOut, source), DISPATCHER, { 'idempotency-key': newKey() }),
      );
    }
    expect(reportIds(await scanAll()).length).toBe(reportsBefore);
  });

  it('the controls: inside their street it files; the district centre files in both streets', async () => {
    const mine = await stack.api.post('/v1/reports', phoneReport(locIn), DISPATCHER);
    expect(mine.status, mine.text).toBe(201);
    expect(mine.json.source).toBe('phone');
    const district = await stack.api.post('/v1/reports', phoneReport(locOut), 'u-dp-nanshan');
    expect(district.status, district.text).toBe(201);
  });
});

describe('(d) "我也遇到": what nearby shows and who may join', () => {
  /** what a resident may see of a report they cannot open */
  const PUBLIC = OTHERS_REPORT_FIELDS;
  const nearby = (as: string, at: { lat: number; lng: number }, category = 'ebike_charging') => stack.api.get(`/v1/reports/nearby?lat=${at.lat}&lng=${at.lng}&category=${category}`, as);
  let theirs: string;
  let outsideReport: string;

  beforeAll(async () => {
    theirs = (await fileReport(stack.api, RESIDENT, { category: 'ebike_charging', description: '3 栋 502 室张家每晚把电动车推进家里充电', address: '科技园 3 栋 502', location: locIn })).id;
    outsideReport = (await fileReport(stack.api, RESIDENT, { category: 'ebike_charging', description: '南头 8 栋李家在楼道给电瓶充电', address: '南头城 8 栋 1 单元', location: locOut })).id;
  });

  it('a resident sees another’s report without its description, address or location', async () => {
    expect((await stack.api.get(`/v1/reports/${theirs}`, RESIDENT2)).status).toBe(403);
    const r = await nearby(RESIDENT2, locIn);
    expect(r.status, r.text).toBe(200);
    const item = r.json.items.find((i: { id: string }) => i.id === theirs);
    expect(item, 'the report is still offered to join').toBeDefined();
    expect(item.category).toBe('ebike_charging');
    expect(item.status).toBe('reported');
    expect(typeof item.distanceMeters).toBe('number');
    expect(Object.keys(item).filter((k) => !PUBLIC.includes(k))).toEqual([]);
    expect(r.text).not.toContain('502');
    expect(r.text).not.toContain('张家');
    // the reporter may open it, so may see it whole
    const own = (await nearby(RESIDENT, locIn)).json.items.find((i: { id: string }) => i.id === theirs);
    expect(own.description).toContain('电动车');
  });

  it('staff never get the description, address or location of a report outside their areas', async () => {
    for (const [as, at, id] of [[OTHER_WORKER, locIn, theirs], [DISPATCHER, locOut, outsideReport]] as const) {
      const r = await nearby(as, at);
      expect(r.status, r.text).toBe(200);
      const item = r.json.items.find((i: { id: string }) => i.id === id);
      if (item) expect(Object.keys(item).filter((k) => !PUBLIC.includes(k)), `${as} sees ${id}`).toEqual([]);
      expect(r.text).not.toContain('502');
      expect(r.text).not.toContain('李家');
      expect(r.text).not.toContain('8 栋');
    }
    // (that they are not listed at all is a cell of authorization-matrix.test.ts)
    // the controls: staff of the place see it, whole
    const worker = (await nearby(WORKER, locIn)).json.items.find((i: { id: string }) => i.id === theirs);
    expect(worker?.description).toContain('电动车');
    const centre = (await nearby(OTHER_DISPATCHER, locOut)).json.items.find((i: { id: string }) => i.id === outsideReport);
    expect(centre?.description).toContain('李家');
  });

  it('following a report hidden by moderation is refused and writes nothing; once approved it may be joined', async () => {
    const flagged = (await fileReport(stack.api, RESIDENT, { category: 'fire_exit_blocked', description: '楼道里有人赌博，还堵了安全出口', location: locIn })).id;
    const hidden = (await fileReport(stack.api, RESIDENT, { category: 'fire_exit_blocked', description: '地下室有人赌博，出口被锁', location: locIn })).id;
    expect((await stack.api.post(`/v1/admin/moderation/${hidden}`, { decision: 'hide' }, 'u-admin')).status).toBe(200);
    for (const id of [flagged, hidden]) {
      expect(ids(await nearby(RESIDENT2, locIn, 'fire_exit_blocked'))).not.toContain(id);
      await refusedAndUnchanged(`follow ${id} (hidden by moderation) as ${RESIDENT2}`, [403, 404], () => stack.api.post(`/v1/reports/${id}/follow`, {}, RESIDENT2));
      expect((await stack.api.get(`/v1/reports/${id}`, RESIDENT2)).status).not.toBe(200);
    }
    // the control: a reviewer approves, and the report may be joined
    expect((await stack.api.post(`/v1/admin/moderation/${flagged}`, { decision: 'approve' }, DISPATCHER)).status).toBe(200);
    expect(ids(await nearby(RESIDENT3, locIn, 'fire_exit_blocked'))).toContain(flagged);
    expect((await stack.api.post(`/v1/reports/${flagged}/follow`, {}, RESIDENT3)).status).toBe(201);
  });
});

describe('asking about areas beyond mine', () => {
  it('a street’s dispatch centre gets 403 for the district, the city, the other street and the police station on every area query', async () => {
    for (const areaId of ['gd-nanshan', 'ct-shenzhen', 'st-nantou', 'ps-yuehai']) {
      for (const path of ['/v1/stats', '/v1/stats/heatmap', '/v1/export/reports.csv', '/v1/reports/overdue', '/v1/staff']) {
        const r = await stack.api.get(`${path}?areaId=${areaId}`, DISPATCHER);
        expect(r.status, `${path}?areaId=${areaId}: ${r.text.slice(0, 200)}`).toBe(403);
      }
    }
    // the control: the district centre may ask about its district
    expect((await stack.api.get('/v1/stats?areaId=gd-nanshan', 'u-dp-nanshan')).status).toBe(200);
  });
});

describe('failed pushes are the city admin’s', () => {
  it('the city admin lists and replays them; an admin of one street may not', async () => {
    const street = await createBoundStaff(stack.api, 'u-admin', { name: '粤海街道管理员（推送）', role: 'admin', areaIds: [STREET_IN] }, 'o-rights-push-admin');
    expect((await stack.api.get('/v1/admin/push/dead-letters', 'u-admin')).status).toBe(200);
    expect((await stack.api.call('POST', '/v1/admin/push/replay', { as: 'u-admin' })).status).toBe(200);
    expect((await stack.api.call('GET', '/v1/admin/push/dead-letters', { headers: bearer(street.token) })).status).toBe(403);
    await refusedAndUnchanged('replay as a street admin', [403], () => stack.api.call('POST', '/v1/admin/push/replay', { headers: bearer(street.token) }));
  });
});

describe('(a) an admin bound to one street and the city’s map', () => {
  const s3 = () =>
    new S3Client({ endpoint: stack.s3Endpoint, region: 'cn-north-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const areaObjects = async () => ((await s3().send(new ListObjectsV2Command({ Bucket: stack.bucket, Prefix: 'areas/' }))).Contents ?? []).map((o) => `${o.Key}@${o.ETag}`).sort();
  /** a city-wide import that differs from the map in force, so a leak would be a new version */
  const cityImport = () => {
    const next = toAreaImport(demoCity()) as AreaImport;
    for (const f of next.features as any[]) if (f.properties.id === GRID) f.properties.name = '科技园社区第一网格（街道管理员改）';
    return next;
  };

  it('a city-wide import is 403 and writes nothing: table identical, pointer, version and stored files unchanged', async () => {
    const admin = await createBoundStaff(stack.api, 'u-admin', { name: '粤海街道管理员', role: 'admin', areaIds: [STREET_IN] }, 'o-rights-street-admin');
    const me = await stack.api.call('GET', '/v1/me', { headers: bearer(admin.token) });
    expect(me.json).toMatchObject({ role: 'admin', areaIds: [STREET_IN] });
    const pointer = await rawItem('AREASET', 'CURRENT');
    const version = (await stack.api.get('/v1/areas?level=grid')).json.version;
    const objects = await areaObjects();
    expect(pointer, 'the areas pointer exists').toBeDefined();
    const r = await refusedAndUnchanged('PUT /v1/admin/areas as the street admin', [403], () => stack.api.call('PUT', '/v1/admin/areas', { headers: bearer(admin.token), body: cityImport() }));
    expect(r.json.error.code).toBe('forbidden');
    expect(await rawItem('AREASET', 'CURRENT')).toEqual(pointer);
    expect((await stack.api.get('/v1/areas?level=grid')).json.version).toBe(version);
    expect(await areaObjects(), 'no area files stored for a refused import').toEqual(objects);
    expect((await stack.api.get('/v1/areas?level=grid')).json.items.find((g: { id: string }) => g.id === GRID).name).not.toContain('街道管理员改');
    // nor any other staff role
    for (const as of [DISPATCHER, WORKER]) await refusedAndUnchanged(`PUT /v1/admin/areas as ${as}`, [403], () => stack.api.call('PUT', '/v1/admin/areas', { as, body: cityImport() }));
  });

  it('the control: the same body from the city admin is a new version (the refusal was about rights)', async () => {
    const version = (await stack.api.get('/v1/areas?level=grid')).json.version;
    const r = await stack.api.call('PUT', '/v1/admin/areas', { as: 'u-admin', body: cityImport() });
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    expect(r.json.version).not.toBe(version);
    expect((await rawItem('AREASET', 'CURRENT'))?.version).toBe(r.json.version);
  });
});
