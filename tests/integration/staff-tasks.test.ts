/**
 * The staff inbox over HTTP: `take` (受理并接单) accepts and dispatches to self in one request, one
 * version, one audit entry, counted as an acceptance; the tab counts in one request match what the
 * tabs list; a grid leader's 已超时 tab lists every overdue report of their community (another
 * worker's included), and overdue lists say who holds each item, since when, and how late it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, newKey, type TestStack } from '../support/stack.ts';
import { act, expectError, fileReport } from '../support/checks.ts';
import { pointIn, RESIDENT, RESIDENT2, WORKER, LEADER, DISPATCHER, OTHER_LEADER } from '../support/fixtures.ts';

let stack: TestStack;
let flows: typeof import('../../functions/src/flows/reports.ts');
let users: typeof import('../../functions/src/store/users.ts');
const WORKER2 = 'u-gw-kejiyuan-02';
const GRID2 = 'gr-kejiyuan-02';
const HOUR = 3_600_000;

beforeAll(async () => {
  stack = await startTestStack();
  flows = await import('../../functions/src/flows/reports.ts');
  users = await import('../../functions/src/store/users.ts');
});
afterAll(async () => {
  await stack?.stop();
});

const file = async (as: string, gridId: string, description: string, anonymous = false) =>
  fileReport(stack.api, as, { category: 'ebike_charging', description, location: await pointIn(stack.api, gridId), photos: [], anonymous, source: 'app' }, { 'Idempotency-Key': newKey() });

/** A report filed `hoursAgo` hours ago through the real flow (its accept limit, 2 h, long past). */
async function filedAgo(gridId: string, hoursAgo: number, description: string) {
  const resident = (await users.getUser(RESIDENT2))!;
  const location = await pointIn(stack.api, gridId);
  return flows.createReport(resident, { category: 'ebike_charging', description, location, photos: [], anonymous: false, source: 'app' }, new Date(Date.now() - hoursAgo * HOUR));
}

describe('take: accept and dispatch to self in one tap', () => {
  it('the routed handler takes a new report: dispatched to them, one version, one timeline step, one audit entry', async () => {
    const r = await file(RESIDENT, 'gr-kejiyuan-01', '楼道电动车充电，需要现场处理');
    expect(r.assignee.name).toBeTruthy();
    const before = (await stack.api.get(`/v1/reports/${r.id}`, WORKER)).json;
    expect(before.availableActions).toEqual(expect.arrayContaining(['take', 'accept']));
    // leaders accept and dispatch; take is the handler's own
    expect((await stack.api.get(`/v1/reports/${r.id}`, LEADER)).json.availableActions).not.toContain('take');
    expectError(await stack.api.post(`/v1/reports/${r.id}/actions`, { action: 'take' }, LEADER), 403, 'forbidden');

    const taken = await act(stack.api, r.id, WORKER, { action: 'take', expectedVersion: before.version });
    expect(taken).toMatchObject({ status: 'dispatched', version: before.version + 1, assignee: before.assignee });
    expect(taken.availableActions[0]).toBe('start');
    const steps = taken.timeline.filter((e: { action: string }) => !['report', 'route'].includes(e.action));
    expect(steps).toEqual([expect.objectContaining({ action: 'take', actionName: '受理并接单', from: 'reported', to: 'dispatched' })]);
    // a second tap finds it taken
    expectError(await stack.api.post(`/v1/reports/${r.id}/actions`, { action: 'take' }, WORKER), 409, 'invalid_transition');

    const audit = (await stack.api.get(`/v1/audit?reportId=${r.id}`, 'u-admin')).json.items as Array<{ what: string; detail: string; from: string; to: string }>;
    expect(audit.filter((e) => e.what === 'state_change' && e.detail !== 'report')).toEqual([expect.objectContaining({ detail: 'take', from: 'reported', to: 'dispatched' })]);
    // the resident hears of it as of an acceptance
    await stack.drainStream();
    const inbox = (await stack.api.get('/v1/inbox', RESIDENT)).json.items as Array<{ reportId: string; kind: string }>;
    expect(inbox.filter((i) => i.reportId === r.id).map((i) => i.kind)).toContain('report.accept');
  });

  it('the old way still works: accept, then dispatch to self', async () => {
    const r = await file(RESIDENT, 'gr-kejiyuan-01', '楼道堆放杂物');
    await act(stack.api, r.id, WORKER, { action: 'accept' });
    const d = await act(stack.api, r.id, WORKER, { action: 'dispatch', assigneeId: WORKER });
    expect(d.status).toBe('dispatched');
  });

  it('is counted as an acceptance in the KPIs', async () => {
    await stack.drainStream();
    const day = new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 10);
    const s = (await stack.api.get(`/v1/stats?areaId=gr-kejiyuan-01&from=${day}&to=${day}`, DISPATCHER)).json;
    // both reports above were taken on (one by take, one by accept): two acceptances, no rejection
    expect(s.area.accepted).toBe(2);
    expect(s.area.acceptanceRate).toBe(1);
    expect(s.area.medianAcceptMinutes).not.toBeNull();
  });
});

