/**
 * The basemap when there is no tile server (the local stack, offline, or a deployment without
 * MAP_TILE_URL): roads, buildings and grid outlines from GET /v1/areas/basemap, drawn by leaflet
 * on a light land colour, each with its name — road names along the road, building names
 * ("3栋") once zoomed in, grid names at their centres. Never a blank background.
 *
 * Layers live in panes of their own: the shapes below leaflet's overlay pane (so a heat map or a
 * pin sits on top of them), the labels above it but deaf to taps (they never swallow a map tap).
 */
import type * as Leaflet from 'leaflet';
import { alongLine, labelPoint, lineMeters, linesOf, longestLine, ringsOf } from './geo';
import type { Basemap } from '../../lib/types';

/** The land colour (also the map container's background in app.css, .map). */
export const LAND = '#f2efe9';
export const ROAD = { main: { casing: '#c9c2b6', fill: '#ffffff', width: 7 }, minor: { casing: '#d6d0c6', fill: '#fbfaf7', width: 4 } } as const;
const BUILDING = { fill: '#ddd5cb', stroke: '#bfb3a5' };
const GRID = { stroke: '#5b7db1' };

export const PANES = { shapes: 'wsbShapes', labels: 'wsbLabels' } as const;
const ROAD_LABEL_SPACING_M = 300;
/** Zoom from which building names show (they crowd each other further out). */
export const BUILDING_LABEL_ZOOM = 17;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function label(L: typeof Leaflet, at: Leaflet.LatLngExpression, text: string, kind: 'road' | 'building' | 'grid', angle = 0): Leaflet.Marker {
  const rotate = angle ? ` rotate(${angle.toFixed(1)}deg)` : '';
  return L.marker(at, {
    pane: PANES.labels,
    interactive: false,
    keyboard: false,
    icon: L.divIcon({
      className: 'wsb-label-anchor',
      iconSize: [0, 0],
      html: `<span class="wsb-label wsb-label--${kind}" style="transform: translate(-50%, -50%)${rotate}">${esc(text)}</span>`,
    }),
  });
}

function ensurePanes(map: Leaflet.Map) {
  if (!map.getPane(PANES.shapes)) map.createPane(PANES.shapes).style.zIndex = '350';
  if (!map.getPane(PANES.labels)) {
    const pane = map.createPane(PANES.labels);
    pane.style.zIndex = '450';
    pane.style.pointerEvents = 'none';
  }
}

/** Draw the vector basemap; returns the layer group (remove it to take the basemap away). */
export function drawVectorBasemap(L: typeof Leaflet, map: Leaflet.Map, basemap: Basemap): Leaflet.LayerGroup {
  ensurePanes(map);
  const group = L.layerGroup();
  const shapes = { pane: PANES.shapes, interactive: false } as const;

  for (const f of basemap.grids.features) {
    for (const ring of ringsOf(f.geometry)) {
      group.addLayer(L.polygon(ring.map((p) => [p.lat, p.lng] as [number, number]), { ...shapes, color: GRID.stroke, weight: 1.5, dashArray: '6 4', fill: false }));
    }
  }

  for (const f of basemap.buildings.features) {
    if (f.geometry.type === 'Point') {
      const [lng, lat] = f.geometry.coordinates as [number, number];
      group.addLayer(L.circleMarker([lat, lng], { ...shapes, radius: 4, color: BUILDING.stroke, weight: 1, fillColor: BUILDING.fill, fillOpacity: 1 }));
    } else {
      for (const ring of ringsOf(f.geometry)) {
        group.addLayer(L.polygon(ring.map((p) => [p.lat, p.lng] as [number, number]), { ...shapes, color: BUILDING.stroke, weight: 1, fillColor: BUILDING.fill, fillOpacity: 1 }));
      }
    }
  }

  // casings first, then fills on top: crossings read as joined streets
  const roads = basemap.roads.features.map((f) => ({ f, lines: linesOf(f.geometry), style: ROAD[f.properties.kind] ?? ROAD.minor }));
  for (const pass of ['casing', 'fill'] as const) {
    for (const { lines, style } of roads) {
      for (const line of lines) {
        group.addLayer(
          L.polyline(line.map((p) => [p.lat, p.lng] as [number, number]), {
            ...shapes,
            color: pass === 'casing' ? style.casing : style.fill,
            weight: pass === 'casing' ? style.width + 3 : style.width,
            lineCap: 'round',
            lineJoin: 'round',
          }),
        );
      }
    }
  }

  // a long road is named every ~ROAD_LABEL_SPACING_M, as on a printed map, so its name is in
  // view wherever the map is panned (the short ones once, at their middle)
  for (const { f, lines } of roads) {
    if (!f.properties.name) continue;
    const line = longestLine(lines);
    const count = Math.max(1, Math.floor(lineMeters(line) / ROAD_LABEL_SPACING_M));
    for (let k = 0; k < count; k++) {
      const spot = alongLine(line, (k + 0.5) / count);
      if (spot) group.addLayer(label(L, [spot.at.lat, spot.at.lng], f.properties.name, 'road', spot.angle));
    }
  }
  for (const f of basemap.buildings.features) {
    const at = labelPoint(f.geometry);
    // "深南花园 3栋" → "3栋": neighbours share the estate, the number is what tells them apart
    const name = f.properties.name?.split(/\s+/).pop();
    if (at && name) group.addLayer(label(L, [at.lat, at.lng], name, 'building'));
  }
  for (const f of basemap.grids.features) {
    const at = labelPoint(f.geometry);
    if (at && f.properties.name) group.addLayer(label(L, [at.lat, at.lng], f.properties.name, 'grid'));
  }

  group.addTo(map);
  return group;
}

/** Building names only when zoomed in: a class on the container that app.css reads. */
export function trackLabelZoom(map: Leaflet.Map) {
  const update = () => map.getContainer().classList.toggle('wsb-map--near', map.getZoom() >= BUILDING_LABEL_ZOOM);
  map.on('zoomend', update);
  update();
}

/** The tile layer of a deployment that has one (the vector layers are drawn on top). */
export function tileLayer(L: typeof Leaflet, tiles: NonNullable<Basemap['tiles']>): Leaflet.TileLayer {
  return L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19, ...(tiles.subdomains ? { subdomains: tiles.subdomains } : {}) });
}
