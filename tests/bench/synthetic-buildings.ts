/**
 * Buildings for the routing bench: `count` rectangular footprints (20–40 m × 12–20 m) at seeded
 * random points inside the grids of a synthetic city, in the register's own form, so the
 * building index is measured on a register the size of a large city's.
 */
import type { GridIndex } from '../../functions/src/geo/spatial-index.ts';
import type { Building } from '../../functions/src/geo/places.ts';

const M_PER_DEG = (6371008.8 * Math.PI) / 180;

export function syntheticBuildings(index: GridIndex, bounds: { minLat: number; minLng: number; maxLat: number; maxLng: number }, count: number, seed: number): Building[] {
  let s = seed % 2147483647 || 1;
  const rnd = (): number => (s = (s * 48271) % 2147483647) / 2147483647;
  const out: Building[] = [];
  while (out.length < count) {
    const lng = bounds.minLng + rnd() * (bounds.maxLng - bounds.minLng);
    const lat = bounds.minLat + rnd() * (bounds.maxLat - bounds.minLat);
    const gridId = index.locate({ lat, lng });
    if (gridId === null) continue;
    const kx = M_PER_DEG * Math.cos((lat * Math.PI) / 180);
    const w = (20 + rnd() * 20) / kx / 2;
    const h = (12 + rnd() * 8) / M_PER_DEG / 2;
    const n = out.length;
    out.push({
      id: `bd-${n}`,
      estate: `小区${Math.floor(n / 12)}`,
      number: String((n % 12) + 1),
      name: `小区${Math.floor(n / 12)} ${(n % 12) + 1}栋`,
      address: '',
      label: '',
      units: 2,
      floors: 18,
      gridId,
      communityId: gridId,
      point: { lat, lng },
      footprint: { type: 'Polygon', coordinates: [[[lng - w, lat - h], [lng + w, lat - h], [lng + w, lat + h], [lng - w, lat + h], [lng - w, lat - h]]] },
      initials: '',
    });
  }
  return out;
}
