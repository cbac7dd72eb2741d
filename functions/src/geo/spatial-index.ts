/**
 * Point (WGS-84) → grid id, the first step of routing a report.
 *
 * Flatbush narrows the grids to those whose bounding box holds the point; an exact even-odd
 * ray-casting test over all rings (so MultiPolygon parts and holes need no special cases) then
 * decides. The rings are packed into typed arrays once, at build time, so the exact test reads
 * flat memory and allocates nothing; the only per-lookup allocation is Flatbush's own small
 * traversal stack.
 *
 * Boundary rule (deterministic, independent of input order): polygons are CLOSED — a point on a
 * ring, or within EDGE_TOLERANCE_DEG (Euclidean, in degrees) of one, belongs to every grid that
 * ring bounds — and when several grids contain a point the one with the smallest id (plain
 * string comparison) wins.
 * Why closed + smallest id rather than a half-open crossing rule: two neighbours that store
 * the same shared edge in opposite directions can round the crossing point differently, so a
 * half-open rule could leave a point exactly on the edge in neither grid or in both, depending on
 * the last bit; a tolerance band claimed by both, then a fixed tie-break, cannot.
 */
import Flatbush from 'flatbush';
import type { Area, AreaGeometry, LinearRing } from '#geo/areas';
import type { LatLng } from '#geo/datum';

/**
 * Distance (degrees, ~0.1 mm) within which a point counts as on a boundary. Far below GPS
 * accuracy, so it never changes a real decision, but well above the ~1e-14° rounding of
 * coordinates around 114°, so a point computed to lie on an edge is recognised as such.
 */
export const EDGE_TOLERANCE_DEG = 1e-9;
const EPS2 = EDGE_TOLERANCE_DEG * EDGE_TOLERANCE_DEG;

export interface GridIndex {
  /** the id of the grid containing `p` (WGS-84), or null if no grid does */
  locate(p: LatLng): string | null;
  /** number of grids indexed */
  readonly size: number;
}

function ringsOf(g: AreaGeometry): LinearRing[] {
  return g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
}

/**
 * Build an index over `grids` (their `geometry`, WGS-84 [lng, lat]). Throws if a grid has no
 * geometry, a ring has fewer than 3 distinct vertices, or two grids share an id — a grid that
 * could never be found should fail loudly when boundaries are loaded, not route nothing later.
 */
export function buildGridIndex(grids: Area[]): GridIndex {
  const n = grids.length;
  if (n === 0) return { locate: () => null, size: 0 };

  // Pass 1: sizes, so each typed array is allocated exactly once.
  let ringCount = 0;
  let vertexCount = 0;
  const seenIds = new Set<string>();
  for (const g of grids) {
    if (seenIds.has(g.id)) throw new Error(`buildGridIndex: duplicate grid id ${g.id}`);
    seenIds.add(g.id);
    if (g.geometry === undefined) throw new Error(`buildGridIndex: grid ${g.id} has no geometry`);
    for (const ring of ringsOf(g.geometry)) {
      ringCount++;
      vertexCount += openLength(ring);
    }
  }

  // Interleaved x (lng), y (lat); rings stored open (no repeated closing vertex).
  const coords = new Float64Array(vertexCount * 2);
  const ringStart = new Uint32Array(ringCount + 1); // vertex offset of each ring; last = end
  const gridRingStart = new Uint32Array(n + 1); // ring offset of each grid; last = end
  const ids: string[] = grids.map((g) => g.id);
  // rank[k] = position of grid k's id in sorted order, so the tie-break compares integers.
  const rank = new Uint32Array(n);
  [...ids.keys()].sort((a, b) => compareIds(ids[a] ?? '', ids[b] ?? '')).forEach((k, r) => (rank[k] = r));
  const index = new Flatbush(n);

  let v = 0;
  let r = 0;
  grids.forEach((g, k) => {
    gridRingStart[k] = r;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const ring of ringsOf(g.geometry as AreaGeometry)) {
      ringStart[r++] = v;
      const len = openLength(ring);
      if (len < 3) throw new Error(`buildGridIndex: grid ${g.id} has a ring with fewer than 3 vertices`);
      for (let i = 0; i < len; i++) {
        const pos = ring[i] as [number, number];
        const x = pos[0];
        const y = pos[1];
        if (!Number.isFinite(x) || !Number.isFinite(y)) {
          throw new Error(`buildGridIndex: grid ${g.id} has a non-finite coordinate`);
        }
        coords[2 * v] = x;
        coords[2 * v + 1] = y;
        v++;
        if (x < minX) minX = x;
        if (y < minY) minY = y;
        if (x > maxX) maxX = x;
        if (y > maxY) maxY = y;
      }
    }
    // Widen by the tolerance so points in the boundary band just outside still reach the exact test.
    index.add(
      minX - EDGE_TOLERANCE_DEG,
      minY - EDGE_TOLERANCE_DEG,
      maxX + EDGE_TOLERANCE_DEG,
      maxY + EDGE_TOLERANCE_DEG,
    );
  });
  ringStart[ringCount] = v;
  gridRingStart[n] = r;
  index.finish();

  /** Closed-set even-odd test of grid k at (x, y); reads only the packed arrays. */
  function contains(k: number, x: number, y: number): boolean {
    let inside = false;
    const rEnd = gridRingStart[k + 1] as number;
    for (let ri = gridRingStart[k] as number; ri < rEnd; ri++) {
      const s = ringStart[ri] as number;
      const e = ringStart[ri + 1] as number;
      let j = e - 1;
      for (let i = s; i < e; j = i++) {
        const xi = coords[2 * i] as number;
        const yi = coords[2 * i + 1] as number;
        const xj = coords[2 * j] as number;
        const yj = coords[2 * j + 1] as number;
        // On the edge (within tolerance)? Cheap box test first; the exact distance to the
        // segment is only computed for the few edges whose widened box holds the point.
        if (
          x >= Math.min(xi, xj) - EDGE_TOLERANCE_DEG &&
          x <= Math.max(xi, xj) + EDGE_TOLERANCE_DEG &&
          y >= Math.min(yi, yj) - EDGE_TOLERANCE_DEG &&
          y <= Math.max(yi, yj) + EDGE_TOLERANCE_DEG
        ) {
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
    }
    return inside;
  }

  // Query state for the filter below: created once so a lookup allocates no closure.
  let qx = 0;
  let qy = 0;
  let best = -1;
  const consider = (k: number): boolean => {
    if ((best === -1 || (rank[k] as number) < (rank[best] as number)) && contains(k, qx, qy)) best = k;
    return false; // keep Flatbush's result array empty; the answer is in `best`
  };

  return {
    size: n,
    locate(p: LatLng): string | null {
      if (!Number.isFinite(p.lat) || !Number.isFinite(p.lng)) return null;
      qx = p.lng;
      qy = p.lat;
      best = -1;
      index.search(qx, qy, qx, qy, consider);
      return best === -1 ? null : (ids[best] ?? null);
    },
  };
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
