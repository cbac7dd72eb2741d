import { describe, expect, it } from 'vitest';
import { route, type Candidate, type StaffAround } from '../../../functions/src/domain/routing.ts';
import { categoryOf } from '../../../functions/src/domain/categories.ts';

const place = { gridId: 'g1', gridName: '第一网格', beatId: 'b1', beatName: '一号警格' };
const c = (userId: string, role: Candidate['role'], extra: Partial<Candidate> = {}): Candidate => ({ userId, role, name: userId, active: true, duty: 'on_duty', ...extra });
const staff = (s: Partial<StaffAround>): StaffAround => ({ grid: [], above: [], beat: [], ...s });

describe('routing', () => {
  it('gives a grid-led report to the grid worker and co-notifies the beat officer when the category says so', () => {
    const d = route(categoryOf('ebike_charging')!, place, staff({ grid: [c('w1', 'grid_worker')], beat: [c('p1', 'police_officer')] }));
    expect(d.lead).toBe('grid');
    expect(d.assignee?.id).toBe('w1');
    expect(d.notify.map((p) => p.id)).toEqual(['p1']);
    expect(d.reason).toContain('第一网格');
  });

  it('does not co-notify when the category has no other side', () => {
    const d = route(categoryOf('fire_exit_blocked')!, place, staff({ grid: [c('w1', 'grid_worker')], beat: [c('p1', 'police_officer')] }));
    expect(d.notify).toEqual([]);
  });

  it('gives a police-led report to the beat officer and co-notifies the grid worker', () => {
    const d = route(categoryOf('public_security')!, place, staff({ grid: [c('w1', 'grid_worker')], beat: [c('p1', 'police_officer')] }));
    expect(d.lead).toBe('police');
    expect(d.assignee?.id).toBe('p1');
    expect(d.notify.map((p) => p.id)).toEqual(['w1']);
  });

  it('skips inactive and off-duty workers, falls back to the leader above, then to the dispatch queue', () => {
    const cat = categoryOf('other')!;
    const away = [c('w1', 'grid_worker', { duty: 'on_leave' }), c('w2', 'grid_worker', { active: false })];
    expect(route(cat, place, staff({ grid: away, above: [c('l1', 'grid_leader')] })).assignee?.id).toBe('l1');
    const none = route(cat, place, staff({ grid: away }));
    expect(none.assignee).toBeNull();
    expect(none.reason).toContain('调度中心');
  });

  it('picks deterministically among several available workers', () => {
    const d = route(categoryOf('other')!, place, staff({ grid: [c('w9', 'grid_worker'), c('w2', 'grid_worker')] }));
    expect(d.assignee?.id).toBe('w2');
  });

  it('routes a transferred report to the other side with the category lead as co-notified', () => {
    const d = route(categoryOf('fire_exit_blocked')!, place, staff({ grid: [c('w1', 'grid_worker')], beat: [c('p1', 'police_officer')] }), 'police');
    expect(d.assignee?.id).toBe('p1');
    expect(d.notify.map((p) => p.id)).toEqual(['w1']);
  });
});

describe('workload-aware assignment', () => {
  it('passes over an overloaded worker for a free one in the same grid, and says why', () => {
    const d = route(categoryOf('other')!, place, staff({ grid: [c('w1', 'grid_worker', { openTasks: 7 }), c('w2', 'grid_worker', { openTasks: 1 })] }));
    expect(d.assignee?.id).toBe('w2');
    expect(d.reason).toBe('分派给 第一网格 网格员 w2：所在网格的网格员，当前待办最少（1 件）');
  });

  it('spreads load among beat officers too', () => {
    const d = route(categoryOf('public_security')!, place, staff({ beat: [c('p1', 'police_officer', { openTasks: 3 }), c('p2', 'police_officer', { openTasks: 0 })] }));
    expect(d.assignee?.id).toBe('p2');
  });
});
