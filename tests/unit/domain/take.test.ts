/**
 * `take` (受理并接单): the routed handler accepts a new report and dispatches it to themself in
 * one step — one decision, one version, one timeline event, the acceptance stamped and counted as
 * an acceptance by the KPIs. Nobody else may take, and nothing but a new report can be taken.
 * Also `heldSince`: since when the current holder has held a report, read from its timeline.
 */
import { describe, expect, it } from 'vitest';
import { ACTION_NAMES, HOLDER_STEPS, STATUSES, availableActions, decide, heldSince, requirementsOf, transitionsFor } from '../../../functions/src/domain/lifecycle.ts';
import { evolve } from '../../../functions/src/domain/evolve.ts';
import { kpiDeltas } from '../../../functions/src/domain/kpi.ts';
import { outboxFor } from '../../../functions/src/domain/outbox.ts';
import type { ReportRecord } from '../../../functions/src/domain/report.ts';
import { P, areas, expectDomainError, report } from './fixtures.ts';

const now = new Date('2026-11-23T08:00:00.000Z');
const W1 = { id: 'w1', role: 'grid_worker' as const, name: '王师傅' };

function record(over: Partial<ReportRecord> = {}): ReportRecord {
  return {
    id: 'R1', version: 2, status: 'reported', category: 'ebike_charging', description: 'x', address: null, anonymous: false, source: 'app',
    location: { lat: 22.54, lng: 113.93 }, createdAt: '2026-11-23T07:00:00.000Z', updatedAt: '2026-11-23T07:00:00.000Z',
    gridId: 'g1', gridName: 'G1', beatId: 'b1', beatName: 'B1', areasVersion: 'v1', lead: 'grid',
    assignee: W1, acceptBy: '2026-11-23T09:00:00.000Z', resolveBy: '2026-11-24T07:00:00.000Z',
    reporterId: 'r1', caller: null, photos: [], followerCount: 0, reopenCount: 0, closeRound: 0, rating: null, mergedInto: null,
    routing: { mode: 'exact', reason: '' }, acceptedAt: null, resolvedAt: null, closedAt: null, ...over,
  };
}

describe('take: reported -> dispatched, by the routed handler, in one step', () => {
  it('is one row that needs nothing more than the tap', () => {
    expect(transitionsFor('take')).toHaveLength(1);
    expect(requirementsOf('take')).toEqual([]);
    expect(ACTION_NAMES.take).toBe('受理并接单');
  });

  it('the routed handler (grid worker, or the officer of a police-led report) takes it, keeping it', () => {
    expect(decide(report(), P.w1, { action: 'take' }, areas)).toMatchObject({ from: 'reported', to: 'dispatched', assignee: { kind: 'keep' }, lead: 'grid' });
    expect(decide(report({ lead: 'police', assigneeId: 'o1' }), P.o1, { action: 'take' }, areas).to).toBe('dispatched');
  });

  it('leaders, the centre, other workers and residents may not take (they accept, then dispatch)', () => {
    for (const who of [P.l1, P.dsp, P.w1b, P.adm]) expectDomainError(() => decide(report(), who, { action: 'take' }, areas), 'forbidden', 403);
    // nobody holds it: there is no handler to take it
    expectDomainError(() => decide(report({ assigneeId: null }), P.w1, { action: 'take' }, areas), 'forbidden', 403);
    expect(availableActions(report(), P.l1, areas)).not.toContain('take');
    expect(availableActions(report(), P.dsp, areas)).not.toContain('take');
  });

  it.each(STATUSES.filter((s) => s !== 'reported'))('from %s it is refused: only a new report can be taken', (status) => {
    expectDomainError(() => decide(report({ status }), P.w1, { action: 'take' }, areas), 'invalid_transition', 409);
    expect(availableActions(report({ status }), P.w1, areas)).not.toContain('take');
  });

  it('writes one version with one event, stamps acceptedAt, keeps the holder; start comes next', () => {
    const before = record();
    const decision = decide({ ...report(), assigneeId: 'w1' }, P.w1, { action: 'take' }, areas);
    const { after, events } = evolve({ before, decision, command: { action: 'take' }, actor: W1, now });
    expect(after).toMatchObject({ version: 3, status: 'dispatched', assignee: W1, acceptedAt: now.toISOString() });
    expect(events).toEqual([expect.objectContaining({ version: 3, seq: 0, action: 'take', from: 'reported', to: 'dispatched', actor: W1 })]);
    expect(availableActions({ ...report(), status: 'dispatched' }, P.w1, areas)[0]).toBe('start');
  });

  it('tells the followers as an acceptance does (the holder is the one who acted)', () => {
    const [row] = transitionsFor('take');
    expect(outboxFor(row!, { assignee: W1 })).toEqual({ kind: 'report.accept', title: '事项进展', to: [{ audience: 'followers' }] });
  });

  it('counts as an acceptance in the KPIs, with its minutes to accept, once', () => {
    const before = record();
    const decision = decide({ ...report(), assigneeId: 'w1' }, P.w1, { action: 'take' }, areas);
    const { after } = evolve({ before, decision, command: { action: 'take' }, actor: W1, now });
    const d = kpiDeltas(before, after);
    expect(d.days['2026-11-23']).toEqual({ accepted: 1 });
    expect(d.samples['2026-11-23']).toEqual({ acceptMinutes: [60] });
    // the next step (start) counts no second acceptance
    const started = { ...after, version: 4, status: 'in_progress' as const, updatedAt: '2026-11-23T08:30:00.000Z' };
    expect(kpiDeltas(after, started).days).toEqual({});
    // accept as before: counted once too
    const accepted = { ...before, version: 3, status: 'accepted' as const, acceptedAt: now.toISOString(), updatedAt: now.toISOString() };
    expect(kpiDeltas(before, accepted).days['2026-11-23']).toEqual({ accepted: 1 });
  });
});

describe('heldSince', () => {
  const ev = (version: number, seq: number, action: string, at: string) => ({ version, seq, action, at });

  it('is filing for a report its routed handler still holds, whatever they did since', () => {
    const events = [ev(1, 0, 'report', 't1'), ev(1, 1, 'route', 't1'), ev(2, 0, 'take', 't2'), ev(3, 0, 'start', 't3'), ev(4, 0, 'remind', 't4')];
    expect(heldSince(events)).toBe('t1');
  });

  it('moves with a dispatch, a transfer (and its routing), a reassignment; in any order given', () => {
    expect(heldSince([ev(3, 0, 'dispatch', 't3'), ev(1, 0, 'report', 't1'), ev(2, 0, 'accept', 't2')])).toBe('t3');
    expect(heldSince([ev(1, 0, 'report', 't1'), ev(2, 0, 'transfer', 't2'), ev(2, 1, 'route', 't2b'), ev(3, 0, 'start', 't3')])).toBe('t2b');
    expect(heldSince([ev(1, 0, 'report', 't1'), ev(5, 0, 'reassign', 't5'), ev(4, 0, 'escalate', 't4')])).toBe('t5');
    expect(heldSince([])).toBeNull();
  });

  it('counts the steps the table says move the holder, and not the ones that keep it', () => {
    for (const a of ['report', 'route', 'dispatch', 'transfer', 'hand_back', 'reassign', 'reject', 'merge']) expect(HOLDER_STEPS.has(a), a).toBe(true);
    for (const a of ['accept', 'take', 'start', 'resolve', 'verify', 'rework', 'close', 'remind', 'reopen', 'escalate']) expect(HOLDER_STEPS.has(a), a).toBe(false);
  });
});
