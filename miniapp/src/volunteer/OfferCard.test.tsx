import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { OfferCard } from './OfferCard';
import type { Offer } from '../lib/responders';

const offer = (extra: Partial<Offer> = {}): Offer => ({
  id: 'A1',
  state: 'offered',
  kind: 'volunteer',
  kindName: '平安志愿者',
  need: '协助疏散楼道住户',
  category: 'fire_exit_blocked',
  categoryName: '消防通道堵塞',
  placeLabel: '粤海街道 科技园社区 南油小区 1栋',
  location: { lat: 22.54, lng: 113.95, datum: 'gcj02' },
  distanceM: 180,
  requester: '网格员 王师傅',
  photos: [],
  offeredAt: '2026-12-01T06:00:00.000Z',
  acceptedAt: null,
  arrivedAt: null,
  doneAt: null,
  note: null,
  rating: null,
  ...extra,
});

describe('OfferCard', () => {
  it('an offer says what help, what hazard, where, how far and who asks; accept and decline are one tap each', () => {
    const onAccept = vi.fn();
    const onDecline = vi.fn();
    render(<OfferCard offer={offer()} onAccept={onAccept} onDecline={onDecline} />);
    const card = screen.getByTestId('offer-card');
    expect(card.textContent).toContain('协助疏散楼道住户');
    expect(card.textContent).toContain('消防通道堵塞');
    expect(screen.getByTestId('offer-place').textContent).toBe('粤海街道 科技园社区 南油小区 1栋');
    expect(screen.getByTestId('offer-distance').textContent).toBe('距您约 180 米');
    expect(screen.getByTestId('offer-requester').textContent).toBe('网格员 王师傅');
    expect(card.textContent).toContain('待接单');
    fireEvent.click(screen.getByRole('button', { name: '接单：协助疏散楼道住户' }));
    expect(onAccept).toHaveBeenCalledWith(expect.objectContaining({ id: 'A1' }));
    fireEvent.click(screen.getByRole('button', { name: '婉拒：协助疏散楼道住户' }));
    expect(onDecline).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('offer-arrive')).toBeNull();
  });

  it('held: 我已到场 (with the position) once accepted, 协助完成 once there; a busy offer waits', () => {
    const onArrive = vi.fn();
    const onDone = vi.fn();
    const { rerender } = render(<OfferCard offer={offer({ state: 'accepted', acceptedAt: '2026-12-01T06:01:00.000Z' })} onArrive={onArrive} onDone={onDone} />);
    expect(screen.queryByTestId('offer-accept')).toBeNull();
    expect(screen.getByTestId('offer-card').textContent).toContain('200 米内');
    fireEvent.click(screen.getByTestId('offer-arrive'));
    expect(onArrive).toHaveBeenCalledTimes(1);
    rerender(<OfferCard offer={offer({ state: 'arrived', arrivedAt: '2026-12-01T06:05:00.000Z' })} onArrive={onArrive} onDone={onDone} busy />);
    expect(screen.getByTestId('offer-done').hasAttribute('disabled')).toBe(true);
    rerender(<OfferCard offer={offer({ state: 'arrived', arrivedAt: '2026-12-01T06:05:00.000Z' })} onArrive={onArrive} onDone={onDone} />);
    fireEvent.click(screen.getByTestId('offer-done'));
    expect(onDone).toHaveBeenCalledTimes(1);
  });

  it('an ended offer has no buttons; a rated one shows its stars', () => {
    render(<OfferCard offer={offer({ state: 'rated', doneAt: '2026-12-01T06:20:00.000Z', note: '已疏散', rating: { score: 4, comment: '很及时', at: '2026-12-01T07:00:00.000Z' } })} />);
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    expect(screen.getByRole('img', { name: '4 星（满分 5 星）' }).textContent).toBe('★★★★☆');
    expect(screen.getByTestId('offer-card').textContent).toContain('很及时');
  });

  it('says "1.2 公里" for a far offer and "已由他人接单" for one someone else filled', () => {
    render(<OfferCard offer={offer({ state: 'taken', distanceM: 1234 })} />);
    expect(screen.getByTestId('offer-distance').textContent).toBe('距您约 1.2 公里');
    expect(screen.getByTestId('offer-card').textContent).toContain('已由他人接单');
  });
});
