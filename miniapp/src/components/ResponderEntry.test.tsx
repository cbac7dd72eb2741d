import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { ResponderEntry } from './ResponderEntry';
import { Stars } from './Stars';
import type { ResponderStanding } from '../lib/responders';

const standing = (status: ResponderStanding['status'], reason: string | null = null): ResponderStanding => ({
  communityId: 'cm-kejiyuan',
  communityName: '科技园社区',
  kind: 'volunteer',
  kindName: '平安志愿者',
  skills: ['消防'],
  status,
  reason,
  leaderboard: true,
});

describe('ResponderEntry (the home of residents and responders)', () => {
  it('a responder: their kind and community, whether on duty, and 协助任务 / 我的积分', () => {
    vi.mocked(Taro.navigateTo).mockClear();
    render(<ResponderEntry me={{ role: 'volunteer', duty: 'on_duty', responder: standing('approved') }} />);
    expect(screen.getByTestId('responder-entry').textContent).toContain('平安志愿者 · 科技园社区');
    expect(screen.getByTestId('responder-entry').textContent).toContain('在岗');
    fireEvent.click(screen.getByRole('button', { name: '协助任务' }));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/volunteer/offers/index' });
    fireEvent.click(screen.getByRole('button', { name: '我的积分' }));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/volunteer/points/index' });
  });

  it('a resident: the invitation to apply, the application under review, or declined with its reason', () => {
    const { rerender } = render(<ResponderEntry me={{ role: 'resident', responder: null }} />);
    expect(screen.getByTestId('responder-entry').getAttribute('data-state')).toBe('none');
    expect(screen.getByRole('link').textContent).toContain('申请成为平安志愿者');
    rerender(<ResponderEntry me={{ role: 'resident', responder: standing('pending') }} />);
    expect(screen.getByRole('status').textContent).toContain('审核中');
    rerender(<ResponderEntry me={{ role: 'resident', responder: standing('declined', '不在本社区居住') }} />);
    expect(screen.getByTestId('responder-entry').textContent).toContain('原因：不在本社区居住');
    expect(screen.getByRole('link', { name: '重新申请 ›' })).toBeTruthy();
  });
});

describe('Stars', () => {
  it('reads as "N 星（满分 5 星）"; with onChange, five radios', () => {
    const onChange = vi.fn();
    const { rerender } = render(<Stars value={3} />);
    expect(screen.getByRole('img', { name: '3 星（满分 5 星）' }).textContent).toBe('★★★☆☆');
    rerender(<Stars value={null} onChange={onChange} label='评价协助' />);
    expect(screen.getByRole('radiogroup', { name: '评价协助' })).toBeTruthy();
    expect(screen.getAllByRole('radio')).toHaveLength(5);
    fireEvent.click(screen.getByRole('radio', { name: '5 星' }));
    expect(onChange).toHaveBeenCalledWith(5);
  });
});
