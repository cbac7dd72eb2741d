import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { AssistFigures, assistCards, poolLine } from './AssistFigures';
import type { AssistKpis } from '../../lib/responders';

const k = (extra: Partial<AssistKpis> = {}): AssistKpis => ({
  offers: 12,
  accepted: 6,
  acceptanceRate: 0.5,
  medianAcceptSeconds: 45,
  p90AcceptSeconds: 150,
  arrived: 5,
  medianArriveSeconds: 360,
  p90ArriveSeconds: 7200,
  done: 5,
  responders: 4,
  perResponder: 1.25,
  ratings: 4,
  ratingAverage: 4.5,
  ...extra,
});

describe('the responders on the dashboard', () => {
  it('offers, acceptance, median / p90 to accept and arrive, per responder, rating average', () => {
    expect(assistCards(k())).toEqual([
      ['协助邀请', '12'],
      ['接单率', '50%'],
      ['接单用时（中位 / P90）', '45 秒 / 3 分钟'],
      ['到场用时（中位 / P90）', '6 分钟 / 2 小时'],
      ['完成协助', '5'],
      ['人均协助（在册 4 人）', '1.25'],
      ['评价均分（4 次）', '4.5 星'],
    ]);
    expect(assistCards(k({ acceptanceRate: null, medianAcceptSeconds: null, p90AcceptSeconds: null, ratingAverage: null, ratings: 0 }))[1]![1]).toBe('—');
  });

  it('per pool in a line each; nothing at all from a backend without the figures', () => {
    expect(poolLine(k())).toBe('邀请 12 · 接单率 50% · 接单 45 秒 · 到场 6 分钟 · 人均 1.25 · 均分 4.5 星');
    const { container, rerender } = render(<AssistFigures k={{}} />);
    expect(container.textContent).toBe('');
    rerender(<AssistFigures k={{ assists: { ...k(), pools: { guard: k({ offers: 3 }) } } }} />);
    expect(screen.getAllByTestId('assist-kpi')).toHaveLength(7);
    expect(screen.getByTestId('assist-pool-guard').textContent).toContain('邀请 3');
    expect(screen.getByTestId('assist-pool-property').textContent).toContain('暂无数据');
  });
});
