/**
 * The naive reference for the index tests: a loop over every grid with a bounding-box check,
 * then pip.ts's brute-force tests, applying the documented rule in full — a grid claims a point
 * inside it (even-odd) or within EDGE_TOLERANCE_DEG of its boundary; of the claimants the
 * smallest id wins. Deliberately shares no code with spatial-index.ts.
 */
import type { Area, AreaGeometry, LinearRing } from '../../../functions/src/geo/areas.ts';
import { EDGE_TOLERANCE_DEG } from '../../../functions/src/geo/spatial-index.ts';
import { bruteContains, distanceToBoundary } from './pip.ts';

export function naiveLocator(grids: Area[]): (x: number, y: number) => string | null {
  const sorted = [...grids].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const boxes = sorted.map((g) => {
    const g0 = g.geometry as AreaGeometry;
    const rings: LinearRing[] = g0.type === 'Polygon' ? g0.coordinates : g0.coordinates.flat();
    const xs = rings.flat().map((p) => p[0]);
    const ys = rings.flat().map((p) => p[1]);
    const e = EDGE_TOLERANCE_DEG;
    return [Math.min(...xs) - e, Math.min(...ys) - e, Math.max(...xs) + e, Math.max(...ys) + e] as const;
  });
  return (x, y) => {
    for (let k = 0; k < sorted.length; k++) {
      const [x0, y0, x1, y1] = boxes[k] as readonly [number, number, number, number];
      if (x < x0 || y < y0 || x > x1 || y > y1) continue;
      const g = (sorted[k] as Area).geometry as AreaGeometry;
      if (bruteContains(g, x, y) || distanceToBoundary(g, x, y) <= EDGE_TOLERANCE_DEG) return (sorted[k] as Area).id;
    }
    return null;
  };
}

/** Deterministic uniform points (Park–Miller), as [lng, lat] pairs in the given box. */
export function randomPoints(count: number, seed: number, box: { minLng: number; minLat: number; maxLng: number; maxLat: number }): Float64Array {
  const out = new Float64Array(count * 2);
  let s = seed % 2147483647 || 1;
  const rnd = (): number => (s = (s * 48271) % 2147483647) / 2147483647;
  for (let i = 0; i < count; i++) {
    out[2 * i] = box.minLng + rnd() * (box.maxLng - box.minLng);
    out[2 * i + 1] = box.minLat + rnd() * (box.maxLat - box.minLat);
  }
  return out;
}
