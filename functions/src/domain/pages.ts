/**
 * THE mini-program's pages. The app declares exactly these (miniapp/src/app.config.ts builds its
 * `pages` and `subPackages` from `appPages()`; its links come from `PAGES`), and the backend's
 * pushes open them (notify/notifier: `pushPage`). tests/build/pages.test.ts checks every push
 * target against the built weapp and h5 apps. No run-time imports (a type only): Taro's config
 * reader bundles this file into app.config.ts at build time.
 *
 * Residents' screens sit in the main package (what most people open, and the first page is the
 * one a mini-program starts on); staff and the dispatch centre in sub-packages, downloaded only
 * by those who need them (weapp main package <= 1 MB).
 */
import type { Role } from '#domain/roles';

export interface Page {
  /** path without a leading slash, as app.json and WeChat's `page` parameter write it */
  path: string;
  /** the sub-package it is in (its root is the path's first segment); none: the main package */
  subPackage?: 'staff' | 'dispatch';
}

export const PAGES = {
  home: { path: 'pages/index/index' },
  login: { path: 'pages/login/index' },
  consent: { path: 'pages/consent/index' },
  report: { path: 'pages/report/index' },
  /** one report, its timeline and rating (`?id=`) */
  detail: { path: 'pages/detail/index' },
  inbox: { path: 'staff/inbox/index', subPackage: 'staff' },
  /** one report as a task, with the actions this person may take (`?id=`) */
  task: { path: 'staff/task/index', subPackage: 'staff' },
  dashboard: { path: 'dispatch/dashboard/index', subPackage: 'dispatch' },
} as const satisfies Record<string, Page>;

export type PageName = keyof typeof PAGES;

/** What a push about a report opens: residents their report, staff the task. */
export const PUSH_TARGETS = { resident: 'detail', staff: 'task' } as const satisfies Record<string, PageName>;

/** The page a push about `reportId` opens for someone of `role`, with its query (no leading slash). */
export function pushPage(role: Role, reportId: string): string {
  const page = PAGES[PUSH_TARGETS[role === 'resident' ? 'resident' : 'staff']];
  return `${page.path}?id=${encodeURIComponent(reportId)}`;
}

/** `pages` and `subPackages` as app.config.ts (and so app.json) declares them, in table order. */
export function appPages(): { pages: string[]; subPackages: { root: string; name: string; pages: string[] }[] } {
  const all: readonly Page[] = Object.values(PAGES);
  const roots = [...new Set(all.flatMap((p) => (p.subPackage ? [p.subPackage] : [])))];
  return {
    pages: all.filter((p) => !p.subPackage).map((p) => p.path),
    subPackages: roots.map((root) => ({ root, name: root, pages: all.filter((p) => p.subPackage === root).map((p) => p.path.slice(root.length + 1)) })),
  };
}
