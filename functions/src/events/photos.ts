/**
 * S3 ObjectCreated handler for uploaded originals (the local stack feeds it s3rver's events).
 * Checks what the file really is (magic bytes, not the name), enforces the size the upload was
 * declared with, re-encodes with sharp — which drops ALL metadata (EXIF incl. GPS, XMP, IPTC)
 * unless asked to keep it — writes a display image and a thumbnail, deletes the original and
 * marks the upload ready or failed with a reason the app can show.
 */
import type { S3Event } from 'aws-lambda';
import sharp from 'sharp';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3 } from '#store/clients';
import { getUpload, markUpload, ORIGINALS_PREFIX, photoObjectKeys } from '#store/uploads';
import { config } from '#config';
import { logger } from '#log';
import { startMediaCheck } from '#flows/moderation';

const DISPLAY_MAX = 1600;
const THUMB_MAX = 320;

type Kind = 'jpeg' | 'png' | 'webp' | 'heic';

/** What the bytes are, whatever the name or declared type says. */
export function sniff(b: Uint8Array): Kind | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  const ascii = (from: number, to: number) => Buffer.from(b.subarray(from, to)).toString('latin1');
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (b.length >= 12 && ascii(4, 8) === 'ftyp' && /^(heic|heix|hevc|mif1|msf1|heim|heis)$/.test(ascii(8, 12))) return 'heic';
  return null;
}

const KIND_OF_TYPE: Record<string, Kind> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp', 'image/heic': 'heic' };

class Rejected extends Error {}

async function processOne(key: string): Promise<void> {
  const uploadId = key.slice(ORIGINALS_PREFIX.length);
  const upload = await getUpload(uploadId);
  if (!upload || upload.objectKey !== key) {
    logger.warn('object without an upload record', { key });
    return;
  }
  if (upload.status === 'ready') return; // a replayed event
  try {
    await markUpload(uploadId, { status: 'uploaded' });
    const obj = await s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }));
    const bytes = await obj.Body!.transformToByteArray();
    if (bytes.length > upload.size || bytes.length > config.uploadMaxBytes) throw new Rejected('too_large');
    if (Date.parse(upload.expiresAt) + 60_000 < Date.now()) throw new Rejected('expired');
    const kind = sniff(bytes);
    if (!kind) throw new Rejected('not_an_image');
    if (KIND_OF_TYPE[upload.contentType] !== kind) throw new Rejected('type_mismatch');
    let display: Buffer;
    let thumb: Buffer;
    try {
      const base = sharp(bytes, { failOn: 'error', limitInputPixels: 100_000_000 }).rotate();
      display = await base.clone().resize(DISPLAY_MAX, DISPLAY_MAX, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 82, mozjpeg: true }).toBuffer();
      thumb = await base.clone().resize(THUMB_MAX, THUMB_MAX, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 75 }).toBuffer();
    } catch {
      throw new Rejected(kind === 'heic' ? 'heic_unsupported' : 'undecodable');
    }
    const { display: displayKey, thumb: thumbKey } = photoObjectKeys(uploadId);
    await Promise.all([
      s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: displayKey, Body: display, ContentType: 'image/jpeg' })),
      s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: thumbKey, Body: thumb, ContentType: 'image/jpeg' })),
    ]);
    await markUpload(uploadId, { status: 'ready', size: bytes.length });
    await startMediaCheck(uploadId, upload.ownerId);
  } catch (e) {
    if (!(e instanceof Rejected)) throw e; // transient: keep the original and let the event source retry
    await markUpload(uploadId, { status: 'failed', reason: e.message });
  }
  // The original may carry GPS: it never outlives processing.
  await s3.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: key }));
}

export async function handler(event: S3Event): Promise<void> {
  for (const record of event.Records) {
    if (!record.eventName.startsWith('ObjectCreated')) continue;
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    if (!key.startsWith(ORIGINALS_PREFIX)) continue;
    await processOne(key);
  }
}
