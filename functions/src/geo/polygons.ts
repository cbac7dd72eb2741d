/**
 * Polygon geometry for the area import: reading and checking a GeoJSON Polygon / MultiPolygon on
 * its own (RFC 7946 §3.1.6 rings, simplicity, holes) and exact areas of polygons and of their
 * intersections in metres (the overlap and coverage checks of geo/import). Pure.
 */
import type { AreaGeometry, LinearRing, Position } from '#geo/areas';
import { isObject } from '#geo/import-fields';

/** The problems a geometry can have on its own. */
export type GeometryProblemCode =
  | 'geometry_type'
  | 'coordinate_invalid'
  | 'coordinate_out_of_range'
  | 'ring_not_closed'
  | 'ring_too_short'
  | 'ring_degenerate'
  | 'self_intersection'
  | 'rings_cross'
  | 'hole_outside'
  | 'holes_overlap'
  | 'parts_overlap';

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

// ---- geometry checks -------------------------------------------------------------------------------

export type Report = (code: GeometryProblemCode, message: string) => void;

/**
 * A geometry read and checked on its own, normalised (2-D positions, no repeated consecutive
 * positions, exteriors counter-clockwise, holes clockwise); null if it is missing or has a
 * problem (each one reported).
 */
export function readGeometry(raw: unknown, report: Report): AreaGeometry | null {
  if (raw === null || raw === undefined) return null;
  if (!isObject(raw) || (raw.type !== 'Polygon' && raw.type !== 'MultiPolygon') || !Array.isArray(raw.coordinates)) {
    const got = isObject(raw) && typeof raw.type === 'string' ? raw.type : 'something else';
    report('geometry_type', `geometry must be a Polygon or MultiPolygon with coordinates, got ${got}`);
    return null;
  }
  const multi = raw.type === 'MultiPolygon';
  const rawPolygons = multi ? (raw.coordinates as unknown[]) : [raw.coordinates];
  if (rawPolygons.length === 0) {
    report('geometry_type', 'geometry has no polygons');
    return null;
  }
  let ok = true;
  const polygons: LinearRing[][] = [];
  rawPolygons.forEach((rawRings, pi) => {
    const where = (ri: number): string => `${multi ? `polygon ${pi}, ` : ''}ring ${ri}${ri === 0 ? ' (exterior)' : ' (hole)'}`;
    if (!Array.isArray(rawRings) || rawRings.length === 0) {
      report('geometry_type', `${multi ? `polygon ${pi}` : 'polygon'} has no rings`);
      ok = false;
      return;
    }
    const rings: LinearRing[] = [];
    rawRings.forEach((rawRing, ri) => {
      const ring = readRing(rawRing, where(ri), report);
      if (ring === null) ok = false;
      else rings.push(ring);
    });
    if (rings.length !== rawRings.length) return;
    // Normalise winding, then the checks between the rings of one polygon.
    rings.forEach((ring, ri) => {
      const a = ringSignedArea(ring);
      if ((ri === 0 && a < 0) || (ri > 0 && a > 0)) ring.reverse();
    });
    if (!polygonRingsOk(rings, multi ? `polygon ${pi}: ` : '', report)) ok = false;
    polygons.push(rings);
  });
  if (!ok) return null;
  if (multi && polygons.length > 1) {
    const projection = projectionFor([{ type: 'MultiPolygon', coordinates: polygons }]);
    const parts = polygons.map((rings) => toShape({ type: 'Polygon', coordinates: rings }, projection));
    for (let i = 0; i < parts.length; i++) {
      for (let j = i + 1; j < parts.length; j++) {
        const a = parts[i] as Shape;
        const b = parts[j] as Shape;
        const overlap = intersectionArea(a, b);
        if (overlap > overlapToleranceM2(a.area, b.area)) {
          report('parts_overlap', `polygons ${i} and ${j} of the MultiPolygon overlap by ${formatM2(overlap)}`);
          ok = false;
        }
      }
    }
  }
  if (!ok) return null;
  return multi ? { type: 'MultiPolygon', coordinates: polygons } : { type: 'Polygon', coordinates: polygons[0] as LinearRing[] };
}

