/**
 * Building the routing index from area geometry (geo/spatial-index documents the layout): the
 * grid blocks packed in id order, then the cell grid that lets most lookups skip the exact test.
 */
import Flatbush from 'flatbush';
import type { Area, AreaGeometry, LinearRing } from '#geo/areas';
import { CELL_MARGIN_DEG, compareIds, containsBlock, EPS, type Packed } from '#geo/spatial-index-packed';

/**
 * Cells per grid, on average (by bounding-box area). More cells → more of them lie wholly inside
 * one grid (no exact test) but more memory (4 bytes a cell plus its list). 24 keeps the cell
 * grid to ~4 MB for 20,000 grids. Capped so a few huge grids cannot blow the memory up.
 */
const CELLS_PER_GRID = 24;
const MAX_CELLS = 1 << 22;

function ringsOf(g: AreaGeometry): LinearRing[] {
  return g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
}

export function pack(grids: Area[]): Packed {
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

/** Ring length without the repeated closing vertex (tolerates rings stored open). */
function openLength(ring: LinearRing): number {
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (ring.length > 1 && first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1]) {
    return ring.length - 1;
  }
  return ring.length;
}
