import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  ACTION_NAMES,
  FINAL_STATUSES,
  OPEN_STATUSES,
  STAFF_ACTIONS,
  STATUSES,
  STATUS_NAMES,
  TRANSITIONS,
  availableActions,
  canStaffSee,
  decide,
  isDomainError,
  isFinal,
  isOpen,
  systemDecision,
  transitionsFor,
  type Action,
  type Status,
} from '../../../functions/src/domain/lifecycle.ts';
import type { Actor } from '../../../functions/src/domain/roles.ts';
import { DomainError } from '../../../functions/src/domain/errors.ts';
import { HOLDING_STATUSES } from '../../../functions/src/domain/report.ts';
import { INACTIVE_W1, P, STAFF, areas, expectDomainError, full, fullFor, report, targetFacts } from './fixtures.ts';

const CLOSED_OR_FINAL: Status[] = ['closed', 'rejected', 'merged'];

describe('the transition table', () => {
  it('names every status and action', () => {
    for (const s of STATUSES) expect(STATUS_NAMES[s]).toBeTruthy();
    for (const a of ACTIONS) expect(ACTION_NAMES[a]).toBeTruthy();
    expect(new Set(STATUSES).size).toBe(STATUSES.length);
    expect(new Set(ACTIONS).size).toBe(ACTIONS.length);
  });

  it('partitions statuses: open, final, and closed (neither)', () => {
    expect([...FINAL_STATUSES].sort()).toEqual(['merged', 'rejected']);
    expect([...OPEN_STATUSES].sort()).toEqual(['accepted', 'dispatched', 'in_progress', 'reported', 'resolved', 'verified']);
    for (const s of STATUSES) expect(Number(isOpen(s)) + Number(isFinal(s)) + Number(s === 'closed')).toBe(1);
  });

  it('has a transition for every action, using only known statuses; reopen and reassign are not staff actions', () => {
    for (const a of ACTIONS) expect(transitionsFor(a).length).toBeGreaterThan(0);
    for (const t of TRANSITIONS) {
      for (const f of t.from) expect(STATUSES).toContain(f);
      if (t.to !== 'same') expect(STATUSES).toContain(t.to);
      expect(t.who.length).toBeGreaterThan(0);
    }
    const SYSTEM_ONLY = ['reassign', 'escalate', 'survey_remind', 'survey_expire'];
    for (const a of ['reopen', ...SYSTEM_ONLY]) expect(STAFF_ACTIONS).not.toContain(a);
    expect([...STAFF_ACTIONS, 'reopen', ...SYSTEM_ONLY].sort()).toEqual([...ACTIONS].sort());
    // the system's rows: reassignment, time limits (remind, escalate) and surveys — and only those
    expect([...new Set(TRANSITIONS.filter((t) => t.who.includes('system')).map((t) => t.action))].sort()).toEqual([...SYSTEM_ONLY, 'remind'].sort());
    // a system row is never shared with a person
    expect(TRANSITIONS.filter((t) => t.who.includes('system')).every((t) => t.who.length === 1)).toBe(true);
    for (const a of SYSTEM_ONLY) expect(transitionsFor(a as Action).every((t) => t.who.length === 1 && t.who[0] === 'system')).toBe(true);
  });

  it('never leaves a final status, and for each (action, status, party) at most one transition applies', () => {
    for (const t of TRANSITIONS) for (const f of t.from) expect(isFinal(f)).toBe(false);
    for (const a of ACTIONS) {
      for (const s of STATUSES) {
        const rows = transitionsFor(a).filter((t) => t.from.includes(s));
        const parties = rows.flatMap((t) => t.who);
        expect(new Set(parties).size).toBe(parties.length);
        // rows that share a state agree on where it goes
        expect(new Set(rows.map((t) => t.to)).size).toBeLessThanOrEqual(1);
      }
    }
  });

  it('is frozen: no request can edit a rule', () => {
    expect(Object.isFrozen(TRANSITIONS)).toBe(true);
    expect(Object.isFrozen(TRANSITIONS[0])).toBe(true);
    expect(Object.isFrozen(TRANSITIONS[0]!.who)).toBe(true);
  });

  it('transitionsFor returns nothing for an unknown action', () => {
    expect(transitionsFor('fly' as Action)).toEqual([]);
  });
});

