/**
 * The area import document (geo/import documents the format and checks it): its feature types,
 * and the inverse — a stored snapshot and register written back as a document that imports to
 * the same areas (tests, and moving a city between deployments).
 */
import type { Area, AreaGeometry, AreaLevel, AreaSnapshot, Position } from '#geo/areas';
import { EMPTY_PLACES, type PlaceSet } from '#geo/places';

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

export interface BuildingFeatureProperties {
  level: 'building';
  id: string;
  estate: string;
  number: string;
  units?: number;
  floors?: number;
  street?: string;
}

export interface RoadFeatureProperties {
  level: 'road';
  id: string;
  name: string;
  kind?: 'main' | 'minor';
}

export interface AreaImportFeature {
  type: 'Feature';
  geometry: AreaGeometry | { type: 'Point'; coordinates: Position } | { type: 'MultiLineString' | 'LineString'; coordinates: Position[][] | Position[] } | null;
  properties: GridFeatureProperties | BeatFeatureProperties | OutlineFeatureProperties | BuildingFeatureProperties | RoadFeatureProperties;
}

/** The accepted import document (see the module header). */
export interface AreaImport {
  type: 'FeatureCollection';
  features: AreaImportFeature[];
}

export const OUTLINE_LEVELS = ['city', 'district', 'street', 'community', 'station'] as const;
export type OutlineLevel = (typeof OUTLINE_LEVELS)[number];



/**
 * A snapshot as an import document: one feature per grid and beat with their parents as columns,
 * plus outline features for the areas above that have a geometry. `parseAreaImport` of the
 * result gives the same areas back. Throws if the snapshot does not fit the model (a grid whose
 * parent chain is not community → street → district → city, a beat not under a station).
 */
export function toAreaImport(snapshot: AreaSnapshot, places: PlaceSet = EMPTY_PLACES): AreaImport {
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
  for (const b of places.buildings) {
    features.push({
      type: 'Feature',
      geometry: b.footprint ?? { type: 'Point', coordinates: [b.point.lng, b.point.lat] },
      properties: { level: 'building', id: b.id, estate: b.estate, number: b.number, ...(b.units ? { units: b.units } : {}), ...(b.floors ? { floors: b.floors } : {}) },
    });
  }
  for (const r of places.roads) {
    features.push({ type: 'Feature', geometry: { type: 'MultiLineString', coordinates: r.lines }, properties: { level: 'road', id: r.id, name: r.name, kind: r.kind } });
  }
  // Independent of the snapshot's arrays, as a document to be serialised should be.
  return JSON.parse(JSON.stringify({ type: 'FeatureCollection', features })) as AreaImport;
}
