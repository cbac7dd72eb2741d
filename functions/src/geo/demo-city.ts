/**
 * A deterministic demo city for local runs and tests: a patch of 南山区, 深圳 between 南头 and
 * 科技园 (lat 22.53–22.55, lng 113.92–113.95, WGS-84). The real boundaries are not public, so the
 * layout is invented but shaped like the real thing: irregular grids of ~600 m, two streets, four
 * communities, one police station with five beats.
 *
 * Layout: 5 columns × 4 rows of grids, row 0 in the south.
 *   rows 0–1 → 粤海街道 (row 0 科技园社区, row 1 海珠社区)
 *   rows 2–3 → 南头街道 (row 2 南头城社区, row 3 同乐社区)
 *   column c (west → east) → beat c of 粤海派出所, so each beat has one grid per community
 *
 * Geometry: a lattice of vertices ~300 m apart (11 × 9), each grid a 2 × 2 block of lattice cells.
 * Interior vertices are jittered and each lattice edge may get one extra bent vertex, so a grid
 * has 8–16 vertices. Jitter comes from a seeded hash of the lattice position (no Math.random),
 * and every vertex and edge is computed once and shared by both neighbours, so neighbouring grids
 * have identical shared edges: no gaps, no overlaps. Outer-boundary vertices only slide along the
 * boundary and outer edges only bend inward, so the city's bounding box is exactly the rectangle
 * above. Coordinates are rounded to 1e-7° (~1 cm) before use, so shared vertices compare equal.
 */
import { seededUnit } from '#geo/seeded';
import { centroidOf } from '#geo/areas';
import type { Area, AreaGeometry, AreaSnapshot, LinearRing, Position } from '#geo/areas';

export const DEMO_CITY_VERSION = 'demo-1';

const MIN_LNG = 113.92;
const MAX_LNG = 113.95;
const MIN_LAT = 22.53;
const MAX_LAT = 22.55;

const GRID_COLUMNS = 5;
const GRID_ROWS = 4;
/** lattice cells per grid side: 2 → grids of ~600 m with a bend point in the middle of each side */
const CELLS_PER_GRID = 2;
const LATTICE_I = GRID_COLUMNS * CELLS_PER_GRID; // 10 cells → 11 vertex columns
const LATTICE_J = GRID_ROWS * CELLS_PER_GRID; // 8 cells → 9 vertex rows
const CELL_LNG = (MAX_LNG - MIN_LNG) / LATTICE_I; // 0.003° ≈ 308 m at this latitude
const CELL_LAT = (MAX_LAT - MIN_LAT) / LATTICE_J; // 0.0025° ≈ 278 m

/**
 * Jitter sizes as fractions of a cell. Kept at 0.15 so that even when two jitters lean towards
 * each other an edge's bend cannot cross a neighbouring edge (the tests check simplicity).
 */
const VERTEX_JITTER = 0.15;
const BEND_OFFSET = 0.15;
const BEND_PROBABILITY = 0.6;

const SEED = 0x5eed_4e53; // arbitrary; changing it changes every demo coordinate

/** Deterministic value in [0, 1) from the seed and integer keys (geo/seeded). */
const unit = seededUnit(SEED);

/** in [-1, 1) */
function signed(...keys: number[]): number {
  return unit(...keys) * 2 - 1;
}

function round7(x: number): number {
  return Math.round(x * 1e7) / 1e7;
}

// Salts so the different random choices for the same lattice position are independent.
const SALT_VX = 1;
const SALT_VY = 2;
const SALT_BEND = 3;
const SALT_T = 4;
const SALT_OFFSET = 5;
const SALT_H = 10; // horizontal edge
const SALT_V = 11; // vertical edge

function latticeVertex(i: number, j: number): Position {
  let x = MIN_LNG + i * CELL_LNG;
  let y = MIN_LAT + j * CELL_LAT;
  const onWestEast = i === 0 || i === LATTICE_I;
  const onSouthNorth = j === 0 || j === LATTICE_J;
  // Boundary vertices slide only along their side (corners stay put), keeping the bbox exact.
  if (!onWestEast) x += signed(SALT_VX, i, j) * VERTEX_JITTER * CELL_LNG;
  if (!onSouthNorth) y += signed(SALT_VY, i, j) * VERTEX_JITTER * CELL_LAT;
  // Pin the rectangle's sides exactly (i·CELL can round a hair off the nominal bound).
  if (i === 0) x = MIN_LNG;
  if (i === LATTICE_I) x = MAX_LNG;
  if (j === 0) y = MIN_LAT;
  if (j === LATTICE_J) y = MAX_LAT;
  return [round7(x), round7(y)];
}

