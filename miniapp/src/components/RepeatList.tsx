/**
 * 重复隐患 on the dispatch dashboard: buildings with 3 or more reports of one kind in 90 days
 * (GET /v1/buildings/repeats), each with its reports one tap away.
 */
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { api } from '../lib/api';
import { formatTime } from '../lib/format';
import { role } from '../lib/a11y';
import { PAGES } from '../lib/session';
import { useAsync } from '../lib/useAsync';
import { ErrorState, Loading } from './StateView';

export function RepeatList({ areaId, categoryName }: { areaId: string; categoryName: (code: string) => string }) {
  const repeats = useAsync(() => api.repeats(areaId).then((r) => r.items), [areaId]);
  const [open, setOpen] = useState<string | null>(null);
  if (repeats.error) return <ErrorState message={repeats.error} onRetry={() => void repeats.reload()} />;
  if (!repeats.data) return <Loading />;
  if (!repeats.data.length) return <Text className='muted block' style={{ padding: '0 4px 8px' }}>90 天内没有重复发生的隐患</Text>;
  return (
    <View data-testid='repeats' {...role('list', '重复隐患')}>
      {repeats.data.map((r) => {
        const key = `${r.building.id}:${r.category}`;
        return (
          <View key={key} className='card' {...role('listitem')} data-testid='repeat-item'>
            <View className='row--between' {...role('button', `${r.building.label}，${categoryName(r.category)}，90 天内 ${r.count} 次，查看记录`)} onClick={() => setOpen(open === key ? null : key)}>
              <Text className='strong ellipsis grow'>{r.building.label}</Text>
              <Text className='badge badge--red'>重复隐患</Text>
            </View>
            <Text className='muted small block'>
              {categoryName(r.category)} · 90 天内 {r.count} 次 · 最近 {formatTime(r.lastAt)}
            </Text>
            {open === key ? (
              <View className='mt8'>
                {r.reportIds.map((id) => (
                  <Text key={id} className='link small block' {...role('button')} onClick={() => void Taro.navigateTo({ url: PAGES.task(id) })}>
                    查看上报 {id}
                  </Text>
                ))}
              </View>
            ) : null}
          </View>
        );
      })}
    </View>
  );
}