describe('accept / reject / merge: reported -> accepted / rejected / merged', () => {
  const intake = [P.w1, P.l1, P.dsp];

  it.each(intake.map((a) => [a.id, a] as const))('%s (routed handler, grid_leader, dispatcher) may accept, reject and merge', (_id, who) => {
    const r = report();
    expect(decide(r, who, full('accept'), areas)).toMatchObject({ from: 'reported', to: 'accepted', assignee: { kind: 'keep' }, lead: 'grid' });
    expect(decide(r, who, full('reject'), areas)).toMatchObject({ from: 'reported', to: 'rejected', assignee: { kind: 'clear' } });
    expect(decide(r, who, full('merge'), areas)).toMatchObject({ from: 'reported', to: 'merged', assignee: { kind: 'clear' } });
  });

  it('the routed officer accepts a police-led report', () => {
    const r = report({ lead: 'police', assigneeId: 'o1' });
    expect(decide(r, P.o1, full('accept'), areas).to).toBe('accepted');
  });

  it.each([P.w1b, P.o1, P.adm, P.r1, P.r2].map((a) => [a.id, a] as const))('%s (not the handler, leader or centre) is forbidden', (_id, who) => {
    for (const action of ['accept', 'reject', 'merge'] as const) expectDomainError(() => decide(report(), who, full(action), areas), 'forbidden', 403);
  });

  it('an unassigned report cannot be accepted by a grid worker, only by leader or centre', () => {
    const r = report({ assigneeId: null });
    expectDomainError(() => decide(r, P.w1, full('accept'), areas), 'forbidden', 403);
    expect(decide(r, P.l1, full('accept'), areas).to).toBe('accepted');
  });

  it.each(STATUSES.filter((s) => s !== 'reported'))('from %s is an invalid transition', (status) => {
    for (const action of ['accept', 'reject', 'merge'] as const) {
      const err = expectDomainError(() => decide(report({ status }), P.l1, full(action), areas), 'invalid_transition', 409);
      expect(err.details).toEqual({ status, action });
    }
  });

  it('reject needs a reason (blank is missing); the note may carry it', () => {
    const err = expectDomainError(() => decide(report(), P.l1, { action: 'reject' }, areas), 'invalid_input', 400);
    expect(err.details).toEqual({ missing: ['reason'] });
    expectDomainError(() => decide(report(), P.l1, { action: 'reject', reason: '   ' }, areas), 'invalid_input', 400);
    expectDomainError(() => decide(report(), P.l1, { action: 'reject', reason: '\n\t' }, areas), 'invalid_input', 400);
    expect(decide(report(), P.l1, { action: 'reject', note: '重复上报' }, areas).to).toBe('rejected');
    expect(decide(report(), P.l1, { action: 'reject', reason: '非安全隐患' }, areas).to).toBe('rejected');
  });

  it('merge needs mergeInto; accept needs nothing', () => {
    const err = expectDomainError(() => decide(report(), P.dsp, { action: 'merge', reason: 'x' }, areas), 'invalid_input', 400);
    expect(err.details).toEqual({ missing: ['mergeInto'] });
    expectDomainError(() => decide(report(), P.dsp, { action: 'merge', mergeInto: '' }, areas), 'invalid_input', 400);
    expect(decide(report(), P.dsp, { action: 'merge', mergeInto: 'rep-9' }, areas).to).toBe('merged');
    expect(decide(report(), P.dsp, { action: 'accept' }, areas).to).toBe('accepted');
  });
});

