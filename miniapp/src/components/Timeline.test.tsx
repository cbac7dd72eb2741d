import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { Timeline } from './Timeline';
import type { Photo, TimelineEntry } from '../lib/types';

const at = (h: number) => new Date(Date.UTC(2026, 10, 23, h, 5)).toISOString();
const e = (p: Partial<TimelineEntry>): TimelineEntry => ({ at: at(1), action: 'report', actionName: '上报', from: null, to: 'reported', actor: null, note: null, photoIds: [], ...p });

const ENTRIES: TimelineEntry[] = [
  e({ at: at(1), action: 'report', actionName: '上报', actor: { role: 'resident', name: '张女士' } }),
  e({ at: at(1), action: 'route', actionName: '分派', actor: null, note: '已分派至 科技园第1网格' }),
  e({ at: at(2), action: 'accept', actionName: '受理', from: 'reported', to: 'accepted', actor: { role: 'grid_worker', name: '王师傅' } }),
  e({ at: at(5), action: 'resolve', actionName: '办结', from: 'in_progress', to: 'resolved', actor: { role: 'grid_worker', name: '王师傅' }, note: '已移走电动车', photoIds: ['P2'] }),
];
const PHOTOS: Photo[] = [
  { id: 'P1', kind: 'report', url: 'https://x/p1.jpg', thumbUrl: 'https://x/p1-t.jpg', expiresAt: at(9) },
  { id: 'P2', kind: 'after', url: 'https://x/p2.jpg', thumbUrl: 'https://x/p2-t.jpg', expiresAt: at(9) },
];

describe('Timeline', () => {
  it('tells the story newest first in plain Chinese, with China time', () => {
    render(<Timeline entries={ENTRIES} now={new Date(Date.UTC(2026, 10, 24))} />);
    const items = screen.getAllByTestId('timeline-item');
    expect(items).toHaveLength(4);
    expect(items[0]!.textContent).toContain('办结');
    expect(items[0]!.textContent).toContain('网格员 王师傅');
    expect(items[0]!.textContent).toContain('已移走电动车');
    expect(items[0]!.textContent).toContain('11月23日 13:05'); // 05:05 UTC is 13:05 in China
    expect(items[3]!.textContent).toContain('上报');
  });

  it('shows residents as 居民 and the service itself as 系统 — never a name or number of a resident', () => {
    render(<Timeline entries={ENTRIES} />);
    const text = screen.getByTestId('timeline').textContent ?? '';
    expect(text).not.toContain('张女士');
    expect(text).toContain('居民');
    expect(text).toContain('系统');
    expect(text).toContain('已分派至 科技园第1网格');
  });

  it("shows the photos a step added, and opens them full size", () => {
    const onPreview = vi.fn();
    const { container } = render(<Timeline entries={ENTRIES} photos={PHOTOS} onPreview={onPreview} />);
    const imgs = container.querySelectorAll('img');
    expect(imgs).toHaveLength(1);
    expect(imgs[0]!.getAttribute('src')).toBe('https://x/p2-t.jpg');
    fireEvent.click(imgs[0]!.parentElement!);
    expect(onPreview).toHaveBeenCalledWith(['https://x/p2.jpg'], 0);
  });

  it('says so when nothing has happened yet', () => {
    render(<Timeline entries={[]} />);
    expect(screen.getByText('暂无进展')).toBeTruthy();
  });

  it("renders an assist's steps: residents read the responder by kind only, staff with the name", () => {
    const steps = [
      e({ at: at(3), action: 'assist_requested', actionName: '请求协助', to: 'dispatched', actor: { role: 'grid_worker', name: '王师傅' }, note: '已请求附近群防群治力量协助' }),
      e({ at: at(4), action: 'assist_arrived', actionName: '到场协助', to: 'dispatched', actor: { role: 'volunteer', name: '平安志愿者' }, note: '平安志愿者 已到场协助' }),
    ];
    const { rerender } = render(<Timeline entries={steps} now={new Date(Date.UTC(2026, 10, 24))} />);
    const items = screen.getAllByTestId('timeline-item');
    expect(items[0]!.textContent).toContain('到场协助');
    expect(items[0]!.textContent).toContain('平安志愿者 已到场协助');
    expect(items[0]!.textContent).not.toContain('群防群治力量 平安志愿者');
    expect(items[1]!.textContent).toContain('网格员 王师傅');
    rerender(<Timeline entries={[{ ...steps[1]!, actor: { role: 'volunteer', name: '平安志愿者 赵志愿' } }]} />);
    expect(screen.getByTestId('timeline-item').textContent).toContain('平安志愿者 赵志愿');
  });
});
