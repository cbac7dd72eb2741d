/**
 * The resident's rough edges, as a resident meets them in the h5 build (Chromium, 375x667):
 * a send that fails (a 502 from the gateway, then no network) is told in a dialog in plain sight,
 * not under the fixed footer, and the retry files one report; the first send without a photo
 * asks first (有照片处理更快); the report opens at its top with the time to expect (预计 … 小时内
 * 处理完毕) and no stray separators; an expired session says 登录已过期 and signing in again
 * returns to the same page; 不同意 on the privacy notice (with the full policy one tap away)
 * leaves without an account; a report joined with 我也遇到 is marked on the home list, and the
 * follower's survey says their rating is recorded but does not reopen it — the reporter's says
 * 不满意 does.
 */
import { startWorld, stopWorld } from './e2e-stack.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { SignJWT } from 'jose';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Stack } from '../../functions/local/stack.ts';
import { toWgs84 } from '../../functions/src/geo/datum.ts';
import { phone, useSession, type Phone } from './support.ts';
import { Api } from '../support/stack.ts';

let stack: Stack;
let api: Api;
let browser: Browser;
const phones: Phone[] = [];
let grid: { id: string; name: string; parentId: string; centroid: { lat: number; lng: number } };

const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).first();

/** A resident's phone standing at the first grid's centre (the browser reports WGS-84). */
async function residentPhone(name: string): Promise<Phone> {
  const at = toWgs84(grid.centroid, 'gcj02');
  const p = await phone(browser, stack.url, name, undefined, { geolocation: { latitude: at.lat, longitude: at.lng, accuracy: 10 }, permissions: ['geolocation'] });
  phones.push(p);
  return p;
}

async function signInAs(p: Phone, userId: string) {
  await p.page.goto('/');
  await byTestId(p.page, `user-${userId}`).click();
  await byTestId(p.page, 'report-now').waitFor();
}

/** The element is on the phone's screen and nothing covers its middle (a tap there reaches it). */
async function inSight(page: Page, el: Locator) {
  await el.waitFor();
  const box = (await el.boundingBox())!;
  const { height, width } = page.viewportSize()!;
  expect(box.y, 'top inside the screen').toBeGreaterThanOrEqual(0);
  expect(box.y + box.height, 'bottom inside the screen').toBeLessThanOrEqual(height);
  expect(box.x + box.width).toBeLessThanOrEqual(width);
  const covered = await el.evaluate((node, [x, y]) => {
    const top = (globalThis as any).document.elementFromPoint(x, y);
    return !(top && (node === top || node.contains(top)));
  }, [box.x + box.width / 2, box.y + box.height / 2] as const);
  expect(covered, 'covered by something else').toBe(false);
}

/** How far the page on screen is scrolled (Taro's h5 page scrolls in its own container, or the window). */
const scrolledBy = (page: Page) =>
  page.evaluate(() => {
    const g = globalThis as any;
    const shown = [...g.document.querySelectorAll('.taro_page')].filter((el: any) => g.getComputedStyle(el).display !== 'none');
    return Math.max(g.scrollY, ...shown.map((el: any) => el.scrollTop as number));
  });

const fileAs = async (userId: string, body: Record<string, unknown>) => {
  const r = await api.post('/v1/reports', { photos: [], anonymous: false, source: 'app', location: { ...grid.centroid, datum: 'gcj02' }, ...body }, userId, { 'Idempotency-Key': randomBytes(8).toString('hex') });
  expect(r.status, r.text).toBe(201);
  return r.json as { id: string };
};

async function act(id: string, as: string, body: Record<string, unknown>) {
  const r = await api.post(`/v1/reports/${id}/actions`, body, as);
  expect(r.status, `${String(body.action)} by ${as}: ${r.text}`).toBe(200);
}

async function close(id: string) {
  const users = (await api.get('/v1/dev/users')).json.items as Array<{ id: string; role: string; areaIds: string[] }>;
  const worker = users.find((u) => u.role === 'grid_worker' && u.areaIds.includes(grid.id))!.id;
  const leader = users.find((u) => u.role === 'grid_leader' && u.areaIds.includes(grid.parentId))!.id;
  await act(id, worker, { action: 'accept' });
  await act(id, worker, { action: 'dispatch', assigneeId: worker });
  await act(id, worker, { action: 'start' });
  const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#8a6d4b' } }).jpeg().toBuffer();
  await act(id, worker, { action: 'resolve', note: '已劝导住户把电动车推到集中充电点', photos: [await api.uploadReady(worker, jpeg)] });
  await act(id, leader, { action: 'verify' });
  await act(id, leader, { action: 'close' });
}

