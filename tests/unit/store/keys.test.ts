/**
 * The key design without a database: which index partitions a report sits in for each state,
 * and the write-cost estimate by AWS's rules.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import type { ReportRecord } from '../../../functions/src/domain/report.ts';
import type * as ReportsStore from '../../../functions/src/store/reports.ts';

let indexAttributes: typeof ReportsStore.indexAttributes;
let transactionCost: typeof import('../../../functions/src/store/capacity.ts').transactionCost;
let itemSize: typeof import('../../../functions/src/store/capacity.ts').itemSize;

beforeAll(async () => {
  // the store modules read config at import; any local values will do, nothing is called
  process.env.WSB_LOCAL = '1';
  ({ indexAttributes } = await import('../../../functions/src/store/reports.ts'));
  ({ transactionCost, itemSize } = await import('../../../functions/src/store/capacity.ts'));
});

const base: ReportRecord = {
  id: 'R1', version: 1, status: 'reported', category: 'ebike_charging', description: 'x', address: null, anonymous: false, source: 'app',
  location: { lat: 22.54, lng: 113.93 }, createdAt: '2026-11-23T06:00:00.000Z', updatedAt: '2026-11-23T06:00:00.000Z',
  gridId: 'g1', gridName: 'G1', beatId: 'b1', beatName: 'B1', areasVersion: 'v1', lead: 'grid',
  assignee: { id: 'w1', role: 'grid_worker', name: 'W' }, acceptBy: '2026-11-23T08:00:00.000Z', resolveBy: '2026-11-24T06:00:00.000Z',
  reporterId: 'r1', caller: null, photos: [], followerCount: 0, reopenCount: 0, closeRound: 0, rating: null, mergedInto: null,
  routing: { mode: 'exact', reason: '' }, acceptedAt: null, resolvedAt: null, closedAt: null,
};

describe('index membership', () => {
  it('a new report is in the assignee, grid, beat and geo queues, due by its accept limit', () => {
    const a = indexAttributes(base);
    expect(a.GSI1PK).toBe('AREA#g1');
    expect(a.GSI2PK).toBe('ASSIGNEE#w1#open');
    expect(a.GSI2SK).toBe('2026-11-23T08:00:00.000Z');
    expect(a.GSI3PK).toBe('GRID#g1#open');
    expect(a.GSI4PK).toBe('BEAT#b1#open');
    expect(a.GSI5PK).toMatch(/^GEO#ebike_charging#[0-9b-hjkmnp-z]{7}$/);
  });

  it('an unassigned open report waits in the unplaced queue', () => {
    expect(indexAttributes({ ...base, status: 'accepted', assignee: null }).GSI3PK).toBe('QUEUE#unplaced');
  });

  it('a resolved report leaves the assignee open queue for their done list, and stays in the grid queue', () => {
    const a = indexAttributes({ ...base, status: 'resolved', resolvedAt: '2026-11-23T10:00:00.000Z' });
    expect(a.GSI2PK).toBe('ASSIGNEE#w1#done');
    expect(a.GSI3PK).toBe('GRID#g1#open');
    expect(a.GSI3SK).toBe(base.resolveBy);
  });

  it('a closed or final report is in no queue and not offered as a duplicate', () => {
    for (const status of ['closed', 'rejected', 'merged'] as const) {
      const a = indexAttributes({ ...base, status, resolvedAt: status === 'closed' ? '2026-11-23T10:00:00.000Z' : null });
      expect(a.GSI3PK).toBeUndefined();
      expect(a.GSI4PK).toBeUndefined();
      expect(a.GSI5PK).toBeUndefined();
      expect(a.GSI1PK).toBe('AREA#g1');
    }
  });
});

describe('write cost by AWS rules', () => {
  it('sizes items by attribute names and values', () => {
    expect(itemSize({ PK: 'ab' })).toBe(4);
    expect(itemSize({ s: '网格' })).toBe(1 + 6);
    expect(itemSize({ n: 12345 })).toBe(1 + 4);
  });

  it('doubles table writes in a transaction and charges GSI puts and moves', () => {
    const small = { PK: 'a', SK: 'b', GSI1PK: 'x', GSI1SK: 'y' };
    expect(transactionCost([{ Put: { TableName: 't', Item: small } }])).toEqual({ table: 2, index: 1 });
    const big = { ...small, blob: 'z'.repeat(1500) };
    expect(transactionCost([{ Put: { TableName: 't', Item: big } }])).toEqual({ table: 4, index: 2 });
    // moving between GSI keys deletes the old entry too
    expect(transactionCost([{ Put: { TableName: 't', Item: { ...small, GSI1SK: 'z' } } }], { 0: small })).toEqual({ table: 2, index: 2 });
    expect(transactionCost([{ Put: { TableName: 't', Item: { PK: 'a', SK: 'b' } } }], { 0: small })).toEqual({ table: 2, index: 1 });
  });
});
