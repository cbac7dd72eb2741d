/**
 * Deliberately naive geometry helpers for the geo tests: written independently of
 * spatial-index.ts (no packing, no tolerance, no index) so the tests compare the optimised code
 * against something simple enough to trust by reading.
 */
import type { AreaGeometry, LinearRing, Position } from '../../../functions/src/geo/areas.ts';

/** Even-odd ray casting over one closed ring; boundary points are undefined (either answer). */
function ringCrossings(ring: LinearRing, x: number, y: number): number {
  let crossings = 0;
  for (let k = 0; k + 1 < ring.length; k++) {
    const [x1, y1] = ring[k] as Position;
    const [x2, y2] = ring[k + 1] as Position;
    if (y1 > y !== y2 > y && x < ((x2 - x1) * (y - y1)) / (y2 - y1) + x1) crossings++;
  }
  return crossings;
}

export function bruteContains(g: AreaGeometry, x: number, y: number): boolean {
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let crossings = 0;
  for (const rings of polygons) for (const ring of rings) crossings += ringCrossings(ring, x, y);
  return crossings % 2 === 1;
}

/** Euclidean distance (degree space) from (x, y) to the nearest edge of any ring of g. */
export function distanceToBoundary(g: AreaGeometry, x: number, y: number): number {
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let best = Infinity;
  for (const rings of polygons) {
    for (const ring of rings) {
      for (let k = 0; k + 1 < ring.length; k++) {
        const [x1, y1] = ring[k] as Position;
        const [x2, y2] = ring[k + 1] as Position;
        const dx = x2 - x1;
        const dy = y2 - y1;
        const len2 = dx * dx + dy * dy;
        const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / len2));
        best = Math.min(best, Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy)));
      }
    }
  }
  return best;
}

/** Shoelace area of a closed ring, positive when counter-clockwise. */
export function signedArea(ring: LinearRing): number {
  const [ox, oy] = ring[0] as Position;
  let a2 = 0;
  for (let k = 0; k + 1 < ring.length; k++) {
    const [x1, y1] = ring[k] as Position;
    const [x2, y2] = ring[k + 1] as Position;
    a2 += (x1 - ox) * (y2 - oy) - (x2 - ox) * (y1 - oy);
  }
  return a2 / 2;
}

function orient(a: Position, b: Position, c: Position): number {
  return Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
}

/** Proper or touching intersection of segments ab and cd. */
export function segmentsIntersect(a: Position, b: Position, c: Position, d: Position): boolean {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  const onSeg = (p: Position, q: Position, r: Position): boolean =>
    Math.min(p[0], q[0]) <= r[0] && r[0] <= Math.max(p[0], q[0]) && Math.min(p[1], q[1]) <= r[1] && r[1] <= Math.max(p[1], q[1]);
  return (o1 === 0 && onSeg(a, b, c)) || (o2 === 0 && onSeg(a, b, d)) || (o3 === 0 && onSeg(c, d, a)) || (o4 === 0 && onSeg(c, d, b));
}

/** A closed ring is simple if no two non-adjacent edges meet. */
export function isSimpleRing(ring: LinearRing): boolean {
  const n = ring.length - 1; // edges
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const adjacent = j === i + 1 || (i === 0 && j === n - 1);
      if (adjacent) continue;
      if (segmentsIntersect(ring[i] as Position, ring[i + 1] as Position, ring[j] as Position, ring[j + 1] as Position)) {
        return false;
      }
    }
  }
  return true;
}

export function square(x0: number, y0: number, size: number): LinearRing {
  return [
    [x0, y0],
    [x0 + size, y0],
    [x0 + size, y0 + size],
    [x0, y0 + size],
    [x0, y0],
  ];
}
