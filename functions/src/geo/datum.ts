/**
 * THE one place coordinates change datum (PRODUCT.md "Rules of place and time").
 *
 * WeChat's location and map APIs speak GCJ-02, China's obfuscated datum; boundary data from the
 * city's GIS is WGS-84/CGCS2000 (the two differ by centimetres, far below a grid, so we treat
 * CGCS2000 as WGS-84). The GCJ-02 offset is up to ~500 m, bigger than a grid, so a coordinate in
 * the wrong datum lands in the wrong grid. Everything stored and indexed is WGS-84; every other
 * module converts through `toWgs84` / `fromWgs84` and never does its own arithmetic.
 *
 * Implementation: the standard, widely published GCJ-02 forward formula (Krasovsky 1940
 * ellipsoid, the one used by coordtransform / eviltransform and checked in tests against their
 * published reference pairs), written here rather than pulled from the `gcoord` package so the
 * inverse can be the accurate iterative one: GCJ-02 has no closed-form inverse, and the common
 * "subtract the offset once" shortcut is off by up to ~1–2 m.
 */

export type Datum = 'gcj02' | 'wgs84';

export interface LatLng {
  lat: number;
  lng: number;
}

/** Krasovsky 1940 semi-major axis and eccentricity squared, as fixed by the GCJ-02 algorithm. */
const KRASOVSKY_A = 6378245.0;
const KRASOVSKY_EE = 0.006693421622965943; // 0.00669342162296594323 to double precision

/**
 * The standard "out of China" box: GCJ-02 applies no offset outside it. It is a rough rectangle
 * (it includes e.g. parts of Mongolia and excludes nothing inside the mainland), but it is what
 * every GCJ-02 producer uses, so matching it is what makes the conversion agree with WeChat.
 */
export function outOfChina(p: LatLng): boolean {
  return p.lng < 72.004 || p.lng > 137.8347 || p.lat < 0.8293 || p.lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return r;
}

function transformLng(x: number, y: number): number {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return r;
}

/** The GCJ-02 offset (degrees) to add to a WGS-84 point; zero outside China. */
function gcjOffset(lat: number, lng: number): { dLat: number; dLng: number } {
  if (outOfChina({ lat, lng })) return { dLat: 0, dLng: 0 };
  let dLat = transformLat(lng - 105.0, lat - 35.0);
  let dLng = transformLng(lng - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - KRASOVSKY_EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrtMagic)) * Math.PI);
  dLng = (dLng * 180.0) / ((KRASOVSKY_A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return { dLat, dLng };
}

export function wgs84ToGcj02(p: LatLng): LatLng {
  const { dLat, dLng } = gcjOffset(p.lat, p.lng);
  return { lat: p.lat + dLat, lng: p.lng + dLng };
}

/**
 * Stop when the forward image is within this of the input: 1e-9° is ~0.1 mm, far tighter than the
 * 1e-6° contract, and reachable because the offset changes slowly (its derivative is ~1e-3), so
 * each fixed-point step shrinks the error about a thousandfold; 2–3 steps normally suffice.
 */
const INVERSE_TOLERANCE_DEG = 1e-9;
const INVERSE_MAX_STEPS = 20;

/**
 * Accurate inverse by fixed-point iteration: find w with wgs84ToGcj02(w) = g by repeatedly
 * correcting w by the residual. Converges because the offset is nearly constant over metres.
 */
export function gcj02ToWgs84(p: LatLng): LatLng {
  if (outOfChina(p)) return { lat: p.lat, lng: p.lng };
  let lat = p.lat;
  let lng = p.lng;
  for (let step = 0; step < INVERSE_MAX_STEPS; step++) {
    const g = wgs84ToGcj02({ lat, lng });
    const eLat = g.lat - p.lat;
    const eLng = g.lng - p.lng;
    if (Math.abs(eLat) < INVERSE_TOLERANCE_DEG && Math.abs(eLng) < INVERSE_TOLERANCE_DEG) break;
    lat -= eLat;
    lng -= eLng;
  }
  return { lat, lng };
}

/** Convert a coordinate stated in `datum` to WGS-84 (the datum everything is stored in). */
export function toWgs84(p: LatLng, datum: Datum): LatLng {
  return datum === 'gcj02' ? gcj02ToWgs84(p) : { lat: p.lat, lng: p.lng };
}

/** Convert a stored WGS-84 coordinate to `datum` for a client (e.g. GCJ-02 for the WeChat map). */
export function fromWgs84(p: LatLng, datum: Datum): LatLng {
  return datum === 'gcj02' ? wgs84ToGcj02(p) : { lat: p.lat, lng: p.lng };
}

/** Mean Earth radius (IUGG): the haversine is a sphere model, so the mean radius minimises error. */
const EARTH_RADIUS_M = 6371008.8;

/**
 * Great-circle distance in metres (haversine). Both points must be in the same datum; within a
 * city the spherical approximation errs by well under 0.5 %, fine for "near"/"far" decisions.
 */
export function distanceMeters(a: LatLng, b: LatLng): number {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLng = (b.lng - a.lng) * toRad;
  const s =
    Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLng / 2) ** 2;
  // min() guards against s creeping above 1 by rounding for antipodal points.
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)));
}
