/**
 * PUT /v1/admin/areas: a city's grids and beats as GeoJSON (geo/import documents the format).
 * An import replaces the whole map, so only an admin bound to the whole stored tree may make it
 * (never judged by the ids inside the file). Everything is checked before anything changes and
 * every problem is reported at once; a valid import becomes a new version (same boundaries ->
 * same version), switched to atomically with its audit entry.
 */
import { DomainError } from '#domain/errors';
import { parseAreaImport } from '#geo/import';
import { buildGridIndex, serializeIndex } from '#geo/spatial-index';
import { invalidateAreas } from '#flows/areas';
import { rightsOf } from '#flows/rights';
import { auditEntry, auditPut } from '#store/audit';
import { saveSnapshot } from '#store/areas';
import { ConditionFailed } from '#store/tx';
import type { UserRecord } from '#store/users';

export async function importAreas(admin: UserRecord, geojson: unknown) {
  (await rightsOf(admin)).require('city', '只有全市管理员可以导入区域边界');
  const { snapshot, places, problems } = parseAreaImport(geojson);
  if (problems.length > 0) {
    throw new DomainError('invalid_input', `区域数据有 ${problems.length} 处问题，未做任何修改`, { problems: problems.slice(0, 500), total: problems.length });
  }
  const grids = snapshot.areas.filter((a) => a.level === 'grid');
  let saved;
  try {
    saved = await saveSnapshot({ snapshot, index: serializeIndex(buildGridIndex(grids)), places }, admin.id, (v) => [
      auditPut(auditEntry({ at: v.importedAt, what: 'areas_import', actorId: admin.id, actorRole: admin.role, reportId: null, detail: `areas import ${v.version}`, from: v.previous, to: v.version })),
    ]);
  } catch (e) {
    if (e instanceof ConditionFailed) throw new DomainError('version_conflict', '区域数据刚被他人导入，请确认后重试');
    throw e;
  }
  invalidateAreas();
  return {
    version: saved.version,
    previous: saved.previous,
    grids: grids.length,
    beats: snapshot.areas.filter((a) => a.level === 'beat').length,
    areas: snapshot.areas.length,
    buildings: places.buildings.length,
    roads: places.roads.length,
  };
}
