/**
 * Photos: checking that uploads named in a request are the caller's own finished ones, and
 * signing short-lived links for people allowed to see them. Photos are never public.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3Public } from '#store/clients';
import { claimUpload, getUpload, photoObjectKeys } from '#store/uploads';
import { config } from '#config';
import { DomainError, invalidInput } from '#domain/errors';
import type { PhotoRef } from '#domain/report';
import type { TxItem } from '#store/tx';

export interface CheckedPhotos {
  refs: PhotoRef[];
  /** WeChat's image verdicts so far, by upload id */
  verdicts: Record<string, import('#domain/moderation').Verdict>;
  /** conditional claims that go into the report's transaction */
  claims: TxItem[];
}

export async function checkUploads(ids: readonly string[], ownerId: string, kind: PhotoRef['kind'], usedBy: string): Promise<CheckedPhotos> {
  if (new Set(ids).size !== ids.length) throw invalidInput('照片重复', { field: 'photos' });
  const uploads = await Promise.all(ids.map((id) => getUpload(id)));
  const refs: PhotoRef[] = [];
  const verdicts: CheckedPhotos['verdicts'] = {};
  uploads.forEach((u, i) => {
    const id = ids[i]!;
    // Someone else's upload is reported exactly like a missing one: ids are not to be probed.
    if (!u || u.ownerId !== ownerId) throw new DomainError('invalid_upload', `照片 ${id} 不存在`, { uploadId: id });
    if (u.usedBy && u.usedBy !== usedBy) throw new DomainError('invalid_upload', `照片 ${id} 已被使用`, { uploadId: id });
    if (u.status === 'failed') throw new DomainError('invalid_upload', `照片 ${id} 处理失败：${u.reason ?? '未知原因'}`, { uploadId: id, reason: u.reason });
    if (u.status !== 'ready') {
      if (u.status === 'pending' && Date.parse(u.expiresAt) < Date.now()) {
        throw new DomainError('invalid_upload', `照片 ${id} 上传已过期，请重新上传`, { uploadId: id, reason: 'expired' });
      }
      throw new DomainError('upload_not_ready', `照片 ${id} 仍在上传或处理中，请稍候`, { uploadId: id, status: u.status });
    }
    refs.push({ id, kind });
    verdicts[id] = u.moderation ?? 'pending';
  });
  // Each claim is conditioned on the verdict read here: a verdict that lands while the report
  // is being written fails the transaction, and the retry files it with the new verdict.
  return { refs, verdicts, claims: uploads.map((u) => claimUpload(u!.id, ownerId, usedBy, u!.moderation ?? null)) };
}

export interface PhotoLink {
  id: string;
  kind: PhotoRef['kind'];
  url: string;
  thumbUrl: string;
  expiresAt: string;
}

const sign = (Key: string) =>
  getSignedUrl(s3Public, new GetObjectCommand({ Bucket: config.bucket, Key }), { expiresIn: config.photoLinkTtlSeconds });

export async function photoLinks(refs: readonly PhotoRef[], now = new Date()): Promise<PhotoLink[]> {
  const expiresAt = new Date(now.getTime() + config.photoLinkTtlSeconds * 1000).toISOString();
  return Promise.all(
    refs.map(async (p) => {
      const keys = photoObjectKeys(p.id);
      return { id: p.id, kind: p.kind, url: await sign(keys.display), thumbUrl: await sign(keys.thumb), expiresAt };
    }),
  );
}
