/**
 * The address-register layers of an area import (geo/import reads the grids; this reads the rest
 * of the same FeatureCollection):
 *
 *   level "building" (楼栋) — geometry: a footprint Polygon | MultiPolygon, or a Point
 *     id          stable building id (the register's code), unique across the whole import
 *     estate      小区 name, e.g. 深南花园
 *     number      楼栋 number, e.g. 3 or "3" (read as text; "A", "商铺" allowed)
 *     units       optional: 单元 count, 1–99
 *     floors      optional: floors above ground, 1–200
 *     street      optional: 街道 name; when given it must be the street of the grid it lies in
 *   level "road" — geometry: LineString | MultiLineString (for the basemap and place labels)
 *     id, name    as for areas
 *     kind        optional: "main" | "minor" (default "minor")
 *
 * Checks, each problem with its feature index: a building lies inside exactly one grid (its
 * point, or every vertex of its footprint: `building_outside_grid`, `building_across_grids`);
 * the same 小区 + 楼栋 twice in one community is `duplicate_building`; bad columns are
 * `bad_building` / `bad_road`; geometry problems use the codes of geo/polygons.
 */
import { pinyin } from 'pinyin-pro';
import type { Area, AreaGeometry, Position } from '#geo/areas';
import type { GridIndex } from '#geo/spatial-index';
import { centroidOf } from '#geo/areas';
import { isObject, readId, readName } from '#geo/import-fields';
import { readGeometry, type GeometryProblemCode } from '#geo/polygons';
import { buildingWords, type Building, type PlaceSet, type Road } from '#geo/places';

export type PlaceProblemCode = 'building_outside_grid' | 'building_across_grids' | 'duplicate_building' | 'bad_building' | 'bad_road';

export interface PlaceRow {
  index: number;
  level: 'building' | 'road';
  properties: Record<string, unknown>;
  geometry: unknown;
}

export interface PlaceContext {
  grids: GridIndex;
  /** the grid's community and street, by grid id */
  parentsOf(gridId: string): { community: Area; street: Area } | null;
  /** ids already taken by areas: feature index by id */
  areaIds: ReadonlyMap<string, number>;
}

type Report = (index: number, featureId: string | undefined, code: PlaceProblemCode | GeometryProblemCode | 'duplicate_id' | 'missing_name' | 'bad_id' | 'geometry_missing', message: string) => void;

/** Pinyin initials of a name, lower case, letters and digits kept as they are: 深南花园 → snhy. */
export function initialsOf(text: string): string {
  return pinyin(text, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive' })
    .join('')
    .replace(/[^0-9a-z]/gi, '')
    .toLowerCase();
}

function readPosition(raw: unknown): Position | null {
  if (!Array.isArray(raw) || raw.length < 2) return null;
  const [x, y] = raw as unknown[];
  if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) return null;
  if (x < -180 || x > 180 || y < -90 || y > 90) return null;
  return [x, y];
}

function readLines(raw: unknown): Position[][] | string {
  if (!isObject(raw) || (raw.type !== 'LineString' && raw.type !== 'MultiLineString') || !Array.isArray(raw.coordinates)) {
    return `geometry must be a LineString or MultiLineString, got ${isObject(raw) && typeof raw.type === 'string' ? raw.type : 'nothing'}`;
  }
  const rawLines = raw.type === 'LineString' ? [raw.coordinates] : (raw.coordinates as unknown[]);
  const lines: Position[][] = [];
  for (const [li, rawLine] of rawLines.entries()) {
    if (!Array.isArray(rawLine) || rawLine.length < 2) return `line ${li} needs at least 2 positions`;
    const line = rawLine.map(readPosition);
    const bad = line.findIndex((p) => p === null);
    if (bad >= 0) return `line ${li}, position ${bad} is not a [lng, lat] pair of numbers in range`;
    lines.push(line as Position[]);
  }
  return lines.length > 0 ? lines : 'geometry has no lines';
}

/** A small whole number in [min, max], absent, or a reason. */
function readCount(raw: unknown, min: number, max: number): number | null | string {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= min && raw <= max) return raw;
  return `must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`;
}

function readNumber(raw: unknown): string | null {
  const text = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  return text !== '' && text.length <= 16 ? text : null;
}

/** Vertices of a footprint (exterior rings and holes; closing positions included, harmlessly). */
const verticesOf = (g: AreaGeometry): Position[] => (g.type === 'Polygon' ? g.coordinates.flat() : g.coordinates.flat(2));

