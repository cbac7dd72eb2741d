/**
 * The h5 map (the resident's report form and the dispatch centre): leaflet over a real basemap —
 * the deployment's tile layer when GET /v1/areas/basemap names one, and always the vector roads,
 * buildings and grid outlines with their names (./vector.ts) — plus the caller's polygons (the
 * heat map) and a pin. Coordinates are GCJ-02, the datum the app speaks, so pins, grids and roads
 * line up. Leaflet loads on demand (its own chunk) and is compiled out of the weapp build.
 *
 * The map sits in a stacking context of its own (.map-wrap in app.css): leaflet's panes use
 * z-index 400–1000, which would otherwise rise above the fixed footer and take its taps.
 */
import { useEffect, useRef, useState } from 'react';
import { View, Text } from '@tarojs/components';
import type * as Leaflet from 'leaflet';
import { useBasemap } from '../../lib/basemap';
import { role } from '../../lib/a11y';
import type { LatLng } from '../../lib/types';
import { drawVectorBasemap, LAND, tileLayer, trackLabelZoom } from './vector';

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

export interface BaseMapProps {
  /** what a screen reader hears for the map */
  label: string;
  polygons?: MapPolygon[];
  /** a pin (GCJ-02) */
  marker?: LatLng | null;
  /** metres around the pin the phone is unsure of (drawn as a faint circle) */
  accuracy?: number | null;
  /** a tap on the map (GCJ-02) */
  onPick?: (p: LatLng) => void;
  onPolygonClick?: (id: string) => void;
  /** CSS height, default '280px' */
  height?: string;
}

const PIN_ZOOM = 17;
let seq = 0;

