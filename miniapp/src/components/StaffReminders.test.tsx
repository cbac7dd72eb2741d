import { describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { REMINDERS_OFF, StaffReminders } from './StaffReminders';
import type { Me, SubscribeTemplate } from '../lib/types';

const templates = (taskGranted?: boolean): SubscribeTemplate[] => [
  { kind: 'task', templateId: 'tpl-task', longTerm: true, ...(taskGranted === undefined ? {} : { granted: taskGranted }) },
  { kind: 'escalation', templateId: 'tpl-escalation', longTerm: true, granted: false },
  { kind: 'progress', templateId: 'tpl-progress', longTerm: false, granted: false },
];
let n = 0;
const staff = (taskGranted?: boolean, role: Me['role'] = 'grid_worker'): Me => ({
  id: `u-gw-${++n}`,
  role,
  roleName: '网格员',
  name: '王师傅',
  areaIds: [],
  areas: [],
  phoneBound: false,
  consent: { accepted: null, current: '2026-11', required: false },
  subscribeTemplates: templates(taskGranted),
});

describe('StaffReminders', () => {
  it('says tasks only show in the inbox while reminders are off (h5: where to turn them on)', () => {
    render(<StaffReminders me={staff(false)} />);
    expect(screen.getByTestId('reminders').textContent).toContain(REMINDERS_OFF);
    expect(REMINDERS_OFF).toBe('未开启微信提醒，任务只在此处显示');
    expect(screen.getByText('请在微信小程序中开启')).toBeTruthy();
  });

  it('shows nothing for residents, or when the backend does not report grants', () => {
    const { container, rerender } = render(<StaffReminders me={staff(false, 'resident')} />);
    expect(container.textContent).toBe('');
    rerender(<StaffReminders me={staff(undefined)} />);
    expect(container.textContent).toBe('');
  });

  it('at first sign-in (weapp) offers them once, on a tap; what was accepted is recorded', async () => {
    const me = staff(false);
    const request = vi.fn(async () => ({ 'tpl-task': 'accept', 'tpl-escalation': 'accept' }));
    const record = vi.fn(async () => undefined);
    const onChanged = vi.fn();
    const { unmount } = render(<StaffReminders me={me} onChanged={onChanged} deps={{ env: 'weapp', request, record }} />);
    expect(request).not.toHaveBeenCalled(); // never on load: WeChat takes the prompt only from a tap
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '开启提醒' })));
    expect(request).toHaveBeenCalledWith(['tpl-task', 'tpl-escalation']);
    expect(record).toHaveBeenCalledWith(['tpl-task', 'tpl-escalation']);
    expect(onChanged).toHaveBeenCalledTimes(1);
    unmount();
    // offered once: afterwards the setting, not the card
    render(<StaffReminders me={me} deps={{ env: 'weapp', request, record }} />);
    expect(screen.queryByTestId('reminders-offer')).toBeNull();
    expect(screen.getByTestId('reminders').textContent).toContain(REMINDERS_OFF);
  });

  it('"暂不" ends the offer; the setting asks again on a tap, and says so when refused', async () => {
    const me = staff(false);
    const request = vi.fn(async () => ({ 'tpl-task': 'reject', 'tpl-escalation': 'reject' }));
    const record = vi.fn(async () => undefined);
    render(<StaffReminders me={me} deps={{ env: 'weapp', request, record }} />);
    fireEvent.click(screen.getByRole('button', { name: '暂不' }));
    expect(request).not.toHaveBeenCalled();
    await act(async () => fireEvent.click(screen.getByText('开启')));
    expect(request).toHaveBeenCalledTimes(1);
    expect(record).not.toHaveBeenCalled();
    expect(screen.getByText('再试一次')).toBeTruthy();
  });

  it('when on, says so and offers to ask again (after switching them off in WeChat)', () => {
    render(<StaffReminders me={staff(true)} deps={{ env: 'weapp' }} />);
    expect(screen.getByTestId('reminders').textContent).toContain('微信提醒已开启');
    expect(screen.getByText('重新授权')).toBeTruthy();
    expect(screen.queryByTestId('reminders-offer')).toBeNull();
  });
});
