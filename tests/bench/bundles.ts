/**
 * `npm run bench:bundles`: every Lambda bundle, built with THE esbuild options infra deploys
 * (infra/src/bundling.ts), measured for
 * - size: the minified ESM bundle (the budget is 500 KB per function, issue 8);
 * - cold import: `await import()` of the bundle in a fresh `node` process (median of RUNS), which
 *   is what a Lambda cold start pays before the first request, minus the runtime's own start;
 * - what dominates it (esbuild metafile, by package), and modules it bundles but cannot use
 *   (another group's handlers, an S3 client without bucket access, the local stack).
 * Baselines in the same run: each entry bundled without minification or tree shaking, and one
 * "monolith" bundle of every entry (what a single function for the whole API would load).
 * Last line: one JSON object.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { accessOf } from '../../infra/src/access.ts';
import { esbuildOptions, type LambdaEsbuildOptions } from '../../infra/src/bundling.ts';
import { functionSpecs, REPO_ROOT, type FunctionSpec } from '../../infra/src/catalog.ts';

const RUNS = Number(process.env.RUNS ?? 5);
const BUDGET_KB = 500;
// inside the repo, so external native modules (sharp) resolve from node_modules like in the asset
const OUT = join(REPO_ROOT, 'node_modules', '.cache', 'weishibao-bench-bundles');

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

interface Built {
  file: string;
  bytes: number;
  metafile: Metafile;
}

async function bundle(o: LambdaEsbuildOptions, entry: string, dir: string, variant: 'deployed' | 'baseline'): Promise<Built> {
  const file = join(OUT, dir, 'index.mjs');
  mkdirSync(dirname(file), { recursive: true });
  const result = await build({
    ...o,
    ...(variant === 'baseline' ? { minify: false, treeShaking: false, sourcemap: false } : {}),
    entryPoints: [entry],
    outfile: file,
    absWorkingDir: REPO_ROOT,
    metafile: true,
    logLevel: 'silent',
  });
  return { file, bytes: statSync(file).size, metafile: result.metafile };
}

/** Milliseconds from `import()` to resolved, in a fresh process (median of RUNS). */
function coldImportMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    AWS_REGION: 'cn-north-1',
    TABLE_NAME: 'bench',
    PHOTO_BUCKET: 'bench',
    // config.ts refuses to load without one (see the note in README "Deploy to AWS")
    TOKEN_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789',
    LOG_LEVEL: 'WARN',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', cwd: dirname(file) });
    times.push(Number(out));
  }
  return Math.round(median(times) * 10) / 10;
}

/** node_modules/@aws-sdk/client-s3/dist-es/x.js -> @aws-sdk/client-s3; functions/src/store/x.ts -> functions/store */
function owner(input: string): string {
  const nm = input.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = input.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const m = /^(functions\/(?:src|local)\/[^/]+)/.exec(input);
  return m ? m[1]!.replace('/src/', '/') : input;
}

function composition(b: Built): { byOwner: [string, number][]; inputs: string[] } {
  const output = Object.values(b.metafile.outputs).find((o) => o.entryPoint);
  const byOwner = new Map<string, number>();
  const inputs: string[] = [];
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    if (bytesInOutput === 0) continue;
    inputs.push(input);
    byOwner.set(owner(input), (byOwner.get(owner(input)) ?? 0) + bytesInOutput);
  }
  return { byOwner: [...byOwner].sort((a, b) => b[1] - a[1]), inputs };
}

/** Modules a function bundles but, by its role or its routes, can never use. */
function unusedModules(spec: FunctionSpec, inputs: string[]): string[] {
  const out = new Set<string>();
  const access = accessOf(spec);
  for (const input of inputs) {
    const handler = /functions\/src\/http\/handlers\/(\w+)\.ts$/.exec(input);
    if (handler && (spec.kind !== 'api' || handler[1] !== spec.name.replace(/^api-/, ''))) out.add(`handlers/${handler[1]}.ts`);
    if (input.startsWith('functions/local/')) out.add(relative('functions', input));
    if (access.bucket.length === 0 && input.includes('node_modules/@aws-sdk/client-s3/')) out.add('@aws-sdk/client-s3 (role has no bucket access)');
    if (input.includes('node_modules/@aws-sdk/s3-presigned-post/') && spec.name !== 'api-uploads') out.add('@aws-sdk/s3-presigned-post');
    if (input.includes('node_modules/@asteasolutions/zod-to-openapi/') && spec.name !== 'api-system') out.add('@asteasolutions/zod-to-openapi');
  }
  return [...out].sort();
}

