/**
 * Open311 GeoReport v2 on the local stack, as a client of the spec would use it: golden XML and
 * JSON of every endpoint (normalised only where a value is of the moment: ids, times, the port),
 * POST in all three encodings with bracketed and repeated attributes, api_keys (missing, revoked,
 * a street's key outside its street), the spec's errors in the requested format, and a request
 * filed here running through the loop: in the right staff inbox, its changes in GET
 * requests/{id} and in signed webhook calls (with a receiver that fails first, then the replay).
 * UPDATE_GOLDEN=1 rewrites the golden files (tests/integration/open311-golden/).
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type Res, type TestStack } from '../support/stack.ts';
import { act } from '../support/checks.ts';
import { bearer, createBoundStaff } from '../support/rights.ts';
import { GRID, LEADER, pointIn, RESIDENT, WORKER } from '../support/fixtures.ts';
import { parseXml } from '../support/xml.ts';
import { gcj02ToWgs84 } from '../../functions/src/geo/datum.ts';

const GOLDEN = new URL('./open311-golden/', import.meta.url);
const V2 = '/open311/v2';

let stack: TestStack;
let cityKey = '';
let cityKeyId = '';
let streetKey = '';
let streetAdminToken = '';
const inGrid = { lat: 0, long: 0 };
/** a point of 南头街道, outside the street admin's 粤海街道 */
const outside = { lat: 0, long: 0 };

/** The parts of a document that are of the moment, made stable. */
function normalise(text: string): string {
  return text
    .replace(/R\d{8}[0-9A-F]{10}/g, 'R<id>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/g, '<time>')
    .replace(/127\.0\.0\.1:\d+/g, '<host>')
    .replace(/("lat": ?|<lat>)[\d.]+/g, '$1<lat>')
    .replace(/("long": ?|<long>)[\d.]+/g, '$1<long>');
}

function golden(name: string, text: string) {
  const file = new URL(name, GOLDEN);
  const got = normalise(text);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, got);
  }
  expect(got, `golden ${name}`).toBe(readFileSync(file, 'utf8'));
}

const get = (path: string) => stack.api.call('GET', path);

/** A form-encoded POST, the spec's own encoding. */
function postForm(path: string, fields: Array<[string, string]>, headers: Record<string, string> = {}): Promise<Res> {
  return stack.api.call('POST', path, { raw: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers } });
}

function expectXml(r: Res) {
  expect(r.headers.get('content-type')).toBe('text/xml; charset=utf-8');
  expect(r.text.startsWith('<?xml version="1.0" encoding="utf-8"?>\n')).toBe(true);
  return parseXml(r.text);
}

function expectJson(r: Res) {
  expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return r.json;
}

function expectSpecError(r: Res, status: number, format: 'xml' | 'json') {
  expect(r.status, r.text).toBe(status);
  if (format === 'xml') {
    const doc = expectXml(r);
    expect(doc.errors.error).toHaveLength(1);
    expect(doc.errors.error[0].code).toBe(String(status));
    expect(doc.errors.error[0].description.length).toBeGreaterThan(0);
    return doc.errors.error[0].description as string;
  }
  const body = expectJson(r);
  expect(body).toEqual([{ code: status, description: expect.any(String) }]);
  return body[0].description as string;
}

// ── a webhook receiver ────────────────────────────────────────────────────────────────────────

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}
const received: Received[] = [];
let answerWith = 200;
let receiver: Server;
let receiverUrl = '';

