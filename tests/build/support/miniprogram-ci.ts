/**
 * miniprogram-ci's project checks on a mini-program folder, offline: `getCompiledResult` — what
 * `upload` compiles before it sends the package — checks app.json (its pages and sub-packages
 * exist, with their files), every page's and component's .json (valid JSON, known fields, the
 * usingComponents exist) and compiles every script, then returns the package as WeChat would
 * receive it.
 *
 * How it is kept offline (checked by the tests: `asked` and `attempts` below):
 * - The project attributes (code-size limits, app type) normally come from WeChat's servers,
 *   signed with the upload key: CIProject.attr() calls the `attr` of the options object passed
 *   to `new ci.Project(...)` when there is one, so `attr: async () => ci.DefaultProjectAttr` (the
 *   package's own defaults) supplies them here, with a placeholder key that nothing reads.
 * - The compile still asks servicewechat.com for the list of file extensions a package may hold
 *   (utils/white_ext_list.js), and falls back to the list built into the package when that
 *   fails. Every request of miniprogram-ci goes through `request` / `simpleRequest` of
 *   dist/utils/request.js, read off that module's exports at each call: both are replaced here
 *   by functions that refuse at once and note the URL (`asked`).
 * - Belt and braces: net-guard.mjs refuses any non-loopback connection, in this process and (via
 *   NODE_OPTIONS) in the compiler process miniprogram-ci forks, and notes it (`attempts`; the
 *   processes it guarded: `guarded`).
 *
 * miniprogram-ci forks that compiler process (dist/modules/corecompiler/summerEntryProcess.js)
 * for each getCompiledResult and never ends it (it keeps the parent alive); it is ended here once
 * the result is in, by the ChildProcess that processService.forkProcess returned.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import type * as MiniprogramCi from 'miniprogram-ci';
import './net-guard.mjs';

const require = createRequire(import.meta.url);

/** the URLs miniprogram-ci asked for (all refused) */
let asked: string[] = [];
const requests = require('miniprogram-ci/dist/utils/request.js') as Record<string, unknown>;
requests.request = (opts: { url?: string }) => {
  asked.push(String(opts.url));
  return Promise.reject(new Error(`offline: ${opts.url} not asked (tests/build/support/miniprogram-ci.ts)`));
};
requests.simpleRequest = (opts: { url?: string }, cb?: (e: Error) => void) => {
  asked.push(String(opts.url));
  cb?.(new Error(`offline: ${opts.url} not asked`));
  return { abort() {} };
};

const children = new Set<ChildProcess>();
const processService = require('miniprogram-ci/dist/utils/subprocess/processService.js') as { forkProcess: (...a: unknown[]) => Promise<ChildProcess> };
const fork = processService.forkProcess;
processService.forkProcess = async (...a) => {
  const child = await fork(...a);
  children.add(child);
  return child;
};

/** Runs fn with console output kept in log (miniprogram-ci prints its progress freely). */
function quietly<T>(log: string[], fn: () => T): T {
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  for (const k of Object.keys(saved) as (keyof typeof saved)[]) console[k] = (...a: unknown[]) => void log.push(a.map(String).join(' '));
  const restore = () => void Object.assign(console, saved);
  try {
    const out = fn();
    if (out instanceof Promise) return out.finally(restore) as T;
    restore();
    return out;
  } catch (e) {
    restore();
    throw e;
  }
}

const ci = quietly([], () => require('miniprogram-ci') as typeof MiniprogramCi);

/**
 * The upload settings checked: the project's own (project.config.json: minified) plus ES6 → ES5,
 * which runs babel over every script and reports a syntax error with the file and a code frame.
 * With the project's settings alone, terser finds the error but miniprogram-ci 2.1.42 then
 * fails in its own error path (minify_script_task.js reads `.error` of terser's null result) and
 * reports "Cannot read properties of null (reading 'error')" — no file; with neither, no check
 * parses the scripts at all.
 */
export const SETTING = { useProjectConfig: true, es6: true };

export interface CiCheck {
  /** the package WeChat would receive (file -> content), when the checks passed */
  files?: Record<string, string | Buffer>;
  /** what miniprogram-ci reported, when they did not */
  error?: { code: unknown; message: string };
  /** URLs miniprogram-ci asked for, refused here (the extension whitelist) */
  asked: string[];
  /** connections tried by this process or the compiler process (none expected) */
  attempts: string[];
  /** the scripts of the processes miniprogram-ci started with the net guard in place */
  guarded: string[];
  /** what miniprogram-ci printed meanwhile (kept off the test output) */
  log: string[];
}

/** Runs miniprogram-ci's getCompiledResult on the mini-program at root (absolute path). */
export async function checkProject(root: string): Promise<CiCheck> {
  const scratch = mkdtempSync(join(tmpdir(), 'wsb-mpci-'));
  const netLog = join(scratch, 'net.log');
  const env = { NODE_OPTIONS: process.env.NODE_OPTIONS, WEAPP_NET_LOG: process.env.WEAPP_NET_LOG };
  const guard = fileURLToPath(new URL('./net-guard.mjs', import.meta.url));
  process.env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --import ${JSON.stringify(guard)}`.trim();
  process.env.WEAPP_NET_LOG = netLog;
  const log: string[] = [];
  asked = [];
  const result: Omit<CiCheck, 'attempts' | 'guarded'> = { asked, log };
  try {
    const options = {
      appid: 'touristappid',
      type: 'miniProgram' as const,
      projectPath: root,
      privateKey: 'placeholder: project attributes come from attr() below, nothing is signed',
      // read by CIProject.attr() instead of asking WeChat's servers (see the top of this file)
      attr: async () => ci.DefaultProjectAttr,
    };
    // version/desc: required by the typings (shared with upload), unused by a compile
    result.files = await quietly(log, () => ci.getCompiledResult({ project: new ci.Project(options), version: '0.0.0', desc: 'build check', setting: SETTING }));
  } catch (e) {
    const err = e as { code?: unknown; message?: string };
    result.error = { code: err.code, message: String(err.message ?? e) };
  } finally {
    for (const child of children) child.kill();
    children.clear();
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
  const [attempts, guarded] = [lines(netLog), lines(`${netLog}.procs`)];
  rmSync(scratch, { recursive: true, force: true });
  return { ...result, attempts, guarded };
}

/** The package's files by where WeChat counts them: the main package or a sub-package root. */
export function packageSizes(files: Record<string, string | Buffer>, subRoots: string[]): Record<string, number> {
  const sizes: Record<string, number> = { main: 0 };
  for (const [file, content] of Object.entries(files)) {
    const root = subRoots.find((r) => file.startsWith(`${r.replace(/\/$/, '')}/`)) ?? 'main';
    sizes[root] = (sizes[root] ?? 0) + Buffer.byteLength(content);
  }
  return sizes;
}
