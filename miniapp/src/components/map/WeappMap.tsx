/**
 * The mini-program's map: WeChat's own <map> (Tencent's basemap, with its streets and names),
 * GCJ-02 like everything the app shows, with the grid outlines dashed on top and the chosen
 * point as circles (a dot and the phone's accuracy) — circles need no icon file, markers do.
 * A tap moves the point (WeChat's tap event carries latitude / longitude).
 */
import { Map as WxMap, View, Text } from '@tarojs/components';
import { useBasemap } from '../../lib/basemap';
import type { LatLng } from '../../lib/types';
import { ringsOf } from './geo';

export interface WeappMapProps {
  marker?: LatLng | null;
  accuracy?: number | null;
  onPick?: (p: LatLng) => void;
  height?: string;
}

export function WeappMap({ marker = null, accuracy = null, onPick, height = '260px' }: WeappMapProps) {
  const { basemap, error, retry } = useBasemap();
  const grids = basemap?.grids.features ?? [];
  const centre = marker ?? (grids[0] ? ringsOf(grids[0].geometry)[0]?.[0] : undefined) ?? null;
  if (!centre) return error ? <Text className='danger-text small' onClick={retry}>地图数据加载失败：{error}（点此重试）</Text> : <Text className='muted small'>正在加载地图…</Text>;
  const polygons = grids.flatMap((f) =>
    ringsOf(f.geometry).map((ring) => ({
      points: ring.map((p) => ({ latitude: p.lat, longitude: p.lng })),
      strokeColor: '#5b7db1',
      strokeWidth: 2,
      fillColor: '#5b7db110',
      dashArray: [6, 4],
      zIndex: 1,
    })),
  );
  const circles = marker
    ? [
        ...(accuracy ? [{ latitude: marker.lat, longitude: marker.lng, radius: accuracy, color: '#1f6feb55', fillColor: '#1f6feb14', strokeWidth: 1 }] : []),
        { latitude: marker.lat, longitude: marker.lng, radius: 4, color: '#ffffff', fillColor: '#f53f3f', strokeWidth: 2 },
      ]
    : [];
  return (
    <View className='map-wrap'>
      <WxMap
        className='map'
        style={{ height }}
        latitude={centre.lat}
        longitude={centre.lng}
        scale={17}
        showLocation
        polygons={polygons}
        circles={circles}
        onTap={(e) => {
          const d = e.detail as { latitude?: number; longitude?: number };
          if (typeof d.latitude === 'number' && typeof d.longitude === 'number') onPick?.({ lat: d.latitude, lng: d.longitude });
        }}
        onError={() => undefined}
      />
    </View>
  );
}
