/**
 * The staff merge picker: the open reports this one may duplicate (GET /v1/reports/{id}/duplicates
 * — same category, near or in the same building), each with its photo, place and time, chosen by
 * a tap instead of a typed id.
 */
import { View, Text, Image } from '@tarojs/components';
import { formatTime } from '../lib/format';
import { role } from '../lib/a11y';
import { useAsync } from '../lib/useAsync';
import { StatusBadge } from './StatusBadge';
import { ErrorState, Loading } from './StateView';
import type { DuplicateCandidate } from '../lib/types';
import { STATUS_NAMES } from '../../../functions/src/domain/lifecycle';

export interface MergePickerProps {
  load: () => Promise<DuplicateCandidate[]>;
  value: string;
  onChange: (id: string) => void;
}

export function MergePicker({ load, value, onChange }: MergePickerProps) {
  const list = useAsync(load, []);
  if (list.error) return <ErrorState message={list.error} onRetry={() => void list.reload()} />;
  if (!list.data) return <Loading text='正在查找可合并的上报…' />;
  if (!list.data.length) return <Text className='muted block' data-testid='merge-empty'>附近和同一栋楼没有可合并的同类上报</Text>;
  return (
    <View {...role('list', '可合并的上报')}>
      {list.data.map((d) => {
        const where = d.sameBuilding ? '同一栋楼' : d.meters != null ? `相距约 ${Math.round(d.meters)} 米` : '';
        return (
          <View
            key={d.id}
            className={`option${value === d.id ? ' option--on' : ''}`}
            {...role('button', `合并到 ${d.placeLabel}，${formatTime(d.createdAt)}上报，${where}`)}
            aria-selected={value === d.id ? 'true' : 'false'}
            onClick={() => onChange(d.id)}
            data-testid='merge-option'
          >
            <View className='row gap' style={{ alignItems: 'flex-start' }}>
              {d.thumbUrl ? <Image className='thumb' src={d.thumbUrl} mode='aspectFill' aria-label='现场照片' /> : null}
              <View className='grow'>
                <View className='row--between'>
                  <StatusBadge status={d.status} name={d.statusName ?? STATUS_NAMES[d.status]} />
                  <Text className={d.sameBuilding ? 'badge badge--orange' : 'muted small'}>{where}</Text>
                </View>
                <Text className='block small'>{d.placeLabel}</Text>
                <Text className='muted small block'>
                  {formatTime(d.createdAt)}上报 · 编号 {d.id}
                </Text>
              </View>
            </View>
          </View>
        );
      })}
    </View>
  );
}
