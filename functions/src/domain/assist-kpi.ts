/**
 * The community responders' measures (per area and pool: 平安志愿者, 保安员, 物业): offers sent,
 * acceptance rate, median and p90 time to accept and to arrive, assists done per responder on
 * the roll, rating average. Counted from assist steps and responders' standing (the same
 * counters as the reports' KPIs: domain/kpi), each counter also per pool as `<counter>.<kind>`;
 * times as histograms of whole seconds. Pure.
 */
import type { AssistStep } from '#domain/assists';
import { RESPONDER_KINDS, type ResponderKind, type VolunteerRecord } from '#domain/responders';
import { chinaDay, ranked, type KpiDeltas } from '#domain/kpi';

export const ASSIST_COUNTERS = ['assistOffers', 'assistAccepts', 'assistArrivals', 'assistsDone', 'assistRatings', 'assistRatingPoints'] as const;
export type AssistCounter = (typeof ASSIST_COUNTERS)[number];
export const ASSIST_HISTOGRAMS = ['assistAcceptSeconds', 'assistArriveSeconds'] as const;
export type AssistHistogram = (typeof ASSIST_HISTOGRAMS)[number];
/** the gauge of approved responders (and per pool): the roll the per-responder figure divides by */
export const RESPONDERS_GAUGE = 'responders';


/** What one step adds (its own day, the pool of the responder it is about). */
export function assistStepDeltas(s: AssistStep): KpiDeltas {
  const d: KpiDeltas = { days: {}, samples: {}, open: 0, overdue: 0 };
  const day = chinaDay(s.at);
  const add = (c: AssistCounter, n: number, kind: ResponderKind | null) => {
    if (!n) return;
    const counters = (d.days[day] ??= {}) as Record<string, number>;
    counters[c] = (counters[c] ?? 0) + n;
    if (kind) counters[`${c}.${kind}`] = (counters[`${c}.${kind}`] ?? 0) + n;
  };
  const sample = (h: AssistHistogram, v: number, kind: ResponderKind | null) => {
    const hs = (d.samples[day] ??= {}) as Record<string, number[]>;
    (hs[h] ??= []).push(v);
    if (kind) (hs[`${h}.${kind}`] ??= []).push(v);
  };
  switch (s.step) {
    case 'requested':
    case 'widened':
      for (const k of RESPONDER_KINDS) add('assistOffers', s.offeredKinds?.[k] ?? 0, k);
      break;
    case 'accepted':
      add('assistAccepts', 1, s.kind);
      sample('assistAcceptSeconds', s.seconds ?? 0, s.kind);
      break;
    case 'arrived':
      add('assistArrivals', 1, s.kind);
      sample('assistArriveSeconds', s.seconds ?? 0, s.kind);
      break;
    case 'done':
      add('assistsDone', 1, s.kind);
      break;
    case 'rated':
      add('assistRatings', 1, s.kind);
      add('assistRatingPoints', s.score ?? 0, s.kind);
      break;
    default:
      break;
  }
  return d;
}

/** A responder's standing changed: the roll of approved responders moves (overall and pool). */
export function rollDeltas(before: VolunteerRecord | null, after: VolunteerRecord): KpiDeltas {
  const was = before?.status === 'approved' ? 1 : 0;
  const is = after.status === 'approved' ? 1 : 0;
  const gauges: Record<string, number> = {};
  if (was !== is || (was && before!.kind !== after.kind)) {
    if (was) gauges[`${RESPONDERS_GAUGE}.${before!.kind}`] = -1;
    if (is) gauges[`${RESPONDERS_GAUGE}.${after.kind}`] = (gauges[`${RESPONDERS_GAUGE}.${after.kind}`] ?? 0) + 1;
    if (is - was) gauges[RESPONDERS_GAUGE] = is - was;
  }
  return { days: {}, samples: {}, open: 0, overdue: 0, gauges };
}

export interface AssistKpis {
  offers: number;
  accepted: number;
  /** accepts over offers sent (each offer to one responder is one) */
  acceptanceRate: number | null;
  medianAcceptSeconds: number | null;
  p90AcceptSeconds: number | null;
  arrived: number;
  medianArriveSeconds: number | null;
  p90ArriveSeconds: number | null;
  done: number;
  /** responders approved in the area now */
  responders: number;
  /** assists done over the responders on the roll */
  perResponder: number | null;
  ratings: number;
  ratingAverage: number | null;
}

/** The q-quantile (nearest rank) of a histogram value -> count; null when empty. */
export function quantileOf(hist: Record<string, number>, q: number): number | null {
  const r = ranked(hist);
  return r && r.at(Math.max(1, Math.ceil(q * r.n)));
}

type Days = readonly Record<string, unknown>[];

/** The measures of some days, for all pools (`pool` absent) or one. */
export function assistKpisOf(days: Days, gauges: Record<string, number>, pool?: ResponderKind): AssistKpis {
  const suffix = pool ? `.${pool}` : '';
  const sum = (c: AssistCounter) => days.reduce((s, d) => s + Number(d[`${c}${suffix}`] ?? 0), 0);
  const merge = (h: AssistHistogram) => {
    const out: Record<string, number> = {};
    for (const d of days) for (const [k, v] of Object.entries((d[`${h}${suffix}`] as Record<string, number> | undefined) ?? {})) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const rate = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);
  const accept = merge('assistAcceptSeconds');
  const arrive = merge('assistArriveSeconds');
  const responders = Number(gauges[`${RESPONDERS_GAUGE}${suffix}`] ?? 0);
  const ratings = sum('assistRatings');
  return {
    offers: sum('assistOffers'),
    accepted: sum('assistAccepts'),
    acceptanceRate: rate(sum('assistAccepts'), sum('assistOffers')),
    medianAcceptSeconds: quantileOf(accept, 0.5),
    p90AcceptSeconds: quantileOf(accept, 0.9),
    arrived: sum('assistArrivals'),
    medianArriveSeconds: quantileOf(arrive, 0.5),
    p90ArriveSeconds: quantileOf(arrive, 0.9),
    done: sum('assistsDone'),
    responders,
    perResponder: responders > 0 ? Math.round((sum('assistsDone') / responders) * 100) / 100 : null,
    ratings,
    ratingAverage: ratings > 0 ? Math.round((sum('assistRatingPoints') / ratings) * 100) / 100 : null,
  };
}

/** All pools and each pool. */
export function assistMeasures(days: Days, gauges: Record<string, number>) {
  return { ...assistKpisOf(days, gauges), pools: Object.fromEntries(RESPONDER_KINDS.map((k) => [k, assistKpisOf(days, gauges, k)])) as Record<ResponderKind, AssistKpis> };
}
