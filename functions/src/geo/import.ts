/**
 * GeoJSON area import (`PUT /v1/admin/areas`, `npm run areas:import -- file.geojson`): validate a
 * city's grids and beats and turn them into an `AreaSnapshot`. Pure: no I/O; the caller stores
 * the snapshot (and its routing index, see spatial-index.ts) only when `problems` is empty.
 *
 * ## Accepted format
 * An RFC 7946 GeoJSON FeatureCollection in WGS-84 / CGCS2000 ([lng, lat]; altitude is dropped).
 * The areas table of a city GIS exports as it is: one Feature per grid and one per beat, with
 * their administrative and police parents as attribute columns, so the whole area tree of
 * areas.ts (city → district → street → community → grid; station → beat) is built from two
 * layers. Every feature has `properties.level`, `properties.id` and `properties.name`.
 *
 *   level "grid"  (网格) — geometry: Polygon | MultiPolygon, required
 *     beatId                          the beat feature the grid belongs to
 *     communityId, communityName      社区
 *     streetId, streetName            街道
 *     districtId, districtName        区
 *     cityId, cityName                市
 *   level "beat"  (警格) — geometry: Polygon | MultiPolygon, required; it must cover its grids
 *     stationId, stationName          派出所
 *     stationParentId                 the city, district or street the station hangs under
 *                                     (one of the ids the grids name)
 *   level "city" | "district" | "street" | "community" | "station" — optional outline features:
 *     geometry Polygon | MultiPolygon (or null); only gives an area named by the grids or beats
 *     an outline for maps. Its id and name must match that area; it sets no parent.
 *
 * Ids are non-empty strings (integers are accepted and read as their decimal string) without
 * control characters or surrounding spaces, unique across all levels. A parent named by several
 * features must have the same name and parent everywhere. Polygons follow RFC 7946 §3.1.6: rings
 * closed, at least 4 positions, first ring the exterior, the rest holes; winding is not
 * required (it is normalised: exteriors counter-clockwise, holes clockwise). Consecutive
 * repeated positions are dropped.
 *
 * Example feature:
 *   { "type": "Feature",
 *     "properties": { "level": "grid", "id": "gr-kejiyuan-01", "name": "科技园社区第一网格",
 *       "beatId": "bt-nanshandadao", "communityId": "cm-kejiyuan", "communityName": "科技园社区",
 *       "streetId": "st-yuehai", "streetName": "粤海街道", "districtId": "gd-nanshan",
 *       "districtName": "南山区", "cityId": "ct-shenzhen", "cityName": "深圳市" },
 *     "geometry": { "type": "Polygon", "coordinates": [[[113.92, 22.53], …, [113.92, 22.53]]] } }
 *
 * ## Checks
 * All of them run and every problem is reported at once, each with the index of the feature in
 * `features` (null for the collection itself). A feature that fails a shape check is left out
 * of the geometric checks that follow, so one broken polygon is one problem, not a cascade.
 * Codes: not_feature_collection, not_feature, bad_level, bad_id, missing_name, duplicate_id,
 * geometry_missing, geometry_type, coordinate_invalid, coordinate_out_of_range, ring_not_closed,
 * ring_too_short, ring_degenerate, self_intersection, rings_cross, hole_outside, holes_overlap,
 * parts_overlap, grid_without_beat, unknown_beat, missing_parent, unknown_parent,
 * inconsistent_parent, unknown_area, grid_overlap, beat_not_covering, no_grids, invalid_tree.
 *
 * Overlap tolerance. Two grids overlap when their common area exceeds
 * max(OVERLAP_MIN_M2 = 1 m², OVERLAP_MAX_SHARE = 0.1 % of the smaller grid); a beat fails to
 * cover a grid when more than the same amount of the grid lies outside it. Areas are exact
 * polygon intersections (see `intersectionAreaM2`), so the tolerance is only there for the
 * digitising noise of real GIS layers: neighbours digitised separately disagree by centimetres
 * along edges hundreds of metres long, which is square metres of sliver; an overlap big enough
 * to hold a doorway is not noise. Sliver overlaps below it are harmless to routing, which
 * resolves any point claimed twice to the smallest id.
 *
 * Version: the first 12 hex digits of the SHA-256 of the snapshot's canonical JSON (areas sorted
 * by id, keys in a fixed order), so the same boundaries imported twice — in any feature order —
 * are the same version.
 */
