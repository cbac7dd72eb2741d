/**
 * Place, in the words people use: which building a point is at, how it reads ("粤海街道 科技园社区
 * 深南花园 3栋"), whether it is close enough to another grid (or the phone unsure enough) that the
 * resident should confirm the building before anything is routed, and the register's search.
 * Everything reads the version in force (flows/areas); coordinates change datum in flows/areas.
 */
import { areasInForce, locate, type Located } from '#flows/areas';
import { invalidInput } from '#domain/errors';
import type { Area, AreaTree } from '#geo/areas';
import type { Datum, LatLng } from '#geo/datum';
import type { Building, BuildingFilter, PlaceIndex } from '#geo/places';

/** A point this close to a building (0 inside it) is at that building. */
export const BUILDING_METERS = 30;
/** A point this close to another grid asks the resident to confirm the building. */
export const BOUNDARY_METERS = 30;
/** A position reported less precise than this asks too. */
export const CONFIRM_ACCURACY_METERS = 50;
/** The widest circle confirmation candidates are taken from, however poor the fix. */
const CANDIDATE_MAX_METERS = 200;
const CANDIDATES = 5;
/** A place without a building names a road this close ("深南大道附近"). */
const ROAD_LABEL_METERS = 100;

export interface Placed extends Located {
  building: Building | null;
  /** how far the point is from that building (0 inside it) */
  buildingMeters: number | null;
  label: string;
  /** the nearest other grid, when within BOUNDARY_METERS */
  boundary: { meters: number; grid: Area } | null;
  confirm: { reason: 'boundary' | 'accuracy'; candidates: Building[] } | null;
}

/** The label of a place without a building of the register. */
function areaLabel(lineage: Located['lineage'], road: string | null): string {
  return [lineage.street?.name, lineage.community?.name, road ? `${road}附近` : null].filter(Boolean).join(' ');
}

/** Where a point is (locate), with its building, label, boundary and whether to confirm. */
export async function place(point: LatLng, datum: Datum, accuracy?: number): Promise<Placed> {
  const located = await locate(point, datum);
  const { places, index, tree } = await areasInForce();
  const at = located.wgs84;
  const near = places.nearest(at, BUILDING_METERS)[0] ?? null;
  const other = index.nearestOther(at, BOUNDARY_METERS, located.grid.id);
  const otherGrid = other ? tree.get(other.id) : undefined;
  const boundary = other && otherGrid ? { meters: Math.round(other.meters), grid: otherGrid } : null;
  const reason = boundary ? 'boundary' : accuracy !== undefined && accuracy > CONFIRM_ACCURACY_METERS ? 'accuracy' : null;
  const radius = Math.min(CANDIDATE_MAX_METERS, Math.max(BUILDING_METERS, accuracy ?? 0));
  return {
    ...located,
    building: near?.building ?? null,
    buildingMeters: near ? Math.round(near.meters) : null,
    label: near ? near.building.label : areaLabel(located.lineage, places.nearestRoad(at, ROAD_LABEL_METERS)?.road.name ?? null),
    boundary,
    confirm: reason ? { reason, candidates: places.nearest(at, radius, CANDIDATES).map((n) => n.building) } : null,
  };
}

/**
 * Where a report about a building is filed: the building's own grid (the resident chose the
 * building, so a point near a boundary no longer decides), at the given point when there is
 * one, else at the building.
 */
export async function placeOfBuilding(buildingId: string, point?: { lat: number; lng: number; datum?: Datum }): Promise<Placed> {
  const { places, tree } = await areasInForce();
  const building = places.get(buildingId);
  if (!building) throw invalidInput('没有这个楼栋（可能已从地址库中移除），请重新选择', { field: 'buildingId' });
  const lineage = tree.lineage(building.gridId);
  if (!lineage.grid || !lineage.beat) throw invalidInput('该楼栋所在网格暂无人负责，请联系社区', { field: 'buildingId' });
  const located = point ? await locate(point, point.datum ?? 'gcj02') : null;
  return {
    wgs84: located?.wgs84 ?? building.point,
    grid: lineage.grid,
    beat: lineage.beat,
    lineage,
    mode: 'exact',
    meters: 0,
    building,
    buildingMeters: null,
    label: building.label,
    boundary: null,
    confirm: null,
  };
}

export interface BuildingView {
  building: Building;
  grid: Area | undefined;
  community: Area | undefined;
}

const viewOf = (tree: AreaTree, b: Building): BuildingView => ({ building: b, grid: tree.get(b.gridId), community: tree.get(b.communityId) });

/** The register's search (by words or pinyin initials), within a community or grid. */
export async function searchBuildings(q: string, filter: BuildingFilter, limit: number): Promise<BuildingView[]> {
  if (!q.trim() && !filter.communityId && !filter.gridId) throw invalidInput('请给出搜索词（q）或社区（communityId）、网格（gridId）', { field: 'q' });
  const { places, tree } = await areasInForce();
  return places.search(q, filter, limit).map((b) => viewOf(tree, b));
}

/** The register of the version in force (the basemap draws it). */
export async function register(): Promise<{ version: string; places: PlaceIndex; tree: AreaTree }> {
  const { places, tree } = await areasInForce();
  return { version: tree.version, places, tree };
}
