/**
 * The address register of an areas version: buildings (标准地址: 街道 / 社区 / 小区 / 楼栋, with
 * their 单元 and 楼层 counts) and roads. Grid work is organised by it, so a report names the
 * building it is about, not a coordinate. Types, the labels people read, and the index that
 * answers "which building is this point at" and "which buildings match 'snhy'". Pure: the
 * caller loads the set (store/areas) and caches the index (flows/areas).
 *
 * Coordinates are WGS-84 like the area snapshot; datums change in flows/areas only.
 */
import Flatbush from 'flatbush';
import type { AreaGeometry, LinearRing, Position } from '#geo/areas';
import type { LatLng } from '#geo/datum';

export interface Building {
  id: string;
  /** 小区 (or the compound / market the building belongs to) */
  estate: string;
  /** 楼栋 as written in the register: "3", "A", or a name such as "商铺" */
  number: string;
  /** "深南花园 3栋" */
  name: string;
  /** "粤海街道科技园社区深南花园3栋": the register's written form */
  address: string;
  /** "粤海街道 科技园社区 深南花园 3栋": what people read on screens */
  label: string;
  /** 单元 in the building, when the register says */
  units: number | null;
  /** 楼层 above ground, when the register says */
  floors: number | null;
  gridId: string;
  communityId: string;
  /** the footprint's centroid, or the building's point */
  point: LatLng;
  footprint: AreaGeometry | null;
  /** pinyin initials of the estate, then the number, lower case: "snhy3" */
  initials: string;
}

export interface Road {
  id: string;
  name: string;
  kind: 'main' | 'minor';
  /** one or more polylines ([lng, lat]) */
  lines: Position[][];
}

export interface PlaceSet {
  buildings: Building[];
  roads: Road[];
}

export const EMPTY_PLACES: PlaceSet = Object.freeze({ buildings: [], roads: [] }) as PlaceSet;

/** "3" → "3栋", "A" → "A栋"; a number that is already a name ("商铺", "3栋", "A座") stays as it is. */
export function buildingNumberLabel(number: string): string {
  return /^[0-9A-Za-z-]+$/.test(number) ? `${number}栋` : number;
}

/** The building's name, address and label from its register fields. */
export function buildingWords(f: { estate: string; number: string; streetName: string; communityName: string }): Pick<Building, 'name' | 'address' | 'label'> {
  const n = buildingNumberLabel(f.number);
  return { name: `${f.estate} ${n}`, address: `${f.streetName}${f.communityName}${f.estate}${n}`, label: `${f.streetName} ${f.communityName} ${f.estate} ${n}` };
}

export interface NearBuilding {
  building: Building;
  /** metres from the point to the footprint (0 inside it) or to the building's point */
  meters: number;
}

export interface NearRoad {
  road: Road;
  meters: number;
}

export interface BuildingFilter {
  communityId?: string;
  gridId?: string;
}

const EARTH_RADIUS_M = 6371008.8; // mean radius (IUGG), as geo/datum
const METRES_PER_DEG = (EARTH_RADIUS_M * Math.PI) / 180;
const collator = new Intl.Collator('zh-Hans-CN', { numeric: true });
const compact = (s: string): string => s.replace(/\s+/g, '').toLowerCase();

/** Distance in metres from (x, y) to segment a–b, in a local equirectangular frame (kx, ky: metres per degree). */
function segmentMeters(x: number, y: number, a: Position, b: Position, kx: number, ky: number): number {
  return Math.sqrt(segmentMeters2(x, y, a, b, kx, ky));
}

/** The square of segmentMeters (Math.hypot is several times slower than a square root). */
function segmentMeters2(x: number, y: number, a: Position, b: Position, kx: number, ky: number): number {
  const ax = (a[0] - x) * kx;
  const ay = (a[1] - y) * ky;
  const dx = (b[0] - a[0]) * kx;
  const dy = (b[1] - a[1]) * ky;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, -(ax * dx + ay * dy) / len2));
  const ex = ax + t * dx;
  const ey = ay + t * dy;
  return ex * ex + ey * ey;
}

