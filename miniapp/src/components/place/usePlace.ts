/**
 * Where the hazard is, as a small state machine. Three ways in — the phone's position (taken as
 * soon as the form opens), a building from the address register, a point on the map — and one
 * way out: a confirmed place with the server's own label and the grid that will handle it.
 *
 * There is no default point: until a place is confirmed the report cannot be sent. When the
 * server says a point is too close to a grid boundary, or the phone's fix is poor (`confirm`),
 * the person is asked which building it is before the place counts as confirmed.
 */
import { useEffect, useRef, useState } from 'react';
import { api, ApiError, messageOf } from '../../lib/api';
import { currentPosition, PositionError } from '../../lib/position';
import type { Building, BuildingItem, CreateReportBody, LatLng, Located, Ref } from '../../lib/types';

export type PlaceSource = 'gps' | 'building' | 'map';

/** A place the person has confirmed; kept with the draft. */
export interface ConfirmedPlace {
  source: PlaceSource;
  /** GCJ-02: the phone's or the map's point, or the chosen building's point */
  point: LatLng;
  /** the phone's accuracy in metres (gps only) */
  accuracy: number | null;
  building: Pick<Building, 'id' | 'name' | 'estate' | 'label' | 'units' | 'floors'> | null;
  /** the person chose the building (picker or the confirmation question): it is sent as buildingId */
  chosen: boolean;
  unit: string | null;
  floor: number | null;
  /** the server's label, e.g. "粤海街道 科技园社区 深南花园 3栋" */
  label: string;
  grid: Ref | null;
  community: Ref | null;
  /** 'nearest': outside every grid, handed to the nearest one */
  routing: 'exact' | 'nearest';
}

export type PlaceState =
  | { step: 'locating' }
  | { step: 'resolving' }
  | { step: 'confirm'; source: 'gps' | 'map'; point: LatLng; accuracy: number | null; located: Located }
  | { step: 'none'; message: string }
  | { step: 'ok'; place: ConfirmedPlace };

export const NO_PLACE_HINT = '请搜索楼栋，或在地图上点选位置';

/** What keeps the report from going, for the submit button ("请先确认位置"); null when confirmed. */
export function placeMissing(state: PlaceState): string | null {
  if (state.step === 'ok') return null;
  if (state.step === 'locating') return '正在获取您的位置…';
  if (state.step === 'resolving') return '正在确定位置…';
  return '请先确认位置';
}

/**
 * Where the report goes: a building the person chose by its id (+ 单元 / 楼层) — the server uses
 * the building's point and routes to its grid — else the confirmed point itself (the server then
 * attaches the nearest building within 30 m on its own).
 */
export function placeOfReport(p: ConfirmedPlace): Pick<CreateReportBody, 'location' | 'buildingId' | 'unit' | 'floor'> {
  if (p.chosen && p.building) return { buildingId: p.building.id, ...(p.unit ? { unit: p.unit } : {}), ...(p.floor ? { floor: p.floor } : {}) };
  return { location: { lat: p.point.lat, lng: p.point.lng, datum: 'gcj02' } };
}

const slim = (b: Building): ConfirmedPlace['building'] => ({ id: b.id, name: b.name, estate: b.estate, label: b.label, units: b.units ?? null, floors: b.floors ?? null });

function fromLocated(source: PlaceSource, point: LatLng, accuracy: number | null, l: Located): ConfirmedPlace {
  return {
    source,
    point,
    accuracy,
    building: l.building ? slim(l.building) : null,
    chosen: false,
    unit: null,
    floor: null,
    label: l.label || [l.street?.name, l.community?.name].filter(Boolean).join(' ') || '已选位置',
    grid: l.grid,
    community: l.community,
    routing: l.routing,
  };
}

function locateError(e: unknown): string {
  if (e instanceof ApiError && (e.code === 'outside_service_area' || e.status === 404)) return `这个位置不在服务范围内。${NO_PLACE_HINT}`;
  return `${messageOf(e)}。${NO_PLACE_HINT}`;
}

