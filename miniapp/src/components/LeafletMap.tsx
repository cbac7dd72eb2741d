/**
 * A map of grid polygons with no tile server (h5 only): leaflet draws the polygons on a plain
 * background, fitted to their bounds. Coordinates come in GCJ-02 — the datum the app speaks —
 * so a report pin and the grids line up. Leaflet is loaded on demand (its own chunk), so it
 * never weighs on the first load, and is compiled out of the weapp build entirely.
 */
import { useEffect, useRef, useState } from 'react';
import { View, Text } from '@tarojs/components';
import type { LatLng } from '../lib/types';

export interface MapPolygon {
  id: string;
  name: string;
  /** outer rings (GCJ-02); several for a MultiPolygon */
  rings: LatLng[][];
  fill: string;
  stroke?: string;
  /** shown on hover / tap */
  tooltip?: string;
}

export interface LeafletMapProps {
  polygons: MapPolygon[];
  /** a pin (GCJ-02), drawn as a circle */
  marker?: LatLng | null;
  /** tap on the map: moves the pin */
  onPick?: (p: LatLng) => void;
  onPolygonClick?: (id: string) => void;
  /** CSS height, default '280px' */
  height?: string;
}

let seq = 0;

export function LeafletMap({ polygons, marker, onPick, onPolygonClick, height = '280px' }: LeafletMapProps) {
  const [id] = useState(() => `wsb-map-${++seq}`);
  const [failed, setFailed] = useState(false);
  const mapRef = useRef<any>(null);
  const layerRef = useRef<any>(null);
  const markerRef = useRef<any>(null);
  const LRef = useRef<any>(null);
  const handlers = useRef({ onPick, onPolygonClick });
  handlers.current = { onPick, onPolygonClick };
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let disposed = false;
    // a constant condition webpack evaluates at build time: in weapp the import (and leaflet) is gone
    if (process.env.TARO_ENV === 'h5') {
      Promise.all([import('leaflet'), import('leaflet/dist/leaflet.css')])
        .then(([mod]) => {
          if (disposed) return;
          const L = (mod as any).default ?? mod;
          LRef.current = L;
          const el = document.getElementById(id);
          if (!el) return;
          const map = L.map(el, { zoomControl: true, attributionControl: false, zoomSnap: 0.25 });
          map.on('click', (e: any) => handlers.current.onPick?.({ lat: e.latlng.lat, lng: e.latlng.lng }));
          mapRef.current = map;
          setReady(true);
        })
        .catch(() => setFailed(true));
    }
    return () => {
      disposed = true;
      mapRef.current?.remove();
      mapRef.current = null;
    };
  }, [id]);

  useEffect(() => {
    const L = LRef.current;
    const map = mapRef.current;
    if (!ready || !L || !map) return;
    layerRef.current?.remove();
    const group = L.featureGroup();
    for (const p of polygons) {
      const shape = L.polygon(
        p.rings.map((ring) => ring.map((c) => [c.lat, c.lng])),
        { color: p.stroke ?? '#4e5969', weight: p.stroke ? 3 : 1, fillColor: p.fill, fillOpacity: 0.6 },
      );
      if (p.tooltip) shape.bindTooltip(p.tooltip, { sticky: true });
      shape.on('click', (e: any) => {
        handlers.current.onPolygonClick?.(p.id);
        if (handlers.current.onPick) handlers.current.onPick({ lat: e.latlng.lat, lng: e.latlng.lng });
      });
      group.addLayer(shape);
    }
    group.addTo(map);
    layerRef.current = group;
    if (polygons.length) map.fitBounds(group.getBounds(), { padding: [8, 8] });
  }, [ready, polygons]);

  useEffect(() => {
    const L = LRef.current;
    const map = mapRef.current;
    if (!ready || !L || !map) return;
    markerRef.current?.remove();
    markerRef.current = marker ? L.circleMarker([marker.lat, marker.lng], { radius: 9, color: '#fff', weight: 3, fillColor: '#f53f3f', fillOpacity: 1 }).addTo(map) : null;
    if (marker && !polygons.length) map.setView([marker.lat, marker.lng], 16);
  }, [ready, marker, polygons.length]);

  if (process.env.TARO_ENV !== 'h5') return <Text className='muted'>地图请在浏览器版中查看</Text>;
  return (
    <View>
      <View id={id} className='map' style={{ height }} />
      {failed ? <Text className='danger-text small'>地图加载失败，请刷新页面</Text> : null}
    </View>
  );
}

/** GeoJSON Polygon / MultiPolygon (WGS-84) -> outer rings converted with `convert`. */
export function ringsOf(geometry: { type: string; coordinates: any } | null | undefined, convert: (p: LatLng) => LatLng): LatLng[][] {
  if (!geometry) return [];
  const polys: number[][][][] = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  return polys.map((poly) => (poly[0] ?? []).map(([lng, lat]) => convert({ lat: lat!, lng: lng! })));
}
