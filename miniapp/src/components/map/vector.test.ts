import { describe, expect, it } from 'vitest';
import L from 'leaflet';
import { alongLine, labelPoint, longestLine, ringsOf } from './geo';
import { BUILDING_LABEL_ZOOM, drawVectorBasemap, trackLabelZoom } from './vector';
import type { Basemap } from '../../lib/types';

const BASEMAP: Basemap = {
  version: 'demo-1',
  tiles: null,
  roads: {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', geometry: { type: 'LineString', coordinates: [[113.93, 22.54], [113.94, 22.54]] }, properties: { id: 'r1', name: '深南大道', kind: 'main' } },
      { type: 'Feature', geometry: { type: 'MultiLineString', coordinates: [[[113.935, 22.535], [113.935, 22.545]]] }, properties: { id: 'r2', name: '科苑路', kind: 'minor' } },
    ],
  },
  buildings: {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[113.936, 22.541], [113.9362, 22.541], [113.9362, 22.5412], [113.936, 22.5412], [113.936, 22.541]]] }, properties: { id: 'b1', name: '深南花园 3栋', label: '粤海街道 科技园社区 深南花园 3栋' } },
      { type: 'Feature', geometry: { type: 'Point', coordinates: [113.937, 22.542] }, properties: { id: 'b2', name: '5栋', label: '深南花园 5栋' } },
    ],
  },
  grids: { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[113.93, 22.53], [113.95, 22.53], [113.95, 22.55], [113.93, 22.55], [113.93, 22.53]]] }, properties: { id: 'g1', name: '科技园第1网格' } }] },
};

describe('map geometry', () => {
  it('finds the middle of a line by length and its direction on a north-up screen, text never upside down', () => {
    const east = alongLine([{ lat: 22.54, lng: 113.93 }, { lat: 22.54, lng: 113.94 }, { lat: 22.54, lng: 113.97 }])!;
    expect(east.at.lng).toBeCloseTo(113.95, 6);
    expect(east.angle).toBeCloseTo(0, 6);
    // heading north-east: the text rises to the right (negative screen angle), west-bound lines read the same way
    const ne = alongLine([{ lat: 22.54, lng: 113.93 }, { lat: 22.55, lng: 113.94 }])!;
    const sw = alongLine([{ lat: 22.55, lng: 113.94 }, { lat: 22.54, lng: 113.93 }])!;
    expect(ne.angle).toBeLessThan(-40);
    expect(ne.angle).toBeGreaterThan(-50);
    expect(sw.angle).toBeCloseTo(ne.angle, 1);
    const north = alongLine([{ lat: 22.53, lng: 113.93 }, { lat: 22.55, lng: 113.93 }])!;
    expect(Math.abs(north.angle)).toBeCloseTo(90, 6);
  });

  it('puts labels at a point or inside a polygon, on the longest line of a road', () => {
    expect(labelPoint(BASEMAP.buildings.features[1]!.geometry)).toEqual({ lat: 22.542, lng: 113.937 });
    const c = labelPoint(BASEMAP.buildings.features[0]!.geometry)!;
    expect(c.lat).toBeCloseTo(22.5411, 6);
    expect(c.lng).toBeCloseTo(113.9361, 6);
    const short = [{ lat: 0, lng: 0 }, { lat: 0, lng: 0.001 }];
    const long = [{ lat: 0, lng: 0 }, { lat: 0, lng: 0.01 }];
    expect(longestLine([short, long])).toBe(long);
    expect(ringsOf({ type: 'MultiPolygon', coordinates: [[[[1, 2], [3, 4]]], [[[5, 6]]]] })).toEqual([[{ lat: 2, lng: 1 }, { lat: 4, lng: 3 }], [{ lat: 6, lng: 5 }]]);
  });
});

describe('the vector basemap', () => {
  it('labels every road, building and grid by name, and shows building names only when zoomed in', () => {
    const el = document.createElement('div');
    el.style.width = '375px';
    el.style.height = '260px';
    document.body.appendChild(el);
    const map = L.map(el).setView([22.54, 113.935], 15);
    trackLabelZoom(map);
    drawVectorBasemap(L, map, BASEMAP);
    const text = (kind: string) => [...el.querySelectorAll(`.wsb-label--${kind}`)].map((n) => n.textContent);
    // the ~1 km 深南大道 is named every ~300 m, the ~1.1 km 科苑路 too
    expect(text('road')).toEqual(['深南大道', '深南大道', '深南大道', '科苑路', '科苑路', '科苑路']);
    expect(text('building')).toEqual(['3栋', '5栋']);
    expect(text('grid')).toEqual(['科技园第1网格']);
    // the north-south road's name runs along it
    const styles = [...el.querySelectorAll('.wsb-label--road')].map((n) => n.getAttribute('style') ?? '');
    const [eastWest, northSouth] = [styles[0]!, styles[3]!];
    expect(eastWest).not.toContain('rotate');
    expect(northSouth).toMatch(/rotate\(-90\.0deg\)/);
    expect(el.classList.contains('wsb-map--near')).toBe(false);
    map.setZoom(BUILDING_LABEL_ZOOM, { animate: false });
    expect(el.classList.contains('wsb-map--near')).toBe(true);
    // labels never take a tap meant for the map
    expect(map.getPane('wsbLabels')!.style.pointerEvents).toBe('none');
    map.remove();
  });
});
