/**
 * THE mini-program's pages. The app declares exactly these (miniapp/src/app.config.ts builds its
 * `pages` and `subPackages` from `appPages()`; its links come from `PAGES`), and the backend's
 * pushes open them (notify/notifier: `pushPage`). tests/build/pages.test.ts checks every push
 * target against the built weapp and h5 apps. No run-time imports (a type only): Taro's config
 * reader bundles this file into app.config.ts at build time.
 *
 * Residents' screens sit in the main package (what most people open, and the first page is the
 * one a mini-program starts on); staff, the dispatch centre and community responders (群防群治:
 * their offers, points, and a resident's application) in sub-packages, downloaded only by those
 * who need them (weapp main package <= 1 MB).
 */
import type { Role } from '#domain/roles';

export interface Page {
  /** path without a leading slash, as app.json and WeChat's `page` parameter write it */
  path: string;
  /** the sub-package it is in (its root is the path's first segment); none: the main package */
  subPackage?: 'staff' | 'dispatch' | 'volunteer';
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
  /** a community's applications to review (grid leaders, officers, the centre) */
  volunteers: { path: 'staff/volunteers/index', subPackage: 'staff' },
  dashboard: { path: 'dispatch/dashboard/index', subPackage: 'dispatch' },
  /** a responder's assist offers, the one they hold, done ones, and the duty switch (`?id=` a report: from a push) */
  offers: { path: 'volunteer/offers/index', subPackage: 'volunteer' },
  /** a responder's points (积分), hours (时间银行) and the community's leaderboard */
  points: { path: 'volunteer/points/index', subPackage: 'volunteer' },
  /** a resident applies to be a responder (申请成为平安志愿者), and sees how it stands */
  apply: { path: 'volunteer/apply/index', subPackage: 'volunteer' },
} as const satisfies Record<string, Page>;

export type PageName = keyof typeof PAGES;

/**
 * What a push about a report opens: residents their report, staff the task, a community
 * responder their offers (an assist offer is pushed as a task).
 */
export const PUSH_TARGETS = { resident: 'detail', staff: 'task', volunteer: 'offers' } as const satisfies Record<string, PageName>;

/** Why a resident-side person is told (the inbox item's `reason`): about their own report, not an offer. */
const RESIDENT_REASONS: readonly string[] = ['reporter', 'follower'];

/**
 * The page a push about `reportId` opens for someone of `role`, with its query (no leading slash).
 * A responder keeps their resident side: a push about a report they filed or follow (`reason`
 * reporter / follower) opens the report; anything else (an offer) their offers.
 */
export function pushPage(role: Role, reportId: string, reason?: string): string {
  const target = role === 'resident' ? 'resident' : role === 'volunteer' ? (reason !== undefined && RESIDENT_REASONS.includes(reason) ? 'resident' : 'volunteer') : 'staff';
  const page = PAGES[PUSH_TARGETS[target]];
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
