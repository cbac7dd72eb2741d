/**
 * Resident home: the big 我要上报 button and "my reports" with their state and new progress. A
 * community responder (volunteer) lands here too — they report like anyone — with their assist
 * offers (协助任务) one tap from the top; a resident sees how to apply, or how their application stands.
 */
import { useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { View, Text, Button } from '@tarojs/components';
import { api, messageOf } from '../../lib/api';
import { isFollowed, seen, storage } from '../../lib/storage';
import { homeOf, PAGES, refreshMe, requireSession, signOut } from '../../lib/session';
import { formatTime, joinParts, personName } from '../../lib/format';
import { role } from '../../lib/a11y';
import { StatusBadge } from '../../components/StatusBadge';
import { CategoryIcon } from '../../components/CategoryIcon';
import { Empty, ErrorState, Loading } from '../../components/StateView';
import { ResponderEntry } from '../../components/ResponderEntry';
import { isResidentSide } from '../../lib/responders';
import type { Me, ReportSummary } from '../../lib/types';

export default function Home() {
  const [me, setMe] = useState<Me | null>(storage.me());
  const [reports, setReports] = useState<ReportSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hasDraft, setHasDraft] = useState(false);

  const load = async () => {
    if (!requireSession()) return;
    setError(null);
    try {
      const who = await refreshMe();
      setMe(who);
      if (!isResidentSide(who.role)) {
        void Taro.reLaunch({ url: homeOf(who.role) });
        return;
      }
      if (who.consent.required) {
        void Taro.navigateTo({ url: PAGES.consent });
        return;
      }
      const page = await api.mine();
      setReports(page.items);
    } catch (e) {
      setError(messageOf(e));
    }
  };

  useDidShow(() => {
    setHasDraft(!!storage.draft<{ category?: string; description?: string }>()?.description);
    void load();
  });
  usePullDownRefresh(() => {
    void load().finally(() => Taro.stopPullDownRefresh());
  });

  const seenMap = seen.all();

  return (
    <View className='page'>
      <View className='row--between' style={{ margin: '4px 4px 12px' }}>
        <View>
          <Text className='h1 block'>{me ? `您好，${me.name}` : '您好'}</Text>
          <Text className='muted'>发现身边的安全隐患，随手拍一拍</Text>
        </View>
        <Text className='link small tap' {...role('button')} onClick={signOut}>
          切换账号
        </Text>
      </View>

      {me ? <ResponderEntry me={me} /> : null}

      <Button className='btn btn--hero btn--block' onClick={() => Taro.navigateTo({ url: PAGES.report })} data-testid='report-now'>
        我要上报
        <Text className='btn__sub block'>拍照 + 定位，1 分钟完成</Text>
      </Button>
      <Text className='muted small block mt8' style={{ textAlign: 'center' }}>
        遇到明火、燃气泄漏等紧急情况，请先拨打 119 / 110
      </Text>

      {hasDraft ? (
        <View className='notice notice--info mt12' {...role('button')} onClick={() => Taro.navigateTo({ url: PAGES.report })}>
          <Text>您有一份未提交的上报草稿，</Text>
          <Text className='link'>继续填写 ›</Text>
        </View>
      ) : null}

      <Text className='h2'>我的上报</Text>
      {error ? <ErrorState message={error} onRetry={() => void load()} /> : null}
      {!error && reports === null ? <Loading /> : null}
      {!error && reports && !reports.length ? <Empty text='还没有上报。发现隐患时点上方“我要上报”。' /> : null}
      {reports?.map((r) => {
        const updated = seenMap[r.id] !== undefined && seenMap[r.id] !== r.status;
        const mineToFollow = isFollowed(r);
        const toRate = r.status === 'closed' && !r.rating;
        return (
          <View key={r.id} className='card card--tap' {...role('button')} onClick={() => Taro.navigateTo({ url: PAGES.detail(r.id) })} data-testid='my-report' data-following={mineToFollow ? 'true' : 'false'}>
            <View className='row gap'>
              <CategoryIcon code={r.category} />
              <View className='grow'>
                <View className='row--between'>
                  <Text className='report-row__title ellipsis grow'>{r.categoryName}</Text>
                  <StatusBadge status={r.status} name={r.statusName} overdue={r.overdue} />
                </View>
                <Text className='muted small block'>{joinParts([formatTime(r.createdAt), r.assignee ? personName(r.assignee) : null])}</Text>
              </View>
            </View>
            <Text className='report-row__desc block ellipsis'>{r.description}</Text>
            {r.placeLabel ? <Text className='muted small block ellipsis'>{r.placeLabel}</Text> : null}
            {updated || toRate || mineToFollow ? (
              <View className='row gap mt8' style={{ flexWrap: 'wrap' }}>
                {mineToFollow ? (
                  <Text className='badge badge--blue' data-testid='followed-mark'>
                    我也遇到 · 跟进中
                  </Text>
                ) : null}
                {updated ? <Text className='badge badge--red'>有新进展</Text> : null}
                {toRate ? <Text className='badge badge--orange'>待评价</Text> : null}
              </View>
            ) : null}
          </View>
        );
      })}

      <View className='row mt16' style={{ justifyContent: 'center' }}>
        <Text className='link small tap' {...role('link')} onClick={() => Taro.navigateTo({ url: `${PAGES.consent}?policy=1` })} data-testid='privacy-link'>
          隐私政策与账号注销
        </Text>
      </View>
    </View>
  );
}
