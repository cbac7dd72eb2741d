/**
 * The cost model's AWS rules per index projection (store/capacity), and the guard that keeps
 * GSI5's INCLUDE list in step with the audit entry it serves.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type * as Capacity from '../../../functions/src/store/capacity.ts';

let cap: typeof Capacity;
let keysMod: typeof import('../../../functions/src/store/keys.ts');
let auditEntry: typeof import('../../../functions/src/store/audit.ts').auditEntry;

beforeAll(async () => {
  process.env.WSB_LOCAL = '1';
  cap = await import('../../../functions/src/store/capacity.ts');
  keysMod = await import('../../../functions/src/store/keys.ts');
  ({ auditEntry } = await import('../../../functions/src/store/audit.ts'));
});

const schema = (type: 'ALL' | 'KEYS_ONLY' | 'INCLUDE', include: string[] = []) => ({
  keySchema: [{ AttributeName: 'PK', KeyType: 'HASH' as const }, { AttributeName: 'SK', KeyType: 'RANGE' as const }],
  globalSecondaryIndexes: [
    {
      IndexName: 'GSI1',
      KeySchema: [{ AttributeName: 'GSI1PK', KeyType: 'HASH' as const }, { AttributeName: 'GSI1SK', KeyType: 'RANGE' as const }],
      Projection: { ProjectionType: type, ...(type === 'INCLUDE' ? { NonKeyAttributes: include } : {}) },
    },
  ],
});

const v1 = { PK: 'a', SK: 'b', GSI1PK: 'x', GSI1SK: 'y', status: 'open', note: 'n'.repeat(1500) };

describe('GSI writes by projection', () => {
  it('ALL: every change of the item rewrites its entry, at the item’s size', () => {
    expect(cap.indexCost(v1, { ...v1, status: 'done' }, schema('ALL'))).toBe(2);
  });

  it('KEYS_ONLY: no write while the keys stay; a move deletes and puts a small entry', () => {
    expect(cap.indexCost(v1, { ...v1, status: 'done' }, schema('KEYS_ONLY'))).toBe(0);
    expect(cap.indexCost(v1, { ...v1, GSI1SK: 'z' }, schema('KEYS_ONLY'))).toBe(2);
    expect(cap.indexCost(undefined, v1, schema('KEYS_ONLY'))).toBe(1);
    const { GSI1PK: _p, GSI1SK: _s, ...gone } = v1;
    expect(cap.indexCost(v1, gone, schema('KEYS_ONLY'))).toBe(1);
  });

  it('INCLUDE: written when a held attribute changes, not for the others', () => {
    expect(cap.indexCost(v1, { ...v1, note: 'm' }, schema('INCLUDE', ['status']))).toBe(0);
    expect(cap.indexCost(v1, { ...v1, status: 'done' }, schema('INCLUDE', ['status']))).toBe(1);
  });

  it('a Put replacing a larger item is billed at the larger size', () => {
    const small = { PK: 'a', SK: 'b' };
    expect(cap.transactionCost([{ Put: { TableName: 't', Item: small } }], { 0: v1 }, schema('KEYS_ONLY')).table).toBe(4);
  });
});

describe('updates priced from the stored item', () => {
  it('SET, ADD and REMOVE clauses give the item the update leaves', () => {
    const after = cap.afterUpdate(
      { PK: 'a', SK: 'b', n: 1, old: 'x', tags: new Set(['p']) },
      {
        TableName: 't',
        Key: { PK: 'a', SK: 'b' },
        UpdateExpression: 'SET #d = :d ADD #n :one, #t :q, #c :c REMOVE #o',
        ExpressionAttributeNames: { '#d': 'day', '#n': 'n', '#t': 'tags', '#c': 'closed', '#o': 'old' },
        ExpressionAttributeValues: { ':d': '2026-12-01', ':one': 1, ':q': new Set(['q']), ':c': 2 },
      },
    );
    expect(after).toEqual({ PK: 'a', SK: 'b', n: 2, day: '2026-12-01', tags: new Set(['p', 'q']), closed: 2 });
  });

  it('an Update without the stored item is taken as one KB, doubled in a transaction', () => {
    expect(cap.transactionCost([{ Update: { TableName: 't', Key: { PK: 'a', SK: 'b' }, UpdateExpression: 'SET x = :x' } }])).toEqual({ table: 2, index: 0 });
  });

  it('keeps the KPI counters apart from the loop’s writes', () => {
    expect(cap.isKpiItem({ Update: { TableName: 't', Key: { PK: 'KPI#gr-1', SK: 'NOW' }, UpdateExpression: 'ADD n :one' } })).toBe(true);
    expect(cap.isKpiItem({ Put: { TableName: 't', Item: { PK: 'REPORT#R1', SK: 'REPORT' } } })).toBe(false);
  });
});

describe('projections of the table', () => {
  it('GSI5 holds every field of an audit entry (the audit log by day is read from the index)', () => {
    const e = auditEntry({ at: '2026-12-01T00:00:00.000Z', what: 'state_change', actorId: 'u', actorRole: 'resident', reportId: 'R1', detail: 'accept', from: 'reported', to: 'accepted' });
    const gsi5 = keysMod.TABLE_SCHEMA.globalSecondaryIndexes.find((g) => g.IndexName === 'GSI5')!;
    expect(gsi5.Projection?.ProjectionType).toBe('INCLUDE');
    expect(gsi5.Projection?.NonKeyAttributes).toEqual(expect.arrayContaining(Object.keys(e)));
  });

  it('a report holds none of them, so its geo-cell entry there is keys only', async () => {
    const { reportItem } = await import('../../../functions/src/store/report-items.ts');
    const item = reportItem({
      id: 'R1', version: 1, status: 'reported', category: 'c', description: 'd', address: null, anonymous: false, source: 'app', location: { lat: 22.5, lng: 113.9 },
      createdAt: '2026-12-01T00:00:00.000Z', updatedAt: '2026-12-01T00:00:00.000Z', gridId: 'g', gridName: 'G', beatId: 'b', beatName: 'B', areasVersion: 'v', lead: 'grid',
      assignee: null, acceptBy: '2026-12-01T02:00:00.000Z', resolveBy: '2026-12-02T00:00:00.000Z', reporterId: null, caller: null, photos: [], followerCount: 0, reopenCount: 0,
      closeRound: 0, rating: null, mergedInto: null, routing: { mode: 'exact', reason: '' }, acceptedAt: null, resolvedAt: null, closedAt: null,
    });
    expect(Object.keys(item).filter((k) => keysMod.AUDIT_ENTRY_FIELDS.includes(k))).toEqual([]);
  });
});
