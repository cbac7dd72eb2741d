/**
 * Input validation at the edges of the contract, one explicit case at a time: each asserts the
 * status AND the error code of API.md, and the boundary values that must pass do pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, newKey, type TestStack } from '../support/stack.ts';
import { phonePhoto, pointIn, RESIDENT, RESIDENT2, GRID } from '../support/fixtures.ts';
import { fingerprint, scanAll } from '../support/table.ts';
import { expectError, fileReport, uploadSettled } from '../support/checks.ts';

let stack: TestStack;
let location: { lat: number; lng: number };
const OUTSIDE = { lat: 30, lng: 120 };

beforeAll(async () => {
  stack = await startTestStack();
  location = await pointIn(stack.api, GRID);
});
afterAll(async () => {
  await stack?.stop();
});

const report = (over: Record<string, unknown> = {}) => ({ category: 'fire_exit_blocked', description: '楼道堆放杂物', location, ...over });
const post = (body: unknown, as = RESIDENT, headers?: Record<string, string>) => stack.api.post('/v1/reports', body, as, headers);

async function settled() {
  await stack.drainStream();
  return fingerprint(await scanAll());
}

describe('POST /v1/reports fields', () => {
  it('lat/lng out of range are 400 invalid_input', async () => {
    const before = await settled();
    for (const bad of [
      { lat: 91, lng: location.lng },
      { lat: -91, lng: location.lng },
      { lat: 90.0000001, lng: location.lng },
      { lat: location.lat, lng: 181 },
      { lat: location.lat, lng: -181 },
      { lat: location.lat, lng: 180.5 },
    ]) {
      const r = await post(report({ location: bad }));
      expectError(r, 400, 'invalid_input', JSON.stringify(bad));
      expect(r.json.error.details.issues.map((i: { path: string[] }) => i.path.join('.'))).toEqual([expect.stringMatching(/^location\.(lat|lng)$/)]);
    }
    expect(await settled()).toEqual(before);
  });

  it('coordinates of the wrong type are 400 invalid_input', async () => {
    for (const bad of [{ lat: 'NaN', lng: location.lng }, { lat: String(location.lat), lng: String(location.lng) }, { lat: null, lng: location.lng }, { lng: location.lng }, [location.lat, location.lng], 'here']) {
      expectError(await post(report({ location: bad })), 400, 'invalid_input', JSON.stringify(bad));
    }
    expectError(await post(report({ location: { ...location, datum: 'bd09' } })), 400, 'invalid_input', 'datum bd09');
  });

  it('an unknown category is 400 invalid_input', async () => {
    for (const category of ['fire', 'FIRE_EXIT_BLOCKED', '', 'reopen', 42]) {
      const r = await post(report({ category }));
      expectError(r, 400, 'invalid_input', String(category));
      expect(r.json.error.details.issues[0].path).toEqual(['category']);
    }
  });

  it('description: empty, blank and 1,001 chars are 400; exactly 1,000 chars is 201', async () => {
    for (const description of ['', '   ', '\n\t', '险'.repeat(1001), 'a'.repeat(1001)]) {
      const r = await post(report({ description }));
      expectError(r, 400, 'invalid_input', `description of ${description.length}`);
      expect(r.json.error.details.issues[0].path).toEqual(['description']);
    }
    const exact = '隐'.repeat(1000);
    const ok = await fileReport(stack.api, RESIDENT, report({ description: exact }));
    expect(ok.description).toBe(exact);
    expect(ok.description).toHaveLength(1000);
  });

  it('10 photos are 400 invalid_input; 9 pass the schema and are then checked one by one', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `Unotthere${i}`);
    const ten = await post(report({ photos: ids }));
    expectError(ten, 400, 'invalid_input');
    expect(ten.json.error.details.issues[0].path).toEqual(['photos']);
    expectError(await post(report({ photos: ids.slice(0, 9) })), 400, 'invalid_upload');
  });

  it('a point outside every grid: 400 outside_service_area for reports, 404 for /areas/locate (as API.md lists it)', async () => {
    const before = await settled();
    expectError(await post(report({ location: OUTSIDE })), 400, 'outside_service_area');
    expectError(await post(report({ location: { ...OUTSIDE, datum: 'wgs84' } })), 400, 'outside_service_area', 'wgs84');
    expectError(await post(report({ location: OUTSIDE }), RESIDENT, { 'idempotency-key': newKey() }), 400, 'outside_service_area', 'with Idempotency-Key');
    // just beyond the demo city's corner (WGS-84 box lat 22.53–22.55, lng 113.92–113.95)
    expectError(await post(report({ location: { lat: 22.52, lng: 113.91, datum: 'wgs84' } })), 400, 'outside_service_area', 'corner');
    expectError(await stack.api.get(`/v1/areas/locate?lat=${OUTSIDE.lat}&lng=${OUTSIDE.lng}`), 404, 'outside_service_area', 'locate');
    expectError(await stack.api.get('/v1/areas/locate?lat=22.52&lng=113.91&datum=wgs84'), 404, 'outside_service_area', 'locate corner');
    expect(await settled()).toEqual(before);
    // the control: the grid's own centroid is located
    const inside = await stack.api.get(`/v1/areas/locate?lat=${location.lat}&lng=${location.lng}`);
    expect(inside.status, inside.text).toBe(200);
    expect(inside.json.grid.id).toBe(GRID);
  });

  it('/areas/locate with coordinates out of range or not numbers is 400 invalid_input', async () => {
    for (const q of ['lat=91&lng=113.9', 'lat=22.5&lng=-181', 'lat=abc&lng=113.9', 'lat=22.5', 'lng=113.9', 'lat=NaN&lng=NaN', 'lat=22.5&lng=113.9&datum=bd09']) {
      expectError(await stack.api.get(`/v1/areas/locate?${q}`), 400, 'invalid_input', q);
    }
  });

  it('a resident may not claim another source or caller details', async () => {
    expectError(await post(report({ source: 'phone' })), 400, 'invalid_input');
    expectError(await post(report({ caller: { name: '张三', phone: '13800000000' } })), 400, 'invalid_input');
  });
});

describe('the request itself', () => {
  it('a body over 1 MB is 413 payload_too_large (and 0.9 MB is read and validated)', async () => {
    const { api } = stack;
    const big = JSON.stringify(report({ description: 'x'.repeat(1024 * 1024 + 10) }));
    const r = await api.call('POST', '/v1/reports', { as: RESIDENT, raw: big, headers: { 'content-type': 'application/json' } });
    expectError(r, 413, 'payload_too_large');
    const under = JSON.stringify(report({ description: 'x'.repeat(900 * 1024) }));
    expectError(await api.call('POST', '/v1/reports', { as: RESIDENT, raw: under, headers: { 'content-type': 'application/json' } }), 400, 'invalid_input', '0.9 MB');
  });

  it('broken or missing JSON is 400 invalid_json', async () => {
    const { api } = stack;
    for (const raw of ['{"category": "other", ', '{category: "other"}', "{'a': 1}", 'undefined', '{"a":1}}', '\u0000']) {
      const r = await api.call('POST', '/v1/reports', { as: RESIDENT, raw, headers: { 'content-type': 'application/json' } });
      expectError(r, 400, 'invalid_json', raw);
    }
    expectError(await api.call('POST', '/v1/reports', { as: RESIDENT }), 400, 'invalid_json', 'no body');
  });

  it('a text/plain (or form) body is 415 unsupported_media_type', async () => {
    const { api } = stack;
    for (const type of ['text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
      const r = await api.call('POST', '/v1/reports', { as: RESIDENT, raw: JSON.stringify(report()), headers: { 'content-type': type } });
      expectError(r, 415, 'unsupported_media_type', type);
    }
  });
});

describe('uploads', () => {
  it('contentType text/plain is 415, 11 MB is 413, and 10 MB of image/jpeg is accepted', async () => {
    const { api } = stack;
    for (const contentType of ['text/plain', 'application/pdf', 'image/gif', 'image/svg+xml', 'video/mp4']) {
      expectError(await api.post('/v1/uploads', { contentType, size: 1000 }, RESIDENT), 415, 'unsupported_media_type', contentType);
    }
    const tooBig = await api.post('/v1/uploads', { contentType: 'image/jpeg', size: 11 * 1024 * 1024 }, RESIDENT);
    expectError(tooBig, 413, 'payload_too_large');
    expectError(await api.post('/v1/uploads', { contentType: 'image/jpeg', size: 10 * 1024 * 1024 + 1 }, RESIDENT), 413, 'payload_too_large', '10 MB + 1');
    for (const size of [0, -1, 1.5, '1000', null]) {
      expectError(await api.post('/v1/uploads', { contentType: 'image/jpeg', size }, RESIDENT), 400, 'invalid_input', `size ${String(size)}`);
    }
    const max = await api.post('/v1/uploads', { contentType: 'image/jpeg', size: 10 * 1024 * 1024 }, RESIDENT);
    expect(max.status, max.text).toBe(201);
    expect(max.json.uploadId).toMatch(/^U[0-9a-f]+$/);
  });

  it('an upload not yet uploaded is 409 upload_not_ready in a report', async () => {
    const { api } = stack;
    const pending = await api.post('/v1/uploads', { contentType: 'image/jpeg', size: 5000 }, RESIDENT);
    expect(pending.status, pending.text).toBe(201);
    expect((await api.get(`/v1/uploads/${pending.json.uploadId}`, RESIDENT)).json.status).toBe('pending');
    const before = await settled();
    const r = await post(report({ photos: [pending.json.uploadId] }), RESIDENT, { 'idempotency-key': newKey() });
    expectError(r, 409, 'upload_not_ready');
    expect(await settled()).toEqual(before);
  });

  it('a text file named .jpg and declared image/jpeg fails as not_an_image and is 400 invalid_upload in a report', async () => {
    const { api } = stack;
    const id = await api.upload(RESIDENT, Buffer.from('这不是图片，只是改了扩展名的文本文件。\n'.repeat(20)), 'image/jpeg');
    const status = await uploadSettled(api, RESIDENT, id);
    expect(status).toMatchObject({ uploadId: id, status: 'failed', reason: 'not_an_image' });
    expectError(await post(report({ photos: [id] })), 400, 'invalid_upload');
  });

  it('a real PNG declared as image/jpeg fails as type_mismatch (the control: a real JPEG becomes ready)', async () => {
    const { api } = stack;
    const sharp = (await import('sharp')).default;
    const png = await sharp({ create: { width: 50, height: 50, channels: 3, background: { r: 0, g: 0, b: 255 } } }).png().toBuffer();
    const id = await api.upload(RESIDENT, png, 'image/jpeg');
    expect(await uploadSettled(api, RESIDENT, id)).toMatchObject({ status: 'failed', reason: 'type_mismatch' });
    expectError(await post(report({ photos: [id] })), 400, 'invalid_upload');
    const good = await api.upload(RESIDENT, await phonePhoto(200, 150), 'image/jpeg');
    expect(await uploadSettled(api, RESIDENT, good)).toMatchObject({ status: 'ready' });
  });
});

describe('privacy consent', () => {
  it('a resident without consent gets 403 consent_required until they accept the current notice', async () => {
    const { api } = stack;
    const { putUser } = await import('../../functions/src/store/users.ts');
    const id = `u-res-new-${Date.now().toString(36)}`;
    await putUser({ id, role: 'resident', name: '新居民', areaIds: [], active: true, duty: 'on_duty', openid: null, phone: null, consentVersion: null, createdAt: new Date().toISOString() });

    const before = await settled();
    expectError(await post(report(), id), 403, 'consent_required');
    expectError(await post(report(), id, { 'idempotency-key': newKey() }), 403, 'consent_required', 'with Idempotency-Key');
    expect(await settled()).toEqual(before);
    expect((await api.get('/v1/me', id)).json.consent).toMatchObject({ accepted: null, required: true });

    expectError(await api.post('/v1/me/consent', { version: '2020-01' }, id), 400, 'invalid_input', 'old notice version');
    expectError(await api.post('/v1/me/consent', { version: '' }, id), 400, 'invalid_input', 'empty version');
    expectError(await post(report(), id), 403, 'consent_required', 'after a refused consent');

    const me = await api.get('/v1/me', id);
    const accepted = await api.post('/v1/me/consent', { version: me.json.consent.current }, id);
    expect(accepted.status, accepted.text).toBe(200);
    const filed = await fileReport(api, id, report({ description: '同意隐私政策后的第一次上报' }));
    expect(filed.status).toBe('reported');
    // a seeded resident (consented) was never affected
    expect((await post(report(), RESIDENT2)).status).toBe(201);
  });
});
