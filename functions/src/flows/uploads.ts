/**
 * Direct uploads: the phone sends the photo straight to object storage with a presigned POST
 * that allows only the declared type and size, under a key the server chose. Limits are also
 * checked in code when the object arrives (the local S3 server does not enforce policies).
 */
import { randomBytes } from 'node:crypto';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { createUpload, expiredPending, expirePending, getUpload, ORIGINALS_PREFIX, type UploadRecord } from '#store/uploads';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { s3, s3Public } from '#store/clients';
import { config } from '#config';
import { DomainError, notFound } from '#domain/errors';
import { ConditionFailed } from '#store/tx';
import { UPLOAD_CONTENT_TYPES } from '#domain/uploads';
import { limitItem } from '#flows/limits';


export async function startUpload(ownerId: string, input: { contentType: string; size: number }, now: Date) {
  const contentType = input.contentType.toLowerCase();
  if (!(UPLOAD_CONTENT_TYPES as readonly string[]).includes(contentType)) {
    throw new DomainError('unsupported_media_type', `只支持 JPEG、PNG、WebP、HEIC 图片，收到 ${contentType.slice(0, 40)}`);
  }
  if (input.size > config.uploadMaxBytes) {
    throw new DomainError('payload_too_large', `图片不能超过 ${config.uploadMaxBytes / 1024 / 1024} MB`, { maxBytes: config.uploadMaxBytes });
  }
  const counted = await limitItem(ownerId, 'uploads', now);
  const id = `U${randomBytes(9).toString('hex')}`;
  const objectKey = `${ORIGINALS_PREFIX}${id}`;
  const expiresAt = new Date(now.getTime() + config.uploadTtlSeconds * 1000).toISOString();
  await createUpload({ id, ownerId, contentType, size: input.size, objectKey, status: 'pending', reason: null, createdAt: now.toISOString(), expiresAt, usedBy: null }, [counted]).catch(async (e: unknown) => {
    // the last unit of the limit went to another request at the same moment: say so
    if (e instanceof ConditionFailed) await limitItem(ownerId, 'uploads', now);
    throw e;
  });
  const post = await createPresignedPost(s3Public, {
    Bucket: config.bucket,
    Key: objectKey,
    Conditions: [
      ['content-length-range', 1, input.size],
      ['eq', '$Content-Type', contentType],
    ],
    Fields: { 'Content-Type': contentType },
    Expires: config.uploadTtlSeconds,
  });
  return { uploadId: id, url: post.url, method: 'POST' as const, fields: post.fields, expiresAt, maxBytes: input.size };
}

/** An upload's status, for its owner only (anyone else's is "not found": ids are not to be probed). */
export async function uploadStatus(ownerId: string, id: string, now: Date) {
  const u: UploadRecord | null = await getUpload(id);
  if (!u || u.ownerId !== ownerId) throw notFound('上传');
  const expired = u.status === 'pending' && Date.parse(u.expiresAt) < now.getTime();
  return {
    uploadId: u.id,
    status: expired ? 'failed' : u.status,
    ...(expired ? { reason: 'expired' } : u.reason ? { reason: u.reason } : {}),
    contentType: u.contentType,
    expiresAt: u.expiresAt,
    // WeChat's image check: 'pending' until its verdict arrives (may be minutes)
    ...(u.moderation ? { moderation: u.moderation } : {}),
  };
}

/** grace for a photo that started uploading just before the link expired */
const EXPIRY_GRACE_MS = 5 * 60_000;

/**
 * Uploads whose presigned link lapsed without a photo arriving are marked failed (`expired`,
 * which the app shows), as are those whose processing never ended (`processing_failed`), and
 * any original left behind is deleted — an unprocessed original may carry GPS and must not
 * linger.
 */
export async function expireUploads(now: Date): Promise<number> {
  let expired = 0;
  const before = new Date(now.getTime() - EXPIRY_GRACE_MS).toISOString();
  for (;;) {
    const batch = await expiredPending(before);
    if (batch.length === 0) return expired;
    for (const u of batch) {
      if (u.status !== 'pending' && u.status !== 'uploaded') continue;
      if (await expirePending(u.id, u.status)) {
        expired++;
        await s3.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: u.objectKey }));
      }
    }
  }
}
