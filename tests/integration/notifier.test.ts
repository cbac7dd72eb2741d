/**
 * The notifier end to end: outbox rows from the stream -> the in-app inbox (exactly once) and
 * WeChat subscribe messages through the stand-in (at least once where the user can receive
 * one). Long-term staff templates are pushed once the worker accepted them (a tap in the app),
 * inbox only before; residents' one-time grants are used up one per message; 43101 leaves the
 * inbox only (and revokes a long-term acceptance); a busy WeChat is retried, then dead-lettered and
 * replayed by an operator; a notifier stopped mid-batch and run again tells everyone once and
 * pushes every task. The stand-in's records are per test file, so each test uses its own reports.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { marshall } from '@aws-sdk/util-dynamodb';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { pointIn, GRID, RESIDENT, RESIDENT2, RESIDENT3, WORKER } from '../support/fixtures.ts';
import type { SentMessage } from '../../functions/local/wechat-standin.ts';
import { acceptSubscriptions, TASK_TEMPLATES } from '../support/wechat.ts';

// Four attempts as in production, with short gaps so the file stays fast.
process.env.NOTIFY_RETRY_DELAYS_MS = '0,20,40,80';

const ADMIN = 'u-admin';
const openid = (userId: string) => `o-${userId}`;
/** The pages a push about a report may open (domain/pages): residents their report, staff the task. */
const opensReport = (page: string | undefined, reportId: string) => page === `pages/detail/index?id=${reportId}` || page === `staff/task/index?id=${reportId}`;

let stack: TestStack;
let location: { lat: number; lng: number };
let grantsLeft: (userId: string, templateId: string) => Promise<number>;
let validateTemplateData: (data: unknown) => unknown;

beforeAll(async () => {
  stack = await startTestStack();
  location = await pointIn(stack.api, GRID);
  ({ grantsLeft } = await import('../../functions/src/store/grants.ts'));
  ({ validateTemplateData } = await import('../../functions/src/notify/wechat.ts'));
});
afterAll(async () => {
  await stack?.stop();
});

interface InboxView {
  id: string;
  reportId: string;
  kind: string;
  reason: string;
  title: string;
  body: string;
  pushed: boolean;
  push: string;
}

/** What the stand-in received for this user about this report (delivered or not). */
const messages = (userId: string, reportId: string): SentMessage[] => stack.wechat.messages().filter((m) => m.touser === openid(userId) && opensReport(m.page, reportId));

