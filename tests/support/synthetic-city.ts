/**
 * A generated city for the routing bench and the geo tests: `syntheticCity({ grids, beats, seed })`.
 * Deterministic from the seed (a hash of seed and lattice position, no Math.random).
 *
 * Layout. Beats are blocks of bw × bh grids (grids / beats = bw · bh, the most square split) laid
 * out beatCols × beatRows (beats = beatCols · beatRows, the split closest to 2:1 wide), so the
 * grid lattice is (bw · beatCols) columns × (bh · beatRows) rows, row 0 in the south, from
 * (113.70°E, 22.45°N); 20,000 grids in 1,250 beats is 200 × 100 grids of ~310 m × ~310 m.
 *
 * Geometry, as in demo-city.ts but denser. A vertex lattice of cells ~155 m apart; each grid is a
 * 2 × 2 block of cells whose boundary walks the 8 lattice edges around the block. Every lattice
 * vertex is jittered by up to 15 % of a cell, and every lattice edge gets 0–4 extra bent vertices
 * (1–4 on the horizontal edges starting at an even column, so each grid has at least 2), sorted
 * along the edge and pushed sideways by at most 15 % of it, tapering to 0 at the ends. So a grid
 * has 10–40 vertices, and since every vertex and bend is computed once per lattice position and
 * shared by both neighbours, neighbouring grids have identical shared edges: no gaps, no overlaps.
 * Coordinates are rounded to 1e-7° (~1 cm) before use, so shared vertices compare equal.
 *
 * Holes and MultiPolygons. About `holeRate` of the grids get a hole: a star-shaped ring of 6–10
 * vertices (clockwise) around the grid's centre vertex, well inside the grid. Half of those holes
 * are left empty (points in them belong to no grid, e.g. a reservoir or a barracks); the other
 * half are filled by an island part of a neighbouring grid in the same beat, whose geometry then
 * becomes a MultiPolygon (an enclave). The island ring is the hole ring reversed: exact shared
 * edges again.
 *
 * Hierarchy: city → districts (40 × 40 grids) → streets (8 × 8) → communities (2 × 2) → grids;
 * stations (2 × 2 beats, under the district of their south-west grid) → beats. Beats carry the
 * union outline of their grids (holes ignored, so a beat covers its grids' islands too); areas
 * above the grid have no geometry.
 */
import { seededUnit } from '../../functions/src/geo/seeded.ts';
import { centroidOf } from '../../functions/src/geo/areas.ts';
import type { Area, AreaGeometry, AreaSnapshot, LinearRing, Position } from '../../functions/src/geo/areas.ts';

export interface SyntheticCityOptions {
  grids: number;
  beats: number;
  seed: number;
  /** share of grids with a hole (half of the holes filled by a neighbour's island); default 0.05 */
  holeRate?: number;
}

export interface SyntheticCity extends AreaSnapshot {
  /** bounding box of all grids (WGS-84) */
  bounds: { minLat: number; minLng: number; maxLat: number; maxLng: number };
  columns: number;
  rows: number;
}

const ORIGIN_LNG = 113.7;
const ORIGIN_LAT = 22.45;
const CELL_LNG = 0.0015; // ≈ 154 m at 22.5°N
const CELL_LAT = 0.0014; // ≈ 156 m
const VERTEX_JITTER = 0.15;
const BEND_OFFSET = 0.15;

const SALT_VX = 1;
const SALT_VY = 2;
const SALT_BENDS = 3;
const SALT_T = 4;
const SALT_OFFSET = 5;
const SALT_HOLE = 6;
const SALT_ISLAND = 7;
const SALT_HOLE_N = 8;
const SALT_HOLE_R = 9;
const SALT_HOLE_A = 12;
const SALT_H = 10;
const SALT_V = 11;

const round7 = (x: number): number => Math.round(x * 1e7) / 1e7;

/** Most balanced a × b = n with a ≥ b, or (for `ratio`) the split with a / b closest to it. */
function split(n: number, ratio: number): [number, number] {
  let best: [number, number] = [n, 1];
  let bestScore = Infinity;
  for (let b = 1; b * b <= n; b++) {
    if (n % b !== 0) continue;
    const a = n / b;
    const score = Math.abs(Math.log(a / b / ratio));
    if (score < bestScore) {
      best = [a, b];
      bestScore = score;
    }
  }
  return best;
}

