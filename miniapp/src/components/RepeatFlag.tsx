/**
 * 重复隐患 on a staff task: the building has had this kind of hazard 3 or more times in 90 days
 * ("本楼 90 天内第 3 次"). One tap shows the earlier reports, each a link to its task.
 */
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { formatTime } from '../lib/format';
import { role } from '../lib/a11y';
import { PAGES } from '../lib/session';
import { StatusBadge } from './StatusBadge';
import type { ReportRepeat } from '../lib/types';
import { STATUS_NAMES } from '../../../functions/src/domain/lifecycle';

export function RepeatFlag({ repeat, currentId }: { repeat: ReportRepeat; currentId: string }) {
  const [open, setOpen] = useState(false);
  const others = repeat.reports.filter((r) => r.id !== currentId);
  const text = `本楼 90 天内第 ${repeat.count} 次`;
  return (
    <View className='notice notice--danger' style={{ borderWidth: '1px' }} data-testid='repeat-flag'>
      <View className='row--between' {...role('button', `重复隐患：${text}，${open ? '收起' : '查看'}历次上报`)} aria-expanded={open ? 'true' : 'false'} onClick={() => setOpen(!open)}>
        <Text>
          <Text className='badge badge--red'>重复隐患</Text> <Text className='strong'>{text}</Text>
        </Text>
        <Text className='link small'>{open ? '收起' : '历次上报 ›'}</Text>
      </View>
      {open ? (
        <View className='mt8' {...role('list', '历次上报')} data-testid='repeat-history'>
          {others.map((r) => (
            <View key={r.id} className='row--between mt8' {...role('listitem')}>
              <Text className='link small' {...role('button', `打开 ${formatTime(r.createdAt)} 的上报`)} onClick={() => void Taro.navigateTo({ url: PAGES.task(r.id) })}>
                {formatTime(r.createdAt)} · {r.id}
              </Text>
              <StatusBadge status={r.status} name={STATUS_NAMES[r.status]} />
            </View>
          ))}
          <Text className='muted small block mt8'>自 {formatTime(repeat.since)} 起统计</Text>
        </View>
      ) : null}
    </View>
  );
}
