/**
 * The measures count each report change exactly once however the stream hands it over: the same
 * batch again, halves of it (a bisected retry), a longer batch from the same start (a restarted
 * reader), a batch that failed after some of its transactions, two batches racing on the same
 * areas, and changes of several China days (counters on NOW until a later day moves them to
 * their DAY item). Records are built the way DynamoDB's stream carries the report items and
 * given to the KPI consumer's own handler.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { rawItem } from '../support/table.ts';
import { BEAT, GRID } from '../support/fixtures.ts';
import type { ReportRecord } from '../../functions/src/domain/report.ts';

let stack: TestStack;
let handler: typeof import('../../functions/src/events/kpi.ts').handler;
let layout: typeof import('../../functions/src/store/report-items.ts');
let kpi: typeof import('../../functions/src/store/kpi.ts');
let doc: typeof import('../../functions/src/store/clients.ts').doc;
beforeAll(async () => {
  stack = await startTestStack();
  ({ handler } = await import('../../functions/src/events/kpi.ts'));
  layout = await import('../../functions/src/store/report-items.ts');
  kpi = await import('../../functions/src/store/kpi.ts');
  ({ doc } = await import('../../functions/src/store/clients.ts'));
});
afterAll(async () => {
  await stack?.stop();
});

const HOUR = 3_600_000;
let seq = 0;
let serial = 0;

/** A report record as filed on `at` (in GRID / BEAT of the demo city). */
function filed(at: string): ReportRecord {
  serial += 1;
  return {
    id: `R20270301KPI${String(serial).padStart(6, '0')}`, version: 1, status: 'reported', category: 'other', description: '楼道堆物', address: null, anonymous: false,
    source: 'app', location: { lat: 22.54, lng: 113.94 }, createdAt: at, updatedAt: at, gridId: GRID, gridName: '网格', beatId: BEAT, beatName: '警格',
    areasVersion: 'demo-1', lead: 'grid', assignee: { id: 'u-gw-kejiyuan-01', role: 'grid_worker', name: '王师傅' },
    acceptBy: new Date(Date.parse(at) + 8 * HOUR).toISOString(), resolveBy: new Date(Date.parse(at) + 120 * HOUR).toISOString(), reporterId: 'u-res-zhang',
    caller: null, photos: [], followerCount: 0, reopenCount: 0, closeRound: 0, rating: null, mergedInto: null, routing: { mode: 'exact', reason: '' },
    acceptedAt: null, resolvedAt: null, closedAt: null,
  };
}

const accepted = (r: ReportRecord, at: string): ReportRecord => ({ ...r, version: r.version + 1, status: 'accepted', updatedAt: at, acceptedAt: at });

type StreamRecord = DynamoDBStreamEvent['Records'][number];
const image = (r: ReportRecord) => marshall(layout.reportItem(r), { removeUndefinedValues: true }) as never;
const record = (before: ReportRecord | null, after: ReportRecord): StreamRecord =>
  ({ eventID: `e${++seq}`, eventName: before ? 'MODIFY' : 'INSERT', dynamodb: { SequenceNumber: String(seq).padStart(21, '0'), NewImage: image(after), ...(before ? { OldImage: image(before) } : {}) } }) as StreamRecord;
const batch = (records: StreamRecord[]): DynamoDBStreamEvent => ({ Records: records });

/** A day's counters of an area, summed from what dayTotals returns (NOW's day included). */
async function day(areaId: string, d: string): Promise<Record<string, number>> {
  const totals = (await kpi.dayTotals([areaId], [d])).get(areaId) ?? [];
  const out: Record<string, number> = {};
  for (const t of totals) for (const [k, v] of Object.entries(t)) if (typeof v === 'number') out[k] = (out[k] ?? 0) + v;
  return out;
}
const open = async (areaId: string) => (await kpi.gauges([areaId])).get(areaId)!.open;

