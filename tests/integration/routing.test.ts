/**
 * Assignment over the API: load spreading between workers of one grid, duty states, an account
 * deactivated (its tasks routed again at once), two-way transfer between grid and police, and
 * the dispatch centre filing for a caller.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { pointIn, GRID, RESIDENT, WORKER, OFFICER, DISPATCHER, LEADER } from '../support/fixtures.ts';

let stack: TestStack;
let location: { lat: number; lng: number };
beforeAll(async () => {
  stack = await startTestStack();
  location = await pointIn(stack.api, GRID);
});
afterAll(async () => {
  await stack?.stop();
});

const file = async (category = 'other', as = RESIDENT) => {
  const r = await stack.api.post('/v1/reports', { category, description: '楼道堆物', location }, as);
  expect(r.status, r.text).toBe(201);
  return r.json;
};

describe('assignment', () => {
  let second: string;

  it('spreads the load: a new worker with no tasks gets the next report, and the timeline says why', async () => {
    await file();
    await file();
    const created = await stack.api.post('/v1/admin/staff', { name: '新同事 小周', role: 'grid_worker', areaIds: [GRID] }, 'u-admin');
    expect(created.status, created.text).toBe(201);
    expect(created.json.inviteCode).toMatch(/^[A-Z2-9]{10}$/);
    second = created.json.id;
    const r = await file();
    expect(r.assignee).toEqual({ role: 'grid_worker', name: '新同事 小周' });
    const route = r.timeline.find((e: { action: string }) => e.action === 'route');
    expect(route.note).toContain('当前待办最少（0 件）');
    // and the next one goes back to whoever is less busy
    const n = await file();
    expect(n.assignee.name).toBe('新同事 小周');
  });

  it('skips a worker who is off duty', async () => {
    expect((await stack.api.call('PUT', '/v1/me/duty', { body: { state: 'off_duty' }, as: second })).status).toBe(200);
    const r = await file();
    expect(r.assignee.name).toBe('王师傅');
    expect((await stack.api.call('PUT', '/v1/me/duty', { body: { state: 'on_duty' }, as: second })).status).toBe(200);
  });

  it('hands a deactivated account\'s open tasks back to routing at once', async () => {
    const before = (await stack.api.get('/v1/tasks?state=open&limit=100', second)).json.items.map((t: { id: string }) => t.id);
    expect(before.length).toBeGreaterThan(0);
    const off = await stack.api.call('PATCH', `/v1/admin/staff/${second}`, { body: { active: false }, as: 'u-admin' });
    expect(off.status, off.text).toBe(200);
    expect([...off.json.reassigned].sort()).toEqual([...before].sort());
    const workerTasks = (await stack.api.get('/v1/tasks?state=open&limit=100', WORKER)).json.items.map((t: { id: string }) => t.id);
    for (const id of before) expect(workerTasks).toContain(id);
    const view = await stack.api.get(`/v1/reports/${before[0]}`, RESIDENT);
    const last = view.json.timeline.slice(-2);
    expect(last.map((e: { action: string }) => e.action)).toEqual(['reassign', 'route']);
    expect(last[0].note).toContain('账号已停用');
    expect(view.json.assignee.name).toBe('王师傅');
    // a deactivated account can no longer sign in
    expect((await stack.api.get('/v1/me', second)).status).toBe(401);
  });

  it('refuses an admin granting areas that do not exist', async () => {
    const r = await stack.api.post('/v1/admin/staff', { name: 'x', role: 'grid_worker', areaIds: ['gr-nowhere'] }, 'u-admin');
    expect(r.status).toBe(400);
    expect((await stack.api.post('/v1/admin/staff', { name: 'x', role: 'grid_worker', areaIds: [GRID] }, DISPATCHER)).status).toBe(403);
  });
});

describe('two-way transfer', () => {
  it('a grid worker hands a police matter to the beat, and the officer can hand it back', async () => {
    const r = await file('fire_exit_blocked');
    expect(r.lead).toBe('grid');
    const t = await stack.api.post(`/v1/reports/${r.id}/actions`, { action: 'transfer', reason: '涉及治安问题，转社区民警' }, WORKER);
    expect(t.status, t.text).toBe(200);
    expect(t.json.lead).toBe('police');
    expect(t.json.assignee).toEqual({ role: 'police_officer', name: '刘洋' });
    expect((await stack.api.get('/v1/tasks?state=open', OFFICER)).json.items.map((x: { id: string }) => x.id)).toContain(r.id);
    const back = await stack.api.post(`/v1/reports/${r.id}/actions`, { action: 'transfer', reason: '非警务事项，交回网格' }, OFFICER);
    expect(back.status, back.text).toBe(200);
    expect(back.json.lead).toBe('grid');
    expect(back.json.assignee.role).toBe('grid_worker');
    expect(back.json.timeline.filter((e: { action: string }) => e.action === 'transfer')).toHaveLength(2);
  });

  it('a handler hands a task back to the queue, where the leader dispatches it', async () => {
    const r = await file();
    const holder = r.assignee.name === '王师傅' ? WORKER : undefined;
    expect(holder).toBe(WORKER);
    await stack.api.post(`/v1/reports/${r.id}/actions`, { action: 'accept' }, WORKER);
    const back = await stack.api.post(`/v1/reports/${r.id}/actions`, { action: 'hand_back', reason: '不属于本网格' }, WORKER);
    expect(back.status, back.text).toBe(200);
    expect(back.json.assignee).toBeNull();
    const queue = (await stack.api.get('/v1/tasks?state=unplaced', DISPATCHER)).json.items.map((x: { id: string }) => x.id);
    expect(queue).toContain(r.id);
    const leaderOpen = (await stack.api.get('/v1/tasks?state=open', LEADER)).json.items.find((x: { id: string }) => x.id === r.id);
    expect(leaderOpen.taskRole).toBe('dispatch');
    const d = await stack.api.post(`/v1/reports/${r.id}/actions`, { action: 'dispatch', assigneeId: WORKER }, LEADER);
    expect(d.status, d.text).toBe(200);
    expect(d.json.status).toBe('dispatched');
  });
});

describe('the dispatch centre files for a caller', () => {
  it('takes a 110 hand-over with the caller\'s details, routed like any report', async () => {
    const r = await stack.api.post(
      '/v1/reports',
      { category: 'gas_hazard', description: '住户报告楼道有燃气味', location, source: '110', caller: { name: '赵先生', phone: '13600136000' } },
      DISPATCHER,
    );
    expect(r.status, r.text).toBe(201);
    expect(r.json.source).toBe('110');
    expect(r.json.grid.id).toBe(GRID);
    expect(r.json.timeline[0].actor.role).toBe('dispatcher');
    // the handler sees the caller's number masked
    const asWorker = await stack.api.get(`/v1/reports/${r.json.id}`, WORKER);
    expect(asWorker.json.reporter).toEqual({ phone: '136****6000' });
    // a filing without the caller is refused, and residents cannot claim a phone source
    expect((await stack.api.post('/v1/reports', { category: 'other', description: 'x', location, source: 'phone' }, DISPATCHER)).status).toBe(400);
    expect((await stack.api.post('/v1/reports', { category: 'other', description: 'x', location, source: 'phone' }, RESIDENT)).status).toBe(400);
  });
});

describe('dispatch picker and the centre\'s overdue list', () => {
  it('lists who can take a task in a grid, with duty and load, only inside the caller\'s areas', async () => {
    const r = await stack.api.get(`/v1/staff?areaId=${GRID}`, LEADER);
    expect(r.status, r.text).toBe(200);
    const roles = r.json.items.map((s: { role: string }) => s.role);
    expect(roles).toContain('grid_worker');
    expect(roles).toContain('police_officer'); // the grid's beat
    expect(r.json.items.find((s: { id: string }) => s.id === WORKER)).toMatchObject({ name: '王师傅', duty: 'on_duty', openTasks: expect.any(Number) });
    // nobody outside: a leader of another community gets 403
    expect((await stack.api.get(`/v1/staff?areaId=${GRID}`, 'u-gl-tongle')).status).toBe(403);
    // and residents may not ask
    expect((await stack.api.get(`/v1/staff?areaId=${GRID}`, RESIDENT)).status).toBe(403);
  });

  it('lists every overdue report of an area for the centre', async () => {
    // a report filed two hours ago (through the real flow, with its clock set back) is past its 1 h accept limit
    const flows = await import('../../functions/src/flows/reports.ts');
    const { getUser } = await import('../../functions/src/store/users.ts');
    const resident = (await getUser(RESIDENT))!;
    const late = await flows.createReport(resident, { category: 'open_fire', description: '楼道里烧纸', location, photos: [], anonymous: false, source: 'app' }, new Date(Date.now() - 2 * 3_600_000));
    const fresh = await file('open_fire');
    const list = await stack.api.get('/v1/reports/overdue?areaId=st-yuehai', DISPATCHER);
    expect(list.status, list.text).toBe(200);
    const ids = list.json.items.map((i: { id: string }) => i.id);
    expect(ids).toContain(late.id);
    expect(ids).not.toContain(fresh.id);
    expect(list.json.items.find((i: { id: string }) => i.id === late.id)).toMatchObject({ overdue: true });
    expect((await stack.api.get('/v1/reports/overdue?areaId=st-nantou', DISPATCHER)).status).toBe(403);
  });
});
