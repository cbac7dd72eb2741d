/**
 * The audit log commits with the change it records (ENGINEERING.md: a state change, its timeline
 * event and its audit entry in ONE transaction): a change that did not happen leaves no entry —
 * the loser of a race, a stale expectedVersion, a wrong state, a refused or invalid request —
 * and every change that did happen has exactly one, of the right kind: `state_change` per commit
 * of a report, `account_change` for staff accounts, `moderation` for a reviewer's decision,
 * `areas_import` for a new map.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { phonePhoto, pointIn, GRID, RESIDENT, RESIDENT2, WORKER, LEADER, DISPATCHER } from '../support/fixtures.ts';
import { act, fileReport } from '../support/checks.ts';
import { rawReport, scanAll } from '../support/table.ts';
import { describeChange, settle, tableState } from '../support/rights.ts';
import { demoCity } from '../../functions/src/geo/demo-city.ts';
import { toAreaImport, type AreaImport } from '../../functions/src/geo/import.ts';

const ADMIN = 'u-admin';

interface Entry {
  id: string;
  at: string;
  what: string;
  actorId: string;
  reportId: string | null;
  from: string | null;
  to: string | null;
  detail: string;
}

let stack: TestStack;
let location: { lat: number; lng: number };

beforeAll(async () => {
  stack = await startTestStack();
  location = await pointIn(stack.api, GRID);
});
afterAll(async () => {
  await stack?.stop();
});

async function audit(query: string): Promise<Entry[]> {
  const out: Entry[] = [];
  let cursor: string | null = null;
  do {
    const r: { status: number; json: any; text: string } = await stack.api.get(`/v1/audit?${query}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, ADMIN);
    expect(r.status, r.text).toBe(200);
    out.push(...r.json.items);
    cursor = r.json.cursor;
  } while (cursor);
  return out;
}

const ids = (r: { json: any }) => (r.json?.items ?? []).map((i: { id: string }) => i.id) as string[];
const stateChanges = async (reportId: string) => (await audit(`reportId=${reportId}`)).filter((e) => e.what === 'state_change');

/**
 * Exactly one state_change entry per committed version of the report, each matching that
 * version's first timeline event (when, from, to, who); and the same commits as the public
 * timeline shows (one `at` per commit).
 */
async function expectOneEntryPerCommit(reportId: string, label = reportId) {
  await settle(stack);
  const report = await rawReport(reportId);
  const events = (await scanAll()).filter((i) => i.type === 'event' && i.reportId === reportId);
  const firsts = [...new Set(events.map((e) => e.version as number))].sort((a, b) => a - b).map((v) => events.filter((e) => e.version === v).sort((a, b) => a.seq - b.seq)[0]!);
  expect(firsts.map((e) => e.version), `${label}: one commit per version`).toEqual(Array.from({ length: report!.version }, (_, i) => i + 1));
  const entries = await stateChanges(reportId);
  const key = (x: { at: string; from: string | null; to: string | null; actor: string }) => `${x.at} ${x.from}→${x.to} by ${x.actor}`;
  expect(entries.map((e) => key({ ...e, actor: e.actorId })).sort(), `${label}: audit entries vs commits`).toEqual(
    firsts.map((e) => key({ at: e.at, from: e.from, to: e.to, actor: e.actor?.id ?? 'system' })).sort(),
  );
  const view = await stack.api.get(`/v1/reports/${reportId}`, 'u-dp-nanshan'); // the district centre covers every grid
  expect(view.status, view.text).toBe(200);
  expect([...new Set(view.json.timeline.map((t: { at: string }) => t.at))].sort(), `${label}: the timeline's commits`).toEqual(entries.map((e) => e.at).sort());
}

