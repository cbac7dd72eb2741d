/**
 * The packed form of the routing index shared by its builder (geo/spatial-index-build), its
 * queries (geo/spatial-index) and its stored form (geo/spatial-index-format): the tolerances,
 * the layout and the exact point-in-grid test every path agrees on.
 */
import type Flatbush from 'flatbush';

/**
 * Distance (degrees, ~0.1 mm) within which a point counts as on a boundary. Far below GPS
 * accuracy, so it never changes a real decision, but well above the ~1e-14° rounding of
 * coordinates around 114°, so a point computed to lie on an edge is recognised as such.
 */
export const EDGE_TOLERANCE_DEG = 1e-9;
export const EPS = EDGE_TOLERANCE_DEG;
const EPS2 = EPS * EPS;

/**
 * A cell is only classified "inside"/"outside" a grid when no edge of that grid comes within this
 * of it (~1 mm): it covers the edge tolerance above plus any rounding in the cell arithmetic
 * (~1e-13°), so the short-cut and the exact test can never disagree.
 */
export const CELL_MARGIN_DEG = 1e-8;

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

/**
 * Closed-set even-odd test of the grid whose block starts at `off`, at (x, y). A point within
 * EDGE_TOLERANCE_DEG of any ring is in; otherwise the half-open-in-y ray crossing parity decides.
 */
export function containsBlock(data: Float64Array, off: number, x: number, y: number): boolean {
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

/** Code-unit order, not locale order: the tie-break must not depend on the server's locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
