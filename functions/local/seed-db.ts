/**
 * Seeds the demo city and its people once (a second start finds them and does nothing). Data
 * kept from an older layout of the local stack (areas version without its files, or the demo
 * city without its address register) is re-seeded.
 */
import { demoCity, DEMO_CITY_VERSION } from '#geo/demo-city';
import { demoPlaces } from '#geo/demo-register';
import { currentVersion, loadPlaces, loadSnapshot, saveSnapshot } from '#store/areas';
import { buildGridIndex, serializeIndex } from '#geo/spatial-index';
import { createUserIfAbsent } from '#store/users';
import { demoUsers, demoVolunteers } from '#local/seed';
import { volunteerPut } from '#store/responders';
import { transact, ConditionFailed } from '#store/tx';

async function areasUsable(): Promise<boolean> {
  const version = await currentVersion();
  if (!version) return false;
  try {
    await loadSnapshot(version);
    // the demo city seeded before it had its address register gets the register
    return version !== DEMO_CITY_VERSION || (await loadPlaces(version)).buildings.length > 0;
  } catch {
    return false;
  }
}

export async function seedIfEmpty(): Promise<{ seeded: boolean }> {
  if (await areasUsable()) return { seeded: false };
  for (const u of demoUsers()) await createUserIfAbsent(u);
  for (const v of demoVolunteers()) {
    try {
      await transact([volunteerPut(v, null)]);
    } catch (e) {
      if (!(e instanceof ConditionFailed)) throw e; // seeded before
    }
  }
  // The pointer goes last: its presence means "seed complete".
  const city = demoCity();
  await saveSnapshot({ snapshot: city, index: serializeIndex(buildGridIndex(city.areas.filter((a) => a.level === 'grid'))), places: demoPlaces() }, 'seed');
  return { seeded: true };
}
