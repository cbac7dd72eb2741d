/**
 * The category table edited at run time (PUT /v1/admin/categories): versioned and audited, only
 * by a city admin, checked whole; existing reports keep the limits they were filed under; the
 * safety question stops a report whose answer means danger now; canned replies are served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { expectError } from '../support/checks.ts';
import { pointIn, GRID, RESIDENT, RESIDENT2, DISPATCHER, WORKER } from '../support/fixtures.ts';

let stack: TestStack;
let location: { lat: number; lng: number };
const ADMIN = 'u-admin';
const HOUR = 3_600_000;

beforeAll(async () => {
  stack = await startTestStack();
  location = await pointIn(stack.api, GRID);
});
afterAll(async () => {
  await stack?.stop();
});

const table = async () => (await stack.api.get('/v1/categories')).json;
const put = (body: unknown, as = ADMIN) => stack.api.call('PUT', '/v1/admin/categories', { body, as });
/** the served table as an edit body */
const asEdit = (t: any) => ({
  expectedVersion: t.version,
  items: t.items.map((c: any) => ({
    code: c.code,
    name: c.name,
    lead: c.lead,
    alsoNotify: c.alsoNotify,
    acceptHours: c.acceptHours,
    resolveHours: c.resolveHours,
    emergency: c.emergency ? { call: c.emergencyCall, notice: c.emergencyNotice } : null,
    safetyQuestion: c.safetyQuestion,
    replies: c.replies,
  })),
});
const file = (category: string, extra: Record<string, unknown> = {}, as = RESIDENT) => stack.api.post('/v1/reports', { category, description: '楼道里堆满了纸箱', location, ...extra }, as);

describe('the category table', () => {
  it('starts as the built-in table, with safety questions and canned replies per state', async () => {
    const t = await table();
    expect(t.version).toBe('builtin');
    const gas = t.items.find((c: any) => c.code === 'gas_hazard');
    expect(gas.safetyQuestion).toMatchObject({ stopWhen: 'yes' });
    const exit = t.items.find((c: any) => c.code === 'fire_exit_blocked');
    expect(exit.replies.some((r: any) => r.field === 'note' && r.states.includes('in_progress'))).toBe(true);
    expect(exit.replies.some((r: any) => r.field === 'reason')).toBe(true);
  });

  it('an edit is versioned and audited; reports filed before keep their limits, new ones get the new ones', async () => {
    const before = await file('other');
    expect(before.status, before.text).toBe(201);
    const edit = asEdit(await table());
    const other = edit.items.find((c: any) => c.code === 'other');
    other.name = '其他隐患（楼道、公共区域）';
    other.acceptHours = 4;
    other.resolveHours = 48;
    other.replies = [{ text: '已安排网格员上门查看。', field: 'note', states: ['accepted'] }];
    const r = await put(edit);
    expect(r.status, r.text).toBe(200);
    expect(r.json.version).toBe('1');
    const t = await table();
    expect(t.version).toBe('1');
    expect(t.items.find((c: any) => c.code === 'other')).toMatchObject({ name: '其他隐患（楼道、公共区域）', acceptHours: 4, replies: [{ text: '已安排网格员上门查看。' }] });
    const after = await file('other');
    expect(after.json.categoryName).toBe('其他隐患（楼道、公共区域）');
    expect(Date.parse(after.json.deadlines.acceptBy) - Date.parse(after.json.createdAt)).toBe(4 * HOUR);
    // the earlier report's clock is the one it was filed under (8 h / 120 h)
    const old = await stack.api.get(`/v1/reports/${before.json.id}`, WORKER);
    expect(Date.parse(old.json.deadlines.acceptBy) - Date.parse(old.json.createdAt)).toBe(8 * HOUR);
    expect(Date.parse(old.json.deadlines.resolveBy) - Date.parse(old.json.createdAt)).toBe(120 * HOUR);
    const audit = await stack.api.get(`/v1/audit?actorId=${ADMIN}`, ADMIN);
    expect(audit.status, audit.text).toBe(200);
    expect(audit.json.items.some((e: any) => e.what === 'categories_edit' && e.from === 'builtin' && e.to === '1')).toBe(true);
  });

  it('refuses a stale version (409), a table that breaks the rules (400, every problem), and anyone but a city admin (403), changing nothing', async () => {
    const current = await table();
    const stale = { ...asEdit(current), expectedVersion: 'builtin' };
    expectError(await put(stale), 409, 'version_conflict');
    const broken = asEdit(current);
    broken.items = broken.items.filter((c: any) => c.code !== 'dispute');
    broken.items[0].acceptHours = 30;
    broken.items[0].resolveHours = 24;
    broken.items[1].alsoNotify = broken.items[1].lead;
    const bad = await put(broken);
    expectError(bad, 400, 'invalid_input');
    expect(bad.json.error.details.problems.length).toBe(3);
    expectError(await put({ ...asEdit(current), items: [...asEdit(current).items, { ...asEdit(current).items[0], code: 'flood' }] }), 400, 'invalid_input');
    expectError(await put(asEdit(current), DISPATCHER), 403, 'forbidden');
    expectError(await put(asEdit(current), RESIDENT), 403, 'forbidden');
    expect((await table()).version).toBe(current.version);
  });

  it('two admins editing the same version at once: one wins, the other gets 409', async () => {
    const created = await stack.api.post('/v1/admin/staff', { name: '第二管理员', role: 'admin', areaIds: ['ct-shenzhen'] }, ADMIN);
    expect(created.status, created.text).toBe(201);
    const current = await table();
    const a = asEdit(current);
    a.items[0].name = '电动车违规充电（甲）';
    const b = asEdit(current);
    b.items[0].name = '电动车违规充电（乙）';
    const [ra, rb] = await Promise.all([put(a), put(b, created.json.id)]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    expect((await table()).version).toBe(String(Number(current.version) + 1));
  });
});

describe('the safety question', () => {
  it('an answer meaning danger now stops the report (422 emergency_first, with the numbers); the other answer files', async () => {
    const mine = async () => (await stack.api.get('/v1/reports?scope=mine&limit=100', RESIDENT2)).json.items.length;
    const n = await mine();
    const stop = await file('gas_hazard', { safetyAnswer: 'yes' }, RESIDENT2);
    expectError(stop, 422, 'emergency_first');
    expect(stop.json.error.details.call).toContain('119');
    expect(stop.json.error.message).toContain('119');
    expect(await mine()).toBe(n);
    const ok = await file('gas_hazard', { safetyAnswer: 'no' }, RESIDENT2);
    expect(ok.status, ok.text).toBe(201);
    expectError(await file('gas_hazard', { safetyAnswer: 'maybe' }, RESIDENT2), 400, 'invalid_input');
  });
});