describe('dispatch (assigneeId): accepted -> dispatched', () => {
  const accepted = (over = {}) => report({ status: 'accepted', ...over });
  const dispatch = (r: ReturnType<typeof report>, who: Actor, assigneeId: string | undefined) =>
    decide(r, who, { action: 'dispatch', assigneeId }, areas, targetFacts(assigneeId));

  it('grid_leader and dispatcher dispatch to a worker, leader or officer of the area', () => {
    expect(dispatch(accepted(), P.l1, 'w1b')).toMatchObject({ from: 'accepted', to: 'dispatched', assignee: { kind: 'set', id: 'w1b' } });
    expect(dispatch(accepted(), P.dsp, 'o1')).toMatchObject({ to: 'dispatched', assignee: { kind: 'set', id: 'o1' } });
    expect(dispatch(accepted(), P.dsp, 'l1').assignee).toEqual({ kind: 'set', id: 'l1' });
    // a leader bound to the community covers the grid
    expect(dispatch(accepted(), P.lm1, 'w1').assignee).toEqual({ kind: 'set', id: 'w1' });
    // an unassigned report in the queue
    expect(dispatch(accepted({ assigneeId: null }), P.l1, 'w1').to).toBe('dispatched');
  });

  it('the handler may dispatch to themself', () => {
    expect(dispatch(accepted(), P.w1, 'w1')).toMatchObject({ to: 'dispatched', assignee: { kind: 'set', id: 'w1' } });
    expect(dispatch(accepted({ lead: 'police', assigneeId: 'o1' }), P.o1, 'o1').assignee).toEqual({ kind: 'set', id: 'o1' });
  });

  it('the handler may not dispatch to someone else (403), and must name someone (400)', () => {
    expectDomainError(() => dispatch(accepted(), P.w1, 'w1b'), 'forbidden', 403);
    const err = expectDomainError(() => dispatch(accepted(), P.w1, undefined), 'invalid_input', 400);
    expect(err.details).toEqual({ missing: ['assigneeId'] });
  });

  it('leaders and the centre may re-dispatch work under way; the holder may not', () => {
    for (const status of ['dispatched', 'in_progress'] as const) {
      expect(dispatch(report({ status }), P.l1, 'w1b')).toMatchObject({ from: status, to: 'dispatched', assignee: { kind: 'set', id: 'w1b' } });
      expect(dispatch(report({ status, assigneeId: null }), P.dsp, 'w1')).toMatchObject({ to: 'dispatched' });
      expectDomainError(() => dispatch(report({ status }), P.w1, 'w1'), 'invalid_transition', 409);
    }
  });

  it.each([P.w1b, P.o1, P.adm, P.r1].map((a) => [a.id, a] as const))('%s (not leader, centre or handler) is forbidden, even to self', (_id, who) => {
    expectDomainError(() => dispatch(accepted(), who, who.id), 'forbidden', 403);
    expectDomainError(() => dispatch(accepted(), who, 'w1b'), 'forbidden', 403);
  });

  it.each(STATUSES.filter((s) => !['accepted', 'dispatched', 'in_progress'].includes(s)))('from %s is an invalid transition', (status) => {
    expectDomainError(() => dispatch(report({ status }), P.l1, 'w1b'), 'invalid_transition', 409);
    expectDomainError(() => dispatch(report({ status }), P.w1, 'w1'), 'invalid_transition', 409);
  });

  it('assigneeId is required', () => {
    const err = expectDomainError(() => dispatch(accepted(), P.l1, undefined), 'invalid_input', 400);
    expect(err.details).toEqual({ missing: ['assigneeId'] });
    expectDomainError(() => decide(accepted(), P.dsp, { action: 'dispatch', assigneeId: '' }, areas, null), 'invalid_input', 400);
  });

  it('the target must exist and be the named account', () => {
    expectDomainError(() => dispatch(accepted(), P.l1, 'ghost'), 'invalid_input', 400);
    expectDomainError(() => decide(accepted(), P.l1, { action: 'dispatch', assigneeId: 'w1b' }, areas), 'invalid_input', 400);
    expectDomainError(() => decide(accepted(), P.l1, { action: 'dispatch', assigneeId: 'w1b' }, areas, targetFacts('w1')), 'invalid_input', 400);
  });

  it('an inactive target is invalid input', () => {
    const err = expectDomainError(() => decide(accepted(), P.l1, { action: 'dispatch', assigneeId: 'w1x' }, areas, INACTIVE_W1), 'invalid_input', 400);
    expect(err.details).toEqual({ field: 'assigneeId' });
  });

  it('a target outside the report area is invalid input', () => {
    for (const id of ['w2', 'w4', 'l2', 'o2', 'o3']) expectDomainError(() => dispatch(accepted(), P.dsp, id), 'invalid_input', 400);
  });

  it('a resident, a dispatcher or an admin cannot be handed a task', () => {
    for (const id of ['r1', 'r2', 'dsp', 'adm']) expectDomainError(() => dispatch(accepted(), P.dsp, id), 'invalid_input', 400);
  });
});

