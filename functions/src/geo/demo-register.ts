/**
 * The demo city's address register as the system holds it: the demo buildings and roads
 * (demo-places.ts) read through the same import checks a city's own files go through, so the
 * seeded register is one an admin could have imported.
 */
import { demoCity } from '#geo/demo-city';
import { demoBuildings, demoRoads } from '#geo/demo-places';
import { parseAreaImport, toAreaImport } from '#geo/import';
import type { PlaceSet } from '#geo/places';

let cached: string | null = null;

/** The demo register (a fresh copy each call). Throws if the demo data fails the import checks. */
export function demoPlaces(): PlaceSet {
  if (cached === null) {
    const doc = toAreaImport(demoCity());
    const { places, problems } = parseAreaImport({ ...doc, features: [...doc.features, ...demoBuildings(), ...demoRoads()] });
    if (problems.length > 0) throw new Error(`demo register: ${problems.length} problem(s), first: ${problems[0]!.code} ${problems[0]!.message}`);
    cached = JSON.stringify(places);
  }
  return JSON.parse(cached) as PlaceSet;
}
