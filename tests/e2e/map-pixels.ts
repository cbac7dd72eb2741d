/**
 * Reading a leaflet map's pixels in a test: centre the map on a point of a road (GCJ-02, as the
 * basemap serves it), take a picture of the map alone, and compare what is on the road with what
 * is beside it. Used by the report map and the dashboard tests ("labelled streets offline").
 */
import sharp from 'sharp';
import type { Locator } from 'playwright-core';

export interface RoadPixels {
  /** colour distance (sum of |ΔRGB|) between each pixel on the road and the one 12 px off it */
  contrasts: number[];
  /** the pixels on the road */
  onRoad: number[][];
  land: string;
}

/** A point a quarter along the middle segment of a basemap road: on the road, clear of its label. */
export function pointOnRoad(road: { geometry: { type: string; coordinates: any } }): { lat: number; lng: number } {
  const line: number[][] = road.geometry.type === 'LineString' ? road.geometry.coordinates : road.geometry.coordinates[0];
  const i = Math.floor((line.length - 1) / 2);
  const [a, b] = [line[i]!, line[i + 1]!];
  return { lat: a[1]! + (b[1]! - a[1]!) * 0.25, lng: a[0]! + (b[0]! - a[0]!) * 0.25 };
}

export async function roadPixels(container: Locator, at: { lat: number; lng: number }, zoom = 17, scale = 2): Promise<RoadPixels> {
  const where = await container.evaluate(
    (el: any, { pt, z }) => {
      const map = el.__wsbMap;
      map.setView([pt.lat, pt.lng], z, { animate: false });
      const xy = map.latLngToContainerPoint([pt.lat, pt.lng]);
      // the road's direction on screen: a point a little further along it
      const ahead = map.latLngToContainerPoint([pt.lat + 1e-5, pt.lng + 1e-5]);
      return { x: xy.x, y: xy.y, ax: ahead.x - xy.x, ay: ahead.y - xy.y, land: (globalThis as any).getComputedStyle(el).backgroundColor as string };
    },
    { pt: at, z: zoom },
  );
  await container.page().waitForTimeout(300); // let the vector layers redraw at the new view
  const { data, info } = await sharp(await container.screenshot()).raw().toBuffer({ resolveWithObject: true });
  const pixel = (x: number, y: number) => {
    const o = (Math.round(y * scale) * info.width + Math.round(x * scale)) * info.channels;
    return [data[o]!, data[o + 1]!, data[o + 2]!];
  };
  const diff = (p: number[], q: number[]) => Math.abs(p[0]! - q[0]!) + Math.abs(p[1]! - q[1]!) + Math.abs(p[2]! - q[2]!);
  const onRoad = [-2, 0, 2].flatMap((dx) => [-2, 0, 2].map((dy) => pixel(where.x + dx, where.y + dy)));
  // 12 px off the road on either side (perpendicular to a diagonal guess is enough: roads here are ≤ 10 px wide)
  const off = [pixel(where.x + 12, where.y + 12), pixel(where.x - 12, where.y - 12), pixel(where.x + 12, where.y - 12), pixel(where.x - 12, where.y + 12)];
  const beside = off.reduce((best, p) => (diff(p, onRoad[4]!) > diff(best, onRoad[4]!) ? p : best));
  return { contrasts: onRoad.map((p) => diff(p, beside)), onRoad, land: where.land };
}
