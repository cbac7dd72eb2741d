/**
 * The whole closed loop over the public API, with real engines: a resident reports with a
 * photo, routing finds grid and beat, the worker's task list has it, it is handled, verified,
 * closed, rated dissatisfied, reopened, handled again, closed again and rated satisfied. The
 * resident sees every step on the timeline, staff by role and display name only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, newKey, type TestStack } from '../support/stack.ts';
import { phonePhoto, pointIn, RESIDENT, RESIDENT2, GRID, BEAT, WORKER, LEADER, OFFICER } from '../support/fixtures.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function act(id: string, as: string, body: Record<string, unknown>) {
  const r = await stack.api.post(`/v1/reports/${id}/actions`, body, as);
  expect(r.status, `${String(body.action)} by ${as}: ${r.text}`).toBe(200);
  return r.json;
}

describe('closed loop', () => {
  it('takes a report from photo to satisfied, through one round of rework', async () => {
    const { api } = stack;
    const photo = await phonePhoto();
    const uploadId = await api.uploadReady(RESIDENT, photo);
    const location = await pointIn(api, GRID);

    const created = await api.post(
      '/v1/reports',
      { category: 'ebike_charging', description: '3 栋 2 单元楼道内电动车飞线充电', location, address: '科技园 3 栋', photos: [uploadId] },
      RESIDENT,
      { 'idempotency-key': newKey() },
    );
    expect(created.status, created.text).toBe(201);
    const report = created.json;
    expect(report.status).toBe('reported');
    expect(report.grid.id).toBe(GRID);
    expect(report.beat.id).toBe(BEAT);
    expect(report.lead).toBe('grid');
    expect(report.assignee).toEqual({ role: 'grid_worker', name: '王师傅' });
    expect(report.location.datum).toBe('gcj02');
    expect(report.location.lat).toBeCloseTo(location.lat, 6);
    expect(report.photos).toHaveLength(1);
    expect(report.photos[0].kind).toBe('report');
    // deadlines from the category table: 2 h to accept, 24 h to resolve
    expect(Date.parse(report.deadlines.acceptBy) - Date.parse(report.createdAt)).toBe(2 * 3600_000);
    expect(Date.parse(report.deadlines.resolveBy) - Date.parse(report.createdAt)).toBe(24 * 3600_000);

    const tasks = await api.get('/v1/tasks?state=open', WORKER);
    expect(tasks.status).toBe(200);
    const task = tasks.json.items.find((t: { id: string }) => t.id === report.id);
    expect(task).toMatchObject({ taskRole: 'assignee', status: 'reported', dueAt: report.deadlines.acceptBy, overdue: false });

    // Staff see the reporter's phone masked while the task is theirs.
    const asWorker = await api.get(`/v1/reports/${report.id}`, WORKER);
    expect(asWorker.json.reporter).toEqual({ phone: '138****8001' });
    expect(asWorker.json.availableActions).toEqual(expect.arrayContaining(['accept', 'reject', 'hand_back', 'transfer']));

    await act(report.id, WORKER, { action: 'accept' });
    await act(report.id, WORKER, { action: 'dispatch', assigneeId: WORKER });
    await act(report.id, WORKER, { action: 'start' });
    const after1 = await api.uploadReady(WORKER, await phonePhoto(640, 480));
    const resolved = await act(report.id, WORKER, { action: 'resolve', note: '已劝导住户将电动车移至集中充电点', photos: [after1] });
    expect(resolved.status).toBe('resolved');
    expect(resolved.photos.map((p: { kind: string }) => p.kind)).toEqual(['report', 'after']);

    // The worker is done; the leader now holds the verification.
    expect((await api.get('/v1/tasks?state=open', WORKER)).json.items.map((t: { id: string }) => t.id)).not.toContain(report.id);
    expect((await api.get('/v1/tasks?state=done', WORKER)).json.items.map((t: { id: string }) => t.id)).toContain(report.id);
    const leaderTasks = await api.get('/v1/tasks?state=open', LEADER);
    expect(leaderTasks.json.items.find((t: { id: string }) => t.id === report.id)?.taskRole).toBe('verifier');

    await act(report.id, LEADER, { action: 'verify' });
    const closed = await act(report.id, LEADER, { action: 'close' });
    expect(closed.status).toBe('closed');

    // A follower cannot reopen it; the reporter's first dissatisfied rating does.
    const mine = await api.get(`/v1/reports/${report.id}`, RESIDENT);
    expect(mine.json.canRate).toBe(true);
    const unhappy = await api.post(`/v1/reports/${report.id}/rating`, { score: 'dissatisfied', comment: '车还在楼道里' }, RESIDENT);
    expect(unhappy.status, unhappy.text).toBe(200);
    expect(unhappy.json.status).toBe('in_progress');
    expect(unhappy.json.assignee).toEqual({ role: 'grid_worker', name: '王师傅' });
    expect(Date.parse(unhappy.json.deadlines.resolveBy)).toBeGreaterThan(Date.parse(report.deadlines.resolveBy));

    const again = await api.post(`/v1/reports/${report.id}/rating`, { score: 'dissatisfied' }, RESIDENT);
    expect(again.status).toBe(409);

    const after2 = await api.uploadReady(WORKER, await phonePhoto(640, 480));
    await act(report.id, WORKER, { action: 'resolve', note: '已联系物业清理，电动车已移走', photos: [after2] });
    await act(report.id, LEADER, { action: 'verify' });
    await act(report.id, LEADER, { action: 'close' });

    const happy = await api.post(`/v1/reports/${report.id}/rating`, { score: 'satisfied', comment: '处理及时' }, RESIDENT);
    expect(happy.status, happy.text).toBe(200);
    expect(happy.json.status).toBe('closed');
    expect(happy.json.rating).toMatchObject({ score: 'satisfied', comment: '处理及时' });
    expect(happy.json.canRate).toBe(false);

    // The resident's timeline: every step, staff by role and display name, no ids or phones.
    const final = await api.get(`/v1/reports/${report.id}`, RESIDENT);
    const steps = final.json.timeline.map((e: { action: string }) => e.action);
    expect(steps).toEqual([
      'report', 'route', 'accept', 'dispatch', 'start', 'resolve', 'verify', 'close',
      'reopen', 'resolve', 'verify', 'close', 'rate',
    ]);
    const statuses = final.json.timeline.map((e: { to: string }) => e.to);
    expect(statuses).toEqual([
      'reported', 'reported', 'accepted', 'dispatched', 'in_progress', 'resolved', 'verified', 'closed',
      'in_progress', 'resolved', 'verified', 'closed', 'closed',
    ]);
    for (const e of final.json.timeline) {
      if (e.actor) expect(Object.keys(e.actor).sort()).toEqual(['name', 'role']);
    }
    expect(final.json.timeline[2].actor).toEqual({ role: 'grid_worker', name: '王师傅' });
    expect(final.json.timeline[6].actor).toEqual({ role: 'grid_leader', name: '陈主任' });
    expect(final.json.timeline[1].note).toContain('王师傅');
    expect(final.text).not.toMatch(/1380013800|u-gw-|u-gl-|u-res-/);
    expect(final.json.reporter).toBeUndefined();

    // Once closed, the phone is no longer shown even to the handler.
    expect((await api.get(`/v1/reports/${report.id}`, WORKER)).json.reporter).toEqual({ phone: null });
    // Another resident may not read it at all.
    expect((await api.get(`/v1/reports/${report.id}`, RESIDENT2)).status).toBe(403);
  });

  it('routes a police-led category to the beat officer and co-notifies the grid', async () => {
    const { api } = stack;
    const location = await pointIn(api, GRID);
    const r = await api.post('/v1/reports', { category: 'public_security', description: '地下车库有可疑车辆长期停放', location }, RESIDENT2);
    expect(r.status, r.text).toBe(201);
    expect(r.json.lead).toBe('police');
    expect(r.json.assignee).toEqual({ role: 'police_officer', name: '刘洋' });
    const officerTasks = await api.get('/v1/tasks?state=open', OFFICER);
    expect(officerTasks.json.items.map((t: { id: string }) => t.id)).toContain(r.json.id);
    await stack.drainStream();
    const inbox = await api.get('/v1/inbox', WORKER);
    expect(inbox.json.items.some((i: { reportId: string; reason: string }) => i.reportId === r.json.id && i.reason === 'co_notified')).toBe(true);
  });

  it('puts each transition in the inbox of reporter and followers exactly once', async () => {
    const { api } = stack;
    const location = await pointIn(api, GRID);
    const r = await api.post('/v1/reports', { category: 'fire_exit_blocked', description: '安全出口被杂物堵住', location }, RESIDENT);
    const near = await api.get(`/v1/reports/nearby?lat=${location.lat}&lng=${location.lng}&category=fire_exit_blocked`, RESIDENT2);
    expect(near.status).toBe(200);
    expect(near.json.items.map((i: { id: string }) => i.id)).toContain(r.json.id);
    const joined = await api.post(`/v1/reports/${r.json.id}/follow`, {}, RESIDENT2);
    expect(joined.status).toBe(201);
    expect(joined.json.followerCount).toBe(1);
    expect((await api.post(`/v1/reports/${r.json.id}/follow`, {}, RESIDENT2)).json.followerCount).toBe(1);
    await act(r.json.id, WORKER, { action: 'accept' });
    await stack.drainStream();
    await stack.drainStream();
    for (const who of [RESIDENT, RESIDENT2]) {
      const items = (await api.get('/v1/inbox?limit=100', who)).json.items.filter((i: { reportId: string; kind: string }) => i.reportId === r.json.id && i.kind === 'report.accept');
      expect(items, who).toHaveLength(1);
    }
    // the worker does not notify themself
    const own = (await api.get('/v1/inbox?limit=100', WORKER)).json.items.filter((i: { reportId: string; kind: string }) => i.reportId === r.json.id && i.kind === 'report.accept');
    expect(own).toHaveLength(0);
  });
});