/** One ring: positions, range, closure, length, area, simplicity. */
export function readRing(raw: unknown, where: string, report: Report): LinearRing | null {
  if (!Array.isArray(raw)) {
    report('geometry_type', `${where} is not an array of positions`);
    return null;
  }
  const ring: LinearRing = [];
  let badAt = -1;
  let outAt = -1;
  raw.forEach((pos, k) => {
    if (!Array.isArray(pos) || pos.length < 2 || typeof pos[0] !== 'number' || typeof pos[1] !== 'number' || !Number.isFinite(pos[0]) || !Number.isFinite(pos[1])) {
      if (badAt < 0) badAt = k;
      return;
    }
    const x = pos[0];
    const y = pos[1];
    if (x < -180 || x > 180 || y < -90 || y > 90) {
      if (outAt < 0) outAt = k;
      return;
    }
    const prev = ring[ring.length - 1];
    if (prev === undefined || prev[0] !== x || prev[1] !== y) ring.push([x, y]);
  });
  if (badAt >= 0) {
    report('coordinate_invalid', `${where}: position ${badAt} is not a pair of finite numbers`);
    return null;
  }
  if (outAt >= 0) {
    const p = raw[outAt] as number[];
    report('coordinate_out_of_range', `${where}: position ${outAt} (${p[0]}, ${p[1]}) is outside [-180, 180] × [-90, 90]; positions are [lng, lat]`);
    return null;
  }
  const first = raw[0] as number[] | undefined;
  const last = raw[raw.length - 1] as number[] | undefined;
  if (raw.length > 0 && (first?.[0] !== last?.[0] || first?.[1] !== last?.[1])) {
    report('ring_not_closed', `${where} is not closed: its last position must repeat the first`);
    return null;
  }
  if (ring.length < 4) {
    report('ring_too_short', `${where} has ${ring.length} distinct positions with the closing one; a ring needs at least 4`);
    return null;
  }
  if (ringSignedArea(ring) === 0) {
    report('ring_degenerate', `${where} has no area (all its points are on one line)`);
    return null;
  }
  const crossing = ringSelfIntersection(ring);
  if (crossing !== null) {
    report('self_intersection', `${where} intersects itself near (${crossing[0].toFixed(7)}, ${crossing[1].toFixed(7)})`);
    return null;
  }
  return ring;
}

/** Holes inside their exterior, not crossing it or each other, not nested. */
function polygonRingsOk(rings: LinearRing[], prefix: string, report: Report): boolean {
  if (rings.length === 1) return true;
  let ok = true;
  const segs = segmentsOf(rings);
  const hit = sweep(segs, (a, b) => {
    if (a.ring === b.ring) return false;
    const rel = segmentRelation(a, b);
    return rel === 'cross' || rel === 'overlap';
  });
  if (hit !== null) {
    report('rings_cross', `${prefix}ring ${hit[0].ring} and ring ${hit[1].ring} cross near (${hit[0].x1.toFixed(7)}, ${hit[0].y1.toFixed(7)})`);
    return false;
  }
  const exterior = rings[0] as LinearRing;
  const holes = rings.slice(1);
  holes.forEach((hole, h) => {
    const side = sideOfRing(hole, exterior);
    if (side === 'outside') {
      report('hole_outside', `${prefix}ring ${h + 1} (hole) is not inside the exterior ring`);
      ok = false;
    }
  });
  for (let i = 0; i < holes.length; i++) {
    for (let j = 0; j < holes.length; j++) {
      if (i !== j && sideOfRing(holes[j] as LinearRing, holes[i] as LinearRing) === 'inside') {
        report('holes_overlap', `${prefix}ring ${j + 1} (hole) lies inside ring ${i + 1} (another hole)`);
        ok = false;
      }
    }
  }
  return ok;
}

/** Where `ring` lies relative to `container`, judged by its first vertex not on the container. */
function sideOfRing(ring: LinearRing, container: LinearRing): 'inside' | 'outside' | 'on' {
  for (let k = 0; k + 1 < ring.length; k++) {
    const [x, y] = ring[k] as Position;
    const side = pointInRing(container, x, y);
    if (side !== 'on') return side;
  }
  return 'on';
}

export function pointInRing(ring: LinearRing, x: number, y: number): 'inside' | 'outside' | 'on' {
  let inside = false;
  for (let k = 0; k + 1 < ring.length; k++) {
    const [x1, y1] = ring[k] as Position;
    const [x2, y2] = ring[k + 1] as Position;
    if (orient(x1, y1, x2, y2, x, y) === 0 && x >= Math.min(x1, x2) && x <= Math.max(x1, x2) && y >= Math.min(y1, y2) && y <= Math.max(y1, y2)) return 'on';
    if (y1 > y !== y2 > y && x < ((x2 - x1) * (y - y1)) / (y2 - y1) + x1) inside = !inside;
  }
  return inside ? 'inside' : 'outside';
}

