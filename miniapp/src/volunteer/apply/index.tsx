/**
 * 申请成为平安志愿者: a resident applies to a community as 平安志愿者 / 保安员 / 物业 (POST
 * /v1/volunteers/apply); the page then says how it stands (审核中, 未通过 with the reason and a new
 * application, or approved with the way to the assist offers), from GET /v1/me `responder`.
 */
import { useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { View, Text, Button } from '@tarojs/components';
import { api, messageOf } from '../../lib/api';
import { storage } from '../../lib/storage';
import { PAGES, refreshMe, requireSession } from '../../lib/session';
import { role } from '../../lib/a11y';
import { isResidentSide, responders, type ApplyBody } from '../../lib/responders';
import { Empty, ErrorState, Loading } from '../../components/StateView';
import type { AreaItem, Me } from '../../lib/types';
import { ApplyForm } from '../ApplyForm';

export default function Apply() {
  const [me, setMe] = useState<Me | null>(storage.me());
  const [communities, setCommunities] = useState<AreaItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [again, setAgain] = useState(false);

  const load = async () => {
    if (!requireSession()) return;
    setError(null);
    try {
      const [who, list] = await Promise.all([refreshMe(), api.communities()]);
      setMe(who);
      setCommunities(list.items);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useDidShow(() => void load());

  const submit = async (body: ApplyBody) => {
    setBusy(true);
    try {
      await responders.apply(body);
      setAgain(false);
      setMe(await refreshMe());
      void Taro.showToast({ title: '已提交申请', icon: 'success' });
    } catch (e) {
      void Taro.showModal({ title: '申请没有提交', content: messageOf(e), showCancel: false });
    } finally {
      setBusy(false);
    }
  };

  if (error && !communities) return <ErrorState message={error} onRetry={() => void load()} />;
  if (!me || !communities) return <Loading />;
  if (!isResidentSide(me.role)) return <Empty text='工作人员无需申请成为志愿者。' />;
  const r = me.responder ?? null;
  const status = (
    <View className='card' {...role('status')} data-testid='apply-status' data-status={me.role === 'volunteer' ? 'approved' : (r?.status ?? 'none')}>
      {me.role === 'volunteer' || r?.status === 'approved' ? (
        <>
          <Text className='strong block'>您已是{r ? `${r.communityName}的${r.kindName}` : '群防群治力量'}</Text>
          <Button className='btn btn--primary btn--block mt12' onClick={() => void Taro.redirectTo({ url: PAGES.offers })} data-testid='go-offers'>
            查看协助任务
          </Button>
        </>
      ) : r?.status === 'pending' ? (
        <>
          <Text className='strong block'>申请审核中</Text>
          <Text className='block mt8'>
            {r.communityName} · {r.kindName}
            {r.skills.length ? ` · 擅长${r.skills.join('、')}` : ''}
          </Text>
          <Text className='muted small block mt8'>社区网格长或社区民警审核后会通知您。</Text>
        </>
      ) : r?.status === 'declined' ? (
        <>
          <Text className='strong block'>申请未通过</Text>
          {r.reason ? <Text className='block mt8'>原因：{r.reason}</Text> : null}
        </>
      ) : null}
    </View>
  );
  const canApply = me.role !== 'volunteer' && (!r || r.status === 'declined');
  return (
    <View className='page' data-testid='apply-page'>
      {r || me.role === 'volunteer' ? status : null}
      {canApply && (!r || again) ? (
        <>
          <Text className='muted block' style={{ margin: '0 4px 12px' }}>
            平安志愿者、保安员和物业人员就近协助处置身边的安全隐患，完成并被评价后获得积分和志愿时长。
          </Text>
          <ApplyForm communities={communities} defaultName={me.name} busy={busy} onSubmit={(b) => void submit(b)} />
        </>
      ) : null}
      {canApply && r && !again ? (
        <Button className='btn btn--ghost btn--block' onClick={() => setAgain(true)} data-testid='apply-again'>
          重新申请
        </Button>
      ) : null}
    </View>
  );
}
