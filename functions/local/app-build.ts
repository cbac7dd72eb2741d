/**
 * Builds of the mini-program, made only when needed: a target is rebuilt only when its output is
 * missing or older than what it is built from (the app's sources and config, its package.json,
 * and the backend modules it compiles in — miniapp/config's `sharedBackend`: functions/src/domain
 * and functions/src/geo). `npm start` builds the h5 app this way before serving it at `/`;
 * `npm test` builds both before vitest (so the builds do not compete with the integration tests
 * for the CPU), and the projects that read them run tests/e2e/build-h5.ts / build-weapp.ts again
 * as global setups, which then find the builds fresh and return at once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Target = 'h5' | 'weapp';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** who is building, for the progress lines (`tests`, `npm start`) */
let who = 'tests';
export const buildFor = (name: string) => void (who = name);
const miniapp = join(root, 'miniapp');
export const distOf = (target: Target) => join(miniapp, 'dist', target);
/** the file a finished build writes (its time is the build's) */
const builtFile = (target: Target) => join(distOf(target), target === 'h5' ? 'index.html' : 'app.json');
const INPUTS = [join(miniapp, 'src'), join(miniapp, 'config'), join(miniapp, 'babel.config.cjs'), join(miniapp, 'package.json'), join(root, 'functions/src/domain'), join(root, 'functions/src/geo')];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, name) => (name.endsWith('.test.tsx') || name.endsWith('.test.ts') ? m : Math.max(m, newest(join(path, name)))), 0);
}

export function isFresh(target: Target): boolean {
  const built = builtFile(target);
  if (!existsSync(built)) return false;
  const at = statSync(built).mtimeMs;
  return INPUTS.every((p) => newest(p) <= at);
}

/** Builds the target unless its build is fresh; returns the seconds spent (0 when it was fresh). */
export function ensureBuild(target: Target): number {
  if (isFresh(target)) return 0;
  const t0 = Date.now();
  console.log(`${who}: building the ${target} app once (miniapp/dist/${target} is missing or older than its sources; ~20–60 s)…`);
  const r = spawnSync('npm', ['run', `build:${target}`, '--silent', '-w', 'miniapp'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
  const secs = (Date.now() - t0) / 1000;
  // the build's own progress output is noise here; its size report (the last lines) is not
  const out = r.stdout ?? '';
  const marker = target === 'h5' ? '\nh5 first load' : '\nweapp package sizes';
  const sizes = out.includes(marker) ? out.slice(out.indexOf(marker)) : '';
  if (r.status !== 0 || !existsSync(builtFile(target))) {
    throw new Error(`${target} build failed (exit ${r.status}) after ${secs.toFixed(0)} s:\n${out.slice(-3000)}\n${(r.stderr ?? '').slice(-3000)}`);
  }
  console.log(`${who}: ${target} built in ${secs.toFixed(0)} s${sizes}`);
  return secs;
}

/** For the thin scripts: build if stale when run directly, and say what happened. */
export function runIfMain(target: Target, metaUrl: string) {
  if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(metaUrl)) {
    if (!ensureBuild(target)) console.log(`${who}: ${target} build is fresh (miniapp/dist/${target})`);
  }
}
