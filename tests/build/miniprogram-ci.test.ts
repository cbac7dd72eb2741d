/**
 * The weapp build passes miniprogram-ci's project checks (getCompiledResult: what an upload
 * compiles before sending) offline — app.json's pages and sub-packages exist with their files,
 * every .json is valid and names components that exist, every script compiles — and the same
 * checks fail, naming the file, on a copy of the build with one thing broken. The package it
 * would upload keeps the main package within the 1 MB budget (WeChat's limit: 2 MB).
 *
 * miniprogram-ci does not compile WXML or WXSS here (WeChat's servers do, after upload): those
 * are wechat-compilers.test.ts's, with wcc and wcsc.
 *
 * The build comes from the project's global setup (tests/e2e/build-weapp.ts), made only when
 * missing or older than its sources. Each check takes a few seconds (the real build: ~10 s,
 * babel over every script); they run one after another (miniprogram-ci keeps global caches).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CiCheck, checkProject, packageSizes } from './support/miniprogram-ci.ts';
import { WEAPP_DIR, copyBuild, editFile, filesOf, removeCopy } from './support/weapp-copy.ts';

const copies: string[] = [];
afterAll(() => copies.forEach(removeCopy));

/** miniprogram-ci's checks on a copy of the build with one change made */
async function checkBroken(change: (dir: string) => void): Promise<CiCheck> {
  const dir = copyBuild('ci');
  copies.push(dir);
  change(dir);
  return checkProject(dir);
}

/** the only request miniprogram-ci makes while compiling (refused; it then uses its built-in list) */
const WHITELIST = 'https://servicewechat.com/wxa/ci/getwhiteextlist';

describe('the weapp build with miniprogram-ci', { timeout: 60_000 }, () => {
  let real: CiCheck;
  beforeAll(async () => {
    real = await checkProject(WEAPP_DIR);
  }, 60_000);

  it('passes the project checks, offline', () => {
    expect(real.error).toBeUndefined();
    expect(real.attempts).toEqual([]);
    expect(real.guarded.some((script) => script.endsWith('summerEntryProcess.js')), 'the compiler process ran with the net guard').toBe(true);
    expect(real.asked.filter((u) => !u.startsWith(WHITELIST))).toEqual([]);
    // every page, script and style of the build is in the package it would upload
    const files = Object.keys(real.files!);
    const built = [...filesOf(WEAPP_DIR, '.js'), ...filesOf(WEAPP_DIR, '.json'), ...filesOf(WEAPP_DIR, '.wxml'), ...filesOf(WEAPP_DIR, '.wxss')];
    expect(built.filter((f) => !files.includes(f))).toEqual([]);
  });

  it('keeps the main package of the upload within 1 MB (WeChat’s limit is 2 MB)', () => {
    const app = JSON.parse(readFileSync(join(WEAPP_DIR, 'app.json'), 'utf8')) as { subPackages?: { root: string }[] };
    const roots = (app.subPackages ?? []).map((s) => s.root);
    expect(roots.length).toBeGreaterThan(0);
    const sizes = packageSizes(real.files!, roots);
    expect(sizes.main).toBeGreaterThan(100 * 1024); // the app is really in it
    expect(sizes.main).toBeLessThanOrEqual(1024 * 1024);
    for (const r of roots) expect(sizes[r], r).toBeGreaterThan(0);
  });

  it('reports a page .json that is not JSON, naming the file', async () => {
    const r = await checkBroken((dir) => editFile(dir, 'pages/detail/index.json', (t) => t.replace(/\}\s*$/, ',')));
    expect(r.error?.message).toMatch(/^pages\/detail\/index\.json: /);
    expect(r.attempts).toEqual([]);
  });

  it('reports a script that does not parse, naming the file and the line', async () => {
    const r = await checkBroken((dir) => editFile(dir, 'pages/login/index.js', (t) => `${t}\nfunction (\n`));
    expect(r.error?.message).toContain('file: pages/login/index.js');
    expect(r.error?.message).toMatch(/Unexpected token \(2:9\)/);
    expect(r.attempts).toEqual([]);
  });

  it('reports a sub-package page app.json declares but the build lacks', async () => {
    const r = await checkBroken((dir) =>
      editFile(dir, 'app.json', (t) => {
        const app = JSON.parse(t) as { subPackages: { root: string; pages: string[] }[] };
        app.subPackages[0]!.pages.push('gone/index');
        return JSON.stringify(app);
      }),
    );
    expect(r.error?.message).toMatch(/^app\.json: \["subPackages"\]\[0\]\["pages"\]\[\d+\] could not find the corresponding file: "\w+\/gone\/index\.wxml"/);
  });

  it('reports a page whose usingComponents names a component that is not there', async () => {
    const r = await checkBroken((dir) => editFile(dir, 'pages/index/index.json', (t) => t.replace('"../../comp"', '"../../gone"')));
    expect(r.error?.message).toMatch(/^pages\/index\/index\.json: \["usingComponents"\]\["comp"\]: "\.\.\/\.\.\/gone", component not found/);
  });
});