const pad = (x: number): string => String(x).padStart(4, '0');

export function syntheticCity(options: SyntheticCityOptions): SyntheticCity {
  const { grids: gridCount, beats: beatCount, seed } = options;
  const holeRate = options.holeRate ?? 0.05;
  if (!Number.isInteger(gridCount) || !Number.isInteger(beatCount) || gridCount <= 0 || beatCount <= 0 || gridCount % beatCount !== 0) {
    throw new Error(`syntheticCity: grids (${gridCount}) must be a positive multiple of beats (${beatCount})`);
  }
  const [bw, bh] = split(gridCount / beatCount, 1);
  const [beatCols, beatRows] = split(beatCount, 2);
  const columns = bw * beatCols;
  const rows = bh * beatRows;
  const LI = columns * 2; // lattice cells across
  const LJ = rows * 2;

  const unit = seededUnit(seed);
  const signed = (...keys: number[]): number => unit(...keys) * 2 - 1;

  // Lattice vertices, flat: index i * (LJ + 1) + j.
  const vx = new Float64Array((LI + 1) * (LJ + 1));
  const vy = new Float64Array((LI + 1) * (LJ + 1));
  for (let i = 0; i <= LI; i++) {
    for (let j = 0; j <= LJ; j++) {
      vx[i * (LJ + 1) + j] = round7(ORIGIN_LNG + (i + signed(SALT_VX, i, j) * VERTEX_JITTER) * CELL_LNG);
      vy[i * (LJ + 1) + j] = round7(ORIGIN_LAT + (j + signed(SALT_VY, i, j) * VERTEX_JITTER) * CELL_LAT);
    }
  }
  const vertex = (i: number, j: number): Position => [vx[i * (LJ + 1) + j] as number, vy[i * (LJ + 1) + j] as number];

  /** Bent vertices on the lattice edge (i, j) → (i + di, j + dj), in that direction. */
  const bends = (i: number, j: number, di: number, dj: number): Position[] => {
    const salt = di === 1 ? SALT_H : SALT_V;
    const u = unit(SALT_BENDS, salt, i, j);
    const count = di === 1 && i % 2 === 0 ? 1 + Math.floor(u * 4) : Math.floor(u * 5);
    const a = vertex(i, j);
    const b = vertex(i + di, j + dj);
    const ex = b[0] - a[0];
    const ey = b[1] - a[1];
    const out: Position[] = [];
    for (let m = 0; m < count; m++) {
      // t inside its own slot, so the bends stay in order along the edge
      const t = (m + 0.2 + 0.6 * unit(SALT_T, salt, i, j, m)) / count;
      const offset = signed(SALT_OFFSET, salt, i, j, m) * BEND_OFFSET * 2 * Math.min(t, 1 - t);
      // offset along the left-hand normal (-ey, ex), in units of the edge length
      out.push([round7(a[0] + t * ex - offset * ey), round7(a[1] + t * ey + offset * ex)]);
    }
    return out;
  };

  /** Counter-clockwise closed ring of the grid at column c, row r. */
  const gridRing = (c: number, r: number): LinearRing => {
    const i0 = c * 2;
    const j0 = r * 2;
    const path: [number, number][] = [
      [i0, j0], [i0 + 1, j0], [i0 + 2, j0], [i0 + 2, j0 + 1], [i0 + 2, j0 + 2], [i0 + 1, j0 + 2], [i0, j0 + 2], [i0, j0 + 1],
    ];
    const ring: LinearRing = [];
    path.forEach(([i, j], idx) => {
      const [ni, nj] = path[(idx + 1) % path.length] as [number, number];
      ring.push(vertex(i, j));
      // Bends are stored once per edge in the direction of increasing i or j; the neighbour
      // walking the edge the other way uses the same points reversed.
      if (ni > i) ring.push(...bends(i, j, 1, 0));
      else if (ni < i) ring.push(...bends(ni, nj, 1, 0).reverse());
      else if (nj > j) ring.push(...bends(i, j, 0, 1));
      else ring.push(...bends(ni, nj, 0, 1).reverse());
    });
    ring.push(ring[0] as Position);
    return ring;
  };

  /** Clockwise hole ring around the grid's centre vertex. */
  const holeRing = (c: number, r: number): LinearRing => {
    const [cx, cy] = vertex(c * 2 + 1, r * 2 + 1);
    const m = 6 + Math.floor(unit(SALT_HOLE_N, c, r) * 5);
    const ring: LinearRing = [];
    for (let k = 0; k < m; k++) {
      const angle = (-2 * Math.PI * (k + 0.3 * signed(SALT_HOLE_A, c, r, k))) / m; // decreasing: clockwise
      const radius = 0.2 + 0.15 * unit(SALT_HOLE_R, c, r, k);
      ring.push([round7(cx + Math.cos(angle) * radius * CELL_LNG), round7(cy + Math.sin(angle) * radius * CELL_LAT)]);
    }
    ring.push(ring[0] as Position);
    return ring;
  };

  const gridId = (c: number, r: number): string => `gr-${pad(r)}-${pad(c)}`;
  const beatOf = (c: number, r: number): [number, number] => [Math.floor(c / bw), Math.floor(r / bh)];
  const beatId = (bc: number, br: number): string => `bt-${pad(br)}-${pad(bc)}`;

  // Polygons per grid: [exterior, ...holes] first, then island parts.
  const polygons: LinearRing[][][] = [];
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) polygons.push([[gridRing(c, r)]]);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      if (unit(SALT_HOLE, c, r) >= holeRate) continue;
      const hole = holeRing(c, r);
      (polygons[r * columns + c]?.[0] as LinearRing[]).push(hole);
      if (unit(SALT_ISLAND, c, r) >= 0.5) continue;
      // The island goes to a neighbour in the same beat (none if the beat is a single grid).
      let owner: [number, number] | null = null;
      if (bw > 1) owner = (c + 1) % bw !== 0 ? [c + 1, r] : [c - 1, r];
      else if (bh > 1) owner = (r + 1) % bh !== 0 ? [c, r + 1] : [c, r - 1];
      if (owner === null) continue;
      polygons[owner[1] * columns + owner[0]]?.push([[...hole].reverse()]);
    }
  }

  const cityId = 'ct-synth';
  const districtId = (c: number, r: number): string => `gd-${pad(Math.floor(r / 40))}-${pad(Math.floor(c / 40))}`;
  const streetId = (c: number, r: number): string => `st-${pad(Math.floor(r / 8))}-${pad(Math.floor(c / 8))}`;
  const communityId = (c: number, r: number): string => `cm-${pad(Math.floor(r / 2))}-${pad(Math.floor(c / 2))}`;
  const stationId = (bc: number, br: number): string => `ps-${pad(Math.floor(br / 2))}-${pad(Math.floor(bc / 2))}`;

  const grids: Area[] = [];
  const upper = new Map<string, Omit<Area, 'centroid'> & { sx: number; sy: number; count: number }>();
  const addUpper = (id: string, name: string, level: Area['level'], parentId: string | null, at: { lat: number; lng: number }): void => {
    let a = upper.get(id);
    if (a === undefined) {
      a = { id, name, level, parentId, sx: 0, sy: 0, count: 0 };
      upper.set(id, a);
    }
    a.sx += at.lng;
    a.sy += at.lat;
    a.count++;
  };
  const exteriorsByBeat = new Map<string, LinearRing[]>();
  let minLng = Infinity;
  let minLat = Infinity;
  let maxLng = -Infinity;
  let maxLat = -Infinity;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const parts = polygons[r * columns + c] as LinearRing[][];
      const geometry: AreaGeometry = parts.length === 1 ? { type: 'Polygon', coordinates: parts[0] as LinearRing[] } : { type: 'MultiPolygon', coordinates: parts };
      const [bc, br] = beatOf(c, r);
      const centroid = centroidOf(geometry);
      grids.push({ id: gridId(c, r), name: `网格 ${r}-${c}`, level: 'grid', parentId: communityId(c, r), beatId: beatId(bc, br), geometry, centroid });
      for (const [x, y] of (parts[0] as LinearRing[])[0] as LinearRing) {
        if (x < minLng) minLng = x;
        if (x > maxLng) maxLng = x;
        if (y < minLat) minLat = y;
        if (y > maxLat) maxLat = y;
      }
      const exteriors = exteriorsByBeat.get(beatId(bc, br));
      if (exteriors === undefined) exteriorsByBeat.set(beatId(bc, br), [(parts[0] as LinearRing[])[0] as LinearRing]);
      else exteriors.push((parts[0] as LinearRing[])[0] as LinearRing);
      addUpper(cityId, '合成市', 'city', null, centroid);
      addUpper(districtId(c, r), `区 ${districtId(c, r).slice(3)}`, 'district', cityId, centroid);
      addUpper(streetId(c, r), `街道 ${streetId(c, r).slice(3)}`, 'street', districtId(c, r), centroid);
      addUpper(communityId(c, r), `社区 ${communityId(c, r).slice(3)}`, 'community', streetId(c, r), centroid);
      // a station's parent: the district of the south-west grid of its 2 × 2 beats
      const swc = Math.floor(bc / 2) * 2 * bw;
      const swr = Math.floor(br / 2) * 2 * bh;
      addUpper(stationId(bc, br), `派出所 ${stationId(bc, br).slice(3)}`, 'station', districtId(swc, swr), centroid);
    }
  }
  const beats: Area[] = [];
  for (let br = 0; br < beatRows; br++) {
    for (let bc = 0; bc < beatCols; bc++) {
      const geometry = unionOutline(exteriorsByBeat.get(beatId(bc, br)) ?? []);
      beats.push({ id: beatId(bc, br), name: `警格 ${br}-${bc}`, level: 'beat', parentId: stationId(bc, br), geometry, centroid: centroidOf(geometry) });
    }
  }
  const levelOrder: Area['level'][] = ['city', 'district', 'street', 'community', 'station'];
  const uppers = [...upper.values()]
    .sort((a, b) => levelOrder.indexOf(a.level) - levelOrder.indexOf(b.level))
    .map(({ sx, sy, count, ...a }): Area => ({ ...a, centroid: { lat: sy / count, lng: sx / count } }));
  const stations = uppers.filter((a) => a.level === 'station');
  return {
    version: `synthetic-${gridCount}-${beatCount}-${seed}`,
    areas: [...uppers.filter((a) => a.level !== 'station'), ...grids, ...stations, ...beats],
    bounds: { minLat, minLng, maxLat, maxLng },
    columns,
    rows,
  };
}

