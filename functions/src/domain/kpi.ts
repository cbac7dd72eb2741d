/**
 * The service's measures (PRODUCT.md "Measures"), kept as counters per area per China day and
 * two gauges per area (open, overdue now). A report's change is turned into counter deltas here,
 * from its record before and after — pure, so replaying a stream record gives the same deltas
 * (the store makes applying them idempotent). Rates and medians are computed from the counters.
 */
import { isOpen } from '#domain/lifecycle';
import { HOLDING_STATUSES, type ReportRecord } from '#domain/report';
import { slaStage } from '#domain/timers';

export const DAY_COUNTERS = [
  'reported',
  'accepted',
  'rejected',
  'merged',
  'resolved',
  'closed',
  'closedOnTime',
  'reworked',
  'satisfied',
  'basicallySatisfied',
  'dissatisfied',
  'noAnswer',
] as const;
export type DayCounter = (typeof DAY_COUNTERS)[number];
export type Histogram = 'acceptMinutes' | 'closeMinutes';

export interface KpiDeltas {
  /** per China day: counter increments */
  days: Record<string, Partial<Record<DayCounter, number>>>;
  /** per China day: histogram samples (whole minutes) */
  samples: Record<string, Partial<Record<Histogram, number[]>>>;
  /** the current gauges */
  open: number;
  overdue: number;
  /** other gauges, by name (the responders on the roll: domain/assist-kpi) */
  gauges?: Record<string, number>;
}

/** Days are China days (Asia/Shanghai: UTC+8 all year). */
export const chinaDay = (iso: string): string => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);

const minutesBetween = (a: string, b: string) => Math.max(0, Math.round((Date.parse(b) - Date.parse(a)) / 60_000));

/** Overdue now: still held, and the escalation at 100% of the current limit has fired. */
export function isOverdue(r: ReportRecord): boolean {
  return HOLDING_STATUSES.includes(r.status) && !!r.sla && r.sla.stage === slaStage(r) && r.sla.step >= 2;
}

const SCORE_COUNTER = { satisfied: 'satisfied', basically_satisfied: 'basicallySatisfied', dissatisfied: 'dissatisfied' } as const;

export function kpiDeltas(before: ReportRecord | null, after: ReportRecord): KpiDeltas {
  const d: KpiDeltas = { days: {}, samples: {}, open: 0, overdue: 0 };
  const count = (iso: string, c: DayCounter) => {
    const day = (d.days[chinaDay(iso)] ??= {});
    day[c] = (day[c] ?? 0) + 1;
  };
  const sample = (iso: string, h: Histogram, minutes: number) => {
    const day = (d.samples[chinaDay(iso)] ??= {});
    (day[h] ??= []).push(minutes);
  };
  const at = after.updatedAt;
  if (!before) count(after.createdAt, 'reported');
  const from = before?.status ?? null;
  const changed = from !== after.status;
  if (changed) {
    // the intake decision that stamps acceptedAt: accept, or take (accepted and dispatched to self at once)
    if (from === 'reported' && (after.status === 'accepted' || (!!after.acceptedAt && after.acceptedAt !== before?.acceptedAt))) {
      count(at, 'accepted');
      sample(at, 'acceptMinutes', minutesBetween(after.createdAt, after.acceptedAt ?? at));
    }
    if (after.status === 'rejected') count(at, 'rejected');
    if (after.status === 'merged') count(at, 'merged');
    if (after.status === 'resolved') count(at, 'resolved');
    if (after.status === 'in_progress' && (from === 'resolved' || from === 'closed')) count(at, 'reworked');
    if (after.status === 'closed') {
      count(at, 'closed');
      const closedAt = after.closedAt ?? at;
      if (Date.parse(closedAt) <= Date.parse(after.resolveBy)) count(at, 'closedOnTime');
      sample(at, 'closeMinutes', minutesBetween(after.createdAt, closedAt));
    }
  }
  const rated = after.rating && (!before?.rating || before.rating.at !== after.rating.at);
  if (rated) count(after.rating!.at, SCORE_COUNTER[after.rating!.score]);
  const expired = after.survey?.outcome === 'no_answer' && !(before?.survey?.outcome === 'no_answer' && before.survey.round === after.survey.round);
  if (expired) count(at, 'noAnswer');
  d.open = Number(isOpen(after.status)) - Number(before ? isOpen(before.status) : false);
  d.overdue = Number(isOverdue(after)) - Number(before ? isOverdue(before) : false);
  return d;
}

/** True when a change moves no counter and no gauge (it need not be counted, nor remembered). */
export function noDeltas(d: KpiDeltas): boolean {
  const some = (o: Record<string, Partial<Record<string, number | number[]>>>) => Object.values(o).some((day) => Object.values(day).some((v) => (Array.isArray(v) ? v.length > 0 : v !== 0)));
  return d.open === 0 && d.overdue === 0 && !Object.values(d.gauges ?? {}).some((n) => n !== 0) && !some(d.days) && !some(d.samples);
}

/** A report's change as the measures see it: its deltas and every area it counts in. */
export interface KpiChange {
  reportId: string;
  version: number;
  /** the report's grid: where the counters remember which versions they have counted */
  gridId: string;
  areaIds: string[];
  deltas: KpiDeltas;
}

/**
 * Per area, per China day: what a set of changes adds to each counter, histogram samples as
 * counts per (histogram, minutes); and the gauges' sums. Pure, so a batch's writes are the same
 * whenever it is applied.
 */
