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
 *   level "building" | "road" — the address register and the basemap's roads, in the same
 *     collection: geo/places-import documents and checks them (every building inside exactly one
 *     of these grids)
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
import type { Area, AreaGeometry, AreaLevel, AreaSnapshot } from '#geo/areas';
import type { LatLng } from '#geo/datum';
import { isObject, readId, readName } from '#geo/import-fields';
import { OUTLINE_LEVELS, type OutlineLevel } from '#geo/import-document';

export { toAreaImport, type AreaImport, type AreaImportFeature, type BeatFeatureProperties, type BuildingFeatureProperties, type GridFeatureProperties, type OutlineFeatureProperties, type RoadFeatureProperties } from '#geo/import-document';
import { parsePlaces, type PlaceProblemCode, type PlaceRow } from '#geo/places-import';
import { EMPTY_PLACES, type PlaceSet } from '#geo/places';
import { buildGridIndex } from '#geo/spatial-index';
import { readGeometry, ringSignedArea, type GeometryProblemCode } from '#geo/polygons';
import { formatM2, intersectionArea, overlapToleranceM2, projectionFor, toShape, type Shape } from '#geo/polygon-areas';

export { areaM2, intersectionAreaM2, OVERLAP_MAX_SHARE, OVERLAP_MIN_M2, overlapToleranceM2 } from '#geo/polygon-areas';

export type ImportProblemCode =
  | GeometryProblemCode
  | PlaceProblemCode
  | 'not_feature_collection'
  | 'not_feature'
  | 'bad_level'
  | 'bad_id'
  | 'missing_name'
  | 'duplicate_id'
  | 'geometry_missing'
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
  /** the buildings and roads of the import (geo/places-import), empty when it has none */
  places: PlaceSet;
  problems: ImportProblem[];
}

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
  const empty = (): AreaImportResult => ({ snapshot: { version: versionOf([], EMPTY_PLACES), areas: [] }, places: EMPTY_PLACES, problems });
  if (!isObject(geojson) || geojson.type !== 'FeatureCollection' || !Array.isArray(geojson.features)) {
    report(null, undefined, 'not_feature_collection', 'the document must be a GeoJSON FeatureCollection with a "features" array');
    return empty();
  }
  const features = geojson.features as unknown[];

  // 1. Each feature on its own: shape, id, name, level, columns, geometry.
  const grids: GridRow[] = [];
  const beats: BeatRow[] = [];
  const outlines: OutlineRow[] = [];
  const placeRows: PlaceRow[] = [];
  features.forEach((f, index) => {
    if (!isObject(f) || f.type !== 'Feature' || !isObject(f.properties)) {
      report(index, undefined, 'not_feature', `feature #${index} is not a GeoJSON Feature with a "properties" object`);
      return;
    }
    const props = f.properties;
    if (props.level === 'building' || props.level === 'road') {
      placeRows.push({ index, level: props.level, properties: props, geometry: f.geometry });
      return;
    }
    const idRead = readId(props.id);
    const id = 'id' in idRead ? idRead.id : undefined;
    const label = id === undefined ? `feature #${index}` : `${id} (feature #${index})`;
    const level = props.level;
    const isOutline = (OUTLINE_LEVELS as readonly unknown[]).includes(level);
    if (level !== 'grid' && level !== 'beat' && !isOutline) {
      report(index, id, 'bad_level', `${label}: properties.level must be one of grid, beat, ${OUTLINE_LEVELS.join(', ')}, building, road; got ${JSON.stringify(level) ?? 'nothing'}`);
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

  // 5. The address register: every building inside exactly one of the grids just read.
  let places: PlaceSet = EMPTY_PLACES;
  if (placeRows.length > 0 && gridAreas.length > 0) {
    const byId = new Map(areas.map((a) => [a.id, a]));
    const parentsOf = (gridId: string) => {
      const community = byId.get(byId.get(gridId)?.parentId ?? '');
      const street = byId.get(community?.parentId ?? '');
      return community && street ? { community, street } : null;
    };
    places = parsePlaces(placeRows, { grids: buildGridIndex(gridAreas), parentsOf, areaIds: new Map([...featureIds].map(([id, f]) => [id, f.index])) }, report);
  }
  const snapshot: AreaSnapshot = { version: versionOf(areas, places), areas };

  // 6. Belt and braces: the tree rules of areas.ts, which the checks above should already imply.
  if (problems.length === 0) {
    for (const message of validateSnapshot(snapshot)) report(null, undefined, 'invalid_tree', message);
  }
  return { snapshot, places, problems };
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

const byIdOrder = <T extends { id: string }>(list: readonly T[]): T[] => [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/**
 * Canonical JSON (areas, then buildings and roads, by id, keys in a fixed order) → first 12 hex
 * digits of its SHA-256. An import without a register hashes as it did before registers existed.
 */
function versionOf(areas: Area[], places: PlaceSet): string {
  const canonical: unknown[] = byIdOrder(areas).map((a) => [a.id, a.name, a.level, a.parentId, a.beatId ?? null, a.geometry ?? null, [a.centroid.lat, a.centroid.lng]]);
  if (places.buildings.length > 0 || places.roads.length > 0) {
    canonical.push(
      byIdOrder(places.buildings).map((b) => [b.id, b.estate, b.number, b.units, b.floors, b.gridId, b.footprint ?? [b.point.lat, b.point.lng]]),
      byIdOrder(places.roads).map((r) => [r.id, r.name, r.kind, r.lines]),
    );
  }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 12);
}
