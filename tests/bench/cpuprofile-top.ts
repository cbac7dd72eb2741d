/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof` or bench:load's LOAD_PROFILE_DIR): where
 * the samples were, by function (self time and inclusive time: the function or anything it
 * called), by file and by package, and by the nearest project frame (functions/, tests/) on the
 * stack — what in our code the time was spent for, where the stack reaches back that far.
 * `tsx tests/bench/cpuprofile-top.ts <file> [rows] [filter]`: `filter` keeps inclusive rows whose
 * function or url contains it; `callers:<name>` prints instead the commonest stacks leading to
 * the functions named <name>.
 */
import { readFile } from 'node:fs/promises';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsArg, filter] = process.argv.slice(2);
if (!file) throw new Error('usage: cpuprofile-top.ts <file.cpuprofile> [rows] [filter]');
const ROWS = Number(rowsArg ?? 40);
const p = JSON.parse(await readFile(file, 'utf8')) as Profile;

const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const short = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, 'nm:')
    .replace(/^\/work\/main\//, '');
const pkgOf = (url: string) => {
  if (!url) return '(native / vm)';
  if (url.startsWith('node:')) return 'node:core';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  const f = short(url);
  return f.split('/').slice(0, 3).join('/');
};
const keyOf = (n: Node) => {
  const f = n.callFrame;
  const name = f.functionName || '(anonymous)';
  return f.url ? `${name} ${short(f.url)}:${f.lineNumber + 1}` : name;
};

const isOurs = (n: Node) => /\/work\/main\/(functions|tests)\//.test(n.callFrame.url);
const self = new Map<string, number>();
const ours = new Map<string, number>();
const callers = new Map<string, number>();
const callersOf = filter?.startsWith('callers:') ? filter.slice('callers:'.length) : undefined;
const incl = new Map<string, number>();
const files = new Map<string, number>();
const pkgs = new Map<string, number>();
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
let total = 0;
let idle = 0;
for (let i = 0; i < p.samples.length; i++) {
  const dt = (p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0) / 1000; // ms until the next sample
  const leaf = byId.get(p.samples[i]!)!;
  total += dt;
  const name = leaf.callFrame.functionName;
  if (name === '(idle)' || name === '(program)' || name === '(garbage collector)') {
    add(self, name, dt);
    if (name === '(idle)') idle += dt;
    continue;
  }
  add(self, keyOf(leaf), dt);
  add(files, leaf.callFrame.url ? short(leaf.callFrame.url) : '(native)', dt);
  add(pkgs, pkgOf(leaf.callFrame.url), dt);
  const seen = new Set<string>();
  let nearest: string | undefined;
  const chain: string[] = [];
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
    const n = byId.get(id)!;
    const k = keyOf(n);
    if (!nearest && isOurs(n)) nearest = k;
    if (callersOf && (chain.length > 0 || n.callFrame.functionName === callersOf) && chain.length < Number(process.env.DEPTH ?? 8)) chain.push(k);
    if (!seen.has(k)) {
      seen.add(k);
      add(incl, k, dt);
    }
  }
  add(ours, nearest ?? '(no project frame on the stack: async continuation or library work)', dt);
  if (chain.length) add(callers, chain.join('\n             <- '), dt);
}

const busy = total - idle;
const show = (title: string, m: Map<string, number>, rows = ROWS, keep: (k: string) => boolean = () => true) => {
  console.log(`\n== ${title}`);
  for (const [k, v] of [...m].filter(([k]) => keep(k)).sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    console.log(`${v.toFixed(0).padStart(8)} ms ${((v / busy) * 100).toFixed(1).padStart(5)}%  ${k}`);
  }
};
console.log(`${file}: ${(total / 1000).toFixed(1)} s sampled, ${(idle / 1000).toFixed(1)} s idle, ${(busy / 1000).toFixed(1)} s busy (percentages are of busy time)`);
show('self time by package', pkgs, 25);
show('self time by file', files, 30);
if (callersOf) {
  show(`stacks leading to ${callersOf}`, callers, 12);
  process.exit(0);
}
show('self time by function', self);
show('self time by the nearest project frame on the stack', ours);
show(
  'inclusive time by function (project code and chosen libraries)',
  incl,
  ROWS,
  filter ? (k) => k.includes(filter) : (k) => !k.startsWith('(') && !k.includes('node:') && !/nm:(tsx|esbuild)\//.test(k),
);
