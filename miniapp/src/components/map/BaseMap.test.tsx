import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, waitFor } from '@testing-library/react';
import type { Basemap } from '../../lib/types';

const ROADS: Basemap['roads'] = {
  type: 'FeatureCollection',
  features: [{ type: 'Feature', geometry: { type: 'LineString', coordinates: [[113.93, 22.54], [113.94, 22.54]] }, properties: { id: 'r1', name: '深南大道', kind: 'main' } }],
};
const GRIDS: Basemap['grids'] = {
  type: 'FeatureCollection',
  features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[113.93, 22.53], [113.95, 22.53], [113.95, 22.55], [113.93, 22.55], [113.93, 22.53]]] }, properties: { id: 'g1', name: '科技园第1网格' } }],
};
const basemap = (tiles: Basemap['tiles']): Basemap => ({ version: 'demo-1', tiles, roads: ROADS, buildings: { type: 'FeatureCollection', features: [] }, grids: GRIDS });

// the basemap is cached per app session: each test loads the modules afresh
async function load(b: Basemap | Error) {
  vi.resetModules();
  const { api } = await import('../../lib/api');
  const fetch = b instanceof Error ? vi.spyOn(api, 'basemap').mockRejectedValue(b) : vi.spyOn(api, 'basemap').mockResolvedValue(b);
  const { BaseMap } = await import('./BaseMap');
  return { BaseMap, fetch };
}

beforeEach(() => {
  // leaflet sizes the map from the container; happy-dom lays nothing out
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(375);
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(260);
});
afterEach(() => vi.restoreAllMocks());

describe('BaseMap', () => {
  it('draws the vector basemap with names on the land colour when the deployment has no tiles', async () => {
    const { BaseMap, fetch } = await load(basemap(null));
    const { container } = render(<BaseMap label='地图' marker={{ lat: 22.54, lng: 113.935 }} />);
    await waitFor(() => expect(container.querySelector('.wsb-label--road')?.textContent).toBe('深南大道'));
    const map = container.querySelector('.leaflet-container') as HTMLElement;
    expect(map.style.background).toMatch(/^(#f2efe9|rgb\(242, 239, 233\))$/);
    expect(container.querySelector('.leaflet-tile-pane img')).toBeNull();
    expect(container.querySelector('.wsb-label--grid')?.textContent).toBe('科技园第1网格');
    expect(map.getAttribute('role')).toBe('region');
    expect(map.getAttribute('aria-label')).toBe('地图');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("draws the deployment's tile layer with its attribution, and the vector names on top", async () => {
    const { BaseMap } = await load(basemap({ url: 'https://tiles.example.test/{z}/{x}/{y}.png', attribution: '© 测试地图' }));
    const { container } = render(<BaseMap label='地图' marker={{ lat: 22.54, lng: 113.935 }} />);
    await waitFor(() => expect(container.querySelector('.leaflet-tile-pane img')?.getAttribute('src')).toMatch(/^https:\/\/tiles\.example\.test\/17\/\d+\/\d+\.png$/));
    expect(container.querySelector('.leaflet-control-attribution')?.textContent).toContain('© 测试地图');
    expect(container.querySelector('.wsb-label--road')?.textContent).toBe('深南大道');
  });

  it('says when the basemap did not load, and loads it again on a tap', async () => {
    const { BaseMap, fetch } = await load(new Error('offline'));
    const { findByText } = render(<BaseMap label='地图' marker={{ lat: 22.54, lng: 113.935 }} />);
    const note = await findByText(/^底图加载失败/);
    fetch.mockResolvedValue(basemap(null));
    note.click();
    await waitFor(() => expect(document.querySelector('.wsb-label--road')).not.toBeNull());
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});
