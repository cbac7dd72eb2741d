/** Test data the way residents and staff would produce it. */
import sharp from 'sharp';

/** A real JPEG with camera make, model and GPS in its EXIF, as a phone would write it. */
export async function phonePhoto(width = 1200, height = 900): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 180, g: 90, b: 40 } } })
    .jpeg({ quality: 80 })
    .withExif({
      IFD0: { Make: 'TestPhone', Model: 'Model X', Software: 'camera 1.0' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '22/1 32/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '113/1 56/1 12/1' },
    })
    .toBuffer();
}

/** GCJ-02 point inside a demo grid (the way the app would send its location). */
export async function pointIn(api: { get: (p: string) => Promise<{ json: any }> }, gridId: string): Promise<{ lat: number; lng: number }> {
  const r = await api.get('/v1/areas?level=grid');
  const g = (r.json.items as Array<{ id: string; centroid: { lat: number; lng: number } }>).find((x) => x.id === gridId);
  if (!g) throw new Error(`no grid ${gridId}`);
  return { lat: g.centroid.lat, lng: g.centroid.lng };
}

export const RESIDENT = 'u-res-zhang';
export const RESIDENT2 = 'u-res-li';
export const RESIDENT3 = 'u-res-wang';
/** the demo grid most tests report in, its worker, leader, beat officer and dispatchers */
export const GRID = 'gr-kejiyuan-01';
export const BEAT = 'bt-nanshandadao';
export const WORKER = 'u-gw-kejiyuan-01';
export const LEADER = 'u-gl-kejiyuan';
export const OFFICER = 'u-po-nanshandadao';
export const OFFICER2 = 'u-po-nanshandadao-2';
export const DISPATCHER = 'u-dp-yuehai';
/** staff of other areas */
export const OTHER_WORKER = 'u-gw-tongle-05';
export const OTHER_LEADER = 'u-gl-tongle';
export const OTHER_DISPATCHER = 'u-dp-nantou';
