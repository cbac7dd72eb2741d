/**
 * A suggested patrol route from the heat of past events (issue 17.4): the k hottest cells of an
 * area, visited in a walkable loop from the area's base. The heat of a cell is the sum over its
 * past events of category weight × recency decay × hour-of-week match; the loop is a
 * nearest-neighbour tour improved by 2-opt until no swap shortens it. Pure and deterministic:
 * the same events give the same route (ties broken by cell id).
 */
import { distanceMeters } from '#geo/datum';

export interface Point {
  lat: number;
  lng: number;
}

export interface HeatEvent {
  /** the cell (a geohash) the event happened in */
  cell: string;
  category: string;
  /** China days before the suggestion's day (0: today) */
  ageDays: number;
  /** 0 (Monday 00:00–01:00, China time) … 167 */
  hourOfWeek: number;
}

export interface HeatRules {
  /** per category; categories not named weigh 1 */
  categoryWeights: Readonly<Record<string, number>>;
  /** an event loses half its weight every this many days */
  halfLifeDays: number;
  /** the hours of the week the patrol walks (the window); events at other hours weigh `offHours` */
  window: readonly number[];
  offHours: number;
}

export const DEFAULT_HEAT_RULES: HeatRules = {
  categoryWeights: { open_fire: 3, gas_hazard: 3, ebike_charging: 2, unsafe_wiring: 2, fire_exit_blocked: 1.5, public_security: 1.5 },
  halfLifeDays: 14,
  window: [],
  offHours: 0.25,
};

export function eventWeight(e: HeatEvent, r: HeatRules): number {
  const w = r.categoryWeights[e.category] ?? 1;
  const decay = 0.5 ** (e.ageDays / r.halfLifeDays);
  const match = r.window.length === 0 || r.window.includes(e.hourOfWeek) ? 1 : r.offHours;
  return w * decay * match;
}

export interface HotCell extends Point {
  cell: string;
  heat: number;
  events: number;
}

/** The k hottest cells (ties by id); cells without a position are skipped. */
export function hottestCells(events: readonly HeatEvent[], where: (cell: string) => Point | null, k: number, r: HeatRules): HotCell[] {
  const byCell = new Map<string, { heat: number; events: number }>();
  for (const e of events) {
    const c = byCell.get(e.cell) ?? { heat: 0, events: 0 };
    c.heat += eventWeight(e, r);
    c.events++;
    byCell.set(e.cell, c);
  }
  const out: HotCell[] = [];
  for (const [cell, c] of byCell) {
    const p = where(cell);
    if (p) out.push({ cell, ...p, heat: Math.round(c.heat * 1000) / 1000, events: c.events });
  }
  return out.sort((a, b) => b.heat - a.heat || (a.cell < b.cell ? -1 : 1)).slice(0, k);
}

/** Length in metres of the loop base → stops in order → base. */
export function loopLength(base: Point, stops: readonly Point[]): number {
  let total = 0;
  let at = base;
  for (const s of stops) {
    total += distanceMeters(at, s);
    at = s;
  }
  return total + (stops.length ? distanceMeters(at, base) : 0);
}

/**
 * The stops in a short loop from the base: nearest neighbour first (ties by id), then 2-opt —
 * reverse a stretch whenever that shortens the loop — until no reversal does.
 */
export function tour<T extends Point & { cell: string }>(base: Point, stops: readonly T[]): T[] {
  const left = [...stops].sort((a, b) => (a.cell < b.cell ? -1 : 1));
  const order: T[] = [];
  let at: Point = base;
  while (left.length) {
    let best = 0;
    for (let i = 1; i < left.length; i++) if (distanceMeters(at, left[i]!) < distanceMeters(at, left[best]!)) best = i;
    const next = left.splice(best, 1)[0]!;
    order.push(next);
    at = next;
  }
  // 2-opt on the closed loop [base, ...order, base]: reversing order[i..j] replaces edges (i-1,i) and (j,j+1)
  const node = (i: number): Point => (i < 0 || i >= order.length ? base : order[i]!);
  for (let improved = true; improved; ) {
    improved = false;
    for (let i = 0; i < order.length - 1; i++) {
      for (let j = i + 1; j < order.length; j++) {
        const before = distanceMeters(node(i - 1), node(i)) + distanceMeters(node(j), node(j + 1));
        const after = distanceMeters(node(i - 1), node(j)) + distanceMeters(node(i), node(j + 1));
        if (after < before - 1e-6) {
          order.splice(i, j - i + 1, ...order.slice(i, j + 1).reverse());
          improved = true;
        }
      }
    }
  }
  return order;
}
