/**
 * A tiny area tree and staff directory shared by the domain tests (not a test file itself).
 *
 *   city > d1 > s1 > m1 > g1, g2          police:  d1 > st1 > b1, b2
 *                  > m2 > g3                       d1 > st2 > b3
 *             > s2 > m3 > g4
 *   grid -> beat:  g1 -> b1, g2 -> b1, g3 -> b2, g4 -> b3
 *
 * `covers(a, x)` walks x's parents; a grid's beat is NOT its parent (a report carries both ids).
 */
import { expect } from 'vitest';
import type { Actor, AreaRelation, Role } from '../../../functions/src/domain/roles.ts';
import type { Side } from '../../../functions/src/domain/categories.ts';
import type { AssigneeFacts, Command, Action, Decision, ReportFacts } from '../../../functions/src/domain/lifecycle.ts';
import { DomainError, type ErrorCode } from '../../../functions/src/domain/errors.ts';

export const PARENT: Readonly<Record<string, string | null>> = {
  city: null,
  d1: 'city',
  s1: 'd1',
  s2: 'd1',
  m1: 's1',
  m2: 's1',
  m3: 's2',
  g1: 'm1',
  g2: 'm1',
  g3: 'm2',
  g4: 'm3',
  st1: 'd1',
  st2: 'd1',
  b1: 'st1',
  b2: 'st1',
  b3: 'st2',
};

export const AREA_IDS = Object.keys(PARENT);
export const GRIDS = ['g1', 'g2', 'g3', 'g4'] as const;
export const BEAT_OF: Readonly<Record<(typeof GRIDS)[number], string>> = { g1: 'b1', g2: 'b1', g3: 'b2', g4: 'b3' };

/** Counts how often it was asked, so tests can see it is consulted. */
export function makeAreas(): AreaRelation & { calls: number } {
  const rel = {
    calls: 0,
    covers(ancestorId: string, areaId: string): boolean {
      rel.calls++;
      let cur: string | null | undefined = areaId;
      const seen = new Set<string>();
      while (cur !== null && cur !== undefined && !seen.has(cur)) {
        if (cur === ancestorId) return true;
        seen.add(cur);
        cur = PARENT[cur];
      }
      return false;
    },
  };
  return rel;
}

export const areas = makeAreas();

const actor = (id: string, role: Role, areaIds: string[]): Actor => ({ id, role, areaIds });

/** Every person in the test world. */
export const P = {
  w1: actor('w1', 'grid_worker', ['g1']),
  w1b: actor('w1b', 'grid_worker', ['g1']),
  w2: actor('w2', 'grid_worker', ['g2']),
  w3: actor('w3', 'grid_worker', ['g3']),
  w4: actor('w4', 'grid_worker', ['g4']),
  l1: actor('l1', 'grid_leader', ['g1']),
  l2: actor('l2', 'grid_leader', ['g2']),
  lm1: actor('lm1', 'grid_leader', ['m1']),
  l4: actor('l4', 'grid_leader', ['g4']),
  o1: actor('o1', 'police_officer', ['b1']),
  o1b: actor('o1b', 'police_officer', ['b1']),
  o2: actor('o2', 'police_officer', ['b2']),
  o3: actor('o3', 'police_officer', ['b3']),
  dsp: actor('dsp', 'dispatcher', ['s1']),
  dsp2: actor('dsp2', 'dispatcher', ['s2']),
  adm: actor('adm', 'admin', ['city']),
  r1: actor('r1', 'resident', []),
  r2: actor('r2', 'resident', []),
} as const;

export const ALL_ACTORS: readonly Actor[] = Object.values(P);
export const STAFF: readonly Actor[] = ALL_ACTORS.filter((a) => a.role !== 'resident');

/** An inactive grid worker of g1, known to the directory only (cannot log in). */
export const INACTIVE_W1: AssigneeFacts = { id: 'w1x', role: 'grid_worker', areaIds: ['g1'], active: false };

/** The store's view of a staff member a dispatch names (null: no such account). */
export function targetFacts(id: string | undefined): AssigneeFacts | null {
  if (id === undefined) return null;
  if (id === INACTIVE_W1.id) return INACTIVE_W1;
  const a = ALL_ACTORS.find((x) => x.id === id);
  return a ? { id: a.id, role: a.role, areaIds: a.areaIds, active: true } : null;
}

/** Who routing would pick for a side: the first grid worker of the grid / officer of the beat. */
export function routedHandler(side: Side, place: { gridId: string | null; beatId: string | null }): string | null {
  const found =
    side === 'grid'
      ? STAFF.find((a) => a.role === 'grid_worker' && place.gridId !== null && a.areaIds.some((x) => areas.covers(x, place.gridId!)))
      : STAFF.find((a) => a.role === 'police_officer' && place.beatId !== null && a.areaIds.some((x) => areas.covers(x, place.beatId!)));
  return found?.id ?? null;
}

/** A report in g1 / b1, grid-led, routed to w1, filed by r1 — override what a test needs. */
export function report(over: Partial<ReportFacts> = {}): ReportFacts {
  return { status: 'reported', lead: 'grid', gridId: 'g1', beatId: 'b1', assigneeId: 'w1', reporterId: 'r1', reopenCount: 0, ...over };
}

/** A command carrying every requirement any action can have. */
export function full(action: Action | string, over: Partial<Command> = {}): Command {
  return {
    action: action as Action,
    reason: '不属于本网格',
    note: '已现场处置，楼道电动车已清理',
    photos: ['after-1'],
    mergeInto: 'rep-0001',
    ...over,
  };
}

/** The requirement-complete command for `actor`: dispatch names themself if they hold it, else w1b. */
export function fullFor(action: Action, who: Actor, r: ReportFacts): Command {
  if (action !== 'dispatch') return full(action);
  const leads = who.role === 'grid_leader' || who.role === 'dispatcher';
  return full(action, { assigneeId: !leads && who.id === r.assigneeId ? who.id : 'w1b' });
}

export function expectDomainError(fn: () => unknown, code: ErrorCode, status?: number): DomainError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected DomainError ${code}`).toBeInstanceOf(DomainError);
  const err = caught as DomainError;
  expect(err.code).toBe(code);
  if (status !== undefined) expect(err.status).toBe(status);
  return err;
}

/** Apply a decision as the store would; `rerouteTo` is what routing found for the new lead side. */
export function applyDecision(r: ReportFacts, d: Decision, rerouteTo: string | null): ReportFacts {
  let assigneeId = r.assigneeId;
  switch (d.assignee.kind) {
    case 'keep':
      break;
    case 'clear':
      assigneeId = null;
      break;
    case 'set':
      assigneeId = d.assignee.id;
      break;
    case 'reroute':
      assigneeId = rerouteTo;
      break;
  }
  return {
    ...r,
    status: d.to,
    lead: d.lead,
    assigneeId,
    reopenCount: r.reopenCount + (d.transition.action === 'reopen' ? 1 : 0),
  };
}
