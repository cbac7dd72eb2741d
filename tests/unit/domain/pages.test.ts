import { describe, expect, it } from 'vitest';
import { PAGES, PUSH_TARGETS, appPages, pushPage } from '../../../functions/src/domain/pages.ts';
import { ROLES } from '../../../functions/src/domain/roles.ts';

describe('the page table', () => {
  it('sends residents to their report, every staff role to the task, and a responder to their offers', () => {
    expect(pushPage('resident', 'R20261123ABC')).toBe('pages/detail/index?id=R20261123ABC');
    for (const role of ROLES.filter((r) => r !== 'resident' && r !== 'volunteer')) expect(pushPage(role, 'R1'), role).toBe('staff/task/index?id=R1');
    expect(pushPage('volunteer', 'R1')).toBe('volunteer/offers/index?id=R1');
    expect(pushPage('volunteer', 'R1', 'assist')).toBe('volunteer/offers/index?id=R1');
    // a responder keeps their resident side: their own or a followed report opens the report
    expect(pushPage('volunteer', 'R1', 'reporter')).toBe('pages/detail/index?id=R1');
    expect(pushPage('volunteer', 'R1', 'follower')).toBe('pages/detail/index?id=R1');
    expect(pushPage('grid_worker', 'R1', 'reporter')).toBe('staff/task/index?id=R1');
    expect(Object.values(PUSH_TARGETS).every((name) => name in PAGES)).toBe(true);
  });

  it('declares the app: home first (the page a mini-program opens on), each sub-package under its root', () => {
    const app = appPages();
    expect(app.pages[0]).toBe(PAGES.home.path);
    expect(app.pages).toEqual(['pages/index/index', 'pages/login/index', 'pages/consent/index', 'pages/report/index', 'pages/detail/index']);
    expect(app.subPackages).toEqual([
      { root: 'staff', name: 'staff', pages: ['inbox/index', 'task/index', 'volunteers/index'] },
      { root: 'dispatch', name: 'dispatch', pages: ['dashboard/index'] },
      { root: 'volunteer', name: 'volunteer', pages: ['offers/index', 'points/index', 'apply/index'] },
    ]);
    for (const p of Object.values(PAGES) as { path: string; subPackage?: string }[]) {
      expect(p.path.startsWith('/')).toBe(false);
      if (p.subPackage) expect(p.path.startsWith(`${p.subPackage}/`), p.path).toBe(true);
      else expect(p.path.startsWith('pages/'), p.path).toBe(true);
    }
  });
});