describe('start: dispatched -> in_progress (assignee)', () => {
  it('the assignee starts; nobody else', () => {
    const r = report({ status: 'dispatched', assigneeId: 'w1b' });
    expect(decide(r, P.w1b, { action: 'start' }, areas)).toMatchObject({ from: 'dispatched', to: 'in_progress', assignee: { kind: 'keep' } });
    for (const who of [P.w1, P.l1, P.dsp, P.o1, P.adm, P.r1]) expectDomainError(() => decide(r, who, { action: 'start' }, areas), 'forbidden', 403);
  });

  it('an officer holding a grid-led task may start it', () => {
    expect(decide(report({ status: 'dispatched', assigneeId: 'o1' }), P.o1, { action: 'start' }, areas).to).toBe('in_progress');
  });

  it.each(STATUSES.filter((s) => s !== 'dispatched'))('the assignee cannot start from %s', (status) => {
    expectDomainError(() => decide(report({ status }), P.w1, { action: 'start' }, areas), 'invalid_transition', 409);
  });
});

describe('resolve (note + after-photos): in_progress -> resolved (assignee)', () => {
  const r = report({ status: 'in_progress' });

  it('the assignee resolves with a note and photos', () => {
    expect(decide(r, P.w1, full('resolve'), areas)).toMatchObject({ from: 'in_progress', to: 'resolved', assignee: { kind: 'keep' } });
  });

  it('needs a note and at least one photo', () => {
    expect(expectDomainError(() => decide(r, P.w1, { action: 'resolve' }, areas), 'invalid_input', 400).details).toEqual({ missing: ['note', 'photos'] });
    expect(expectDomainError(() => decide(r, P.w1, { action: 'resolve', photos: ['p'] }, areas), 'invalid_input').details).toEqual({ missing: ['note'] });
    expect(expectDomainError(() => decide(r, P.w1, { action: 'resolve', note: '  ', photos: ['p'] }, areas), 'invalid_input').details).toEqual({ missing: ['note'] });
    expect(expectDomainError(() => decide(r, P.w1, { action: 'resolve', note: '已清理' }, areas), 'invalid_input').details).toEqual({ missing: ['photos'] });
    expect(expectDomainError(() => decide(r, P.w1, { action: 'resolve', note: '已清理', photos: [] }, areas), 'invalid_input').details).toEqual({ missing: ['photos'] });
    // a reason is not a note
    expectDomainError(() => decide(r, P.w1, { action: 'resolve', reason: '已清理', photos: ['p'] }, areas), 'invalid_input', 400);
  });

  it('nobody but the assignee may resolve', () => {
    for (const who of [P.w1b, P.l1, P.dsp, P.o1, P.adm, P.r1]) expectDomainError(() => decide(r, who, full('resolve'), areas), 'forbidden', 403);
  });

  it.each(STATUSES.filter((s) => s !== 'in_progress'))('the assignee cannot resolve from %s', (status) => {
    expectDomainError(() => decide(report({ status }), P.w1, full('resolve'), areas), 'invalid_transition', 409);
  });
});

describe('hand_back (reason): back to the queue, unassigned (assignee)', () => {
  it.each(['accepted', 'dispatched', 'in_progress'] as const)('from %s it goes to accepted and clears the assignee', (status) => {
    expect(decide(report({ status }), P.w1, full('hand_back'), areas)).toMatchObject({ from: status, to: 'accepted', assignee: { kind: 'clear' }, lead: 'grid' });
  });

  it('from reported it stays reported, unassigned', () => {
    expect(decide(report(), P.w1, full('hand_back'), areas)).toMatchObject({ from: 'reported', to: 'reported', assignee: { kind: 'clear' } });
  });

  it('an officer hands back a police-led task', () => {
    expect(decide(report({ status: 'dispatched', lead: 'police', assigneeId: 'o1' }), P.o1, full('hand_back'), areas).to).toBe('accepted');
  });

  it('needs a reason', () => {
    expectDomainError(() => decide(report({ status: 'dispatched' }), P.w1, { action: 'hand_back' }, areas), 'invalid_input', 400);
    expectDomainError(() => decide(report({ status: 'dispatched' }), P.w1, { action: 'hand_back', reason: ' ' }, areas), 'invalid_input', 400);
  });

  it('only the assignee may hand back', () => {
    const r = report({ status: 'dispatched' });
    for (const who of [P.w1b, P.l1, P.dsp, P.o1, P.adm, P.r1]) expectDomainError(() => decide(r, who, full('hand_back'), areas), 'forbidden', 403);
    expectDomainError(() => decide(report({ status: 'dispatched', assigneeId: null }), P.w1, full('hand_back'), areas), 'forbidden', 403);
  });

  it.each(['resolved', 'verified', 'closed', 'rejected', 'merged'] as const)('cannot hand back from %s', (status) => {
    expectDomainError(() => decide(report({ status }), P.w1, full('hand_back'), areas), 'invalid_transition', 409);
  });
});

