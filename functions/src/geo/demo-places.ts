/**
 * Buildings and roads for the demo city (demo-city.ts), so that local runs and tests have the
 * register that grid work is organised by: the 标准地址 of 街道 / 社区 / 小区 / 楼栋 / 单元. A
 * grid worker's daily round is "the estates of my grid, building by building", and an address
 * typed by a resident (深南花园 3栋) has to resolve to one building in one grid. The 小区 and road
 * names are real names from 南山区's 粤海 and 南头 neighbourhoods (demo-places-names.ts); where
 * they stand is invented, like the grids themselves.
 *
 * Layout:
 *   - roads: 12 hand-placed, slightly bent centrelines (深南大道 east–west through the middle
 *     along the 粤海 | 南头 line, 滨海大道 and 北环大道 along the south and north edges, 南山大道,
 *     南海大道, 后海大道, 科苑路 north–south near the grid columns' edges, and minor roads),
 *     clamped to the city's box.
 *   - estates: each name is assigned to one grid. An estate is a rectangle of cells (columns ×
 *     rows), turned by a small seeded angle; it is placed at the first of a seeded shuffle of
 *     candidate centres (10 m lattice over the grid's bbox) where the whole rectangle keeps
 *     ≥ 12 m from the grid's boundary, ≥ 30 m from main and ≥ 15 m from minor road centrelines
 *     and ≥ 10 m from the grid's other estates. Larger estates are placed first.
 *   - buildings: one per cell, numbered 1, 2, … row by row. Footprints are 板楼 rectangles of
 *     30–60 m (along the estate's axis, i.e. facing south when unturned) × 15–25 m, jittered
 *     inside a 66 × 33 m cell with ≥ 3 m to the cell's edge, so neighbours are ≥ 6 m apart.
 *     城中村 and shop estates are Points (their footprints are not surveyed) in 24 m cells.
 *
 * All in a local metric plane (equirectangular around the box's centre; < 0.1 % error over 3 km)
 * then back to WGS-84 [lng, lat] rounded to 1e-7°. Rings are closed and counter-clockwise.
 * Deterministic: seeded hashes only, no Math.random; every call returns equal, independent data.
 */
import { seededUnit } from '#geo/seeded';
import { demoCity, demoCityBounds } from '#geo/demo-city';
import type { Area, Position } from '#geo/areas';
import { DEMO_ESTATES, DEMO_ROADS } from '#geo/demo-places-names';
import type { EstateName } from '#geo/demo-places-names';

export interface DemoBuildingFeature {
  type: 'Feature';
  properties: { level: 'building'; id: string; street: string; estate: string; number: string; units?: number; floors?: number };
  geometry: { type: 'Polygon'; coordinates: Position[][] } | { type: 'Point'; coordinates: Position };
}

export interface DemoRoadFeature {
  type: 'Feature';
  properties: { level: 'road'; id: string; name: string; kind: 'main' | 'minor' };
  geometry: { type: 'LineString'; coordinates: Position[] };
}

/** Clearances of an estate's outer rectangle, in metres (see the header). */
const GRID_MARGIN_M = 12;
const MAIN_ROAD_MARGIN_M = 30;
const MINOR_ROAD_MARGIN_M = 15;
const ESTATE_GAP_M = 10;
const CANDIDATE_STEP_M = 10;
/** footprint cells (u along the estate's axis, v across) and the point cells of villages / shops */
const CELL_U = 66;
const CELL_V = 33;
const CELL_MARGIN = 3;
const POINT_CELL = 24;

const SEED = 0x0b1d_1e55; // arbitrary; changing it moves every demo building

/** Deterministic value in [0, 1) from the seed and integer keys (geo/seeded). */
const unit = seededUnit(SEED);

const round7 = (x: number): number => Math.round(x * 1e7) / 1e7;

// ---- local metric plane ------------------------------------------------------------------------

type XY = [x: number, y: number];
const BOX = demoCityBounds();
const LNG0 = (BOX.minLng + BOX.maxLng) / 2;
const LAT0 = (BOX.minLat + BOX.maxLat) / 2;
const M_PER_DEG_LAT = (6371008.8 * Math.PI) / 180;
const M_PER_DEG_LNG = M_PER_DEG_LAT * Math.cos((LAT0 * Math.PI) / 180);
const toXY = ([lng, lat]: Position): XY => [(lng - LNG0) * M_PER_DEG_LNG, (lat - LAT0) * M_PER_DEG_LAT];
const toPosition = ([x, y]: XY): Position => [round7(LNG0 + x / M_PER_DEG_LNG), round7(LAT0 + y / M_PER_DEG_LAT)];

