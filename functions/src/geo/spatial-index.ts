/**
 * Point (WGS-84) → grid id, the first step of routing a report.
 *
 * Layout. Grids are sorted by id, so a grid's position k IS its rank in the tie-break below, and
 * packed once into one Float64Array, one contiguous block per grid:
 *   [k, ringCount, length of ring 0, …, length of ring R-1, x0, y0, x1, y1, …]
 * with every ring stored closed (first vertex repeated), so an exact test reads one block front
 * to back. In front of the exact test sits a uniform cell grid over the city's extent (about
 * CELLS_PER_GRID cells per grid); each cell knows, classified at build time, which grids can
 * contain a point of it, in rank order:
 *   - a grid whose boundary passes within CELL_MARGIN_DEG of the cell is "mixed": tested exactly;
 *   - a grid that holds the whole cell with no boundary near it is "inside": it ends the list,
 *     since no later grid can beat it, and needs no test at all;
 *   - grids disjoint from the cell are left out.
 * A cell whose list is a single "inside" grid stores the answer in its own slot.
 * Why this shape: with random points the cost of a lookup is its chain of cache misses, not its
 * arithmetic (the same lookups on spatially sorted points run ~3× faster). So the chain is kept
 * short — cell slot → [cell list] → [grid block, read sequentially] → id — rather than adding
 * per-edge side indexes, which cut the edges tested but cost more misses than they save.
 * The exact test is an even-odd ray cast over all rings of a grid (MultiPolygon parts and holes
 * need no special cases); a lookup allocates nothing. A Flatbush tree over the grids' bounding
 * boxes serves `nearest` (its `neighbors` is the bbox-distance prefilter).
 *
 * Boundary rule (deterministic, independent of input order): polygons are CLOSED — a point on a
 * ring, or within EDGE_TOLERANCE_DEG (Euclidean, in degrees) of one, belongs to every grid that
 * ring bounds — and when several grids contain a point the one with the smallest id (plain
 * string comparison) wins.
 * Why closed + smallest id rather than a half-open crossing rule: two neighbours that store
 * the same shared edge in opposite directions can round the crossing point differently, so a
 * half-open rule could leave a point exactly on the edge in neither grid or in both, depending on
 * the last bit; a tolerance band claimed by both, then a fixed tie-break, cannot.
 * The cell grid does not change this rule: a cell is only short-cut when no boundary comes within
 * CELL_MARGIN_DEG (10× the tolerance) of it, where every point of the cell gets the same answer
 * from the exact test anyway.
 *
 * Snapshot → ready index, the path production uses (and `npm run bench:routing` times): when a
 * new areas version is imported, build once with `buildGridIndex(grids)` and store
 * `serializeIndex(index)` beside the snapshot (≈ 0.6 KB per grid, so S3 rather than a DynamoDB
 * item for a whole city); a Lambda keeps `loadIndex(bytes)` in module scope keyed by the areas
 * version and reloads when the version changes. Loading is zero-copy: typed-array views over the
 * stored bytes, Flatbush.from on its slice, one split for the ids — a few milliseconds for
 * 20,000 grids, with no GeoJSON parsed and nothing rebuilt.
 */
import { packToBytes, unpack } from '#geo/spatial-index-format';
import { pack } from '#geo/spatial-index-build';
import { compareIds, containsBlock, EPS, type Packed } from '#geo/spatial-index-packed';
import type { Area } from '#geo/areas';
import type { LatLng } from '#geo/datum';

export { EDGE_TOLERANCE_DEG } from '#geo/spatial-index-packed';

/** Mean Earth radius (IUGG), as in datum.ts; metres per degree of latitude follows from it. */
const EARTH_RADIUS_M = 6371008.8;
const METRES_PER_DEG = (EARTH_RADIUS_M * Math.PI) / 180;


export interface NearestGrid {
  id: string;
  /** metres from the point to the grid (0 when the point is in it) */
  meters: number;
}

