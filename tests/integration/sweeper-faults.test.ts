/**
 * Timers are never lost: a sweeper run that fails on an earlier hour leaves its cursor there,
 * the next run fires what was missed, and every timer fires exactly once — also when two runs
 * overlap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { pointIn, GRID, RESIDENT } from '../support/fixtures.ts';

let stack: TestStack;
let sweep: (now?: Date) => Promise<{ fired: number; failed: number; resumeFrom: string }>;
let location: { lat: number; lng: number };
const HOUR = 3_600_000;
/** report ids whose transitions the table refuses (the fault) */
const broken = new Set<string>();

beforeAll(async () => {
  stack = await startTestStack();
  sweep = (await import('../../functions/src/events/sweeper.ts')).handler;
  location = await pointIn(stack.api, GRID);
  const { doc } = await import('../../functions/src/store/clients.ts');
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand' || context.commandName === 'TransactWriteCommand') {
        const first = (args.input as { TransactItems?: Array<{ Put?: { Item?: { PK?: string | { S?: string } } } }> }).TransactItems?.[0]?.Put?.Item?.PK;
        const pk = typeof first === 'object' ? first?.S : first;
        if (pk && broken.has(pk.replace(/^REPORT#/, ''))) throw Object.assign(new Error('internal server error'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } });
      }
      return next(args);
    },
    { step: 'initialize', name: 'refuseBrokenReports' },
  );
});
afterAll(async () => {
  await stack?.stop();
});

const file = async (n: number) => {
  const out: Array<{ id: string; createdAt: string }> = [];
  for (let i = 0; i < n; i++) out.push((await stack.api.post('/v1/reports', { category: 'ebike_charging', description: `飞线充电 ${i}`, location }, RESIDENT)).json);
  return out;
};
const timeline = async (id: string) => (await stack.api.get(`/v1/reports/${id}`, RESIDENT)).json.timeline.map((e: { action: string }) => e.action);

describe('the sweeper under faults', () => {
  it('a run failing on an earlier hour is followed by one that fires what it missed, each timer once', async () => {
    const reports = await file(4);
    const t0 = Date.parse(reports[0]!.createdAt);
    broken.add(reports[1]!.id);
    // five hours later: remind (1.5 h), leader (2 h) and centre (3 h) are all due, hours ago
    const first = await sweep(new Date(t0 + 5 * HOUR));
    expect(first.failed).toBeGreaterThanOrEqual(1);
    expect(first.fired).toBe(3 * 3);
    // the cursor stays at the hour of the failed report's first timer, not at "now"
    expect(Date.parse(first.resumeFrom)).toBeLessThanOrEqual(t0 + 1.5 * HOUR);
    broken.clear();
    const second = await sweep(new Date(t0 + 5.1 * HOUR));
    expect(second.failed).toBe(0);
    expect(second.fired).toBe(3);
    expect((await sweep(new Date(t0 + 5.2 * HOUR))).fired).toBe(0);
    for (const r of reports) expect(await timeline(r.id)).toEqual(['report', 'route', 'remind', 'escalate', 'escalate']);
  });

  it('two runs at once fire each timer once', async () => {
    // The first test's clock ran hours ahead of the real one; start this one's sweeps afresh.
    const { doc } = await import('../../functions/src/store/clients.ts');
    const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    await doc.send(new DeleteCommand({ TableName: stack.tableName, Key: { PK: 'SWEEPER', SK: 'CURSOR' } }));
    const reports = await file(5);
    const t0 = Date.parse(reports[0]!.createdAt);
    const at = new Date(t0 + 5.5 * HOUR);
    const [a, b] = await Promise.all([sweep(at), sweep(at)]);
    expect(a.fired + b.fired).toBe(5 * 3);
    for (const r of reports) expect(await timeline(r.id)).toEqual(['report', 'route', 'remind', 'escalate', 'escalate']);
  });

  it('several steps due in the same past hour all fire, in order, in one run', async () => {
    const { doc } = await import('../../functions/src/store/clients.ts');
    const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    await doc.send(new DeleteCommand({ TableName: stack.tableName, Key: { PK: 'SWEEPER', SK: 'CURSOR' } }));
    // open_fire: accept within 1 h — remind at 45 min, leader at 60, centre at 90: long past
    const r = (await stack.api.post('/v1/reports', { category: 'open_fire', description: '楼道里烧纸', location }, RESIDENT)).json;
    const t0 = Date.parse(r.createdAt);
    const run = await sweep(new Date(t0 + 4 * HOUR));
    expect(run.fired).toBe(3);
    expect(await timeline(r.id)).toEqual(['report', 'route', 'remind', 'escalate', 'escalate']);
    const notes = (await stack.api.get(`/v1/reports/${r.id}`, RESIDENT)).json.timeline.slice(2).map((e: { note: string }) => e.note);
    expect(notes[1]).toContain('网格长');
    expect(notes[2]).toContain('网格化服务管理中心');
  });
});