export function parsePlaces(rows: PlaceRow[], ctx: PlaceContext, report: Report): PlaceSet {
  const buildings: Building[] = [];
  const roads: Road[] = [];
  const ids = new Map<string, number>();
  const registerKeys = new Map<string, { index: number; id: string }>();
  for (const row of rows) {
    const { index, properties: props } = row;
    const idRead = readId(props.id);
    const id = 'id' in idRead ? idRead.id : undefined;
    const label = id === undefined ? `feature #${index}` : `${id} (feature #${index})`;
    if ('why' in idRead) {
      report(index, undefined, 'bad_id', `${label}: properties.id is ${idRead.why}`);
      continue;
    }
    const taken = ctx.areaIds.get(idRead.id) ?? ids.get(idRead.id);
    if (taken !== undefined) {
      report(index, id, 'duplicate_id', `${label}: id already used by feature #${taken}`);
      continue;
    }
    ids.set(idRead.id, index);
    if (row.level === 'road') {
      const name = readName(props.name);
      const kind = props.kind ?? 'minor';
      const lines = readLines(row.geometry);
      if (name === null) report(index, id, 'missing_name', `${label}: properties.name is missing or blank`);
      if (kind !== 'main' && kind !== 'minor') report(index, id, 'bad_road', `${label}: properties.kind must be "main" or "minor", got ${JSON.stringify(kind)}`);
      if (typeof lines === 'string') report(index, id, 'bad_road', `${label}: ${lines}`);
      if (name !== null && (kind === 'main' || kind === 'minor') && typeof lines !== 'string') roads.push({ id: idRead.id, name, kind, lines });
      continue;
    }
    const building = readBuilding(row, idRead.id, label, ctx, report);
    if (building === null) continue;
    const key = `${building.communityId}\u0000${building.estate}\u0000${building.number}`;
    const first = registerKeys.get(key);
    if (first !== undefined) {
      report(index, id, 'duplicate_building', `${label}: ${building.name} is already in the register as ${first.id} (feature #${first.index})`);
      continue;
    }
    registerKeys.set(key, { index, id: building.id });
    buildings.push(building);
  }
  return { buildings, roads };
}

function readBuilding(row: PlaceRow, id: string, label: string, ctx: PlaceContext, report: Report): Building | null {
  const { index, properties: props } = row;
  const problems: string[] = [];
  const estate = readName(props.estate);
  if (estate === null) problems.push('properties.estate (the 小区) is missing or blank');
  const number = readNumber(props.number);
  if (number === null) problems.push('properties.number (the 楼栋) is missing, blank or longer than 16 characters');
  const units = readCount(props.units, 1, 99);
  if (typeof units === 'string') problems.push(`properties.units ${units}`);
  const floors = readCount(props.floors, 1, 200);
  if (typeof floors === 'string') problems.push(`properties.floors ${floors}`);
  const street = props.street === undefined || props.street === null ? null : readName(props.street);
  if (props.street !== undefined && props.street !== null && street === null) problems.push('properties.street is blank');
  for (const p of problems) report(index, id, 'bad_building', `${label}: ${p}`);

  let footprint: AreaGeometry | null = null;
  let vertices: Position[];
  const g = row.geometry;
  if (g === null || g === undefined) {
    report(index, id, 'geometry_missing', `${label}: a building needs a footprint (Polygon, MultiPolygon) or a Point`);
    return null;
  }
  if (isObject(g) && g.type === 'Point') {
    const p = readPosition(g.coordinates);
    if (p === null) {
      report(index, id, 'coordinate_invalid', `${label}: the Point's coordinates are not a [lng, lat] pair of numbers in range`);
      return null;
    }
    vertices = [p];
  } else {
    footprint = readGeometry(g, (code, message) => report(index, id, code, `${label}: ${message}`));
    if (footprint === null) return null;
    vertices = verticesOf(footprint);
  }
  const inGrids = new Set(vertices.map(([lng, lat]) => ctx.grids.locate({ lat, lng })));
  if (inGrids.has(null)) {
    report(index, id, 'building_outside_grid', `${label}: ${vertices.length === 1 ? 'the point lies' : 'part of the footprint lies'} outside every grid`);
    return null;
  }
  if (inGrids.size > 1) {
    report(index, id, 'building_across_grids', `${label}: the footprint spans grids ${[...inGrids].sort().join(', ')}; a building belongs to exactly one`);
    return null;
  }
  const gridId = [...inGrids][0] as string;
  const parents = ctx.parentsOf(gridId);
  if (parents === null || problems.length > 0 || estate === null || number === null) return null;
  if (street !== null && street !== parents.street.name) {
    report(index, id, 'bad_building', `${label}: properties.street is "${street}" but the building lies in ${parents.street.name} (grid ${gridId})`);
    return null;
  }
  const [lng, lat] = vertices[0]!;
  return {
    id,
    estate,
    number,
    ...buildingWords({ estate, number, streetName: parents.street.name, communityName: parents.community.name }),
    units: units as number | null,
    floors: floors as number | null,
    gridId,
    communityId: parents.community.id,
    point: footprint ? centroidOf(footprint) : { lat, lng },
    footprint,
    initials: initialsOf(estate) + number.toLowerCase().replace(/[^0-9a-z]/g, ''),
  };
}