export interface GridIndex {
  /** the id of the grid containing `p` (WGS-84), or null if no grid does */
  locate(p: LatLng): string | null;
  /**
   * The grid closest to `p` within `maxMeters`, or null if none is. A point inside a grid gets
   * that grid (as `locate` picks it) at 0 m; otherwise the distance is from the point to the
   * grid's nearest boundary (exterior ring or hole), in a local equirectangular projection at
   * the point's latitude (well under 0.1 % off at city scale). Equal distances go to the
   * smallest id.
   */
  nearest(p: LatLng, maxMeters: number): NearestGrid | null;
  /**
   * The closest grid other than `exceptId` within `maxMeters` (distance to its boundary, as
   * `nearest` measures from outside), or null: how near a point is to the next grid over.
   */
  nearestOther(p: LatLng, maxMeters: number, exceptId: string): NearestGrid | null;
  /** number of grids indexed */
  readonly size: number;
}

/**
 * Build an index over `grids` (their `geometry`, WGS-84 [lng, lat]). Throws if a grid has no
 * geometry, a ring has fewer than 3 distinct vertices or a non-finite coordinate, or two grids
 * share an id — a grid that could never be found should fail loudly when boundaries are loaded,
 * not route nothing later.
 */
export function buildGridIndex(grids: Area[]): GridIndex {
  return new PackedGridIndex(pack(grids));
}

/** The stored form of an index built by this module (see the header for where it goes). */
export function serializeIndex(index: GridIndex): Uint8Array {
  if (!(index instanceof PackedGridIndex)) throw new Error('serializeIndex: not an index built by buildGridIndex');
  return index.toBytes();
}

/**
 * A ready index from `serializeIndex` bytes. Zero-copy when the bytes start on an 8-byte
 * boundary (one memcpy otherwise), so the index keeps the buffer alive. Throws on bytes that are
 * not an index of this format version, or are truncated.
 */
export function loadIndex(bytes: Uint8Array): GridIndex {
  return new PackedGridIndex(unpack(bytes));
}

class PackedGridIndex implements GridIndex {
  readonly size: number;
  readonly #p: Packed;
  // Hot fields copied out of #p so `locate` reads them with one hop.
  readonly #ids: string[];
  readonly #data: Float64Array;
  readonly #minX: number;
  readonly #minY: number;
  readonly #maxX: number;
  readonly #maxY: number;
  readonly #invW: number;
  readonly #invH: number;
  readonly #nx: number;
  readonly #ny: number;
  readonly #cellHead: Int32Array;
  readonly #cellItems: Int32Array;

  constructor(p: Packed) {
    this.#p = p;
    this.size = p.n;
    this.#ids = p.ids;
    this.#data = p.data;
    this.#minX = p.minX;
    this.#minY = p.minY;
    this.#maxX = p.maxX;
    this.#maxY = p.maxY;
    this.#invW = 1 / p.cellW;
    this.#invH = 1 / p.cellH;
    this.#nx = p.nx;
    this.#ny = p.ny;
    this.#cellHead = p.cellHead;
    this.#cellItems = p.cellItems;
  }

  locate(pt: LatLng): string | null {
    const k = this.#locateRank(pt.lng, pt.lat);
    return k < 0 ? null : this.#ids[k]!;
  }