function pointSegmentDistance(p: XY, a: XY, b: XY): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

const cross = (o: XY, a: XY, b: XY): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** Distance between segments ab and cd (0 when they cross). */
function segmentDistance(a: XY, b: XY, c: XY, d: XY): number {
  const crosses = cross(a, b, c) * cross(a, b, d) < 0 && cross(c, d, a) * cross(c, d, b) < 0;
  if (crosses) return 0;
  return Math.min(pointSegmentDistance(a, c, d), pointSegmentDistance(b, c, d), pointSegmentDistance(c, a, b), pointSegmentDistance(d, a, b));
}

/** Even-odd ray cast over a closed ring. */
function inRing(ring: XY[], [x, y]: XY): boolean {
  let inside = false;
  for (let k = 0; k + 1 < ring.length; k++) {
    const [x1, y1] = ring[k] as XY;
    const [x2, y2] = ring[k + 1] as XY;
    if (y1 > y !== y2 > y && x < ((x2 - x1) * (y - y1)) / (y2 - y1) + x1) inside = !inside;
  }
  return inside;
}

/** Smallest distance between the edges of two polylines (closed rings repeat their first point). */
function lineDistance(p: XY[], q: XY[]): number {
  let best = Infinity;
  for (let i = 0; i + 1 < p.length; i++) {
    for (let j = 0; j + 1 < q.length; j++) {
      best = Math.min(best, segmentDistance(p[i] as XY, p[i + 1] as XY, q[j] as XY, q[j + 1] as XY));
    }
  }
  return best;
}

/** A rectangle centred on c, sides u (along angle) × v, as a closed counter-clockwise ring. */
function rectangle(c: XY, u: number, v: number, angle: number): XY[] {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const corners: XY[] = [[-u / 2, -v / 2], [u / 2, -v / 2], [u / 2, v / 2], [-u / 2, v / 2]];
  const ring = corners.map(([a, b]): XY => [c[0] + a * cos - b * sin, c[1] + a * sin + b * cos]);
  ring.push(ring[0] as XY);
  return ring;
}

// ---- estates -------------------------------------------------------------------------------------

interface Site {
  centre: XY;
  angle: number;
  columns: number;
  rows: number;
  cellU: number;
  cellV: number;
  ring: XY[];
}

const isPointEstate = (e: EstateName): boolean => e.kind === 'village' || e.kind === 'shops';

/** Columns × rows of cells for n buildings: about as wide as deep on the ground. */
function shape(e: EstateName): { columns: number; rows: number; cellU: number; cellV: number } {
  const [cellU, cellV] = isPointEstate(e) ? [POINT_CELL, POINT_CELL] : [CELL_U, CELL_V];
  const columns = Math.max(1, Math.round(Math.sqrt((e.buildings * cellV) / cellU)));
  return { columns, rows: Math.ceil(e.buildings / columns), cellU, cellV };
}

function placeEstate(e: EstateName, index: number, grid: XY[], roads: { line: XY[]; margin: number }[], taken: Site[]): Site {
  const { columns, rows, cellU, cellV } = shape(e);
  const xs = grid.map(([x]) => x);
  const ys = grid.map(([, y]) => y);
  const candidates: { c: XY; order: number }[] = [];
  for (let x = Math.min(...xs); x <= Math.max(...xs); x += CANDIDATE_STEP_M) {
    for (let y = Math.min(...ys); y <= Math.max(...ys); y += CANDIDATE_STEP_M) {
      candidates.push({ c: [x, y], order: unit(1, index, candidates.length) });
    }
  }
  candidates.sort((a, b) => a.order - b.order);
  // Half the estates are turned by 5–20°, either way; if the turned one fits nowhere, try square.
  const turn = unit(2, index) < 0.5 ? 0 : (unit(3, index) < 0.5 ? -1 : 1) * (5 + 15 * unit(4, index)) * (Math.PI / 180);
  for (const angle of turn === 0 ? [0] : [turn, 0]) {
    for (const { c } of candidates) {
      const ring = rectangle(c, columns * cellU, rows * cellV, angle);
      if (!ring.every((p) => inRing(grid, p)) || lineDistance(ring, grid) < GRID_MARGIN_M) continue;
      if (roads.some((r) => lineDistance(ring, r.line) < r.margin)) continue;
      if (taken.some((s) => lineDistance(ring, s.ring) < ESTATE_GAP_M || inRing(s.ring, c) || inRing(ring, s.centre))) continue;
      return { centre: c, angle, columns, rows, cellU, cellV, ring };
    }
  }
  throw new Error(`demo places: no room for ${e.name} in ${e.grid}`);
}

