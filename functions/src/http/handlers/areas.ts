/** Public area and category endpoints (no token: the app shows them before login). */
import { categoryTable } from '#domain/categories';
import { DomainError } from '#domain/errors';
import { fromWgs84 } from '#geo/datum';
import type { Area } from '#geo/areas';
import { areasInForce } from '#flows/areas';
import { place, searchBuildings } from '#flows/places';
import { basemapOf } from '#flows/basemap';
import type { Building } from '#geo/places';
import type { Handler } from '#http/handler';

const gcj = (p: { lat: number; lng: number }) => ({ ...fromWgs84(p, 'gcj02'), datum: 'gcj02' as const });
const ref = (a: Area | undefined) => (a ? { id: a.id, name: a.name } : null);

export const categories: Handler<'areas.categories'> = async () => ({
  body: {
    version: categoryTable().version,
    items: categoryTable().items.map((c) => ({
      code: c.code,
      name: c.name,
      lead: c.lead,
      alsoNotify: c.alsoNotify,
      acceptHours: c.acceptHours,
      resolveHours: c.resolveHours,
      emergency: c.emergency !== null,
      emergencyCall: c.emergency?.call ?? [],
      emergencyNotice: c.emergency?.notice ?? null,
      safetyQuestion: c.safetyQuestion ?? null,
      replies: c.replies ?? [],
    })),
    cursor: null,
  },
  // an edit reaches clients within a minute (plus the table's own 30 s refresh)
  headers: { 'cache-control': 'public, max-age=60' },
});

export const list: Handler<'areas.list'> = async ({ query }) => {
  const { tree } = await areasInForce();
  const filter = { ...(query.level ? { level: query.level } : {}), ...(query.parentId ? { parentId: query.parentId } : {}) };
  const items = tree.list(filter).map((a) => ({
    id: a.id,
    name: a.name,
    level: a.level,
    parentId: a.parentId,
    ...(a.beatId ? { beatId: a.beatId } : {}),
    centroid: gcj(a.centroid),
    // Boundaries are served as stored (WGS-84, GeoJSON order); the property says so.
    ...(query.geometry === '1' && a.geometry ? { geometry: a.geometry, geometryDatum: 'wgs84' } : {}),
  }));
  return { body: { items, cursor: null, version: tree.version } };
};

export const locate: Handler<'areas.locate'> = async ({ query }) => {
  let found;
  try {
    found = await place({ lat: query.lat, lng: query.lng }, query.datum ?? 'gcj02', query.accuracy);
  } catch (e) {
    // API.md: locate answers 404 outside_service_area (a report there is a 400).
    if (e instanceof DomainError && e.code === 'outside_service_area') throw new DomainError(e.code, e.message, e.details, 404);
    throw e;
  }
  const l = found.lineage;
  return {
    body: {
      grid: ref(l.grid),
      beat: ref(l.beat),
      community: ref(l.community),
      street: ref(l.street),
      district: ref(l.district),
      station: ref(l.station),
      routing: found.mode,
      ...(found.mode === 'nearest' ? { distanceMeters: found.meters } : {}),
      building: found.building ? { ...buildingOut(found.building), meters: found.buildingMeters } : null,
      label: found.label,
      boundary: found.boundary ? { meters: found.boundary.meters, grid: ref(found.boundary.grid) } : null,
      confirm: found.confirm ? { reason: found.confirm.reason, candidates: found.confirm.candidates.map(buildingOut) } : null,
    },
  };
};

/** A building of the register as clients see it (its point in GCJ-02). */
const buildingOut = (b: Building) => ({
  id: b.id,
  name: b.name,
  estate: b.estate,
  number: b.number,
  address: b.address,
  label: b.label,
  units: b.units,
  floors: b.floors,
  location: gcj(b.point),
});

export const buildings: Handler<'areas.buildings'> = async ({ query }) => {
  const found = await searchBuildings(query.q, { ...(query.communityId ? { communityId: query.communityId } : {}), ...(query.gridId ? { gridId: query.gridId } : {}) }, query.limit);
  return {
    body: { items: found.map((v) => ({ ...buildingOut(v.building), grid: ref(v.grid), community: ref(v.community) })), cursor: null },
    headers: { 'cache-control': 'public, max-age=300' },
  };
};

export const basemap: Handler<'areas.basemap'> = async ({ query }) => ({
  body: await basemapOf(query.bbox ?? null),
  headers: { 'cache-control': 'public, max-age=300' },
});
