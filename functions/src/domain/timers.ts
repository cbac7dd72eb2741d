/**
 * Time limits and surveys as timers: each open report has at most one next checkpoint, and a
 * scheduled sweeper fires the ones that are due (催办 at 75% of the limit, 升级 to the leader at
 * 100%, to the dispatch centre at 150%; after closure, a survey reminder at 3 days and expiry as
 * "no answer" at 7 days; once ended, the retention rule). Which checkpoint comes next is decided
 * here, from the record alone; which states run which clock is their category (domain/statuses).
 */
import { limitsOf } from '#domain/categories';
import { isEnded, isHeld } from '#domain/statuses';
import type { ReportRecord } from '#domain/report';
import type { Step } from '#domain/outbox';

export type TimerKind = 'remind' | 'escalate_leader' | 'escalate_centre' | 'survey_remind' | 'survey_expire' | 'retain';

export interface Timer {
  kind: TimerKind;
  at: string;
}

/** progress through the current clock: which stage it counts for and how many checkpoints fired */
export interface SlaProgress {
  stage: 'accept' | 'resolve';
  step: number;
}

export interface SurveyProgress {
  round: number;
  step: number;
  outcome: 'no_answer' | null;
}

/**
 * What each checkpoint tells, and whom (the transition rows a timer fires leave it to the
 * checkpoint: one `remind` row serves a leader's reminder and the time limit's). `escalation`
 * is who the flow finds above the report: grid leaders, or the dispatch centre.
 */
export const TIMER_OUTBOX: Readonly<Record<Exclude<TimerKind, 'retain'>, Step>> = {
  remind: { outbox: { kind: 'timer.remind', title: '催办', tell: ['holder:reminder'] } },
  escalate_leader: { outbox: { kind: 'timer.escalate_leader', title: '超时升级', tell: ['escalation', 'holder:overdue'] } },
  escalate_centre: { outbox: { kind: 'timer.escalate_centre', title: '超时升级', tell: ['escalation'] } },
  survey_remind: { outbox: { kind: 'timer.survey_remind', title: '请评价处理结果', tell: ['followers'] } },
  survey_expire: { outbox: { kind: 'timer.survey_expire', title: '请评价处理结果', tell: [] } },
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SLA_STEPS: readonly { kind: TimerKind; fraction: number }[] = [
  { kind: 'remind', fraction: 0.75 },
  { kind: 'escalate_leader', fraction: 1 },
  { kind: 'escalate_centre', fraction: 1.5 },
];
const SURVEY_STEPS: readonly { kind: TimerKind; afterMs: number }[] = [
  { kind: 'survey_remind', afterMs: 3 * DAY },
  { kind: 'survey_expire', afterMs: 7 * DAY },
];

export const SURVEY_DAYS = 7;
/** Personal data of finished reports is pseudonymised this many days after they end (configurable). */
export const DEFAULT_RETENTION_DAYS = 180;

/** The clock a holding report runs on: accept until accepted, then resolve. */
export function slaStage(r: Pick<ReportRecord, 'status'>): SlaProgress['stage'] {
  return r.status === 'reported' ? 'accept' : 'resolve';
}

/** Where the current clock started and ends. A reopened report's resolve clock restarts then. */
function clockOf(r: ReportRecord, stage: SlaProgress['stage']): { start: number; end: number } {
  const limits = limitsOf(r);
  const end = Date.parse(stage === 'accept' ? r.acceptBy : r.resolveBy);
  const hours = limits ? (stage === 'accept' ? limits.acceptHours : limits.resolveHours) : (end - Date.parse(r.createdAt)) / HOUR;
  return { start: end - hours * HOUR, end };
}

export function nextTimer(r: ReportRecord, retentionDays = DEFAULT_RETENTION_DAYS): Timer | null {
  if (isHeld(r.status)) {
    const stage = slaStage(r);
    const done = r.sla && r.sla.stage === stage ? r.sla.step : 0;
    const step = SLA_STEPS[done];
    if (!step) return null;
    const { start, end } = clockOf(r, stage);
    return { kind: step.kind, at: new Date(start + (end - start) * step.fraction).toISOString() };
  }
  if (r.status === 'closed' && r.closedAt && r.reporterId && !(r.rating && r.ratedRound === r.closeRound)) {
    const s = r.survey && r.survey.round === r.closeRound ? r.survey : null;
    const step = s?.outcome ? undefined : SURVEY_STEPS[s?.step ?? 0];
    if (step) return { kind: step.kind, at: new Date(Date.parse(r.closedAt) + step.afterMs).toISOString() };
  }
  // Finished and not yet pseudonymised: the retention clock (surveys always end long before it).
  const ended = r.endedAt ?? (r.status === 'closed' ? r.closedAt : null);
  if (ended && isEnded(r.status) && !r.retainedAt) {
    return { kind: 'retain', at: new Date(Date.parse(ended) + retentionDays * DAY).toISOString() };
  }
  return null;
}

/** The record after a timer fired: its step counted, so it never fires twice. */
export function afterTimer(r: ReportRecord, t: Timer): Pick<ReportRecord, 'sla' | 'survey'> {
  if (t.kind === 'retain') return { sla: r.sla, survey: r.survey };
  if (t.kind === 'survey_remind' || t.kind === 'survey_expire') {
    const prev = r.survey && r.survey.round === r.closeRound ? r.survey : { round: r.closeRound, step: 0, outcome: null };
    return { sla: r.sla, survey: { round: r.closeRound, step: prev.step + 1, outcome: t.kind === 'survey_expire' ? 'no_answer' : null } };
  }
  const stage = slaStage(r);
  const done = r.sla && r.sla.stage === stage ? r.sla.step : 0;
  return { sla: { stage, step: done + 1 }, survey: r.survey };
}

/** Has the reporter's survey for this closure expired unanswered? */
export function surveyExpired(r: ReportRecord): boolean {
  return !!r.survey && r.survey.round === r.closeRound && r.survey.outcome === 'no_answer';
}
