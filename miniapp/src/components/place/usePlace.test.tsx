import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { api, ApiError } from '../../lib/api';
import { gcj02ToWgs84 } from '../../lib/datum';
import type { Building, BuildingItem, Located } from '../../lib/types';
import { PlaceField } from './PlaceField';
import { placeOfReport, usePlace, type ConfirmedPlace, type UsePlace } from './usePlace';

const B3: Building = {
  id: 'b-snhy-3',
  name: '3栋',
  estate: '深南花园',
  number: '3',
  address: '深南大道 9999 号',
  label: '粤海街道 科技园社区 深南花园 3栋',
  units: 2,
  floors: 18,
  location: { lat: 22.5412, lng: 113.9431, datum: 'gcj02' },
};
const B5: Building = { ...B3, id: 'b-snhy-5', name: '5栋', number: '5', label: '粤海街道 海珠社区 深南花园 5栋' };

const located = (over: Partial<Located> = {}): Located => ({
  grid: { id: 'g2', name: '科技园第2网格' },
  beat: null,
  community: { id: 'c1', name: '科技园社区' },
  street: { id: 's1', name: '粤海街道' },
  district: null,
  routing: 'exact',
  building: B3,
  label: B3.label,
  boundary: null,
  confirm: null,
  ...over,
});

/** The browser's geolocation: WGS-84 as the phone gives it (or a refusal). */
function phoneAt(p: { lat: number; lng: number } | 'denied', accuracy = 12) {
  Object.defineProperty(navigator, 'geolocation', {
    configurable: true,
    value: {
      getCurrentPosition: (ok: PositionCallback, fail: PositionErrorCallback) =>
        p === 'denied'
          ? fail({ code: 1, message: 'denied', PERMISSION_DENIED: 1, POSITION_UNAVAILABLE: 2, TIMEOUT: 3 } as GeolocationPositionError)
          : ok({ coords: { latitude: p.lat, longitude: p.lng, accuracy }, timestamp: Date.now() } as GeolocationPosition),
    },
  });
}

let hook: UsePlace;
let saved: Array<ConfirmedPlace | null>;
function Harness({ initial = null }: { initial?: ConfirmedPlace | null }) {
  hook = usePlace(initial, (p) => saved.push(p));
  return <PlaceField place={hook} />;
}

beforeEach(() => {
  saved = [];
});
afterEach(() => vi.restoreAllMocks());

