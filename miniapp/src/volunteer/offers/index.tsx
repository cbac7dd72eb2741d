/**
 * 协助任务: a community responder's page (pushes about an offer open it). The duty switch with the
 * position sharing it brings, said plainly; the assist they hold (到场 sends the position now,
 * 完成 takes a note and a photo); the offers waiting on them, each accepted or declined with one
 * tap (someone faster: "已有人接单"); what they have done, with its rating. Lists refresh every
 * 30 s while the page is open; the WeChat reminder setting for offers sits on top.
 */
import { useEffect, useState } from 'react';
import Taro, { useDidHide, useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { ApiError, messageOf } from '../../lib/api';
import { storage } from '../../lib/storage';
import { PAGES, refreshMe, requireSession } from '../../lib/session';
import { currentPosition, PositionError } from '../../lib/position';
import { responders, type Offer, type OfferList } from '../../lib/responders';
import { role } from '../../lib/a11y';
import { Empty, ErrorState, Loading } from '../../components/StateView';
import { StaffReminders } from '../../components/StaffReminders';
import type { Me } from '../../lib/types';
import { DutyCard } from '../DutyCard';
import { OfferCard } from '../OfferCard';
import { DoneSheet } from '../DoneSheet';
import { fixOf, useSharedPosition } from '../duty';

type Lists = Record<OfferList, Offer[]>;
const REFRESH_MS = 30_000;

const loadLists = async (): Promise<Lists> => {
  const [offered, mine, done] = await Promise.all((['offered', 'mine', 'done'] as const).map((s) => responders.offers(s).then((p) => p.items)));
  return { offered: offered!, mine: mine!, done: done! };
};

const alertOf = (title: string, e: unknown) => void Taro.showModal({ title, content: e instanceof PositionError ? `${e.message}，无法确认到场。请允许使用位置后重试。` : messageOf(e), showCancel: false });

export default function Offers() {
  const [me, setMe] = useState<Me | null>(storage.me());
  const [lists, setLists] = useState<Lists | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [visible, setVisible] = useState(true);
  const [onDuty, setOnDuty] = useState(me?.duty === 'on_duty');
  const [dutyBusy, setDutyBusy] = useState(false);
  const [wanted, setWanted] = useState<boolean | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [finishing, setFinishing] = useState<Offer | null>(null);
  const volunteer = me?.role === 'volunteer';
  const share = useSharedPosition(volunteer && onDuty && visible);

  const load = async (quiet = false) => {
    if (!requireSession()) return;
    if (!quiet) setError(null);
    try {
      const who = await refreshMe();
      setMe(who);
      setOnDuty(who.duty === 'on_duty');
      if (who.role !== 'volunteer') return;
      setLists(await loadLists());
      setError(null);
    } catch (e) {
      if (!quiet) setError(messageOf(e));
    }
  };

  useDidShow(() => {
    setVisible(true);
    void load();
  });
  useDidHide(() => setVisible(false));
  usePullDownRefresh(() => void load().finally(() => Taro.stopPullDownRefresh()));
  useEffect(() => {
    if (!visible || !volunteer) return;
    const t = setInterval(() => void load(true), REFRESH_MS);
    return () => clearInterval(t);
  }, [visible, volunteer]);

  const toggleDuty = async (next: boolean) => {
    setDutyBusy(true);
    setWanted(next);
    try {
      await responders.duty(next ? 'on_duty' : 'off_duty');
      setOnDuty(next);
      // off duty the server deletes the position: the next shift shares at once
      if (!next) storage.setSharedPosition(null);
      void Taro.showToast({ title: next ? '已上岗' : '已下岗，位置已删除', icon: 'none' });
      void refreshMe().then(setMe, () => undefined);
    } catch (e) {
      void Taro.showModal({ title: next ? '上岗没有成功' : '下岗没有成功', content: messageOf(e), showCancel: false });
    } finally {
      setDutyBusy(false);
      setWanted(null);
    }
  };

  /** One step on an offer; the lists are read again after it (and after a refusal). */
  const step = async (o: Offer, title: string, run: () => Promise<unknown>, ok: string) => {
    setBusyId(o.id);
    try {
      await run();
      void Taro.showToast({ title: ok, icon: 'success' });
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'assist_taken') void Taro.showToast({ title: '已有人接单', icon: 'none' });
      else alertOf(title, e);
      return false;
    } finally {
      setBusyId(null);
      void load(true);
    }
  };

  const accept = (o: Offer) => void step(o, '接单没有成功', () => responders.accept(o.id), '已接单');
  const decline = (o: Offer) => void step(o, '操作没有成功', () => responders.decline(o.id), '已婉拒');
  const arrive = (o: Offer) => void step(o, '无法确认到场', async () => responders.arrive(o.id, fixOf(await currentPosition())), '已到场');
  const finish = async (body: { note?: string; photoId?: string }) => {
    if (!finishing) return;
    if (await step(finishing, '提交没有成功', () => responders.done(finishing.id, body), '协助完成')) setFinishing(null);
  };

  if (error && !lists) return <ErrorState message={error} onRetry={() => void load()} />;
  if (!me) return <Loading />;
  if (!volunteer) {
    const r = me.responder;
    return (
      <View className='page' data-testid='offers-page'>
        <Empty
          text={r?.status === 'pending' ? '您的志愿者申请正在审核中，通过后可以在这里接收协助请求。' : '您还不是群防群治力量：申请并通过社区审核后，可以在这里接收就近协助请求。'}
          action={r?.status === 'pending' ? undefined : '申请成为平安志愿者'}
          onAction={() => void Taro.redirectTo({ url: PAGES.apply })}
        />
      </View>
    );
  }

  const card = (o: Offer) => <OfferCard key={`${o.id}-${o.state}`} offer={o} busy={busyId === o.id} onAccept={accept} onDecline={decline} onArrive={arrive} onDone={setFinishing} />;
  return (
    <View className='page' data-testid='offers-page'>
      <View className='row--between' style={{ margin: '4px 4px 8px' }}>
        <View className='grow'>
          <Text className='h1 block'>协助任务</Text>
          <Text className='muted small'>{me.responder ? `${me.responder.kindName} · ${me.responder.communityName}` : me.name}</Text>
        </View>
        <Text className='link small tap' {...role('link')} onClick={() => Taro.navigateTo({ url: PAGES.points })} data-testid='points-link'>
          我的积分 ›
        </Text>
      </View>
      <DutyCard onDuty={onDuty} busy={dutyBusy} wanted={wanted} status={share} onToggle={(next) => void toggleDuty(next)} />
      <StaffReminders me={me} onChanged={() => void refreshMe().then(setMe, () => undefined)} />
      {error ? <ErrorState message={error} onRetry={() => void load()} /> : null}
      {!lists ? (
        <Loading />
      ) : (
        <>
          {lists.mine.length ? (
            <View data-testid='mine-list'>
              <Text className='h2'>进行中</Text>
              {lists.mine.map(card)}
            </View>
          ) : null}
          <Text className='h2'>新的协助请求</Text>
          <View data-testid='offered-list'>{lists.offered.length ? lists.offered.map(card) : <Empty text={onDuty ? '暂时没有协助请求。附近有需要时会通知您。' : '上岗后，附近有需要时会通知您。'} />}</View>
          <Text className='h2'>已完成</Text>
          <View data-testid='done-list'>{lists.done.length ? lists.done.map(card) : <Text className='muted block' style={{ padding: '0 4px 8px' }}>还没有完成的协助</Text>}</View>
        </>
      )}
      {finishing ? <DoneSheet need={finishing.need} busy={busyId === finishing.id} onSubmit={(b) => void finish(b)} onCancel={() => setFinishing(null)} /> : null}
    </View>
  );
}
