import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { Recommendations } from './Recommendations';
import { AssistForm } from './AssistForm';
import { AssistCard } from './AssistCard';
import { AssistPanel } from './AssistPanel';
import type { Recommendation, StaffAssist, StaffOffer } from '../../lib/responders';
import type { ReportView } from '../../lib/types';

const rec = (extra: Partial<Recommendation>): Recommendation => ({
  userId: 'u-1',
  kind: 'responder',
  role: 'volunteer',
  name: '赵志愿',
  distanceM: 180,
  from: 'position',
  skills: ['消防'],
  openTasks: 1,
  onDuty: true,
  score: 0.9,
  reason: '距离 180 米 · 擅长消防 · 当前 1 件在办',
  ...extra,
});

const offer = (extra: Partial<StaffOffer>): StaffOffer => ({
  volunteerId: 'u-vol-1',
  kind: 'volunteer',
  kindName: '平安志愿者',
  name: '赵志愿',
  state: 'offered',
  distanceM: 120,
  offeredAt: '2026-12-01T06:00:00.000Z',
  acceptedAt: null,
  arrivedAt: null,
  doneAt: null,
  note: null,
  photos: [],
  rating: null,
  ...extra,
});

const assist = (offers: StaffOffer[], extra: Partial<StaffAssist> = {}): StaffAssist => ({
  id: 'A1',
  reportId: 'R1',
  state: 'open',
  need: '协助疏散',
  count: 1,
  accepted: 0,
  round: 1,
  radiusM: 500,
  requester: { role: 'grid_worker', name: '王师傅' },
  offers,
  ...extra,
});

describe('Recommendations', () => {
  it('each candidate with the reason; staff dispatched (where allowed), responders offered, in one tap', () => {
    const onDispatch = vi.fn();
    const onOffer = vi.fn();
    const items = [rec({}), rec({ userId: 'u-gw', kind: 'staff', role: 'grid_worker', name: '王师傅', reason: '本网格 · 主责 · 当前 2 件在办' })];
    const { rerender } = render(<Recommendations items={items} canDispatch onDispatch={onDispatch} onOffer={onOffer} />);
    expect(screen.getAllByTestId('recommendation-reason').map((e) => e.textContent)).toEqual(['距离 180 米 · 擅长消防 · 当前 1 件在办', '本网格 · 主责 · 当前 2 件在办']);
    fireEvent.click(screen.getByRole('button', { name: '请他协助：群防群治 赵志愿' }));
    expect(onOffer).toHaveBeenCalledWith(items[0]);
    fireEvent.click(screen.getByRole('button', { name: '派单给 网格员 王师傅' }));
    expect(onDispatch).toHaveBeenCalledWith(items[1]);
    rerender(<Recommendations items={items} canDispatch={false} onDispatch={onDispatch} onOffer={onOffer} />);
    expect(screen.queryByTestId('recommend-dispatch')).toBeNull();
  });

  it('loading, none, and an error in words', () => {
    const { rerender } = render(<Recommendations items={null} canDispatch onDispatch={vi.fn()} onOffer={vi.fn()} />);
    expect(screen.getByTestId('loading')).toBeTruthy();
    rerender(<Recommendations items={[]} canDispatch onDispatch={vi.fn()} onOffer={vi.fn()} />);
    expect(screen.getByText('附近暂时没有可推荐的人员')).toBeTruthy();
    rerender(<Recommendations items={null} error='无权查看' canDispatch onDispatch={vi.fn()} onOffer={vi.fn()} />);
    expect(screen.getByText('推荐暂不可用：无权查看')).toBeTruthy();
  });
});

describe('AssistForm', () => {
  it('needs words for the help; sends them with the skills and how many people', () => {
    const onSubmit = vi.fn();
    render(<AssistForm onSubmit={onSubmit} />);
    expect(screen.getByTestId('assist-submit').hasAttribute('disabled')).toBe(true);
    fireEvent.change(screen.getByLabelText('需要什么帮助（必填）'), { target: { value: '搬走杂物' } });
    fireEvent.click(screen.getByRole('checkbox', { name: '消防' }));
    fireEvent.click(screen.getByRole('button', { name: '增加一人' }));
    expect(screen.getByTestId('assist-count').textContent).toBe('2 人');
    fireEvent.click(screen.getByTestId('assist-submit'));
    expect(onSubmit).toHaveBeenCalledWith({ need: '搬走杂物', skills: ['消防'], count: 2 });
  });
});

