/**
 * Seeds the demo city and its people once (a second start finds them and does nothing). Data
 * kept from an older layout of the local stack (areas version without its files) is re-seeded.
 */
import { demoCity } from '#geo/demo-city';
import { currentVersion, loadSnapshot, saveSnapshot } from '#store/areas';
import { buildGridIndex, serializeIndex } from '#geo/spatial-index';
import { createUserIfAbsent } from '#store/users';
import { demoUsers } from '#local/seed';

async function areasUsable(): Promise<boolean> {
  const version = await currentVersion();
  if (!version) return false;
  try {
    await loadSnapshot(version);
    return true;
  } catch {
    return false;
  }
}

export async function seedIfEmpty(): Promise<{ seeded: boolean }> {
  if (await areasUsable()) return { seeded: false };
  for (const u of demoUsers()) await createUserIfAbsent(u);
  // The pointer goes last: its presence means "seed complete".
  const city = demoCity();
  await saveSnapshot(city, serializeIndex(buildGridIndex(city.areas.filter((a) => a.level === 'grid'))), 'seed');
  return { seeded: true };
}