/** Every inbox item of a user (all pages). */
async function inbox(who: string): Promise<InboxView[]> {
  const out: InboxView[] = [];
  let cursor: string | null = null;
  do {
    const r = await stack.api.get(`/v1/inbox?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, who);
    expect(r.status, r.text).toBe(200);
    out.push(...(r.json.items as InboxView[]));
    cursor = r.json.cursor as string | null;
  } while (cursor);
  return out;
}

const inboxFor = async (who: string, reportId: string, kind?: string) => (await inbox(who)).filter((i) => i.reportId === reportId && (!kind || i.kind === kind));

/** A grid-led category nobody else is told about: the worker's task is the only push on creation. */
async function report(as: string, extra: Record<string, unknown> = {}) {
  const r = await stack.api.post('/v1/reports', { category: 'fire_exit_blocked', description: '安全出口被杂物堵住', location, ...extra }, as);
  expect(r.status, r.text).toBe(201);
  return r.json as { id: string; createdAt: string; grid: { name: string }; deadlines: { acceptBy: string } };
}

async function act(id: string, as: string, body: Record<string, unknown>) {
  const r = await stack.api.post(`/v1/reports/${id}/actions`, body, as);
  expect(r.status, r.text).toBe(200);
}

/** 2026-11-23T06:00:00Z -> 2026年11月23日 14:00, as WeChat users read it. */
const beijing = (iso: string) => {
  const t = new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
  return `${t.slice(0, 4)}年${t.slice(5, 7)}月${t.slice(8, 10)}日 ${t.slice(11, 16)}`;
};

describe('pushes', () => {
  it('a worker who has not accepted the task template gets the inbox only; once accepted, every task is pushed: valid fields, deep link', async () => {
    const before = await report(RESIDENT);
    await stack.drainStream();
    expect(messages(WORKER, before.id)).toEqual([]);
    expect(await inboxFor(WORKER, before.id)).toEqual([expect.objectContaining({ kind: 'report.created', pushed: false, push: 'inbox_only' })]);
    const off = (await stack.api.get('/v1/me', WORKER)).json.subscribeTemplates;
    expect(off).toContainEqual({ kind: 'task', templateId: 'tpl-task', longTerm: true, granted: false });

    // the worker taps "开启微信提醒" (requestSubscribeMessage with the long-term templates)
    await acceptSubscriptions(stack, WORKER, TASK_TEMPLATES);
    expect((await stack.api.get('/v1/me', WORKER)).json.subscribeTemplates).toContainEqual({ kind: 'task', templateId: 'tpl-task', longTerm: true, granted: true });
    const r = await report(RESIDENT);
    await stack.drainStream();
    const sent = messages(WORKER, r.id);
    expect(sent).toHaveLength(1);
    const m = sent[0]!;
    expect(m.errcode).toBe(0);
    expect(m.templateId).toBe('tpl-task');
    expect(m.page).toBe(`staff/task/index?id=${r.id}`);
    expect(validateTemplateData(m.data)).toBeUndefined();
    expect(m.data).toEqual({
      thing1: { value: '消防通道、安全出口堵塞' },
      thing2: { value: r.grid.name },
      time3: { value: beijing(r.deadlines.acceptBy) },
      thing4: { value: '新的隐患上报' },
    });
    // long-term: accepted, nothing counted and nothing used up
    expect(await grantsLeft(WORKER, 'tpl-task')).toBe(0);
    expect(stack.wechat.control.state().quotas.filter((q) => q.openid === openid(WORKER))).toEqual([]);
    const next = await report(RESIDENT);
    await stack.drainStream();
    expect(messages(WORKER, next.id).map((m) => m.errcode)).toEqual([0]);
    const [item] = await inboxFor(WORKER, r.id);
    expect(item).toMatchObject({ kind: 'report.created', reason: 'task', pushed: true, push: 'sent' });
  });

  it('a resident without a grant gets the inbox only; with one, exactly one push, and the grant is used up', async () => {
    const { api } = stack;
    const first = await report(RESIDENT2);
    await act(first.id, WORKER, { action: 'accept' });
    await stack.drainStream();
    expect(await inboxFor(RESIDENT2, first.id, 'report.accept')).toEqual([expect.objectContaining({ pushed: false, push: 'inbox_only' })]);
    expect(messages(RESIDENT2, first.id)).toEqual([]);

    // The resident taps "allow" once (requestSubscribeMessage): WeChat counts it, and so do we.
    stack.wechat.control.grantQuota(openid(RESIDENT2), 'tpl-progress');
    const granted = await api.post('/v1/me/subscriptions', { templateIds: ['tpl-progress'] }, RESIDENT2);
    expect(granted.status, granted.text).toBe(200);
    expect(await grantsLeft(RESIDENT2, 'tpl-progress')).toBe(1);

    const second = await report(RESIDENT2);
    await act(second.id, WORKER, { action: 'accept' });
    await stack.drainStream();
    const sent = messages(RESIDENT2, second.id);
    expect(sent).toHaveLength(1);
    // a resident's push opens their report, a page the app has (tests/build/pages.test.ts)
    expect(sent[0]).toMatchObject({ errcode: 0, templateId: 'tpl-progress', page: `pages/detail/index?id=${second.id}` });
    expect(sent[0]!.data.phrase2).toEqual({ value: '已受理' });
    expect(validateTemplateData(sent[0]!.data)).toBeUndefined();
    expect(await inboxFor(RESIDENT2, second.id, 'report.accept')).toEqual([expect.objectContaining({ pushed: true, push: 'sent' })]);
    expect(await grantsLeft(RESIDENT2, 'tpl-progress')).toBe(0);

    // used up: the next milestone is in the inbox only
    const third = await report(RESIDENT2);
    await act(third.id, WORKER, { action: 'accept' });
    await stack.drainStream();
    expect(messages(RESIDENT2, third.id)).toEqual([]);
    expect(await inboxFor(RESIDENT2, third.id, 'report.accept')).toEqual([expect.objectContaining({ pushed: false, push: 'inbox_only' })]);
  });

  it('WeChat answering 43101 leaves the inbox only', async () => {
    // We counted a grant WeChat does not have (the user switched messages off): WeChat says 43101.
    expect((await stack.api.post('/v1/me/subscriptions', { templateIds: ['tpl-progress'] }, RESIDENT3)).status).toBe(200);
    const r = await report(RESIDENT3);
    await act(r.id, WORKER, { action: 'accept' });
    await stack.drainStream();
    expect(messages(RESIDENT3, r.id).map((m) => m.errcode)).toEqual([43101]);
    expect(await inboxFor(RESIDENT3, r.id, 'report.accept')).toEqual([expect.objectContaining({ pushed: false, push: 'inbox_only' })]);
    // kept consumed: WeChat holds no quota for it, so giving it back would only buy another 43101
    expect(await grantsLeft(RESIDENT3, 'tpl-progress')).toBe(0);

    // Staff too: a 43101 on a task push is not retried and not dead-lettered. For a long-term
    // template it says the worker switched the messages off: the acceptance is revoked, so the
    // app shows "未开启微信提醒" and asks again, and no later task is sent to meet another 43101.
    stack.wechat.control.unsubscribe(openid(WORKER), 'tpl-task');
    const task = await report(RESIDENT);
    await stack.drainStream();
    expect(messages(WORKER, task.id).map((m) => m.errcode)).toEqual([43101]);
    expect(await inboxFor(WORKER, task.id)).toEqual([expect.objectContaining({ pushed: false, push: 'inbox_only' })]);
    const dead = await stack.api.get('/v1/admin/push/dead-letters?limit=100', ADMIN);
    expect(dead.json.items.filter((d: { reportId: string }) => d.reportId === task.id)).toEqual([]);
    expect((await stack.api.get('/v1/me', WORKER)).json.subscribeTemplates).toContainEqual({ kind: 'task', templateId: 'tpl-task', longTerm: true, granted: false });
    const later = await report(RESIDENT);
    await stack.drainStream();
    expect(messages(WORKER, later.id)).toEqual([]);
    // accepted again (a tap): pushed again
    await acceptSubscriptions(stack, WORKER, TASK_TEMPLATES);
  });

  it('WeChat failing 3 times (5xx): delivered on the 4th try', async () => {
    await stack.drainStream();
    stack.wechat.control.failNext({ kind: '5xx', count: 3, api: 'send' });
    const r = await report(RESIDENT);
    await stack.drainStream();
    expect(messages(WORKER, r.id).map((m) => m.errcode)).toEqual([-1, -1, -1, 0]);
    expect(await inboxFor(WORKER, r.id)).toEqual([expect.objectContaining({ pushed: true, push: 'sent' })]);
  });

  it('failing past the attempts: a dead letter, listed for admins, replayed once WeChat recovers', async () => {
    const { api } = stack;
    await stack.drainStream();
    stack.wechat.control.failNext({ kind: '5xx', count: 4, api: 'send' });
    const r = await report(RESIDENT);
    await stack.drainStream();
    expect(messages(WORKER, r.id).map((m) => m.errcode)).toEqual([-1, -1, -1, -1]);
    // the inbox told the worker anyway
    expect(await inboxFor(WORKER, r.id)).toEqual([expect.objectContaining({ kind: 'report.created', pushed: false, push: 'failed' })]);

    expect((await api.get('/v1/admin/push/dead-letters', WORKER)).status).toBe(403);
    const listed = await api.get('/v1/admin/push/dead-letters?limit=100', ADMIN);
    expect(listed.status, listed.text).toBe(200);
    const mine = listed.json.items.filter((d: { reportId: string }) => d.reportId === r.id);
    expect(mine).toEqual([expect.objectContaining({ userId: WORKER, kind: 'report.created', template: 'task', errcode: -1, attempts: 4, failures: 1 })]);

    // WeChat still down at the first replay: the record stays, with the failure counted.
    expect((await api.post('/v1/admin/push/replay', {}, WORKER)).status).toBe(403);
    stack.wechat.control.failNext({ kind: '5xx', count: 1, api: 'send' });
    const stillDown = await api.post('/v1/admin/push/replay', {}, ADMIN);
    expect(stillDown.status, stillDown.text).toBe(200);
    expect(stillDown.json).toMatchObject({ attempted: 1, sent: 0, failed: 1 });
    const again = (await api.get('/v1/admin/push/dead-letters?limit=100', ADMIN)).json.items.filter((d: { reportId: string }) => d.reportId === r.id);
    expect(again).toEqual([expect.objectContaining({ failures: 2, attempts: 1 })]);

    // Recovered: replayed once, the record leaves, the item is pushed.
    const replayed = await api.post('/v1/admin/push/replay', {}, ADMIN);
    expect(replayed.json).toMatchObject({ attempted: 1, sent: 1, failed: 0 });
    expect(messages(WORKER, r.id).map((m) => m.errcode)).toEqual([-1, -1, -1, -1, -1, 0]);
    expect((await api.get('/v1/admin/push/dead-letters?limit=100', ADMIN)).json.items).toEqual([]);
    expect(await inboxFor(WORKER, r.id)).toEqual([expect.objectContaining({ pushed: true, push: 'sent' })]);
    // nothing left to replay, nothing sent twice
    expect((await api.post('/v1/admin/push/replay', {}, ADMIN)).json).toMatchObject({ attempted: 0, sent: 0 });
    expect(messages(WORKER, r.id)).toHaveLength(6);
  });

  it('anonymous report: push texts carry no identity', async () => {
    const r = await report(RESIDENT, { category: 'ebike_charging', description: '张女士家门口飞线充电 13800138001', anonymous: true, address: '科技园 3 栋' });
    await act(r.id, WORKER, { action: 'accept' });
    await act(r.id, WORKER, { action: 'dispatch', assigneeId: WORKER });
    await stack.drainStream();
    const sent = stack.wechat.messages().filter((m) => opensReport(m.page, r.id));
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.every((m) => m.touser !== openid(RESIDENT))).toBe(true); // the reporter caused the first row
    const text = JSON.stringify(sent);
    expect(text).not.toMatch(/u-res-zhang|o-u-res-zhang|张女士|13800138001|138\*\*\*\*8001/);
    // nor the description (it may name people); staff read it in the app, behind their rights
    expect(text).not.toContain('飞线充电 1380');
  });
});

describe('stopped mid-batch and restarted', () => {
  it('every task pushed at least once, every inbox item exactly once', async () => {
    const { handler } = await import('../../functions/src/events/stream.ts');
    const { dynamo } = await import('../../functions/src/store/clients.ts');
    const reports: Awaited<ReturnType<typeof report>>[] = [];
    for (let i = 0; i < 10; i++) reports.push(await report(RESIDENT));
    await stack.drainStream();

    // Rows the service would write on reassigning each task (to its followers and the new
    // holder), handed to the stream handler as one batch. They are not in the table, so the
    // stack's own stream pump never sees them: only this test drives them.
    const VERSION = 99;
    const batch = reports.map((r, i) => ({
      reportId: r.id,
      version: VERSION,
      at: new Date(Date.now() + i).toISOString(),
      kind: 'report.reassign',
      actorId: null,
      to: [{ audience: 'followers' }, { userId: WORKER, reason: 'task' }],
      title: '事项已重新分派',
      body: '原处理人调整了负责区域，重新分派',
    }));
    const event = {
      Records: batch.map((row, i) => ({
        eventID: `e${i}`,
        eventName: 'INSERT',
        dynamodb: { SequenceNumber: String(i), NewImage: marshall({ PK: `REPORT#${row.reportId}`, SK: `OUTBOX#0000${VERSION}`, type: 'outbox', ...row }) },
      })),
    } as unknown as DynamoDBStreamEvent;
    const inboxId = (reportId: string) => `${reportId}-0000${VERSION}`;
    const pushedSoFar = () => reports.map((r) => messages(WORKER, r.id).filter((m) => m.errcode === 0 && m.data.thing4?.value === '事项已重新分派').length);

    // The notifier dies at its 25th store call: from then on every call fails, as in a killed
    // process. Scoped to this run by async context, so nothing else in the stack is touched (the
    // push worker runs in its own context: the pushes it was handed before are its own work).
    const chaos = new AsyncLocalStorage<{ calls: number; dieAt: number }>();
    const name = 'notifier-test-chaos';
    dynamo.middlewareStack.add(
      ((next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
        const c = chaos.getStore();
        if (c && ++c.calls >= c.dieAt) throw new Error('injected: the notifier stopped here');
        return next(args);
      }) as never,
      { step: 'initialize', name },
    );
    let answer;
    try {
      answer = await chaos.run({ calls: 0, dieAt: 25 }, () => handler(event));
    } finally {
      dynamo.middlewareStack.remove(name);
    }
    // a partial batch response: the stream is to start again at the first row that did not finish
    expect(answer.batchItemFailures).toHaveLength(1);
    expect(event.Records.map((r) => r.dynamodb!.SequenceNumber)).toContain(answer.batchItemFailures[0]!.itemIdentifier);
    // it did stop partway: some items written, not every task pushed and recorded
    const afterCrash = (await inbox(WORKER)).filter((i) => batch.some((row) => i.id === inboxId(row.reportId)));
    expect(afterCrash.length).toBeGreaterThan(0);
    expect(afterCrash.filter((i) => i.push === 'sent').length).toBeLessThan(batch.length);

    // Restarted: the stream hands it the same batch again; the pushes go their own way.
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    await stack.drainStream();
    const workerItems = await inbox(WORKER);
    const residentItems = await inbox(RESIDENT);
    for (const row of batch) {
      expect(workerItems.filter((i) => i.id === inboxId(row.reportId))).toEqual([expect.objectContaining({ kind: 'report.reassign', reason: 'task', push: 'sent', pushed: true })]);
      // the reporter follows it: told once, not pushed (an internal step, see templates.messageKindFor)
      expect(residentItems.filter((i) => i.id === inboxId(row.reportId))).toEqual([expect.objectContaining({ reason: 'reporter', push: 'inbox_only' })]);
    }
    const pushed = pushedSoFar();
    expect(pushed.every((n) => n >= 1), `pushes per task: ${pushed.join(',')}`).toBe(true);

    // A third delivery of the batch changes nothing: no item, no push.
    await handler(event);
    await stack.drainStream();
    expect(pushedSoFar()).toEqual(pushed);
    expect((await inbox(WORKER)).filter((i) => batch.some((row) => i.id === inboxId(row.reportId)))).toHaveLength(batch.length);
  });
});
