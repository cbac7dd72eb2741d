import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { ExpectedTime } from './ExpectedTime';
import { expectedOf, joinParts } from '../lib/format';

// filed 2026-11-30 10:00 China time (02:00Z): accept within 2 h, resolve within 24 h
const filed = {
  createdAt: '2026-11-30T02:00:00Z',
  deadlines: { acceptBy: '2026-11-30T04:00:00Z', resolveBy: '2026-12-01T02:00:00Z' },
};

describe('the time a resident can expect', () => {
  it('while waiting to be accepted: both limits, counted from the report time', () => {
    const now = new Date('2026-11-30T02:30:00Z');
    render(<ExpectedTime r={{ ...filed, status: 'reported', dueAt: filed.deadlines.acceptBy, overdue: false }} now={now} />);
    expect(screen.getByTestId('expected-time').textContent).toBe('预计 2 小时内受理，24 小时内处理完毕最迟 12月1日 10:00 前');
    expect(screen.getByTestId('expected-time').dataset.overdue).toBe('false');
  });

  it('while being handled: the resolve limit and the time left', () => {
    const e = expectedOf({ ...filed, status: 'in_progress', dueAt: filed.deadlines.resolveBy, overdue: false }, new Date('2026-11-30T12:00:00Z'));
    expect(e).toEqual({ headline: '预计 24 小时内处理完毕', detail: '最迟 12月1日 10:00 前 · 还剩 14 小时 0 分', overdue: false });
  });

  it('late: in red, by how much, and that late reports are escalated', () => {
    const now = new Date('2026-12-01T05:00:00Z');
    render(<ExpectedTime r={{ ...filed, status: 'dispatched', dueAt: filed.deadlines.resolveBy, overdue: true }} now={now} />);
    const box = screen.getByTestId('expected-time');
    expect(box.dataset.overdue).toBe('true');
    expect(box.className).toContain('expect--late');
    expect(box.textContent).toContain('已超过处理时限 3 小时 0 分');
    expect(box.textContent).toContain('升级督办');
    // late for acceptance says which limit
    expect(expectedOf({ ...filed, status: 'reported', dueAt: filed.deadlines.acceptBy, overdue: true }, new Date('2026-11-30T05:00:00Z'))!.headline).toBe('已超过受理时限 1 小时 0 分');
  });

  it('says nothing once the work is done or the report has ended', () => {
    for (const status of ['resolved', 'verified', 'closed', 'rejected', 'merged'] as const) {
      const { container, unmount } = render(<ExpectedTime r={{ ...filed, status, dueAt: null, overdue: false }} />);
      expect(container.textContent, status).toBe('');
      unmount();
    }
  });
});

describe('joinParts', () => {
  it('joins only the parts there are, so no separator is left over', () => {
    expect(joinParts(['匿名上报', null, undefined, false, ''])).toBe('匿名上报');
    expect(joinParts(['匿名上报', '另有 2 人也遇到'])).toBe('匿名上报 · 另有 2 人也遇到');
    expect(joinParts([null, '  '])).toBe('');
    expect(joinParts(['a', 'b'], '、')).toBe('a、b');
  });
});
