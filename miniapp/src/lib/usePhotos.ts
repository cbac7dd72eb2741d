/** Photo list state for a form: pick, upload each at once (in parallel), retry, remove. */
import { useCallback, useRef, useState } from 'react';
import { choosePhotos as defaultChoose, uploadPhoto as defaultUpload, MAX_PHOTOS, type LocalPhoto, type PhotoState } from './photos';
import { messageOf } from './api';

export interface PhotoDeps {
  choosePhotos?: (max: number) => Promise<LocalPhoto[]>;
  uploadPhoto?: (p: LocalPhoto, onProgress?: (n: number) => void) => Promise<string>;
}

export function usePhotos({ choosePhotos = defaultChoose, uploadPhoto = defaultUpload }: PhotoDeps = {}, max = MAX_PHOTOS, initial?: () => PhotoState[]) {
  const [items, setItems] = useState<PhotoState[]>(() => initial?.() ?? []);
  const itemsRef = useRef(items);
  itemsRef.current = items;

  const update = (path: string, next: PhotoState) => setItems((cur) => cur.map((p) => (p.local.path === path ? next : p)));

  const start = useCallback(
    (local: LocalPhoto) => {
      update(local.path, { local, state: 'uploading', progress: 0 });
      uploadPhoto(local, (progress) => update(local.path, { local, state: 'uploading', progress }))
        .then((uploadId) => update(local.path, { local, state: 'ready', uploadId }))
        .catch((e: unknown) => update(local.path, { local, state: 'failed', message: messageOf(e) }));
    },
    [uploadPhoto],
  );

  const add = useCallback(async () => {
    const room = max - itemsRef.current.length;
    const picked = await choosePhotos(room);
    if (!picked.length) return;
    const fresh = picked.slice(0, room);
    setItems((cur) => [...cur, ...fresh.map((local) => ({ local, state: 'uploading' as const, progress: 0 }))]);
    fresh.forEach(start);
  }, [choosePhotos, max, start]);

  const remove = useCallback((i: number) => setItems((cur) => cur.filter((_, j) => j !== i)), []);
  const retry = useCallback((i: number) => {
    const p = itemsRef.current[i];
    if (p) start(p.local);
  }, [start]);
  const reset = useCallback(() => setItems([]), []);
  /** leaves out uploads the API no longer accepts (expired, already used) */
  const dropUploads = useCallback((ids: string[]) => setItems((cur) => cur.filter((p) => !(p.state === 'ready' && ids.includes(p.uploadId)))), []);

  const readyIds = items.flatMap((p) => (p.state === 'ready' ? [p.uploadId] : []));
  const uploading = items.some((p) => p.state === 'uploading');
  const failed = items.some((p) => p.state === 'failed');
  return { items, add, remove, retry, reset, dropUploads, readyIds, uploading, failed };
}