beforeAll(async () => {
  ({ stack, api, browser } = await startWorld());
  grid = (await api.get('/v1/areas?level=grid')).json.items[0];
});

afterAll(() => stopWorld({ stack, browser }, phones));

describe("the resident's rough edges", () => {
  it('a failed send is told in a dialog in plain sight, the first send without a photo asks first, and the report opens at its top with the time to expect', async () => {
    const category = ((await api.get('/v1/categories')).json.items as Array<{ code: string; acceptHours: number; resolveHours: number }>).find((c) => c.code === 'fire_exit_blocked')!;
    const p = await residentPhone('edges-send');
    const r = p.page;
    await signInAs(p, 'u-res-wang');
    await byTestId(r, 'report-now').click();
    await byTestId(r, 'routed-grid').waitFor({ timeout: 15_000 });
    // the form says why photos help before anyone is asked
    expect(await byTestId(r, 'photo-why').textContent()).toContain('有照片处理更快');
    await byTestId(r, 'category-fire_exit_blocked').click();
    await r.locator('[data-testid="description"] textarea').fill('楼梯间堆满纸箱，挡住了安全出口');
    await r.locator('[data-testid="anonymous"] input').check();
    // read down to the bottom of the form, as a person does before sending
    await r.mouse.move(187, 400);
    await r.mouse.wheel(0, 3000);
    await expect.poll(() => scrolledBy(r)).toBeGreaterThan(300);

    // the gateway fails (502) the first time
    let posts = 0;
    const isFiling = (url: URL) => url.pathname === '/v1/reports';
    await r.route(isFiling, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      posts++;
      return route.fulfill({ status: 502, contentType: 'text/html', body: '<html>Bad Gateway</html>' });
    });
    await byTestId(r, 'submit').click();
    // no photo: asked first, once
    const nudge = r.getByRole('dialog', { name: '有照片处理更快' });
    await inSight(r, nudge);
    expect(await nudge.textContent()).toContain('网格员能先看清现场');
    expect(posts).toBe(0);
    await p.shot('nudge-no-photo', { screen: true });
    await byTestId(r, 'nudge-send').click();

    const failed = r.getByRole('alertdialog', { name: '提交失败' });
    await inSight(r, failed);
    expect(await failed.textContent()).toContain('服务暂时不可用（502）');
    expect(await failed.textContent()).toContain('内容已保存');
    expect(posts).toBe(1);
    await p.shot('send-failed-502', { screen: true });
    await byTestId(r, 'submit-error-ok').click();
    await failed.waitFor({ state: 'detached' });
    // the reason stays in sight, above the button in the footer
    await inSight(r, byTestId(r, 'submit-error'));
    await r.unroute(isFiling);

    // then the phone loses its network
    await p.context.setOffline(true);
    await byTestId(r, 'submit').click();
    const offline = r.getByRole('alertdialog', { name: '提交失败' });
    await inSight(r, offline);
    expect(await offline.textContent()).toContain('网络连接失败，请检查网络后重试');
    expect(await byTestId(r, 'photo-nudge').count(), 'the nudge is asked once').toBe(0);
    await p.shot('send-failed-offline', { screen: true });
    await byTestId(r, 'submit-error-ok').click();

    // back online: the same draft goes, once
    await p.context.setOffline(false);
    await byTestId(r, 'submit').click();
    await byTestId(r, 'report-detail').waitFor();
    await byTestId(r, 'expected-time').waitFor();
    const mine = (await api.get('/v1/reports?scope=mine', 'u-res-wang')).json.items as Array<{ id: string }>;
    expect(mine).toHaveLength(1);

    // the report opens at its top, whatever the form was scrolled to
    await r.waitForTimeout(300);
    expect(await scrolledBy(r)).toBe(0);
    await inSight(r, r.locator('[data-testid="report-detail"] .card').first());

    // what to expect, from the category's limits
    await inSight(r, byTestId(r, 'expected-time'));
    const expected = (await byTestId(r, 'expected-time').textContent())!;
    expect(expected).toContain(`预计 ${category.acceptHours} 小时内受理，${category.resolveHours} 小时内处理完毕`);
    expect(expected).toMatch(/最迟 \d+月\d+日 \d\d:\d\d 前/);
    expect(await byTestId(r, 'expected-time').getAttribute('data-overdue')).toBe('false');
    // anonymous with nobody else: no separator left hanging
    expect(await byTestId(r, 'report-about').textContent()).toBe('匿名上报');
    expect(await byTestId(r, 'report-detail').textContent()).not.toMatch(/·\s*$|·\s*·|^\s*·/m);
    await p.shot('detail-top-expected', { screen: true });
    expect(p.errors.filter((e) => !/Failed to load resource|net::ERR_INTERNET_DISCONNECTED|502/.test(e))).toEqual([]);
  });

  it('an expired session says 登录已过期, and signing in again returns to the same report', async () => {
    const filed = await fileAs('u-res-li', { category: 'fire_equipment', description: '3楼灭火器压力不足' });
    const p = await residentPhone('edges-expired');
    const r = p.page;
    await signInAs(p, 'u-res-li');
    const url = `/#/pages/detail/index?id=${encodeURIComponent(filed.id)}`;
    await r.goto(url);
    await byTestId(r, 'report-detail').waitFor();

    // both tokens run out while the phone is away (signed as the server signs them, expired)
    const { tokenSecret } = await import('../../functions/src/secrets.ts');
    const key = new TextEncoder().encode(tokenSecret());
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = async (kind: 'access' | 'refresh') =>
      new SignJWT({ kind }).setProtectedHeader({ alg: 'HS256' }).setSubject('u-res-li').setIssuer('weishibao').setIssuedAt(past - 60).setExpirationTime(past).sign(key);
    const stale = { token: await expired('access'), refreshToken: await expired('refresh') };
    expect((await fetch(`${stack.url}/v1/me`, { headers: { authorization: `Bearer ${stale.token}` } })).status).toBe(401);
    await useSession(r, stale);
    await r.reload();

    const notice = byTestId(r, 'session-expired');
    await inSight(r, notice);
    expect(await notice.textContent()).toContain('登录已过期');
    expect(await notice.getAttribute('role')).toBe('alert');
    await p.shot('session-expired', { screen: true });

    await byTestId(r, 'user-u-res-li').click();
    await r.waitForURL((u) => u.hash.includes('/pages/detail/index') && u.hash.includes(encodeURIComponent(filed.id)));
    await byTestId(r, 'report-detail').waitFor();
    expect(await r.locator('[data-testid="report-detail"] .card').first().textContent()).toContain(filed.id);
    await p.shot('session-back-to-report', { screen: true });
    // asked once: the next sign-in starts at home
    await r.goto('/');
    await byTestId(r, 'report-now').waitFor();
    expect(p.errors.filter((e) => !/401/.test(e))).toEqual([]);
  });

  it('不同意 on the privacy notice (the full policy one tap away) leaves without an account', async () => {
    const wx = await api.post('/v1/auth/wechat', { code: `dev:o-edges-${randomBytes(3).toString('hex')}` });
    expect(wx.status, wx.text).toBe(200);
    const me = await api.call('GET', '/v1/me', { headers: { authorization: `Bearer ${wx.json.token}` } });
    expect(me.json.consent.required).toBe(true);
    const p = await residentPhone('edges-consent');
    const r = p.page;
    await r.goto('/');
    await useSession(r, wx.json);
    await r.goto('/#/pages/index/index');
    // home sends a new resident to the notice first
    await byTestId(r, 'decline-consent').waitFor();
    await byTestId(r, 'policy-toggle').click();
    const policy = byTestId(r, 'privacy-policy');
    await policy.waitFor();
    const text = (await policy.textContent())!;
    for (const words of ['openid', '手机号', '照片', '位置', '网格员', '社区民警', '138****5678', '180 天', '注销', '12345']) expect(text, words).toContain(words);
    expect(await r.getByRole('heading', { name: '五、您的权利' }).count()).toBe(1);
    await p.shot('consent-policy');

    await byTestId(r, 'decline-consent').click();
    const ask = r.getByRole('dialog', { name: '不同意隐私政策？' });
    await inSight(r, ask);
    await p.shot('consent-decline', { screen: true });
    await byTestId(r, 'decline-confirm').click();
    const left = byTestId(r, 'left-notice');
    await left.waitFor();
    expect(await left.textContent()).toContain('账号已删除');
    await byTestId(r, 'dev-users').waitFor();
    await p.shot('consent-declined-left', { screen: true });

    // no account behind: the device holds no session, and the old token opens nothing
    expect(await r.evaluate(() => (globalThis as any).localStorage.getItem('wsb.token'))).toBeNull();
    const after = await api.call('GET', '/v1/me', { headers: { authorization: `Bearer ${wx.json.token}` } });
    expect(after.status).not.toBe(200);
    expect(p.errors.filter((e) => !/40[134]/.test(e))).toEqual([]);
  });

  it('a report joined with 我也遇到 is marked on home; the follower is told their rating does not reopen it, the reporter that 不满意 does', async () => {
    const theirs = await fileAs('u-res-li', { category: 'ebike_charging', description: '楼道里有电动车在充电，电线从窗户拉出来' });
    const own = await fileAs('u-res-zhang', { category: 'other', description: '楼下井盖松动' });
    const p = await residentPhone('edges-follower');
    const r = p.page;
    await signInAs(p, 'u-res-zhang');
    await byTestId(r, 'report-now').click();
    await byTestId(r, 'routed-grid').waitFor({ timeout: 15_000 });
    await byTestId(r, 'category-ebike_charging').click();
    await byTestId(r, 'nearby').waitFor();
    await r.getByRole('button', { name: /^我也遇到/ }).first().click();
    await byTestId(r, 'report-detail').waitFor();
    expect(await byTestId(r, 'report-about').textContent()).toContain('您已加入跟进');

    await r.goto('/');
    const rows = r.locator('[data-testid="my-report"]');
    await expect.poll(() => rows.count()).toBe(2);
    const joined = r.locator('[data-testid="my-report"]', { hasText: '电动车' });
    expect(await joined.getAttribute('data-following')).toBe('true');
    expect(await joined.locator('[data-testid="followed-mark"]').textContent()).toContain('我也遇到');
    const mineRow = r.locator('[data-testid="my-report"]', { hasText: '井盖' });
    expect(await mineRow.getAttribute('data-following')).toBe('false');
    expect(await mineRow.locator('[data-testid="followed-mark"]').count()).toBe(0);
    expect(own.id).not.toBe(theirs.id);
    await p.shot('home-followed-marked');

    // closed: the follower's survey and the reporter's say different things
    await close(theirs.id);
    await r.goto(`/#/pages/detail/index?id=${encodeURIComponent(theirs.id)}`);
    const form = byTestId(r, 'rating-form');
    await form.waitFor();
    expect(await form.getAttribute('data-rater')).toBe('follower');
    const note = (await byTestId(r, 'rating-note').textContent())!;
    expect(note).toContain('您的评价会被记录');
    expect(note).toContain('不会让问题重新处理');
    await p.shot('survey-follower');
    await r.getByRole('radio', { name: '不满意' }).click();
    expect(await byTestId(r, 'rating-reopen').count()).toBe(0);
    await byTestId(r, 'rating-submit').click();
    await byTestId(r, 'my-rating').waitFor();
    expect(await byTestId(r, 'my-rating').textContent()).toContain('不满意');
    // as it said: recorded, not reopened
    expect((await api.get(`/v1/reports/${theirs.id}`, 'u-res-li')).json.status).toBe('closed');

    const rp = await residentPhone('edges-reporter');
    await signInAs(rp, 'u-res-li');
    await rp.page.goto(`/#/pages/detail/index?id=${encodeURIComponent(theirs.id)}`);
    await byTestId(rp.page, 'rating-form').waitFor();
    expect(await byTestId(rp.page, 'rating-form').getAttribute('data-rater')).toBe('reporter');
    expect(await byTestId(rp.page, 'rating-note').textContent()).toContain('选“不满意”会退回重新处理');
    await rp.page.getByRole('radio', { name: '不满意' }).click();
    expect(await byTestId(rp.page, 'rating-reopen').textContent()).toContain('重新处理');
    await rp.shot('survey-reporter');
    expect([...p.errors, ...rp.errors]).toEqual([]);
  });
});