describe('AssistCard', () => {
  it("lists each offer's state; a finished one is rated 1-5 stars by the requester", () => {
    const onRate = vi.fn();
    const a = assist([offer({ state: 'done', doneAt: '2026-12-01T06:20:00.000Z', note: '已疏散' }), offer({ volunteerId: 'u-vol-2', name: '钱保安', kindName: '保安员', state: 'taken' })], { state: 'filled', accepted: 1 });
    const { rerender } = render(<AssistCard assist={a} canRate onRate={onRate} />);
    expect(screen.getAllByTestId('assist-offer').map((e) => e.getAttribute('data-state'))).toEqual(['done', 'taken']);
    expect(screen.getByTestId('assist').textContent).toContain('人已齐');
    expect(screen.getByTestId('assist-rate').hasAttribute('disabled')).toBe(true);
    fireEvent.click(screen.getByRole('radio', { name: '4 星' }));
    expect(screen.getByRole('radio', { name: '4 星' }).getAttribute('aria-checked')).toBe('true');
    fireEvent.click(screen.getByTestId('assist-rate'));
    expect(onRate).toHaveBeenCalledWith('u-vol-1', 4);
    rerender(<AssistCard assist={a} canRate={false} onRate={onRate} />);
    expect(screen.queryByTestId('assist-rating')).toBeNull();
  });

  it('nobody near: says so', () => {
    render(<AssistCard assist={assist([], { state: 'unanswered' })} />);
    expect(screen.getByTestId('assist').textContent).toContain('暂无人接单');
    expect(screen.getByTestId('assist').textContent).toContain('附近暂时没有在岗的群防群治力量');
  });
});

