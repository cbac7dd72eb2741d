/**
 * Accessibility, WCAG 2.1 AA as the measure: axe-core (node_modules/axe-core/axe.min.js, injected
 * into the page) runs on every screen of every role in the h5 build at 375x667 — the resident's
 * login, consent with the full privacy policy, home empty and with reports, the report form with
 * the building picker open and with the map open, the no-photo nudge, the report, the survey; the
 * grid worker's inbox and task; the dispatch centre's dashboard — and no serious or critical
 * violation may remain (each one is named in the failure message). The resident's screens also
 * let the page zoom (no user-scalable=no) and keep every tap target at least 44x44 px.
 */
import { startWorld, stopWorld } from './e2e-stack.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '../../functions/local/stack.ts';
import { toWgs84 } from '../../functions/src/geo/datum.ts';
import { axe, axeReport, phone, smallTapTargets, useSession, type Phone } from './support.ts';
import { Api } from '../support/stack.ts';

let stack: Stack;
let api: Api;
let browser: Browser;
const phones: Phone[] = [];

const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).first();

/** axe on the screen as it is now, a screenshot of it, and (residents) its tap targets. */
async function check(p: Phone, screen: string, failures: string[], opts: { taps?: boolean } = {}) {
  await p.page.waitForTimeout(300); // let sheets and toasts settle
  const found = await axe(p.page);
  if (found.length) failures.push(axeReport(`${p.name} ${screen}`, found));
  if (opts.taps) {
    const small = await smallTapTargets(p.page);
    if (small.length) failures.push(`${p.name} ${screen}: tap targets under 44 px: ${small.join('; ')}`);
  }
  await p.shot(`a11y-${screen}`);
}

async function act(id: string, as: string, body: Record<string, unknown>) {
  const r = await api.post(`/v1/reports/${id}/actions`, body, as);
  expect(r.status, `${String(body.action)} by ${as}: ${r.text}`).toBe(200);
}

beforeAll(async () => {
  ({ stack, api, browser } = await startWorld());
});

afterAll(() => stopWorld({ stack, browser }, phones));