import { createHash } from 'node:crypto';
import Flatbush from 'flatbush';
import { centroidOf, validateSnapshot } from '#geo/areas';
import type { Area, AreaGeometry, AreaLevel, AreaSnapshot, LinearRing, Position } from '#geo/areas';
import type { LatLng } from '#geo/datum';

export type ImportProblemCode =
  | 'not_feature_collection'
  | 'not_feature'
  | 'bad_level'
  | 'bad_id'
  | 'missing_name'
  | 'duplicate_id'
  | 'geometry_missing'
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
  | 'parts_overlap'
  | 'grid_without_beat'
  | 'unknown_beat'
  | 'missing_parent'
  | 'unknown_parent'
  | 'inconsistent_parent'
  | 'unknown_area'
  | 'grid_overlap'
  | 'beat_not_covering'
  | 'no_grids'
  | 'invalid_tree';

export interface ImportProblem {
  /** index in `features`, or null for a problem with the collection as a whole */
  featureIndex: number | null;
  featureId?: string;
  code: ImportProblemCode;
  message: string;
}

export interface AreaImportResult {
  /** only meaningful when `problems` is empty: best effort otherwise (bad features left out) */
  snapshot: AreaSnapshot;
  problems: ImportProblem[];
}

export interface GridFeatureProperties {
  level: 'grid';
  id: string;
  name: string;
  beatId: string;
  communityId: string;
  communityName: string;
  streetId: string;
  streetName: string;
  districtId: string;
  districtName: string;
  cityId: string;
  cityName: string;
}

export interface BeatFeatureProperties {
  level: 'beat';
  id: string;
  name: string;
  stationId: string;
  stationName: string;
  stationParentId: string;
}

export interface OutlineFeatureProperties {
  level: 'city' | 'district' | 'street' | 'community' | 'station';
  id: string;
  name: string;
}

export interface AreaImportFeature {
  type: 'Feature';
  geometry: AreaGeometry | null;
  properties: GridFeatureProperties | BeatFeatureProperties | OutlineFeatureProperties;
}

/** The accepted import document (see the module header). */
export interface AreaImport {
  type: 'FeatureCollection';
  features: AreaImportFeature[];
}

/** Overlap below this many m² is digitising noise whatever the grid's size. */
export const OVERLAP_MIN_M2 = 1;
/** … and below this share of the smaller area (0.1 %). */
export const OVERLAP_MAX_SHARE = 0.001;

/** The overlap (or uncovered area) allowed for polygons of these areas (m²). */
export function overlapToleranceM2(...areasM2: number[]): number {
  return Math.max(OVERLAP_MIN_M2, OVERLAP_MAX_SHARE * Math.min(...areasM2));
}

const OUTLINE_LEVELS = ['city', 'district', 'street', 'community', 'station'] as const;
type OutlineLevel = (typeof OUTLINE_LEVELS)[number];

/** Mean Earth radius (IUGG), as in datum.ts. */
const METRES_PER_DEG = (6371008.8 * Math.PI) / 180;

/**
 * Two boundaries closer than this (metres) count as the same line in the area computations:
 * coordinates from a GIS are good to ~1 cm, so a vertex 5 mm off its neighbour's edge is the
 * same edge, not a sliver.
 */
const ON_LINE_M = 0.01;

// ---- parsing -----------------------------------------------------------------------------------

interface Named {
  id: string;
  name: string;
}

interface GridRow extends Named {
  index: number;
  beatId: string | null;
  /** community, street, district, city; null where a column is missing or bad */
  parents: [Named | null, Named | null, Named | null, Named | null];
  geometry: AreaGeometry | null;
}

interface BeatRow extends Named {
  index: number;
  station: (Named & { parentId: string }) | null;
  geometry: AreaGeometry | null;
}

interface OutlineRow extends Named {
  index: number;
  level: OutlineLevel;
  geometry: AreaGeometry | null;
}

