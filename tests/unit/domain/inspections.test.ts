/** Key places, visit periods and checklists (issue 17 groundwork): pure rules. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BUILTIN_CHECKLISTS, DEFAULT_VISIT_DAYS, PLACE_KINDS, checklistProblems, reportsOfFailures, visitPeriod, type ItemAnswer } from '../../../functions/src/domain/inspections.ts';
import { BUILTIN_CATEGORIES } from '../../../functions/src/domain/categories.ts';

describe('visit periods', () => {
  it('give exactly one period (one due visit) for every moment, back to back', () => {
    const anchor = '2026-11-01T00:00:00.000Z';
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 400 * 86_400_000 }), (days, offset) => {
        const now = new Date(Date.parse(anchor) + offset);
        const p = visitPeriod(anchor, days, now);
        expect(Date.parse(p.start)).toBeLessThanOrEqual(now.getTime());
        expect(Date.parse(p.due)).toBeGreaterThan(now.getTime());
        expect(Date.parse(p.due) - Date.parse(p.start)).toBe(days * 86_400_000);
        // the next period starts where this one is due
        expect(visitPeriod(anchor, days, new Date(Date.parse(p.due))).index).toBe(p.index + 1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('checklists', () => {
  it('every kind has a checklist whose items file in a real category, and a visit frequency', () => {
    const codes = new Set(BUILTIN_CATEGORIES.map((c) => c.code));
    for (const k of PLACE_KINDS) {
      expect(BUILTIN_CHECKLISTS[k].length).toBeGreaterThan(0);
      for (const i of BUILTIN_CHECKLISTS[k]) expect(codes.has(i.category), `${k}.${i.id}`).toBe(true);
      expect(DEFAULT_VISIT_DAYS[k]).toBeGreaterThan(0);
    }
  });

  const shed = BUILTIN_CHECKLISTS.ebike_shed;
  const all = (a: Partial<Record<string, ItemAnswer>>): ItemAnswer[] => shed.map((i) => a[i.id] ?? { itemId: i.id, answer: 'pass' });

  it('a complete checklist has no problems; a missing, unknown or repeated answer, or a fail without a photo, each say so', () => {
    expect(checklistProblems(shed, all({}))).toEqual([]);
    expect(checklistProblems(shed, all({}).slice(1))).toEqual(['charging: 未作答']);
    expect(checklistProblems(shed, [...all({}), { itemId: 'nope', answer: 'pass' }])).toEqual(['nope: 不是该检查表的项目']);
    expect(checklistProblems(shed, [...all({}), { itemId: 'passage', answer: 'na' }])).toEqual(['passage: 重复作答']);
    expect(checklistProblems(shed, all({ extinguisher: { itemId: 'extinguisher', answer: 'fail' } }))).toEqual(['extinguisher: 不合格项须附照片']);
  });

  it('files exactly one report per failed item, with its photo and category, marked as found by inspection', () => {
    const answers = all({
      extinguisher: { itemId: 'extinguisher', answer: 'fail', photoId: 'up-1', note: '灭火器过期 2 年' },
      no_flying_wires: { itemId: 'no_flying_wires', answer: 'na' },
    });
    const reports = reportsOfFailures('深南花园 3栋 电动车棚', shed, answers);
    expect(reports).toEqual([
      { itemId: 'extinguisher', category: 'fire_equipment', description: '巡查发现 深南花园 3栋 电动车棚「灭火器在位且在有效期内」不合格：灭火器过期 2 年', photoIds: ['up-1'], source: 'inspection' },
    ]);
    expect(reportsOfFailures('x', shed, all({}))).toEqual([]);
  });
});