function buildingsOf(e: EstateName, index: number, site: Site, street: string): DemoBuildingFeature[] {
  const { centre, angle, columns, rows, cellU, cellV } = site;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const out: DemoBuildingFeature[] = [];
  for (let n = 0; n < e.buildings; n++) {
    const col = n % columns;
    const row = Math.floor(n / columns);
    const r = (salt: number): number => unit(salt, index, n);
    // size first, then the slack left in the cell moves it about
    const u = isPointEstate(e) ? 0 : 30 + 30 * r(5);
    const v = isPointEstate(e) ? 0 : 15 + 10 * r(6);
    const du = (r(7) * 2 - 1) * Math.max(0, (cellU - u) / 2 - CELL_MARGIN);
    const dv = (r(8) * 2 - 1) * Math.max(0, (cellV - v) / 2 - CELL_MARGIN);
    const a = (col + 0.5 - columns / 2) * cellU + du;
    const b = (row + 0.5 - rows / 2) * cellV + dv;
    const c: XY = [centre[0] + a * cos - b * sin, centre[1] + a * sin + b * cos];
    const number = String(n + 1);
    const properties: DemoBuildingFeature['properties'] = { level: 'building', id: `bd-${e.slug}-${number}`, street, estate: e.name, number };
    if (e.kind === 'old') Object.assign(properties, { units: 2 + Math.floor(3 * r(9)), floors: 6 + Math.floor(3 * r(10)) });
    if (e.kind === 'new') Object.assign(properties, { units: 1 + Math.floor(3 * r(9)), floors: 18 + Math.floor(16 * r(10)) });
    if (e.kind === 'village') Object.assign(properties, { units: 1, floors: 6 + Math.floor(4 * r(10)) });
    const geometry: DemoBuildingFeature['geometry'] = isPointEstate(e)
      ? { type: 'Point', coordinates: toPosition(c) }
      : { type: 'Polygon', coordinates: [rectangle(c, u, v, angle).map(toPosition)] };
    out.push({ type: 'Feature', properties, geometry });
  }
  return out;
}

function roadFeatures(): DemoRoadFeature[] {
  const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
  return DEMO_ROADS.map((r) => ({
    type: 'Feature',
    properties: { level: 'road', id: `rd-${r.slug}`, name: r.name, kind: r.kind },
    geometry: {
      type: 'LineString',
      coordinates: r.coordinates.map(([lng, lat]): Position => [clamp(lng, BOX.minLng, BOX.maxLng), clamp(lat, BOX.minLat, BOX.maxLat)]),
    },
  }));
}

let cache: { buildings: DemoBuildingFeature[]; roads: DemoRoadFeature[] } | undefined;

function build(): { buildings: DemoBuildingFeature[]; roads: DemoRoadFeature[] } {
  if (cache !== undefined) return cache;
  const areas = new Map<string, Area>(demoCity().areas.map((a) => [a.id, a]));
  const roads = roadFeatures();
  const roadLines = roads.map((r) => ({
    line: r.geometry.coordinates.map(toXY),
    margin: r.properties.kind === 'main' ? MAIN_ROAD_MARGIN_M : MINOR_ROAD_MARGIN_M,
  }));
  const order = DEMO_ESTATES.map((e, index) => ({ e, index })).sort((p, q) => q.e.buildings - p.e.buildings || p.index - q.index);
  const sites = new Map<string, Site[]>();
  const built: DemoBuildingFeature[][] = [];
  for (const { e, index } of order) {
    const grid = areas.get(e.grid);
    const street = areas.get(areas.get(grid?.parentId ?? '')?.parentId ?? '');
    if (grid?.geometry?.type !== 'Polygon' || street === undefined) throw new Error(`demo places: bad grid ${e.grid}`);
    const taken = sites.get(e.grid) ?? [];
    const site = placeEstate(e, index, (grid.geometry.coordinates[0] ?? []).map(toXY), roadLines, taken);
    sites.set(e.grid, [...taken, site]);
    built[index] = buildingsOf(e, index, site, street.name);
  }
  cache = { buildings: built.flat(), roads };
  return cache;
}

/**
 * The demo's buildings, in the order of the estate table and by number within an estate.
 * Each call returns a fresh copy (computed once per process).
 */
export function demoBuildings(): DemoBuildingFeature[] {
  return structuredClone(build().buildings);
}

/** The demo's road centrelines (12 LineStrings inside the city's box). Fresh copy per call. */
export function demoRoads(): DemoRoadFeature[] {
  return structuredClone(build().roads);
}
