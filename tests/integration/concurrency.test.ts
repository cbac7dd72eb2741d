/**
 * Races over the public API with real engines: a double-tapped "submit" (one Idempotency-Key,
 * many requests in flight), two staff pressing "accept" at the same moment, optimistic locking
 * with expectedVersion, and one photo claimed by two reports at once. Whatever the timing, the
 * store ends up with exactly one outcome and every loser gets a 4xx, never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, newKey, type TestStack } from '../support/stack.ts';
import { phonePhoto, pointIn, RESIDENT, RESIDENT2, GRID, WORKER, LEADER, DISPATCHER } from '../support/fixtures.ts';
import { fingerprint, rawReport, reportIds, scanAll } from '../support/table.ts';
import { act, expectError, fileReport, stateOf } from '../support/checks.ts';

let stack: TestStack;
let location: { lat: number; lng: number };

beforeAll(async () => {
  stack = await startTestStack();
  location = await pointIn(stack.api, GRID);
  // log everyone in up front, so the races below race on the report and not on dev logins
  for (const u of [RESIDENT, RESIDENT2, WORKER, LEADER, DISPATCHER]) await stack.api.token(u);
});
afterAll(async () => {
  await stack?.stop();
});

async function mineIds(as: string): Promise<string[]> {
  const r = await stack.api.get('/v1/reports?scope=mine&limit=100', as);
  expect(r.status, r.text).toBe(200);
  return r.json.items.map((i: { id: string }) => i.id);
}

/** The table once the notifier has caught up (it writes inbox rows after each change). */
async function settledTable() {
  await stack.drainStream();
  return scanAll();
}

const timelineActions = (view: any): string[] => view.timeline.map((e: { action: string }) => e.action);

