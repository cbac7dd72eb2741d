// @vitest-environment happy-dom
/**
 * The weapp build's pages render and respond, mounted with miniprogram-simulate (WeChat's
 * j-component + the official wcc): the built app.js, Taro's runtime and React, the page's own
 * script and Taro's compiled templates — nothing of the app replaced (support/taro-host.ts; only
 * WeChat's globals and wx APIs are supplied, the API answered by a fake here).
 *
 * The build comes from the project's global setup (tests/e2e/build-weapp.ts), made only when
 * missing or older than its sources; the pages run from a CommonJS copy of it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { categoryOf } from '../../functions/src/domain/categories.ts';
import { STATUS_NAMES } from '../../functions/src/domain/statuses.ts';
import type { Me, Page, ReportSummary, Status } from '../../miniapp/src/lib/types.ts';
import { type ApiAnswer, type ApiCall, WeappHost, textOf } from './support/taro-host.ts';
import { copyBuild, removeCopy } from './support/weapp-copy.ts';

const me: Me = {
  id: 'U1',
  role: 'resident',
  roleName: '居民',
  name: '王小明',
  areaIds: [],
  areas: [],
  phoneBound: false,
  consent: { accepted: '2024-01', current: '2024-01', required: false },
};

/** a report as GET /v1/reports lists it, its names as the API gives them */
const summary = (id: string, status: Status, category: string, description: string): ReportSummary => ({
  id,
  version: 1,
  status,
  statusName: STATUS_NAMES[status],
  category,
  categoryName: categoryOf(category)!.name,
  description,
  address: null,
  createdAt: '2024-05-01T08:00:00.000Z',
  grid: { id: 'G1', name: '一网格' },
  beat: { id: 'B1', name: '一警区' },
  assignee: null,
  followerCount: 0,
  rating: null,
  dueAt: null,
  overdue: false,
  dueSoon: false,
});

const mine: Page<ReportSummary> = {
  items: [summary('R1', 'reported', 'fire_exit_blocked', '3号楼消防通道被电动车堵住'), summary('R2', 'closed', 'gas_hazard', '厨房燃气管老化')],
  cursor: null,
};

/** the fake API: the routes these pages call, everything else a 404 in the API's error shape */
function api(call: ApiCall): ApiAnswer {
  const route = `${call.method} ${call.path}`;
  if (route === 'POST /v1/auth/wechat') return { status: 200, body: { token: 'T1', refreshToken: 'RT1' } };
  if (route === 'GET /v1/me') return call.header.authorization === 'Bearer T1' ? { status: 200, body: me } : { status: 401, body: { error: { code: 'unauthenticated', message: '请先登录' } } };
  if (route === 'GET /v1/reports?scope=mine') return { status: 200, body: mine };
  return { status: 404, body: { error: { code: 'not_found', message: `没有 ${route}` } } };
}

let dir: string;
let host: WeappHost;
beforeAll(() => {
  dir = copyBuild('pages');
  host = new WeappHost(dir, api).boot();
});
afterEach(() => host.unmountAll());
afterAll(() => removeCopy(dir));

describe('the built weapp pages in miniprogram-simulate', { timeout: 15_000 }, () => {
  it('the login page renders its title and the one-tap WeChat sign-in', async () => {
    const page = host.mount('pages/login/index');
    await host.until(() => expect(textOf(page)).toContain('微信一键登录'));
    expect(textOf(page)).toContain('微事报');
    expect(textOf(page)).toContain('身边的安全隐患，随手上报，全程可查');
    // Taro's node tree is the page's data, rendered through base.wxml's templates into WeChat's
    // components; class names stay the app's (j-component prefixes them with the page's tag)
    expect(page.data.root).toBeTruthy();
    const button = page.querySelector('.btn--primary')!;
    expect(button.dom.tagName.toLowerCase()).toBe('wx-button');
    expect(button.dom.textContent).toBe('微信一键登录');
  });

  it('tapping sign-in logs in with the WeChat code, loads the profile and opens home', async () => {
    const page = host.mount('pages/login/index');
    await host.until(() => expect(textOf(page)).toContain('微信一键登录'));
    const before = host.calls.length;
    page.querySelector('.btn--primary')!.dispatchEvent('tap');
    await host.until(() => expect(host.navigations).toContain('reLaunch /pages/index/index'));
    expect(host.calls.slice(before).map((c) => [c.method, c.path, c.body ?? null, c.header.authorization ?? null])).toEqual([
      ['POST', '/v1/auth/wechat', { code: 'wx-code-1' }, null],
      ['GET', '/v1/me', null, 'Bearer T1'],
    ]);
    expect(host.storage.get('wsb.token')).toBe('T1');
  });

  it('home renders the signed-in resident’s own reports from the API', async () => {
    host.storage.set('wsb.token', 'T1'); // signed in (as the sign-in test leaves it)
    const page = host.mount('pages/index/index');
    await host.until(() => expect(textOf(page)).toContain('厨房燃气管老化'));
    const text = textOf(page);
    expect(text).toContain('您好，王小明');
    expect(text).toContain('我要上报');
    for (const r of mine.items) for (const shown of [r.description, r.categoryName, r.statusName]) expect(text).toContain(shown);
    expect(text).toContain('待评价'); // the closed report has no rating yet
    expect(page.querySelectorAll('.card--tap')).toHaveLength(2);
    expect(host.calls.map((c) => `${c.method} ${c.path}`)).toContain('GET /v1/reports?scope=mine');
  });

  it('tapping a report on home opens its detail page', async () => {
    host.storage.set('wsb.token', 'T1');
    const page = host.mount('pages/index/index');
    await host.until(() => expect(page.querySelectorAll('.card--tap')).toHaveLength(2));
    page.querySelectorAll('.card--tap')[1]!.dispatchEvent('tap');
    await host.until(() => expect(host.navigations.at(-1)).toMatch(/^navigateTo \/?pages\/detail\/index\?id=R2$/));
  });
});