describe('accessibility of every screen (axe-core, WCAG 2.1 AA)', () => {
  let firstGrid: { id: string; name: string; parentId: string; centroid: { lat: number; lng: number } };

  it("the resident's screens have no serious or critical violation, let the page zoom and keep tap targets at 44 px", async () => {
    firstGrid = (await api.get('/v1/areas?level=grid')).json.items[0];
    const at = toWgs84(firstGrid.centroid, 'gcj02');
    const failures: string[] = [];

    // consent, as a new WeChat user sees it before the first report
    const wx = await api.post('/v1/auth/wechat', { code: `dev:o-a11y-${randomBytes(3).toString('hex')}` });
    expect(wx.status, wx.text).toBe(200);
    const fresh = await phone(browser, stack.url, 'a11y-new');
    phones.push(fresh);
    await fresh.page.goto('/');
    await byTestId(fresh.page, 'dev-users').waitFor();
    await check(fresh, 'login', failures, { taps: true });
    // zoom is allowed: the viewport meta neither forbids scaling nor caps it at 1
    const viewport = await fresh.page.locator('meta[name="viewport"]').getAttribute('content');
    expect(viewport).not.toMatch(/user-scalable\s*=\s*(no|0)|maximum-scale\s*=\s*1(\.0)?\b/);
    await useSession(fresh.page, wx.json);
    await fresh.page.goto('/#/pages/consent/index');
    await byTestId(fresh.page, 'accept-consent').waitFor();
    await check(fresh, 'consent', failures, { taps: true });
    await byTestId(fresh.page, 'policy-toggle').click();
    await byTestId(fresh.page, 'privacy-policy').waitFor();
    await check(fresh, 'consent-policy', failures, { taps: true });
    await byTestId(fresh.page, 'decline-consent').click();
    await fresh.page.getByRole('dialog', { name: '不同意隐私政策？' }).waitFor();
    await check(fresh, 'consent-decline-dialog', failures, { taps: true });
    await byTestId(fresh.page, 'decline-cancel').click();

    // a resident at the first grid's centre
    const res = await phone(browser, stack.url, 'a11y-resident', undefined, { geolocation: { latitude: at.lat, longitude: at.lng, accuracy: 10 }, permissions: ['geolocation'] });
    phones.push(res);
    const r = res.page;
    await r.goto('/');
    await byTestId(r, 'user-u-res-wang').click();
    await r.getByText('还没有上报').waitFor();
    await check(res, 'home-empty', failures, { taps: true });

    await byTestId(r, 'report-now').click();
    await byTestId(r, 'routed-grid').waitFor({ timeout: 15_000 });
    await check(res, 'report-form', failures, { taps: true });
    // every control has a role and a name in the browser's accessibility tree
    await r.getByRole('radiogroup', { name: '问题类型' }).waitFor();
    expect(await r.getByRole('radio').count()).toBe(9);
    await r.getByRole('radio', { name: '电动车充电', checked: false }).waitFor();
    await r.getByRole('textbox', { name: '简单描述（必填）' }).waitFor();
    await r.getByRole('textbox', { name: '位置补充（选填）' }).waitFor();
    await r.getByRole('checkbox', { name: '匿名上报' }).waitFor();
    await r.getByRole('button', { name: '拍照/相册 添加照片' }).waitFor();
    await r.getByRole('button', { name: /^重新定位/ }).waitFor();
    // and is reached with the keyboard: Tab moves onto the tiles, Space chooses one
    await r.getByRole('radio', { name: '通道堵塞' }).focus();
    await r.keyboard.press('Space');
    await r.getByRole('radio', { name: '通道堵塞', checked: true }).waitFor();
    await byTestId(r, 'place-pick').click();
    await byTestId(r, 'community-option').waitFor();
    await check(res, 'report-picker-open', failures, { taps: true });
    await byTestId(r, 'place-map').click();
    await r.locator('.wsb-label--road').first().waitFor({ state: 'attached', timeout: 15_000 });
    await check(res, 'report-map-open', failures, { taps: true });
    await byTestId(r, 'place-map').click(); // closed again

    await byTestId(r, 'category-fire_exit_blocked').click();
    await r.locator('[data-testid="description"] textarea').fill('楼梯间堆满纸箱，挡住了安全出口');
    await byTestId(r, 'submit').click();
    await byTestId(r, 'photo-nudge').waitFor();
    await check(res, 'report-photo-nudge', failures, { taps: true });
    await byTestId(r, 'nudge-send').click();
    await byTestId(r, 'report-detail').waitFor();
    await byTestId(r, 'holder').waitFor();
    await check(res, 'detail', failures, { taps: true });

    await r.goto('/');
    await byTestId(r, 'my-report').waitFor();
    await check(res, 'home-with-report', failures, { taps: true });

    // the survey on a closed report
    const users = (await api.get('/v1/dev/users')).json.items as Array<{ id: string; role: string; areaIds: string[] }>;
    const worker = users.find((u) => u.role === 'grid_worker' && u.areaIds.includes(firstGrid.id))!.id;
    const leader = users.find((u) => u.role === 'grid_leader' && u.areaIds.includes(firstGrid.parentId))!.id;
    const closedId = (
      await api.post(
        '/v1/reports',
        { category: 'fire_equipment', description: '灭火器过期', location: { ...firstGrid.centroid, datum: 'gcj02' }, photos: [], anonymous: false, source: 'app' },
        'u-res-wang',
        { 'Idempotency-Key': randomBytes(8).toString('hex') },
      )
    ).json.id as string;
    await act(closedId, worker, { action: 'accept' });
    await act(closedId, worker, { action: 'dispatch', assigneeId: worker });
    await act(closedId, worker, { action: 'start' });
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#8a6d4b' } }).jpeg().toBuffer();
    await act(closedId, worker, { action: 'resolve', note: '已更换灭火器', photos: [await api.uploadReady(worker, jpeg)] });
    await act(closedId, leader, { action: 'verify' });
    await act(closedId, leader, { action: 'close' });
    await r.goto(`/#/pages/detail/index?id=${encodeURIComponent(closedId)}`);
    await byTestId(r, 'rating-form').waitFor();
    await check(res, 'detail-survey', failures, { taps: true });

    expect(failures, failures.join('\n')).toEqual([]);
    expect(phones.flatMap((p) => p.errors)).toEqual([]);
  });

  it("the grid worker's inbox and task have no serious or critical violation", async () => {
    firstGrid = (await api.get('/v1/areas?level=grid')).json.items[0];
    const users = (await api.get('/v1/dev/users')).json.items as Array<{ id: string; role: string; areaIds: string[] }>;
    const worker = users.find((u) => u.role === 'grid_worker' && u.areaIds.includes(firstGrid.id))!;
    const filed = await api.post(
      '/v1/reports',
      { category: 'ebike_charging', description: '楼道里有电动车在充电', location: { ...firstGrid.centroid, datum: 'gcj02' }, photos: [], anonymous: false, source: 'app' },
      'u-res-li',
      { 'Idempotency-Key': randomBytes(8).toString('hex') },
    );
    expect(filed.status, filed.text).toBe(201);
    const reportId = filed.json.id as string;
    const failures: string[] = [];
    const gw = await phone(browser, stack.url, 'a11y-worker');
    phones.push(gw);
    const w = gw.page;
    await w.goto('/');
    await byTestId(w, `user-${worker.id}`).click();
    await byTestId(w, 'task').waitFor();
    await check(gw, 'inbox', failures);
    await w.goto(`/#/staff/task/index?id=${encodeURIComponent(reportId)}`);
    await byTestId(w, 'task-detail').waitFor();
    await check(gw, 'task', failures);
    expect(failures, failures.join('\n')).toEqual([]);
    expect(gw.errors).toEqual([]);
  });

  it("the dispatch centre's dashboard has no serious or critical violation", async () => {
    const failures: string[] = [];
    const dp = await phone(browser, stack.url, 'a11y-dispatcher');
    phones.push(dp);
    const d = dp.page;
    await d.goto('/');
    await byTestId(d, 'user-u-dp-yuehai').click();
    await byTestId(d, 'kpis').waitFor();
    await d.locator('.leaflet-overlay-pane path').first().waitFor();
    await check(dp, 'dashboard', failures);
    expect(failures, failures.join('\n')).toEqual([]);
    expect(dp.errors).toEqual([]);
  });
});
