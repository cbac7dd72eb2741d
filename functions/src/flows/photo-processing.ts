/**
 * Processing an uploaded original (the S3 ObjectCreated event): checks what the file really is
 * (magic bytes, not the name), enforces the size the upload was declared with, re-encodes with
 * sharp — which drops ALL metadata (EXIF incl. GPS, XMP, IPTC) — writes a display image and a
 * thumbnail, deletes the original and marks the upload ready or failed with a reason the app
 * can show.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { renderPhoto, sniff, type ImageKind } from '#flows/photo-render';
import { startMediaCheck, verdictAtReady } from '#flows/moderation';
import { s3 } from '#store/clients';
import { finishUpload, getUpload, ORIGINALS_PREFIX, photoObjectKeys, startProcessing } from '#store/uploads';
import { config } from '#config';
import { logger } from '#log';

/** Object keys under this prefix are originals from phones (everything else is ours). */
export const isOriginal = (key: string): boolean => key.startsWith(ORIGINALS_PREFIX);

const KIND_OF_TYPE: Record<string, ImageKind> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp', 'image/heic': 'heic' };

class Rejected extends Error {}

/**
 * Attempts before giving up: the first delivery and the event source's two retries (S3 invokes
 * the function asynchronously, and Lambda retries a failed asynchronous invocation twice; the
 * local stack retries the same way). The attempt count lives on the upload record.
 */
export const MAX_ATTEMPTS = 3;

export async function processOriginal(key: string): Promise<void> {
  const uploadId = key.slice(ORIGINALS_PREFIX.length);
  const upload = await getUpload(uploadId);
  if (!upload || upload.objectKey !== key) {
    logger.warn('object without an upload record', { key });
    return;
  }
  const attempt = await startProcessing(uploadId);
  if (attempt !== null) {
    try {
      const size = await renderAndStore(key, uploadId, upload.size, upload.contentType, upload.expiresAt);
      const moderation = await verdictAtReady(upload.ownerId);
      if ((await finishUpload(uploadId, { status: 'ready', size, moderation })) && moderation === 'pending') await startMediaCheck(uploadId, upload.ownerId);
    } catch (e) {
      if (e instanceof Rejected) await finishUpload(uploadId, { status: 'failed', reason: e.message });
      else if (attempt >= MAX_ATTEMPTS) {
        logger.error('photo processing failed on every attempt; upload failed', { uploadId, attempt, error: e as Error });
        await finishUpload(uploadId, { status: 'failed', reason: 'processing_failed' });
      } else {
        logger.warn('photo processing failed; the event source retries', { uploadId, attempt, error: (e as Error).message });
        throw e; // transient: keep the original for the retry
      }
    }
  }
  // The original may carry GPS: it never outlives processing (a replayed event deletes it too).
  await s3.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: key }));
}

/** The image work: checks, display image and thumbnail stored; the original's size. Throws Rejected for a bad photo. */
async function renderAndStore(key: string, uploadId: string, declaredSize: number, contentType: string, expiresAt: string): Promise<number> {
  const obj = await s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }));
  const bytes = await obj.Body!.transformToByteArray();
  if (bytes.length > declaredSize || bytes.length > config.uploadMaxBytes) throw new Rejected('too_large');
  if (Date.parse(expiresAt) + 60_000 < Date.now()) throw new Rejected('expired');
  const kind = sniff(bytes);
  if (!kind) throw new Rejected('not_an_image');
  if (KIND_OF_TYPE[contentType] !== kind) throw new Rejected('type_mismatch');
  let display: Buffer;
  let thumb: Buffer;
  try {
    ({ display, thumb } = await renderPhoto(bytes));
  } catch {
    throw new Rejected(kind === 'heic' ? 'heic_unsupported' : 'undecodable');
  }
  const { display: displayKey, thumb: thumbKey } = photoObjectKeys(uploadId);
  await Promise.all([
    s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: displayKey, Body: display, ContentType: 'image/jpeg' })),
    s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: thumbKey, Body: thumb, ContentType: 'image/jpeg' })),
  ]);
  return bytes.length;
}
