import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { ApplyForm, missingOf } from './ApplyForm';
import type { AreaItem } from '../lib/types';

const community = (id: string, name: string): AreaItem => ({ id, name, level: 'community', parentId: 'st-yuehai', centroid: { lat: 22.54, lng: 113.95 } });
const COMMUNITIES = [community('cm-kejiyuan', '科技园社区'), community('cm-haizhu', '海珠社区')];

describe('ApplyForm', () => {
  it('asks for a community and a name before it sends, and says which is missing', () => {
    expect(missingOf({ communityId: null, name: '李先生' })).toBe('请选择社区');
    expect(missingOf({ communityId: 'cm-kejiyuan', name: ' ' })).toBe('请填写姓名');
    expect(missingOf({ communityId: 'cm-kejiyuan', name: '李先生' })).toBeNull();
    const onSubmit = vi.fn();
    render(<ApplyForm communities={COMMUNITIES} defaultName='李先生' onSubmit={onSubmit} />);
    const submit = screen.getByTestId('apply-submit');
    expect(submit.textContent).toBe('请选择社区');
    expect(submit.hasAttribute('disabled')).toBe(true);
  });

  it('sends the community, kind, skills, name, note and the leaderboard choice', () => {
    const onSubmit = vi.fn();
    render(<ApplyForm communities={COMMUNITIES} defaultName='李先生' onSubmit={onSubmit} />);
    fireEvent.click(screen.getByRole('radio', { name: '海珠社区' }));
    fireEvent.click(screen.getByTestId('kind-guard'));
    expect(screen.getByTestId('kind-guard').getAttribute('aria-checked')).toBe('true');
    fireEvent.click(screen.getByRole('checkbox', { name: '急救' }));
    fireEvent.click(screen.getByRole('checkbox', { name: '调解' }));
    fireEvent.click(screen.getByRole('checkbox', { name: '调解' })); // and off again
    fireEvent.change(screen.getByLabelText('补充说明（选填）'), { target: { value: '晚上有空' } });
    fireEvent.click(screen.getByRole('switch', { name: '在社区排行榜上显示我的名字' }));
    fireEvent.click(screen.getByTestId('apply-submit'));
    expect(onSubmit).toHaveBeenCalledWith({ communityId: 'cm-haizhu', kind: 'guard', skills: ['急救'], name: '李先生', note: '晚上有空', leaderboard: false });
  });

  it('with one community it is chosen already', () => {
    const onSubmit = vi.fn();
    render(<ApplyForm communities={[COMMUNITIES[0]!]} defaultName='王阿姨' onSubmit={onSubmit} />);
    fireEvent.click(screen.getByTestId('apply-submit'));
    expect(onSubmit).toHaveBeenCalledWith(expect.objectContaining({ communityId: 'cm-kejiyuan', kind: 'volunteer', skills: [], leaderboard: true }));
  });
});
