/**
 * GCJ-02 <-> WGS-84 for display. THE conversion lives in the backend (functions/src/geo/datum.ts,
 * pure arithmetic, no imports); the app compiles that very file (config/index.ts compile.include)
 * rather than keeping a copy that could drift.
 */
export { wgs84ToGcj02, gcj02ToWgs84 } from '../../../functions/src/geo/datum';
