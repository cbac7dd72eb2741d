/**
 * Polygon geometry for the area import: reading and checking a GeoJSON Polygon / MultiPolygon on
 * its own (RFC 7946 §3.1.6 rings, simplicity, holes; a MultiPolygon's parts must not overlap,
 * measured by geo/polygon-areas). Pure.
 */
import type { AreaGeometry, LinearRing, Position } from '#geo/areas';
import { isObject } from '#geo/import-fields';
import { formatM2, intersectionArea, overlapToleranceM2, projectionFor, toShape, type Shape } from '#geo/polygon-areas';

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
