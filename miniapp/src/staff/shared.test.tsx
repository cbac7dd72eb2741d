import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/react';
import { Nobr, heldFrom, holderName, lateBy, repliesOf } from './shared';

describe('staff labels', () => {
  it('keeps each bracketed part of a label in one unbreakable piece, and plain labels as they are', () => {
    const { container, rerender } = render(<Nobr text='受理用时（中位）' />);
    const pieces = container.querySelectorAll('[data-nobr]');
    expect([...pieces].map((p) => p.textContent)).toEqual(['（中位）']);
    expect((pieces[0] as HTMLElement).style.whiteSpace).toBe('nowrap');
    expect(container.textContent).toBe('受理用时（中位）');
    rerender(<Nobr text='居民（电话仅在您负责时显示）与（2）' />);
    expect([...container.querySelectorAll('[data-nobr]')].map((p) => p.textContent)).toEqual(['（电话仅在您负责时显示）', '（2）']);
    rerender(<Nobr text='期间上报' />);
    expect(container.querySelectorAll('[data-nobr]')).toHaveLength(0);
    expect(container.textContent).toBe('期间上报');
  });

  it('says how late, who holds it and since when, in words', () => {
    expect(lateBy({ overdue: true, overdueMinutes: 180 })).toBe('已超时 3 小时');
    expect(lateBy({ overdue: true, overdueMinutes: 200 })).toBe('已超时 3 小时 20 分');
    expect(lateBy({ overdue: true, overdueMinutes: 1800 })).toBe('已超时 1 天 6 小时');
    expect(lateBy({ overdue: true, overdueMinutes: 0 })).toBe('已超时 1 分钟');
    expect(lateBy({ overdue: false, overdueMinutes: 0 })).toBeNull();
    expect(holderName({ holder: { role: 'grid_worker', roleName: '网格员', name: '王师傅' }, assignee: null })).toBe('网格员 王师傅');
    expect(holderName({ holder: null, assignee: null })).toBe('待分派');
    expect(heldFrom({ heldSince: '2026-11-23T06:05:00.000Z' }, new Date('2026-11-24T00:00:00.000Z'))).toBe('11月23日 14:05 起');
    expect(heldFrom({ heldSince: null })).toBeNull();
  });

  it("reads a category's canned replies, none when the table has none", () => {
    const replies = [{ text: '已清理', field: 'note' as const, states: [] }];
    const categories = [{ code: 'a', replies }, { code: 'b' }] as never;
    expect(repliesOf(categories, 'a')).toEqual(replies);
    expect(repliesOf(categories, 'b')).toEqual([]);
    expect(repliesOf(categories, 'zz')).toEqual([]);
  });
});
