import { describe, expect, it } from 'vitest';
import { afterTimer, nextTimer, surveyExpired } from '../../../functions/src/domain/timers.ts';
import { systemDecision } from '../../../functions/src/domain/lifecycle.ts';
import { factsOf, type ReportRecord } from '../../../functions/src/domain/report.ts';

const T0 = Date.parse('2026-11-23T00:00:00.000Z');
const iso = (h: number) => new Date(T0 + h * 3_600_000).toISOString();

function report(over: Partial<ReportRecord> = {}): ReportRecord {
  return {
    id: 'R1', version: 1, status: 'reported', category: 'ebike_charging', description: 'x', address: null, anonymous: false, source: 'app',
    location: { lat: 22.54, lng: 113.93 }, createdAt: iso(0), updatedAt: iso(0), gridId: 'g1', gridName: 'G1', beatId: 'b1', beatName: 'B1',
    areasVersion: 'v1', lead: 'grid', assignee: { id: 'w1', role: 'grid_worker', name: 'W' }, acceptBy: iso(2), resolveBy: iso(24),
    reporterId: 'r1', caller: null, photos: [], followerCount: 0, reopenCount: 0, closeRound: 0, rating: null, mergedInto: null,
    routing: { mode: 'exact', reason: '' }, acceptedAt: null, resolvedAt: null, closedAt: null, ...over,
  };
}

describe('time-limit timers', () => {
  it('walks 75% -> 100% -> 150% of the accept limit, one step at a time, then stops', () => {
    let r = report();
    const seen: string[] = [];
    for (let t = nextTimer(r); t; t = nextTimer(r)) {
      seen.push(`${t.kind}@${(Date.parse(t.at) - T0) / 3_600_000}h`);
      r = { ...r, ...afterTimer(r, t) };
    }
    expect(seen).toEqual(['remind@1.5h', 'escalate_leader@2h', 'escalate_centre@3h']);
  });

  it('restarts on the resolve clock once accepted, however far the accept clock got', () => {
    const r = report({ status: 'accepted', sla: { stage: 'accept', step: 3 } });
    expect(nextTimer(r)).toEqual({ kind: 'remind', at: iso(18) });
  });

  it('a reopened report counts from its new resolve limit', () => {
    const r = report({ status: 'in_progress', resolveBy: iso(100), reopenCount: 1 });
    expect(nextTimer(r)).toEqual({ kind: 'remind', at: iso(100 - 24 * 0.25) });
  });

  it('stops while the work waits for verification, and for final states', () => {
    for (const status of ['resolved', 'verified', 'rejected', 'merged'] as const) expect(nextTimer(report({ status }))).toBeNull();
  });
});

describe('survey timers', () => {
  const closed = report({ status: 'closed', closedAt: iso(30), closeRound: 1 });

  it('reminds at 3 days and expires at 7 as no answer, never as satisfied', () => {
    const t1 = nextTimer(closed)!;
    expect(t1).toEqual({ kind: 'survey_remind', at: iso(30 + 72) });
    const r1 = { ...closed, ...afterTimer(closed, t1) };
    const t2 = nextTimer(r1)!;
    expect(t2).toEqual({ kind: 'survey_expire', at: iso(30 + 168) });
    const r2 = { ...r1, ...afterTimer(r1, t2) };
    expect(r2.survey).toEqual({ round: 1, step: 2, outcome: 'no_answer' });
    expect(r2.rating).toBeNull();
    expect(surveyExpired(r2)).toBe(true);
    // what is left is the retention clock, from the closure
    expect(nextTimer(r2)).toEqual({ kind: 'retain', at: iso(30 + 180 * 24) });
    // each step is a system transition the table allows from closed
    expect(systemDecision(factsOf(r1), 'survey_remind').to).toBe('closed');
    expect(systemDecision(factsOf(r1), 'survey_expire').to).toBe('closed');
  });

  it('needs no survey once rated, or with no reporter (filed by the centre), and starts afresh on the next closure', () => {
    expect(nextTimer({ ...closed, rating: { score: 'satisfied', comment: null, at: iso(31) }, ratedRound: 1 })?.kind).toBe('retain');
    // a rating from the previous round (dissatisfied, reopened) does not answer this one
    expect(nextTimer({ ...closed, closeRound: 2, rating: { score: 'dissatisfied', comment: null, at: iso(31) }, ratedRound: 1 })?.kind).toBe('survey_remind');
    expect(nextTimer({ ...closed, reporterId: null })?.kind).toBe('retain');
    const expiredRound1 = { ...closed, survey: { round: 1, step: 2, outcome: 'no_answer' as const } };
    expect(nextTimer({ ...expiredRound1, closeRound: 2, closedAt: iso(300) })).toEqual({ kind: 'survey_remind', at: iso(372) });
  });
});

describe('retention timer', () => {
  it('runs from when the report ended, for rejected and merged ones too, with a configurable period, once', () => {
    const rejected = report({ status: 'rejected', endedAt: iso(5) });
    expect(nextTimer(rejected)).toEqual({ kind: 'retain', at: iso(5 + 180 * 24) });
    expect(nextTimer(rejected, 30)).toEqual({ kind: 'retain', at: iso(5 + 30 * 24) });
    expect(nextTimer({ ...rejected, retainedAt: iso(5000) })).toBeNull();
    expect(nextTimer(report({ status: 'in_progress', endedAt: null }))?.kind).toBe('remind');
  });
});
