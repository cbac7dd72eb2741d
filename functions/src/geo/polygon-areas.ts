/**
 * Exact areas in square metres of polygons and of their intersections (the overlap and coverage
 * checks of geo/import), in a local projection, with the tolerance real GIS layers need. Pure.
 */
import type { AreaGeometry } from '#geo/areas';

/** Overlap below this many m² is digitising noise whatever the grid's size. */
export const OVERLAP_MIN_M2 = 1;
/** … and below this share of the smaller area (0.1 %). */
export const OVERLAP_MAX_SHARE = 0.001;

/** The overlap (or uncovered area) allowed for polygons of these areas (m²). */
export function overlapToleranceM2(...areasM2: number[]): number {
  return Math.max(OVERLAP_MIN_M2, OVERLAP_MAX_SHARE * Math.min(...areasM2));
}

export function formatM2(m2: number): string {
  return m2 >= 10_000 ? `${(m2 / 1e6).toFixed(3)} km²` : `${m2.toFixed(1)} m²`;
}

/** Mean Earth radius (IUGG), as in datum.ts. */
const METRES_PER_DEG = (6371008.8 * Math.PI) / 180;

/**
 * Two boundaries closer than this (metres) count as the same line in the area computations:
 * coordinates from a GIS are good to ~1 cm, so a vertex 5 mm off its neighbour's edge is the
 * same edge, not a sliver.
 */
const ON_LINE_M = 0.01;

// ---- exact areas ---------------------------------------------------------------------------------

export interface Projection {
  lng0: number;
  lat0: number;
  kx: number;
  ky: number;
}

/** A local equirectangular projection (metres) centred on the given geometries. */
export function projectionFor(geoms: AreaGeometry[]): Projection {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const g of geoms) {
    for (const ring of g.type === 'Polygon' ? g.coordinates : g.coordinates.flat()) {
      for (const [x, y] of ring) {
        if (x < minX) minX = x;
        if (y < minY) minY = y;
        if (x > maxX) maxX = x;
        if (y > maxY) maxY = y;
      }
    }
  }
  const lng0 = Number.isFinite(minX) ? (minX + maxX) / 2 : 0;
  const lat0 = Number.isFinite(minY) ? (minY + maxY) / 2 : 0;
  return { lng0, lat0, kx: METRES_PER_DEG * Math.cos((lat0 * Math.PI) / 180), ky: METRES_PER_DEG };
}

/** A polygon set in projected metres: closed rings as flat [x0, y0, x1, y1, …, x0, y0]. */
export interface Shape {
  rings: Float64Array[];
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  /** m², holes subtracted */
  area: number;
}

export function toShape(g: AreaGeometry, pr: Projection): Shape {
  const shape: Shape = { rings: [], minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity, area: 0 };
  for (const ring of g.type === 'Polygon' ? g.coordinates : g.coordinates.flat()) {
    const flat = new Float64Array(ring.length * 2);
    ring.forEach(([lng, lat], k) => {
      const x = (lng - pr.lng0) * pr.kx;
      const y = (lat - pr.lat0) * pr.ky;
      flat[2 * k] = x;
      flat[2 * k + 1] = y;
      if (x < shape.minX) shape.minX = x;
      if (y < shape.minY) shape.minY = y;
      if (x > shape.maxX) shape.maxX = x;
      if (y > shape.maxY) shape.maxY = y;
    });
    let a2 = 0;
    for (let k = 0; k + 3 < flat.length; k += 2) a2 += flat[k]! * flat[k + 3]! - flat[k + 2]! * flat[k + 1]!;
    shape.area += a2 / 2;
    shape.rings.push(flat);
  }
  return shape;
}

/** Area (m²) of a geometry, holes subtracted, in a local projection centred on it. */
export function areaM2(g: AreaGeometry): number {
  return toShape(g, projectionFor([g])).area;
}

/**
 * Exact area (m²) of the intersection of two polygon sets, each with exteriors counter-clockwise
 * and holes clockwise (as this module normalises them) and no self-overlap.
 * Method (Green's theorem): the boundary of A ∩ B is the part of A's boundary inside B plus the
 * part of B's boundary inside A, so its area is ½ Σ (x0·y1 − x1·y0) over those pieces. Each edge
 * is split where the other boundary crosses or touches it and each piece is classified by its
 * midpoint. Pieces lying ON the other boundary (within ON_LINE_M) belong to the intersection's
 * boundary only when both run the same way (the polygons are on the same side of the line), and
 * are then counted once, from A. So shared edges between neighbours count nothing, and a grid
 * along its beat's outer edge counts once. Works for concave shapes, holes and MultiPolygons, in
 * O(|A|·|B|) per pair — rings here have tens of vertices.
 */
export function intersectionAreaM2(a: AreaGeometry, b: AreaGeometry): number {
  const pr = projectionFor([a, b]);
  return intersectionArea(toShape(a, pr), toShape(b, pr));
}

