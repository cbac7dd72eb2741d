/**
 * Staff's WeChat task reminders: whether tasks reach them in WeChat, and the one tap that turns
 * them on (requestSubscribeMessage must come from a tap, so the offer is a button, never a
 * prompt on load).
 * - At first sign-in (once per account on this device) a card offers them prominently.
 * - Afterwards the setting stays in the inbox: "微信提醒 已开启 / 未开启" with 开启 (or 重新授权, to
 *   ask again after switching them off in WeChat's settings).
 * - While off, the inbox says so: "未开启微信提醒，任务只在此处显示". In h5 (no WeChat) it says
 *   where they can be turned on.
 *
 * Props: `me` (GET /v1/me; nothing is shown for residents or when the backend does not report
 * grants), `onChanged` (called after a tap recorded something: refresh `me`), `deps` (tests).
 */
import { useState } from 'react';
import { View, Text, Button } from '@tarojs/components';
import { askStaffReminders, firstOffer, remindersOn, type SubscribeDeps } from '../lib/subscribe';
import type { Me } from '../lib/types';
import { disabledIf } from '../lib/dom';

export const REMINDERS_OFF = '未开启微信提醒，任务只在此处显示';

export function StaffReminders({ me, onChanged, deps = {} }: { me: Me | null; onChanged?: () => void; deps?: SubscribeDeps }) {
  const [busy, setBusy] = useState(false);
  // the first-sign-in offer, made (answered) for this account
  const [answeredFor, setAnsweredFor] = useState<string | null>(null);
  const [refused, setRefused] = useState(false);
  const on = remindersOn(me);
  if (!me || on === undefined) return null;
  const offered = answeredFor === me.id || !firstOffer.due(me.id);
  const weapp = (deps.env ?? process.env.TARO_ENV) === 'weapp';
  const longTerm = me.subscribeTemplates?.find((t) => t.kind === 'task')?.longTerm !== false;

  const turnOn = async () => {
    setBusy(true);
    try {
      const accepted = await askStaffReminders(me, deps);
      setRefused(accepted.length === 0);
      if (accepted.length) onChanged?.();
    } finally {
      firstOffer.done(me.id);
      setAnsweredFor(me.id);
      setBusy(false);
    }
  };
  const later = () => {
    firstOffer.done(me.id);
    setAnsweredFor(me.id);
  };

  if (!on && weapp && !offered) {
    return (
      <View className='card' data-testid='reminders-offer'>
        <Text className='strong block'>开启微信任务提醒</Text>
        <Text className='muted small block mt8'>
          {longTerm ? '新任务、催办和超时升级会通过微信服务通知发给您。开启一次即可，可随时在微信设置中关闭。' : '新任务会通过微信服务通知发给您；每次开启可收到一条提醒。'}
        </Text>
        <View className='row gap mt8'>
          <Button className='btn btn--primary' disabled={disabledIf(busy)} onClick={() => void turnOn()}>
            {busy ? '请稍候…' : '开启提醒'}
          </Button>
          <Button className='btn' onClick={later}>
            暂不
          </Button>
        </View>
      </View>
    );
  }

  return (
    <View className={`notice ${on ? 'notice--info' : 'notice--warn'} row--between`} data-testid='reminders'>
      <Text>{on ? '微信提醒已开启' : REMINDERS_OFF}</Text>
      {weapp ? (
        <Text className='link small' onClick={() => !busy && void turnOn()}>
          {busy ? '请稍候…' : on ? '重新授权' : refused ? '再试一次' : '开启'}
        </Text>
      ) : on ? null : (
        <Text className='muted small'>请在微信小程序中开启</Text>
      )}
    </View>
  );
}
