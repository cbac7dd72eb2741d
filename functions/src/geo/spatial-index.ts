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
import Flatbush from 'flatbush';
import { packToBytes, unpack } from '#geo/spatial-index-format';
import type { Area, AreaGeometry, LinearRing } from '#geo/areas';
import type { LatLng } from '#geo/datum';

/**
 * Distance (degrees, ~0.1 mm) within which a point counts as on a boundary. Far below GPS
 * accuracy, so it never changes a real decision, but well above the ~1e-14° rounding of
 * coordinates around 114°, so a point computed to lie on an edge is recognised as such.
 */
export const EDGE_TOLERANCE_DEG = 1e-9;
const EPS = EDGE_TOLERANCE_DEG;
const EPS2 = EPS * EPS;

/**
 * A cell is only classified "inside"/"outside" a grid when no edge of that grid comes within this
 * of it (~1 mm): it covers the edge tolerance above plus any rounding in the cell arithmetic
 * (~1e-13°), so the short-cut and the exact test can never disagree.
 */
const CELL_MARGIN_DEG = 1e-8;

/**
 * Cells per grid, on average (by bounding-box area). More cells → more of them lie wholly inside
 * one grid (no exact test) but more memory (4 bytes a cell plus its list). 24 keeps the cell
 * grid to ~4 MB for 20,000 grids. Capped so a few huge grids cannot blow the memory up.
 */
const CELLS_PER_GRID = 24;
const MAX_CELLS = 1 << 22;

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

/** The packed, serialisable form. Grid k (0-based) is the k-th id in code-unit order. */
export interface Packed {
  n: number;
  ids: string[];
  /** the grid blocks (see the header), back to back in rank order */
  data: Float64Array;
  /** offset of grid k's block in `data`; last = data length */
  gridOffset: Uint32Array;
  /** extent of the cell grid = union of the grids' boxes widened by CELL_MARGIN_DEG */
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  cellW: number;
  cellH: number;
  nx: number;
  ny: number;
  /**
   * One slot per cell (row-major from the south-west): ~k (negative) = the whole cell is in
   * grid k; otherwise the offset in cellItems of the cell's list: a count, then entries.
   * Offset 0 holds the shared empty list.
   */
  cellHead: Int32Array;
  /** list entries: a block offset (≥ 0) = test that grid exactly; ~k = grid k holds the rest */
  cellItems: Int32Array;
  /** over the grids' boxes widened by EDGE_TOLERANCE_DEG; null when there are no grids */
  tree: Flatbush | null;
}

