/**
 * The transition rows' effects: state categories, what evolve records, who is told and what the
 * outbox row says. The expectations below are the behaviour before the rows carried these (the
 * flows' own `audience()` and literals), so moving them into the table changed nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  ENDED_STATUSES,
  FINAL_STATUSES,
  HELD_STATUSES,
  OPEN_STATUSES,
  STAFF_ACTIONS,
  STATUSES,
  STATUS_TABLE,
  STEPS,
  TRANSITIONS,
  isEnded,
  isHeld,
  isOpen,
  requirementsOf,
  systemDecision,
  transitionsFor,
  type Decision,
  type Transition,
} from '../../../functions/src/domain/lifecycle.ts';
import { outboxFor, type Telling } from '../../../functions/src/domain/outbox.ts';
import { evolve } from '../../../functions/src/domain/evolve.ts';
import { factsOf, HOLDING_STATUSES, type ReportRecord } from '../../../functions/src/domain/report.ts';
import { PUSHED_PROGRESS, messageKindFor } from '../../../functions/src/notify/templates.ts';

const now = new Date('2026-11-23T08:00:00.000Z');
const W1 = { id: 'w1', role: 'grid_worker' as const, name: '王师傅' };

function report(over: Partial<ReportRecord> = {}): ReportRecord {
  return {
    id: 'R1', version: 3, status: 'in_progress', category: 'open_fire', description: 'x', address: null, anonymous: false, source: 'app',
    location: { lat: 22.54, lng: 113.93 }, createdAt: '2026-11-23T06:00:00.000Z', updatedAt: '2026-11-23T06:00:00.000Z',
    gridId: 'g1', gridName: 'G1', beatId: 'b1', beatName: 'B1', areasVersion: 'v1', lead: 'grid',
    assignee: W1, acceptBy: '2026-11-23T07:00:00.000Z', resolveBy: '2026-11-23T18:00:00.000Z',
    reporterId: 'r1', caller: null, photos: [], followerCount: 0, reopenCount: 0, closeRound: 0, rating: null, mergedInto: null,
    routing: { mode: 'exact', reason: '' }, acceptedAt: null, resolvedAt: null, closedAt: null, ...over,
  };
}

const rowsOf = (action: Transition['action']) => transitionsFor(action).filter((t) => !t.who.includes('system'));
const tellingOf = (t: Transition): Telling => {
  if (t.outbox === 'by_timer') throw new Error(`${t.action} is fired by a timer`);
  return t.outbox;
};

describe('status categories', () => {
  it('put every status in exactly one category; held and open (waiting on the verifier) are both open', () => {
    expect([...HELD_STATUSES]).toEqual(['reported', 'accepted', 'dispatched', 'in_progress']);
    expect(STATUSES.filter((s) => STATUS_TABLE[s].category === 'open')).toEqual(['resolved', 'verified']);
    expect([...ENDED_STATUSES].sort()).toEqual(['closed', 'merged', 'rejected']);
    for (const s of STATUSES) expect(isOpen(s)).toBe(!isEnded(s));
    for (const s of HELD_STATUSES) expect(isOpen(s)).toBe(true);
    expect([...OPEN_STATUSES].sort()).toEqual([...HELD_STATUSES, 'resolved', 'verified'].sort());
  });

  it('derive the final states from the table (ended, nothing leads out) and the holding states from the category', () => {
    expect([...FINAL_STATUSES].sort()).toEqual(['merged', 'rejected']);
    expect(HOLDING_STATUSES).toEqual(HELD_STATUSES);
    for (const s of STATUSES) expect(HOLDING_STATUSES.includes(s)).toBe(isHeld(s));
  });
});

describe('what evolve records', () => {
  // every row, from each state it leaves: only what the row names changes
  const cases = TRANSITIONS.flatMap((t) => t.from.map((from) => [t, from] as const));
  it.each(cases.map(([t, from]) => [`${t.action} from ${from}`, t, from] as const))('%s', (_name, t, from) => {
    const before = report({ status: from, closedAt: from === 'closed' ? '2026-11-23T07:00:00.000Z' : null, closeRound: from === 'closed' ? 1 : 0 });
    const to = t.to === 'same' ? from : t.to;
    const decision: Decision = { transition: t, from, to, assignee: { kind: 'keep' }, lead: before.lead };
    const photo = { id: 'U1', kind: 'after' as const };
    const { after } = evolve({ before, decision, command: { action: t.action, mergeInto: 'R2', photos: ['U1'] }, actor: null, now, photos: [photo] });
    for (const stamp of ['acceptedAt', 'resolvedAt', 'closedAt'] as const) {
      expect(after[stamp], stamp).toBe(t.stamps?.includes(stamp) ? now.toISOString() : before[stamp]);
    }
    for (const counter of ['closeRound', 'reopenCount'] as const) {
      expect(after[counter], counter).toBe(before[counter] + (t.counts?.includes(counter) ? 1 : 0));
    }
    expect(after.photos).toEqual(t.requires.includes('photos') ? [photo] : []);
    expect(after.mergedInto).toBe(t.requires.includes('mergeInto') ? 'R2' : null);
    expect(after.resolveBy === before.resolveBy).toBe(!t.renewsResolveBy);
    if (to !== from) expect(after.endedAt).toBe(isEnded(to) ? now.toISOString() : null);
    else expect(after.endedAt).toBe(before.endedAt);
  });

  it('stamps the times the KPIs need on accept, resolve and close only', () => {
    const stamped = Object.fromEntries(TRANSITIONS.filter((t) => t.stamps?.length).map((t) => [t.action, t.stamps]));
    expect(stamped).toEqual({ accept: ['acceptedAt'], take: ['acceptedAt'], resolve: ['resolvedAt'], close: ['closedAt'] });
  });
});

describe('who is told', () => {
  const followers = { audience: 'followers' };
  const holder = (reason: string) => ({ userId: 'w1', reason });

  it.each([
    ['accept', [followers]],
    ['reject', [followers]],
    ['merge', [followers]],
    ['dispatch', [followers, holder('task')]],
    ['start', [followers]],
    ['resolve', [followers]],
    ['hand_back', [followers]],
    ['transfer', [followers, holder('task')]],
    ['verify', [followers]],
    ['rework', [followers, holder('task')]],
    ['close', [followers]],
    ['remind', [followers, holder('reminder')]],
    ['reopen', [followers, holder('task')]],
  ] as const)('%s: the outbox row report.<action> goes to %j', (action, to) => {
    for (const t of rowsOf(action)) {
      expect(outboxFor(t, { assignee: W1 })).toEqual({ kind: `report.${action}`, title: t.action === 'close' ? '事项已结案，请评价处理结果' : t.action === 'reopen' ? '居民不满意，事项重办' : '事项进展', to });
      // nobody holds it: only the followers hear
      expect(outboxFor(t, { assignee: null }).to).toEqual([followers]);
    }
  });

  it('a reassignment tells the followers and the new holder', () => {
    expect(outboxFor(systemDecision(factsOf(report()), 'reassign').transition, { assignee: W1 })).toEqual({ kind: 'report.reassign', title: '事项已重新分派', to: [followers, holder('task')] });
  });

  it('a new report tells the routed handler, then the other side routing names', () => {
    expect(outboxFor(STEPS.report, { assignee: W1 }, { co_notified: ['p1'] })).toEqual({ kind: 'report.created', title: '新的隐患上报', to: [holder('task'), { userId: 'p1', reason: 'co_notified' }] });
    expect(outboxFor(STEPS.report, { assignee: null }).to).toEqual([]);
  });

  it('a rating tells the holder; dissatisfied again, the dispatch centre too', () => {
    expect(outboxFor(STEPS.rate, { assignee: W1 })).toEqual({ kind: 'report.rated', title: '居民已评价', to: [holder('rated')] });
    const again = systemDecision(factsOf(report({ status: 'closed' })), 'escalate').transition;
    expect(outboxFor(again, { assignee: W1 }, { escalation: ['d1', 'd2'] })).toEqual({
      kind: 'report.escalated',
      title: '居民再次不满意',
      to: [holder('rated'), { userId: 'd1', reason: 'escalation' }, { userId: 'd2', reason: 'escalation' }],
    });
  });

  it('refuses people for a group the step does not name, and rows a timer fires', () => {
    expect(() => outboxFor(STEPS.rate, { assignee: W1 }, { escalation: ['d1'] })).toThrow(/does not tell escalation/);
    const timerRows = TRANSITIONS.filter((t) => t.outbox === 'by_timer');
    expect([...new Set(timerRows.map((t) => `${t.action}:${t.from.join(',')}`))].sort()).toEqual(
      ['escalate:reported,accepted,dispatched,in_progress', 'remind:reported,accepted,dispatched,in_progress', 'survey_expire:closed', 'survey_remind:closed'].sort(),
    );
    for (const t of timerRows) expect(() => outboxFor(t, { assignee: W1 })).toThrow(/timer/);
  });

  it('every person-driven row writes report.<action> (take: an acceptance, as told); the pushed kinds are kinds a row writes', () => {
    for (const t of TRANSITIONS.filter((x) => !x.who.includes('system'))) expect(tellingOf(t).kind).toBe(t.action === 'take' ? 'report.accept' : `report.${t.action}`);
    // the resident hears a take as they hear an accept (pushed), and the holder, who acted, nothing
    const [take] = rowsOf('take');
    expect(outboxFor(take!, { assignee: W1 })).toEqual(outboxFor(rowsOf('accept')[0]!, { assignee: W1 }));
    expect(messageKindFor(tellingOf(take!).kind, 'reporter')).toBe('progress');
    const written = new Set([...TRANSITIONS.filter((t) => t.outbox !== 'by_timer').map((t) => tellingOf(t).kind), ...Object.values(STEPS).map((s) => s.outbox.kind)]);
    for (const kind of PUSHED_PROGRESS) expect(written, kind).toContain(kind);
    expect(messageKindFor(tellingOf(rowsOf('close')[0]!).kind, 'reporter')).toBe('survey');
  });
});

describe('what a staff action requires', () => {
  it('is the same on every row of the action, and what decide asks for', () => {
    for (const a of STAFF_ACTIONS) {
      for (const t of transitionsFor(a)) expect([...t.requires].sort(), a).toEqual([...requirementsOf(a)].sort());
    }
    expect(requirementsOf('resolve')).toEqual(['note', 'photos']);
    expect(requirementsOf('accept')).toEqual([]);
  });
});