describe('KPI counters from a redelivered stream', () => {
  it('the same batch again, its halves, and a longer batch from the same start: each change counted once', async () => {
    const d = '2027-03-02';
    const at = '2027-03-02T02:00:00.000Z'; // 10:00 China time
    const a = filed(at);
    const b = filed(at);
    const c = filed(at);
    const first = [record(null, a), record(null, b), record(a, accepted(a, '2027-03-02T03:00:00.000Z')), record(null, c)];
    const open0 = await open('cm-kejiyuan');

    await handler(batch(first));
    const once = await day(GRID, d);
    expect(once).toMatchObject({ reported: 3, accepted: 1 });
    expect(await open('cm-kejiyuan')).toBe(open0 + 3);

    await handler(batch(first)); // retried whole
    await handler(batch(first.slice(0, 2))); // bisected: first half
    await handler(batch(first.slice(2))); // and second half
    expect(await day(GRID, d)).toEqual(once);
    expect(await day('ct-shenzhen', d)).toMatchObject({ reported: 3, accepted: 1 });

    // a reader restarted from the same checkpoint sees the batch and what came after it
    const later = [...first, record(accepted(b, at), { ...accepted(b, at), version: 2, updatedAt: '2027-03-02T04:00:00.000Z', acceptedAt: '2027-03-02T04:00:00.000Z' })];
    later[4] = record(b, accepted(b, '2027-03-02T04:00:00.000Z'));
    await handler(batch(later));
    await handler(batch(later));
    expect(await day(GRID, d)).toMatchObject({ reported: 3, accepted: 2 });
    expect(await day('bt-nanshandadao', d)).toMatchObject({ reported: 3, accepted: 2 });
    expect(await open('cm-kejiyuan')).toBe(open0 + 3);
  });

  it('a batch that failed after some of its transactions counts the rest once when it comes again', async () => {
    const d = '2027-03-03';
    const at = '2027-03-03T02:00:00.000Z';
    const reports = Array.from({ length: 40 }, () => filed(at)); // more reports than one transaction takes
    const records = reports.map((r) => record(null, r));
    const chaos = new AsyncLocalStorage<{ transactions: number }>();
    const name = 'kpi-test-chaos';
    doc.middlewareStack.add(
      ((next: (args: unknown) => Promise<unknown>) => async (args: { input?: { TransactItems?: unknown } }) => {
        const c = chaos.getStore();
        if (c && args.input?.TransactItems && ++c.transactions === 2) throw new Error('injected: the consumer stopped here');
        return next(args);
      }) as never,
      { step: 'initialize', name },
    );
    try {
      await expect(chaos.run({ transactions: 0 }, () => handler(batch(records)))).rejects.toThrow(/injected/);
    } finally {
      doc.middlewareStack.remove(name);
    }
    const partial = (await day(GRID, d)).reported ?? 0;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(40);

    await handler(batch(records));
    await handler(batch(records));
    expect((await day(GRID, d)).reported).toBe(40);
    expect((await day('st-yuehai', d)).reported).toBe(40);
  });

  it('two batches of different reports racing on the same areas add up', async () => {
    const d = '2027-03-04';
    const at = '2027-03-04T02:00:00.000Z';
    const left = Array.from({ length: 12 }, () => record(null, filed(at)));
    const right = Array.from({ length: 12 }, () => record(null, filed(at)));
    await Promise.all([handler(batch(left)), handler(batch(right)), handler(batch(left))]);
    expect((await day(GRID, d)).reported).toBe(24);
    expect((await day('ct-shenzhen', d)).reported).toBe(24);
  });

  it('counters of several days: NOW moves to the latest, earlier days go to their DAY item, late changes to theirs', async () => {
    const d1 = '2027-03-10';
    const d2 = '2027-03-11';
    const early = filed('2027-03-10T02:00:00.000Z');
    const next = filed('2027-03-11T02:00:00.000Z');
    const late = filed('2027-03-10T03:00:00.000Z');
    const dayOne = [record(null, early)];
    await handler(batch(dayOne));
    expect((await rawItem(`KPI#${GRID}`, 'NOW'))?.day).toBe(d1);
    await handler(batch([record(null, next)]));
    expect((await rawItem(`KPI#${GRID}`, 'NOW'))?.day).toBe(d2);
    expect((await rawItem(`KPI#${GRID}`, `DAY#${d1}`))?.reported).toBe(1);
    await handler(batch([record(null, late)]));
    await handler(batch(dayOne)); // redelivered after NOW moved on
    expect((await day(GRID, d1)).reported).toBe(2);
    expect((await day(GRID, d2)).reported).toBe(1);
    expect((await day('gd-nanshan', d1)).reported).toBe(2);
  });

  it('forgets the versions it counted two days after counting them', async () => {
    const at = '2027-03-20T02:00:00.000Z';
    const r = filed(at);
    const marks = async () => Object.keys((await rawItem(`KPI#${GRID}`, 'NOW')) ?? {}).filter((k) => k.endsWith(`:${r.id}`));
    const now = Date.now();
    await kpi.applyChanges([{ reportId: r.id, version: 1, gridId: GRID, areaIds: [GRID], deltas: { days: { '2027-03-20': { reported: 1 } }, samples: {}, open: 0, overdue: 0 } }], new Date(now));
    expect(await marks()).toHaveLength(1);
    // a later change of another report, counted three days on, drops it
    const other = filed(at);
    await kpi.applyChanges([{ reportId: other.id, version: 1, gridId: GRID, areaIds: [GRID], deltas: { days: { '2027-03-20': { reported: 1 } }, samples: {}, open: 0, overdue: 0 } }], new Date(now + 3 * 24 * HOUR));
    expect(await marks()).toEqual([]);
  });
});