export interface UsePlace {
  state: PlaceState;
  /** ask the phone again */
  locateMe: () => void;
  /** a point from the map (GCJ-02) */
  pickPoint: (p: LatLng) => void;
  /** a building from the picker or the confirmation question, with 单元 / 楼层 when picked */
  chooseBuilding: (b: BuildingItem | Building, unit?: string | null, floor?: number | null) => void;
  /** "都不是": no place until the person picks one */
  rejectCandidates: () => void;
  /** the map's point is right after all (asked only for a point the person placed) */
  acceptPoint: () => void;
}

export function usePlace(initial: ConfirmedPlace | null, onChange: (p: ConfirmedPlace | null) => void): UsePlace {
  const [state, setState] = useState<PlaceState>(() => (initial ? { step: 'ok', place: initial } : { step: 'locating' }));
  // every answer is checked against the latest question: a slow reply never overwrites a newer choice
  const seq = useRef(0);
  const changed = useRef(onChange);
  changed.current = onChange;

  const settle = (next: PlaceState) => {
    setState(next);
    changed.current(next.step === 'ok' ? next.place : null);
  };

  const resolvePoint = async (mine: number, source: 'gps' | 'map', point: LatLng, accuracy: number | null) => {
    setState({ step: 'resolving' });
    try {
      const located = await api.locate(point, accuracy);
      if (mine !== seq.current) return;
      if (located.confirm) settle({ step: 'confirm', source, point, accuracy, located });
      else settle({ step: 'ok', place: fromLocated(source, point, accuracy, located) });
    } catch (e) {
      if (mine === seq.current) settle({ step: 'none', message: locateError(e) });
    }
  };

  const locateMe = () => {
    const mine = ++seq.current;
    settle({ step: 'locating' });
    currentPosition().then(
      (pos) => {
        if (mine === seq.current) void resolvePoint(mine, 'gps', pos.point, pos.accuracy);
      },
      (e) => {
        if (mine !== seq.current) return;
        const why = e instanceof PositionError && e.reason === 'denied' ? '没有定位权限' : '暂时无法获取您的位置';
        settle({ step: 'none', message: `${why}。${NO_PLACE_HINT}` });
      },
    );
  };

  const pickPoint = (p: LatLng) => void resolvePoint(++seq.current, 'map', p, null);

  const chooseBuilding = (b: BuildingItem | Building, unit: string | null = null, floor: number | null = null) => {
    const mine = ++seq.current;
    const source: PlaceSource = state.step === 'confirm' ? state.source : 'building';
    const point = { lat: b.location.lat, lng: b.location.lng };
    const place = (grid: Ref | null, community: Ref | null, routing: 'exact' | 'nearest'): ConfirmedPlace => ({
      source,
      point,
      accuracy: null,
      building: slim(b),
      chosen: true,
      unit,
      floor,
      label: b.label,
      grid,
      community,
      routing,
    });
    const item = b as BuildingItem;
    // the picker's items carry their grid (a report with a building goes to that grid)
    if (item.grid) return settle({ step: 'ok', place: place(item.grid, item.community ?? null, 'exact') });
    // a candidate of the confirmation question does not: ask which grid its point is in
    setState({ step: 'resolving' });
    api.locate(point).then(
      (l) => mine === seq.current && settle({ step: 'ok', place: place(l.grid, l.community, l.routing) }),
      (e) => mine === seq.current && settle({ step: 'none', message: locateError(e) }),
    );
  };

  const rejectCandidates = () => {
    ++seq.current;
    settle({ step: 'none', message: NO_PLACE_HINT });
  };

  const acceptPoint = () => {
    if (state.step !== 'confirm') return;
    ++seq.current;
    settle({ step: 'ok', place: fromLocated(state.source, state.point, state.accuracy, state.located) });
  };

  // the phone's position is taken at once when the form opens (unless the draft has a place)
  useEffect(() => {
    if (!initial) locateMe();
    return () => {
      ++seq.current;
    };
  }, []);

  return { state, locateMe, pickPoint, chooseBuilding, rejectCandidates, acceptPoint };
}
