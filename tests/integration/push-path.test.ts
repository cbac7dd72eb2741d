/**
 * The inbox never waits for WeChat (issue 12.2): the stream notifier writes the inbox item and
 * queues the push; the push goes its own way (the push worker locally, SQS + events-push in the
 * cloud) and the KPI consumer reads the stream on its own. With WeChat holding every reply for
 * 30 s, an inbox item still arrives within 2 s (the bound, 15x under the hold), the KPI
 * counters move meanwhile, and the push is recorded once WeChat answers.
 *
 * Also: the push queue's own guarantees — a duplicate message sends nothing twice, and the
 * recovery pass of a restarted worker delivers what a dead run left queued (its journal), the
 * push a dead message had claimed included.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { acceptSubscriptions, TASK_TEMPLATES } from '../support/wechat.ts';
import { DISPATCHER, GRID, pointIn, RESIDENT, WORKER } from '../support/fixtures.ts';

// WeChat answers after 30 s here, within the client's patience: the reply is an answer, not a timeout.
process.env.WECHAT_TIMEOUT_MS = '40000';
process.env.NOTIFY_RETRY_DELAYS_MS = '0,20,40,80';

const HOLD_MS = 30_000;
const openid = `o-${WORKER}`;

let stack: TestStack;
let location: { lat: number; lng: number };
let store: typeof import('../../functions/src/store/inbox.ts');

beforeAll(async () => {
  stack = await startTestStack();
  location = await pointIn(stack.api, GRID);
  store = await import('../../functions/src/store/inbox.ts');
  await acceptSubscriptions(stack, WORKER, TASK_TEMPLATES);
});
afterAll(async () => {
  stack?.wechat.control.setReplyDelay(0);
  await stack?.stop();
});

const chinaDay = (d = new Date()) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function report() {
  const r = await stack.api.post('/v1/reports', { category: 'fire_exit_blocked', description: '安全出口被杂物堵住', location }, RESIDENT);
  expect(r.status, r.text).toBe(201);
  return r.json as { id: string };
}

/** The worker's inbox item about this report, as GET /v1/inbox shows it (undefined until there). */
async function taskItem(reportId: string): Promise<{ id: string; at: string; push: string; pushed: boolean } | undefined> {
  const r = await stack.api.get('/v1/inbox?limit=50', WORKER);
  expect(r.status, r.text).toBe(200);
  return (r.json.items as { reportId: string; id: string; at: string; push: string; pushed: boolean }[]).find((i) => i.reportId === reportId);
}

async function reportedToday(): Promise<number> {
  const day = chinaDay();
  const s = await stack.api.get(`/v1/stats?areaId=${GRID}&from=${day}&to=${day}`, DISPATCHER);
  expect(s.status, s.text).toBe(200);
  return Number(s.json.area.reported ?? 0);
}

const sends = (reportId: string) => stack.wechat.messages().filter((m) => m.touser === openid && m.page?.includes(reportId));

