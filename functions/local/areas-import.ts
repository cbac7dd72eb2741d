/**
 * `npm run areas:import -- file.geojson [--url http://127.0.0.1:3000]`: checks a city's grids
 * and beats here first (every problem, with its feature index), then sends them to the running
 * system's PUT /v1/admin/areas — on the local stack as the seeded admin, elsewhere with the
 * admin token in WSB_TOKEN.
 */
import { readFile } from 'node:fs/promises';
import { parseAreaImport } from '#geo/import';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const urlFlag = args.indexOf('--url');
const base = (urlFlag >= 0 ? args[urlFlag + 1] : undefined) ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
if (!file) {
  console.error('usage: npm run areas:import -- <file.geojson> [--url http://127.0.0.1:3000]');
  process.exit(2);
}

const text = await readFile(file, 'utf8');
let geojson: unknown;
try {
  geojson = JSON.parse(text);
} catch (e) {
  console.error(`${file} is not JSON: ${(e as Error).message}`);
  process.exit(1);
}
const { snapshot, problems } = parseAreaImport(geojson);
if (problems.length > 0) {
  console.error(`${problems.length} problem(s); nothing was imported:`);
  for (const p of problems) console.error(`  feature ${p.featureIndex ?? '-'}${p.featureId ? ` (${p.featureId})` : ''}: ${p.code} — ${p.message}`);
  process.exit(1);
}
console.log(`checked: ${snapshot.areas.filter((a) => a.level === 'grid').length} grids, ${snapshot.areas.filter((a) => a.level === 'beat').length} beats, version ${snapshot.version}`);

let token = process.env.WSB_TOKEN;
if (!token) {
  const login = await fetch(`${base}/v1/auth/dev`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'u-admin' }) });
  if (login.status !== 200) {
    console.error(`cannot sign in as the local admin at ${base} (${login.status}); set WSB_TOKEN to an admin token`);
    process.exit(1);
  }
  token = ((await login.json()) as { token: string }).token;
}
const res = await fetch(`${base}/v1/admin/areas`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: text });
const out = await res.text();
if (res.status !== 200) {
  console.error(`import refused (${res.status}): ${out.slice(0, 2000)}`);
  process.exit(1);
}
console.log(`imported: ${out}`);