describe('transfer (reason): same state, lead side swapped, rerouted', () => {
  it.each(HOLDING_STATUSES.map((s) => [s] as const))('from %s by handler, grid_leader or dispatcher', (status) => {
    for (const who of [P.w1, P.l1, P.dsp]) {
      expect(decide(report({ status }), who, full('transfer'), areas)).toMatchObject({ from: status, to: status, lead: 'police', assignee: { kind: 'reroute' } });
    }
    expect(decide(report({ status, lead: 'police', assigneeId: 'o1' }), P.o1, full('transfer'), areas)).toMatchObject({ to: status, lead: 'grid', assignee: { kind: 'reroute' } });
  });

  it('needs a reason', () => {
    expectDomainError(() => decide(report(), P.l1, { action: 'transfer' }, areas), 'invalid_input', 400);
  });

  it('others are forbidden', () => {
    for (const who of [P.w1b, P.o1b, P.o1, P.adm, P.r1]) expectDomainError(() => decide(report({ status: 'accepted' }), who, full('transfer'), areas), 'forbidden', 403);
  });

  it.each([...CLOSED_OR_FINAL, 'resolved', 'verified'] as const)('not from %s (once resolved, the side that did it has it verified)', (status) => {
    expectDomainError(() => decide(report({ status }), P.dsp, full('transfer'), areas), 'invalid_transition', 409);
  });
});

describe('verify / rework / close: resolved -> verified / in_progress, verified -> closed', () => {
  const grid = (status: Status) => report({ status, assigneeId: 'w1' });
  const police = (status: Status) => report({ status, lead: 'police', assigneeId: 'o1' });

  it('grid-led: the grid_leader and the dispatcher verify, rework and close', () => {
    for (const who of [P.l1, P.lm1, P.dsp]) {
      expect(decide(grid('resolved'), who, full('verify'), areas)).toMatchObject({ from: 'resolved', to: 'verified', assignee: { kind: 'keep' } });
      expect(decide(grid('resolved'), who, full('rework'), areas)).toMatchObject({ from: 'resolved', to: 'in_progress', assignee: { kind: 'keep' } });
      expect(decide(grid('verified'), who, full('close'), areas)).toMatchObject({ from: 'verified', to: 'closed', assignee: { kind: 'keep' } });
    }
  });

  it('grid-led: officers, workers (incl. the assignee) and admins may not', () => {
    for (const who of [P.o1, P.o1b, P.w1, P.w1b, P.adm, P.r1]) {
      expectDomainError(() => decide(grid('resolved'), who, full('verify'), areas), 'forbidden', 403);
      expectDomainError(() => decide(grid('resolved'), who, full('rework'), areas), 'forbidden', 403);
      expectDomainError(() => decide(grid('verified'), who, full('close'), areas), 'forbidden', 403);
    }
  });

  it('police-led: an officer of the beat other than the assignee, and the dispatcher', () => {
    for (const who of [P.o1b, P.dsp]) {
      expect(decide(police('resolved'), who, full('verify'), areas).to).toBe('verified');
      expect(decide(police('resolved'), who, full('rework'), areas).to).toBe('in_progress');
      expect(decide(police('verified'), who, full('close'), areas).to).toBe('closed');
    }
  });

  it('police-led: the assignee officer, the grid_leader and grid workers may not', () => {
    for (const who of [P.o1, P.l1, P.w1, P.adm]) {
      expectDomainError(() => decide(police('resolved'), who, full('verify'), areas), 'forbidden', 403);
      expectDomainError(() => decide(police('resolved'), who, full('rework'), areas), 'forbidden', 403);
      expectDomainError(() => decide(police('verified'), who, full('close'), areas), 'forbidden', 403);
    }
  });

  it('police-led, assigned to a grid worker: any officer of the beat may verify', () => {
    const r = report({ status: 'resolved', lead: 'police', assigneeId: 'w1' });
    expect(decide(r, P.o1, full('verify'), areas).to).toBe('verified');
    expectDomainError(() => decide(r, P.w1, full('verify'), areas), 'forbidden', 403);
  });

  it('rework needs a reason; verify and close do not', () => {
    expectDomainError(() => decide(grid('resolved'), P.l1, { action: 'rework' }, areas), 'invalid_input', 400);
    expect(decide(grid('resolved'), P.l1, { action: 'verify' }, areas).to).toBe('verified');
    expect(decide(grid('verified'), P.l1, { action: 'close' }, areas).to).toBe('closed');
  });

  it.each(STATUSES.filter((s) => s !== 'resolved'))('verify and rework are invalid from %s', (status) => {
    expectDomainError(() => decide(grid(status), P.l1, full('verify'), areas), 'invalid_transition', 409);
    expectDomainError(() => decide(police(status), P.o1b, full('rework'), areas), 'invalid_transition', 409);
  });

  it.each(STATUSES.filter((s) => s !== 'verified'))('close is invalid from %s', (status) => {
    expectDomainError(() => decide(grid(status), P.dsp, full('close'), areas), 'invalid_transition', 409);
  });
});

