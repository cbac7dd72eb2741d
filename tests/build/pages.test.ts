/**
 * Every page a push opens exists in the app as built — the weapp build (app.json's pages and
 * sub-packages, and the page's own files) and the h5 build (a route in the app bundle whose chunk
 * is there). The push targets are what the notifier sends (domain/pages `pushPage`, for every
 * role), not a list kept here. WeChat answers 41030 for a page missing from the released app,
 * and a resident tapping the message would land nowhere.
 *
 * The builds come from this project's global setups (tests/e2e/build-h5.ts, build-weapp.ts),
 * made only when missing or older than their sources.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAGES, appPages, pushPage } from '../../functions/src/domain/pages.ts';
import { ROLES } from '../../functions/src/domain/roles.ts';
import { H5_DIR } from '../e2e/build-h5.ts';
import { WEAPP_DIR } from '../e2e/build-weapp.ts';

interface AppJson {
  pages: string[];
  subPackages?: { root: string; pages: string[] }[];
  subpackages?: { root: string; pages: string[] }[];
}

/** The pages app.json declares, each as its full path (a sub-package's under its root). */
function declaredPages(app: AppJson): string[] {
  const subs = app.subPackages ?? app.subpackages ?? [];
  return [...app.pages, ...subs.flatMap((s) => s.pages.map((p) => `${s.root.replace(/\/$/, '')}/${p}`))];
}

/** Push targets the weapp build lacks: not declared, or a declared page without its files. */
function missingInWeapp(targets: readonly string[], app: AppJson, hasFile: (path: string) => boolean): string[] {
  const declared = new Set(declaredPages(app));
  return targets.filter((t) => !declared.has(t) || !['js', 'json', 'wxml'].every((ext) => hasFile(`${t}.${ext}`)));
}

/** Push targets the h5 build lacks: no route for the page in the app bundle, or its chunk is not there. */
function missingInH5(targets: readonly string[], appBundle: string, chunkIds: ReadonlySet<string>): string[] {
  return targets.filter((t) => {
    const at = appBundle.indexOf(`"path":"${t}","load":`);
    if (at < 0) return true;
    const load = appBundle.slice(at, appBundle.indexOf('}', at));
    const chunks = [...load.matchAll(/\.e\((\d+)\)/g)].map((m) => m[1]!);
    return chunks.length === 0 || chunks.some((c) => !chunkIds.has(c));
  });
}

/** Where every role's push about a report goes, as the notifier sends it (query dropped). */
const pushTargets = [...new Set(ROLES.map((role) => pushPage(role, 'R1').split('?')[0]!))];

describe('push targets in the built app', () => {
  it('are the detail page for residents, the task page for staff and the offers page for responders', () => {
    expect(pushTargets.sort()).toEqual(['pages/detail/index', 'staff/task/index', 'volunteer/offers/index']);
  });

  it('the checks catch a page the app does not have (the old pages/report/detail link)', () => {
    const app: AppJson = { pages: ['pages/index/index', 'pages/detail/index'], subPackages: [{ root: 'staff', pages: ['inbox/index'] }] };
    const files = (p: string) => p.startsWith('pages/detail/index.') || p.startsWith('staff/task/index.');
    expect(missingInWeapp(['pages/report/detail', 'pages/detail/index', 'staff/task/index'], app, files)).toEqual(['pages/report/detail', 'staff/task/index']);
    expect(missingInWeapp(['pages/index/index'], app, files)).toEqual(['pages/index/index']); // declared, no files
    const bundle = 'Object.assign({"path":"pages/detail/index","load":function(a,o){return[u.e(12).then(u.bind(u,1)),a,o]}},{})';
    expect(missingInH5(['pages/detail/index', 'pages/report/detail'], bundle, new Set(['12']))).toEqual(['pages/report/detail']);
    expect(missingInH5(['pages/detail/index'], bundle, new Set())).toEqual(['pages/detail/index']); // chunk gone
  });

  it('exist in the weapp build: declared in app.json, with the page files', () => {
    const app = JSON.parse(readFileSync(join(WEAPP_DIR, 'app.json'), 'utf8')) as AppJson;
    expect(missingInWeapp(pushTargets, app, (p) => existsSync(join(WEAPP_DIR, p)))).toEqual([]);
    // the build declares exactly THE page table (app.config.ts derives it), home first
    expect(declaredPages(app)).toEqual(Object.values(PAGES).map((p) => p.path));
    expect(app.pages[0]).toBe(PAGES.home.path);
    expect(app.subPackages ?? app.subpackages).toEqual(appPages().subPackages);
  });

  it('exist in the h5 build: a route in the app bundle, its chunk emitted', () => {
    const js = join(H5_DIR, 'js');
    const files = readdirSync(js);
    const appFile = files.find((f) => /^app\.[0-9a-f]{8}\.js$/.test(f));
    expect(appFile, 'h5 app bundle').toBeTruthy();
    const bundle = readFileSync(join(js, appFile!), 'utf8');
    const chunkIds = new Set(files.flatMap((f) => /^(\d+)\.[0-9a-f]{8}\.js$/.exec(f)?.[1] ?? []));
    expect(missingInH5(pushTargets, bundle, chunkIds)).toEqual([]);
    for (const p of Object.values(PAGES)) expect(bundle, p.path).toContain(`"path":"${p.path}"`);
  });
});