async function main() {
  rmSync(OUT, { recursive: true, force: true });
  const specs = functionSpecs();
  const functions: Record<string, unknown> = {};
  const rows: string[][] = [];
  for (const spec of specs) {
    const deployed = await bundle(esbuildOptions(spec.name), spec.entry, spec.name, 'deployed');
    const baseline = await bundle(esbuildOptions(spec.name), spec.entry, `${spec.name}.baseline`, 'baseline');
    const { byOwner, inputs } = composition(deployed);
    const importMs = coldImportMs(deployed.file);
    const baselineImportMs = coldImportMs(baseline.file);
    const unused = unusedModules(spec, inputs);
    const top = byOwner.slice(0, 5).map(([o, bytes]) => [o, kb(bytes)] as [string, number]);
    functions[spec.name] = {
      kb: kb(deployed.bytes),
      baselineKB: kb(baseline.bytes),
      sizeRatioVsBaseline: Math.round((deployed.bytes / baseline.bytes) * 1000) / 1000,
      importMs,
      baselineImportMs,
      external: esbuildOptions(spec.name).external,
      top,
      unused,
    };
    rows.push([
      spec.name,
      kb(deployed.bytes).toFixed(1),
      kb(baseline.bytes).toFixed(1),
      importMs.toFixed(1),
      baselineImportMs.toFixed(1),
      deployed.bytes / 1024 > BUDGET_KB ? 'OVER' : 'ok',
      top.slice(0, 3).map(([o, k]) => `${o} ${k}`).join(', '),
    ]);
  }

  // baseline 2: one function for everything (every entry in one bundle)
  const monolithEntry = join(OUT, 'monolith-entry.ts');
  mkdirSync(OUT, { recursive: true });
  writeFileSync(monolithEntry, specs.map((s, i) => `export { handler as h${i} } from ${JSON.stringify(s.entry)};`).join('\n') + '\n');
  // native modules stay external, as in the functions that use them
  const external = [...new Set(specs.flatMap((s) => esbuildOptions(s.name).external))];
  const monolith = await bundle({ ...esbuildOptions('monolith'), external }, monolithEntry, 'monolith', 'deployed');
  const monolithImportMs = coldImportMs(monolith.file);

  const header = ['function', 'KB', 'base KB', 'import ms', 'base ms', '≤500 KB', 'largest parts (KB)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log(`monolith (all ${specs.length} entries): ${kb(monolith.bytes)} KB, import ${monolithImportMs} ms`);
  for (const [name, f] of Object.entries(functions) as [string, { unused: string[] }][]) {
    if (f.unused.length) console.log(`${name} bundles modules it cannot use: ${f.unused.join(', ')}`);
  }

  const sizes = Object.values(functions).map((f) => (f as { kb: number }).kb);
  const imports = Object.values(functions).map((f) => (f as { importMs: number }).importMs);
  const over = Object.entries(functions).filter(([, f]) => (f as { kb: number }).kb > BUDGET_KB).map(([n]) => n);
  console.log(
    JSON.stringify({
      bench: 'bundles',
      node: process.version,
      runs: RUNS,
      budgetKB: BUDGET_KB,
      functions,
      maxKB: Math.max(...sizes),
      medianKB: median(sizes),
      overBudget: over,
      maxImportMs: Math.max(...imports),
      medianImportMs: median(imports),
      monolith: { kb: kb(monolith.bytes), importMs: monolithImportMs },
      medianImportRatioVsMonolith: Math.round((median(imports) / monolithImportMs) * 1000) / 1000,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