describe('remind: any open state, same state (grid_leader, dispatcher)', () => {
  it.each(OPEN_STATUSES.map((s) => [s] as const))('from %s', (status) => {
    for (const who of [P.l1, P.dsp]) expect(decide(report({ status }), who, { action: 'remind' }, areas)).toMatchObject({ from: status, to: status, assignee: { kind: 'keep' }, lead: 'grid' });
  });

  it('the assignee, officers, workers and admins may not remind', () => {
    for (const who of [P.w1, P.w1b, P.o1, P.adm, P.r1]) expectDomainError(() => decide(report({ status: 'accepted' }), who, { action: 'remind' }, areas), 'forbidden', 403);
  });

  it.each(CLOSED_OR_FINAL)('not from %s', (status) => {
    expectDomainError(() => decide(report({ status }), P.l1, { action: 'remind' }, areas), 'invalid_transition', 409);
  });
});

describe('reopen (first dissatisfied rating): closed -> in_progress (the reporter)', () => {
  it('the reporter reopens once, same assignee', () => {
    expect(decide(report({ status: 'closed' }), P.r1, { action: 'reopen' }, areas)).toMatchObject({ from: 'closed', to: 'in_progress', assignee: { kind: 'keep' }, lead: 'grid' });
  });

  it('a second reopen is an invalid transition', () => {
    const err = expectDomainError(() => decide(report({ status: 'closed', reopenCount: 1 }), P.r1, { action: 'reopen' }, areas), 'invalid_transition', 409);
    expect(err.details).toEqual({ status: 'closed', action: 'reopen' });
    expectDomainError(() => decide(report({ status: 'closed', reopenCount: 3 }), P.r1, { action: 'reopen' }, areas), 'invalid_transition', 409);
  });

  it('only the reporter: other residents and every staff role are forbidden', () => {
    for (const who of [P.r2, P.w1, P.l1, P.o1, P.dsp, P.adm]) expectDomainError(() => decide(report({ status: 'closed' }), who, { action: 'reopen' }, areas), 'forbidden', 403);
    // a staff account whose id is the reporterId is still not "the reporter"
    expectDomainError(() => decide(report({ status: 'closed', reporterId: 'dsp' }), P.dsp, { action: 'reopen' }, areas), 'forbidden', 403);
    // an anonymous-to-staff report with no reporter recorded cannot be reopened by anyone
    expectDomainError(() => decide(report({ status: 'closed', reporterId: null }), P.r1, { action: 'reopen' }, areas), 'forbidden', 403);
  });

  it.each(STATUSES.filter((s) => s !== 'closed'))('not from %s', (status) => {
    expectDomainError(() => decide(report({ status }), P.r1, { action: 'reopen' }, areas), 'invalid_transition', 409);
  });

  it('the reporter may do nothing else', () => {
    for (const status of STATUSES) for (const action of STAFF_ACTIONS) expectDomainError(() => decide(report({ status }), P.r1, full(action), areas, targetFacts('w1b')), 'forbidden', 403);
  });
});

