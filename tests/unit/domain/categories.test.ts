import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CATEGORIES,
  CATEGORY_CODES,
  categoryOf,
  deadlinesFor,
  otherSide,
  reopenedResolveBy,
  type Category,
} from '../../../functions/src/domain/categories.ts';

const HOUR = 3_600_000;
const must = (code: string): Category => {
  const c = categoryOf(code);
  if (!c) throw new Error(`no category ${code}`);
  return c;
};

/** PRODUCT.md "Hazard categories": code, lead, also notified, accept h, resolve h. */
const PRODUCT_TABLE: [string, 'grid' | 'police', 'grid' | 'police' | null, number, number][] = [
  ['ebike_charging', 'grid', 'police', 2, 24],
  ['fire_exit_blocked', 'grid', null, 2, 24],
  ['fire_equipment', 'grid', null, 4, 72],
  ['unsafe_wiring', 'grid', 'police', 2, 24],
  ['open_fire', 'grid', 'police', 1, 12],
  ['gas_hazard', 'grid', null, 1, 12],
  ['public_security', 'police', 'grid', 2, 48],
  ['dispute', 'grid', 'police', 4, 72],
  ['other', 'grid', null, 8, 120],
];

describe('category table', () => {
  it('every code is unique, and CATEGORY_CODES lists them in order', () => {
    const codes = CATEGORIES.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(CATEGORY_CODES).toEqual(codes);
    for (const c of codes) expect(c).toMatch(/^[a-z][a-z_]*$/);
  });

  it('every name is unique and non-empty', () => {
    const names = CATEGORIES.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n.trim().length).toBeGreaterThan(0);
  });

  it.each(PRODUCT_TABLE)('%s: lead %s, also %s, %i h / %i h as in PRODUCT.md', (code, lead, also, acceptH, resolveH) => {
    expect(must(code)).toMatchObject({ code, lead, alsoNotify: also, acceptHours: acceptH, resolveHours: resolveH });
  });

  it('holds exactly the product starting set', () => {
    expect([...CATEGORY_CODES].sort()).toEqual(PRODUCT_TABLE.map((r) => r[0]).sort());
  });

  it('time limits are positive whole hours, accept before resolve', () => {
    for (const c of CATEGORIES) {
      expect(Number.isInteger(c.acceptHours) && c.acceptHours > 0).toBe(true);
      expect(Number.isInteger(c.resolveHours) && c.resolveHours > 0).toBe(true);
      expect(c.acceptHours).toBeLessThan(c.resolveHours);
    }
  });

  it('the co-notified side is never the lead side', () => {
    for (const c of CATEGORIES) expect(c.alsoNotify).not.toBe(c.lead);
  });

  it('public_security is the only police-led category', () => {
    expect(must('public_security').lead).toBe('police');
    expect(CATEGORIES.filter((c) => c.lead === 'police').map((c) => c.code)).toEqual(['public_security']);
  });

  it('the emergency notice is on open_fire and gas_hazard only, and says 119 and 110', () => {
    expect(CATEGORIES.filter((c) => c.emergency !== null).map((c) => c.code).sort()).toEqual(['gas_hazard', 'open_fire']);
    for (const code of ['open_fire', 'gas_hazard']) {
      const e = must(code).emergency;
      expect(e).not.toBeNull();
      expect(e!.call).toEqual(expect.arrayContaining(['119', '110']));
      expect(e!.notice).toContain('119');
      expect(e!.notice).toContain('110');
    }
  });

  it('categoryOf finds known codes and nothing else', () => {
    for (const c of CATEGORIES) expect(categoryOf(c.code)).toBe(c);
    expect(categoryOf('nope')).toBeUndefined();
    expect(categoryOf('')).toBeUndefined();
    expect(categoryOf('OPEN_FIRE')).toBeUndefined();
    expect(categoryOf('constructor')).toBeUndefined();
    expect(categoryOf('__proto__')).toBeUndefined();
  });
});

describe('deadlines', () => {
  const at = new Date('2025-03-01T02:30:00.000Z'); // 10:30 Saturday in Shanghai

  it('open_fire: accept in 1 h, resolve in 12 h', () => {
    expect(deadlinesFor(must('open_fire'), at)).toEqual({ acceptBy: '2025-03-01T03:30:00.000Z', resolveBy: '2025-03-01T14:30:00.000Z' });
  });

  it('public_security: 2 h / 48 h, across the weekend (calendar hours)', () => {
    expect(deadlinesFor(must('public_security'), at)).toEqual({ acceptBy: '2025-03-01T04:30:00.000Z', resolveBy: '2025-03-03T02:30:00.000Z' });
  });

  it('other: 8 h / 120 h, across a month end', () => {
    const feb = new Date('2024-02-27T20:00:00.000Z');
    expect(deadlinesFor(must('other'), feb)).toEqual({ acceptBy: '2024-02-28T04:00:00.000Z', resolveBy: '2024-03-03T20:00:00.000Z' });
  });

  it('does not mutate the report time', () => {
    const t = new Date(at.getTime());
    deadlinesFor(must('dispute'), t);
    reopenedResolveBy(must('dispute'), t);
    expect(t.getTime()).toBe(at.getTime());
  });

  it('reopening gives a fresh resolve limit from the reopening', () => {
    expect(reopenedResolveBy(must('gas_hazard'), new Date('2025-06-30T23:00:00.000Z'))).toBe('2025-07-01T11:00:00.000Z');
  });

  it('for every category and instant: exact hour offsets, ISO strings, accept before resolve', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CATEGORIES),
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }),
        (c, t) => {
          const { acceptBy, resolveBy } = deadlinesFor(c, t);
          expect(Date.parse(acceptBy) - t.getTime()).toBe(c.acceptHours * HOUR);
          expect(Date.parse(resolveBy) - t.getTime()).toBe(c.resolveHours * HOUR);
          expect(new Date(acceptBy).toISOString()).toBe(acceptBy);
          expect(acceptBy < resolveBy).toBe(true);
          expect(reopenedResolveBy(c, t)).toBe(resolveBy);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('otherSide', () => {
  it('swaps and is an involution', () => {
    expect(otherSide('grid')).toBe('police');
    expect(otherSide('police')).toBe('grid');
    for (const s of ['grid', 'police'] as const) expect(otherSide(otherSide(s))).toBe(s);
  });
});