function ringsOf(g: AreaGeometry): LinearRing[] {
  return g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
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

function pack(grids: Area[]): Packed {
  const n = grids.length;
  if (n > 0x3fffffff) throw new Error('buildGridIndex: too many grids');
  // Pass 1: check, and size the block array so it is allocated exactly once.
  let size = 0;
  const seenIds = new Set<string>();
  for (const g of grids) {
    if (seenIds.has(g.id)) throw new Error(`buildGridIndex: duplicate grid id ${g.id}`);
    if (g.id.includes('\0')) throw new Error('buildGridIndex: a grid id contains NUL');
    seenIds.add(g.id);
    if (g.geometry === undefined) throw new Error(`buildGridIndex: grid ${g.id} has no geometry`);
    size += 2;
    for (const ring of ringsOf(g.geometry)) size += 1 + 2 * (openLength(ring) + 1);
  }
  if (size > 0x7fffffff) throw new Error('buildGridIndex: too many vertices');
  // Sorted by id, so position = rank and the tie-break is "smallest k".
  const sorted = [...grids].sort((a, b) => compareIds(a.id, b.id));
  const ids = sorted.map((g) => g.id);
  const data = new Float64Array(size);
  const gridOffset = new Uint32Array(n + 1);
  const boxes = new Float64Array(n * 4);
  let at = 0;
  sorted.forEach((g, k) => {
    gridOffset[k] = at;
    const rings = ringsOf(g.geometry as AreaGeometry);
    data[at] = k;
    data[at + 1] = rings.length;
    let v = at + 2 + rings.length;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    rings.forEach((ring, ri) => {
      const len = openLength(ring);
      if (len < 3) throw new Error(`buildGridIndex: grid ${g.id} has a ring with fewer than 3 vertices`);
      data[at + 2 + ri] = len + 1;
      const first = v;
      for (let i = 0; i < len; i++) {
        const pos = ring[i] as [number, number];
        const x = pos[0];
        const y = pos[1];
        if (!Number.isFinite(x) || !Number.isFinite(y)) {
          throw new Error(`buildGridIndex: grid ${g.id} has a non-finite coordinate`);
        }
        data[v++] = x;
        data[v++] = y;
        if (x < minX) minX = x;
        if (y < minY) minY = y;
        if (x > maxX) maxX = x;
        if (y > maxY) maxY = y;
      }
      data[v++] = data[first]!;
      data[v++] = data[first + 1]!;
    });
    at = v;
    boxes[4 * k] = minX;
    boxes[4 * k + 1] = minY;
    boxes[4 * k + 2] = maxX;
    boxes[4 * k + 3] = maxY;
  });
  gridOffset[n] = at;

  let tree: Flatbush | null = null;
  if (n > 0) {
    tree = new Flatbush(n);
    for (let k = 0; k < n; k++) {
      // Widened by the tolerance so points in the boundary band just outside are still found.
      tree.add(boxes[4 * k]! - EPS, boxes[4 * k + 1]! - EPS, boxes[4 * k + 2]! + EPS, boxes[4 * k + 3]! + EPS);
    }
    tree.finish();
  }
  const packed: Packed = {
    n,
    ids,
    data,
    gridOffset,
    minX: 0,
    minY: 0,
    maxX: -1, // empty extent: every lookup falls outside
    maxY: -1,
    cellW: 1,
    cellH: 1,
    nx: 1,
    ny: 1,
    cellHead: new Int32Array(1),
    cellItems: new Int32Array(1),
    tree,
  };
  if (n > 0) buildCells(packed, boxes);
  return packed;
}

/**
 * Fill the cell grid of `p` (see the header). Per grid, in rank order: every cell an edge passes
 * within CELL_MARGIN_DEG of is "mixed"; every other cell of the grid's box is inside or outside
 * as its centre is (no edge comes near it, so all its points agree). Lists come out in rank
 * order because grids are visited in rank order and the bucketing below is stable.
 */
function buildCells(p: Packed, boxes: Float64Array): void {
  const { n, data, gridOffset } = p;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let boxArea = 0;
  for (let k = 0; k < n; k++) {
    const x0 = boxes[4 * k]!;
    const y0 = boxes[4 * k + 1]!;
    const x1 = boxes[4 * k + 2]!;
    const y1 = boxes[4 * k + 3]!;
    if (x0 < minX) minX = x0;
    if (y0 < minY) minY = y0;
    if (x1 > maxX) maxX = x1;
    if (y1 > maxY) maxY = y1;
    boxArea += (x1 - x0) * (y1 - y0);
  }
  minX -= CELL_MARGIN_DEG;
  minY -= CELL_MARGIN_DEG;
  maxX += CELL_MARGIN_DEG;
  maxY += CELL_MARGIN_DEG;
  const width = maxX - minX;
  const height = maxY - minY;
  // Square-ish cells sized from the mean grid box, then capped in number.
  let side = Math.sqrt(boxArea / n / CELLS_PER_GRID);
  if (!(side > 0)) side = Math.max(width, height);
  let nx = Math.max(1, Math.ceil(width / side));
  let ny = Math.max(1, Math.ceil(height / side));
  const cap = Math.min(MAX_CELLS, Math.max(1024, CELLS_PER_GRID * 4 * n));
  if (nx * ny > cap) {
    const shrink = Math.sqrt((nx * ny) / cap);
    nx = Math.max(1, Math.floor(nx / shrink));
    ny = Math.max(1, Math.floor(ny / shrink));
  }
  const cellW = width / nx;
  const cellH = height / ny;
  const invW = 1 / cellW;
  const invH = 1 / cellH;
  const cellX = (x: number): number => Math.min(nx - 1, Math.max(0, Math.floor((x - minX) * invW)));
  const cellY = (y: number): number => Math.min(ny - 1, Math.max(0, Math.floor((y - minY) * invH)));

  // (cell, item) pairs in push order, item = k (mixed) or ~k (inside); grown by doubling.
  let pairCell = new Int32Array(1 << 16);
  let pairItem = new Int32Array(1 << 16);
  let pairs = 0;
  const push = (c: number, item: number): void => {
    if (pairs === pairCell.length) {
      const a = new Int32Array(pairs * 2);
      a.set(pairCell);
      pairCell = a;
      const b = new Int32Array(pairs * 2);
      b.set(pairItem);
      pairItem = b;
    }
    pairCell[pairs] = c;
    pairItem[pairs] = item;
    pairs++;
  };
  const stamp = new Int32Array(nx * ny).fill(-1);
  const M = CELL_MARGIN_DEG;

  for (let k = 0; k < n; k++) {
    const off = gridOffset[k]!;
    const rings = data[off + 1]!;
    let v = off + 2 + rings;
    for (let ri = 0; ri < rings; ri++) {
      const end = v + 2 * (data[off + 2 + ri]! - 1);
      for (; v < end; v += 2) {
        const xj = data[v]!;
        const yj = data[v + 1]!;
        const xi = data[v + 2]!;
        const yi = data[v + 3]!;
        const cx0 = cellX(Math.min(xi, xj) - M);
        const cx1 = cellX(Math.max(xi, xj) + M);
        const cy0 = cellY(Math.min(yi, yj) - M);
        const cy1 = cellY(Math.max(yi, yj) + M);
        for (let cy = cy0; cy <= cy1; cy++) {
          for (let cx = cx0; cx <= cx1; cx++) {
            const c = cy * nx + cx;
            if (stamp[c] === k) continue;
            const rx0 = minX + cx * cellW - M;
            const ry0 = minY + cy * cellH - M;
            if (segmentTouchesBox(xj, yj, xi, yi, rx0, ry0, rx0 + cellW + 2 * M, ry0 + cellH + 2 * M)) {
              stamp[c] = k;
              push(c, k);
            }
          }
        }
      }
      v += 2; // past the closing vertex
    }
    const gx0 = cellX(boxes[4 * k]! - M);
    const gx1 = cellX(boxes[4 * k + 2]! + M);
    const gy0 = cellY(boxes[4 * k + 1]! - M);
    const gy1 = cellY(boxes[4 * k + 3]! + M);
    for (let cy = gy0; cy <= gy1; cy++) {
      for (let cx = gx0; cx <= gx1; cx++) {
        const c = cy * nx + cx;
        if (stamp[c] === k) continue;
        if (containsBlock(data, off, minX + (cx + 0.5) * cellW, minY + (cy + 0.5) * cellH)) push(c, ~k);
      }
    }
  }

  // Bucket by cell (stable), keeping each list only up to its first "inside" grid.
  const cells = nx * ny;
  const count = new Uint32Array(cells);
  const closed = new Uint8Array(cells);
  const keep = new Uint8Array(pairs);
  for (let q = 0; q < pairs; q++) {
    const c = pairCell[q]!;
    if (closed[c] === 1) continue;
    keep[q] = 1;
    count[c]!++;
    if (pairItem[q]! < 0) closed[c] = 1;
  }
  const cellHead = new Int32Array(cells);
  const fill = new Uint32Array(cells);
  let total = 1; // items[0] = 0: the shared empty list
  for (let c = 0; c < cells; c++) {
    const m = count[c]!;
    if (m === 0) cellHead[c] = 0;
    else if (m === 1 && closed[c] === 1) cellHead[c] = -1; // filled in below with ~k
    else {
      cellHead[c] = total;
      fill[c] = total + 1;
      total += 1 + m;
    }
  }
  if (total > 0x7fffffff) throw new Error('buildGridIndex: cell grid too large');
  const cellItems = new Int32Array(total);
  for (let c = 0; c < cells; c++) if (cellHead[c]! > 0) cellItems[cellHead[c]!] = count[c]!;
  for (let q = 0; q < pairs; q++) {
    if (keep[q] !== 1) continue;
    const c = pairCell[q]!;
    const item = pairItem[q]!;
    if (cellHead[c]! < 0) cellHead[c] = item; // a lone "inside" grid: ~k in the cell's own slot
    else cellItems[fill[c]!++] = item < 0 ? item : gridOffset[item]!;
  }
  Object.assign(p, { minX, minY, maxX, maxY, cellW, cellH, nx, ny, cellHead, cellItems });
}

/**
 * Does segment (x1,y1)-(x2,y2) meet the box? Separating-axis test: the box's own axes (bounding
 * boxes overlap) and the segment's normal (the corners are not all strictly on one side).
 */
function segmentTouchesBox(x1: number, y1: number, x2: number, y2: number, bx0: number, by0: number, bx1: number, by1: number): boolean {
  if (Math.max(x1, x2) < bx0 || Math.min(x1, x2) > bx1 || Math.max(y1, y2) < by0 || Math.min(y1, y2) > by1) return false;
  const dx = x2 - x1;
  const dy = y2 - y1;
  const s0 = dx * (by0 - y1) - dy * (bx0 - x1);
  const s1 = dx * (by0 - y1) - dy * (bx1 - x1);
  const s2 = dx * (by1 - y1) - dy * (bx0 - x1);
  const s3 = dx * (by1 - y1) - dy * (bx1 - x1);
  return !((s0 > 0 && s1 > 0 && s2 > 0 && s3 > 0) || (s0 < 0 && s1 < 0 && s2 < 0 && s3 < 0));
}

/**
 * Closed-set even-odd test of the grid whose block starts at `off`, at (x, y). A point within
 * EDGE_TOLERANCE_DEG of any ring is in; otherwise the half-open-in-y ray crossing parity decides.
 */
function containsBlock(data: Float64Array, off: number, x: number, y: number): boolean {
  let inside = false;
  const rings = data[off + 1]!;
  let v = off + 2 + rings;
  for (let ri = 0; ri < rings; ri++) {
    const end = v + 2 * (data[off + 2 + ri]! - 1);
    for (; v < end; v += 2) {
      // Edge from j to i, i the later vertex (the roles the crossing formula has always had).
      const yj = data[v + 1]!;
      const yi = data[v + 3]!;
      // Edges whose y-range (widened by the tolerance) misses y can neither be crossed by the
      // ray nor be within tolerance: most edges stop here.
      if ((yi > y + EPS && yj > y + EPS) || (yi < y - EPS && yj < y - EPS)) continue;
      const xj = data[v]!;
      const xi = data[v + 2]!;
      // On the edge (within tolerance)? Box test first, then the exact distance to the segment.
      if (x >= (xi < xj ? xi : xj) - EPS && x <= (xi > xj ? xi : xj) + EPS) {
        const dx = xj - xi;
        const dy = yj - yi;
        const len2 = dx * dx + dy * dy;
        let t = len2 === 0 ? 0 : ((x - xi) * dx + (y - yi) * dy) / len2;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = xi + t * dx - x;
        const ey = yi + t * dy - y;
        if (ex * ex + ey * ey <= EPS2) return true;
      }
      // Half-open in y, so a ray through a vertex counts the two edges meeting there once.
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    v += 2; // past the closing vertex
  }
  return inside;
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

/** Ring length without the repeated closing vertex (tolerates rings stored open). */
function openLength(ring: LinearRing): number {
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (ring.length > 1 && first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1]) {
    return ring.length - 1;
  }
  return ring.length;
}

/** Code-unit order, not locale order: the tie-break must not depend on the server's locale. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
