import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { RepeatFlag } from './RepeatFlag';
import type { ReportRepeat } from '../lib/types';

const REPEAT: ReportRepeat = {
  count: 3,
  since: '2026-09-01T00:00:00Z',
  reports: [
    { id: 'R-OLD1', status: 'closed', createdAt: '2026-09-10T02:00:00Z' },
    { id: 'R-OLD2', status: 'in_progress', createdAt: '2026-10-10T02:00:00Z' },
    { id: 'R-NOW', status: 'reported', createdAt: '2026-11-30T02:00:00Z' },
  ],
};

describe('RepeatFlag', () => {
  it('flags 重复隐患 with the count, and opens the earlier reports in one tap', () => {
    render(<RepeatFlag repeat={REPEAT} currentId='R-NOW' />);
    expect(screen.getByTestId('repeat-flag').textContent).toContain('重复隐患 本楼 90 天内第 3 次');
    expect(screen.queryByTestId('repeat-history')).toBeNull();
    const toggle = screen.getByRole('button', { name: /^重复隐患：本楼 90 天内第 3 次/ });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const links = screen.getAllByRole('button', { name: /^打开 .* 的上报$/ });
    // the report on screen is not listed as its own history
    expect(links.map((l) => l.textContent)).toEqual([expect.stringContaining('R-OLD1'), expect.stringContaining('R-OLD2')]);
    fireEvent.click(links[1]!);
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: expect.stringContaining('id=R-OLD2') });
  });
});