describe('a change that did not happen leaves no audit entry', () => {
  it('two staff racing the same report: one wins, the loser’s 409 leaves no entry of theirs', async () => {
    const races: Array<[string, Record<string, unknown>, string, Record<string, unknown>]> = [
      [LEADER, { action: 'accept' }, DISPATCHER, { action: 'accept' }],
      [LEADER, { action: 'accept', expectedVersion: 1 }, DISPATCHER, { action: 'accept', expectedVersion: 1 }],
      [LEADER, { action: 'reject', reason: '不属于安全隐患' }, DISPATCHER, { action: 'accept' }],
      [WORKER, { action: 'accept', expectedVersion: 1 }, LEADER, { action: 'reject', reason: '重复上报', expectedVersion: 1 }],
      [DISPATCHER, { action: 'accept' }, WORKER, { action: 'accept' }],
      [LEADER, { action: 'accept', expectedVersion: 1 }, WORKER, { action: 'hand_back', reason: '不是我的', expectedVersion: 1 }],
    ];
    let contested = 0;
    for (const [a, bodyA, b, bodyB] of races) {
      const id = (await fileReport(stack.api, RESIDENT, { category: 'fire_exit_blocked', description: `竞争测试 ${a} vs ${b}`, location })).id as string;
      const [ra, rb] = await Promise.all([stack.api.post(`/v1/reports/${id}/actions`, bodyA, a), stack.api.post(`/v1/reports/${id}/actions`, bodyB, b)]);
      const label = `${JSON.stringify(bodyA)} by ${a} vs ${JSON.stringify(bodyB)} by ${b} -> ${ra.status} / ${rb.status}`;
      expect([ra.status, rb.status].sort(), `${label}: exactly one wins ${ra.text.slice(0, 200)} ${rb.text.slice(0, 200)}`).toEqual([200, 409]);
      const [winner, loser, lost] = ra.status === 200 ? [a, b, rb] : [b, a, ra];
      expect(['version_conflict', 'invalid_transition']).toContain(lost.json.error.code);
      if (lost.json.error.code === 'version_conflict') contested++;
      const entries = await stateChanges(id);
      expect(entries.filter((e) => e.actorId === loser), `${label}: the loser (${loser}) has no entry`).toEqual([]);
      expect(entries.filter((e) => e.actorId === winner), `${label}: the winner (${winner}) has exactly one`).toHaveLength(1);
      await expectOneEntryPerCommit(id, label);
    }
    // the races with expectedVersion: 1 on both sides can only end in a version conflict
    expect(contested).toBeGreaterThanOrEqual(3);
  });

  it('a stale expectedVersion, a wrong state or an invalid body is a 409/400 that writes nothing', async () => {
    const id = (await fileReport(stack.api, RESIDENT, { category: 'fire_exit_blocked', description: '版本冲突测试', location })).id as string;
    await act(stack.api, id, LEADER, { action: 'accept' });
    await act(stack.api, id, DISPATCHER, { action: 'remind' });
    const cases: Array<[string, Record<string, unknown>, number, string]> = [
      [DISPATCHER, { action: 'remind', expectedVersion: 1 }, 409, 'version_conflict'],
      [LEADER, { action: 'dispatch', assigneeId: WORKER, expectedVersion: 2 }, 409, 'version_conflict'],
      [LEADER, { action: 'verify' }, 409, 'invalid_transition'],
      [DISPATCHER, { action: 'close' }, 409, 'invalid_transition'],
      [LEADER, { action: 'dispatch' }, 400, 'invalid_input'],
    ];
    for (const [as, body, status, code] of cases) {
      const before = await tableState(stack);
      const r = await stack.api.post(`/v1/reports/${id}/actions`, body, as);
      const after = await tableState(stack);
      expect.soft(r.status, `${JSON.stringify(body)} by ${as}: ${r.text.slice(0, 200)}`).toBe(status);
      expect.soft(r.json?.error?.code).toBe(code);
      expect(describeChange(before, after), `${JSON.stringify(body)} by ${as}: nothing written`).toBe('no change');
    }
    await expectOneEntryPerCommit(id);
  });

  it('a staff account that was not created, or an import that was refused, has no entry', async () => {
    for (const [label, call] of [
      ['staff for an unknown area', () => stack.api.post('/v1/admin/staff', { name: '不存在的网格', role: 'grid_worker', areaIds: ['gr-nowhere'] }, ADMIN)],
      ['staff by a dispatcher', () => stack.api.post('/v1/admin/staff', { name: '越权建号', role: 'grid_worker', areaIds: [GRID] }, DISPATCHER)],
      ['an import with a broken grid', () => {
        const bad = toAreaImport(demoCity()) as AreaImport;
        const f = (bad.features as any[]).find((x) => x.properties.level === 'grid');
        f.properties.beatId = 'bt-nowhere';
        return stack.api.call('PUT', '/v1/admin/areas', { body: bad, as: ADMIN });
      }],
    ] as const) {
      const before = await tableState(stack);
      const r = await call();
      const after = await tableState(stack);
      expect.soft(r.status, `${label}: ${r.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(describeChange(before, after), `${label}: nothing written`).toBe('no change');
    }
  });
});

describe('every change that happened has exactly one entry, of the right kind', () => {
  it('a report through the whole loop: one state_change per commit, matching the timeline', async () => {
    const id = (await fileReport(stack.api, RESIDENT, { category: 'other', description: '全流程审计', location })).id as string;
    await stack.api.post(`/v1/reports/${id}/follow`, {}, RESIDENT2);
    await act(stack.api, id, WORKER, { action: 'accept' });
    await act(stack.api, id, DISPATCHER, { action: 'remind' });
    await act(stack.api, id, WORKER, { action: 'dispatch', assigneeId: WORKER });
    await act(stack.api, id, WORKER, { action: 'start' });
    const photo = await stack.api.uploadReady(WORKER, await phonePhoto(320, 240));
    await act(stack.api, id, WORKER, { action: 'resolve', note: '已清理', photos: [photo] });
    await act(stack.api, id, LEADER, { action: 'rework', reason: '仍有杂物' });
    const photo2 = await stack.api.uploadReady(WORKER, await phonePhoto(320, 240));
    await act(stack.api, id, WORKER, { action: 'resolve', note: '已彻底清理', photos: [photo2] });
    await act(stack.api, id, LEADER, { action: 'verify' });
    await act(stack.api, id, LEADER, { action: 'close' });
    const rated = await stack.api.post(`/v1/reports/${id}/rating`, { score: 'satisfied' }, RESIDENT);
    expect(rated.status, rated.text).toBe(200);
    const entries = await stateChanges(id);
    expect(entries.length).toBeGreaterThanOrEqual(11);
    expect(new Set(entries.map((e) => e.what))).toEqual(new Set(['state_change']));
    await expectOneEntryPerCommit(id);
  });

  it('creating and editing a staff account: one account_change each', async () => {
    const before = new Set((await audit(`actorId=${ADMIN}`)).map((e) => e.id));
    const created = await stack.api.post('/v1/admin/staff', { name: '审计 新同事', role: 'grid_worker', areaIds: ['gr-haizhu-02'] }, ADMIN);
    expect(created.status, created.text).toBe(201);
    const afterCreate = (await audit(`actorId=${ADMIN}`)).filter((e) => !before.has(e.id));
    expect(afterCreate.map((e) => e.what), 'create').toEqual(['account_change']);
    for (const e of afterCreate) before.add(e.id);
    const edited = await stack.api.call('PATCH', `/v1/admin/staff/${created.json.id}`, { body: { name: '审计 改名后' }, as: ADMIN });
    expect(edited.status, edited.text).toBe(200);
    const afterEdit = (await audit(`actorId=${ADMIN}`)).filter((e) => !before.has(e.id));
    expect(afterEdit.map((e) => e.what), 'edit').toEqual(['account_change']);
  });

  it('deactivating an account: one account_change, and each handed-back task one state_change per commit', async () => {
    const { api } = stack;
    const grid = 'gr-haizhu-02';
    const created = await api.post('/v1/admin/staff', { name: '审计 将停用', role: 'grid_worker', areaIds: [grid] }, ADMIN);
    expect(created.status, created.text).toBe(201);
    // the grid's seeded worker is off duty, so the new one gets the tasks
    expect((await api.call('PUT', '/v1/me/duty', { body: { state: 'off_duty' }, as: 'u-gw-haizhu-02' })).status).toBe(200);
    const at = await pointIn(api, grid);
    for (const d of ['一', '二']) await fileReport(api, RESIDENT, { category: 'fire_equipment', description: `停用测试${d}`, location: at });
    expect((await api.call('PUT', '/v1/me/duty', { body: { state: 'on_duty' }, as: 'u-gw-haizhu-02' })).status).toBe(200);
    const tasks = ids(await api.get('/v1/tasks?state=open&limit=100', created.json.id));
    expect(tasks.length).toBeGreaterThan(0);
    const before = new Set((await audit(`actorId=${ADMIN}`)).map((e) => e.id));
    const off = await api.call('PATCH', `/v1/admin/staff/${created.json.id}`, { body: { active: false }, as: ADMIN });
    expect(off.status, off.text).toBe(200);
    expect([...off.json.reassigned].sort()).toEqual([...tasks].sort());
    expect((await audit(`actorId=${ADMIN}`)).filter((e) => !before.has(e.id)).map((e) => e.what)).toEqual(['account_change']);
    for (const id of tasks) await expectOneEntryPerCommit(id, `handed back ${id}`);
  });

  it('a moderation decision: one entry of kind moderation, on the report', async () => {
    const id = (await fileReport(stack.api, RESIDENT, { category: 'dispute', description: '楼下有人聚众赌博', location })).id as string;
    const before = new Set((await audit(`actorId=${DISPATCHER}`)).map((e) => e.id));
    const r = await stack.api.post(`/v1/admin/moderation/${id}`, { decision: 'approve', note: '属实，非违规内容' }, DISPATCHER);
    expect(r.status, r.text).toBe(200);
    const fresh = (await audit(`actorId=${DISPATCHER}`)).filter((e) => !before.has(e.id));
    expect(fresh.map((e) => e.what)).toEqual(['moderation']);
    expect(fresh[0]!.reportId).toBe(id);
    expect((await audit(`reportId=${id}`)).filter((e) => e.what === 'moderation')).toHaveLength(1);
  });

  it('an area import: one entry of kind areas_import', async () => {
    const before = new Set((await audit(`actorId=${ADMIN}`)).map((e) => e.id));
    const next = toAreaImport(demoCity()) as AreaImport;
    for (const f of next.features as any[]) if (f.properties.id === GRID) f.properties.name = '科技园社区第一网格（审计）';
    const r = await stack.api.call('PUT', '/v1/admin/areas', { body: next, as: ADMIN });
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    const fresh = (await audit(`actorId=${ADMIN}`)).filter((e) => !before.has(e.id));
    expect(fresh.map((e) => e.what)).toEqual(['areas_import']);
  });
});
