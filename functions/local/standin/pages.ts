/**
 * The pages of "the released mini-program": sendMessage's `page` must be one of them, or WeChat
 * answers 41030. The stand-in reads them from the built weapp's app.json when there is one (what
 * would be uploaded), else from the page table the app is built from (domain/pages `appPages`);
 * tests/build/pages.test.ts holds the two equal.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { appPages } from '#domain/pages';

export const BUILT_APP_JSON = fileURLToPath(new URL('../../../miniapp/dist/weapp/app.json', import.meta.url));

interface AppJson {
  pages?: string[];
  subPackages?: { root: string; pages: string[] }[];
  subpackages?: { root: string; pages: string[] }[];
}

/** Every page path an app.json declares, sub-packages' under their root. */
export function pagesOf(app: AppJson): string[] {
  const subs = app.subPackages ?? app.subpackages ?? [];
  return [...(app.pages ?? []), ...subs.flatMap((s) => s.pages.map((p) => `${s.root.replace(/\/$/, '')}/${p}`))];
}

export function releasedPages(appJson = BUILT_APP_JSON): string[] {
  if (existsSync(appJson)) return pagesOf(JSON.parse(readFileSync(appJson, 'utf8')) as AppJson);
  return pagesOf(appPages());
}

/** The page part of sendMessage's `page` ("staff/task/index?id=1" -> "staff/task/index"), or undefined if malformed. */
export function pagePath(page: string): string | undefined {
  if (page.length > 1024 || !/^\/?[A-Za-z0-9_\-./]+(\?.*)?$/.test(page)) return undefined;
  return page.replace(/^\//, '').split('?')[0];
}