async function waitFor<T>(what: string, f: () => T | undefined, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await stack.drainStream();
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  process.env.WEBHOOK_RETRY_DELAYS_MS = '0,10';
  stack = await startTestStack();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(answerWith).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks/wsb`;

  const p = gcj02ToWgs84(await pointIn(stack.api, GRID));
  Object.assign(inGrid, { lat: p.lat, long: p.lng });
  const q = gcj02ToWgs84(await pointIn(stack.api, 'gr-tongle-05'));
  Object.assign(outside, { lat: q.lat, long: q.lng });

  const city = await stack.api.post('/v1/admin/apikeys', { name: '12345 市民热线' }, 'u-admin');
  expect(city.status, city.text).toBe(201);
  cityKey = city.json.apiKey;
  cityKeyId = city.json.id;
  const streetAdmin = await createBoundStaff(stack.api, 'u-admin', { name: '粤海街道管理员', role: 'admin', areaIds: ['st-yuehai'] }, 'o-open311-street-admin');
  streetAdminToken = streetAdmin.token;
  const street = await stack.api.call('POST', '/v1/admin/apikeys', { body: { name: '粤海街道 智慧社区平台' }, headers: bearer(streetAdminToken) });
  expect(street.status, street.text).toBe(201);
  streetKey = street.json.apiKey;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  receiver?.close();
});

describe('discovery and services: golden XML and JSON', () => {
  it('discovery in both forms; XML when no format is given; CORS on GET', async () => {
    const xml = await get(`${V2}/discovery.xml`);
    expect(xml.status).toBe(200);
    expect(xml.headers.get('access-control-allow-origin')).toBe('*');
    const doc = expectXml(xml);
    expect(doc.discovery.endpoints.endpoint[0].formats.format).toEqual(['text/xml', 'application/json']);
    golden('discovery.xml', xml.text);
    golden('discovery.json', JSON.stringify(expectJson(await get(`${V2}/discovery.json`)), null, 2));
    const bare = await get(`${V2}/discovery`);
    expect(bare.text).toBe(xml.text);
  });

  it('the service list: one service per category, XML by default', async () => {
    const xml = await get(`${V2}/services.xml`);
    const doc = expectXml(xml);
    expect(doc.services.service.map((s: any) => s.service_code)).toContain('gas_hazard');
    golden('services.xml', xml.text);
    const json = expectJson(await get(`${V2}/services.json?jurisdiction_id=`));
    expect(Array.isArray(json)).toBe(true);
    golden('services.json', JSON.stringify(json, null, 2));
    expect((await get(`${V2}/services`)).text).toBe(xml.text);
  });

  it('service definitions carry the category attributes (safety question, where, unit, floor)', async () => {
    const xml = await get(`${V2}/services/gas_hazard.xml`);
    const doc = expectXml(xml);
    const attrs = doc.service_definition.attributes.attribute;
    expect(attrs.map((a: any) => a.code)).toEqual(['safety', 'where', 'unit', 'floor']);
    expect(attrs[0].values.value.map((v: any) => v.key)).toEqual(['yes', 'no']);
    golden('service-gas_hazard.xml', xml.text);
    golden('service-gas_hazard.json', JSON.stringify(expectJson(await get(`${V2}/services/gas_hazard.json`)), null, 2));
    // no safety question: where, unit, floor
    const other = expectJson(await get(`${V2}/services/other.json`));
    expect(other.attributes.map((a: any) => a.code)).toEqual(['where', 'unit', 'floor']);
    expect((await get(`${V2}/services/gas_hazard`)).text).toBe(xml.text);
  });

  it('an unknown service is 404, a foreign jurisdiction 404, in the spec error list of the format asked', async () => {
    expectSpecError(await get(`${V2}/services/potholes.xml`), 404, 'xml');
    expectSpecError(await get(`${V2}/services/potholes.json`), 404, 'json');
    expectSpecError(await get(`${V2}/services.json?jurisdiction_id=sf.gov`), 404, 'json');
    const r = await get(`${V2}/requests.json?start_date=yesterday`);
    expectSpecError(r, 400, 'json');
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('POST requests', () => {
  const filed: Record<string, string> = {};

  it('403 without an api_key or with a wrong one, in the format asked, and nothing is filed', async () => {
    const before = (await get(`${V2}/requests.json`)).json.length;
    expectSpecError(await postForm(`${V2}/requests.xml`, [['service_code', 'other'], ['lat', String(inGrid.lat)], ['long', String(inGrid.long)]]), 403, 'xml');
    expectSpecError(await postForm(`${V2}/requests`, [['service_code', 'other'], ['lat', String(inGrid.lat)], ['long', String(inGrid.long)]]), 403, 'xml');
    expectSpecError(await postForm(`${V2}/requests.json`, [['api_key', 'wsb311_nosuchkey000_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'], ['service_code', 'other'], ['lat', String(inGrid.lat)], ['long', String(inGrid.long)]]), 403, 'json');
    expect((await get(`${V2}/requests.json`)).json.length).toBe(before);
  });

  it('form-encoded (the spec’s example request), bracketed multivaluelist attributes, jurisdiction_id empty', async () => {
    const r = await postForm(`${V2}/requests.xml`, [
      ['api_key', cityKey],
      ['jurisdiction_id', ''],
      ['service_code', 'fire_exit_blocked'],
      ['lat', String(inGrid.lat)],
      ['long', String(inGrid.long)],
      ['address_string', '科技园 1 号楼'],
      ['email', 'caller@example.cn'],
      ['device_id', 'tt222111'],
      ['account_id', '123456'],
      ['first_name', '明'],
      ['last_name', '李'],
      ['phone', '13800001111'],
      ['description', '1 号楼安全出口被杂物堵住'],
      ['media_url', 'https://example.cn/photos/1.jpg'],
      ['attribute[where][]', 'stairwell'],
      ['attribute[where][]', 'indoor'],
      ['attribute[unit]', '2单元'],
    ]);
    expect(r.status, r.text).toBe(200);
    const doc = expectXml(r);
    const req = doc.service_requests.request[0];
    expect(req.service_request_id).toMatch(/^R\d{8}/);
    expect(req.account_id).toBe('123456');
    expect(req.token).toBeUndefined();
    golden('post-requests.xml', r.text);
    filed.form = req.service_request_id;
  });

  it('multipart/form-data with the same attribute key repeated', async () => {
    const fd = new FormData();
    for (const [k, v] of [
      ['api_key', cityKey],
      ['service_code', 'ebike_charging'],
      ['lat', String(inGrid.lat)],
      ['long', String(inGrid.long)],
      ['description', '楼道里有电动车充电'],
      ['attribute[where]', 'stairwell'],
      ['attribute[where]', 'basement'],
      ['attribute[floor]', '-1'],
    ])
      fd.append(k!, v!);
    fd.append('media', new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0x00, 0x80])], { type: 'image/jpeg' }), 'photo.jpg');
    const res = await fetch(`${stack.url}${V2}/requests.json`, { method: 'POST', body: fd });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as any[];
    expect(body).toEqual([{ service_request_id: expect.stringMatching(/^R/), service_notice: expect.any(String), account_id: null }]);
    filed.multipart = body[0].service_request_id;
  });

  it('JSON with attributes as an object, and an Idempotency-Key retried', async () => {
    const body = { api_key: cityKey, service_code: 'gas_hazard', lat: inGrid.lat, long: inGrid.long, description: '楼道燃气表附近有异味', attribute: { safety: 'no', where: ['stairwell'] } };
    const headers = { 'idempotency-key': 'o311-retry-1' };
    const a = await stack.api.call('POST', `${V2}/requests.json`, { body, headers });
    const b = await stack.api.call('POST', `${V2}/requests.json`, { body, headers });
    expect(a.status, a.text).toBe(200);
    expect(b.json[0].service_request_id).toBe(a.json[0].service_request_id);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    filed.json = a.json[0].service_request_id;
  });

  it('refusals name what to fix: unknown service_code 400, missing safety answer, danger now, no place, unknown attribute', async () => {
    const base: Array<[string, string]> = [['api_key', cityKey], ['lat', String(inGrid.lat)], ['long', String(inGrid.long)]];
    expect(expectSpecError(await postForm(`${V2}/requests.json`, [...base, ['service_code', 'potholes']]), 400, 'json')).toContain('service_code');
    expect(expectSpecError(await postForm(`${V2}/requests.json`, [...base, ['service_code', 'gas_hazard']]), 400, 'json')).toContain('attribute[safety]');
    expectSpecError(await postForm(`${V2}/requests.json`, [...base, ['service_code', 'gas_hazard'], ['attribute[safety]', 'yes']]), 400, 'json');
    expect(expectSpecError(await postForm(`${V2}/requests.xml`, [['api_key', cityKey], ['service_code', 'other']]), 400, 'xml')).toContain('lat');
    expect(expectSpecError(await postForm(`${V2}/requests.json`, [...base, ['service_code', 'other'], ['attribute[colour]', 'red']]), 400, 'json')).toContain('attribute[colour]');
    expect(expectSpecError(await postForm(`${V2}/requests.json`, [['api_key', cityKey], ['service_code', 'other'], ['address_string', '火星基地 9 号']]), 400, 'json')).toContain('address_string');
    expectSpecError(await postForm(`${V2}/requests.json?jurisdiction_id=sf.gov`, [...base, ['service_code', 'other']]), 404, 'json');
  });

  it('address_string resolved through the building register; address_id is a building id', async () => {
    const b = await stack.api.get('/v1/buildings?q=深南花园');
    const building = b.json.items[0].building ?? b.json.items[0];
    const r = await postForm(`${V2}/requests.json`, [['api_key', cityKey], ['service_code', 'fire_equipment'], ['address_string', `深圳市南山区${building.address}`], ['description', '灭火器过期']]);
    expect(r.status, r.text).toBe(200);
    const got = (await get(`${V2}/requests/${r.json[0].service_request_id}.json`)).json[0];
    expect(got.address_id).toBe(building.id);
    const byId = await postForm(`${V2}/requests.json`, [['api_key', cityKey], ['service_code', 'fire_equipment'], ['address_id', building.id]]);
    expect(byId.status, byId.text).toBe(200);
  });

  it("a street's key files only inside its street (403 outside, nothing written)", async () => {
    const outsideR = await postForm(`${V2}/requests.json`, [['api_key', streetKey], ['service_code', 'other'], ['lat', String(outside.lat)], ['long', String(outside.long)]]);
    expectSpecError(outsideR, 403, 'json');
    const inside = await postForm(`${V2}/requests.json`, [['api_key', streetKey], ['service_code', 'other'], ['lat', String(inGrid.lat)], ['long', String(inGrid.long)]]);
    expect(inside.status, inside.text).toBe(200);
  });

  it('a request filed here is in the grid worker’s task list and inbox, routed like any report', async () => {
    await stack.drainStream();
    const view = await stack.api.get(`/v1/reports/${filed.form}`, WORKER);
    expect(view.status, view.text).toBe(200);
    expect(view.json.source).toBe('open311');
    expect(view.json.grid.id).toBe(GRID);
    expect(view.json.timeline[0].actor.name).toContain('12345 市民热线');
    const tasks = await stack.api.get('/v1/tasks?state=open&limit=100', WORKER);
    expect(tasks.json.items.map((t: any) => t.id)).toContain(filed.form);
    const inbox = await stack.api.get('/v1/inbox', WORKER);
    expect(inbox.json.items.some((i: any) => i.reportId === filed.form)).toBe(true);
    // the audit entry of the filing names the key
    const audit = await stack.api.get(`/v1/audit?reportId=${filed.form}`, 'u-admin');
    expect(audit.json.items.some((e: any) => e.actorId === `apikey-${cityKeyId}` && e.detail === 'report')).toBe(true);
  });

  it('GET requests/{id}: the spec’s fields, dates in W3C UTC without milliseconds, no caller identity', async () => {
    const xml = await get(`${V2}/requests/${filed.form}.xml`);
    const r = expectXml(xml).service_requests.request[0];
    expect(r.status).toBe('open');
    expect(r.requested_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(r.agency_responsible).toContain('·');
    expect(xml.text).not.toMatch(/13800001111|caller@example|李明|tt222111/);
    golden('request.xml', xml.text);
    const json = await get(`${V2}/requests/${filed.form}.json`);
    expect(json.text).not.toMatch(/13800001111|caller@example|李明|tt222111/);
    golden('request.json', JSON.stringify(expectJson(json), null, 2));
    // tokens: realtime services, a request id is its own token
    const t = expectJson(await get(`${V2}/tokens/${filed.form}.json`));
    expect(t).toEqual([{ service_request_id: filed.form, token: filed.form }]);
    expectSpecError(await get(`${V2}/requests/R20990101AAAAAAAAAA.json`), 404, 'json');
  });

  it('GET requests: ids comma list, service_code, status, dates with milliseconds and offsets; lists stay lists', async () => {
    const ids = await get(`${V2}/requests.json?service_request_id=${filed.form},${filed.json}`);
    expect(ids.json.map((x: any) => x.service_request_id).sort()).toEqual([filed.form, filed.json].sort());
    const one = expectXml(await get(`${V2}/requests.xml?service_request_id=${filed.form}`));
    expect(one.service_requests.request).toHaveLength(1);
    const gas = expectJson(await get(`${V2}/requests.json?service_code=gas_hazard`));
    expect(gas.length).toBeGreaterThan(0);
    expect(gas.every((x: any) => x.service_code === 'gas_hazard')).toBe(true);
    const start = new Date(Date.now() - 3600_000).toISOString(); // with milliseconds
    const offset = new Date(Date.now() + 8 * 3600_000 + 60_000).toISOString().replace('Z', '+08:00'); // China time, an offset
    const window = expectJson(await get(`${V2}/requests.json?start_date=${encodeURIComponent(start)}&end_date=${encodeURIComponent(offset)}&status=open`));
    expect(window.map((x: any) => x.service_request_id)).toContain(filed.form);
    expect(expectJson(await get(`${V2}/requests.json?status=closed&service_code=gas_hazard`))).toEqual([]);
    expectSpecError(await get(`${V2}/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2021-01-01T00:00:00Z`), 400, 'json');
    // paging: a page of 1 links the next
    const page = await get(`${V2}/requests.json?limit=1`);
    expect(page.json).toHaveLength(1);
    const next = /<([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
    expect(next).toBeDefined();
    const second = await fetch(next!.replace(/^http:\/\/[^/]+/, stack.url));
    const items = (await second.json()) as any[];
    expect(items[0].service_request_id).not.toBe(page.json[0].service_request_id);
  });

  it('anonymous reports and the reporter never appear', async () => {
    const loc = await pointIn(stack.api, GRID);
    const anon = await stack.api.post('/v1/reports', { category: 'other', description: '匿名：楼道堆物', location: loc, anonymous: true }, RESIDENT);
    expect(anon.status, anon.text).toBe(201);
    const mine = await stack.api.post('/v1/reports', { category: 'other', description: '张女士家门口堆物', location: loc }, RESIDENT);
    expectSpecError(await get(`${V2}/requests/${anon.json.id}.json`), 404, 'json');
    const list = await get(`${V2}/requests.json`);
    const ids = list.json.map((x: any) => x.service_request_id);
    expect(ids).not.toContain(anon.json.id);
    expect(ids).toContain(mine.json.id);
    const app = list.json.find((x: any) => x.service_request_id === mine.json.id);
    // a resident's own words are not published; only the kind, state and place
    expect(app.description).toBeNull();
    expect(list.text).not.toContain('张女士');
  });

  describe('status changes: GET requests/{id} and signed webhook calls', () => {
    let secret = '';
    let hookId = '';

    it('an admin registers a webhook for a key they manage; a street admin cannot for the city key', async () => {
      const refused = await stack.api.call('POST', '/v1/admin/webhooks', { body: { apiKeyId: cityKeyId, url: receiverUrl, events: ['status_changed'] }, headers: bearer(streetAdminToken) });
      expect(refused.status, refused.text).toBe(403);
      const r = await stack.api.post('/v1/admin/webhooks', { apiKeyId: cityKeyId, url: receiverUrl, events: ['status_changed'] }, 'u-admin');
      expect(r.status, r.text).toBe(201);
      secret = r.json.secret;
      hookId = r.json.id;
      const list = await stack.api.get('/v1/admin/webhooks', 'u-admin');
      expect(list.json.items.map((w: any) => w.id)).toContain(hookId);
      expect(list.text).not.toContain(secret);
    });

    it('accept and resolve: the request shows them, and the webhook is called, signed, once per change', async () => {
      const id = filed.form!;
      await act(stack.api, id, WORKER, { action: 'accept' });
      const call = await waitFor('the webhook call of accept', () => received.find((x) => JSON.parse(x.body).change.to === 'accepted' && JSON.parse(x.body).service_request.service_request_id === id));
      const body = JSON.parse(call.body);
      expect(call.headers['x-wsb-event']).toBe('status_changed');
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(call.headers['x-wsb-signature']))!;
      expect(createHmac('sha256', secret).update(`${t}.${call.body}`).digest('hex')).toBe(v1);
      expect(body.service_request.status).toBe('open');
      expect(body.service_request.status_notes).toBeTruthy();

      await act(stack.api, id, WORKER, { action: 'dispatch', assigneeId: WORKER });
      await act(stack.api, id, WORKER, { action: 'start' });
      await act(stack.api, id, WORKER, { action: 'resolve', note: '已清理安全出口杂物', photos: [await stack.api.uploadReady(WORKER, await import('../support/fixtures.ts').then((f) => f.phonePhoto(320, 240)))] });
      const resolved = await waitFor('the webhook call of resolve', () => received.find((x) => JSON.parse(x.body).change.to === 'resolved'));
      expect(JSON.parse(resolved.body).service_request.status).toBe('closed');
      const now = expectJson(await get(`${V2}/requests/${id}.json`))[0];
      expect(now.status).toBe('closed');
      expect(now.status_notes).toBe('已清理安全出口杂物');
      expect(now.updated_datetime).toMatch(/Z$/);
      await stack.drainStream();
      const calls = received.filter((x) => JSON.parse(x.body).service_request.service_request_id === id);
      const deliveries = calls.map((x) => x.headers['x-wsb-delivery']);
      expect(new Set(deliveries).size).toBe(deliveries.length);
    });

    it('a receiver that keeps failing: the call is dead-lettered, and the replay delivers it', async () => {
      answerWith = 503;
      await act(stack.api, filed.form!, LEADER, { action: 'verify' });
      await waitFor('the failed calls', () => (received.some((x) => JSON.parse(x.body).change.to === 'verified') ? true : undefined));
      await stack.drainStream();
      const letters = await stack.api.get('/v1/admin/webhooks/dead-letters', 'u-admin');
      expect(letters.json.items.some((d: any) => d.reportId === filed.form && d.status === 503)).toBe(true);
      answerWith = 200;
      const replay = await stack.api.post('/v1/admin/webhooks/replay', {}, 'u-admin');
      expect(replay.json.sent).toBeGreaterThan(0);
      expect((await stack.api.get('/v1/admin/webhooks/dead-letters', 'u-admin')).json.items).toEqual([]);
    });
  });

  it('a revoked key is refused with 403 from then on', async () => {
    const k = await stack.api.post('/v1/admin/apikeys', { name: '临时对接' }, 'u-admin');
    const ok = await postForm(`${V2}/requests.json`, [['api_key', k.json.apiKey], ['service_code', 'other'], ['lat', String(inGrid.lat)], ['long', String(inGrid.long)]]);
    expect(ok.status, ok.text).toBe(200);
    const del = await stack.api.call('DELETE', `/v1/admin/apikeys/${k.json.id}`, { as: 'u-admin' });
    expect(del.status, del.text).toBe(200);
    expect(del.json.active).toBe(false);
    expectSpecError(await postForm(`${V2}/requests.xml`, [['api_key', k.json.apiKey], ['service_code', 'other'], ['lat', String(inGrid.lat)], ['long', String(inGrid.long)]]), 403, 'xml');
    const keys = await stack.api.get('/v1/admin/apikeys', 'u-admin');
    expect(keys.text).not.toContain(k.json.apiKey);
    expect(keys.text).not.toContain('secretHash');
  });
});
