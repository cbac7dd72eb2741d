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
  const ax = (a[0] - x) * kx;
  const ay = (a[1] - y) * ky;
  const dx = (b[0] - a[0]) * kx;
  const dy = (b[1] - a[1]) * ky;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, -(ax * dx + ay * dy) / len2));
  return Math.hypot(ax + t * dx, ay + t * dy);
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

/** Metres from a point to a footprint: 0 inside (holes excluded), else to its nearest edge. */
export function footprintMeters(g: AreaGeometry, p: LatLng): number {
  const kx = METRES_PER_DEG * Math.cos((p.lat * Math.PI) / 180);
  let best = Infinity;
  for (const rings of polygonsOf(g)) {
    if (ringContains(rings[0]!, p.lng, p.lat) && !rings.slice(1).some((h) => ringContains(h, p.lng, p.lat))) return 0;
    for (const ring of rings) for (let i = 1; i < ring.length; i++) best = Math.min(best, segmentMeters(p.lng, p.lat, ring[i - 1]!, ring[i]!, kx, METRES_PER_DEG));
  }
  return best;
}

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
  readonly #segments: { road: number; a: Position; b: Position }[] = [];
  readonly #roadTree: Flatbush | null;

  constructor(places: PlaceSet) {
    this.buildings = [...places.buildings].sort((a, b) => collator.compare(a.estate, b.estate) || collator.compare(a.number, b.number) || (a.id < b.id ? -1 : 1));
    this.roads = places.roads;
    this.#byId = new Map(this.buildings.map((b) => [b.id, b]));
    if (this.buildings.length === 0) this.#tree = null;
    else {
      const tree = new Flatbush(this.buildings.length);
      for (const b of this.buildings) {
        const [x0, y0, x1, y1] = b.footprint ? boxOf(polygonsOf(b.footprint).flat(2)) : [b.point.lng, b.point.lat, b.point.lng, b.point.lat];
        tree.add(x0, y0, x1, y1);
      }
      tree.finish();
      this.#tree = tree;
    }
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
    // A degree of longitude is the shorter one here: maxMeters in its degrees bounds the search.
    const kx = METRES_PER_DEG * Math.cos((p.lat * Math.PI) / 180);
    const found: NearBuilding[] = [];
    for (const i of this.#tree.neighbors(p.lng, p.lat, Infinity, maxMeters / kx)) {
      const b = this.buildings[i]!;
      const meters = b.footprint ? footprintMeters(b.footprint, p) : segmentMeters(p.lng, p.lat, [b.point.lng, b.point.lat], [b.point.lng, b.point.lat], kx, METRES_PER_DEG);
      if (meters <= maxMeters) found.push({ building: b, meters });
    }
    return found.sort((a, b) => a.meters - b.meters || (a.building.id < b.building.id ? -1 : 1)).slice(0, limit);
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
