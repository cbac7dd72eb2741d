/** Small geometry helpers for drawing maps (no leaflet here, so they run in unit tests). */
import type { GeoFeature, LatLng } from '../../lib/types';

/** GeoJSON Polygon / MultiPolygon -> outer rings, each position converted with `convert`. */
export function ringsOf(geometry: { type: string; coordinates: any } | null | undefined, convert: (p: LatLng) => LatLng = (p) => p): LatLng[][] {
  if (!geometry) return [];
  const polys: number[][][][] = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  return polys.map((poly) => (poly[0] ?? []).map(([lng, lat]) => convert({ lat: lat!, lng: lng! })));
}

/** GeoJSON LineString / MultiLineString -> lines of LatLng. */
export function linesOf(geometry: GeoFeature<unknown>['geometry']): LatLng[][] {
  const lines: number[][][] = geometry.type === 'LineString' ? [geometry.coordinates] : geometry.type === 'MultiLineString' ? geometry.coordinates : [];
  return lines.map((l) => l.map(([lng, lat]) => ({ lat: lat!, lng: lng! })));
}

/** Vertex average of a ring: inside for the compact shapes of grids and buildings, cheap. */
export function ringCentre(ring: LatLng[]): LatLng {
  const pts = ring.length > 1 && ring[0]!.lat === ring[ring.length - 1]!.lat && ring[0]!.lng === ring[ring.length - 1]!.lng ? ring.slice(0, -1) : ring;
  const n = Math.max(pts.length, 1);
  return { lat: pts.reduce((s, p) => s + p.lat, 0) / n, lng: pts.reduce((s, p) => s + p.lng, 0) / n };
}

/** Where to put a feature's label: a point's own position, a polygon's (largest ring's) centre. */
export function labelPoint(geometry: GeoFeature<unknown>['geometry']): LatLng | null {
  if (geometry.type === 'Point') return { lat: geometry.coordinates[1], lng: geometry.coordinates[0] };
  const rings = ringsOf(geometry);
  if (!rings.length) return null;
  return ringCentre(rings.reduce((a, b) => (b.length > a.length ? b : a)));
}

/** Local metres per degree at a latitude (equirectangular: fine over a few hundred metres). */
const M_PER_DEG = 111_320;
const segLength = (a: LatLng, b: LatLng) => Math.hypot((b.lat - a.lat) * M_PER_DEG, (b.lng - a.lng) * M_PER_DEG * Math.cos((a.lat * Math.PI) / 180));

/**
 * The point `fraction` of the way along a line (by length), and the direction of the line there
 * in screen degrees (0 = east, clockwise positive as on a north-up map), folded into -90..90 so
 * text drawn along it is never upside down. Web Mercator keeps angles, so the local direction
 * is atan2 of the northward and eastward metres.
 */
export function alongLine(line: LatLng[], fraction = 0.5): { at: LatLng; angle: number } | null {
  if (line.length < 2) return line[0] ? { at: line[0], angle: 0 } : null;
  const total = lineMeters(line);
  let left = total * fraction;
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1]!;
    const b = line[i]!;
    const len = segLength(a, b);
    if (left <= len || i === line.length - 1) {
      const t = len ? Math.min(left / len, 1) : 0;
      const east = (b.lng - a.lng) * Math.cos((a.lat * Math.PI) / 180);
      const north = b.lat - a.lat;
      let angle = (-Math.atan2(north, east) * 180) / Math.PI;
      if (angle > 90) angle -= 180;
      if (angle < -90) angle += 180;
      return { at: { lat: a.lat + (b.lat - a.lat) * t, lng: a.lng + (b.lng - a.lng) * t }, angle };
    }
    left -= len;
  }
  return null;
}

/** A line's length in metres. */
export const lineMeters = (l: LatLng[]) => l.slice(1).reduce((s, p, i) => s + segLength(l[i]!, p), 0);

/** The longest line of a (Multi)LineString: the one a road's name goes on. */
export function longestLine(lines: LatLng[][]): LatLng[] {
  let best: LatLng[] = [];
  let bestLen = -1;
  for (const l of lines) {
    const len = lineMeters(l);
    if (len > bestLen) {
      best = l;
      bestLen = len;
    }
  }
  return best;
}
