/**
 * The area model (PRODUCT.md "People": 一地一人一账号，分级授权). Every staff account is bound to
 * areas and may see and act on nothing outside them, so `AreaTree.covers` is an authorisation
 * primitive: it must be unambiguous, which is why the constructor refuses duplicate ids and
 * parent cycles outright instead of guessing.
 *
 * Two hierarchies share one id space:
 *   administrative: city → district 区 → street 街道 → community 社区 → grid 网格
 *   police:         station 派出所 → beat 警格 (a station hangs under a district, or a street)
 * and they meet at the grid: each grid's `parentId` is its community and its `beatId` its beat.
 */
import type { LatLng } from '#geo/datum';

export type AreaLevel = 'city' | 'district' | 'street' | 'community' | 'grid' | 'station' | 'beat';

export const AREA_LEVELS: readonly AreaLevel[] = ['city', 'district', 'street', 'community', 'grid', 'station', 'beat'];

/**
 * GeoJSON geometry (RFC 7946), defined locally because @types/geojson is not installed. Positions
 * are [lng, lat] in WGS-84 — GeoJSON's order, the opposite of `LatLng`'s field order, so keep
 * the two apart. Altitude is not carried: boundaries are 2-D and an import should drop it.
 */
export type Position = [lng: number, lat: number];
/** A closed ring: first position equals last; exterior rings counter-clockwise, holes clockwise. */
export type LinearRing = Position[];
export interface Polygon {
  type: 'Polygon';
  /** first ring is the exterior, the rest are holes */
  coordinates: LinearRing[];
}
export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: LinearRing[][];
}
export type AreaGeometry = Polygon | MultiPolygon;

export interface Area {
  id: string;
  name: string;
  level: AreaLevel;
  parentId: string | null;
  /** grids only: the beat the grid belongs to (each grid is in exactly one beat) */
  beatId?: string;
  /** WGS-84, [lng, lat]; required for grids (routing locates points in them), optional above */
  geometry?: AreaGeometry;
  /** WGS-84; where to centre a map on the area */
  centroid: LatLng;
}

export interface AreaSnapshot {
  /** identifies this set of boundaries, so a stored routing decision can say which it used */
  version: string;
  areas: Area[];
}

export interface GridLineage {
  grid: Area | undefined;
  community: Area | undefined;
  street: Area | undefined;
  district: Area | undefined;
  beat: Area | undefined;
  station: Area | undefined;
}

/**
 * Which levels may be the parent of each level. Stations are allowed under a street as well as a
 * district because 派出所 jurisdictions sometimes follow a street rather than a district.
 */
const ALLOWED_PARENTS: Record<AreaLevel, readonly (AreaLevel | null)[]> = {
  city: [null],
  district: ['city'],
  street: ['district'],
  community: ['street'],
  grid: ['community'],
  station: ['city', 'district', 'street'],
  beat: ['station'],
};

/**
 * Structural problems with a snapshot, one human-readable line each; [] means usable. Geometry is
 * only checked for shape (closed rings of finite numbers) — overlap and gap checks belong to the
 * GeoJSON import.
 */
export function validateSnapshot(s: AreaSnapshot): string[] {
  const problems: string[] = [];
  if (typeof s.version !== 'string' || s.version === '') problems.push('snapshot has no version');
  const byId = new Map<string, Area>();
  for (const a of s.areas) {
    if (byId.has(a.id)) problems.push(`duplicate id ${a.id}`);
    else byId.set(a.id, a);
  }
  for (const a of s.areas) {
    if (!AREA_LEVELS.includes(a.level)) {
      problems.push(`${a.id}: unknown level ${String(a.level)}`);
      continue;
    }
    const allowed = ALLOWED_PARENTS[a.level];
    if (a.parentId === null) {
      if (!allowed.includes(null)) problems.push(`${a.id}: a ${a.level} needs a parent`);
    } else {
      const parent = byId.get(a.parentId);
      if (parent === undefined) problems.push(`${a.id}: unknown parent ${a.parentId}`);
      else if (!allowed.includes(parent.level)) {
        problems.push(`${a.id}: a ${a.level} cannot sit under ${parent.id} (a ${parent.level})`);
      }
    }
    if (a.level === 'grid') {
      if (a.beatId === undefined) problems.push(`${a.id}: grid without beat`);
      else {
        const beat = byId.get(a.beatId);
        if (beat === undefined) problems.push(`${a.id}: unknown beat ${a.beatId}`);
        else if (beat.level !== 'beat') problems.push(`${a.id}: beatId ${a.beatId} is a ${beat.level}, not a beat`);
      }
      if (a.geometry === undefined) problems.push(`${a.id}: grid without geometry`);
    } else if (a.beatId !== undefined) {
      problems.push(`${a.id}: only grids have a beatId`);
    }
    if (a.geometry !== undefined) problems.push(...geometryProblems(a.id, a.geometry));
    if (!Number.isFinite(a.centroid?.lat) || !Number.isFinite(a.centroid?.lng)) {
      problems.push(`${a.id}: centroid is not a finite coordinate`);
    }
  }
  problems.push(...cycleProblems(s.areas, byId));
  return problems;
}

