/**
 * Staff task inbox: 待处理 / 即将超时 / 已超时 / 已完成, the first three with how many they hold (one
 * request, GET /v1/tasks/counts), each item with a live deadline countdown; a grid leader's 已超时
 * lists every late report of their grids with who holds it, since when and how late. Above them
 * the WeChat reminder setting (offered once at first sign-in; says when tasks only show here).
 */
import { useEffect, useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { api, messageOf } from '../../lib/api';
import { storage } from '../../lib/storage';
import { homeOf, PAGES, refreshMe, requireSession, signOut } from '../../lib/session';
import { countdown, formatTime, personName } from '../../lib/format';
import { role } from '../../lib/a11y';
import { StatusBadge } from '../../components/StatusBadge';
import { CategoryIcon } from '../../components/CategoryIcon';
import { Empty, ErrorState, Loading } from '../../components/StateView';
import { StaffReminders } from '../../components/StaffReminders';
import './index.css';
import { isResidentSide } from '../../lib/responders';
import type { Me } from '../../lib/types';
import { heldFrom, holderName, taskCounts, type StaffSummary, type TaskCounts } from '../shared';

const TABS = [
  { state: 'open', label: '待处理', empty: '没有待处理的任务' },
  { state: 'due_soon', label: '即将超时', empty: '没有即将超时的任务' },
  { state: 'overdue', label: '已超时', empty: '没有超时的任务' },
  { state: 'done', label: '已完成', empty: '还没有完成的任务' },
] as const;

const TASK_ROLE: Record<string, string> = { assignee: '我负责', verifier: '待我核查', dispatch: '待我分派' };

export default function Inbox() {
  const [me, setMe] = useState<Me | null>(storage.me());
  const [tab, setTab] = useState<(typeof TABS)[number]['state']>('open');
  const [items, setItems] = useState<StaffSummary[] | null>(null);
  const [counts, setCounts] = useState<TaskCounts | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => new Date());

  const load = async (state = tab) => {
    if (!requireSession()) return;
    setError(null);
    try {
      const who = await refreshMe();
      setMe(who);
      if (isResidentSide(who.role)) {
        void Taro.reLaunch({ url: homeOf(who.role) });
        return;
      }
      // the tab's list and every tab's number, side by side (a failed count only hides the numbers)
      const [page, n] = await Promise.all([api.tasks(state), taskCounts().catch(() => null)]);
      setItems(page.items as StaffSummary[]);
      setCounts(n);
      setNow(new Date());
    } catch (e) {
      setError(messageOf(e));
    }
  };

  useDidShow(() => void load());
  usePullDownRefresh(() => void load().finally(() => Taro.stopPullDownRefresh()));
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(t);
  }, []);

  const pick = (state: typeof tab) => {
    setTab(state);
    setItems(null);
    void load(state);
  };
  const current = TABS.find((t) => t.state === tab)!;

  return (
    <View className='page page--flush'>
      <View className='row--between' style={{ padding: '12px 16px 8px', background: '#fff' }}>
        <View>
          <Text className='strong block'>{me ? `${me.name} · ${me.roleName}` : '我的任务'}</Text>
          <Text className='muted small'>{me?.areas.map((a) => a.name).join('、')}</Text>
        </View>
        <View className='row gap'>
          {me && (me.role === 'grid_leader' || me.role === 'police_officer') ? (
            <>
              <Text className='link small tap' {...role('link')} onClick={() => Taro.navigateTo({ url: PAGES.volunteers })} data-testid='volunteers-link'>
                志愿者审核
              </Text>
              <Text className='link small' onClick={() => Taro.navigateTo({ url: PAGES.dashboard })}>
                统计
              </Text>
            </>
          ) : null}
          <Text className='link small' onClick={signOut}>
            切换账号
          </Text>
        </View>
      </View>
      <View style={{ padding: '12px 12px 0' }}>
        <StaffReminders me={me} onChanged={() => void refreshMe().then(setMe, () => undefined)} />
      </View>
      <View className='tabs'>
        {TABS.map((t) => (
          <View key={t.state} className={`tab${tab === t.state ? ' tab--active' : ''}`} onClick={() => pick(t.state)} data-testid={`tab-${t.state}`}>
            {t.label}
            {counts && t.state !== 'done' ? (
              <Text className={`tab__count${t.state === 'overdue' && counts.overdue ? ' tab__count--late' : ''}`} data-testid={`tab-count-${t.state}`}>
                {counts[t.state]}
              </Text>
            ) : null}
          </View>
        ))}
      </View>
      <View style={{ padding: '12px' }}>
        {error ? <ErrorState message={error} onRetry={() => void load()} /> : null}
        {!error && items === null ? <Loading /> : null}
        {!error && items && !items.length ? <Empty text={current.empty} /> : null}
        {items?.map((r) => {
          const due = countdown(r.dueAt, now);
          // late work says who has it and since when (a leader's 已超时 holds others' tasks too)
          const late = r.overdue && tab !== 'done';
          return (
            <View key={r.id} className='card card--tap' onClick={() => Taro.navigateTo({ url: PAGES.task(r.id) })} data-testid='task'>
              <View className='row gap'>
                <CategoryIcon code={r.category} />
                <View className='grow'>
                  <View className='row--between'>
                    <Text className='report-row__title ellipsis grow'>{r.categoryName}</Text>
                    <StatusBadge status={r.status} name={r.statusName} overdue={r.overdue} />
                  </View>
                  <Text className='muted small block'>
                    {r.placeLabel ?? r.grid.name} · {formatTime(r.createdAt)}
                  </Text>
                </View>
              </View>
              <Text className='report-row__desc block ellipsis'>{r.description}</Text>
              {late ? (
                <Text className='small block' data-testid='holder-line' style={{ marginBottom: '4px' }}>
                  {[`${holderName(r)} 负责`, heldFrom(r, now)].filter(Boolean).join(' · ')}
                </Text>
              ) : null}
              <View className='row--between'>
                <Text className='small'>{r.taskRole ? TASK_ROLE[r.taskRole] ?? '' : r.assignee && !late ? personName(r.assignee) : ''}</Text>
                {tab !== 'done' && r.dueAt ? (
                  <Text className={`small strong ${due.overdue ? 'danger-text' : r.dueSoon ? 'danger-text' : ''}`} data-testid='countdown'>
                    {due.text}
                  </Text>
                ) : null}
              </View>
            </View>
          );
        })}
      </View>
    </View>
  );
}
