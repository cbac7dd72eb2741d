/**
 * The areas in force, cached across invocations (a warm Lambda routes from memory). The pointer
 * to the current version is re-read at most every REFRESH_MS, so an import reaches every
 * container within that time without a read per request.
 */
import { AreaTree, type Area } from '#geo/areas';
import { loadIndex, type GridIndex } from '#geo/spatial-index';
import { toWgs84, type Datum, type LatLng } from '#geo/datum';
import { currentVersion, loadIndexBytes, loadPlaces, loadSnapshot } from '#store/areas';
import { PlaceIndex } from '#geo/places';
import { DomainError } from '#domain/errors';

export interface AreasInForce {
  tree: AreaTree;
  index: GridIndex;
  /** the version's address register: buildings and roads */
  places: PlaceIndex;
}

const REFRESH_MS = 30_000;
let cached: { areas: AreasInForce; checkedAt: number } | null = null;
let loading: Promise<AreasInForce> | null = null;

async function load(): Promise<AreasInForce> {
  const version = await currentVersion();
  if (!version) throw new Error('no areas imported yet: run the seed or PUT /v1/admin/areas');
  if (cached && cached.areas.tree.version === version) {
    cached.checkedAt = Date.now();
    return cached.areas;
  }
  const [snapshot, indexBytes, places] = await Promise.all([loadSnapshot(version), loadIndexBytes(version), loadPlaces(version)]);
  const areas = { tree: new AreaTree(snapshot), index: loadIndex(indexBytes), places: new PlaceIndex(places) };
  cached = { areas, checkedAt: Date.now() };
  return areas;
}

export async function areasInForce(): Promise<AreasInForce> {
  if (cached && Date.now() - cached.checkedAt < REFRESH_MS) return cached.areas;
  loading ??= load().finally(() => {
    loading = null;
  });
  return loading;
}

/** Forget the cache (after an import in this process, and between tests). */
export function invalidateAreas(): void {
  cached = null;
}

export interface Located {
  wgs84: LatLng;
  grid: Area;
  beat: Area;
  lineage: ReturnType<AreaTree['lineage']>;
  /** exact: inside the grid; nearest: outside every grid but within NEAREST_METERS of this one */
  mode: 'exact' | 'nearest';
  /** how far outside the grid (0 when exact) */
  meters: number;
}

/** A point just outside every grid (a building on the boundary road) still belongs somewhere. */
export const NEAREST_METERS = 200;

/** THE point -> grid + beat lookup. Coordinates change datum here and only here. */
export async function locate(point: LatLng, datum: Datum = 'gcj02'): Promise<Located> {
  const { tree, index } = await areasInForce();
  const wgs84 = toWgs84(point, datum);
  const exact = index.locate(wgs84);
  const near = exact ? null : index.nearest(wgs84, NEAREST_METERS);
  const gridId = exact ?? near?.id ?? null;
  const lineage = gridId ? tree.lineage(gridId) : null;
  if (!lineage?.grid || !lineage.beat) {
    throw new DomainError('outside_service_area', '该位置不在服务范围内（距最近网格超过 200 米）', { lat: point.lat, lng: point.lng, datum });
  }
  return { wgs84, grid: lineage.grid, beat: lineage.beat, lineage, mode: exact ? 'exact' : 'nearest', meters: near ? Math.round(near.meters) : 0 };
}
