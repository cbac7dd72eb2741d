/** Patrol routes from the heat map (issue 17.4): the k hottest cells, in a loop within 1.2× the optimum. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_HEAT_RULES, eventWeight, hottestCells, loopLength, tour, type HeatEvent, type Point } from '../../../functions/src/domain/patrol-route.ts';

const BASE = { lat: 22.54, lng: 113.94 };
const at = (north: number, east: number): Point => ({ lat: BASE.lat + north / 111_320, lng: BASE.lng + east / (111_320 * Math.cos((BASE.lat * Math.PI) / 180)) });

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

const stopsArb = fc.uniqueArray(fc.record({ cell: fc.stringMatching(/^c[0-9a-f]{3}$/), north: fc.integer({ min: -1500, max: 1500 }), east: fc.integer({ min: -1500, max: 1500 }) }), { selector: (s) => s.cell, minLength: 1, maxLength: 8 });

describe('tour', () => {
  it('is within 1.2× the optimal loop found by brute force, for up to 8 stops', () => {
    fc.assert(
      fc.property(stopsArb, (raw) => {
        const stops = raw.map((s) => ({ cell: s.cell, ...at(s.north, s.east) }));
        const got = tour(BASE, stops);
        expect(got.map((s) => s.cell).sort()).toEqual(stops.map((s) => s.cell).sort());
        const best = Math.min(...permutations(stops).map((p) => loopLength(BASE, p)));
        expect(loopLength(BASE, got)).toBeLessThanOrEqual(best * 1.2 + 1e-6);
      }),
      { numRuns: 60 },
    );
  });

  it('is the same for the same stops, in whatever order they come', () => {
    fc.assert(
      fc.property(stopsArb, fc.integer({ min: 0, max: 1000 }), (raw, seed) => {
        const stops = raw.map((s) => ({ cell: s.cell, ...at(s.north, s.east) }));
        const shuffled = [...stops].sort((a, b) => ((a.cell.charCodeAt(1) * seed) % 7) - ((b.cell.charCodeAt(1) * seed) % 7));
        expect(tour(BASE, shuffled).map((s) => s.cell)).toEqual(tour(BASE, stops).map((s) => s.cell));
      }),
      { numRuns: 100 },
    );
  });
});

describe('heat', () => {
  const cells: Record<string, Point> = { a: at(100, 0), b: at(0, 300), c: at(-200, -200), d: at(500, 500) };
  const month: HeatEvent[] = [
    // 6 e-bike events in cell a, in the evening; 2 fires in b last week; 5 old "other" in c; 1 in d
    ...Array.from({ length: 6 }, (_, i) => ({ cell: 'a', category: 'ebike_charging', ageDays: i * 4, hourOfWeek: 19 + (i % 3) })),
    { cell: 'b', category: 'open_fire', ageDays: 3, hourOfWeek: 44 },
    { cell: 'b', category: 'open_fire', ageDays: 6, hourOfWeek: 45 },
    ...Array.from({ length: 5 }, () => ({ cell: 'c', category: 'other', ageDays: 28, hourOfWeek: 10 })),
    { cell: 'd', category: 'other', ageDays: 0, hourOfWeek: 100 },
  ];

  it('weighs category × recency × hour-of-week', () => {
    expect(eventWeight({ cell: 'x', category: 'open_fire', ageDays: 0, hourOfWeek: 1 }, DEFAULT_HEAT_RULES)).toBe(3);
    expect(eventWeight({ cell: 'x', category: 'other', ageDays: 14, hourOfWeek: 1 }, DEFAULT_HEAT_RULES)).toBeCloseTo(0.5);
    expect(eventWeight({ cell: 'x', category: 'other', ageDays: 0, hourOfWeek: 1 }, { ...DEFAULT_HEAT_RULES, window: [19, 20, 21] })).toBe(0.25);
  });

  it('picks the k hottest cells of a scripted month, ties by id', () => {
    const hot = hottestCells(month, (c) => cells[c] ?? null, 3, DEFAULT_HEAT_RULES);
    expect(hot.map((h) => h.cell)).toEqual(['a', 'b', 'c']);
    expect(hot[0]).toMatchObject({ events: 6 });
    // an evening window makes the evening cell hotter still, relative to the rest
    const evening = hottestCells(month, (c) => cells[c] ?? null, 4, { ...DEFAULT_HEAT_RULES, window: [19, 20, 21] });
    expect(evening[0]!.cell).toBe('a');
    expect(evening.find((h) => h.cell === 'b')!.heat).toBeLessThan(hot.find((h) => h.cell === 'b')!.heat);
  });
});
