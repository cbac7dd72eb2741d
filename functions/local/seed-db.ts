/** Seeds the demo city and its people once (a second start finds them and does nothing). */
import { demoCity } from '#geo/demo-city';
import { currentVersion, saveSnapshot } from '#store/areas';
import { buildGridIndex, serializeIndex } from '#geo/spatial-index';
import { createUserIfAbsent } from '#store/users';
import { demoUsers } from '#local/seed';

export async function seedIfEmpty(): Promise<{ seeded: boolean }> {
  if (await currentVersion()) return { seeded: false };
  for (const u of demoUsers()) await createUserIfAbsent(u);
  // The pointer goes last: its presence means "seed complete".
  const city = demoCity();
  await saveSnapshot(city, serializeIndex(buildGridIndex(city.areas.filter((a) => a.level === 'grid'))), 'seed');
  return { seeded: true };
}
