import { describe, expect, it } from 'vitest';
import { evolve } from '../../../functions/src/domain/evolve.ts';
import { decide } from '../../../functions/src/domain/lifecycle.ts';
import { factsOf, type ReportRecord } from '../../../functions/src/domain/report.ts';
import { clock, maskPhone, taskRoleOf } from '../../../functions/src/domain/tasks.ts';

const areas = { covers: (a: string, b: string) => a === b || (a === 'cm1' && b === 'g1') };
const now = new Date('2026-11-23T08:00:00.000Z');

function report(over: Partial<ReportRecord> = {}): ReportRecord {
  return {
    id: 'R1', version: 3, status: 'in_progress', category: 'open_fire', description: 'x', address: null, anonymous: false, source: 'app',
    location: { lat: 22.54, lng: 113.93 }, createdAt: '2026-11-23T06:00:00.000Z', updatedAt: '2026-11-23T06:00:00.000Z',
    gridId: 'g1', gridName: 'G1', beatId: 'b1', beatName: 'B1', areasVersion: 'v1', lead: 'grid',
    assignee: { id: 'w1', role: 'grid_worker', name: '王师傅' }, acceptBy: '2026-11-23T07:00:00.000Z', resolveBy: '2026-11-23T18:00:00.000Z',
    reporterId: 'r1', caller: null, photos: [], followerCount: 0, reopenCount: 0, closeRound: 0, rating: null, mergedInto: null,
    routing: { mode: 'exact', reason: '' }, acceptedAt: null, resolvedAt: null, closedAt: null, ...over,
  };
}

describe('evolve', () => {
  it('resolve bumps the version, records the time and appends after-photos, with one timeline event', () => {
    const before = report();
    const worker = { id: 'w1', role: 'grid_worker' as const, areaIds: ['g1'] };
    const cmd = { action: 'resolve' as const, note: '已处理', photos: ['U1'] };
    const d = decide(factsOf(before), worker, cmd, areas);
    const photo = { id: 'U1', kind: 'after' as const, key: 'k', thumbKey: 't' };
    const { after, events } = evolve({ before, decision: d, command: cmd, actor: { id: 'w1', role: 'grid_worker', name: '王师傅' }, now, photos: [photo] });
    expect(after).toMatchObject({ version: 4, status: 'resolved', resolvedAt: now.toISOString(), photos: [photo] });
    expect(events).toEqual([expect.objectContaining({ version: 4, seq: 0, action: 'resolve', from: 'in_progress', to: 'resolved', note: '已处理', photoIds: ['U1'] })]);
    expect(before.status).toBe('in_progress');
  });

  it('reopen counts the rework and gives a fresh resolve limit from now (open_fire: 12 h)', () => {
    const before = report({ status: 'closed', closeRound: 1 });
    const d = decide(factsOf(before), { id: 'r1', role: 'resident', areaIds: [] }, { action: 'reopen' }, areas);
    const { after } = evolve({ before, decision: d, command: { action: 'reopen' }, actor: { id: 'r1', role: 'resident', name: '居民' }, now });
    expect(after.status).toBe('in_progress');
    expect(after.reopenCount).toBe(1);
    expect(after.resolveBy).toBe('2026-11-23T20:00:00.000Z');
    expect(after.assignee?.id).toBe('w1');
  });

  it('transfer swaps the lead and writes the new routing on the timeline', () => {
    const before = report({ status: 'accepted' });
    const leader = { id: 'l1', role: 'grid_leader' as const, areaIds: ['cm1'] };
    const cmd = { action: 'transfer' as const, reason: '属治安问题' };
    const d = decide(factsOf(before), leader, cmd, areas);
    const officer = { id: 'p1', role: 'police_officer' as const, name: '刘洋' };
    const { after, events } = evolve({ before, decision: d, command: cmd, actor: { ...leader, name: '陈主任' }, now, rerouted: { assignee: officer, reason: '分派给 B1 社区民警 刘洋' } });
    expect(after.lead).toBe('police');
    expect(after.assignee).toEqual(officer);
    expect(events.map((e) => e.action)).toEqual(['transfer', 'route']);
  });
});

describe('tasks', () => {
  it('is due soon in the last quarter of the stage and overdue after it', () => {
    const r = report({ status: 'reported' }); // open_fire: accept within 1 h, by 07:00
    expect(clock(r, new Date('2026-11-23T06:30:00.000Z'))).toMatchObject({ overdue: false, dueSoon: false });
    expect(clock(r, new Date('2026-11-23T06:50:00.000Z'))).toMatchObject({ overdue: false, dueSoon: true });
    expect(clock(r, new Date('2026-11-23T07:00:01.000Z'))).toMatchObject({ overdue: true, dueSoon: false });
    expect(clock(report({ status: 'closed' }), now)).toEqual({ dueAt: null, overdue: false, dueSoon: false });
  });

  it('knows whose task a report is', () => {
    const worker = { id: 'w1', role: 'grid_worker' as const, areaIds: ['g1'] };
    const leader = { id: 'l1', role: 'grid_leader' as const, areaIds: ['cm1'] };
    expect(taskRoleOf(report(), worker, areas)).toBe('assignee');
    expect(taskRoleOf(report(), leader, areas)).toBeNull();
    expect(taskRoleOf(report({ status: 'resolved' }), leader, areas)).toBe('verifier');
    expect(taskRoleOf(report({ status: 'resolved' }), worker, areas)).toBeNull();
    expect(taskRoleOf(report({ status: 'accepted', assignee: null }), leader, areas)).toBe('dispatch');
  });

  it('masks phone numbers to the first three and last four digits', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138-1234-5678')).toBe('138****5678');
    expect(maskPhone('110')).toBe('****');
  });
});
