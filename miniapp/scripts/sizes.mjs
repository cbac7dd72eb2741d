#!/usr/bin/env node
/* global process, console */
/**
 * Prints what the build weighs against the budgets (issue 7) and fails when over:
 *   h5     first load <= 300 KB of gzipped JS: the scripts index.html loads plus the chunks the
 *          first route (pages/index/index) pulls in before it renders
 *   weapp  main package <= 1 MB (WeChat's own limit is 2 MB); sub-packages listed separately
 * Usage: node scripts/sizes.mjs h5|weapp
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = process.argv[2] ?? 'h5';
const KB = 1024;
const kb = (n) => `${(n / KB).toFixed(1)} KB`;
const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

if (target === 'h5') {
  const dir = join(root, 'dist/h5');
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const entry = [...html.matchAll(/<script[^>]+src="\/?([^"]+\.js)"/g)].map((m) => m[1]);
  const all = walk(join(dir, 'js')).filter((f) => f.endsWith('.js'));
  // chunks of the first screens: the home route, and the login route a new visitor lands on
  // (webpack's `__webpack_require__.e(<id>)` calls inside each route's `load`)
  const idOf = new Map(all.map((f) => [/\/(?:[\w-]+\/)*?([\w-]+)\.[0-9a-f]{8}\.js$/.exec(f)?.[1], f]));
  const app = readFileSync(join(dir, entry.find((e) => e.includes('app')) ?? entry[entry.length - 1]), 'utf8');
  const routeChunks = ['pages/index/index', 'pages/login/index'].flatMap((route) => {
    const at = app.indexOf(`"path":"${route}"`);
    const load = at >= 0 ? app.slice(at, app.indexOf('}', at)) : '';
    return [...load.matchAll(/\.e\((?:"|')?([\w/-]+)(?:"|')?\)/g)].map((m) => idOf.get(m[1])).filter(Boolean);
  });
  const first = [...new Set([...entry.map((e) => join(dir, e)), ...routeChunks])];
  let total = 0;
  console.log('\nh5 first load (gzipped JS: index.html scripts + home and login routes):');
  for (const f of first) {
    const size = gz(f);
    total += size;
    console.log(`  ${relative(dir, f).padEnd(40)} ${kb(size).padStart(10)}`);
  }
  const rest = all.filter((f) => !first.includes(f)).reduce((s, f) => s + gz(f), 0);
  const budget = 300 * KB;
  console.log(`  ${'total'.padEnd(40)} ${kb(total).padStart(10)}  (budget ${kb(budget)})`);
  console.log(`  loaded later on demand (other pages, leaflet): ${kb(rest)} gzipped`);
  if (!routeChunks.length) console.log("  note: could not find the first routes' chunks in app.js; counted index.html scripts only");
  if (total > budget) {
    console.error(`h5 first load ${kb(total)} is over the ${kb(budget)} budget`);
    process.exit(1);
  }
} else if (target === 'weapp') {
  const dir = join(root, 'dist/weapp');
  if (!existsSync(join(dir, 'app.json'))) throw new Error('dist/weapp/app.json missing: build first');
  const app = JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8'));
  const subRoots = (app.subPackages ?? app.subpackages ?? []).map((s) => s.root.replace(/\/$/, ''));
  const files = walk(dir).filter((f) => !f.endsWith('.LICENSE.txt') && !f.endsWith('.map') && !f.endsWith('project.config.json'));
  const sizeOf = (list) => list.reduce((s, f) => s + statSync(f).size, 0);
  const inSub = (f, r) => relative(dir, f).startsWith(`${r}/`);
  const main = files.filter((f) => !subRoots.some((r) => inSub(f, r)));
  const budget = 1024 * KB;
  console.log('\nweapp package sizes (uncompressed, as WeChat counts them):');
  console.log(`  main package          ${kb(sizeOf(main)).padStart(10)}  (budget ${kb(budget)}; WeChat limit 2048 KB)`);
  for (const r of subRoots) console.log(`  sub-package ${r.padEnd(10)}${kb(sizeOf(files.filter((f) => inSub(f, r)))).padStart(10)}`);
  if (sizeOf(main) > budget) {
    console.error(`weapp main package ${kb(sizeOf(main))} is over the ${kb(budget)} budget`);
    process.exit(1);
  }
}
