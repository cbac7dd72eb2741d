/**
 * 我的积分: a responder's points (积分) and volunteer hours (时间银行) — the ledger's sum, never an
 * edited number — with each entry (when, why, how much), and their community's leaderboard of
 * those who chose to be listed by name.
 */
import { useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { messageOf } from '../../lib/api';
import { storage } from '../../lib/storage';
import { refreshMe, requireSession } from '../../lib/session';
import { formatTime } from '../../lib/format';
import { role } from '../../lib/a11y';
import { KIND_NAMES, responders, type LeaderRow, type Points } from '../../lib/responders';
import { Empty, ErrorState, Loading } from '../../components/StateView';
import type { Me } from '../../lib/types';

const hoursText = (h: number) => `${Math.round(h * 10) / 10} 小时`;

export default function PointsPage() {
  const [me, setMe] = useState<Me | null>(storage.me());
  const [points, setPoints] = useState<Points | null>(null);
  const [board, setBoard] = useState<LeaderRow[] | null>(null);
  const [boardError, setBoardError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    if (!requireSession()) return;
    setError(null);
    try {
      const who = await refreshMe();
      setMe(who);
      const community = who.responder?.communityId;
      if (community) {
        setBoardError(null);
        responders.leaderboard(community).then((b) => setBoard(b.items), (e) => setBoardError(messageOf(e)));
      } else setBoard([]);
      setPoints(await responders.points());
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useDidShow(() => void load());
  usePullDownRefresh(() => void load().finally(() => Taro.stopPullDownRefresh()));

  if (error && !points) return <ErrorState message={error} onRetry={() => void load()} />;
  if (!points) return <Loading />;
  return (
    <View className='page' data-testid='points-page'>
      <View className='kpis' data-testid='points-total'>
        <View className='kpi'>
          <Text className='kpi__v'>{points.total}</Text>
          <Text className='kpi__k'>积分</Text>
        </View>
        <View className='kpi'>
          <Text className='kpi__v'>{hoursText(points.hours)}</Text>
          <Text className='kpi__k'>志愿时长（时间银行）</Text>
        </View>
      </View>
      <Text className='muted small block mt8'>每次协助完成并经请求人评价后计入积分和时长；记录只增不改。</Text>

      <Text className='h2'>积分记录</Text>
      {points.items.length ? (
        <View className='card' {...role('list', '积分记录')} data-testid='points-history'>
          {points.items.map((p, i) => (
            <View key={`${p.assistId}-${p.at}`} {...role('listitem')}>
              {i ? <View className='divider' /> : null}
              <View className='row--between' style={{ gap: '8px' }}>
                <View className='grow'>
                  <Text className='block'>{p.reason}</Text>
                  <Text className='muted small'>{formatTime(p.at)}</Text>
                </View>
                <View style={{ textAlign: 'right' }}>
                  <Text className='strong block ok-text'>+{p.points} 分</Text>
                  <Text className='muted small'>+{hoursText(p.hours)}</Text>
                </View>
              </View>
            </View>
          ))}
        </View>
      ) : (
        <Empty text='还没有积分。完成协助并被评价后会记在这里。' />
      )}

      <Text className='h2'>{me?.responder ? `${me.responder.communityName}排行榜` : '社区排行榜'}</Text>
      {boardError ? <ErrorState message={boardError} onRetry={() => void load()} /> : null}
      {!boardError && board === null ? <Loading /> : null}
      {board && !board.length && !boardError ? <Empty text='还没有人上榜。' /> : null}
      {board && board.length ? (
        <View className='card' data-testid='leaderboard'>
          <View className='table'>
            <View className='table__row table__row--head'>
              <Text className='table__cell table__cell--name'>名次 · 姓名</Text>
              <Text className='table__cell'>积分</Text>
              <Text className='table__cell'>时长</Text>
            </View>
            {board.map((b, i) => (
              <View key={`${b.name}-${i}`} className='table__row' data-testid='leader-row'>
                <Text className='table__cell table__cell--name'>
                  {i + 1}. {b.name} <Text className='muted small'>{KIND_NAMES[b.kind] ?? ''}</Text>
                </Text>
                <Text className='table__cell'>{b.points}</Text>
                <Text className='table__cell'>{hoursText(b.hours)}</Text>
              </View>
            ))}
          </View>
        </View>
      ) : null}
      <Text className='muted small block'>只显示同意上榜的成员。</Text>
    </View>
  );
}