describe('Idempotency-Key on POST /v1/reports', () => {
  const key = newKey();
  const body = () => ({ category: 'fire_exit_blocked', description: '5 栋消防通道被电动车堵死（幂等测试）', location, address: '科技园 5 栋' });
  let reportId: string;

  it('200 concurrent requests with one key and one body create exactly one report', async () => {
    const { api } = stack;
    const before = await settledTable();
    const mineBefore = await mineIds(RESIDENT);

    const responses = await Promise.all(Array.from({ length: 200 }, () => api.post('/v1/reports', body(), RESIDENT, { 'idempotency-key': key })));

    const statuses = [...new Set(responses.map((r) => r.status))];
    expect(statuses.every((s) => s === 201 || s === 200), `statuses ${statuses.join(',')}: ${responses.find((r) => r.status >= 300)?.text}`).toBe(true);
    const ids = new Set(responses.map((r) => r.json?.id));
    expect(ids.size).toBe(1);
    reportId = [...ids][0] as string;
    expect(reportId).toMatch(/^R\d{8}[0-9A-F]{10}$/);
    for (const r of responses) {
      expect(r.json.description).toBe(body().description);
      expect(r.json.status).toBe('reported');
      expect(r.json.version).toBe(1);
    }
    // exactly one request did the work; the other 199 were answered from the stored response
    const fresh = responses.filter((r) => r.headers.get('idempotent-replayed') !== 'true');
    expect(fresh).toHaveLength(1);

    const mineAfter = await mineIds(RESIDENT);
    expect(mineAfter.filter((id) => !mineBefore.includes(id))).toEqual([reportId]);

    const after = await settledTable();
    const newReports = reportIds(after).filter((id) => !reportIds(before).includes(id));
    expect(newReports).toEqual([reportId]);
    // the report's partition holds one story: the record, version 1's timeline item (report and
    // route events, and the outbox row riding on it), the reporter's membership
    const items = after.filter((i) => i.PK === `REPORT#${reportId}`);
    expect(items.map((i) => String(i.SK).replace(/#.*/, '')).sort()).toEqual(['EVENT', 'MEMBER', 'REPORT']);
    const v1 = items.find((i) => String(i.SK).startsWith('EVENT#'))!;
    expect(v1.action).toBe('report');
    expect((v1.also as Array<{ action: string }>).map((e) => e.action)).toEqual(['route']);
    expect((v1.outbox as { kind: string }).kind).toBe('report.created');
    expect(after.filter((i) => String(i.PK).startsWith('REPORT#')).length - before.filter((i) => String(i.PK).startsWith('REPORT#')).length).toBe(3);
    const idem = after.filter((i) => String(i.PK).startsWith('IDEMP#'));
    expect(idem.filter((i) => i.key === key)).toHaveLength(1);
    expect(idem.find((i) => i.key === key)).toMatchObject({ status: 'done', response: { statusCode: 201, body: { reportId } } });
  });

  it('the same key with a different body is 422 idempotency_key_reused and writes nothing', async () => {
    const { api } = stack;
    expect(reportId).toBeDefined();
    const before = fingerprint(await settledTable());
    const variants = [
      { ...body(), description: '另一段描述' },
      { ...body(), category: 'fire_equipment' },
      { ...body(), anonymous: true },
      { ...body(), address: '科技园 6 栋' },
    ];
    for (const v of variants) {
      const r = await api.post('/v1/reports', v, RESIDENT, { 'idempotency-key': key });
      expectError(r, 422, 'idempotency_key_reused', JSON.stringify(v));
    }
    expect(fingerprint(await settledTable())).toEqual(before);
  });

  it('a retry after success returns the same report with idempotent-replayed: true', async () => {
    const { api } = stack;
    expect(reportId).toBeDefined();
    const before = fingerprint(await settledTable());
    for (let i = 0; i < 3; i++) {
      const r = await api.post('/v1/reports', body(), RESIDENT, { 'idempotency-key': key });
      expect(r.status, r.text).toBe(201);
      expect(r.json.id).toBe(reportId);
      expect(r.headers.get('idempotent-replayed')).toBe('true');
    }
    expect(fingerprint(await settledTable())).toEqual(before);
  });

  it('keys are per user: another resident with the same key files their own report', async () => {
    const { api } = stack;
    expect(reportId).toBeDefined();
    const r = await api.post('/v1/reports', body(), RESIDENT2, { 'idempotency-key': key });
    expect(r.status, r.text).toBe(201);
    expect(r.json.id).not.toBe(reportId);
    expect(r.headers.get('idempotent-replayed')).toBeNull();
  });

  it('one key raced with two different bodies: one report, the other body gets 422', async () => {
    const { api } = stack;
    const raceKey = newKey();
    const a = { ...body(), description: '竞争 A：楼道堆放纸箱' };
    const b = { ...body(), description: '竞争 B：楼道堆放纸箱' };
    const before = reportIds(await settledTable());
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => api.post('/v1/reports', i % 2 ? b : a, RESIDENT, { 'idempotency-key': raceKey }).then((r) => ({ r, sent: i % 2 ? b : a }))));
    const winners = responses.filter(({ r }) => r.status === 201);
    const losers = responses.filter(({ r }) => r.status !== 201);
    expect(winners.length).toBe(20);
    expect(new Set(winners.map(({ r }) => r.json.id)).size).toBe(1);
    const winningBody = winners[0]!.sent;
    expect(winners.every(({ sent, r }) => sent === winningBody && r.json.description === winningBody.description)).toBe(true);
    for (const { r, sent } of losers) {
      expect(sent).not.toBe(winningBody);
      expectError(r, 422, 'idempotency_key_reused');
    }
    const created = reportIds(await settledTable()).filter((id) => !before.includes(id));
    expect(created).toEqual([winners[0]!.r.json.id]);
  });
});

describe('two staff acting on one report at once', () => {
  it('worker and grid leader both accept: exactly one 200, one 409, one accept on the timeline (10 rounds)', async () => {
    const { api } = stack;
    const reports = [];
    for (let i = 0; i < 10; i++) {
      reports.push(await fileReport(api, RESIDENT, { category: 'fire_exit_blocked', description: `竞争受理 ${i}：安全出口上锁`, location }));
    }
    for (const r of reports) expect(r.assignee).toEqual({ role: 'grid_worker', name: '王师傅' });

    // all 10 races at once: 20 requests in flight
    const rounds = await Promise.all(
      reports.map(async (r) => {
        const [w, l] = await Promise.all([
          api.post(`/v1/reports/${r.id}/actions`, { action: 'accept' }, WORKER),
          api.post(`/v1/reports/${r.id}/actions`, { action: 'accept' }, LEADER),
        ]);
        return { id: r.id as string, w, l };
      }),
    );
    for (const { id, w, l } of rounds) {
      const label = `report ${id}: worker ${w.status} ${w.text.slice(0, 120)} / leader ${l.status} ${l.text.slice(0, 120)}`;
      expect([w.status, l.status].sort(), label).toEqual([200, 409]);
      const loser = w.status === 409 ? w : l;
      expectError(loser, 409, ['invalid_transition', 'version_conflict'], label);
      const winner = w.status === 200 ? w : l;
      expect(winner.json.status).toBe('accepted');

      const final = await api.get(`/v1/reports/${id}`, RESIDENT);
      expect(final.json.status).toBe('accepted');
      expect(final.json.version).toBe(2);
      expect(timelineActions(final.json).filter((a) => a === 'accept'), label).toHaveLength(1);
      expect(timelineActions(final.json)).toEqual(['report', 'route', 'accept']);
      const acceptedBy = final.json.timeline[2].actor;
      expect(acceptedBy).toEqual(w.status === 200 ? { role: 'grid_worker', name: '王师傅' } : { role: 'grid_leader', name: '陈主任' });
      expect((await rawReport(id))?.version).toBe(2);
    }
  });

  it('accept, reject and accept from three staff at once: one wins and the timeline agrees with it', async () => {
    const { api } = stack;
    for (let i = 0; i < 5; i++) {
      const r = await fileReport(api, RESIDENT, { category: 'fire_equipment', description: `三方竞争 ${i}：灭火器过期`, location });
      const [w, l, d] = await Promise.all([
        api.post(`/v1/reports/${r.id}/actions`, { action: 'accept' }, WORKER),
        api.post(`/v1/reports/${r.id}/actions`, { action: 'reject', reason: '不属于安全隐患' }, LEADER),
        api.post(`/v1/reports/${r.id}/actions`, { action: 'accept' }, DISPATCHER),
      ]);
      const all = [w, l, d];
      const label = all.map((x) => `${x.status} ${x.text.slice(0, 100)}`).join(' | ');
      expect(all.filter((x) => x.status === 200), label).toHaveLength(1);
      const winner = all.find((x) => x.status === 200)!;
      for (const x of all.filter((y) => y.status !== 200)) {
        // A reject clears the assignee, so the worker who lost to it is no longer a party to the
        // report at all: 403 for them is the transition table speaking, not a lost race.
        if (x === w && winner === l && x.status === 403) expectError(x, 403, 'forbidden', label);
        else expectError(x, 409, ['invalid_transition', 'version_conflict'], label);
      }
      const final = (await api.get(`/v1/reports/${r.id}`, RESIDENT)).json;
      expect(final.status).toBe(winner.json.status);
      expect(final.version).toBe(2);
      expect(timelineActions(final).slice(2)).toEqual([winner === l ? 'reject' : 'accept']);
    }
  });
});

describe('expectedVersion', () => {
  it('a stale expectedVersion is 409 version_conflict and leaves the report as it was', async () => {
    const { api } = stack;
    const r = await fileReport(api, RESIDENT, { category: 'unsafe_wiring', description: '地下室私拉电线', location });
    const accepted = await act(api, r.id, WORKER, { action: 'accept', expectedVersion: 1 });
    expect(accepted.version).toBe(2);
    const before = stateOf((await api.get(`/v1/reports/${r.id}`, RESIDENT)).json);
    const raw = await rawReport(r.id);

    for (const [as, body] of [
      [WORKER, { action: 'dispatch', assigneeId: WORKER, expectedVersion: 1 }],
      [LEADER, { action: 'remind', expectedVersion: 1 }],
      [LEADER, { action: 'remind', expectedVersion: 3 }],
      [DISPATCHER, { action: 'transfer', reason: '转公安处理', expectedVersion: 1 }],
    ] as const) {
      const res = await api.post(`/v1/reports/${r.id}/actions`, body, as);
      expectError(res, 409, 'version_conflict', `${body.action} v${body.expectedVersion}`);
    }
    expect(stateOf((await api.get(`/v1/reports/${r.id}`, RESIDENT)).json)).toEqual(before);
    expect(await rawReport(r.id)).toEqual(raw);

    // the current version goes through
    const dispatched = await act(api, r.id, WORKER, { action: 'dispatch', assigneeId: WORKER, expectedVersion: 2 });
    expect(dispatched).toMatchObject({ status: 'dispatched', version: 3 });
  });

  it('two reminders on the same expectedVersion: one lands, the other is version_conflict', async () => {
    const { api } = stack;
    for (let i = 0; i < 5; i++) {
      const r = await fileReport(api, RESIDENT, { category: 'dispute', description: `邻里噪音纠纷 ${i}`, location });
      const [a, b] = await Promise.all([
        api.post(`/v1/reports/${r.id}/actions`, { action: 'remind', expectedVersion: 1 }, LEADER),
        api.post(`/v1/reports/${r.id}/actions`, { action: 'remind', expectedVersion: 1 }, DISPATCHER),
      ]);
      const label = `${a.status} ${a.text.slice(0, 100)} | ${b.status} ${b.text.slice(0, 100)}`;
      expect([a.status, b.status].sort(), label).toEqual([200, 409]);
      expectError(a.status === 409 ? a : b, 409, 'version_conflict', label);
      const final = (await api.get(`/v1/reports/${r.id}`, RESIDENT)).json;
      expect(final.version).toBe(2);
      expect(timelineActions(final)).toEqual(['report', 'route', 'remind']);
    }
  });
});

describe('one photo, two claims at once', () => {
  it('the same upload in concurrent reports: exactly one 201, the others 400 invalid_upload (never 500)', async () => {
    const { api } = stack;
    const photo = await phonePhoto(320, 240);
    for (let round = 0; round < 3; round++) {
      const upload = await api.uploadReady(RESIDENT, photo);
      const before = reportIds(await settledTable());
      const responses = await Promise.all(
        Array.from({ length: 3 }, (_, i) =>
          api.post('/v1/reports', { category: 'other', description: `同一张照片 ${round}-${i}`, location, photos: [upload] }, RESIDENT, i === 0 ? { 'idempotency-key': newKey() } : {}),
        ),
      );
      const label = responses.map((r) => `${r.status} ${r.text.slice(0, 120)}`).join(' | ');
      expect(responses.filter((r) => r.status === 201), label).toHaveLength(1);
      for (const r of responses.filter((x) => x.status !== 201)) expectError(r, 400, 'invalid_upload', label);
      const created = reportIds(await settledTable()).filter((id) => !before.includes(id));
      expect(created).toEqual([responses.find((r) => r.status === 201)!.json.id]);
    }
  });

  it('the same after-photo resolving three reports at once: one 200, the others 400 invalid_upload (never 500)', async () => {
    const { api } = stack;
    for (let round = 0; round < 2; round++) {
      const started: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await fileReport(api, RESIDENT, { category: 'fire_exit_blocked', description: `办结照片竞争 ${round}-${i}`, location });
        await act(api, r.id, WORKER, { action: 'accept' });
        await act(api, r.id, WORKER, { action: 'dispatch', assigneeId: WORKER });
        await act(api, r.id, WORKER, { action: 'start' });
        started.push(r.id as string);
      }
      const after = await api.uploadReady(WORKER, await phonePhoto(320, 240));
      const responses = await Promise.all(started.map((id) => api.post(`/v1/reports/${id}/actions`, { action: 'resolve', note: '已清理', photos: [after] }, WORKER)));
      const label = responses.map((r) => `${r.status} ${r.text.slice(0, 120)}`).join(' | ');
      expect(responses.map((r) => r.status).sort(), label).toEqual([200, 400, 400]);
      for (const [i, r] of responses.entries()) {
        const view = (await api.get(`/v1/reports/${started[i]}`, RESIDENT)).json;
        if (r.status === 200) {
          expect(view.status).toBe('resolved');
          expect(view.photos.filter((p: { kind: string }) => p.kind === 'after').map((p: { id: string }) => p.id)).toEqual([after]);
        } else {
          expectError(r, 400, 'invalid_upload', label);
          expect(view.status).toBe('in_progress');
          expect(view.photos.filter((p: { kind: string }) => p.kind === 'after')).toEqual([]);
        }
      }
    }
  });
});
