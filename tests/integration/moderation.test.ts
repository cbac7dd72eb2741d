/**
 * Moderation: texts through msgSecCheck when filed, photos through mediaCheckAsync with the
 * verdict arriving later as a signed WeChat push. Flagged reports are hidden from other residents
 * and queued; staff still handle them; a reviewer's decision is final. WeChat being down never
 * loses a report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { phonePhoto, pointIn, GRID, RESIDENT, RESIDENT2, WORKER, DISPATCHER } from '../support/fixtures.ts';

let stack: TestStack;
let location: { lat: number; lng: number };
beforeAll(async () => {
  stack = await startTestStack();
  location = await pointIn(stack.api, GRID);
});
afterAll(async () => {
  await stack?.stop();
});

const nearbyIds = async (category: string) =>
  (await stack.api.get(`/v1/reports/nearby?lat=${location.lat}&lng=${location.lng}&category=${category}`, RESIDENT2)).json.items.map((i: { id: string }) => i.id);

describe('text moderation', () => {
  it('a risky description is still filed and handled, hidden from other residents, queued, then approved', async () => {
    const r = await stack.api.post('/v1/reports', { category: 'dispute', description: '楼下有人聚众赌博，吵闹到深夜', location }, RESIDENT);
    expect(r.status, r.text).toBe(201);
    const staffView = await stack.api.get(`/v1/reports/${r.json.id}`, WORKER);
    expect(staffView.json.moderation).toMatchObject({ text: 'risky', reviewed: null });
    expect(staffView.json.availableActions).toContain('accept');
    expect(await nearbyIds('dispute')).not.toContain(r.json.id);
    const queue = await stack.api.get('/v1/admin/moderation', DISPATCHER);
    expect(queue.json.items.map((i: { id: string }) => i.id)).toContain(r.json.id);
    const ok = await stack.api.post(`/v1/admin/moderation/${r.json.id}`, { decision: 'approve' }, DISPATCHER);
    expect(ok.status, ok.text).toBe(200);
    expect(await nearbyIds('dispute')).toContain(r.json.id);
    expect((await stack.api.get('/v1/admin/moderation', DISPATCHER)).json.items.map((i: { id: string }) => i.id)).not.toContain(r.json.id);
  });

  it('a clean description passes; WeChat down means unchecked and queued, never a lost report', async () => {
    const clean = await stack.api.post('/v1/reports', { category: 'fire_exit_blocked', description: '安全出口被电动车堵住', location }, RESIDENT);
    expect((await stack.api.get(`/v1/reports/${clean.json.id}`, WORKER)).json.moderation.text).toBe('pass');
    expect(await nearbyIds('fire_exit_blocked')).toContain(clean.json.id);
    stack.wechat.control.failNext({ kind: 'busy', api: 'msg_sec_check', count: 1 });
    const r = await stack.api.post('/v1/reports', { category: 'fire_equipment', description: '灭火器压力不足', location }, RESIDENT);
    expect(r.status).toBe(201);
    expect((await stack.api.get(`/v1/reports/${r.json.id}`, WORKER)).json.moderation.text).toBe('unchecked');
    expect((await stack.api.get('/v1/admin/moderation', 'u-admin')).json.items.map((i: { id: string }) => i.id)).toContain(r.json.id);
  });
});

describe('photo moderation', () => {
  it('a verdict arriving after filing flags the photo: followers stop seeing it, staff and the reporter still do', async () => {
    // a resident whose photos the stand-in judges risky
    const login = await stack.api.post('/v1/auth/wechat', { code: 'dev:o-risky-photographer' });
    const token = login.json.token as string;
    const as = { authorization: `Bearer ${token}` };
    await stack.api.call('POST', '/v1/me/consent', { headers: as, body: { version: '2026-11' } });
    // the verdict comes well after filing and following (WeChat answers in seconds to minutes)
    stack.wechat.control.setMediaDelay(2500);
    // upload through the public flow with this token
    const bytes = await phonePhoto(300, 200);
    const up = await stack.api.call('POST', '/v1/uploads', { headers: as, body: { contentType: 'image/jpeg', size: bytes.length } });
    const fd = new FormData();
    for (const [k, v] of Object.entries(up.json.fields as Record<string, string>)) fd.append(k, v);
    fd.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'p.jpg');
    expect((await fetch(up.json.url, { method: 'POST', body: fd })).status).toBeLessThan(300);
    for (let i = 0; i < 100; i++) {
      if ((await stack.api.call('GET', `/v1/uploads/${up.json.uploadId}`, { headers: as })).json.status === 'ready') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = await stack.api.call('POST', '/v1/reports', { headers: as, body: { category: 'other', description: '楼道杂物', location, photos: [up.json.uploadId] } });
    expect(r.status, r.text).toBe(201);
    const followed = await stack.api.post(`/v1/reports/${r.json.id}/follow`, {}, RESIDENT2);
    expect(followed.status, followed.text).toBe(201);
    stack.wechat.control.setMediaDelay(200);
    // the verdict is pushed by the stand-in after a short delay
    let flagged = false;
    for (let i = 0; i < 100 && !flagged; i++) {
      flagged = (await stack.api.get(`/v1/reports/${r.json.id}`, WORKER)).json.moderation?.photos?.[up.json.uploadId] === 'risky';
      if (!flagged) await new Promise((res) => setTimeout(res, 50));
    }
    expect(flagged).toBe(true);
    expect((await stack.api.get(`/v1/reports/${r.json.id}`, WORKER)).json.photos).toHaveLength(1);
    expect((await stack.api.call('GET', `/v1/reports/${r.json.id}`, { headers: as })).json.photos).toHaveLength(1);
    expect((await stack.api.get(`/v1/reports/${r.json.id}`, RESIDENT2)).json.photos).toHaveLength(0);
    expect((await stack.api.get('/v1/admin/moderation', 'u-admin')).json.items.map((i: { id: string }) => i.id)).toContain(r.json.id);
  });

  it('refuses pushes that are not signed with the push token', async () => {
    const r = await stack.api.call('POST', '/v1/wechat/events?signature=bad&timestamp=1&nonce=2', { body: { Event: 'wxa_media_check', trace_id: 'x' } });
    expect(r.status).toBe(403);
    const noSig = await stack.api.call('POST', '/v1/wechat/events', { body: { Event: 'wxa_media_check' } });
    expect(noSig.status).toBe(400);
  });
});
