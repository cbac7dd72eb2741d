/**
 * "我也遇到": open reports of the same kind within 50 m or in the same building, offered before
 * sending a second one. Others' reports come without their text (kind, state, place and time
 * say enough to recognise one), with the first photo's thumbnail when there is one.
 */
import { View, Text, Button, Image } from '@tarojs/components';
import { StatusBadge } from './StatusBadge';
import { formatTime, joinParts } from '../lib/format';
import { imageAlt, role } from '../lib/a11y';
import type { NearbyReport } from '../lib/types';

export function NearbyList({ items, onJoin }: { items: NearbyReport[]; onJoin: (id: string) => void }) {
  if (!items.length) return null;
  const inBuilding = items.some((r) => r.sameBuilding);
  return (
    <View className='notice notice--warn' data-testid='nearby' {...role('region', '已有的同类上报')}>
      <Text className='strong block'>{inBuilding ? '这栋楼或附近已有人上报了同类问题' : '附近已有人上报了同类问题'}</Text>
      <Text className='small block'>如果是同一个问题，点“我也遇到”即可跟进处理结果，不必重复上报。</Text>
      {items.map((r) => {
        const where = r.sameBuilding ? '同一栋楼' : r.distanceMeters !== undefined ? `约 ${r.distanceMeters} 米` : '';
        const when = `${formatTime(r.createdAt)}上报`;
        return (
          <View key={r.id} className='card mt8' style={{ marginBottom: 0 }} data-testid='nearby-item'>
            <View className='row gap' style={{ alignItems: 'flex-start' }}>
              {r.thumbUrl ? <Image className='thumb' src={r.thumbUrl} mode='aspectFill' {...imageAlt(`${r.categoryName}的现场照片`)} data-testid='nearby-thumb' /> : null}
              <View className='grow'>
                <View className='row--between'>
                  <StatusBadge status={r.status} name={r.statusName} />
                  <Text className={r.sameBuilding ? 'badge badge--orange' : 'muted'}>{where}</Text>
                </View>
                <Text className='report-row__desc block'>{r.description ?? r.categoryName}</Text>
                <Text className='muted small block'>{joinParts([r.placeLabel, when, r.followerCount ? `${r.followerCount} 人也遇到` : null])}</Text>
              </View>
            </View>
            <Button className='btn btn--ghost btn--small mt8' {...role('button', `我也遇到：${r.categoryName}，${where}，${when}`)} onClick={() => onJoin(r.id)}>
              我也遇到
            </Button>
          </View>
        );
      })}
    </View>
  );
}
