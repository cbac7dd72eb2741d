import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { ApiError } from '../lib/api';
import { PositionError } from '../lib/position';
import { SHARING_RULES, shareOnce, waitBeforeShare } from './duty';
import { DutyCard } from './DutyCard';

const here = async () => ({ point: { lat: 22.54, lng: 113.95 }, accuracy: 12.4 });
const now = () => new Date('2026-12-01T06:00:00.000Z');
const memory = () => {
  let s: any = null;
  return { get: () => s, set: (x: any) => void (s = x) };
};

describe('position sharing while on duty', () => {
  it('says the rules plainly: every 30 s, the last one only, 15 minutes, deleted off duty, only for dispatch', () => {
    expect(SHARING_RULES).toBe('在岗期间每 30 秒共享一次位置，仅保留最后一次，15 分钟后自动失效；下岗即删除。仅用于就近派单。');
  });

  it('shares the position in GCJ-02 with its accuracy, and waits 30 s for the next', async () => {
    const send = vi.fn(async () => ({ expiresAt: '2026-12-01T06:15:00.000Z' }));
    const last = memory();
    const r = await shareOnce({ locate: here, send, now, last });
    expect(send).toHaveBeenCalledWith({ lat: 22.54, lng: 113.95, accuracy: 12, datum: 'gcj02' });
    expect(r).toEqual({ status: { state: 'shared', at: '2026-12-01T06:00:00.000Z', expiresAt: '2026-12-01T06:15:00.000Z', accuracy: 12 }, nextInMs: 30_000 });
    expect(last.get()).toEqual(r.status);
  });

  it('a 429 waits as long as the API says; a refusal of the permission is told as such', async () => {
    const tooSoon = vi.fn(async () => {
      throw new ApiError(429, 'rate_limited', '位置更新太频繁，每 30 秒最多一次', { retryAfterSeconds: 7 });
    });
    expect(await shareOnce({ locate: here, send: tooSoon, now, last: memory() })).toEqual({ status: { state: 'locating' }, nextInMs: 7000 });
    const denied = async () => {
      throw new PositionError('denied');
    };
    const send = vi.fn();
    expect((await shareOnce({ locate: denied, send, now, last: memory() })).status).toEqual({ state: 'denied' });
    expect(send).not.toHaveBeenCalled();
    const off = vi.fn(async () => {
      throw new ApiError(409, 'invalid_transition', '请先上岗再共享位置');
    });
    expect((await shareOnce({ locate: here, send: off, now, last: memory() })).status).toEqual({ state: 'failed', message: '请先上岗再共享位置' });
  });

  it('a page opened again waits out the rest of the 30 s after the last share', () => {
    expect(waitBeforeShare(null, now())).toBe(0);
    expect(waitBeforeShare({ at: '2026-12-01T05:59:50.000Z' }, now())).toBe(20_000);
    expect(waitBeforeShare({ at: '2026-12-01T05:59:00.000Z' }, now())).toBe(0);
  });
});

describe('DutyCard', () => {
  it('the switch goes on and off duty; the card says the rules and how the last share went', () => {
    const onToggle = vi.fn();
    const { rerender } = render(<DutyCard onDuty={false} status={{ state: 'off' }} onToggle={onToggle} />);
    expect(screen.getByTestId('sharing-rules').textContent).toBe(SHARING_RULES);
    expect(screen.queryByTestId('share-status')).toBeNull();
    fireEvent.click(screen.getByRole('switch', { name: '在岗（共享位置）' }));
    expect(onToggle).toHaveBeenCalledWith(true);
    rerender(<DutyCard onDuty status={{ state: 'shared', at: '2026-12-01T06:00:00.000Z', expiresAt: '2026-12-01T06:15:00.000Z', accuracy: 12 }} onToggle={onToggle} />);
    expect(screen.getByRole('status').textContent).toBe('位置已于 14:00 共享（精度约 12 米），14:15 自动失效');
    rerender(<DutyCard onDuty status={{ state: 'denied' }} onToggle={onToggle} />);
    expect(screen.getByRole('status').textContent).toContain('没有定位权限');
  });

  it('while the change is sent, the switch shows the state asked for and cannot be tapped again', () => {
    render(<DutyCard onDuty={false} busy wanted status={{ state: 'off' }} onToggle={vi.fn()} />);
    const sw = screen.getByRole('switch') as HTMLInputElement;
    expect(sw.checked).toBe(true);
  });
});
