/** The category table's rules for an edit, the table in force, and the limits a report keeps. */
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_CATEGORIES, BUILTIN_TABLE, categoryOf, categoryTable, categoryTableProblems, limitsOf, useCategoryTable, type Category } from '../../../functions/src/domain/categories.ts';

const copy = (): Category[] => JSON.parse(JSON.stringify(BUILTIN_CATEGORIES));
afterEach(() => useCategoryTable(BUILTIN_TABLE));

describe('categoryTableProblems', () => {
  it('accepts the built-in table and an edited copy', () => {
    expect(categoryTableProblems(BUILTIN_CATEGORIES)).toEqual([]);
    const t = copy();
    t[0]!.name = '电动车入户充电';
    t[0]!.acceptHours = 1;
    expect(categoryTableProblems(t)).toEqual([]);
  });

  it('names each problem: codes missing, unknown or twice; names; sides; limits; emergency; safety question; replies', () => {
    const t = copy();
    t.pop();
    t.push({ ...t[0]!, code: 'flood' }, { ...t[1]! });
    t[2]!.name = ' ';
    t[3]!.alsoNotify = t[3]!.lead;
    t[4]!.acceptHours = 12;
    t[4]!.resolveHours = 12;
    t[5]!.emergency = { call: ['12a'], notice: '拨打' };
    t[6]!.safetyQuestion = { question: '', stopWhen: 'yes', notice: '' };
    t[7]!.replies = [{ text: '好', field: 'note', states: ['done'] }];
    t[0]!.acceptHours = 0.5;
    const p = categoryTableProblems(t);
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringContaining('缺少类别：other'),
        expect.stringContaining('未知类别：flood'),
        expect.stringContaining('类别重复'),
        expect.stringContaining('名称'),
        expect.stringContaining('抄送方'),
        expect.stringContaining('受理时限须短于办结时限'),
        expect.stringContaining('整小时'),
        expect.stringContaining('紧急提示'),
        expect.stringContaining('安全问题'),
        expect.stringContaining('状态无效：done'),
      ]),
    );
  });
});

describe('the table in force', () => {
  it('categoryOf answers from the table in use; a report keeps its own limits', () => {
    const t = copy();
    const other = t.find((c) => c.code === 'other')!;
    other.name = '其他';
    other.acceptHours = 2;
    useCategoryTable({ version: '7', items: t });
    expect(categoryTable().version).toBe('7');
    expect(categoryOf('other')?.name).toBe('其他');
    expect(limitsOf({ category: 'other', limits: { acceptHours: 8, resolveHours: 120 } })).toEqual({ acceptHours: 8, resolveHours: 120 });
    // filed before limits were kept: the built-in ones, whatever the table says now
    expect(limitsOf({ category: 'other' })).toEqual({ acceptHours: 8, resolveHours: 120 });
    expect(limitsOf({ category: 'nope' })).toBeNull();
  });
});
