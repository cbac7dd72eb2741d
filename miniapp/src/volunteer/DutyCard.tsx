/**
 * The duty switch (在岗 / 下岗) and what sharing the position means, in plain words, with how the
 * last share went. Props: `onDuty`, `busy` (the switch is being sent), `wanted` (while busy: the
 * state asked for, which the switch shows), `status` (useSharedPosition), `onToggle(next)`.
 */
import { View, Text, Switch } from '@tarojs/components';
import { fieldLabel, role } from '../lib/a11y';
import { formatTime } from '../lib/format';
import { SHARING_RULES, type ShareStatus } from './duty';

export interface DutyCardProps {
  onDuty: boolean;
  busy?: boolean;
  wanted?: boolean | null;
  status: ShareStatus;
  onToggle: (next: boolean) => void;
}

/** "14:05" (formatTime without the day: a share is minutes old) */
const clock = (iso: string) => formatTime(iso).split(' ').pop() ?? '';

function statusLine(s: ShareStatus): { text: string; tone: string } | null {
  switch (s.state) {
    case 'off':
      return null;
    case 'locating':
      return { text: '正在获取位置…', tone: 'muted' };
    case 'shared':
      return { text: `位置已于 ${clock(s.at)} 共享（精度约 ${s.accuracy} 米），${clock(s.expiresAt)} 自动失效`, tone: 'ok-text' };
    case 'denied':
      return { text: '没有定位权限：请在设置中允许使用位置，否则收不到就近协助请求。', tone: 'danger-text' };
    case 'failed':
      return { text: `位置共享失败：${s.message}。稍后会自动重试。`, tone: 'danger-text' };
  }
}

export function DutyCard({ onDuty, busy = false, wanted = null, status, onToggle }: DutyCardProps) {
  const line = statusLine(status);
  return (
    <View className='card' data-testid='duty-card' data-duty={onDuty ? 'on' : 'off'}>
      <View className='switch-row'>
        <View className='grow'>
          <Text className='strong block'>{onDuty ? '在岗中' : '未在岗'}</Text>
          <Text className='muted small block'>{onDuty ? '附近有人需要协助时会通知您' : '上岗后才会收到就近协助请求'}</Text>
        </View>
        <Switch checked={busy && wanted !== null ? wanted : onDuty} disabled={busy} color='#1f6feb' {...fieldLabel('在岗（共享位置）')} onChange={(e) => onToggle(!!e.detail.value)} data-testid='duty-switch' />
      </View>
      <Text className='small block mt8' data-testid='sharing-rules'>
        {SHARING_RULES}
      </Text>
      {onDuty && line ? (
        <Text className={`small block mt8 ${line.tone}`} {...role('status')} data-testid='share-status' data-state={status.state}>
          {line.text}
        </Text>
      ) : null}
    </View>
  );
}