describe('the inbox tabs', () => {
  it('GET /v1/tasks/counts says what each tab lists, in one request', async () => {
    await filedAgo('gr-kejiyuan-01', 5, '五小时前上报：楼道电动车'); // overdue for WORKER
    for (const who of [WORKER, WORKER2, LEADER, DISPATCHER]) {
      const counts = await stack.api.get('/v1/tasks/counts', who);
      expect(counts.status, who).toBe(200);
      for (const state of ['open', 'due_soon', 'overdue'] as const) {
        const tab = (await stack.api.get(`/v1/tasks?state=${state}&limit=100`, who)).json.items;
        expect(counts.json[state], `${who} ${state}`).toBe(tab.length);
      }
    }
    expect((await stack.api.get('/v1/tasks/counts', WORKER)).json.overdue).toBeGreaterThanOrEqual(1);
    expect((await stack.api.get('/v1/tasks/counts', RESIDENT)).status).toBe(403);
  });

  it("a grid leader's 已超时 tab lists another worker's overdue report in the community, with holder, since when and how late", async () => {
    const late = await filedAgo(GRID2, 4, '四小时前上报：二号网格飞线充电');
    expect(late.assignee?.id).toBe(WORKER2);
    const leaderTab = (await stack.api.get('/v1/tasks?state=overdue&limit=100', LEADER)).json.items as any[];
    const item = leaderTab.find((i) => i.id === late.id);
    expect(item, 'the leader sees the other worker’s overdue report').toBeTruthy();
    expect(item.holder).toEqual({ role: 'grid_worker', roleName: '网格员', name: late.assignee!.name });
    expect(item.heldSince).toBe(late.createdAt);
    // filed 4 h ago with a 2 h accept limit: about 120 minutes late
    expect(item.overdueMinutes).toBeGreaterThanOrEqual(119);
    expect(item.overdueMinutes).toBeLessThanOrEqual(121);
    // not the leader's task, so no task role; the leader's counts include it
    expect(item.taskRole).toBeNull();
    expect((await stack.api.get('/v1/tasks/counts', LEADER)).json.overdue).toBe(leaderTab.length);
    // the other worker of the community does not see it, its holder does; a leader of another community does not
    expect(((await stack.api.get('/v1/tasks?state=overdue&limit=100', WORKER)).json.items as any[]).some((i) => i.id === late.id)).toBe(false);
    expect(((await stack.api.get('/v1/tasks?state=overdue&limit=100', WORKER2)).json.items as any[]).some((i) => i.id === late.id)).toBe(true);
    expect(((await stack.api.get('/v1/tasks?state=overdue&limit=100', OTHER_LEADER)).json.items as any[]).some((i) => i.id === late.id)).toBe(false);
    // the leader's 待处理 stays their own work
    expect(((await stack.api.get('/v1/tasks?state=open&limit=100', LEADER)).json.items as any[]).some((i) => i.id === late.id)).toBe(false);
  });

  it("the centre's overdue list says who holds each item and since when; a dispatch moves 'since'", async () => {
    const late = await filedAgo(GRID2, 30, '三十小时前上报：仍未处理');
    await act(stack.api, late.id, LEADER, { action: 'accept' });
    const moved = await act(stack.api, late.id, LEADER, { action: 'dispatch', assigneeId: WORKER2 });
    const dispatchedAt = moved.timeline.at(-1).at as string;
    const list = (await stack.api.get('/v1/reports/overdue?areaId=cm-kejiyuan&limit=100', DISPATCHER)).json.items as any[];
    const item = list.find((i) => i.id === late.id);
    expect(item.holder).toMatchObject({ roleName: '网格员', name: moved.assignee.name });
    expect(item.heldSince).toBe(dispatchedAt);
    // 30 h after filing, 24 h to resolve: 6 h late
    expect(Math.round(item.overdueMinutes / 60)).toBe(6);
    for (const i of list) {
      expect(i.overdue).toBe(true);
      expect(i.overdueMinutes).toBeGreaterThan(0);
      expect('heldSince' in i).toBe(true);
    }
  });
});
