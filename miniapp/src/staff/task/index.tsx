/**
 * One task for staff: the report, its place (the server's label), its photos, the reporter's
 * phone masked (only while the task is theirs; never for anonymous reports), the 重复隐患 flag
 * when the building keeps having this hazard, and exactly the actions the API allows them now.
 */
import { useState } from 'react';
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
import type { ActionBody, Me, ReportView } from '../../lib/types';

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

  if (error && !r) return <ErrorState message={error} onRetry={() => void load()} />;
  if (!r || !me) return <Loading />;

  const actions = r.availableActions ?? [];
  const reportPhotos = r.photos.filter((p) => p.kind === 'report');
  const afterPhotos = r.photos.filter((p) => p.kind === 'after');
  return (
    <View className='page' data-testid='task-detail'>
      <ReportHeader r={r}>
        <View className='kv'>
          <Text className='kv__k'>上报人</Text>
          <Text className='kv__v' data-testid='reporter'>
            {r.anonymous ? '匿名上报' : r.reporter?.phone ? `居民 ${r.reporter.phone}` : '居民（电话仅在您负责时显示）'}
          </Text>
        </View>
        <View className='kv'>
          <Text className='kv__k'>地图</Text>
          <Text
            className='kv__v link'
            onClick={() => void Taro.openLocation({ latitude: r.location.lat, longitude: r.location.lng, name: r.placeLabel ?? r.categoryName, address: r.address ?? '' }).catch(() => undefined)}
          >
            在地图上查看、导航
          </Text>
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
      {actions.length ? (
        <ActionBar
          actions={actions}
          self={{ id: me.id, name: me.name }}
          candidates={candidates}
          busy={busy}
          loadDuplicates={() => api.duplicates(r.id).then((d) => d.items)}
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
    </View>
  );
}