describe('the place of a report', () => {
  it('takes the phone position at once, converts it to GCJ-02, and shows the server label and accuracy', async () => {
    const gcj = { lat: 22.5412, lng: 113.9431 };
    phoneAt(gcj02ToWgs84(gcj), 12);
    const locate = vi.spyOn(api, 'locate').mockResolvedValue(located());
    render(<Harness />);
    expect((await screen.findByTestId('place-label')).textContent).toBe('粤海街道 科技园社区 深南花园 3栋');
    expect(screen.getByTestId('place-accuracy').textContent).toBe('定位精度约 12 米');
    expect(screen.getByTestId('routed-grid').textContent).toContain('科技园社区 · 科技园第2网格');
    const [point, accuracy] = locate.mock.calls[0]!;
    expect(point.lat).toBeCloseTo(gcj.lat, 6);
    expect(point.lng).toBeCloseTo(gcj.lng, 6);
    expect(accuracy).toBe(12);
    const place = saved.at(-1)!;
    // a position the phone gave goes as a point; the server attaches the building itself
    expect(placeOfReport(place)).toEqual({ location: { lat: point.lat, lng: point.lng, datum: 'gcj02' } });
  });

  it('without permission has no place, opens the picker, and a chosen building is sent by id with 单元 and 楼层', async () => {
    phoneAt('denied');
    vi.spyOn(api, 'communities').mockResolvedValue({ items: [], cursor: null });
    const locate = vi.spyOn(api, 'locate');
    render(<Harness />);
    expect((await screen.findByTestId('place-missing')).textContent).toContain('没有定位权限');
    expect(screen.getByTestId('building-picker')).toBeTruthy();
    expect(saved.at(-1)).toBeNull();
    const item: BuildingItem = { ...B3, grid: { id: 'g2', name: '科技园第2网格' }, community: { id: 'c1', name: '科技园社区' } };
    act(() => hook.chooseBuilding(item, '2单元', 5));
    expect(screen.getByTestId('place-label').textContent).toBe('粤海街道 科技园社区 深南花园 3栋 2单元 5层');
    expect(screen.queryByTestId('building-picker')).toBeNull();
    expect(locate).not.toHaveBeenCalled();
    expect(placeOfReport(saved.at(-1)!)).toEqual({ buildingId: 'b-snhy-3', unit: '2单元', floor: 5 });
  });

  it('near a grid boundary asks "是在 … 吗？" with the candidates before the place counts', async () => {
    phoneAt({ lat: 22.54, lng: 113.94 });
    const locate = vi
      .spyOn(api, 'locate')
      .mockResolvedValueOnce(located({ boundary: { meters: 9, grid: { id: 'g3', name: '海珠第1网格' } }, confirm: { reason: 'boundary', candidates: [B3, B5] } }))
      .mockResolvedValueOnce(located({ grid: { id: 'g3', name: '海珠第1网格' }, community: { id: 'c2', name: '海珠社区' } }));
    render(<Harness />);
    expect((await screen.findByTestId('place-question')).textContent).toBe('是在 深南花园 3栋 吗？');
    expect(screen.getByTestId('place-confirm').textContent).toContain('科技园第2网格与海珠第1网格的交界');
    expect(saved.at(-1)).toBeNull();
    const choices = screen.getAllByTestId('candidate');
    expect(choices.map((c) => c.textContent)).toEqual(['是，在 深南花园 3栋', '在 深南花园 5栋']);
    fireEvent.click(choices[1]!);
    await waitFor(() => expect(screen.getByTestId('place-label').textContent).toBe('粤海街道 海珠社区 深南花园 5栋'));
    // the candidate's grid is asked for at the building's own point
    expect(locate.mock.calls[1]![0]).toEqual({ lat: B5.location.lat, lng: B5.location.lng });
    expect(screen.getByTestId('routed-grid').textContent).toContain('海珠第1网格');
    expect(placeOfReport(saved.at(-1)!)).toEqual({ buildingId: 'b-snhy-5' });
  });

  it('"都不是" leaves no place and opens the building picker', async () => {
    phoneAt({ lat: 22.54, lng: 113.94 }, 120);
    vi.spyOn(api, 'communities').mockResolvedValue({ items: [], cursor: null });
    vi.spyOn(api, 'locate').mockResolvedValue(located({ confirm: { reason: 'accuracy', candidates: [B3] } }));
    render(<Harness />);
    expect((await screen.findByTestId('place-confirm')).textContent).toContain('定位精度约 120 米，不够准确');
    fireEvent.click(screen.getByTestId('candidate-none'));
    expect(screen.queryByTestId('place-confirm')).toBeNull();
    expect(screen.getByTestId('building-picker')).toBeTruthy();
    expect(saved.at(-1)).toBeNull();
  });

  it('outside the service area says so and has no place', async () => {
    phoneAt({ lat: 39.9, lng: 116.4 });
    vi.spyOn(api, 'communities').mockResolvedValue({ items: [], cursor: null });
    vi.spyOn(api, 'locate').mockRejectedValue(new ApiError(404, 'outside_service_area', '不在服务范围内'));
    render(<Harness />);
    expect((await screen.findByTestId('place-missing')).textContent).toContain('不在服务范围内');
    expect(saved.at(-1)).toBeNull();
  });

  it('a late answer for an older question never overwrites the building chosen since', async () => {
    phoneAt({ lat: 22.54, lng: 113.94 });
    let answer!: (l: Located) => void;
    vi.spyOn(api, 'locate').mockReturnValue(new Promise((r) => (answer = r)));
    render(<Harness />);
    await waitFor(() => expect(screen.getByTestId('place-status').textContent).toContain('正在确定位置'));
    act(() => hook.chooseBuilding({ ...B5, grid: { id: 'g3', name: '海珠第1网格' } }));
    await act(async () => answer(located()));
    expect(screen.getByTestId('place-label').textContent).toBe('粤海街道 海珠社区 深南花园 5栋');
  });

  it('a draft with a confirmed place shows it without asking the phone again', () => {
    const get = vi.fn();
    Object.defineProperty(navigator, 'geolocation', { configurable: true, value: { getCurrentPosition: get } });
    const initial: ConfirmedPlace = { ...placeFrom(B3), source: 'building', chosen: true };
    render(<Harness initial={initial} />);
    expect(screen.getByTestId('place-label').textContent).toBe(B3.label);
    expect(get).not.toHaveBeenCalled();
  });
});

function placeFrom(b: Building): ConfirmedPlace {
  return { source: 'gps', point: b.location, accuracy: null, building: b, chosen: false, unit: null, floor: null, label: b.label, grid: null, community: null, routing: 'exact' };
}
