/**
 * Privacy over the API: anonymous reports show staff no identity, phones are masked and only
 * revealed to the holder by an audited act, every state change is in the audit log, and a
 * resident can delete their account while their reports stay, pseudonymised.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { pointIn, GRID, RESIDENT, RESIDENT3, WORKER, LEADER, DISPATCHER, OFFICER } from '../support/fixtures.ts';

let stack: TestStack;
let location: { lat: number; lng: number };
beforeAll(async () => {
  stack = await startTestStack();
  location = await pointIn(stack.api, GRID);
});
afterAll(async () => {
  await stack?.stop();
});

describe('anonymity and masking', () => {
  it('an anonymous report shows staff no phone, no id, no name, and cannot be revealed', async () => {
    const { api } = stack;
    const r = await api.post('/v1/reports', { category: 'ebike_charging', description: '邻居家门口飞线充电', location, anonymous: true }, RESIDENT);
    expect(r.status, r.text).toBe(201);
    for (const who of [WORKER, LEADER, DISPATCHER, OFFICER]) {
      const v = await api.get(`/v1/reports/${r.json.id}`, who);
      expect(v.status).toBe(200);
      expect(v.json.anonymous).toBe(true);
      expect(v.json.reporter).toBeUndefined();
      expect(v.text).not.toMatch(/13800138001|138\*\*\*\*8001|u-res-zhang|张女士/);
    }
    const tasks = await api.get('/v1/tasks?state=open', WORKER);
    expect(tasks.text).not.toMatch(/u-res-zhang|13800138001/);
    const reveal = await api.post(`/v1/reports/${r.json.id}/reveal-phone`, {}, WORKER);
    expect(reveal.status).toBe(403);
    await stack.drainStream();
    const inbox = await api.get('/v1/inbox?limit=100', WORKER);
    expect(inbox.text).not.toMatch(/u-res-zhang|13800138001|张女士/);
    // the resident still follows it
    expect((await api.get('/v1/reports?scope=mine', RESIDENT)).json.items.map((i: { id: string }) => i.id)).toContain(r.json.id);
  });

  it('the holder reveals the full number by an audited act; nobody else can', async () => {
    const { api } = stack;
    const r = await api.post('/v1/reports', { category: 'other', description: '电梯间杂物', location }, RESIDENT);
    expect((await api.get(`/v1/reports/${r.json.id}`, LEADER)).json.reporter).toEqual({ phone: null });
    expect((await api.post(`/v1/reports/${r.json.id}/reveal-phone`, {}, LEADER)).status).toBe(403);
    const reveal = await api.post(`/v1/reports/${r.json.id}/reveal-phone`, {}, WORKER);
    expect(reveal.status).toBe(200);
    expect(reveal.json.phone).toBe('13800138001');
    const audit = await api.get(`/v1/audit?reportId=${r.json.id}`, 'u-admin');
    expect(audit.status).toBe(200);
    const whats = audit.json.items.map((e: { what: string; actorId: string }) => `${e.what}:${e.actorId}`);
    expect(whats).toContain(`reveal_phone:${WORKER}`);
    expect(whats).toContain(`state_change:${RESIDENT}`);
    // the masked number the worker saw on the report view was a read of personal data
    await api.get(`/v1/reports/${r.json.id}`, WORKER);
    const again = await api.get(`/v1/audit?reportId=${r.json.id}`, 'u-admin');
    expect(again.json.items.some((e: { what: string; actorId: string }) => e.what === 'read_personal' && e.actorId === WORKER)).toBe(true);
    expect(again.json.items.every((e: { sourceIp: string }) => typeof e.sourceIp === 'string')).toBe(true);
  });

  it('every state change is audited, and only admins read the audit log', async () => {
    const { api } = stack;
    const r = await api.post('/v1/reports', { category: 'other', description: '消防栓被遮挡', location }, RESIDENT);
    await api.post(`/v1/reports/${r.json.id}/actions`, { action: 'accept' }, WORKER);
    await api.post(`/v1/reports/${r.json.id}/actions`, { action: 'dispatch', assigneeId: WORKER }, WORKER);
    const audit = await api.get(`/v1/audit?reportId=${r.json.id}`, 'u-admin');
    const changes = audit.json.items.filter((e: { what: string }) => e.what === 'state_change').map((e: { detail: string; to: string }) => `${e.detail}>${e.to}`);
    expect(changes.sort()).toEqual(['accept>accepted', 'dispatch>dispatched', 'report>reported']);
    const byActor = await api.get(`/v1/audit?actorId=${WORKER}`, 'u-admin');
    expect(byActor.json.items.length).toBeGreaterThanOrEqual(2);
    for (const who of [DISPATCHER, WORKER, RESIDENT]) expect((await api.get('/v1/audit', who)).status).toBe(403);
    // there is no way to change or delete an entry
    expect((await api.call('DELETE', '/v1/audit', { as: 'u-admin' })).status).toBe(405);
  });
});

describe('account deletion (注销)', () => {
  it('removes the resident, keeps their reports under a pseudonym', async () => {
    const { api } = stack;
    const r = await api.post('/v1/reports', { category: 'fire_equipment', description: '灭火器缺失', location }, RESIDENT3);
    expect(r.status).toBe(201);
    const del = await api.call('DELETE', '/v1/me', { as: RESIDENT3 });
    expect(del.status, del.text).toBe(200);
    expect(del.json.reportsKept).toBe(1);
    // signed out for good
    expect((await api.get('/v1/me', RESIDENT3)).status).toBe(401);
    // the report is still there for staff, without the person
    const v = await api.get(`/v1/reports/${r.json.id}`, WORKER);
    expect(v.status).toBe(200);
    expect(v.json.reporter).toEqual({ phone: null });
    expect(v.text).not.toContain('13700137003');
    const { getReportRecord } = await import('../../functions/src/store/reports.ts');
    const stored = await getReportRecord(r.json.id);
    expect(stored?.reporterId).toMatch(/^anon-[0-9a-f]{12}$/);
  });
});
