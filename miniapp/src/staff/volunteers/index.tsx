/**
 * 志愿者审核: a community's applications to be responders, for its grid leader, its officers and
 * the centre above it — 待审核 first, approved and declined a tab away — approved with one tap,
 * declined with a reason. The communities offered are the caller's own (bound to one, or to the
 * street above it); officers and the centre pick among all, the API refusing the ones not theirs.
 */
import { useEffect, useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { api, messageOf } from '../../lib/api';
import { storage } from '../../lib/storage';
import { refreshMe, requireSession } from '../../lib/session';
import { radio, role } from '../../lib/a11y';
import { responders, type Application } from '../../lib/responders';
import { Empty, ErrorState, Loading } from '../../components/StateView';
import type { AreaItem, Me } from '../../lib/types';
import { ApplicationCard } from '../ApplicationCard';
import { communitiesOf } from '../shared';

const TABS = [
  { status: 'pending', label: '待审核', empty: '没有待审核的申请' },
  { status: 'approved', label: '已通过', empty: '还没有通过的成员' },
  { status: 'declined', label: '未通过', empty: '没有未通过的申请' },
] as const;

export default function Volunteers() {
  const [me, setMe] = useState<Me | null>(storage.me());
  const [communities, setCommunities] = useState<AreaItem[] | null>(null);
  const [communityId, setCommunityId] = useState<string | null>(null);
  const [tab, setTab] = useState<(typeof TABS)[number]['status']>('pending');
  const [items, setItems] = useState<Application[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const start = async () => {
    if (!requireSession()) return;
    setError(null);
    try {
      const [who, all] = await Promise.all([refreshMe(), api.communities()]);
      setMe(who);
      const mine = communitiesOf(who, all.items);
      setCommunities(mine);
      setCommunityId((cur) => cur ?? mine[0]?.id ?? null);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const list = async () => {
    if (!communityId) return;
    setError(null);
    setItems(null);
    try {
      setItems((await responders.applications(communityId, tab)).items);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useDidShow(() => void start());
  usePullDownRefresh(() => void Promise.all([start(), list()]).finally(() => Taro.stopPullDownRefresh()));
  useEffect(() => void list(), [communityId, tab]);

  const decide = async (a: Application, decision: 'approve' | 'decline', reason?: string) => {
    setBusy(a.userId);
    try {
      await responders.decide(a.userId, decision, reason);
      void Taro.showToast({ title: decision === 'approve' ? '已通过' : '已不通过', icon: 'success' });
      setItems((cur) => cur?.filter((x) => x.userId !== a.userId) ?? null);
    } catch (e) {
      void Taro.showModal({ title: '操作没有成功', content: messageOf(e), showCancel: false });
      void list();
    } finally {
      setBusy(null);
    }
  };

  if (error && !communities) return <ErrorState message={error} onRetry={() => void start()} />;
  if (!communities || !me) return <Loading />;
  const current = TABS.find((t) => t.status === tab)!;
  return (
    <View className='page page--flush' data-testid='volunteers-page'>
      <View style={{ padding: '12px 12px 0' }}>
        <Text className='h1 block'>志愿者审核</Text>
        {communities.length > 1 ? (
          <View className='row gap mt8' style={{ flexWrap: 'wrap' }} {...role('radiogroup', '社区')}>
            {communities.map((c) => (
              <View key={c.id} className={`option chip${communityId === c.id ? ' option--on' : ''}`} {...radio(communityId === c.id)} onClick={() => setCommunityId(c.id)} data-testid={`community-${c.id}`}>
                <Text>{c.name}</Text>
              </View>
            ))}
          </View>
        ) : (
          <Text className='muted'>{communities[0]?.name ?? '没有可审核的社区'}</Text>
        )}
      </View>
      <View className='tabs mt12' {...role('radiogroup', '申请状态')}>
        {TABS.map((t) => (
          <View key={t.status} className={`tab${tab === t.status ? ' tab--active' : ''}`} {...radio(tab === t.status)} onClick={() => setTab(t.status)} data-testid={`tab-${t.status}`}>
            {t.label}
          </View>
        ))}
      </View>
      <View style={{ padding: '12px' }}>
        {error ? <ErrorState message={error} onRetry={() => void list()} /> : null}
        {!error && items === null ? <Loading /> : null}
        {!error && items && !items.length ? <Empty text={current.empty} /> : null}
        {items?.map((a) => <ApplicationCard key={a.userId} a={a} busy={busy === a.userId} onDecide={(d, r) => void decide(a, d, r)} />)}
      </View>
    </View>
  );
}