/**
 * The extra vertices on the lattice edge from (i, j) to (i + di, j + dj) (di + dj = 1), in that
 * direction. Zero or one vertex: a point part-way along, pushed sideways. Outer edges bend inward
 * only, so the demo's outline stays within its rectangle.
 */
function edgeBends(vertices: Position[][], i: number, j: number, di: number, dj: number): Position[] {
  const salt = di === 1 ? SALT_H : SALT_V;
  if (unit(SALT_BEND, salt, i, j) >= BEND_PROBABILITY) return [];
  const a = vertices[i]?.[j];
  const b = vertices[i + di]?.[j + dj];
  if (a === undefined || b === undefined) throw new Error('demo city: lattice edge out of range');
  const t = 0.35 + 0.3 * unit(SALT_T, salt, i, j);
  let offset = signed(SALT_OFFSET, salt, i, j) * BEND_OFFSET;
  // Left-hand normal of a→b is (-ey, ex): north for an eastward edge, west for a northward one.
  if (dj === 0 && j === 0) offset = Math.abs(offset); // south side: bend north
  if (dj === 0 && j === LATTICE_J) offset = -Math.abs(offset); // north side: bend south
  if (di === 0 && i === 0) offset = -Math.abs(offset); // west side: bend east
  if (di === 0 && i === LATTICE_I) offset = Math.abs(offset); // east side: bend west
  const ex = b[0] - a[0];
  const ey = b[1] - a[1];
  return [[round7(a[0] + t * ex - offset * ey), round7(a[1] + t * ey + offset * ex)]];
}

/** Ring of the grid at column c, row r: counter-clockwise (RFC 7946), closed. */
function gridRing(vertices: Position[][], c: number, r: number): LinearRing {
  const i0 = c * CELLS_PER_GRID;
  const j0 = r * CELLS_PER_GRID;
  const n = CELLS_PER_GRID;
  // Lattice positions around the block, counter-clockwise from the south-west corner.
  const path: [number, number][] = [];
  for (let k = 0; k < n; k++) path.push([i0 + k, j0]); // south side, eastward
  for (let k = 0; k < n; k++) path.push([i0 + n, j0 + k]); // east side, northward
  for (let k = 0; k < n; k++) path.push([i0 + n - k, j0 + n]); // north side, westward
  for (let k = 0; k < n; k++) path.push([i0, j0 + n - k]); // west side, southward
  const ring: LinearRing = [];
  path.forEach(([i, j], idx) => {
    const [ni, nj] = path[(idx + 1) % path.length] as [number, number];
    ring.push(vertices[i]?.[j] as Position);
    // Bends are stored once per edge, in the direction of increasing i or j, so both neighbours
    // (which walk a shared edge in opposite directions) use the very same points.
    if (ni > i) ring.push(...edgeBends(vertices, i, j, 1, 0));
    else if (ni < i) ring.push(...edgeBends(vertices, ni, nj, 1, 0).reverse());
    else if (nj > j) ring.push(...edgeBends(vertices, i, j, 0, 1));
    else ring.push(...edgeBends(vertices, ni, nj, 0, 1).reverse());
  });
  ring.push(ring[0] as Position);
  return ring;
}

/**
 * Outline of a set of grids that tile without overlap: shared edges appear once in each
 * direction and cancel; what is left is the outer boundary, chained into rings. Relies on the
 * grids sharing exact vertices, which the lattice guarantees.
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
  for (const { from, to } of edges.values()) {
    if (next.has(key(from))) throw new Error('demo city: outline touches itself at a vertex');
    next.set(key(from), to);
  }
  const polygons: LinearRing[][] = [];
  const used = new Set<string>();
  for (const { from } of edges.values()) {
    if (used.has(key(from))) continue;
    const ring: LinearRing = [from];
    used.add(key(from));
    let p = next.get(key(from));
    while (p !== undefined && key(p) !== key(from)) {
      ring.push(p);
      used.add(key(p));
      p = next.get(key(p));
    }
    if (p === undefined) throw new Error('demo city: outline is not closed');
    ring.push(from);
    polygons.push([ring]);
  }
  const only = polygons[0];
  return polygons.length === 1 && only !== undefined
    ? { type: 'Polygon', coordinates: only }
    : { type: 'MultiPolygon', coordinates: polygons };
}

const COMMUNITIES = [
  { id: 'cm-kejiyuan', slug: 'kejiyuan', name: '科技园社区', streetId: 'st-yuehai' },
  { id: 'cm-haizhu', slug: 'haizhu', name: '海珠社区', streetId: 'st-yuehai' },
  { id: 'cm-nantoucheng', slug: 'nantoucheng', name: '南头城社区', streetId: 'st-nantou' },
  { id: 'cm-tongle', slug: 'tongle', name: '同乐社区', streetId: 'st-nantou' },
] as const; // index = grid row, south to north

const BEATS = [
  { id: 'bt-nanshandadao', name: '南山大道警格' },
  { id: 'bt-taoyuan', name: '桃园警格' },
  { id: 'bt-shenda', name: '深大警格' },
  { id: 'bt-gaoxin', name: '高新警格' },
  { id: 'bt-kejiyuan', name: '科技园警格' },
] as const; // index = grid column, west to east

const STREETS = [
  { id: 'st-yuehai', name: '粤海街道' },
  { id: 'st-nantou', name: '南头街道' },
] as const;

const NUMERALS = ['一', '二', '三', '四', '五'] as const;

export const DEMO_CITY_ID = 'ct-shenzhen';
export const DEMO_DISTRICT_ID = 'gd-nanshan';
export const DEMO_STATION_ID = 'ps-yuehai';

/** Grid id for column c (0–4, west → east) in community `slug`, e.g. gr-kejiyuan-01. */
function gridId(slug: string, c: number): string {
  return `gr-${slug}-${String(c + 1).padStart(2, '0')}`;
}