describe('reassign (system only): a deactivated holder\'s open task is rerouted on the same side', () => {
  const HOLDING = ['reported', 'accepted', 'dispatched', 'in_progress'] as const;

  it.each(HOLDING.map((s) => [s] as const))('from %s: same state, same lead, rerouted', (status) => {
    for (const lead of ['grid', 'police'] as const) {
      const d = systemDecision(report({ status, lead }), 'reassign');
      expect(d).toMatchObject({ from: status, to: status, lead, assignee: { kind: 'reroute' } });
      expect(d.transition.action).toBe('reassign');
    }
  });

  it.each(STATUSES.filter((s) => !(HOLDING as readonly Status[]).includes(s)))('not from %s', (status) => {
    expectDomainError(() => systemDecision(report({ status }), 'reassign'), 'invalid_transition', 409);
  });

  it('the system takes no person\'s action', () => {
    for (const action of ACTIONS.filter((a) => !['reassign', 'remind', 'escalate', 'survey_remind', 'survey_expire'].includes(a))) {
      for (const status of STATUSES) expectDomainError(() => systemDecision(report({ status }), action), 'invalid_transition', 409);
    }
  });

  it('no person may reassign, whatever their role or state', () => {
    for (const who of [P.w1, P.l1, P.lm1, P.o1, P.dsp, P.adm, P.r1]) {
      for (const status of STATUSES) expectDomainError(() => decide(report({ status }), who, full('reassign'), areas), 'forbidden', 403);
    }
  });
});

describe('areas come first', () => {
  const outsiders = STAFF.filter((a) => !a.areaIds.some((x) => areas.covers(x, 'g1') || areas.covers(x, 'b1')));

  it('the test world has outsiders of every staff role', () => {
    expect(new Set(outsiders.map((a) => a.role))).toEqual(new Set(['grid_worker', 'grid_leader', 'police_officer', 'dispatcher']));
    expect(outsiders.map((a) => a.id).sort()).toEqual(['dsp2', 'l2', 'l4', 'o2', 'o3', 'w2', 'w3', 'w4']);
  });

  it('staff outside the report areas get 403 for every action in every state, even with everything supplied', () => {
    for (const who of outsiders) {
      for (const status of STATUSES) {
        for (const lead of ['grid', 'police'] as const) {
          for (const action of ACTIONS) {
            expectDomainError(() => decide(report({ status, lead }), who, full(action, { assigneeId: 'w1b' }), areas, targetFacts('w1b')), 'forbidden', 403);
          }
          expect(availableActions(report({ status, lead }), who, areas)).toEqual([]);
        }
      }
    }
  });

  it('an assignee whose areas no longer cover the report is refused too', () => {
    const r = report({ status: 'in_progress', assigneeId: 'w2' });
    expectDomainError(() => decide(r, P.w2, full('resolve'), areas), 'forbidden', 403);
    expectDomainError(() => decide(r, P.w2, full('hand_back'), areas), 'forbidden', 403);
  });

  it('an unknown action is invalid input for staff of the area, forbidden for outsiders', () => {
    expectDomainError(() => decide(report(), P.l1, { action: 'teleport' as Action }, areas), 'invalid_input', 400);
    expectDomainError(() => decide(report(), P.l2, { action: 'teleport' as Action }, areas), 'forbidden', 403);
  });

  it('a report with no grid and no beat is out of everyone\'s reach', () => {
    const r = report({ gridId: null, beatId: null });
    for (const who of STAFF) expectDomainError(() => decide(r, who, full('accept'), areas), 'forbidden', 403);
  });

  it('a report placed only in a beat is reachable through the beat', () => {
    const r = report({ gridId: null, beatId: 'b1', lead: 'police', assigneeId: 'o1' });
    expect(decide(r, P.o1, full('accept'), areas).to).toBe('accepted');
    expectDomainError(() => decide(r, P.l1, full('accept'), areas), 'forbidden', 403);
  });

  it('canStaffSee follows the areas and is false for residents', () => {
    expect(canStaffSee(P.w1, report(), areas)).toBe(true);
    expect(canStaffSee(P.o1, report(), areas)).toBe(true);
    expect(canStaffSee(P.dsp, report(), areas)).toBe(true);
    expect(canStaffSee(P.adm, report(), areas)).toBe(true);
    expect(canStaffSee(P.w2, report(), areas)).toBe(false);
    expect(canStaffSee(P.o2, report(), areas)).toBe(false);
    expect(canStaffSee(P.dsp2, report(), areas)).toBe(false);
    expect(canStaffSee(P.r1, report(), areas)).toBe(false);
    expect(canStaffSee(P.dsp2, report({ gridId: 'g4', beatId: 'b3' }), areas)).toBe(true);
  });

  it('isDomainError tells domain errors from others', () => {
    expect(isDomainError(new DomainError('forbidden', 'x'))).toBe(true);
    expect(isDomainError(new Error('x'))).toBe(false);
    expect(isDomainError({ code: 'forbidden', status: 403 })).toBe(false);
  });
});

