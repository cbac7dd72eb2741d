/**
 * Direct uploads: the phone sends the photo straight to object storage with a presigned POST
 * that allows only the declared type and size, under a key the server chose. Limits are also
 * checked in code when the object arrives (the local S3 server does not enforce policies).
 */
import { randomBytes } from 'node:crypto';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { s3Public } from '#store/clients';
import { createUpload, getUpload, ORIGINALS_PREFIX } from '#store/uploads';
import { config } from '#config';
import { DomainError, notFound } from '#domain/errors';
import { UPLOAD_CONTENT_TYPES } from '#http/schemas';
import type { HandlerFn } from '#http/handler';


export const create: HandlerFn = async ({ user, body }) => {
  const contentType = String(body.contentType).toLowerCase();
  if (!(UPLOAD_CONTENT_TYPES as readonly string[]).includes(contentType)) {
    throw new DomainError('unsupported_media_type', `只支持 JPEG、PNG、WebP、HEIC 图片，收到 ${contentType.slice(0, 40)}`);
  }
  if (body.size > config.uploadMaxBytes) {
    throw new DomainError('payload_too_large', `图片不能超过 ${config.uploadMaxBytes / 1024 / 1024} MB`, { maxBytes: config.uploadMaxBytes });
  }
  const now = new Date();
  const id = `U${randomBytes(9).toString('hex')}`;
  const objectKey = `${ORIGINALS_PREFIX}${id}`;
  const expiresAt = new Date(now.getTime() + config.uploadTtlSeconds * 1000).toISOString();
  await createUpload({
    id,
    ownerId: user!.id,
    contentType,
    size: body.size,
    objectKey,
    status: 'pending',
    reason: null,
    createdAt: now.toISOString(),
    expiresAt,
    usedBy: null,
  });
  const post = await createPresignedPost(s3Public, {
    Bucket: config.bucket,
    Key: objectKey,
    Conditions: [
      ['content-length-range', 1, body.size],
      ['eq', '$Content-Type', contentType],
    ],
    Fields: { 'Content-Type': contentType },
    Expires: config.uploadTtlSeconds,
  });
  return { status: 201, body: { uploadId: id, url: post.url, method: 'POST', fields: post.fields, expiresAt, maxBytes: body.size } };
};

export const get: HandlerFn = async ({ user, params }) => {
  const u = await getUpload(params.id);
  if (!u || u.ownerId !== user!.id) throw notFound('上传');
  const expired = u.status === 'pending' && Date.parse(u.expiresAt) < Date.now();
  return {
    body: {
      uploadId: u.id,
      status: expired ? 'failed' : u.status,
      ...(expired ? { reason: 'expired' } : u.reason ? { reason: u.reason } : {}),
      contentType: u.contentType,
      expiresAt: u.expiresAt,
      // WeChat's image check: 'pending' until its verdict arrives (may be minutes)
      ...(u.moderation ? { moderation: u.moderation } : {}),
    },
  };
};
