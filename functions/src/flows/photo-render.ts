/**
 * The image work of photo processing, apart from storage: what the bytes really are, and the
 * display image and thumbnail made from them. Re-encoding with sharp drops ALL metadata (EXIF
 * incl. GPS and device, XMP, IPTC, comments) unless asked to keep it — so nothing is kept.
 * `npm run bench:photos` times exactly this.
 */
import sharp from 'sharp';

export const DISPLAY_MAX = 1600;
export const THUMB_MAX = 320;

export type ImageKind = 'jpeg' | 'png' | 'webp' | 'heic';

/** What the bytes are, whatever the name or declared type says. */
export function sniff(b: Uint8Array): ImageKind | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  const ascii = (from: number, to: number) => Buffer.from(b.subarray(from, to)).toString('latin1');
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (b.length >= 12 && ascii(4, 8) === 'ftyp' && /^(heic|heix|hevc|mif1|msf1|heim|heis)$/.test(ascii(8, 12))) return 'heic';
  return null;
}

/**
 * Display (long side <= 1600 px) and thumbnail (<= 320 px), orientation applied, as JPEG. One
 * decode feeds both outputs; the JPEG decoder shrinks while decoding (libjpeg scaling), so a
 * 12-megapixel photo never sits in memory at full size twice.
 */
export async function renderPhoto(bytes: Uint8Array): Promise<{ display: Buffer; thumb: Buffer }> {
  const base = sharp(bytes, { failOn: 'error', limitInputPixels: 100_000_000 }).rotate();
  const [display, thumb] = await Promise.all([
    base.clone().resize(DISPLAY_MAX, DISPLAY_MAX, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 82, mozjpeg: true }).toBuffer(),
    base.clone().resize(THUMB_MAX, THUMB_MAX, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 75 }).toBuffer(),
  ]);
  return { display, thumb };
}