export function intersectionArea(a: Shape, b: Shape): number {
  if (a.maxX < b.minX - ON_LINE_M || b.maxX < a.minX - ON_LINE_M || a.maxY < b.minY - ON_LINE_M || b.maxY < a.minY - ON_LINE_M) return 0;
  const twice = boundaryInside(a, b, true) + boundaryInside(b, a, false);
  return Math.max(0, twice / 2);
}

/** Σ cross products of the pieces of A's boundary inside B (see intersectionAreaM2). */
function boundaryInside(a: Shape, b: Shape, countShared: boolean): number {
  const tol = ON_LINE_M;
  let sum = 0;
  const ts: number[] = [];
  for (const ra of a.rings) {
    for (let e = 0; e + 3 < ra.length; e += 2) {
      const px = ra[e]!;
      const py = ra[e + 1]!;
      const qx = ra[e + 2]!;
      const qy = ra[e + 3]!;
      const rx = qx - px;
      const ry = qy - py;
      const len2 = rx * rx + ry * ry;
      if (len2 === 0) continue;
      const eMinX = Math.min(px, qx) - tol;
      const eMaxX = Math.max(px, qx) + tol;
      const eMinY = Math.min(py, qy) - tol;
      const eMaxY = Math.max(py, qy) + tol;
      if (eMaxX < b.minX || eMinX > b.maxX || eMaxY < b.minY || eMinY > b.maxY) continue; // wholly outside B
      ts.length = 0;
      ts.push(0, 1);
      for (const rb of b.rings) {
        for (let f = 0; f + 3 < rb.length; f += 2) {
          const cx = rb[f]!;
          const cy = rb[f + 1]!;
          const dx = rb[f + 2]!;
          const dy = rb[f + 3]!;
          if (Math.max(cx, dx) < eMinX || Math.min(cx, dx) > eMaxX || Math.max(cy, dy) < eMinY || Math.min(cy, dy) > eMaxY) continue;
          // B's vertex on (or within tol of) this edge: split there (T-junctions, shared edges).
          const tc = ((cx - px) * rx + (cy - py) * ry) / len2;
          if (tc > 0 && tc < 1) {
            const ex = px + tc * rx - cx;
            const ey = py + tc * ry - cy;
            if (ex * ex + ey * ey <= tol * tol) ts.push(tc);
          }
          // A proper crossing.
          const sx = dx - cx;
          const sy = dy - cy;
          const denom = rx * sy - ry * sx;
          if (Math.abs(denom) > 1e-12 * Math.sqrt(len2 * (sx * sx + sy * sy))) {
            const t = ((cx - px) * sy - (cy - py) * sx) / denom;
            const u = ((cx - px) * ry - (cy - py) * rx) / denom;
            if (t > 0 && t < 1 && u >= 0 && u <= 1) ts.push(t);
          }
        }
      }
      ts.sort((x, y) => x - y);
      for (let i = 0; i + 1 < ts.length; i++) {
        const t0 = ts[i]!;
        const t1 = ts[i + 1]!;
        if ((t1 - t0) * (t1 - t0) * len2 < 1e-18) continue;
        const tm = (t0 + t1) / 2;
        const side = classify(b, px + tm * rx, py + tm * ry, rx, ry);
        if (side === INSIDE || (countShared && side === ON_SAME)) {
          const x0 = px + t0 * rx;
          const y0 = py + t0 * ry;
          const x1 = px + t1 * rx;
          const y1 = py + t1 * ry;
          sum += x0 * y1 - x1 * y0;
        }
      }
    }
  }
  return sum;
}

const OUTSIDE = 0;
const INSIDE = 1;
const ON_SAME = 2;
const ON_OPPOSITE = 3;

/** Where (x, y) lies relative to shape B; on its boundary, whether that runs along (rx, ry). */
function classify(b: Shape, x: number, y: number, rx: number, ry: number): number {
  let inside = false;
  let best = ON_LINE_M * ON_LINE_M;
  let on = OUTSIDE;
  for (const rb of b.rings) {
    for (let f = 0; f + 3 < rb.length; f += 2) {
      const cx = rb[f]!;
      const cy = rb[f + 1]!;
      const dx = rb[f + 2]!;
      const dy = rb[f + 3]!;
      const sx = dx - cx;
      const sy = dy - cy;
      const l2 = sx * sx + sy * sy;
      let t = l2 === 0 ? 0 : ((x - cx) * sx + (y - cy) * sy) / l2;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = cx + t * sx - x;
      const ey = cy + t * sy - y;
      const d2 = ex * ex + ey * ey;
      if (d2 <= best) {
        best = d2;
        on = rx * sx + ry * sy > 0 ? ON_SAME : ON_OPPOSITE;
      }
      if (cy > y !== dy > y && x < (sx * (y - cy)) / sy + cx) inside = !inside;
    }
  }
  if (on !== OUTSIDE) return on;
  return inside ? INSIDE : OUTSIDE;
}
