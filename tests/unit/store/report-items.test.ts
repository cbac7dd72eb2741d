/**
 * The report partition's item layout (store/report-items) without a database: every record,
 * timeline and outbox row reads back exactly as written, whatever it leaves out to stay small;
 * items of the layout before still read; the sizes the cost figures depend on.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ReportRecord, TimelineEvent } from '../../../functions/src/domain/report.ts';
import type * as Layout from '../../../functions/src/store/report-items.ts';

let layout: typeof Layout;
let itemSize: typeof import('../../../functions/src/store/capacity.ts').itemSize;
let outboxRowsOf: typeof import('../../../functions/src/flows/outbox.ts').outboxRowsOf;

beforeAll(async () => {
  // the store modules read config at import; any local values will do, nothing is called
  process.env.WSB_LOCAL = '1';
  layout = await import('../../../functions/src/store/report-items.ts');
  ({ itemSize } = await import('../../../functions/src/store/capacity.ts'));
  ({ outboxRowsOf } = await import('../../../functions/src/flows/outbox.ts'));
});

const base: ReportRecord = {
  id: 'R20261201ABCDEF0123', version: 1, status: 'reported', category: 'ebike_charging', description: '楼道飞线充电', address: null, anonymous: false, source: 'app',
  location: { lat: 22.54, lng: 113.93 }, createdAt: '2026-11-23T06:00:00.000Z', updatedAt: '2026-11-23T06:00:00.000Z',
  gridId: 'gr-kejiyuan-01', gridName: '科技园社区第一网格', beatId: 'bt-nanshandadao', beatName: '南山大道警格', areasVersion: 'demo-1', lead: 'grid',
  assignee: { id: 'u-gw-kejiyuan-01', role: 'grid_worker', name: '王师傅' }, acceptBy: '2026-11-23T08:00:00.000Z', resolveBy: '2026-11-24T06:00:00.000Z',
  reporterId: 'u-res-zhang', caller: null, photos: [], followerCount: 0, reopenCount: 0, closeRound: 0, rating: null, mergedInto: null,
  routing: { mode: 'exact', reason: '分派给 科技园社区第一网格 网格员 王师傅：所在网格的网格员' }, acceptedAt: null, resolvedAt: null, closedAt: null,
  moderation: { text: 'pass', photos: {}, reviewed: null },
};

const closed: ReportRecord = {
  ...base, version: 8, status: 'closed', address: '科技园 6 栋', anonymous: true, caller: { name: '李先生', phone: '13800138000' },
  photos: [{ id: 'U1', kind: 'report' }, { id: 'U2', kind: 'after' }], followerCount: 2, reopenCount: 1, closeRound: 1,
  rating: { score: 'satisfied', comment: null, at: '2026-11-25T06:00:00.000Z' }, ratedRound: 1, acceptedAt: '2026-11-23T07:00:00.000Z',
  resolvedAt: '2026-11-24T05:00:00.000Z', closedAt: '2026-11-24T06:00:00.000Z', endedAt: '2026-11-24T06:00:00.000Z', sla: { stage: 'resolve', step: 1 },
  survey: { round: 1, step: 0, outcome: null },
};

describe('the report item', () => {
  it('reads back exactly, at defaults and away from them', () => {
    for (const r of [base, closed, { ...base, reporterId: null, assignee: null }]) expect(layout.reportFromItem(layout.reportItem(r))).toEqual(r);
  });

  it('leaves out the id, fields at their default and GSI1, and stores times as numbers', () => {
    const item = layout.reportItem(base);
    for (const k of ['id', 'address', 'caller', 'rating', 'mergedInto', 'acceptedAt', 'photos', 'followerCount', 'anonymous', 'GSI1PK', 'GSI1SK']) expect(item).not.toHaveProperty(k);
    expect(item.createdAt).toBe(Date.parse(base.createdAt));
    expect(item.GSI2SK).toBe(base.acceptBy); // index keys stay ISO text (the sweeper and exports compare them)
  });

  it('keeps a time that would not read back the same as text', () => {
    const odd = { ...base, closedAt: '2026-11-24T06:00:00Z' };
    expect(layout.reportItem(odd).closedAt).toBe('2026-11-24T06:00:00Z');
    expect(layout.reportFromItem(layout.reportItem(odd))).toEqual(odd);
  });

  it('reads an item of the layout before (every field stored as is, GSI1 on the record)', () => {
    const former = { PK: `REPORT#${closed.id}`, SK: 'REPORT', type: 'report', ...layout.indexAttributes(closed), ...closed };
    expect(layout.reportFromItem(former)).toEqual(closed);
  });

  it('round-trips any counts, nulls and times (property)', () => {
    const iso = fc.integer({ min: Date.parse('2020-01-01'), max: Date.parse('2040-01-01') }).map((t) => new Date(t).toISOString());
    fc.assert(
      fc.property(iso, fc.option(iso), fc.nat(5), fc.nat(5), fc.boolean(), fc.option(fc.string()), (t, maybe, followers, reopened, anonymous, address) => {
        const r: ReportRecord = { ...closed, createdAt: t, updatedAt: t, resolvedAt: maybe, closedAt: maybe, followerCount: followers, reopenCount: reopened, anonymous, address };
        expect(layout.reportFromItem(layout.reportItem(r))).toEqual(r);
      }),
      { seed: 11, numRuns: 200 },
    );
  });

  it('stays under one KB through a loop like the benchmark’s (each started KB is paid on every step)', () => {
    const rated: ReportRecord = {
      ...base, version: 8, status: 'closed', photos: [{ id: 'U0123456789abcdef01', kind: 'after' }], acceptedAt: '2026-11-23T07:00:00.000Z',
      resolvedAt: '2026-11-24T05:00:00.000Z', closedAt: '2026-11-24T06:00:00.000Z', endedAt: '2026-11-24T06:00:00.000Z', closeRound: 1,
      rating: { score: 'satisfied', comment: null, at: '2026-11-25T06:00:00.000Z' }, ratedRound: 1, survey: { round: 1, step: 0, outcome: null }, sla: null,
    };
    for (const r of [base, rated]) expect(itemSize(layout.reportItem(r))).toBeLessThan(1024);
  });
});

const ev = (version: number, seq: number, over: Partial<TimelineEvent> = {}): TimelineEvent => ({
  reportId: base.id, version, seq, at: '2026-11-23T06:00:00.000Z', action: 'accept', from: 'reported', to: 'accepted',
  actor: { id: 'u-gw-kejiyuan-01', role: 'grid_worker', name: '王师傅' }, note: null, photoIds: [], ...over,
});
const row = (version: number, over: Partial<Layout.OutboxRow> = {}): Layout.OutboxRow => ({
  reportId: base.id, version, at: '2026-11-23T06:00:00.000Z', kind: 'report.accept', actorId: 'u-gw-kejiyuan-01', to: [{ audience: 'followers' }], title: '事项进展', body: '', ...over,
});

describe('the version item', () => {
  it('holds the version’s events in order and its outbox row, and reads both back', () => {
    const events = [ev(1, 0, { action: 'report', from: null, to: 'reported', actor: { id: 'u-res-zhang', role: 'resident', name: '居民' } }), ev(1, 1, { action: 'route', from: 'reported', to: 'reported', actor: null, note: '分派' })];
    const outbox = row(1, { kind: 'report.created', actorId: 'u-res-zhang', to: [{ userId: 'u-gw-kejiyuan-01', reason: 'task' }] });
    const item = layout.eventItem(events, outbox, base);
    expect(item.SK).toBe('EVENT#000001');
    expect(layout.eventsFromItem(item)).toEqual(events);
    expect(layout.outboxRowOf(item)).toEqual(outbox);
    // version 1 carries the report's grid-over-time entry
    expect([item.GSI1PK, item.GSI1SK]).toEqual(['AREA#gr-kejiyuan-01', base.createdAt]);
    expect(layout.reportIdOfEntry(item)).toBe(base.id);
  });

  it('stores the row’s time and actor only where they differ from the first event’s', () => {
    const same = layout.eventItem([ev(2, 0)], row(2));
    expect(same.outbox).not.toHaveProperty('at');
    expect(same.outbox).not.toHaveProperty('actorId');
    const other = row(2, { at: '2026-11-23T06:00:01.000Z', actorId: null });
    expect(layout.outboxRowOf(layout.eventItem([ev(2, 0)], other))).toEqual(other);
    expect(layout.eventItem([ev(2, 0)], row(2))).not.toHaveProperty('GSI1PK');
  });

  it('reads a timeline item and an OUTBOX# row of the layout before', () => {
    const e = ev(3, 1);
    expect(layout.eventsFromItem({ PK: `REPORT#${base.id}`, SK: 'EVENT#000003#01', type: 'event', ...e })).toEqual([e]);
    const r = row(3);
    expect(layout.outboxRowOf({ PK: `REPORT#${base.id}`, SK: 'OUTBOX#000003', type: 'outbox', ttl: 1, ...r })).toEqual(r);
  });

  it('the notifier gets exactly the rows among inserted items, in order', () => {
    const items = [layout.reportItem(base), layout.eventItem([ev(4, 0)], row(4)), layout.eventItem([ev(5, 0)], null), { PK: `REPORT#${base.id}`, SK: 'OUTBOX#000006', type: 'outbox', ...row(6) }];
    expect(outboxRowsOf(items).map((r) => r.version)).toEqual([4, 6]);
  });
});