function ringContains(ring: LinearRing, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function polygonsOf(g: AreaGeometry): LinearRing[][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/**
 * The cell table answering "the building within CELL_RADIUS_M" with one cell: cells of about
 * CELL_M metres, each listing every building whose box, widened by CELL_RADIUS_M, touches it.
 * Locate asks this on every request (and a city holds hundreds of thousands of buildings), so it
 * reads one short list instead of walking a tree. At most MAX_CELLS cells: a wider city gets
 * wider cells.
 */
const CELL_M = 64;
const CELL_RADIUS_M = 30;
const MAX_CELLS = 1 << 22;

interface CellTable {
  x0: number;
  y0: number;
  cw: number;
  ch: number;
  nx: number;
  ny: number;
  /** building indexes of cell c: items[start[c] .. start[c + 1]) */
  start: Int32Array;
  items: Int32Array;
}

function cellTable(boxes: Float64Array, n: number, lat0: number): CellTable | null {
  if (n === 0) return null;
  const kx = METRES_PER_DEG * Math.cos((lat0 * Math.PI) / 180);
  const rx = CELL_RADIUS_M / (kx * 0.99); // degrees of longitude, a hair wide for the latitude spread
  const ry = CELL_RADIUS_M / METRES_PER_DEG;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    x0 = Math.min(x0, boxes[4 * i]! - rx);
    y0 = Math.min(y0, boxes[4 * i + 1]! - ry);
    x1 = Math.max(x1, boxes[4 * i + 2]! + rx);
    y1 = Math.max(y1, boxes[4 * i + 3]! + ry);
  }
  let cw = CELL_M / kx;
  let ch = CELL_M / METRES_PER_DEG;
  while (Math.ceil((x1 - x0) / cw) * Math.ceil((y1 - y0) / ch) > MAX_CELLS) {
    cw *= 2;
    ch *= 2;
  }
  const nx = Math.max(1, Math.ceil((x1 - x0) / cw));
  const ny = Math.max(1, Math.ceil((y1 - y0) / ch));
  const counts = new Int32Array(nx * ny + 1);
  const each = (i: number, f: (c: number) => void) => {
    const cx0 = Math.floor((boxes[4 * i]! - rx - x0) / cw);
    const cx1 = Math.min(nx - 1, Math.floor((boxes[4 * i + 2]! + rx - x0) / cw));
    const cy0 = Math.floor((boxes[4 * i + 1]! - ry - y0) / ch);
    const cy1 = Math.min(ny - 1, Math.floor((boxes[4 * i + 3]! + ry - y0) / ch));
    for (let cy = Math.max(0, cy0); cy <= cy1; cy++) for (let cx = Math.max(0, cx0); cx <= cx1; cx++) f(cy * nx + cx);
  };
  for (let i = 0; i < n; i++) each(i, (c) => counts[c + 1]!++);
  for (let c = 0; c < nx * ny; c++) counts[c + 1]! += counts[c]!;
  const items = new Int32Array(counts[nx * ny]!);
  const fill = counts.slice();
  for (let i = 0; i < n; i++) each(i, (c) => (items[fill[c]!++] = i));
  return { x0, y0, cw, ch, nx, ny, start: counts, items };
}

/** Metres from a point to a footprint: 0 inside (holes excluded), else to its nearest edge. */
export function footprintMeters(g: AreaGeometry, p: LatLng, kx = METRES_PER_DEG * Math.cos((p.lat * Math.PI) / 180)): number {
  if (g.type === 'Polygon') return polygonMeters(g.coordinates, p.lng, p.lat, kx);
  let best = Infinity;
  for (const rings of g.coordinates) {
    const m = polygonMeters(rings, p.lng, p.lat, kx);
    if (m === 0) return 0;
    if (m < best) best = m;
  }
  return best;
}

/** One polygon (exterior, then holes): 0 inside, else metres to its nearest edge. No allocation (the hot path of locate). */
function polygonMeters(rings: LinearRing[], x: number, y: number, kx: number): number {
  let inside = ringContains(rings[0]!, x, y);
  for (let h = 1; inside && h < rings.length; h++) if (ringContains(rings[h]!, x, y)) inside = false;
  if (inside) return 0;
  let best = Infinity;
  for (const ring of rings) {
    for (let i = 1; i < ring.length; i++) {
      const m2 = segmentMeters2(x, y, ring[i - 1]!, ring[i]!, kx, METRES_PER_DEG);
      if (m2 < best) best = m2;
    }
  }
  return Math.sqrt(best);
}

/** Metres from (x, y) to a point, in the same frame. */
const pointMeters = (x: number, y: number, px: number, py: number, kx: number): number => Math.sqrt(((px - x) * kx) ** 2 + ((py - y) * METRES_PER_DEG) ** 2);

function boxOf(positions: Position[]): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of positions) {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

/**
 * The register of one version, indexed: buildings by id, by community and grid, by place (a
 * Flatbush of footprint boxes) and by words; roads by place (a Flatbush of their segments).
 */
export class PlaceIndex {
  readonly buildings: readonly Building[];
  readonly roads: readonly Road[];
  readonly #byId: Map<string, Building>;
  readonly #tree: Flatbush | null;
  /** each building's box: minX, minY, maxX, maxY */
  readonly #boxes: Float64Array;
  readonly #cells: CellTable | null;
  /**
   * Footprints that are one ring (nearly all), packed [x0, y0, x1, y1, …] so the hot path reads
   * one array instead of chasing nested ones: ring i is #ringXY[2·#ringAt[i] .. 2·#ringAt[i + 1]),
   * empty for points, holes and MultiPolygons (those take the general path).
   */
  readonly #ringXY: Float64Array;
  readonly #ringAt: Int32Array;
  readonly #segments: { road: number; a: Position; b: Position }[] = [];
  readonly #roadTree: Flatbush | null;

  constructor(places: PlaceSet) {
    this.buildings = [...places.buildings].sort((a, b) => collator.compare(a.estate, b.estate) || collator.compare(a.number, b.number) || (a.id < b.id ? -1 : 1));
    this.roads = places.roads;
    this.#byId = new Map(this.buildings.map((b) => [b.id, b]));
    const n = this.buildings.length;
    this.#boxes = new Float64Array(4 * n);
    this.buildings.forEach((b, i) => this.#boxes.set(b.footprint ? boxOf(polygonsOf(b.footprint).flat(2)) : [b.point.lng, b.point.lat, b.point.lng, b.point.lat], 4 * i));
    if (n === 0) this.#tree = null;
    else {
      const tree = new Flatbush(n);
      for (let i = 0; i < n; i++) tree.add(this.#boxes[4 * i]!, this.#boxes[4 * i + 1]!, this.#boxes[4 * i + 2]!, this.#boxes[4 * i + 3]!);
      tree.finish();
      this.#tree = tree;
    }
    const lats = this.buildings.map((b) => b.point.lat);
    // the table's cells are sized at the latitude farthest from the equator (narrowest degrees)
    this.#cells = cellTable(this.#boxes, n, lats.reduce((m, y) => (Math.abs(y) > Math.abs(m) ? y : m), 0));
    const single = (b: Building) => (b.footprint?.type === 'Polygon' && b.footprint.coordinates.length === 1 ? b.footprint.coordinates[0]! : null);
    this.#ringAt = new Int32Array(n + 1);
    this.buildings.forEach((b, i) => (this.#ringAt[i + 1] = this.#ringAt[i]! + (single(b)?.length ?? 0)));
    this.#ringXY = new Float64Array(2 * this.#ringAt[n]!);
    this.buildings.forEach((b, i) => single(b)?.forEach(([x, y], k) => this.#ringXY.set([x, y], 2 * (this.#ringAt[i]! + k))));
    places.roads.forEach((r, road) => {
      for (const line of r.lines) for (let i = 1; i < line.length; i++) this.#segments.push({ road, a: line[i - 1]!, b: line[i]! });
    });
    if (this.#segments.length === 0) this.#roadTree = null;
    else {
      const tree = new Flatbush(this.#segments.length);
      for (const s of this.#segments) tree.add(Math.min(s.a[0], s.b[0]), Math.min(s.a[1], s.b[1]), Math.max(s.a[0], s.b[0]), Math.max(s.a[1], s.b[1]));
      tree.finish();
      this.#roadTree = tree;
    }
  }

  get(id: string): Building | undefined {
    return this.#byId.get(id);
  }

  /**
   * Buildings within `maxMeters` of `p` (WGS-84), nearest first (a point inside a footprint is
   * 0 m from it), at most `limit`. Equal distances go to the smaller id.
   */
  nearest(p: LatLng, maxMeters: number, limit = 1): NearBuilding[] {
    if (this.#tree === null || !Number.isFinite(p.lat) || !Number.isFinite(p.lng) || !(maxMeters >= 0)) return [];
    if (limit === 1 && maxMeters <= CELL_RADIUS_M) {
      const one = this.#nearestInCell(p, maxMeters);
      return one ? [one] : [];
    }
    // A degree of longitude is the shorter one here: maxMeters in its degrees bounds the search.
    const kx = METRES_PER_DEG * Math.cos((p.lat * Math.PI) / 180);
    const found: NearBuilding[] = [];
    for (const i of this.#tree.neighbors(p.lng, p.lat, Infinity, maxMeters / kx)) {
      const b = this.buildings[i]!;
      const meters = b.footprint ? footprintMeters(b.footprint, p) : pointMeters(p.lng, p.lat, b.point.lng, b.point.lat, kx);
      if (meters <= maxMeters) found.push({ building: b, meters });
    }
    return found.sort((a, b) => a.meters - b.meters || (a.building.id < b.building.id ? -1 : 1)).slice(0, limit);
  }

  /** `nearest(p, maxMeters, 1)` for maxMeters ≤ CELL_RADIUS_M, from the point's one cell. */
  #nearestInCell(p: LatLng, maxMeters: number): NearBuilding | null {
    const t = this.#cells!;
    const cx = Math.floor((p.lng - t.x0) / t.cw);
    const cy = Math.floor((p.lat - t.y0) / t.ch);
    if (cx < 0 || cy < 0 || cx >= t.nx || cy >= t.ny) return null;
    const c = cy * t.nx + cx;
    const kx = METRES_PER_DEG * Math.cos((p.lat * Math.PI) / 180);
    const boxes = this.#boxes;
    let best = -1;
    let bestM = maxMeters;
    for (let k = t.start[c]!; k < t.start[c + 1]!; k++) {
      const i = t.items[k]!;
      // the box's distance is a lower bound of the footprint's: skip what cannot win
      const x0 = boxes[4 * i]!;
      const y0 = boxes[4 * i + 1]!;
      const x1 = boxes[4 * i + 2]!;
      const y1 = boxes[4 * i + 3]!;
      const dx = (p.lng < x0 ? x0 - p.lng : p.lng > x1 ? p.lng - x1 : 0) * kx;
      const dy = (p.lat < y0 ? y0 - p.lat : p.lat > y1 ? p.lat - y1 : 0) * METRES_PER_DEG;
      if (dx > bestM || dy > bestM) continue;
      const b = this.buildings[i]!;
      const from = this.#ringAt[i]!;
      const to = this.#ringAt[i + 1]!;
      const m = to > from ? this.#packedRingMeters(from, to, p.lng, p.lat, kx) : b.footprint ? footprintMeters(b.footprint, p, kx) : pointMeters(p.lng, p.lat, b.point.lng, b.point.lat, kx);
      if (m < bestM || (m === bestM && (best === -1 || b.id < this.buildings[best]!.id))) {
        best = i;
        bestM = m;
      }
    }
    return best === -1 ? null : { building: this.buildings[best]!, meters: bestM };
  }

  /** polygonMeters for a packed one-ring footprint: 0 inside, else metres to its nearest edge. */
  #packedRingMeters(from: number, to: number, x: number, y: number, kx: number): number {
    const xy = this.#ringXY;
    let inside = false;
    let best = Infinity;
    for (let v = from + 1; v < to; v++) {
      const xi = xy[2 * v]!;
      const yi = xy[2 * v + 1]!;
      const xj = xy[2 * v - 2]!;
      const yj = xy[2 * v - 1]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      const ax = (xj - x) * kx;
      const ay = (yj - y) * METRES_PER_DEG;
      const dx = (xi - xj) * kx;
      const dy = (yi - yj) * METRES_PER_DEG;
      const len2 = dx * dx + dy * dy;
      const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, -(ax * dx + ay * dy) / len2));
      const ex = ax + t * dx;
      const ey = ay + t * dy;
      const d2 = ex * ex + ey * ey;
      if (d2 < best) best = d2;
    }
    return inside ? 0 : Math.sqrt(best);
  }

  /** The road nearest to `p` within `maxMeters`, or null. */
  nearestRoad(p: LatLng, maxMeters: number): NearRoad | null {
    if (this.#roadTree === null) return null;
    const kx = METRES_PER_DEG * Math.cos((p.lat * Math.PI) / 180);
    let best: NearRoad | null = null;
    for (const i of this.#roadTree.neighbors(p.lng, p.lat, Infinity, maxMeters / kx)) {
      const s = this.#segments[i]!;
      const meters = segmentMeters(p.lng, p.lat, s.a, s.b, kx, METRES_PER_DEG);
      if (meters <= maxMeters && (best === null || meters < best.meters)) best = { road: this.roads[s.road]!, meters };
    }
    return best;
  }

  /**
   * Buildings whose name, address or pinyin initials contain `q` (spaces and case ignored:
   * "snhy", "深南花园3", "科技园社区深南"), within the filter; in register order (estate, then
   * number), those whose estate or initials start with `q` first. An empty `q` lists the filter.
   */
  search(q: string, filter: BuildingFilter, limit: number): Building[] {
    const needle = compact(q);
    const inFilter = (b: Building) => (!filter.communityId || b.communityId === filter.communityId) && (!filter.gridId || b.gridId === filter.gridId);
    const hits: { b: Building; rank: number }[] = [];
    for (const b of this.buildings) {
      if (!inFilter(b)) continue;
      if (needle === '') {
        hits.push({ b, rank: 0 });
        continue;
      }
      const starts = compact(b.name).startsWith(needle) || b.initials.startsWith(needle);
      if (starts || compact(b.address).includes(needle) || compact(b.name).includes(needle) || b.initials.includes(needle)) hits.push({ b, rank: starts ? 0 : 1 });
    }
    // stable: register order within a rank
    return hits
      .sort((x, y) => x.rank - y.rank)
      .slice(0, limit)
      .map((h) => h.b);
  }
}