describe('availableActions', () => {
  it('lists the buttons for typical people', () => {
    // the routed handler may also take it on at once (accept + dispatch to self); leaders may not
    expect(availableActions(report(), P.w1, areas)).toEqual(['accept', 'take', 'reject', 'merge', 'hand_back', 'transfer']);
    expect(availableActions(report(), P.l1, areas)).toEqual(['accept', 'reject', 'merge', 'transfer', 'remind']);
    expect(availableActions(report(), P.w1b, areas)).toEqual([]);
    expect(availableActions(report({ status: 'accepted' }), P.w1, areas)).toEqual(['dispatch', 'hand_back', 'transfer']);
    expect(availableActions(report({ status: 'dispatched' }), P.w1, areas)).toEqual(['start', 'hand_back', 'transfer']);
    expect(availableActions(report({ status: 'in_progress' }), P.w1, areas)).toEqual(['resolve', 'hand_back', 'transfer']);
    expect(availableActions(report({ status: 'resolved' }), P.l1, areas)).toEqual(['verify', 'rework', 'remind']);
    expect(availableActions(report({ status: 'dispatched' }), P.l1, areas)).toEqual(['dispatch', 'transfer', 'remind']);
    expect(availableActions(report({ status: 'resolved', lead: 'police', assigneeId: 'o1' }), P.o1, areas)).toEqual([]);
    expect(availableActions(report({ status: 'resolved', lead: 'police', assigneeId: 'o1' }), P.o1b, areas)).toEqual(['verify', 'rework']);
    expect(availableActions(report({ status: 'verified' }), P.dsp, areas)).toEqual(['close', 'remind']);
    expect(availableActions(report({ status: 'closed' }), P.dsp, areas)).toEqual([]);
    expect(availableActions(report({ status: 'rejected' }), P.dsp, areas)).toEqual([]);
    expect(availableActions(report({ status: 'closed' }), P.r1, areas)).toEqual([]);
    expect(availableActions(report(), P.adm, areas)).toEqual([]);
  });

  it('agrees with decide for every staff action, person, state, lead and assignee of the test world', () => {
    let listed = 0;
    let omitted = 0;
    const assignees = [null, 'w1', 'w1b', 'l1', 'o1', 'o1b', 'w2'];
    for (const status of STATUSES) {
      for (const lead of ['grid', 'police'] as const) {
        for (const assigneeId of assignees) {
          const r = report({ status, lead, assigneeId });
          for (const who of [...STAFF, P.r1, P.r2]) {
            const avail = availableActions(r, who, areas);
            for (const action of STAFF_ACTIONS) {
              const cmd = fullFor(action, who, r);
              const run = () => decide(r, who, cmd, areas, targetFacts(cmd.assigneeId));
              if (avail.includes(action)) {
                listed++;
                expect(() => run(), `${who.id} ${action} ${status}/${lead}/${assigneeId}`).not.toThrow();
              } else {
                omitted++;
                let caught: unknown;
                try {
                  run();
                } catch (e) {
                  caught = e;
                }
                expect(caught, `${who.id} ${action} ${status}/${lead}/${assigneeId} should be refused`).toBeInstanceOf(DomainError);
                expect(['forbidden', 'invalid_transition']).toContain((caught as DomainError).code);
              }
            }
          }
        }
      }
    }
    expect(listed).toBeGreaterThan(100);
    expect(omitted).toBeGreaterThan(100);
  });
});

describe('nobody verifies their own work', () => {
  it('a grid leader who resolved a grid-led report cannot verify or close it; another leader or the centre can', () => {
    const own = report({ status: 'resolved', assigneeId: 'l1' });
    expectDomainError(() => decide(own, P.l1, full('verify'), areas), 'forbidden', 403);
    expectDomainError(() => decide(report({ status: 'verified', assigneeId: 'l1' }), P.l1, full('close'), areas), 'forbidden', 403);
    expect(decide(own, P.dsp, full('verify'), areas).to).toBe('verified');
  });

  it('a blank reason does not hide behind a note', () => {
    expect(decide(report(), P.w1, { action: 'reject', reason: '', note: '重复上报' }, areas).to).toBe('rejected');
    expectDomainError(() => decide(report(), P.w1, { action: 'reject', reason: '  ', note: ' ' }, areas), 'invalid_input', 400);
  });
});
