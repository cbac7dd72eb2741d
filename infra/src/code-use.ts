/**
 * What each function's code reads of the values the deployment provides, derived from its
 * bundle — so which function gets which secret is never a list kept by hand next to the code.
 *
 * Secrets: each entry is bundled by esbuild (tree shaking, as in the deployed bundle) with
 * `#secrets` (functions/src/secrets.ts) swapped for a stand-in whose every export sits in a
 * module of its own. A stand-in module has bytes in the output exactly when live code uses
 * that export; the function is granted the secrets those exports read (SECRET_OF) and no other.
 * secrets.ts gaining an export that SECRET_OF does not classify fails synth, and so does any
 * module importing secrets.ts by a path other than `#secrets` (the swap would not see it).
 *
 * Template ids: the same build tells whether the function's live code includes
 * notify/templates.ts (templateId reads WECHAT_TEMPLATE_* from the environment). They are
 * not secret, so the module, not the export, decides. So for the push queue: a function whose
 * live code includes notify/push-queue.ts (the sender) may send to it and is given its URL.
 *
 * Runs the local esbuild synchronously (synth is synchronous and offline), about 0.1 s per entry,
 * once per entry per process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildSync, type Metafile } from 'esbuild';
import { REPO_ROOT } from './catalog.ts';

export type SecretName = 'token' | 'wechat';

/**
 * Which deployed secret each export of functions/src/secrets.ts reads (null: none by itself).
 * loadSecrets fetches whichever ARNs the function was given and nothing else.
 */
export const SECRET_OF: Readonly<Record<string, SecretName | null>> = {
  loadSecrets: null,
  tokenSecret: 'token',
  wechatCredentials: 'wechat',
  wechatPushToken: 'wechat',
  wechatEncodingAESKey: 'wechat',
};

export const SECRETS_MODULE = 'functions/src/secrets.ts';
export const SECRETS_SPECIFIER = '#secrets';
const TEMPLATES_MODULE = 'functions/src/notify/templates.ts';
const PUSH_QUEUE_MODULE = 'functions/src/notify/push-queue.ts';
const WEBHOOK_QUEUE_MODULE = 'functions/src/notify/webhook-queue.ts';
const BASEMAP_MODULE = 'functions/src/flows/basemap.ts';

export interface CodeUse {
  /** exports of secrets.ts that live code of the bundle uses, sorted */
  secretExports: string[];
  /** the secrets those exports read */
  secrets: ReadonlySet<SecretName>;
  /** the bundle's live code includes notify/templates.ts */
  templates: boolean;
  /** the bundle's live code includes notify/push-queue.ts (sends to the push queue) */
  pushQueue: boolean;
  /** the bundle's live code includes notify/webhook-queue.ts (sends to the webhook queue) */
  webhookQueue: boolean;
  /** the bundle's live code includes flows/basemap.ts (serves the map's tile configuration) */
  basemap: boolean;
}

const cache = new Map<string, CodeUse>();
let standIn: { dir: string; index: string } | null = null;

/** The runtime exports of a module, as esbuild sees them. */
export function exportsOf(file: string): string[] {
  const out = buildSync({ entryPoints: [file], absWorkingDir: REPO_ROOT, bundle: false, write: false, metafile: true, format: 'esm', platform: 'node', outfile: 'out.mjs', logLevel: 'silent' });
  return [...Object.values(out.metafile.outputs).find((o) => o.entryPoint)!.exports].sort();
}

function secretsStandIn(): { dir: string; index: string } {
  if (standIn) return standIn;
  const names = exportsOf(join(REPO_ROOT, SECRETS_MODULE));
  const unknown = names.filter((n) => !(n in SECRET_OF));
  if (unknown.length) {
    throw new Error(
      `infra: ${SECRETS_MODULE} exports ${unknown.join(', ')}, which infra/src/code-use.ts SECRET_OF does not classify. ` +
        'Say which secret each reads (or null), so functions using it get exactly that grant.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'wsb-secret-use-'));
  for (const n of names) writeFileSync(join(dir, `${n}.js`), `export function ${n}() { return ${JSON.stringify(n)}; }\n`);
  const index = join(dir, 'index.js');
  writeFileSync(index, names.map((n) => `export { ${n} } from './${n}.js';\n`).join(''));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  standIn = { dir, index };
  return standIn;
}

/** What the code of one entry file uses (see the top of this file). */
export function codeUseOf(entry: string): CodeUse {
  const hit = cache.get(entry);
  if (hit) return hit;
  const { dir, index } = secretsStandIn();
  const result = buildSync({
    entryPoints: [entry],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    // packages do not decide what of our own code is live; leaving them out keeps this fast
    packages: 'external',
    alias: { [SECRETS_SPECIFIER]: index },
    outfile: 'out.mjs',
    logLevel: 'silent',
  });
  const meta: Metafile = result.metafile;
  const output = Object.values(meta.outputs).find((o) => o.entryPoint)!;
  if (SECRETS_MODULE in meta.inputs) {
    const importers = Object.entries(meta.inputs)
      .filter(([, v]) => v.imports.some((i) => i.path === SECRETS_MODULE))
      .map(([k]) => k);
    throw new Error(`infra: ${importers.join(', ')} import ${SECRETS_MODULE} by path; import it as '${SECRETS_SPECIFIER}' (infra derives secret grants from those imports)`);
  }
  const standInDir = relative(REPO_ROOT, dir);
  const secretExports = Object.entries(output.inputs)
    .filter(([path, v]) => path.startsWith(standInDir) && v.bytesInOutput > 0 && !path.endsWith('/index.js'))
    .map(([path]) => path.slice(standInDir.length + 1, -'.js'.length))
    .sort();
  const secrets = new Set<SecretName>();
  for (const e of secretExports) {
    const s = SECRET_OF[e];
    if (s) secrets.add(s);
  }
  const live = (m: string) => (output.inputs[m]?.bytesInOutput ?? 0) > 0;
  const use: CodeUse = { secretExports, secrets, templates: live(TEMPLATES_MODULE), pushQueue: live(PUSH_QUEUE_MODULE), webhookQueue: live(WEBHOOK_QUEUE_MODULE), basemap: live(BASEMAP_MODULE) };
  cache.set(entry, use);
  return use;
}
