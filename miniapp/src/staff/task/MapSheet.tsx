/**
 * Where a task is, on a map (h5): the report's point (GCJ-02) as a pin over the basemap, its
 * building of the address register outlined, the place's label above. In the mini-program the
 * task page opens WeChat's own map with navigation instead (Taro.openLocation).
 */
import { View, Text, Button } from '@tarojs/components';
import { BaseMap, type MapPolygon } from '../../components/map/BaseMap';
import { ringsOf } from '../../components/map/geo';
import { useBasemap } from '../../lib/basemap';
import { role } from '../../lib/a11y';
import type { ReportView } from '../../lib/types';

export function MapSheet({ r, onClose }: { r: Pick<ReportView, 'location' | 'placeLabel' | 'building' | 'categoryName' | 'address'>; onClose: () => void }) {
  const { basemap } = useBasemap();
  const feature = r.building ? basemap?.buildings.features.find((f) => f.properties.id === r.building!.id) : undefined;
  const polygons: MapPolygon[] = feature ? [{ id: feature.properties.id, name: feature.properties.name, rings: ringsOf(feature.geometry), fill: '#9ec2ff', stroke: '#1a5fcc' }] : [];
  const label = r.placeLabel ?? r.categoryName;
  return (
    <View className='sheet-mask' onClick={onClose}>
      <View className='sheet' onClick={(e) => e.stopPropagation()} data-testid='map-sheet' {...role('region', `事项位置：${label}`)}>
        <Text className='sheet__title'>{label}</Text>
        {r.building ? (
          <Text className='muted small block' style={{ marginBottom: '8px' }}>
            蓝色轮廓为 {r.building.name}，红点为上报位置
          </Text>
        ) : null}
        <BaseMap label={`地图：${label}`} marker={{ lat: r.location.lat, lng: r.location.lng }} polygons={polygons} height='300px' />
        {r.address ? <Text className='small block mt8'>补充地址：{r.address}</Text> : null}
        <Text className='muted small block mt8' data-testid='map-coords'>
          坐标（GCJ-02）{r.location.lat.toFixed(6)}, {r.location.lng.toFixed(6)}
        </Text>
        <Button className='btn btn--block mt12' onClick={onClose}>
          关闭地图
        </Button>
      </View>
    </View>
  );
}