function geometryProblems(id: string, g: AreaGeometry): string[] {
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : null;
  if (polygons === null) return [`${id}: geometry must be a Polygon or MultiPolygon`];
  const problems: string[] = [];
  if (polygons.length === 0) problems.push(`${id}: geometry has no polygons`);
  for (const rings of polygons) {
    if (rings.length === 0) problems.push(`${id}: polygon has no rings`);
    for (const ring of rings) {
      // 4 = a triangle plus the closing repeat, the smallest ring GeoJSON allows
      if (ring.length < 4) {
        problems.push(`${id}: ring has ${ring.length} positions (needs at least 4)`);
        continue;
      }
      if (!ring.every((pos) => Number.isFinite(pos[0]) && Number.isFinite(pos[1]))) {
        problems.push(`${id}: ring has a non-finite position`);
      }
      const first = ring[0];
      const last = ring[ring.length - 1];
      if (first === undefined || last === undefined || first[0] !== last[0] || first[1] !== last[1]) {
        problems.push(`${id}: ring is not closed`);
      }
    }
  }
  return problems;
}

/** Areas whose parent chain loops back on itself (reported once per loop member). */
function cycleProblems(areas: Area[], byId: Map<string, Area>): string[] {
  const problems: string[] = [];
  for (const a of areas) {
    const seen = new Set<string>([a.id]);
    let p = a.parentId;
    while (p !== null) {
      if (p === a.id) {
        problems.push(`${a.id}: parent chain loops back to itself`);
        break;
      }
      if (seen.has(p)) break; // a loop further up; its members report it themselves
      seen.add(p);
      p = byId.get(p)?.parentId ?? null;
    }
  }
  return problems;
}

/**
 * Area-weighted centroid of a geometry, computed in degree space (fine at city scale, where the
 * lng/lat scale ratio is constant to well under 1 %). Holes subtract because they wind the other
 * way; rings are used as given, so a ring must be closed. Falls back to the mean vertex for a
 * degenerate (zero-area) geometry. The result can lie outside a strongly concave shape.
 */
export function centroidOf(g: AreaGeometry): LatLng {
  let a2 = 0; // twice the signed area
  let cx = 0;
  let cy = 0;
  let sx = 0;
  let sy = 0;
  let count = 0;
  const rings = g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
  for (const ring of rings) {
    // Shift to the ring's first vertex so the cross products do not cancel catastrophically
    // (coordinates near 114° against areas of 1e-6 deg²).
    const o = ring[0];
    if (o === undefined) continue;
    for (let i = 0; i + 1 < ring.length; i++) {
      const p = ring[i] as Position;
      const q = ring[i + 1] as Position;
      const x0 = p[0] - o[0];
      const y0 = p[1] - o[1];
      const x1 = q[0] - o[0];
      const y1 = q[1] - o[1];
      const cross = x0 * y1 - x1 * y0;
      a2 += cross;
      cx += (x0 + x1 + 3 * o[0]) * cross; // shifted-frame term plus the shift back (o·area = 3·o·cross/6)
      cy += (y0 + y1 + 3 * o[1]) * cross;
      sx += p[0];
      sy += p[1];
      count++;
    }
  }
  if (a2 === 0) return count === 0 ? { lat: NaN, lng: NaN } : { lat: sy / count, lng: sx / count };
  return { lat: cy / (3 * a2), lng: cx / (3 * a2) };
}

export class AreaTree {
  readonly version: string;
  readonly #byId = new Map<string, Area>();
  readonly #children = new Map<string, Area[]>();
  /** precomputed because covers() sits on every authorised request */
  readonly #ancestors = new Map<string, readonly Area[]>();