describe('AssistPanel', () => {
  const report = (extra: Partial<ReportView> = {}) =>
    ({ id: 'R-panel', version: 3, status: 'dispatched', availableActions: ['start'], categoryName: '消防通道堵塞', timeline: [], ...extra }) as unknown as ReportView;
  const json = (statusCode: number, data: unknown) => ({ statusCode, data: JSON.stringify(data) });

  type Call = { method: string; url: string; data?: string };
  /** Taro.request answering by route; anything else 404 */
  const serve = (routes: (o: Call) => { statusCode: number; data: string } | undefined) => {
    const calls: Call[] = [];
    vi.mocked(Taro.request).mockImplementation((async (o: Call) => {
      calls.push(o);
      return routes(o) ?? json(404, { error: { code: 'not_found', message: '不存在' } });
    }) as never);
    return calls;
  };
  const me = { id: 'u-gw', role: 'grid_worker', name: '王师傅' } as const;
  afterEach(() => void vi.mocked(Taro.request).mockReset());

  it("reads the report's assists from GET /v1/reports/{id}/assists (not the timeline), loading first", async () => {
    let answer: (v: unknown) => void = () => undefined;
    const calls: Call[] = [];
    vi.mocked(Taro.request).mockImplementation((async (o: Call) => {
      calls.push(o);
      if (o.url.includes('/recommendations')) return json(200, { items: [], version: 1 });
      if (o.method === 'GET' && o.url.endsWith('/v1/reports/R-panel/assists')) return new Promise((res) => (answer = res));
      return json(404, { error: { code: 'not_found', message: '不存在' } });
    }) as never);
    const r = report({ timeline: [{ action: 'assist_requested', assistId: 'A-named' }] as unknown as ReportView['timeline'] });
    await act(async () => void render(<AssistPanel r={r} me={me} onDispatch={vi.fn()} onChanged={vi.fn()} />));
    expect(screen.getByTestId('assists-loading')).toBeTruthy();
    await act(async () => answer(json(200, { items: [assist([offer({})], { id: 'A1' }), assist([], { id: 'A2', state: 'unanswered' })] })));
    expect(screen.getAllByTestId('assist').map((e) => e.getAttribute('data-assist'))).toEqual(['A1', 'A2']);
    expect(screen.queryByTestId('assists-loading')).toBeNull();
    expect(calls.some((c) => c.url.includes('/v1/assists/'))).toBe(false);
  });

  it('none yet: says so while the report is handled', async () => {
    serve((o) => (o.url.includes('/recommendations') ? json(200, { items: [], version: 1 }) : o.url.endsWith('/assists') ? json(200, { items: [] }) : undefined));
    await act(async () => void render(<AssistPanel r={report()} me={me} onDispatch={vi.fn()} onChanged={vi.fn()} />));
    expect(screen.getByTestId('assists-empty').textContent).toBe('还没有请求过协助');
    expect(screen.queryByTestId('assists')).toBeNull();
  });

  it('an error in words with a retry; a failed read again keeps what was shown', async () => {
    let fail = true;
    serve((o) => {
      if (o.url.includes('/recommendations')) return json(200, { items: [], version: 1 });
      if (o.url.endsWith('/assists')) return fail ? json(403, { error: { code: 'forbidden', message: '该事项不在您的管辖范围' } }) : json(200, { items: [assist([offer({})])] });
      return undefined;
    });
    const { rerender } = await act(async () => render(<AssistPanel r={report()} me={me} onDispatch={vi.fn()} onChanged={vi.fn()} />));
    expect(screen.getByTestId('assists-error').textContent).toContain('协助记录暂不可用：该事项不在您的管辖范围');
    expect(screen.queryByTestId('assists-empty')).toBeNull();
    fail = false;
    await act(async () => fireEvent.click(screen.getByTestId('assists-retry')));
    expect(screen.getByTestId('assist').getAttribute('data-assist')).toBe('A1');
    expect(screen.queryByTestId('assists-error')).toBeNull();
    fail = true;
    await act(async () => void rerender(<AssistPanel r={report({ version: 4 })} me={me} onDispatch={vi.fn()} onChanged={vi.fn()} />));
    expect(screen.getByTestId('assist').getAttribute('data-assist')).toBe('A1');
    expect(screen.getByTestId('assists-error').textContent).toContain('协助记录暂未更新');
  });

  it('an ended report keeps its assists (and their ratings)', async () => {
    serve((o) => (o.url.endsWith('/v1/reports/R-panel/assists') ? json(200, { items: [assist([offer({ state: 'rated', rating: { score: 5, comment: null, at: '2026-12-01T07:00:00.000Z' } })], { state: 'filled' })] }) : undefined));
    await act(async () => void render(<AssistPanel r={report({ status: 'closed' } as Partial<ReportView>)} me={me} onDispatch={vi.fn()} onChanged={vi.fn()} />));
    expect(screen.getByTestId('assist').getAttribute('data-assist')).toBe('A1');
    expect(screen.queryByTestId('assist-open')).toBeNull();
  });

  it('offers a recommended responder with the reason, and lists the assist it made', async () => {
    let listed: StaffAssist[] = [];
    const calls = serve((o) => {
      if (o.url.includes('/recommendations')) return json(200, { items: [rec({ userId: 'u-vol-1' })], version: 1 });
      if (o.method === 'POST' && o.url.endsWith('/v1/reports/R-panel/assists')) return json(201, assist([offer({})], { id: 'A-new' }));
      if (o.method === 'GET' && o.url.endsWith('/v1/reports/R-panel/assists')) return json(200, { items: listed });
      return undefined;
    });
    const onChanged = vi.fn();
    const { rerender } = await act(async () => render(<AssistPanel r={report()} me={me} onDispatch={vi.fn()} onChanged={onChanged} />));
    expect(screen.getByTestId('assists-empty')).toBeTruthy();
    await act(async () => fireEvent.click(await screen.findByRole('button', { name: '请他协助：群防群治 赵志愿' })));
    const post = calls.find((c) => c.method === 'POST')!;
    expect(JSON.parse(post.data!)).toEqual({ need: '协助处置：消防通道堵塞', to: ['u-vol-1'], recommendation: '距离 180 米 · 擅长消防 · 当前 1 件在办' });
    expect((await screen.findByTestId('assist')).getAttribute('data-assist')).toBe('A-new');
    expect(screen.queryByTestId('assists-empty')).toBeNull();
    expect(onChanged).toHaveBeenCalled();
    // the report read again: a list that does not name it yet keeps it; once it does, the list's own
    await act(async () => void rerender(<AssistPanel r={report({ version: 4 })} me={me} onDispatch={vi.fn()} onChanged={onChanged} />));
    expect(screen.getAllByTestId('assist').map((e) => e.getAttribute('data-assist'))).toEqual(['A-new']);
    listed = [assist([offer({ state: 'accepted', acceptedAt: '2026-12-01T06:01:00.000Z' })], { id: 'A-new', accepted: 1, state: 'filled' })];
    await act(async () => void rerender(<AssistPanel r={report({ version: 5 })} me={me} onDispatch={vi.fn()} onChanged={onChanged} />));
    expect(screen.getAllByTestId('assist-offer').map((e) => e.getAttribute('data-state'))).toEqual(['accepted']);
    expect(calls.filter((c) => c.method === 'GET' && c.url.endsWith('/v1/reports/R-panel/assists'))).toHaveLength(3);
    expect(Taro.getStorageSync('wsb.assists')).toBe('');
  });

  it('dispatches a recommended staff member with the reason as the note', async () => {
    vi.mocked(Taro.request).mockImplementation((async () => json(200, { items: [rec({ userId: 'u-gw-2', kind: 'staff', role: 'grid_worker', name: '李建国', reason: '本网格 · 当前 0 件在办' })], version: 1 })) as never);
    const onDispatch = vi.fn(async () => undefined);
    await act(async () => void render(<AssistPanel r={report({ availableActions: ['dispatch'] } as Partial<ReportView>)} me={{ id: 'u-gl', role: 'grid_leader', name: '陈主任' }} onDispatch={onDispatch} onChanged={vi.fn()} />));
    await act(async () => fireEvent.click(await screen.findByRole('button', { name: '派单给 网格员 李建国' })));
    expect(onDispatch).toHaveBeenCalledWith('u-gw-2', '推荐：本网格 · 当前 0 件在办');
  });

  it('shows nothing for an ended report without assists (nor while reading them)', async () => {
    let answer: (v: unknown) => void = () => undefined;
    vi.mocked(Taro.request).mockImplementation((() => new Promise((res) => (answer = res))) as never);
    const { container } = await act(async () => render(<AssistPanel r={report({ status: 'closed' } as Partial<ReportView>)} me={{ id: 'u', role: 'grid_worker', name: 'x' }} onDispatch={vi.fn()} onChanged={vi.fn()} />));
    expect(container.textContent).toBe('');
    await act(async () => answer(json(200, { items: [] })));
    expect(container.textContent).toBe('');
  });
});
