/**
 * Signing in through WeChat (the local stand-in speaks its contract): a new openid becomes a
 * resident, tokens refresh, staff bind with an invite code, phone numbers come only from WeChat's
 * phone-number code, and WeChat's errors become clear 4xx (or 503 when WeChat itself is down).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { GRID } from '../support/fixtures.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const login = (code: string) => stack.api.post('/v1/auth/wechat', { code });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('WeChat login', () => {
  it('makes a new openid a resident, and logs the same person in again', async () => {
    const first = await login('dev:o-newcomer-1');
    expect(first.status, first.text).toBe(200);
    expect(first.json.user.role).toBe('resident');
    expect(first.text).not.toContain('session_key');
    expect(first.text).not.toContain('sessionKey');
    const again = await login('dev:o-newcomer-1#2');
    expect(again.json.user.id).toBe(first.json.user.id);
    const me = await stack.api.call('GET', '/v1/me', { headers: bearer(first.json.token) });
    expect(me.status).toBe(200);
    expect(me.json.consent.required).toBe(true);
    // no report before the privacy notice
    const report = await stack.api.call('POST', '/v1/reports', {
      headers: bearer(first.json.token),
      body: { category: 'other', description: '楼道堆物', location: { lat: 22.54, lng: 113.93 } },
    });
    expect(report.status).toBe(403);
    expect(report.json.error.code).toBe('consent_required');
  });

  it('logs a seeded user in by their openid', async () => {
    const r = await login('dev:o-u-gw-kejiyuan-01');
    expect(r.json.user).toMatchObject({ id: 'u-gw-kejiyuan-01', role: 'grid_worker' });
  });

  it('maps WeChat errors: bad or reused code 400, rate limit 429, WeChat down 503', async () => {
    const bad = await login('garbage');
    expect([bad.status, bad.json.error.code]).toEqual([400, 'wechat_code_invalid']);
    await login('dev:o-reuse');
    const reused = await login('dev:o-reuse');
    expect([reused.status, reused.json.error.code]).toEqual([400, 'wechat_code_invalid']);
    stack.wechat.control.failNext({ kind: '45011', api: 'jscode2session', count: 1 });
    const limited = await login('dev:o-limited');
    expect([limited.status, limited.json.error.code]).toEqual([429, 'rate_limited']);
    stack.wechat.control.failNext({ kind: 'busy', api: 'jscode2session', count: 1 });
    const down = await login('dev:o-down');
    expect([down.status, down.json.error.code]).toEqual([503, 'upstream_unavailable']);
  });

  it('refreshes tokens, and refuses an access token as a refresh token', async () => {
    const r = await login('dev:o-refresher');
    const fresh = await stack.api.post('/v1/auth/refresh', { refreshToken: r.json.refreshToken });
    expect(fresh.status).toBe(200);
    expect(fresh.json.token).toBeTruthy();
    const wrong = await stack.api.post('/v1/auth/refresh', { refreshToken: r.json.token });
    expect(wrong.status).toBe(401);
  });
});

describe('staff binding and phone numbers', () => {
  it('a new staff member binds their WeChat with the invite code, once', async () => {
    const created = await stack.api.post('/v1/admin/staff', { name: '网格员 小林', role: 'grid_worker', areaIds: [GRID] }, 'u-admin');
    const { inviteCode, id } = created.json;
    const wx = await login('dev:o-new-staff');
    const bound = await stack.api.call('POST', '/v1/auth/bind', { headers: bearer(wx.json.token), body: { inviteCode: inviteCode.toLowerCase() } });
    expect(bound.status, bound.text).toBe(200);
    expect(bound.json.user).toMatchObject({ id, role: 'grid_worker' });
    // from now on the same WeChat login is the staff account
    expect((await login('dev:o-new-staff#2')).json.user.id).toBe(id);
    // the code is spent
    const other = await login('dev:o-someone-else');
    const again = await stack.api.call('POST', '/v1/auth/bind', { headers: bearer(other.json.token), body: { inviteCode } });
    expect(again.status).toBe(404);
  });

  it('takes the phone number only from WeChat, and stores it for masked display', async () => {
    const r = await login('dev:o-phone-owner');
    const ok = await stack.api.call('POST', '/v1/me/phone', { headers: bearer(r.json.token), body: { code: 'phone:13912345678' } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.masked).toBe('139****5678');
    expect((await stack.api.call('GET', '/v1/me', { headers: bearer(r.json.token) })).json.phoneBound).toBe(true);
    const bad = await stack.api.call('POST', '/v1/me/phone', { headers: bearer(r.json.token), body: { code: 'not-a-code' } });
    expect(bad.status).toBe(400);
  });

  it('records subscribe-message grants for known templates only, and GET /v1/me reports what is held', async () => {
    const r = await login('dev:o-subscriber');
    const granted = async () => (await stack.api.call('GET', '/v1/me', { headers: bearer(r.json.token) })).json.subscribeTemplates as { kind: string; granted: boolean }[];
    expect((await granted()).filter((t) => t.granted)).toEqual([]);
    const ok = await stack.api.call('POST', '/v1/me/subscriptions', { headers: bearer(r.json.token), body: { templateIds: ['tpl-progress', 'tpl-survey'] } });
    expect(ok.status, ok.text).toBe(200);
    const bad = await stack.api.call('POST', '/v1/me/subscriptions', { headers: bearer(r.json.token), body: { templateIds: ['tpl-unknown'] } });
    expect(bad.status).toBe(400);
    // GET /v1/me says what is held: one-time ones while a send is left, long-term ones once accepted
    expect(await granted()).toEqual([
      { kind: 'task', templateId: 'tpl-task', longTerm: true, granted: false },
      { kind: 'escalation', templateId: 'tpl-escalation', longTerm: true, granted: false },
      { kind: 'progress', templateId: 'tpl-progress', longTerm: false, granted: true },
      { kind: 'survey', templateId: 'tpl-survey', longTerm: false, granted: true },
    ]);
    expect((await stack.api.call('POST', '/v1/me/subscriptions', { headers: bearer(r.json.token), body: { templateIds: ['tpl-task'] } })).status).toBe(200);
    expect((await granted()).find((t) => t.kind === 'task')?.granted).toBe(true);
  });
});
