/**
 * One task for staff: the report, its place (the server's label, and a map: a sheet over the
 * basemap in h5, WeChat's map with navigation in the mini-program), its photos, the reporter's
 * phone masked with a tap to call them (only while the task is theirs; the full number comes from
 * the audited reveal; never for anonymous reports), the 重复隐患 flag when the building keeps
 * having this hazard, and exactly the actions the API allows them now, with the category's canned
 * replies for the report's state; and 请求协助 (AssistPanel): who is recommended to go, with the
 * reason, one tap to dispatch or offer, a request to responders near, and the assists' offers.
 */
import { useEffect, useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro';
import { View, Text, Button } from '@tarojs/components';
import { api, ApiError, messageOf } from '../../lib/api';
import { storage } from '../../lib/storage';
import { HANDLER_ROLES, PAGES, refreshMe, requireSession } from '../../lib/session';
import { ReportHeader } from '../../components/ReportHeader';
import { Timeline } from '../../components/Timeline';
import { PhotoStrip } from '../../components/Photos';
import { ActionBar, ACTION_LABELS, type Assignee } from '../../components/ActionBar';
import { ErrorState, Loading } from '../../components/StateView';
import { RepeatFlag } from '../../components/RepeatFlag';
import { disabledIf } from '../../lib/dom';
import type { ActionBody, Me, ReportView } from '../../lib/types';
import { Nobr, repliesOf, type CategoryWithReplies } from '../shared';
import { MapSheet } from './MapSheet';
import { AssistPanel } from './AssistPanel';

const H5 = process.env.TARO_ENV === 'h5';
/** a button as wide as its words, in a line of text (Taro's h5 button is a block otherwise) */
const INLINE_BUTTON = { display: 'inline-flex', width: 'auto', flex: '0 0 auto' } as const;

const preview = (urls: string[], i: number) => void Taro.previewImage({ urls, current: urls[i] });

/**
 * People this task can be dispatched to (GET /v1/staff for the report's grid: the API limits it
 * to the caller's areas and sorts on-duty first, then by open tasks). Only leaders and the centre
 * dispatch to others; a worker (and an officer) dispatches to themself, which the sheet always offers.
 */
async function candidatesFor(r: Pick<ReportView, 'grid'>, me: Pick<Me, 'id' | 'role'>): Promise<Assignee[]> {
  if (me.role !== 'grid_leader' && me.role !== 'dispatcher' && me.role !== 'admin') return [];
  try {
    const staff = (await api.staff(r.grid.id)).items;
    return staff
      .filter((s) => HANDLER_ROLES.includes(s.role) && s.id !== me.id)
      .map((s) => ({ id: s.id, name: s.name, role: s.role, roleName: s.roleName, duty: s.duty, openTasks: s.openTasks }));
  } catch {
    return [];
  }
}

export default function Task() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const [r, setR] = useState<ReportView | null>(null);
  const [me, setMe] = useState<Me | null>(storage.me());
  const [candidates, setCandidates] = useState<Assignee[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [categories, setCategories] = useState<CategoryWithReplies[]>([]);
  const [mapOpen, setMapOpen] = useState(false);
  /** the full number after the audited reveal (shown in h5, where a desk has no dialler) */
  const [revealed, setRevealed] = useState<string | null>(null);
  const [calling, setCalling] = useState(false);

  useEffect(() => {
    api.categories().then((c) => setCategories(c.items as CategoryWithReplies[]), () => undefined);
  }, []);

  const load = async () => {
    if (!requireSession()) return;
    setError(null);
    try {
      const [who, v] = await Promise.all([refreshMe(), api.report(id)]);
      setMe(who);
      setR(v);
      if (v.availableActions?.includes('dispatch')) setCandidates(await candidatesFor(v, who));
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useDidShow(() => void load());
  usePullDownRefresh(() => void load().finally(() => Taro.stopPullDownRefresh()));

  const act = async (body: ActionBody) => {
    if (!r) return;
    setBusy(true);
    try {
      const v = await api.act(r.id, { ...body, expectedVersion: r.version });
      setR(v);
      void Taro.showToast({ title: `已${ACTION_LABELS[body.action]}`, icon: 'success' });
    } catch (e) {
      void Taro.showModal({ title: '操作没有成功', content: messageOf(e), showCancel: false });
      if (e instanceof ApiError && (e.code === 'version_conflict' || e.code === 'invalid_transition')) void load();
      throw e;
    } finally {
      setBusy(false);
    }
  };

  /** Tap to call: the reveal is asked for (and audited) first, then the phone dials. */
  const call = async () => {
    if (!r || calling) return;
    setCalling(true);
    try {
      const { phone } = await api.revealPhone(r.id);
      setRevealed(phone);
      await Taro.makePhoneCall({ phoneNumber: phone }).catch(() => undefined);
    } catch (e) {
      void Taro.showModal({ title: '无法拨打', content: messageOf(e), showCancel: false });
    } finally {
      setCalling(false);
    }
  };

  /** The map: WeChat's own with navigation in the mini-program; a sheet over the basemap in h5. */
  const openMap = () => {
    if (!r) return;
    if (H5) return setMapOpen(true);
    void Taro.openLocation({ latitude: r.location.lat, longitude: r.location.lng, name: r.placeLabel ?? r.categoryName, address: r.address ?? r.placeLabel ?? '', scale: 18 }).catch(() => undefined);
  };

  if (error && !r) return <ErrorState message={error} onRetry={() => void load()} />;
  if (!r || !me) return <Loading />;

  const actions = r.availableActions ?? [];
  const reportPhotos = r.photos.filter((p) => p.kind === 'report');
  const afterPhotos = r.photos.filter((p) => p.kind === 'after');
  return (
    <View className='page' data-testid='task-detail'>
      <ReportHeader r={r}>
        <View className='kv' style={{ alignItems: 'center' }}>
          <Text className='kv__k'>上报人</Text>
          <View className='kv__v' style={{ display: 'flex', alignItems: 'center', gap: '8px' }}>
            <Text data-testid='reporter' style={{ flex: '1', minWidth: '0', wordBreak: 'normal' }}>
              {r.anonymous ? '匿名上报' : r.reporter?.phone ? `${r.source === 'app' ? '居民' : '来电人'} ${revealed ?? r.reporter.phone}` : <Nobr text='居民（电话仅在您负责时显示）' />}
            </Text>
            {!r.anonymous && r.reporter?.phone ? (
              <Button className='btn btn--small btn--ghost' style={INLINE_BUTTON} disabled={disabledIf(calling)} onClick={() => void call()} data-testid='call-reporter'>
                拨打电话
              </Button>
            ) : null}
          </View>
        </View>
        <View className='kv' style={{ alignItems: 'center' }}>
          <Text className='kv__k'>坐标</Text>
          <View className='kv__v'>
            <Button className='btn btn--small btn--ghost' style={INLINE_BUTTON} onClick={openMap} data-testid='open-map'>
              {H5 ? '在地图上查看' : '地图导航'}
            </Button>
          </View>
        </View>
      </ReportHeader>
      {r.repeat ? <RepeatFlag repeat={r.repeat} currentId={r.id} /> : null}
      <View className='card'>
        <Text className='strong block'>问题描述</Text>
        <Text className='block mt8'>{r.description}</Text>
        {reportPhotos.length ? (
          <View className='mt12'>
            <PhotoStrip photos={reportPhotos} onPreview={preview} />
          </View>
        ) : (
          <Text className='muted small block mt8'>没有现场照片</Text>
        )}
      </View>
      {afterPhotos.length ? (
        <View className='card'>
          <Text className='strong block'>处理后照片</Text>
          <View className='mt8'>
            <PhotoStrip photos={afterPhotos} onPreview={preview} />
          </View>
        </View>
      ) : null}
      <View className='card'>
        <Text className='strong block' style={{ marginBottom: '10px' }}>
          处理进展
        </Text>
        <Timeline entries={r.timeline} photos={r.photos} onPreview={preview} />
      </View>
      <AssistPanel r={r} me={me} onDispatch={(assigneeId, note) => act({ action: 'dispatch', assigneeId, note })} onChanged={() => void load()} />
      {actions.length ? (
        <ActionBar
          actions={actions}
          self={{ id: me.id, name: me.name }}
          candidates={candidates}
          busy={busy}
          loadDuplicates={() => api.duplicates(r.id).then((d) => d.items)}
          status={r.status}
          replies={repliesOf(categories, r.category)}
          onSubmit={act}
        />
      ) : (
        <View className='footer-bar'>
          <Text className='muted grow' style={{ alignSelf: 'center' }}>
            这个任务现在不需要您操作
          </Text>
          <Button className='btn btn--small' onClick={() => Taro.navigateBack().catch(() => Taro.reLaunch({ url: PAGES.inbox }))}>
            返回任务列表
          </Button>
        </View>
      )}
      {mapOpen ? <MapSheet r={r} onClose={() => setMapOpen(false)} /> : null}
    </View>
  );
}