describe('WeChat holding its replies for 30 s', () => {
  it('an inbox item still arrives within 2 s, the KPIs move meanwhile, and the push arrives once WeChat answers', async () => {
    await stack.drainStream();
    const kpiBefore = await reportedToday();
    stack.wechat.control.setReplyDelay(HOLD_MS, 'send');
    try {
      // A first report: its task push reaches WeChat, which holds the reply.
      const t0 = Date.now();
      const first = await report();
      while (sends(first.id).length === 0 && Date.now() - t0 < HOLD_MS) await sleep(25);
      expect(sends(first.id).map((m) => m.errcode), 'WeChat has the first push').toEqual([0]);

      // Then an unrelated report: its inbox item does not wait for WeChat's answer to the first.
      const t1 = Date.now();
      const second = await report();
      let item = await taskItem(second.id);
      while (!item && Date.now() - t1 < HOLD_MS) {
        await sleep(25);
        item = await taskItem(second.id);
      }
      const inboxMs = Date.now() - t1;
      expect(item, 'the inbox item arrived').toBeDefined();
      expect(inboxMs, `inbox after ${inboxMs} ms`).toBeLessThan(2000);
      expect(item!.push).toBe('pending'); // its push waits for WeChat like the first one

      // the KPI consumer counted both reports while WeChat still holds its replies
      let kpi = await reportedToday();
      while (kpi < kpiBefore + 2 && Date.now() - t0 < HOLD_MS) {
        await sleep(50);
        kpi = await reportedToday();
      }
      expect(kpi).toBe(kpiBefore + 2);
      expect(Date.now() - t0, 'KPIs counted before WeChat answered').toBeLessThan(HOLD_MS);
      expect((await taskItem(first.id))!.push).toBe('pending');

      // WeChat answers after its hold: each push is recorded sent, once
      await stack.drainStream();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(HOLD_MS);
      for (const r of [first, second]) {
        expect(await taskItem(r.id)).toMatchObject({ push: 'sent', pushed: true });
        expect(sends(r.id)).toHaveLength(1);
      }
    } finally {
      stack.wechat.control.setReplyDelay(0);
    }
  }, 120_000);
});

describe('the push queue', () => {
  it('a duplicate message (a stream replay, SQS at least once) sends nothing twice', async () => {
    const r = await report();
    await stack.drainStream();
    const item = (await taskItem(r.id))!;
    expect(item.push).toBe('sent');
    const { enqueuePushes } = await import('../../functions/src/notify/push-queue.ts');
    await enqueuePushes([{ userId: WORKER, at: item.at, id: item.id }, { userId: WORKER, at: item.at, id: item.id }]);
    await stack.drainStream();
    expect(sends(r.id)).toHaveLength(1);
  });

  it('a restarted worker delivers what a dead run left in its journal, a push it had claimed included', async () => {
    const { startPushWorker } = await import('../../functions/local/push-worker.ts');
    const { handler } = await import('../../functions/src/events/push.ts');
    const { pushMessageBody } = await import('../../functions/src/notify/push-message.ts');
    // Two items the notifier wrote and queued; the run died before pushing them. The first was
    // never taken; the second was claimed by its message (lease still running) when it died.
    const now = new Date().toISOString();
    const base = { userId: WORKER, reportId: '', kind: 'report.created', title: '新的隐患上报', body: '消防通道堵塞', reason: 'task', pushed: false, push: 'pending' as const, pushTemplate: 'task', version: 1 };
    const refs = [];
    for (const [n, extra] of [[0, { pushBy: 'queue' as const }], [1, { pushBy: 'worker' as const, pushClaim: 'm-dead-2', pushClaimedAt: now }]] as const) {
      const r = await report();
      await stack.drainStream();
      const at = new Date(Date.now() + n).toISOString();
      const id = `${r.id}-000099`;
      expect(await store.deliver({ ...base, ...extra, id, at, reportId: r.id, version: 99 })).toBe(true);
      refs.push({ reportId: r.id, ref: { userId: WORKER, at, id } });
    }
    const dir = await mkdtemp(join(tmpdir(), 'wsb-push-journal-'));
    const journalFile = join(dir, 'push-queue.json');
    await writeFile(journalFile, JSON.stringify({ pending: [{ id: 'm-dead-1', body: pushMessageBody(refs[0]!.ref), receives: 1, sentAt: Date.now() }], setAside: [{ id: 'm-dead-2', body: pushMessageBody(refs[1]!.ref), receives: 5, sentAt: Date.now() }] }));

    const worker = await startPushWorker({ handler, journalFile });
    try {
      await worker.idle();
      for (const { ref } of refs) expect(await store.getInboxItem(ref)).toMatchObject({ push: 'sent', pushed: true });
      for (const { reportId } of refs) expect(sends(reportId)).toHaveLength(2); // the task at filing + the recovered one
      expect(worker.stats()).toMatchObject({ queued: 0, inFlight: 0, setAside: 0, done: 2 });
    } finally {
      await worker.stop();
    }
  });
});
