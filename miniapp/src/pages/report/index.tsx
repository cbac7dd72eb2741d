/**
 * The report flow. The draft (category, words, place, anonymous, and its Idempotency-Key) is
 * kept in storage on every change, so a failed network or a closed app loses nothing typed;
 * sending reuses the draft's key, so tapping twice or retrying never files two reports.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { api, ApiError, messageOf } from '../../lib/api';
import { seen, storage } from '../../lib/storage';
import { newId } from '../../lib/ids';
import { PAGES, refreshMe, requireSession } from '../../lib/session';
import { usePhotos } from '../../lib/usePhotos';
import { droppedPhotosMessage, fromDraftPhotos, invalidUploadOf, previewOf, type DraftPhoto } from '../../lib/photos';
import { askToSubscribe } from '../../lib/subscribe';
import { wgs84ToGcj02 } from '../../lib/datum';
import { ReportForm, type DraftFields, type Place } from '../../components/ReportForm';
import { LeafletMap, ringsOf, type MapPolygon } from '../../components/LeafletMap';
import { ErrorState, Loading } from '../../components/StateView';
import type { Category, LatLng, NearbyReport } from '../../lib/types';

interface Draft extends DraftFields {
  /** the Idempotency-Key of this draft: made once, reused on every retry */
  key: string;
  point: LatLng | null;
  pointLabel: string;
  /** uploaded photos (id + a preview that survives a closed app) */
  photos?: DraftPhoto[];
}

const emptyDraft = (): Draft => ({ key: newId(), category: null, description: '', address: '', anonymous: false, point: null, pointLabel: '' });

const fmt = (p: LatLng) => `${p.lat.toFixed(5)}, ${p.lng.toFixed(5)}`;

export default function ReportPage() {
  const [categories, setCategories] = useState<Category[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(() => ({ ...emptyDraft(), ...(storage.draft<Draft>() ?? {}) }));
  const [place, setPlace] = useState<Place>({ state: 'locating' });
  const [nearby, setNearby] = useState<NearbyReport[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [showMap, setShowMap] = useState(false);
  const [grids, setGrids] = useState<MapPolygon[]>([]);
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

  /** Where the phone is: WeChat gives GCJ-02; the browser gives WGS-84 (converted). */
  const locateMe = async () => {
    setPlace({ state: 'locating' });
    try {
      if (process.env.TARO_ENV === 'h5') {
        const pos = await new Promise<GeolocationPosition>((resolve, reject) => navigator.geolocation.getCurrentPosition(resolve, reject, { timeout: 8000, enableHighAccuracy: true }));
        change({ point: wgs84ToGcj02({ lat: pos.coords.latitude, lng: pos.coords.longitude }), pointLabel: '我的位置' });
      } else {
        const r = await Taro.getLocation({ type: 'gcj02' });
        change({ point: { lat: r.latitude, lng: r.longitude }, pointLabel: '当前位置' });
      }
    } catch {
      setPlace({ state: 'error', message: '无法获取您的位置，请点“调整位置”在地图上选择' });
    }
  };

  // First position: the draft's, else WeChat's location, else (h5) a default point in the service area.
  useEffect(() => {
    if (draftRef.current.point) return;
    if (process.env.TARO_ENV === 'h5') {
      api.grids().then(
        (r) => {
          const first = r.items[0];
          if (first && !draftRef.current.point) change({ point: { lat: first.centroid.lat, lng: first.centroid.lng }, pointLabel: `默认位置：${first.name}（可调整）` });
        },
        (e) => setPlace({ state: 'error', message: messageOf(e) }),
      );
    } else {
      void locateMe();
    }
  }, []);

  // The grid that will handle it, shown before sending.
  useEffect(() => {
    const p = draft.point;
    if (!p) return;
    let stale = false;
    setPlace({ state: 'locating' });
    api.locate(p).then(
      (located) => !stale && setPlace({ state: 'ok', point: p, located, label: draft.pointLabel || fmt(p) }),
      (e) => !stale && setPlace({ state: 'error', point: p, message: e instanceof ApiError && e.code === 'outside_service_area' ? '这个位置不在服务范围内，请调整位置' : messageOf(e) }),
    );
    return () => {
      stale = true;
    };
  }, [draft.point?.lat, draft.point?.lng]);

  // Open reports of the same kind within 50 m: offered before sending.
  useEffect(() => {
    if (!draft.category || !draft.point) return setNearby([]);
    let stale = false;
    api.nearby(draft.point, draft.category).then(
      (r) => !stale && setNearby(r.items),
      () => !stale && setNearby([]),
    );
    return () => {
      stale = true;
    };
  }, [draft.category, draft.point?.lat, draft.point?.lng]);

  const adjust = async () => {
    if (process.env.TARO_ENV === 'h5') {
      setShowMap((s) => !s);
      if (!grids.length) {
        api.grids(true).then(
          (r) => setGrids(r.items.map((g) => ({ id: g.id, name: g.name, rings: ringsOf(g.geometry, wgs84ToGcj02), fill: '#dbe8ff', tooltip: g.name }))),
          () => undefined,
        );
      }
      return;
    }
    try {
      const p = draft.point;
      const r = await Taro.chooseLocation(p ? { latitude: p.lat, longitude: p.lng } : {});
      change({ point: { lat: r.latitude, lng: r.longitude }, pointLabel: r.name || r.address || '已选位置', address: draft.address || r.address || '' });
    } catch {
      /* cancelled */
    }
  };

  const submit = async () => {
    if (place.state !== 'ok' || !draft.category) return;
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
              location: { lat: place.point.lat, lng: place.point.lng, datum: 'gcj02' },
              ...(draft.address.trim() ? { address: draft.address.trim() } : {}),
              photos: ids,
              anonymous: draft.anonymous,
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
      setError(`${messageOf(e)}（内容已保存，可直接重新提交）`);
      setSubmitting(false);
    }
  };

  const join = async (id: string) => {
    try {
      await api.follow(id);
      storage.setDraft(null);
      void Taro.showToast({ title: '已加入，将通知您进展', icon: 'none' });
      void Taro.redirectTo({ url: PAGES.detail(id) });
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const map = useMemo(
    () =>
      process.env.TARO_ENV === 'h5' && showMap ? (
        <View className='mt8'>
          <Text className='muted small block'>在地图上点一下，把红点移到问题所在位置（蓝色为网格）</Text>
          <LeafletMap height='240px' polygons={grids} marker={draft.point} onPick={(p) => change({ point: p, pointLabel: `地图选点 ${fmt(p)}` })} />
          <Text className='link small block mt8' onClick={() => void locateMe()}>
            使用我的当前位置
          </Text>
        </View>
      ) : null,
    [showMap, grids, draft.point],
  );

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
        onAdjustPlace={() => void adjust()}
        map={map}
        nearby={nearby}
        onJoin={(id) => void join(id)}
        onCall={(n) => void Taro.makePhoneCall({ phoneNumber: n }).catch(() => undefined)}
        submitting={submitting}
        error={error}
        onSubmit={submit}
      />
    </View>
  );
}