  /** Rank of the grid holding (x, y), or -1. */
  #locateRank(x: number, y: number): number {
    // Also rejects NaN and ±Infinity, and everything outside the extent.
    if (!(x >= this.#minX && x <= this.#maxX && y >= this.#minY && y <= this.#maxY)) return -1;
    let cx = ((x - this.#minX) * this.#invW) | 0;
    let cy = ((y - this.#minY) * this.#invH) | 0;
    if (cx >= this.#nx) cx = this.#nx - 1;
    if (cy >= this.#ny) cy = this.#ny - 1;
    const head = this.#cellHead[cy * this.#nx + cx]!;
    if (head < 0) return ~head;
    const items = this.#cellItems;
    const end = head + 1 + items[head]!;
    for (let e = head + 1; e < end; e++) {
      const v = items[e]!;
      if (v < 0) return ~v;
      if (containsBlock(this.#data, v, x, y)) return this.#data[v]!;
    }
    return -1;
  }

  nearest(pt: LatLng, maxMeters: number): NearestGrid | null {
    const x = pt.lng;
    const y = pt.lat;
    if (!Number.isFinite(x) || !Number.isFinite(y) || !(maxMeters >= 0)) return null;
    const inside = this.#locateRank(x, y);
    if (inside >= 0) return { id: this.#ids[inside]!, meters: 0 };
    return this.#closest(x, y, maxMeters, -1);
  }

  nearestOther(pt: LatLng, maxMeters: number, exceptId: string): NearestGrid | null {
    if (!Number.isFinite(pt.lng) || !Number.isFinite(pt.lat) || !(maxMeters >= 0)) return null;
    // ids are in code-unit order: the rank by binary search
    let lo = 0;
    let hi = this.#ids.length - 1;
    let except = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compareIds(this.#ids[mid]!, exceptId);
      if (c === 0) {
        except = mid;
        break;
      }
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return this.#closest(pt.lng, pt.lat, maxMeters, except);
  }

  /** The grid (not rank `except`) whose boundary is closest to (x, y) within maxMeters. */
  #closest(x: number, y: number, maxMeters: number, except: number): NearestGrid | null {
    const tree = this.#p.tree;
    if (tree === null) return null;
    // Local equirectangular metres at the point's latitude. A degree of longitude is the shorter
    // one, so maxMeters / (metres per degree of longitude) bounds the search radius in degrees.
    const kx = METRES_PER_DEG * Math.cos((y * Math.PI) / 180);
    const ky = METRES_PER_DEG;
    if (!(kx > 0)) return null;
    const candidates = tree.neighbors(x, y, Infinity, maxMeters / kx + EPS);
    let best = -1;
    let bestD2 = maxMeters * maxMeters;
    for (const k of candidates) {
      if (k === except) continue;
      const d2 = this.#distance2Metres(k, x, y, kx, ky);
      if (d2 < bestD2 || (d2 === bestD2 && (best === -1 || k < best))) {
        best = k;
        bestD2 = d2;
      }
    }
    return best === -1 ? null : { id: this.#ids[best]!, meters: Math.sqrt(bestD2) };
  }

  /** Squared metres from (x, y) to the nearest edge of grid k (kx, ky: metres per degree). */
  #distance2Metres(k: number, x: number, y: number, kx: number, ky: number): number {
    const data = this.#data;
    const off = this.#p.gridOffset[k]!;
    const rings = data[off + 1]!;
    let v = off + 2 + rings;
    let best = Infinity;
    for (let ri = 0; ri < rings; ri++) {
      const end = v + 2 * (data[off + 2 + ri]! - 1);
      for (; v < end; v += 2) {
        // distance from the origin (the query point) to segment a-b, in metres
        const ax = (data[v]! - x) * kx;
        const ay = (data[v + 1]! - y) * ky;
        const bx = (data[v + 2]! - x) * kx;
        const by = (data[v + 3]! - y) * ky;
        const dx = bx - ax;
        const dy = by - ay;
        const len2 = dx * dx + dy * dy;
        const t = len2 === 0 ? 0 : -(ax * dx + ay * dy) / len2;
        // At an end, the vertex itself: a vertex shared by two grids then gives both the very
        // same distance, and the tie goes to the smaller id rather than to rounding.
        const d2 = t <= 0 ? ax * ax + ay * ay : t >= 1 ? bx * bx + by * by : (ax + t * dx) ** 2 + (ay + t * dy) ** 2;
        if (d2 < best) best = d2;
      }
      v += 2;
    }
    return best;
  }

  toBytes(): Uint8Array {
    return packToBytes(this.#p);
  }
}
