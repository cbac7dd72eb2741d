/**
 * The report flow. The draft (category, words, confirmed place, anonymous, and its
 * Idempotency-Key) is kept in storage on every change, so a failed network or a closed app loses
 * nothing typed; sending reuses the draft's key, so tapping twice or retrying never files two
 * reports. The place starts from the phone's position (components/place/usePlace.ts); there is
 * no default point — nothing is sent until a place is confirmed. A failed send (offline, a server
 * error) is told in a dialog over the screen, with the draft kept for a safe retry.
 */
import { useEffect, useRef, useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { View } from '@tarojs/components';
import { api, messageOf } from '../../lib/api';
import { followed, seen, storage } from '../../lib/storage';
import { newId } from '../../lib/ids';
import { PAGES, refreshMe, requireSession } from '../../lib/session';
import { usePhotos } from '../../lib/usePhotos';
import { droppedPhotosMessage, fromDraftPhotos, invalidUploadOf, previewOf, type DraftPhoto } from '../../lib/photos';
import { askToSubscribe } from '../../lib/subscribe';
import { ReportForm, type DraftFields } from '../../components/ReportForm';
import { placeOfReport, usePlace, type ConfirmedPlace } from '../../components/place/usePlace';
import { ErrorState, Loading } from '../../components/StateView';
import type { Category, NearbyReport } from '../../lib/types';

interface Draft extends DraftFields {
  /** the Idempotency-Key of this draft: made once, reused on every retry */
  key: string;
  /** the place the person confirmed (null: none yet) */
  place: ConfirmedPlace | null;
  /** uploaded photos (id + a preview that survives a closed app) */
  photos?: DraftPhoto[];
}

const emptyDraft = (): Draft => ({ key: newId(), category: null, description: '', address: '', anonymous: false, place: null });

/** A draft saved by an older app kept an unconfirmed `point`: it is dropped, never filed. */
function restoredDraft(): Draft {
  const saved = storage.draft<Draft & { point?: unknown; pointLabel?: unknown }>();
  if (!saved) return emptyDraft();
  const { point: _point, pointLabel: _label, ...rest } = saved;
  return { ...emptyDraft(), ...rest, place: rest.place ?? null };
}

export default function ReportPage() {
  const [categories, setCategories] = useState<Category[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(restoredDraft);
  const [nearby, setNearby] = useState<NearbyReport[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [errorTitle, setErrorTitle] = useState('提交失败');
  const photos = usePhotos(undefined, undefined, () => fromDraftPhotos(draft.photos));
  const draftRef = useRef(draft);
  draftRef.current = draft;
  const previews = useRef(new Map<string, string>());

  // Keep the uploaded photos with the draft (without clearing an error on screen).
  useEffect(() => {
    let stale = false;
    const ready = photos.items.flatMap((p) => (p.state === 'ready' ? [p] : []));
    void Promise.all(
      ready.map(async (p) => {
        let preview = previews.current.get(p.uploadId);
        if (preview === undefined) {
          preview = p.local.path.startsWith('upload:') ? '' : await previewOf(p.local);
          previews.current.set(p.uploadId, preview);
        }
        return { uploadId: p.uploadId, preview };
      }),
    ).then((list) => {
      if (stale) return;
      const before = draftRef.current.photos ?? [];
      if (before.length === list.length && before.every((b, i) => b.uploadId === list[i]!.uploadId && b.preview === list[i]!.preview)) return;
      setDraft((d) => {
        const next = { ...d, photos: list };
        storage.setDraft(next);
        return next;
      });
    });
    return () => {
      stale = true;
    };
  }, [photos.items]);

  const change = (patch: Partial<Draft>) => {
    setDraft((d) => {
      const next = { ...d, ...patch };
      storage.setDraft(next);
      return next;
    });
    setError(null);
  };

  const load = () => {
    if (!requireSession()) return;
    setLoadError(null);
    Promise.all([refreshMe(), api.categories()])
      .then(([me, cats]) => {
        if (me.consent.required) void Taro.redirectTo({ url: PAGES.consent });
        setCategories(cats.items);
      })
      .catch((e) => setLoadError(messageOf(e)));
  };
  useDidShow(() => {
    if (!categories) load();
  });

  const place = usePlace(draft.place, (p) => change({ place: p }));
  const confirmed = place.state.step === 'ok' ? place.state.place : null;

  // Open reports of the same kind within 50 m or in the same building: offered before sending.
  useEffect(() => {
    if (!draft.category || !confirmed) return setNearby([]);
    let stale = false;
    api.nearby(confirmed.point, draft.category, confirmed.building?.id).then(
      (r) => !stale && setNearby(r.items),
      () => !stale && setNearby([]),
    );
    return () => {
      stale = true;
    };
  }, [draft.category, confirmed?.point.lat, confirmed?.point.lng, confirmed?.building?.id]);

  const submit = async () => {
    if (!confirmed || !draft.category) return;
    // weapp: asked inside the tap (WeChat requires it), recorded before leaving this screen
    const subscribed = askToSubscribe(storage.me());
    setSubmitting(true);
    setError(null);
    let ids = photos.readyIds;
    const dropped: string[] = [];
    try {
      let report;
      for (;;) {
        try {
          report = await api.createReport(
            {
              category: draft.category,
              description: draft.description.trim(),
              ...placeOfReport(confirmed),
              ...(draft.address.trim() ? { address: draft.address.trim() } : {}),
              photos: ids,
              anonymous: draft.anonymous,
              ...(draft.safetyAnswer ? { safetyAnswer: draft.safetyAnswer } : {}),
              source: 'app',
            },
            draft.key,
          );
          break;
        } catch (e) {
          // a saved photo that can no longer be used (expired, used): leave it out, send the rest
          const bad = invalidUploadOf(e);
          if (!bad || !ids.includes(bad)) throw e;
          dropped.push(bad);
          ids = ids.filter((id) => id !== bad);
          photos.dropUploads([bad]);
        }
      }
      storage.setDraft(null);
      seen.mark(report.id, report.status);
      await subscribed;
      if (dropped.length) await Taro.showModal({ title: '上报成功', content: droppedPhotosMessage(dropped.length), showCancel: false }).catch(() => undefined);
      else void Taro.showToast({ title: '上报成功', icon: 'success' });
      void Taro.redirectTo({ url: PAGES.detail(report.id) });
    } catch (e) {
      // the draft and its key stay: "提交上报" again retries the same request safely
      setErrorTitle('提交失败');
      setError(`${messageOf(e)}（内容已保存，可直接重新提交）`);
      setSubmitting(false);
    }
  };

  const join = async (id: string) => {
    try {
      await api.follow(id);
      followed.mark(id);
      storage.setDraft(null);
      void Taro.showToast({ title: '已加入，将通知您进展', icon: 'none' });
      void Taro.redirectTo({ url: PAGES.detail(id) });
    } catch (e) {
      setErrorTitle('加入失败');
      setError(messageOf(e));
    }
  };

  if (loadError) return <ErrorState message={loadError} onRetry={load} />;
  if (!categories) return <Loading />;

  return (
    <View className='page'>
      <ReportForm
        categories={categories}
        draft={draft}
        onChange={change}
        photos={photos.items}
        onAddPhoto={() => void photos.add()}
        onRemovePhoto={photos.remove}
        onRetryPhoto={photos.retry}
        place={place}
        nearby={nearby}
        onJoin={(id) => void join(id)}
        onCall={(n) => void Taro.makePhoneCall({ phoneNumber: n }).catch(() => undefined)}
        submitting={submitting}
        error={error}
        errorTitle={errorTitle}
        onSubmit={submit}
      />
    </View>
  );
}