/**
 * The demo city. Deterministic: every call returns equal, independent data (no arrays shared
 * between areas or between calls). Order:
 * city, district, streets, communities, grids, station, beats.
 */
export function demoCity(): AreaSnapshot {
  const vertices: Position[][] = [];
  for (let i = 0; i <= LATTICE_I; i++) {
    const column: Position[] = [];
    for (let j = 0; j <= LATTICE_J; j++) column.push(latticeVertex(i, j));
    vertices.push(column);
  }

  const grids: Area[] = [];
  const ringsByArea = new Map<string, LinearRing[]>();
  const addRing = (areaId: string, ring: LinearRing): void => {
    const list = ringsByArea.get(areaId);
    if (list === undefined) ringsByArea.set(areaId, [ring]);
    else list.push(ring);
  };

  COMMUNITIES.forEach((community, r) => {
    for (let c = 0; c < GRID_COLUMNS; c++) {
      const beat = BEATS[c];
      if (beat === undefined) throw new Error('demo city: fewer beats than columns');
      const ring = gridRing(vertices, c, r);
      const geometry: AreaGeometry = { type: 'Polygon', coordinates: [ring] };
      grids.push({
        id: gridId(community.slug, c),
        name: `${community.name}第${NUMERALS[c] ?? String(c + 1)}网格`,
        level: 'grid',
        parentId: community.id,
        beatId: beat.id,
        geometry,
        centroid: centroidOf(geometry),
      });
      for (const owner of [community.id, community.streetId, DEMO_DISTRICT_ID, DEMO_CITY_ID, beat.id, DEMO_STATION_ID]) {
        addRing(owner, ring);
      }
    }
  });

  const withOutline = (a: Omit<Area, 'geometry' | 'centroid'>): Area => {
    const rings = ringsByArea.get(a.id);
    if (rings === undefined) throw new Error(`demo city: ${a.id} has no grids`);
    const geometry = unionOutline(rings);
    return { ...a, geometry, centroid: centroidOf(geometry) };
  };

  const snapshot: AreaSnapshot = {
    version: DEMO_CITY_VERSION,
    areas: [
      // The city's outline is only the demo's patch of 深圳, not the real city.
      withOutline({ id: DEMO_CITY_ID, name: '深圳市', level: 'city', parentId: null }),
      withOutline({ id: DEMO_DISTRICT_ID, name: '南山区', level: 'district', parentId: DEMO_CITY_ID }),
      ...STREETS.map((s) => withOutline({ id: s.id, name: s.name, level: 'street', parentId: DEMO_DISTRICT_ID })),
      ...COMMUNITIES.map((cm) => withOutline({ id: cm.id, name: cm.name, level: 'community', parentId: cm.streetId })),
      ...grids,
      withOutline({ id: DEMO_STATION_ID, name: '粤海派出所', level: 'station', parentId: DEMO_DISTRICT_ID }),
      ...BEATS.map((b) => withOutline({ id: b.id, name: b.name, level: 'beat', parentId: DEMO_STATION_ID })),
    ],
  };
  // Neighbours above share position arrays by construction; a deep copy means a caller that
  // edits one area's geometry cannot silently move its neighbour's boundary too. JSON is exact
  // for these finite numbers.
  return JSON.parse(JSON.stringify(snapshot)) as AreaSnapshot;
}

/** The demo's bounding box (WGS-84): the outline touches all four sides and never leaves it. */
export function demoCityBounds(): { minLat: number; minLng: number; maxLat: number; maxLng: number } {
  return { minLat: MIN_LAT, minLng: MIN_LNG, maxLat: MAX_LAT, maxLng: MAX_LNG };
}
