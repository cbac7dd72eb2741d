/**
 * The h5 build the e2e test drives, made at most once per test run: rebuilt only when
 * miniapp/dist/h5 is missing or older than what it is built from (the app's sources and config,
 * its package.json, and the backend module it compiles in). `npm test` runs this before vitest
 * (so the build does not compete with the integration tests for the CPU); vitest's e2e project
 * runs it again as a global setup, which then finds the build fresh and returns at once.
 *
 *   tsx tests/e2e/build-h5.ts     build if stale, print what happened
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const miniapp = join(root, 'miniapp');
export const H5_DIR = join(miniapp, 'dist', 'h5');
const BUILT = join(H5_DIR, 'index.html');
const INPUTS = [join(miniapp, 'src'), join(miniapp, 'config'), join(miniapp, 'babel.config.cjs'), join(miniapp, 'package.json'), join(root, 'functions/src/geo/datum.ts')];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, name) => (name.endsWith('.test.tsx') || name.endsWith('.test.ts') ? m : Math.max(m, newest(join(path, name)))), 0);
}

export function h5IsFresh(): boolean {
  if (!existsSync(BUILT)) return false;
  const built = statSync(BUILT).mtimeMs;
  return INPUTS.every((p) => newest(p) <= built);
}

/** Builds the h5 app unless the build is fresh; returns the seconds spent (0 when it was fresh). */
export function ensureH5Build(): number {
  if (h5IsFresh()) return 0;
  const t0 = Date.now();
  console.log('e2e: building the h5 app (miniapp/dist/h5 is missing or older than its sources)…');
  const r = spawnSync('npm', ['run', 'build:h5', '--silent', '-w', 'miniapp'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
  const secs = (Date.now() - t0) / 1000;
  // the build's own progress output is noise here; its size report (the last lines) is not
  const sizes = (r.stdout ?? '').slice((r.stdout ?? '').indexOf('\nh5 first load'));
  if (r.status !== 0 || !existsSync(BUILT)) {
    throw new Error(`h5 build failed (exit ${r.status}) after ${secs.toFixed(0)} s:\n${(r.stdout ?? '').slice(-3000)}\n${(r.stderr ?? '').slice(-3000)}`);
  }
  console.log(`e2e: h5 built in ${secs.toFixed(0)} s${sizes.startsWith('\nh5') ? sizes : ''}`);
  return secs;
}

/** vitest global setup (project e2e) */
export function setup() {
  ensureH5Build();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const secs = ensureH5Build();
  if (!secs) console.log('e2e: h5 build is fresh (miniapp/dist/h5)');
}