/** Shoelace, shifted to the first vertex so coordinates near 114° do not cancel. */
export function ringSignedArea(ring: LinearRing): number {
  const o = ring[0];
  if (o === undefined) return 0;
  let a2 = 0;
  for (let k = 0; k + 1 < ring.length; k++) {
    const p = ring[k] as Position;
    const q = ring[k + 1] as Position;
    a2 += (p[0] - o[0]) * (q[1] - o[1]) - (q[0] - o[0]) * (p[1] - o[1]);
  }
  return a2 / 2;
}

interface Seg {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  ring: number;
  /** edge number within its ring */
  k: number;
  /** edges in its ring */
  n: number;
}

function segmentsOf(rings: LinearRing[]): Seg[] {
  const segs: Seg[] = [];
  rings.forEach((ring, r) => {
    const n = ring.length - 1;
    for (let k = 0; k < n; k++) {
      const [x1, y1] = ring[k] as Position;
      const [x2, y2] = ring[k + 1] as Position;
      segs.push({ x1, y1, x2, y2, ring: r, k, n });
    }
  });
  return segs;
}

/**
 * Sort-and-sweep over x: calls `test` for every pair of segments whose bounding boxes meet
 * (near-linear for polygon rings) and returns the first pair it accepts.
 */
function sweep(segs: Seg[], test: (a: Seg, b: Seg) => boolean): [Seg, Seg] | null {
  const order = [...segs].sort((a, b) => Math.min(a.x1, a.x2) - Math.min(b.x1, b.x2));
  for (let i = 0; i < order.length; i++) {
    const a = order[i] as Seg;
    const aMaxX = Math.max(a.x1, a.x2);
    const aMinY = Math.min(a.y1, a.y2);
    const aMaxY = Math.max(a.y1, a.y2);
    for (let j = i + 1; j < order.length; j++) {
      const b = order[j] as Seg;
      if (Math.min(b.x1, b.x2) > aMaxX) break;
      if (Math.max(b.y1, b.y2) < aMinY || Math.min(b.y1, b.y2) > aMaxY) continue;
      if (test(a, b)) return [a, b];
    }
  }
  return null;
}

/** The first place a closed ring touches or crosses itself, or null if it is simple. */
function ringSelfIntersection(ring: LinearRing): Position | null {
  const hit = sweep(segmentsOf([ring]), (a, b) => {
    const adjacent = Math.abs(a.k - b.k) === 1 || Math.abs(a.k - b.k) === a.n - 1;
    const rel = segmentRelation(a, b);
    // Neighbouring edges always touch at their shared vertex; they fail only by folding back
    // over each other (a spike).
    return adjacent ? rel === 'overlap' : rel !== 'none';
  });
  if (hit === null) return null;
  return [hit[0].x2, hit[0].y2];
}

/** Sign of the turn a → b → c, computed relative to a (exact zero means collinear). */
function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));
}

function segmentRelation(a: Seg, b: Seg): 'none' | 'cross' | 'touch' | 'overlap' {
  const o1 = orient(a.x1, a.y1, a.x2, a.y2, b.x1, b.y1);
  const o2 = orient(a.x1, a.y1, a.x2, a.y2, b.x2, b.y2);
  const o3 = orient(b.x1, b.y1, b.x2, b.y2, a.x1, a.y1);
  const o4 = orient(b.x1, b.y1, b.x2, b.y2, a.x2, a.y2);
  if (o1 * o2 < 0 && o3 * o4 < 0) return 'cross';
  if (o1 === 0 && o2 === 0) {
    // Collinear: compare the extents along the longer axis.
    const useX = Math.abs(a.x2 - a.x1) >= Math.abs(a.y2 - a.y1);
    const [a0, a1] = useX ? [a.x1, a.x2] : [a.y1, a.y2];
    const [b0, b1] = useX ? [b.x1, b.x2] : [b.y1, b.y2];
    const lo = Math.max(Math.min(a0, a1), Math.min(b0, b1));
    const hi = Math.min(Math.max(a0, a1), Math.max(b0, b1));
    return hi > lo ? 'overlap' : hi === lo ? 'touch' : 'none';
  }
  const within = (x1: number, y1: number, x2: number, y2: number, x: number, y: number): boolean =>
    x >= Math.min(x1, x2) && x <= Math.max(x1, x2) && y >= Math.min(y1, y2) && y <= Math.max(y1, y2);
  if (
    (o1 === 0 && within(a.x1, a.y1, a.x2, a.y2, b.x1, b.y1)) ||
    (o2 === 0 && within(a.x1, a.y1, a.x2, a.y2, b.x2, b.y2)) ||
    (o3 === 0 && within(b.x1, b.y1, b.x2, b.y2, a.x1, a.y1)) ||
    (o4 === 0 && within(b.x1, b.y1, b.x2, b.y2, a.x2, a.y2))
  ) {
    return 'touch';
  }
  return 'none';
}

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