/** An area named by the grids' or beats' columns. */
interface ParentEntry extends Named {
  level: AreaLevel;
  parentId: string | null;
  /** feature that first named it */
  index: number;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** An id as the format allows it, or null with the reason. */
function readId(raw: unknown): { id: string } | { why: string } {
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return { id: String(raw) };
  if (typeof raw !== 'string') return { why: raw === undefined || raw === null ? 'missing' : `a ${typeof raw}, not a string` };
  if (raw.length === 0) return { why: 'empty' };
  if (raw.length > 128) return { why: 'longer than 128 characters' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) return { why: 'contains control characters' };
  if (raw.trim() !== raw) return { why: 'has leading or trailing spaces' };
  return { id: raw };
}

function readName(raw: unknown): string | null {
  return typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : null;
}

/**
 * Parse and validate an import (see the module header). Never throws on bad input: every
 * problem found is in `problems`.
 */
export function parseAreaImport(geojson: unknown): AreaImportResult {
  const problems: ImportProblem[] = [];
  const report = (featureIndex: number | null, featureId: string | undefined, code: ImportProblemCode, message: string): void => {
    const p: ImportProblem = { featureIndex, code, message };
    if (featureId !== undefined) p.featureId = featureId;
    problems.push(p);
  };
  const empty = (): AreaImportResult => ({ snapshot: { version: versionOf([]), areas: [] }, problems });
  if (!isObject(geojson) || geojson.type !== 'FeatureCollection' || !Array.isArray(geojson.features)) {
    report(null, undefined, 'not_feature_collection', 'the document must be a GeoJSON FeatureCollection with a "features" array');
    return empty();
  }
  const features = geojson.features as unknown[];

  // 1. Each feature on its own: shape, id, name, level, columns, geometry.
  const grids: GridRow[] = [];
  const beats: BeatRow[] = [];
  const outlines: OutlineRow[] = [];
  features.forEach((f, index) => {
    if (!isObject(f) || f.type !== 'Feature' || !isObject(f.properties)) {
      report(index, undefined, 'not_feature', `feature #${index} is not a GeoJSON Feature with a "properties" object`);
      return;
    }
    const props = f.properties;
    const idRead = readId(props.id);
    const id = 'id' in idRead ? idRead.id : undefined;
    const label = id === undefined ? `feature #${index}` : `${id} (feature #${index})`;
    const level = props.level;
    const isOutline = (OUTLINE_LEVELS as readonly unknown[]).includes(level);
    if (level !== 'grid' && level !== 'beat' && !isOutline) {
      report(index, id, 'bad_level', `${label}: properties.level must be one of grid, beat, ${OUTLINE_LEVELS.join(', ')}; got ${JSON.stringify(level) ?? 'nothing'}`);
      return;
    }
    if ('why' in idRead) report(index, undefined, 'bad_id', `${label}: properties.id is ${idRead.why}`);
    const name = readName(props.name);
    if (name === null) report(index, id, 'missing_name', `${label}: properties.name is missing or blank`);

    const geometry = readGeometry(f.geometry, (code, message) => report(index, id, code, `${label}: ${message}`));
    if ((level === 'grid' || level === 'beat') && (f.geometry === null || f.geometry === undefined)) {
      report(index, id, 'geometry_missing', `${label}: a ${level} needs a Polygon or MultiPolygon geometry`);
    }
    if (id === undefined) return;

    const column = (idKey: string, nameKey: string, what: string): Named | null => {
      const r = readId(props[idKey]);
      const n = readName(props[nameKey]);
      if ('why' in r) {
        report(index, id, 'missing_parent', `${label}: ${idKey} (its ${what}) is ${r.why}`);
        return null;
      }
      if (n === null) {
        report(index, id, 'missing_parent', `${label}: ${nameKey} (the name of its ${what} ${r.id}) is missing or blank`);
        return null;
      }
      return { id: r.id, name: n };
    };

    if (level === 'grid') {
      const beat = readId(props.beatId);
      if ('why' in beat) report(index, id, 'grid_without_beat', `${label}: beatId is ${beat.why}; every grid belongs to exactly one beat`);
      grids.push({
        index,
        id,
        name: name ?? id,
        beatId: 'id' in beat ? beat.id : null,
        parents: [
          column('communityId', 'communityName', 'community'),
          column('streetId', 'streetName', 'street'),
          column('districtId', 'districtName', 'district'),
          column('cityId', 'cityName', 'city'),
        ],
        geometry,
      });
    } else if (level === 'beat') {
      const station = column('stationId', 'stationName', 'station');
      const parent = readId(props.stationParentId);
      if ('why' in parent) report(index, id, 'missing_parent', `${label}: stationParentId (the city, district or street its station hangs under) is ${parent.why}`);
      beats.push({ index, id, name: name ?? id, station: station !== null && 'id' in parent ? { ...station, parentId: parent.id } : null, geometry });
    } else {
      outlines.push({ index, id, name: name ?? id, level: level as OutlineLevel, geometry });
    }
  });

  // 2. Ids: unique across grids and beats; parents named consistently; no id at two levels.
  const featureIds = new Map<string, { level: 'grid' | 'beat'; index: number }>();
  const keptGrids: GridRow[] = [];
  const keptBeats: BeatRow[] = [];
  for (const row of [...grids.map((r) => ({ r, level: 'grid' as const })), ...beats.map((r) => ({ r, level: 'beat' as const }))].sort((a, b) => a.r.index - b.r.index)) {
    const seen = featureIds.get(row.r.id);
    if (seen !== undefined) {
      report(row.r.index, row.r.id, 'duplicate_id', `${row.r.id} (feature #${row.r.index}): id already used by the ${seen.level} in feature #${seen.index}`);
      continue;
    }
    featureIds.set(row.r.id, { level: row.level, index: row.r.index });
    if (row.level === 'grid') keptGrids.push(row.r as GridRow);
    else keptBeats.push(row.r as BeatRow);
  }
  const parents = new Map<string, ParentEntry>();
  const register = (entry: ParentEntry, featureId: string): boolean => {
    const clash = featureIds.get(entry.id);
    if (clash !== undefined) {
      report(entry.index, featureId, 'duplicate_id', `${featureId} (feature #${entry.index}): its ${entry.level} ${entry.id} has the id of the ${clash.level} in feature #${clash.index}`);
      return false;
    }
    const seen = parents.get(entry.id);
    if (seen === undefined) {
      parents.set(entry.id, entry);
      return true;
    }
    if (seen.level !== entry.level) {
      report(entry.index, featureId, 'duplicate_id', `${featureId} (feature #${entry.index}): ${entry.id} is named as a ${entry.level} here but as a ${seen.level} in feature #${seen.index}`);
      return false;
    }
    if (seen.name !== entry.name) {
      report(entry.index, featureId, 'inconsistent_parent', `${featureId} (feature #${entry.index}): ${entry.level} ${entry.id} is called "${entry.name}" here but "${seen.name}" in feature #${seen.index}`);
      return false;
    }
    if (seen.parentId !== entry.parentId) {
      report(
        entry.index,
        featureId,
        'inconsistent_parent',
        `${featureId} (feature #${entry.index}): ${entry.level} ${entry.id} sits under ${entry.parentId ?? 'nothing'} here but under ${seen.parentId ?? 'nothing'} in feature #${seen.index}`,
      );
      return false;
    }
    return true;
  };
  const chainLevels = ['community', 'street', 'district', 'city'] as const;
  for (const g of keptGrids) {
    g.parents.forEach((p, i) => {
      if (p === null) return;
      const up = g.parents[i + 1];
      const entry: ParentEntry = { ...p, level: chainLevels[i] as AreaLevel, parentId: i === 3 ? null : (up?.id ?? null), index: g.index };
      // The column above is missing (already reported): register nothing rather than pin this
      // parent to "no parent" and report every other grid naming it as inconsistent.
      if (i < 3 && up === null) return;
      if (!register(entry, g.id)) g.parents[i] = null;
    });
  }
  for (const b of keptBeats) {
    if (b.station === null) continue;
    if (!register({ id: b.station.id, name: b.station.name, level: 'station', parentId: b.station.parentId, index: b.index }, b.id)) b.station = null;
  }
  for (const b of keptBeats) {
    if (b.station === null) continue;
    const parent = parents.get(b.station.parentId);
    if (parent === undefined || !['city', 'district', 'street'].includes(parent.level)) {
      const what = parent === undefined ? (featureIds.has(b.station.parentId) ? `a ${featureIds.get(b.station.parentId)?.level}` : 'not named by any grid') : `a ${parent.level}`;
      report(b.index, b.id, 'unknown_parent', `${b.id} (feature #${b.index}): stationParentId ${b.station.parentId} is ${what}; a station hangs under a city, district or street the grids name`);
    }
  }
  const beatIds = new Set(keptBeats.map((b) => b.id));
  for (const g of keptGrids) {
    if (g.beatId === null || beatIds.has(g.beatId)) continue;
    const other = featureIds.get(g.beatId) ?? parents.get(g.beatId);
    report(g.index, g.id, 'unknown_beat', `${g.id} (feature #${g.index}): beatId ${g.beatId} is ${other === undefined ? 'not a beat in this import' : `a ${other.level}, not a beat`}`);
  }
  const outlineOf = new Map<string, OutlineRow>();
  for (const o of outlines) {
    const target = parents.get(o.id);
    if (target === undefined || target.level !== o.level) {
      report(o.index, o.id, 'unknown_area', `${o.id} (feature #${o.index}): no grid or beat names a ${o.level} ${o.id}; outline features only add an outline to one they name`);
    } else if (target.name !== o.name) {
      report(o.index, o.id, 'inconsistent_parent', `${o.id} (feature #${o.index}): the ${o.level} is called "${o.name}" here but "${target.name}" in feature #${target.index}`);
    } else if (outlineOf.has(o.id)) {
      report(o.index, o.id, 'duplicate_id', `${o.id} (feature #${o.index}): a second outline for this ${o.level} (first in feature #${outlineOf.get(o.id)?.index})`);
    } else {
      outlineOf.set(o.id, o);
    }
  }
  if (keptGrids.length === 0) report(null, undefined, 'no_grids', 'the import has no grid features: routing would find nothing');

  // 3. Geometry across features: grids must not overlap; beats must cover their grids.
  const validGrids = keptGrids.filter((g) => g.geometry !== null);
  const validBeats = new Map(keptBeats.filter((b) => b.geometry !== null).map((b) => [b.id, b]));
  const projection = projectionFor([...validGrids, ...validBeats.values()].map((r) => r.geometry as AreaGeometry));
  const shapes = validGrids.map((g) => toShape(g.geometry as AreaGeometry, projection));
  if (validGrids.length > 0) {
    const tree = new Flatbush(validGrids.length);
    for (const s of shapes) tree.add(s.minX, s.minY, s.maxX, s.maxY);
    tree.finish();
    shapes.forEach((a, i) => {
      for (const j of tree.search(a.minX, a.minY, a.maxX, a.maxY)) {
        if (j <= i) continue;
        const b = shapes[j] as Shape;
        const overlap = intersectionArea(a, b);
        if (overlap > overlapToleranceM2(a.area, b.area)) {
          const [first, second] = [validGrids[i] as GridRow, validGrids[j] as GridRow].sort((x, y) => x.index - y.index) as [GridRow, GridRow];
          report(
            second.index,
            second.id,
            'grid_overlap',
            `${second.id} (feature #${second.index}) overlaps ${first.id} (feature #${first.index}) by ${formatM2(overlap)} (tolerance ${formatM2(overlapToleranceM2(a.area, b.area))})`,
          );
        }
      }
    });
    const beatShapes = new Map<string, Shape>();
    validGrids.forEach((g, i) => {
      const beat = g.beatId === null ? undefined : validBeats.get(g.beatId);
      if (beat === undefined) return;
      let bs = beatShapes.get(beat.id);
      if (bs === undefined) {
        bs = toShape(beat.geometry as AreaGeometry, projection);
        beatShapes.set(beat.id, bs);
      }
      const gs = shapes[i] as Shape;
      const outside = gs.area - intersectionArea(gs, bs);
      if (outside > overlapToleranceM2(gs.area)) {
        report(
          beat.index,
          beat.id,
          'beat_not_covering',
          `${beat.id} (feature #${beat.index}) does not cover its grid ${g.id} (feature #${g.index}): ${formatM2(outside)} of the grid (${((100 * outside) / gs.area).toFixed(1)} %) lies outside the beat`,
        );
      }
    });
  }

  // 4. The snapshot: cities, districts, streets, communities (in order of first mention), grids,
  // stations, beats (in input order).
  const areas: Area[] = [];
  const gridAreas: Area[] = [];
  for (const g of keptGrids) {
    if (g.geometry === null) continue;
    const a: Area = { id: g.id, name: g.name, level: 'grid', parentId: g.parents[0]?.id ?? null, geometry: g.geometry, centroid: centroidOf(g.geometry) };
    if (g.beatId !== null && beatIds.has(g.beatId)) a.beatId = g.beatId;
    gridAreas.push(a);
  }
  const beatAreas: Area[] = keptBeats
    .filter((b) => b.geometry !== null)
    .map((b) => ({ id: b.id, name: b.name, level: 'beat', parentId: b.station?.id ?? null, geometry: b.geometry as AreaGeometry, centroid: centroidOf(b.geometry as AreaGeometry) }));
  const upper = (level: AreaLevel): Area[] =>
    [...parents.values()]
      .filter((p) => p.level === level)
      .map((p) => {
        const a: Area = { id: p.id, name: p.name, level: p.level, parentId: p.parentId, centroid: { lat: NaN, lng: NaN } };
        const outline = outlineOf.get(p.id)?.geometry;
        if (outline !== undefined && outline !== null) a.geometry = outline;
        return a;
      });
  const stations = upper('station');
  areas.push(...upper('city'), ...upper('district'), ...upper('street'), ...upper('community'), ...gridAreas, ...stations, ...beatAreas);
  fillCentroids(areas);
  const snapshot: AreaSnapshot = { version: versionOf(areas), areas };

  // 5. Belt and braces: the tree rules of areas.ts, which the checks above should already imply.
  if (problems.length === 0) {
    for (const message of validateSnapshot(snapshot)) report(null, undefined, 'invalid_tree', message);
  }
  return { snapshot, problems };
}

/**
 * Centroids: from the outline where there is one; otherwise the area-weighted mean of the
 * centroids of the grids below (by parent chain, and for stations through their beats).
 */
function fillCentroids(areas: Area[]): void {
  const byId = new Map(areas.map((a) => [a.id, a]));
  const sums = new Map<string, { x: number; y: number; w: number }>();
  const add = (id: string | null | undefined, c: LatLng, w: number, seen: Set<string>): void => {
    while (id !== null && id !== undefined && !seen.has(id)) {
      seen.add(id);
      const s = sums.get(id) ?? { x: 0, y: 0, w: 0 };
      s.x += c.lng * w;
      s.y += c.lat * w;
      s.w += w;
      sums.set(id, s);
      id = byId.get(id)?.parentId;
    }
  };
  for (const g of areas) {
    if (g.level !== 'grid' || g.geometry === undefined) continue;
    const w = Math.abs(geometryAreaDeg2(g.geometry)) || 1e-12;
    const seen = new Set<string>([g.id]);
    add(g.parentId, g.centroid, w, seen);
    add(g.beatId, g.centroid, w, seen);
  }
  for (const a of areas) {
    if (a.geometry !== undefined && a.level !== 'grid' && a.level !== 'beat') a.centroid = centroidOf(a.geometry);
    else if (a.geometry === undefined) {
      const s = sums.get(a.id);
      a.centroid = s === undefined || s.w === 0 ? { lat: NaN, lng: NaN } : { lat: s.y / s.w, lng: s.x / s.w };
    }
  }
  // A station whose beats hold no grid: the mean of its beats' centroids.
  for (const a of areas) {
    if (Number.isFinite(a.centroid.lat)) continue;
    const children = areas.filter((c) => c.parentId === a.id && Number.isFinite(c.centroid.lat));
    if (children.length > 0) {
      a.centroid = {
        lat: children.reduce((t, c) => t + c.centroid.lat, 0) / children.length,
        lng: children.reduce((t, c) => t + c.centroid.lng, 0) / children.length,
      };
    }
  }
}

function geometryAreaDeg2(g: AreaGeometry): number {
  let a = 0;
  for (const ring of g.type === 'Polygon' ? g.coordinates : g.coordinates.flat()) a += ringSignedArea(ring);
  return a;
}

/** Canonical JSON (areas by id, keys in a fixed order) → first 12 hex digits of its SHA-256. */
function versionOf(areas: Area[]): string {
  const canonical = [...areas]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((a) => [a.id, a.name, a.level, a.parentId, a.beatId ?? null, a.geometry ?? null, [a.centroid.lat, a.centroid.lng]]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 12);
}

function formatM2(m2: number): string {
  return m2 >= 10_000 ? `${(m2 / 1e6).toFixed(3)} km²` : `${m2.toFixed(1)} m²`;
}

// ---- geometry checks -------------------------------------------------------------------------------

type Report = (code: ImportProblemCode, message: string) => void;

/**
 * A geometry read and checked on its own, normalised (2-D positions, no repeated consecutive
 * positions, exteriors counter-clockwise, holes clockwise); null if it is missing or has a
 * problem (each one reported).
 */
function readGeometry(raw: unknown, report: Report): AreaGeometry | null {
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
function readRing(raw: unknown, where: string, report: Report): LinearRing | null {
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

function pointInRing(ring: LinearRing, x: number, y: number): 'inside' | 'outside' | 'on' {
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
function ringSignedArea(ring: LinearRing): number {
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

interface Projection {
  lng0: number;
  lat0: number;
  kx: number;
  ky: number;
}

/** A local equirectangular projection (metres) centred on the given geometries. */
function projectionFor(geoms: AreaGeometry[]): Projection {
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
interface Shape {
  rings: Float64Array[];
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  /** m², holes subtracted */
  area: number;
}

function toShape(g: AreaGeometry, pr: Projection): Shape {
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

function intersectionArea(a: Shape, b: Shape): number {
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

// ---- export ----------------------------------------------------------------------------------------

/**
 * A snapshot as an import document: one feature per grid and beat with their parents as columns,
 * plus outline features for the areas above that have a geometry. `parseAreaImport` of the
 * result gives the same areas back. Throws if the snapshot does not fit the model (a grid whose
 * parent chain is not community → street → district → city, a beat not under a station).
 */
export function toAreaImport(snapshot: AreaSnapshot): AreaImport {
  const byId = new Map(snapshot.areas.map((a) => [a.id, a]));
  const parentOf = (a: Area, level: AreaLevel): Area => {
    const p = a.parentId === null ? undefined : byId.get(a.parentId);
    if (p === undefined || p.level !== level) throw new Error(`toAreaImport: ${a.id} (a ${a.level}) must sit under a ${level}`);
    return p;
  };
  const features: AreaImportFeature[] = [];
  for (const a of snapshot.areas) {
    if (a.level === 'grid') {
      if (a.geometry === undefined || a.beatId === undefined) throw new Error(`toAreaImport: grid ${a.id} needs a geometry and a beat`);
      const community = parentOf(a, 'community');
      const street = parentOf(community, 'street');
      const district = parentOf(street, 'district');
      const city = parentOf(district, 'city');
      features.push({
        type: 'Feature',
        geometry: a.geometry,
        properties: {
          level: 'grid',
          id: a.id,
          name: a.name,
          beatId: a.beatId,
          communityId: community.id,
          communityName: community.name,
          streetId: street.id,
          streetName: street.name,
          districtId: district.id,
          districtName: district.name,
          cityId: city.id,
          cityName: city.name,
        },
      });
    }
  }
  for (const a of snapshot.areas) {
    if (a.level !== 'beat') continue;
    if (a.geometry === undefined) throw new Error(`toAreaImport: beat ${a.id} needs a geometry`);
    const station = parentOf(a, 'station');
    if (station.parentId === null) throw new Error(`toAreaImport: station ${station.id} must sit under a city, district or street`);
    features.push({
      type: 'Feature',
      geometry: a.geometry,
      properties: { level: 'beat', id: a.id, name: a.name, stationId: station.id, stationName: station.name, stationParentId: station.parentId },
    });
  }
  for (const a of snapshot.areas) {
    if (a.geometry === undefined || !(OUTLINE_LEVELS as readonly string[]).includes(a.level)) continue;
    features.push({ type: 'Feature', geometry: a.geometry, properties: { level: a.level as OutlineLevel, id: a.id, name: a.name } });
  }
  // Independent of the snapshot's arrays, as a document to be serialised should be.
  return JSON.parse(JSON.stringify({ type: 'FeatureCollection', features })) as AreaImport;
}
