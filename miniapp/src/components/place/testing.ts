/** Test helpers (imported by *.test.tsx only): a place hook frozen in one state. */
import { vi } from 'vitest';
import type { ConfirmedPlace, PlaceState, UsePlace } from './usePlace';

export const CONFIRMED: ConfirmedPlace = {
  source: 'gps',
  point: { lat: 22.54, lng: 113.94 },
  accuracy: 12,
  building: { id: 'b-3', name: '3栋', estate: '深南花园', label: '粤海街道 科技园社区 深南花园 3栋', units: 2, floors: 18 },
  chosen: false,
  unit: null,
  floor: null,
  label: '粤海街道 科技园社区 深南花园 3栋',
  grid: { id: 'g1', name: '科技园第1网格' },
  community: { id: 'c1', name: '科技园社区' },
  routing: 'exact',
};

export function fixedPlace(state: PlaceState = { step: 'ok', place: CONFIRMED }): UsePlace {
  return { state, locateMe: vi.fn(), pickPoint: vi.fn(), chooseBuilding: vi.fn(), rejectCandidates: vi.fn(), acceptPoint: vi.fn() };
}