/**
 * Outline of grids that tile without overlap and share exact vertices: shared edges appear once
 * in each direction and cancel; what is left is chained into rings.
 */
function unionOutline(rings: LinearRing[]): AreaGeometry {
  const key = (p: Position): string => `${p[0]},${p[1]}`;
  const edges = new Map<string, { from: Position; to: Position }>();
  for (const ring of rings) {
    for (let k = 0; k + 1 < ring.length; k++) {
      const from = ring[k] as Position;
      const to = ring[k + 1] as Position;
      const reverse = `${key(to)}>${key(from)}`;
      if (edges.has(reverse)) edges.delete(reverse);
      else edges.set(`${key(from)}>${key(to)}`, { from, to });
    }
  }
  const next = new Map<string, Position>();
  for (const { from, to } of edges.values()) next.set(key(from), to);
  const polygons: LinearRing[][] = [];
  const used = new Set<string>();
  for (const { from } of edges.values()) {
    if (used.has(key(from))) continue;
    const ring: LinearRing = [[from[0], from[1]]];
    used.add(key(from));
    let p = next.get(key(from));
    while (p !== undefined && key(p) !== key(from)) {
      ring.push([p[0], p[1]]);
      used.add(key(p));
      p = next.get(key(p));
    }
    if (p === undefined) throw new Error('syntheticCity: outline is not closed');
    ring.push([from[0], from[1]]);
    polygons.push([ring]);
  }
  const only = polygons[0];
  return polygons.length === 1 && only !== undefined ? { type: 'Polygon', coordinates: only } : { type: 'MultiPolygon', coordinates: polygons };
}
