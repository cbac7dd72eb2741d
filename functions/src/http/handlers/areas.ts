/** Public area and category endpoints (no token: the app shows them before login). */
import { CATEGORIES } from '#domain/categories';
import { DomainError } from '#domain/errors';
import { fromWgs84 } from '#geo/datum';
import type { Area } from '#geo/areas';
import { areasInForce, locate as locatePoint } from '#flows/areas';
import type { Handler } from '#http/handler';

const gcj = (p: { lat: number; lng: number }) => ({ ...fromWgs84(p, 'gcj02'), datum: 'gcj02' as const });
const ref = (a: Area | undefined) => (a ? { id: a.id, name: a.name } : null);

export const categories: Handler<'areas.categories'> = async () => ({
  body: {
    items: CATEGORIES.map((c) => ({
      code: c.code,
      name: c.name,
      lead: c.lead,
      alsoNotify: c.alsoNotify,
      acceptHours: c.acceptHours,
      resolveHours: c.resolveHours,
      emergency: c.emergency !== null,
      emergencyCall: c.emergency?.call ?? [],
      emergencyNotice: c.emergency?.notice ?? null,
    })),
    cursor: null,
  },
  headers: { 'cache-control': 'public, max-age=300' },
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
    found = await locatePoint({ lat: query.lat, lng: query.lng }, query.datum ?? 'gcj02');
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
    },
  };
};
