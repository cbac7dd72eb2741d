/**
 * The basemap clients draw when no tile server is configured (and on top of one when it is):
 * the version's roads, buildings and grid outlines as GeoJSON in GCJ-02 (the datum of WeChat's
 * maps and of Chinese tile providers), with the names the map labels. Converted once per
 * version and kept; a bbox takes the features that touch it.
 */
import { config } from '#config';
import { fromWgs84 } from '#geo/datum';
import type { AreaGeometry, Position } from '#geo/areas';
import { register } from '#flows/places';

type Geometry = { type: 'Point'; coordinates: Position } | { type: 'MultiLineString'; coordinates: Position[][] } | AreaGeometry;
interface Feature {
  type: 'Feature';
  properties: Record<string, string>;
  geometry: Geometry;
  /** [minLng, minLat, maxLng, maxLat] in GCJ-02 (RFC 7946 §5) */
  bbox: [number, number, number, number];
}

const round = (x: number) => Math.round(x * 1e7) / 1e7;
const toGcj = ([lng, lat]: Position): Position => {
  const p = fromWgs84({ lat, lng }, 'gcj02');
  return [round(p.lng), round(p.lat)];
};

function boxOf(points: Position[]): [number, number, number, number] {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function polygonGcj(g: AreaGeometry): AreaGeometry {
  return g.type === 'Polygon' ? { type: 'Polygon', coordinates: g.coordinates.map((r) => r.map(toGcj)) } : { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map((r) => r.map(toGcj))) };
}
const positionsOf = (g: AreaGeometry): Position[] => (g.type === 'Polygon' ? g.coordinates.flat() : g.coordinates.flat(2));

interface Layers {
  version: string;
  roads: Feature[];
  buildings: Feature[];
  grids: Feature[];
}
let cached: Layers | null = null;

async function layers(): Promise<Layers> {
  const { version, places, tree } = await register();
  if (cached?.version === version) return cached;
  const roads = places.roads.map((r): Feature => {
    const lines = r.lines.map((l) => l.map(toGcj));
    return { type: 'Feature', properties: { id: r.id, name: r.name, kind: r.kind }, geometry: { type: 'MultiLineString', coordinates: lines }, bbox: boxOf(lines.flat()) };
  });
  const buildings = places.buildings.map((b): Feature => {
    const geometry: Geometry = b.footprint ? polygonGcj(b.footprint) : { type: 'Point', coordinates: toGcj([b.point.lng, b.point.lat]) };
    const pts = geometry.type === 'Point' ? [geometry.coordinates] : positionsOf(geometry as AreaGeometry);
    return { type: 'Feature', properties: { id: b.id, name: b.name, label: b.label }, geometry, bbox: boxOf(pts) };
  });
  const grids = tree.list({ level: 'grid' }).flatMap((g): Feature[] => {
    if (!g.geometry) return [];
    const geometry = polygonGcj(g.geometry);
    return [{ type: 'Feature', properties: { id: g.id, name: g.name }, geometry, bbox: boxOf(positionsOf(geometry)) }];
  });
  cached = { version, roads, buildings, grids };
  return cached;
}

const touches = (f: Feature, [x0, y0, x1, y1]: readonly number[]) => f.bbox[0] <= x1! && f.bbox[2] >= x0! && f.bbox[1] <= y1! && f.bbox[3] >= y0!;

export async function basemapOf(bbox: readonly [number, number, number, number] | null) {
  const l = await layers();
  const pick = (fs: Feature[]) => ({ type: 'FeatureCollection' as const, features: bbox ? fs.filter((f) => touches(f, bbox)) : fs });
  return {
    version: l.version,
    datum: 'gcj02' as const,
    tiles: config.mapTileUrl ? { url: config.mapTileUrl, attribution: config.mapTileAttribution, ...(config.mapTileSubdomains ? { subdomains: config.mapTileSubdomains } : {}) } : null,
    roads: pick(l.roads),
    buildings: pick(l.buildings),
    grids: pick(l.grids),
  };
}