export function BaseMap({ label, polygons = [], marker = null, accuracy = null, onPick, onPolygonClick, height = '280px' }: BaseMapProps) {
  const [id] = useState(() => `wsb-map-${++seq}`);
  const [failed, setFailed] = useState(false);
  const [ready, setReady] = useState(false);
  const { basemap, error, retry } = useBasemap();
  const L = useRef<typeof Leaflet | null>(null);
  const map = useRef<Leaflet.Map | null>(null);
  const viewSet = useRef(false);
  const layers = useRef<{ base?: Leaflet.Layer[]; polygons?: Leaflet.Layer; pin?: Leaflet.Layer[] }>({});
  const handlers = useRef({ onPick, onPolygonClick });
  handlers.current = { onPick, onPolygonClick };

  useEffect(() => {
    let disposed = false;
    // a constant condition webpack evaluates at build time: in weapp the import (and leaflet) is gone
    if (process.env.TARO_ENV === 'h5') {
      Promise.all([import('leaflet'), import('leaflet/dist/leaflet.css')])
        .then(([mod]) => {
          const el = document.getElementById(id);
          if (disposed || !el) return;
          const lib = ((mod as { default?: typeof Leaflet }).default ?? mod) as typeof Leaflet;
          const m = lib.map(el, { zoomControl: true, attributionControl: false, zoomSnap: 0.25, maxZoom: 19 });
          // the land colour under the vector basemap (leaflet.css would paint its own grey)
          el.style.background = LAND;
          m.on('click', (e: Leaflet.LeafletMouseEvent) => handlers.current.onPick?.({ lat: e.latlng.lat, lng: e.latlng.lng }));
          trackLabelZoom(m);
          // e2e tests read the map from its container to project a road onto the screen
          (el as unknown as { __wsbMap?: Leaflet.Map }).__wsbMap = m;
          L.current = lib;
          map.current = m;
          setReady(true);
        })
        .catch(() => setFailed(true));
    }
    return () => {
      disposed = true;
      map.current?.remove();
      map.current = null;
      viewSet.current = false;
    };
  }, [id]);

  /** Leaflet draws nothing until it has a view: the pin, else the polygons, else the whole basemap. */
  const ensureView = (): boolean => {
    const m = map.current;
    const lib = L.current;
    if (!m || !lib) return false;
    if (viewSet.current) return true;
    if (marker) m.setView([marker.lat, marker.lng], PIN_ZOOM);
    else if (polygons.length) m.fitBounds(lib.latLngBounds(polygons.flatMap((p) => p.rings.flat().map((c) => [c.lat, c.lng] as [number, number]))), { padding: [8, 8] });
    else if (basemap?.grids.features.length) m.fitBounds(lib.geoJSON(basemap.grids as never).getBounds(), { padding: [8, 8] });
    else return false;
    viewSet.current = true;
    return true;
  };

  useEffect(() => {
    const lib = L.current;
    const m = map.current;
    if (!ready || !lib || !m || !basemap || !ensureView()) return;
    layers.current.base?.forEach((l) => l.remove());
    const base: Leaflet.Layer[] = [];
    if (basemap.tiles) {
      base.push(tileLayer(lib, basemap.tiles).addTo(m));
      base.push(lib.control.attribution({ prefix: false }).addTo(m) as unknown as Leaflet.Layer);
    }
    base.push(drawVectorBasemap(lib, m, basemap));
    layers.current.base = base;
  }, [ready, basemap]);

  useEffect(() => {
    const lib = L.current;
    const m = map.current;
    if (!ready || !lib || !m || !ensureView()) return;
    layers.current.polygons?.remove();
    const group = lib.featureGroup();
    for (const p of polygons) {
      const shape = lib.polygon(
        p.rings.map((ring) => ring.map((c) => [c.lat, c.lng] as [number, number])),
        { color: p.stroke ?? '#4e5969', weight: p.stroke ? 3 : 1, fillColor: p.fill, fillOpacity: 0.55 },
      );
      if (p.tooltip) shape.bindTooltip(p.tooltip, { sticky: true });
      shape.on('click', (e: Leaflet.LeafletMouseEvent) => {
        handlers.current.onPolygonClick?.(p.id);
        handlers.current.onPick?.({ lat: e.latlng.lat, lng: e.latlng.lng });
      });
      group.addLayer(shape);
    }
    group.addTo(m);
    layers.current.polygons = group;
  }, [ready, polygons]);

  useEffect(() => {
    const lib = L.current;
    const m = map.current;
    if (!ready || !lib || !m) return;
    const first = !viewSet.current;
    if (!ensureView()) return;
    layers.current.pin?.forEach((l) => l.remove());
    if (!marker) return void (layers.current.pin = []);
    const at: [number, number] = [marker.lat, marker.lng];
    layers.current.pin = [
      ...(accuracy ? [lib.circle(at, { radius: accuracy, pane: 'markerPane', interactive: false, color: '#1f6feb', weight: 1, fillColor: '#1f6feb', fillOpacity: 0.08 }).addTo(m)] : []),
      lib.circleMarker(at, { pane: 'markerPane', interactive: false, radius: 9, color: '#fff', weight: 3, fillColor: '#f53f3f', fillOpacity: 1 }).addTo(m),
    ];
    if (!first) m.panTo(at);
  }, [ready, marker?.lat, marker?.lng, accuracy]);

  if (process.env.TARO_ENV !== 'h5') return <Text className='muted'>地图请在浏览器版中查看</Text>;
  return (
    <View className='map-wrap' data-testid='base-map'>
      <View id={id} className='map' style={{ height }} {...role('region', label)} />
      {!basemap && !error && !failed ? (
        <Text className='map-note' aria-live='polite'>
          正在加载底图…
        </Text>
      ) : null}
      {error ? (
        <Text className='map-note danger-text' aria-live='polite' onClick={retry} {...role('button')}>
          底图加载失败：{error}（点此重试）
        </Text>
      ) : null}
      {failed ? <Text className='danger-text small'>地图加载失败，请刷新页面</Text> : null}
    </View>
  );
}
