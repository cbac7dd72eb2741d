/** The top card of a report: category, state, who holds it, where (the place's label, never coordinates), and the deadlines. */
import type { ReactNode } from 'react';
import { View, Text } from '@tarojs/components';
import { countdown, formatTime, personName } from '../lib/format';
import { StatusBadge } from './StatusBadge';
import { CategoryIcon } from './CategoryIcon';
import type { ReportView } from '../lib/types';

export function ReportHeader({ r, children }: { r: ReportView; children?: ReactNode }) {
  const due = countdown(r.dueAt);
  const open = !['closed', 'rejected', 'merged'].includes(r.status);
  return (
    <View className='card'>
      <View className='row gap'>
        <CategoryIcon code={r.category} />
        <View className='grow'>
          <View className='row--between'>
            <Text className='report-row__title grow'>{r.categoryName}</Text>
            <StatusBadge status={r.status} name={r.statusName} overdue={r.overdue} />
          </View>
          <Text className='muted small'>
            {formatTime(r.createdAt)} 上报 · 编号 {r.id}
          </Text>
        </View>
      </View>
      <View className='divider' />
      <View className='kv'>
        <Text className='kv__k'>负责网格</Text>
        <Text className='kv__v'>{r.grid.name}</Text>
      </View>
      <View className='kv'>
        <Text className='kv__k'>{open ? '现在由' : '办理人'}</Text>
        <Text className='kv__v' data-testid='holder'>
          {r.assignee ? `${personName(r.assignee)}${open ? ' 负责' : ''}` : open ? '等待分派' : '—'}
        </Text>
      </View>
      <View className='kv'>
        <Text className='kv__k'>受理时限</Text>
        <Text className='kv__v'>{formatTime(r.deadlines.acceptBy)} 前</Text>
      </View>
      <View className='kv'>
        <Text className='kv__k'>办结时限</Text>
        <Text className='kv__v'>{formatTime(r.deadlines.resolveBy)} 前</Text>
      </View>
      {open && r.dueAt ? (
        <View className='kv'>
          <Text className='kv__k'>当前环节</Text>
          <Text className={`kv__v ${due.overdue ? 'danger-text' : ''}`}>{due.text}</Text>
        </View>
      ) : null}
      {r.placeLabel || r.address ? (
        <View className='kv'>
          <Text className='kv__k'>位置</Text>
          <Text className='kv__v' data-testid='place-label'>
            {[r.placeLabel, r.unit, r.floor ? `${r.floor}层` : null, r.address].filter(Boolean).join(' ')}
          </Text>
        </View>
      ) : null}
      {children}
    </View>
  );
}