export interface AreaSums {
  days: Map<string, Map<string, number>>;
  open: number;
  overdue: number;
  gauges: Map<string, number>;
}

export const histogramKey = (h: Histogram, minutes: number) => `h:${h}:${minutes}`;
/** the responders' counters, overall and per pool (domain/assist-kpi ASSIST_COUNTERS, `<counter>.<kind>`) */
const ASSIST_COUNTER_KEY = /^assist[A-Za-z]+(\.[a-z]+)?$/;
export const isCounterKey = (k: string): boolean => (DAY_COUNTERS as readonly string[]).includes(k) || k.startsWith('h:') || ASSIST_COUNTER_KEY.test(k);

export function sumByArea(changes: readonly KpiChange[]): Map<string, AreaSums> {
  const out = new Map<string, AreaSums>();
  for (const c of changes) {
    for (const areaId of new Set(c.areaIds)) {
      let a = out.get(areaId);
      if (!a) out.set(areaId, (a = { days: new Map(), open: 0, overdue: 0, gauges: new Map() }));
      const add = (day: string, key: string, n: number) => {
        let d = a!.days.get(day);
        if (!d) a!.days.set(day, (d = new Map()));
        d.set(key, (d.get(key) ?? 0) + n);
      };
      for (const [day, counters] of Object.entries(c.deltas.days)) for (const [k, n] of Object.entries(counters)) if (n) add(day, k, n);
      for (const [day, hs] of Object.entries(c.deltas.samples)) for (const [h, ms] of Object.entries(hs)) for (const m of ms ?? []) add(day, histogramKey(h as Histogram, m), 1);
      a.open += c.deltas.open;
      a.overdue += c.deltas.overdue;
      for (const [g, n] of Object.entries(c.deltas.gauges ?? {})) a.gauges.set(g, (a.gauges.get(g) ?? 0) + n);
    }
  }
  return out;
}

export interface DayTotals extends Partial<Record<DayCounter, number>> {
  acceptMinutes?: Record<string, number>;
  closeMinutes?: Record<string, number>;
  /** other measures' counters and histograms (domain/assist-kpi) */
  [counter: string]: number | Record<string, number> | undefined;
}

const rate = (num: number, den: number): number | null => (den > 0 ? Math.round((num / den) * 10_000) / 10_000 : null);

/**
 * A histogram (value -> count) as a ranked list: `n` samples, and `at(rank)` the value of the
 * rank-th smallest (1-based). Null when empty.
 */
export function ranked(hist: Record<string, number>): { n: number; at(rank: number): number } | null {
  const entries = Object.entries(hist)
    .map(([k, v]) => [Number(k), v] as const)
    .filter(([, v]) => v > 0)
    .sort((a, b) => a[0] - b[0]);
  const n = entries.reduce((s, [, v]) => s + v, 0);
  if (n === 0) return null;
  return {
    n,
    at(rank) {
      let seen = 0;
      for (const [k, v] of entries) {
        seen += v;
        if (seen >= rank) return k;
      }
      return entries[entries.length - 1]![0];
    },
  };
}

/** The median of a histogram of whole minutes (minute -> count); null when empty. */
export function medianOf(hist: Record<string, number>): number | null {
  const r = ranked(hist);
  if (!r) return null;
  const { n } = r;
  // the lower and upper middle values; their mean for an even count
  const pick = (rank: number) => r.at(rank);
  return (pick(Math.floor((n + 1) / 2)) + pick(Math.ceil((n + 1) / 2))) / 2;
}

export interface Kpis {
  acceptanceRate: number | null;
  onTimeClosureRate: number | null;
  closureRate: number | null;
  reworkRate: number | null;
  satisfactionRate: number | null;
  medianAcceptMinutes: number | null;
  medianCloseMinutes: number | null;
  reported: number;
  accepted: number;
  closed: number;
  ratings: number;
  noAnswer: number;
}

/** Sums days into the measures. Definitions, so the dashboard and the tests mean the same: */
export function kpisOf(days: DayTotals[]): Kpis {
  const sum = (c: DayCounter) => days.reduce((s, d) => s + (d[c] ?? 0), 0);
  const merge = (h: Histogram) => {
    const out: Record<string, number> = {};
    for (const d of days) for (const [k, v] of Object.entries(d[h] ?? {})) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const answers = sum('satisfied') + sum('basicallySatisfied') + sum('dissatisfied');
  return {
    /** 受理率: accepted over intake decisions (accepted + rejected) */
    acceptanceRate: rate(sum('accepted'), sum('accepted') + sum('rejected')),
    /** 按期办结率: closed by the resolve limit over closed */
    onTimeClosureRate: rate(sum('closedOnTime'), sum('closed')),
    /** 结案率: closed over reported in the period */
    closureRate: rate(sum('closed'), sum('reported')),
    /** 返工率: rework (sent back, or reopened by a dissatisfied reporter) over resolutions */
    reworkRate: rate(sum('reworked'), sum('resolved')),
    /** 满意率: satisfied + basically satisfied over all answers (no answer is not an answer) */
    satisfactionRate: rate(sum('satisfied') + sum('basicallySatisfied'), answers),
    medianAcceptMinutes: medianOf(merge('acceptMinutes')),
    medianCloseMinutes: medianOf(merge('closeMinutes')),
    reported: sum('reported'),
    accepted: sum('accepted'),
    closed: sum('closed'),
    ratings: answers,
    noAnswer: sum('noAnswer'),
  };
}
