import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { api, ApiError } from '../../lib/api';
import type { AreaItem, BuildingItem } from '../../lib/types';
import { BuildingPicker } from './BuildingPicker';

const community = (id: string, name: string): AreaItem => ({ id, name, level: 'community', parentId: 'st-yuehai', centroid: { lat: 22.54, lng: 113.94 } });
const building = (id: string, estate: string, name: string, units: number | null, floors: number | null): BuildingItem => ({
  id,
  name,
  estate,
  number: name.replace('栋', ''),
  address: `${estate}${name}`,
  label: `粤海街道 科技园社区 ${estate} ${name}`,
  units,
  floors,
  location: { lat: 22.54, lng: 113.94, datum: 'gcj02' },
  grid: { id: 'g2', name: '科技园第2网格' },
  community: { id: 'c-kjy', name: '科技园社区' },
});
const SNHY3 = building('b1', '深南花园', '3栋', 2, 6);
const SNHY5 = building('b2', '深南花园', '5栋', null, null);
const KJY1 = building('b3', '科技苑', '1栋', null, 12);

afterEach(() => vi.restoreAllMocks());

describe('BuildingPicker', () => {
  it('searches as one types, announces the count, and lists real buttons named by the full label', async () => {
    vi.spyOn(api, 'communities').mockResolvedValue({ items: [], cursor: null });
    const search = vi.spyOn(api, 'buildings').mockResolvedValue({ items: [SNHY3, SNHY5], cursor: null });
    const onChoose = vi.fn();
    render(<BuildingPicker onChoose={onChoose} />);
    fireEvent.change(screen.getByTestId('building-search'), { target: { value: 'snhy' } });
    const status = screen.getByTestId('picker-status');
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(status.textContent).toBe('正在搜索…');
    await waitFor(() => expect(status.textContent).toBe('找到 2 个楼栋'));
    expect(search).toHaveBeenCalledWith({ q: 'snhy', limit: 20 });
    const list = screen.getByRole('list', { name: '搜索结果' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    // the 5栋 has no 单元 or 楼层 on record: chosen at once
    fireEvent.click(screen.getByRole('button', { name: /^粤海街道 科技园社区 深南花园 5栋/ }));
    expect(onChoose).toHaveBeenCalledWith(SNHY5, null, null);
  });

  it('says when nothing matched, and retries a failed search', async () => {
    vi.spyOn(api, 'communities').mockResolvedValue({ items: [], cursor: null });
    const search = vi.spyOn(api, 'buildings').mockResolvedValueOnce({ items: [], cursor: null }).mockRejectedValueOnce(new ApiError(0, 'network', '网络连接失败，请检查网络后重试')).mockResolvedValueOnce({ items: [KJY1], cursor: null });
    render(<BuildingPicker onChoose={vi.fn()} />);
    fireEvent.change(screen.getByTestId('building-search'), { target: { value: '无此楼' } });
    await waitFor(() => expect(screen.getByTestId('picker-status').textContent).toContain('没有找到“无此楼”'));
    fireEvent.change(screen.getByTestId('building-search'), { target: { value: '科技苑' } });
    await waitFor(() => expect(screen.getByTestId('picker-status').textContent).toContain('搜索失败：网络连接失败'));
    fireEvent.click(screen.getByText('重试'));
    await waitFor(() => expect(screen.getByTestId('picker-status').textContent).toBe('找到 1 个楼栋'));
    expect(search).toHaveBeenCalledTimes(3);
  });

  it('drills 社区 → 小区 → 栋 → 单元 → 楼层 without a map', async () => {
    vi.spyOn(api, 'communities').mockResolvedValue({ items: [community('c-kjy', '科技园社区'), community('c-hz', '海珠社区')], cursor: null });
    const ofCommunity = vi.spyOn(api, 'buildings').mockResolvedValue({ items: [SNHY3, SNHY5, KJY1], cursor: null });
    const onChoose = vi.fn();
    render(<BuildingPicker onChoose={onChoose} />);
    fireEvent.click(await screen.findByRole('button', { name: '科技园社区' }));
    expect(ofCommunity).toHaveBeenCalledWith({ communityId: 'c-kjy', limit: 500 });
    fireEvent.click(await screen.findByRole('button', { name: '深南花园，2 栋' }));
    expect(screen.getByTestId('picker-status').textContent).toBe('深南花园：请选择楼栋');
    fireEvent.click(screen.getByRole('button', { name: /^3栋/ }));
    expect(screen.getByTestId('picker-status').textContent).toContain('请选择单元（可跳过）');
    // back goes to the building list it came from
    fireEvent.click(screen.getByRole('button', { name: '返回上一步' }));
    expect(screen.getByTestId('picker-status').textContent).toBe('深南花园：请选择楼栋');
    expect(ofCommunity).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole('button', { name: /^3栋/ }));
    fireEvent.click(screen.getByRole('button', { name: '2单元' }));
    expect(screen.getAllByTestId('floor-option')).toHaveLength(6);
    fireEvent.click(screen.getByRole('button', { name: '5层' }));
    expect(onChoose).toHaveBeenCalledWith(SNHY3, '2单元', 5);
  });

  it('lets 单元 and 楼层 be skipped', async () => {
    vi.spyOn(api, 'communities').mockResolvedValue({ items: [], cursor: null });
    vi.spyOn(api, 'buildings').mockResolvedValue({ items: [SNHY3], cursor: null });
    const onChoose = vi.fn();
    render(<BuildingPicker onChoose={onChoose} />);
    fireEvent.change(screen.getByTestId('building-search'), { target: { value: '深南' } });
    fireEvent.click(await screen.findByTestId('building-option'));
    fireEvent.click(screen.getByTestId('unit-skip'));
    fireEvent.click(screen.getByTestId('floor-skip'));
    expect(onChoose).toHaveBeenCalledWith(SNHY3, null, null);
  });

  it('shows an error with a retry when the communities do not load', async () => {
    const load = vi.spyOn(api, 'communities').mockRejectedValueOnce(new ApiError(503, 'unavailable', '服务暂时不可用')).mockResolvedValueOnce({ items: [community('c-hz', '海珠社区')], cursor: null });
    render(<BuildingPicker onChoose={vi.fn()} />);
    await waitFor(() => expect(screen.getByTestId('picker-status').textContent).toBe('社区列表加载失败：服务暂时不可用'));
    fireEvent.click(screen.getByText('重试'));
    expect(await screen.findByRole('button', { name: '海珠社区' })).toBeTruthy();
    expect(load).toHaveBeenCalledTimes(2);
  });
});
