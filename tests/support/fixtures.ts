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

/**
 * A JPEG whose EXIF carries camera make, GPS position AND an embedded thumbnail (IFD1), built by
 * hand because image libraries only write the first two: the APP1 segment is a little-endian TIFF
 * with IFD0 (Make, GPS pointer), the GPS IFD and IFD1 (the thumbnail's offset and length).
 */
export async function photoWithExifThumbnail(): Promise<Buffer> {
  const main = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 30, g: 120, b: 200 } } }).jpeg().toBuffer();
  const thumb = await sharp({ create: { width: 160, height: 120, channels: 3, background: { r: 200, g: 30, b: 30 } } }).jpeg().toBuffer();
  const make = Buffer.from('ThumbCam\0', 'latin1');
  // layout (offsets from the TIFF header): header 8 | IFD0 (2 entries) | GPS IFD (4 entries) | IFD1 (2 entries) | data
  const ifd = (n: number) => 2 + n * 12 + 4;
  const ifd0 = 8;
  const gps = ifd0 + ifd(2);
  const ifd1 = gps + ifd(4);
  let data = ifd1 + ifd(2);
  const makeAt = data;
  data += make.length;
  const latAt = data;
  data += 24;
  const lngAt = data;
  data += 24;
  const thumbAt = data;
  const tiff = Buffer.alloc(thumbAt + thumb.length);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(ifd0, 4);
  const entry = (at: number, i: number, tag: number, type: number, count: number, value: number) => {
    const o = at + 2 + i * 12;
    tiff.writeUInt16LE(tag, o);
    tiff.writeUInt16LE(type, o + 2);
    tiff.writeUInt32LE(count, o + 4);
    if (type === 2 && count <= 4) tiff.write(String.fromCharCode(value), o + 8, 'latin1');
    else tiff.writeUInt32LE(value, o + 8);
  };
  tiff.writeUInt16LE(2, ifd0);
  entry(ifd0, 0, 0x010f, 2, make.length, makeAt); // Make
  entry(ifd0, 1, 0x8825, 4, 1, gps); // GPS IFD pointer
  tiff.writeUInt32LE(ifd1, ifd0 + 2 + 2 * 12); // next IFD: IFD1
  tiff.writeUInt16LE(4, gps);
  entry(gps, 0, 0x0001, 2, 2, 'N'.charCodeAt(0)); // GPSLatitudeRef
  entry(gps, 1, 0x0002, 5, 3, latAt); // GPSLatitude
  entry(gps, 2, 0x0003, 2, 2, 'E'.charCodeAt(0)); // GPSLongitudeRef
  entry(gps, 3, 0x0004, 5, 3, lngAt); // GPSLongitude
  tiff.writeUInt32LE(0, gps + 2 + 4 * 12);
  tiff.writeUInt16LE(2, ifd1);
  entry(ifd1, 0, 0x0201, 4, 1, thumbAt); // JPEGInterchangeFormat
  entry(ifd1, 1, 0x0202, 4, 1, thumb.length); // JPEGInterchangeFormatLength
  tiff.writeUInt32LE(0, ifd1 + 2 + 2 * 12);
  make.copy(tiff, makeAt);
  [22, 1, 32, 1, 24, 1].forEach((v, i) => tiff.writeUInt32LE(v, latAt + i * 4));
  [113, 1, 56, 1, 12, 1].forEach((v, i) => tiff.writeUInt32LE(v, lngAt + i * 4));
  thumb.copy(tiff, thumbAt);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(payload.length + 2, 2);
  // SOI, then our APP1, then the rest of the JPEG
  return Buffer.concat([main.subarray(0, 2), app1, payload, main.subarray(2)]);
}
