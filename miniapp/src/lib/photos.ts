/**
 * Photos: choose (camera or album), compress, upload straight to object storage with the
 * presigned POST the API hands out (API.md POST /v1/uploads), then wait until the backend has
 * checked and re-encoded it (status `ready`). One path for weapp and h5: Taro.chooseMedia and
 * Taro.uploadFile exist on both (on h5 they are a hidden file input and an XHR form post).
 */
import Taro from '@tarojs/taro';
import { api, ApiError } from './api';

export const MAX_PHOTOS = 9;

export interface LocalPhoto {
  /** local path (weapp temp file) or blob: URL (h5) */
  path: string;
  size: number;
  type: string;
}

export type PhotoState =
  | { local: LocalPhoto; state: 'uploading'; progress: number }
  | { local: LocalPhoto; state: 'ready'; uploadId: string }
  | { local: LocalPhoto; state: 'failed'; message: string };

const TYPE_BY_EXT: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', heic: 'image/heic' };

function typeOf(path: string, given?: string): string {
  if (given && given.includes('/')) return given;
  const ext = /\.([a-z0-9]+)(?:\?|$)/i.exec(path)?.[1]?.toLowerCase() ?? 'jpg';
  return TYPE_BY_EXT[ext] ?? 'image/jpeg';
}

/** h5 only: shrink big photos (longest side 1600 px, JPEG) before upload, as WeChat does for us. */
async function compressInBrowser(file: File): Promise<LocalPhoto> {
  const original = { path: URL.createObjectURL(file), size: file.size, type: file.type || 'image/jpeg' };
  if (file.size < 600 * 1024 || typeof createImageBitmap !== 'function') return original;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    if (!blob || blob.size >= file.size) return original;
    URL.revokeObjectURL(original.path);
    return { path: URL.createObjectURL(blob), size: blob.size, type: 'image/jpeg' };
  } catch {
    return original;
  }
}

/** Opens the camera / album; resolves [] when the person cancels. */
export async function choosePhotos(max: number): Promise<LocalPhoto[]> {
  if (max <= 0) return [];
  try {
    const res = await Taro.chooseMedia({
      count: max,
      mediaType: ['image'],
      // h5: a plain file input (phones offer the camera there themselves); weapp: both sources
      sourceType: process.env.TARO_ENV === 'h5' ? ['album'] : ['album', 'camera'],
      sizeType: ['compressed'],
    });
    const files = res.tempFiles.slice(0, max);
    if (process.env.TARO_ENV === 'h5') {
      return Promise.all(
        files.map((f) => {
          const file = (f as unknown as { originalFileObj?: File }).originalFileObj;
          return file ? compressInBrowser(file) : { path: f.tempFilePath, size: f.size, type: typeOf(f.tempFilePath) };
        }),
      );
    }
    return files.map((f) => ({ path: f.tempFilePath, size: f.size, type: typeOf(f.tempFilePath, (f as { fileType?: string }).fileType) }));
  } catch {
    return [];
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Uploads one photo; resolves with the upload id once the backend marked it ready. */
export async function uploadPhoto(photo: LocalPhoto, onProgress?: (percent: number) => void): Promise<string> {
  const ticket = await api.createUpload(photo.type, photo.size);
  const task = Taro.uploadFile({ url: ticket.url, filePath: photo.path, name: 'file', formData: ticket.fields, fileName: 'photo' } as Taro.uploadFile.Option);
  task.onProgressUpdate?.((p) => onProgress?.(Math.min(99, p.progress)));
  const res = await task.catch(() => {
    throw new ApiError(0, 'network', '照片上传失败，请检查网络后重试');
  });
  if (res.statusCode >= 300) throw new ApiError(res.statusCode, 'upload_failed', '照片上传失败，请重试');
  onProgress?.(100);
  for (let i = 0; i < 60; i++) {
    const s = await api.upload(ticket.uploadId);
    if (s.status === 'ready') return ticket.uploadId;
    if (s.status === 'failed') throw new ApiError(400, 'invalid_upload', s.reason ?? '这张照片无法识别，请换一张');
    await sleep(i < 10 ? 300 : 1000);
  }
  throw new ApiError(0, 'upload_timeout', '照片处理超时，请重试');
}

/** A photo kept with the report draft, so a reopened form still shows it (storage, JSON). */
export interface DraftPhoto {
  uploadId: string;
  /** a small data: URL (h5) or the local file path (weapp), whichever this platform has */
  preview: string;
}

/** The photos a saved draft had, as ready uploads again. */
export function fromDraftPhotos(list: DraftPhoto[] | undefined | null): PhotoState[] {
  return (list ?? [])
    .filter((p) => p && typeof p.uploadId === 'string')
    .map((p) => ({ local: { path: p.preview || `upload:${p.uploadId}`, size: 0, type: 'image/jpeg' }, state: 'ready' as const, uploadId: p.uploadId }));
}

/**
 * A preview that outlives the page: h5 blob: URLs die with the tab, so draw a small JPEG data
 * URL (longest side 160 px); weapp keeps its local path. Falls back to the path itself.
 */
export async function previewOf(local: LocalPhoto): Promise<string> {
  if (process.env.TARO_ENV !== 'h5' || !local.path.startsWith('blob:') || typeof document === 'undefined') return local.path;
  try {
    const img = await new Promise<HTMLImageElement>((resolve, reject) => {
      const el = new Image();
      el.onload = () => resolve(el);
      el.onerror = reject;
      el.src = local.path;
    });
    const scale = Math.min(1, 160 / Math.max(img.naturalWidth || 1, img.naturalHeight || 1));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
    canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
    canvas.getContext('2d')!.drawImage(img, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL('image/jpeg', 0.7);
  } catch {
    return local.path;
  }
}

/** The upload id a 400 invalid_upload names (API.md: details.uploadId), or null. */
export function invalidUploadOf(e: unknown): string | null {
  if (!(e instanceof ApiError) || e.code !== 'invalid_upload') return null;
  const id = (e.details as { uploadId?: unknown } | undefined)?.uploadId;
  return typeof id === 'string' ? id : null;
}

/** What a person is told when saved photos could no longer be used and were left out. */
export function droppedPhotosMessage(count: number): string {
  return `有 ${count} 张照片已过期或无法使用，已从上报中移除；其余内容已提交。如需要，可在详情页补充说明。`;
}