  /**
   * Throws on duplicate ids and parent cycles, the two faults that would make `covers` ambiguous.
   * Other problems (unknown parents, grids without beats …) are tolerated so partial fixtures
   * still load; run `validateSnapshot` before trusting a snapshot from outside.
   */
  constructor(snapshot: AreaSnapshot) {
    this.version = snapshot.version;
    for (const a of snapshot.areas) {
      if (this.#byId.has(a.id)) throw new Error(`AreaTree: duplicate id ${a.id}`);
      this.#byId.set(a.id, a);
    }
    const cycles = cycleProblems(snapshot.areas, this.#byId);
    if (cycles.length > 0) throw new Error(`AreaTree: ${cycles.join('; ')}`);
    for (const a of snapshot.areas) {
      if (a.parentId === null) continue;
      const siblings = this.#children.get(a.parentId);
      if (siblings === undefined) this.#children.set(a.parentId, [a]);
      else siblings.push(a);
    }
    for (const a of snapshot.areas) this.#ancestors.set(a.id, this.#computeAncestors(a));
  }

  get(id: string): Area | undefined {
    return this.#byId.get(id);
  }

  /** Areas matching every given criterion, in snapshot order. */
  list(filter: { level?: AreaLevel; parentId?: string } = {}): Area[] {
    const out: Area[] = [];
    for (const a of this.#byId.values()) {
      if (filter.level !== undefined && a.level !== filter.level) continue;
      if (filter.parentId !== undefined && a.parentId !== filter.parentId) continue;
      out.push(a);
    }
    return out;
  }

  /** Areas without a parent: whoever covers all of them covers the whole map. */
  roots(): string[] {
    return this.list().filter((a) => a.parentId === null).map((a) => a.id);
  }

  /** Direct children by `parentId` (a beat's grids are not its children: see `gridsOfBeat`). */
  children(id: string): Area[] {
    return [...(this.#children.get(id) ?? [])];
  }

  /** The grids whose `beatId` is this beat, in snapshot order. */
  gridsOfBeat(beatId: string): Area[] {
    return this.list({ level: 'grid' }).filter((g) => g.beatId === beatId);
  }

  /**
   * Every area that contains `id`, excluding itself; [] for an unknown id. First the parent chain,
   * nearest first (community, street, district, city); then, for a grid, its beat and the beat's
   * chain (beat, station, …) without repeating areas already listed. The police line is included
   * because an officer bound to a beat or station must reach the grids in it.
   */
  ancestors(id: string): Area[] {
    return [...(this.#ancestors.get(id) ?? [])];
  }

  /**
   * True if `ancestorId` is `areaId` or one of its `ancestors` — i.e. someone bound to
   * `ancestorId` may act on `areaId`. Unknown ids cover nothing and are covered by nothing.
   */
  covers(ancestorId: string, areaId: string): boolean {
    const chain = this.#ancestors.get(areaId);
    if (chain === undefined) return false;
    if (ancestorId === areaId) return true;
    return chain.some((a) => a.id === ancestorId);
  }

  /**
   * The administrative and police areas a grid sits in. All undefined when `gridId` is not a
   * grid; a missing level (unknown parent) is undefined rather than an error.
   */
  lineage(gridId: string): GridLineage {
    const grid = this.#byId.get(gridId);
    const out: GridLineage = {
      grid: undefined,
      community: undefined,
      street: undefined,
      district: undefined,
      beat: undefined,
      station: undefined,
    };
    if (grid === undefined || grid.level !== 'grid') return out;
    out.grid = grid;
    // Pick by level rather than by position so a station hanging under a street does not shift
    // the administrative slots. Admin chain first, so the district is the one on the grid's own
    // parent chain even if the station sits under a different district.
    for (const a of this.#ancestors.get(gridId) ?? []) {
      if (a.level === 'community') out.community ??= a;
      else if (a.level === 'street') out.street ??= a;
      else if (a.level === 'district') out.district ??= a;
      else if (a.level === 'beat') out.beat ??= a;
      else if (a.level === 'station') out.station ??= a;
    }
    return out;
  }

  #parentChain(a: Area): Area[] {
    const chain: Area[] = [];
    let p = a.parentId === null ? undefined : this.#byId.get(a.parentId);
    while (p !== undefined) {
      chain.push(p);
      p = p.parentId === null ? undefined : this.#byId.get(p.parentId);
    }
    return chain;
  }

  #computeAncestors(a: Area): Area[] {
    const chain = this.#parentChain(a);
    if (a.level === 'grid' && a.beatId !== undefined) {
      const beat = this.#byId.get(a.beatId);
      if (beat !== undefined && beat.level === 'beat') {
        const seen = new Set(chain.map((x) => x.id));
        for (const x of [beat, ...this.#parentChain(beat)]) {
          if (!seen.has(x.id)) {
            seen.add(x.id);
            chain.push(x);
          }
        }
      }
    }
    return chain;
  }
}
