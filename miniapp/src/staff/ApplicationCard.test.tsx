import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { ApplicationCard } from './ApplicationCard';
import { communitiesOf } from './shared';
import type { Application } from '../lib/responders';

const app: Application = {
  userId: 'u-res-li',
  communityId: 'cm-kejiyuan',
  kind: 'guard',
  kindName: '保安员',
  skills: ['急救', '调解'],
  name: '李先生',
  note: '晚上有空',
  leaderboard: true,
  status: 'pending',
  appliedAt: '2026-12-01T06:00:00.000Z',
  decidedAt: null,
  reason: null,
};

describe('ApplicationCard', () => {
  it('shows who, as what, with which skills; 通过 is one tap', () => {
    const onDecide = vi.fn();
    render(<ApplicationCard a={app} onDecide={onDecide} />);
    expect(screen.getByTestId('application').textContent).toContain('保安员 · 擅长急救、调解');
    expect(screen.getByTestId('application').textContent).toContain('晚上有空');
    fireEvent.click(screen.getByRole('button', { name: '通过 李先生 的申请' }));
    expect(onDecide).toHaveBeenCalledWith('approve');
  });

  it('不通过 needs a reason, which is sent', () => {
    const onDecide = vi.fn();
    render(<ApplicationCard a={app} onDecide={onDecide} />);
    fireEvent.click(screen.getByRole('button', { name: '不通过 李先生 的申请' }));
    const confirm = screen.getByTestId('decline-confirm');
    expect(confirm.hasAttribute('disabled')).toBe(true);
    expect(confirm.textContent).toBe('请填写原因');
    fireEvent.change(screen.getByLabelText('不通过的原因（必填）'), { target: { value: '不在本社区居住' } });
    fireEvent.click(screen.getByTestId('decline-confirm'));
    expect(onDecide).toHaveBeenCalledWith('decline', '不在本社区居住');
  });

  it('a decided application has no buttons and says why it was declined', () => {
    render(<ApplicationCard a={{ ...app, status: 'declined', reason: '不在本社区居住' }} onDecide={vi.fn()} />);
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    expect(screen.getByTestId('application').textContent).toContain('原因：不在本社区居住');
  });
});

describe('communitiesOf', () => {
  const all = [
    { id: 'cm-kejiyuan', name: '科技园社区', level: 'community', parentId: 'st-yuehai', centroid: { lat: 0, lng: 0 } },
    { id: 'cm-haizhu', name: '海珠社区', level: 'community', parentId: 'st-yuehai', centroid: { lat: 0, lng: 0 } },
    { id: 'cm-tongle', name: '同乐社区', level: 'community', parentId: 'st-nantou', centroid: { lat: 0, lng: 0 } },
  ];
  it("a leader's own community, a street's communities, else every one (an officer's beat crosses them)", () => {
    expect(communitiesOf({ areaIds: ['cm-kejiyuan'] }, all).map((c) => c.id)).toEqual(['cm-kejiyuan']);
    expect(communitiesOf({ areaIds: ['st-yuehai'] }, all).map((c) => c.id)).toEqual(['cm-kejiyuan', 'cm-haizhu']);
    expect(communitiesOf({ areaIds: ['bt-1'] }, all)).toHaveLength(3);
  });
});
