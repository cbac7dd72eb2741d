/**
 * The closed loop as people do it, in headless Chromium on the h5 build (375x667 phones):
 * a resident files a report with a real photo through the file chooser; the grid worker finds
 * it in the inbox and takes it through accept, dispatch-to-self, start and resolve with an
 * after-photo; the grid leader verifies and closes; the resident rates it. Three browser
 * contexts, no console errors, a screenshot of every screen in tests/e2e/artifacts/.
 */
import { startWorld, stopWorld } from './e2e-stack.ts';
import { pointOnRoad, roadPixels } from './map-pixels.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '../../functions/local/stack.ts';
import { toWgs84 } from '../../functions/src/geo/datum.ts';
import { H5_DIR } from './build-h5.ts';
import { phone, type Phone } from './support.ts';
import { Api } from '../support/stack.ts';

let stack: Stack;
let api: Api;
let browser: Browser;
const phones: Phone[] = [];

/** A real JPEG: a corridor with an e-bike on charge (drawn), as a phone camera would give. */
async function photo(name: string, hue: number): Promise<string> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900">
    <rect width="1200" height="900" fill="hsl(${hue},25%,82%)"/>
    <rect x="0" y="650" width="1200" height="250" fill="hsl(${hue},10%,55%)"/>
    <rect x="820" y="120" width="220" height="530" fill="#8a6d4b"/>
    <circle cx="330" cy="640" r="95" fill="none" stroke="#222" stroke-width="22"/>
    <circle cx="640" cy="640" r="95" fill="none" stroke="#222" stroke-width="22"/>
    <path d="M330 640 L450 470 L600 470 L640 640" stroke="#c0392b" stroke-width="26" fill="none"/>
    <path d="M600 470 C 760 300 900 260 1000 200" stroke="#111" stroke-width="8" fill="none"/>
  </svg>`;
  const file = join(tmpdir(), `wsb-e2e-${name}-${randomBytes(3).toString('hex')}.jpg`);
  writeFileSync(file, await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer());
  return file;
}

/** Picks a file through the page's file chooser, as a person does. */
async function choosePhoto(page: Page, file: string, trigger: () => Promise<void>) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), trigger()]);
  await chooser.setFiles(file);
}

const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).first();
const actionButton = (page: Page, action: string) => page.locator(`taro-button-core[data-action="${action}"]`);
const sheetButton = (page: Page, text: string) => page.locator('[data-testid="action-sheet"] taro-button-core', { hasText: text });

async function login(p: Phone, userId: string) {
  await p.page.goto('/');
  await byTestId(p.page, `user-${userId}`).click();
}

beforeAll(async () => {
  ({ stack, api, browser } = await startWorld());
});

afterAll(() => stopWorld({ stack, browser }, phones));

describe('the closed loop in the browser', () => {
  it('resident reports with a photo, the grid worker resolves, the grid leader closes, the resident rates', async () => {
    // who will handle it: the resident's phone is in the first grid, at its centroid (the
    // browser reports WGS-84; the API's centroid is GCJ-02)
    const firstGrid = (await api.get('/v1/areas?level=grid')).json.items[0];
    const at = toWgs84(firstGrid.centroid, 'gcj02');
    const users = (await api.get('/v1/dev/users')).json.items as Array<{ id: string; role: string; areaIds: string[] }>;
    const worker = users.find((u) => u.role === 'grid_worker' && u.areaIds.includes(firstGrid.id))!;
    const leader = users.find((u) => u.role === 'grid_leader' && u.areaIds.includes(firstGrid.parentId))!;
    expect(worker && leader).toBeTruthy();
    const before = await photo('before', 40);
    const after = await photo('after', 140);

    // ---------- resident ----------
    const resident = await phone(browser, stack.url, 'resident', undefined, { geolocation: { latitude: at.lat, longitude: at.lng, accuracy: 10 }, permissions: ['geolocation'] });
    phones.push(resident);
    const r = resident.page;
    const scripts = new Set<string>();
    r.on('response', (res) => {
      if (res.request().resourceType() === 'script') scripts.add(new URL(res.url()).pathname);
    });
    await r.goto('/');
    await byTestId(r, 'dev-users').waitFor();
    await resident.shot('login');

    // h5 first load: the JS fetched to show the first screen, gzipped as a server would send it
    const firstLoad = [...scripts].reduce((sum, path) => sum + gzipSync(readFileSync(join(H5_DIR, path))).length, 0);
    console.log(`h5 first load: ${scripts.size} scripts, ${(firstLoad / 1024).toFixed(1)} KB gzipped`);
    expect(firstLoad).toBeLessThanOrEqual(300 * 1024);

    await byTestId(r, 'user-u-res-zhang').click();
    await byTestId(r, 'report-now').waitFor();
    await r.getByText('还没有上报').waitFor();
    await resident.shot('home-empty');

    await byTestId(r, 'report-now').click();
    await byTestId(r, 'report-form').waitFor();
    await byTestId(r, 'routed-grid').waitFor();
    await resident.shot('report-form');

    // fire and gas ask their safety question first; "yes, I smell gas" stops the report with the numbers to call
    await byTestId(r, 'category-gas_hazard').click();
    await byTestId(r, 'safety-question').waitFor();
    expect(await byTestId(r, 'submit').count()).toBe(0);
    await byTestId(r, 'safety-yes').click();
    await byTestId(r, 'safety-stop').waitFor();
    expect(await byTestId(r, 'safety-question').getByText('拨打 119', { exact: true }).count()).toBe(1);
    expect(await byTestId(r, 'submit').count()).toBe(0);
    await resident.shot('report-safety-stop');
    await byTestId(r, 'category-ebike_charging').click();
    expect(await byTestId(r, 'safety-question').count()).toBe(0);

    await choosePhoto(r, before, () => byTestId(r, 'add-photo').click());
    await r.getByText('已上传').waitFor({ timeout: 30_000 });
    await r.locator('[data-testid="description"] textarea').fill('3栋2单元楼道里有电动车在充电，电线从一楼窗户拉出来');
    expect(await byTestId(r, 'routed-grid').textContent()).toContain(firstGrid.name);
    await resident.shot('report-filled');

    // tapping "提交上报" twice files one report: both taps land (in the same moment, before the
    // button can turn itself off), and one report comes of them
    const filedBefore = (await api.get('/v1/reports?limit=100', 'u-res-zhang')).json.items.length;
    const taps = await r.evaluate(() => {
      const doc = (globalThis as any).document;
      const el = doc.querySelector('[data-testid="submit"]');
      let n = 0;
      el.addEventListener('click', () => n++, true);
      el.click();
      el.click();
      return n;
    });
    expect(taps).toBe(2);
    await byTestId(r, 'report-detail').waitFor();
    await stack.drainStream();
    expect((await api.get('/v1/reports?limit=100', 'u-res-zhang')).json.items.length).toBe(filedBefore + 1);
    await byTestId(r, 'holder').waitFor();
    await resident.shot('report-sent');
    // a thumbnail opens the full-size photo (a signed link), a tap closes it
    await byTestId(r, 'photo-thumb').click();
    const full = r.locator('.preview-image img').first();
    await full.waitFor();
    await r.waitForFunction(() => [...(globalThis as any).document.querySelectorAll('.preview-image img')].some((i: any) => i.complete && i.naturalWidth > 0));
    await resident.shot('photo-preview');
    await r.locator('.preview-image').click();
    await r.locator('.preview-image').waitFor({ state: 'detached' });
    const mine = (await api.get('/v1/reports?scope=mine', 'u-res-zhang')).json.items;
    expect(mine).toHaveLength(1);
    const reportId = mine[0].id as string;
    expect(await byTestId(r, 'timeline').textContent()).toContain('上报');

    // ---------- grid worker ----------
    const gw = await phone(browser, stack.url, 'grid-worker');
    phones.push(gw);
    const w = gw.page;
    await login(gw, worker.id);
    await byTestId(w, 'task').waitFor();
    await byTestId(w, 'countdown').waitFor();
    await gw.shot('inbox');
    await byTestId(w, 'task').click();
    await byTestId(w, 'task-detail').waitFor();
    await byTestId(w, 'photo-thumb').waitFor();
    expect(await byTestId(w, 'reporter').textContent()).toMatch(/138\*{4}8001/);
    await gw.shot('task-reported');

    await actionButton(w, 'accept').click();
    await actionButton(w, 'dispatch').waitFor();
    await gw.shot('task-accepted');

    await actionButton(w, 'dispatch').click();
    await byTestId(w, 'action-sheet').waitFor();
    await w.getByText('派给自己').waitFor();
    await gw.shot('task-dispatch-sheet');
    await sheetButton(w, '确认派单').click();
    await actionButton(w, 'start').waitFor();

    await actionButton(w, 'start').click();
    await actionButton(w, 'resolve').waitFor();
    await gw.shot('task-in-progress');

    await actionButton(w, 'resolve').click();
    await byTestId(w, 'action-sheet').waitFor();
    await w.locator('[data-testid="resolve-note"] textarea').fill('已劝导住户将电动车移至小区集中充电点，拆除飞线');
    await choosePhoto(w, after, () => w.locator('[data-testid="action-sheet"] [data-testid="add-photo"]').click());
    await w.locator('[data-testid="action-sheet"]').getByText('已上传').waitFor({ timeout: 30_000 });
    await gw.shot('task-resolve-sheet');
    await sheetButton(w, '确认办结').click();
    await w.getByText('这个任务现在不需要您操作').waitFor();
    await gw.shot('task-resolved');

    // ---------- grid leader ----------
    const gl = await phone(browser, stack.url, 'grid-leader');
    phones.push(gl);
    const l = gl.page;
    await login(gl, leader.id);
    await byTestId(l, 'task').waitFor();
    await gl.shot('inbox');
    await l.locator('[data-testid="task"]', { hasText: '电动车' }).first().click();
    await actionButton(l, 'verify').waitFor();
    await gl.shot('task-to-verify');
    await actionButton(l, 'verify').click();
    await actionButton(l, 'close').waitFor();
    await actionButton(l, 'close').click();
    await l.getByText('这个任务现在不需要您操作').waitFor();
    await gl.shot('task-closed');

    // ---------- resident rates ----------
    await r.reload();
    await byTestId(r, 'rating-form').waitFor();
    await resident.shot('report-closed-survey');
    await byTestId(r, 'score-satisfied').click();
    await r.locator('[data-testid="rating-form"] taro-button-core').click();
    await byTestId(r, 'rating-done').waitFor();
    await resident.shot('report-rated');
    const timeline = (await byTestId(r, 'timeline').textContent()) ?? '';
    for (const step of ['上报', '受理', '派单', '开始处置', '办结', '核查通过', '结案']) expect(timeline).toContain(step);

    const final = (await api.get(`/v1/reports/${reportId}`, 'u-res-zhang')).json;
    expect(final.status).toBe('closed');
    expect(final.rating.score).toBe('satisfied');
    expect(final.photos.map((p: { kind: string }) => p.kind).sort()).toEqual(['after', 'report']);

    // home shows it closed
    await r.goto('/');
    await byTestId(r, 'my-report').waitFor();
    await resident.shot('home-with-report');

    expect(phones.flatMap((p) => p.errors)).toEqual([]);
  });
});

describe('the grid leader dispatches from the staff picker', () => {
  it('lists the grid\'s staff with role, duty and open tasks, and dispatches to the one chosen', async () => {
    const grid = (await api.get('/v1/areas?level=grid')).json.items[1];
    const users = (await api.get('/v1/dev/users')).json.items as Array<{ id: string; role: string; name: string; areaIds: string[] }>;
    const leader = users.find((u) => u.role === 'grid_leader' && u.areaIds.includes(grid.parentId))!;
    const worker = users.find((u) => u.role === 'grid_worker' && u.areaIds.includes(grid.id))!;
    const filed = await api.post(
      '/v1/reports',
      { category: 'fire_exit_blocked', description: '楼梯间堆满纸箱，挡住了安全出口', location: { lat: grid.centroid.lat, lng: grid.centroid.lng, datum: 'gcj02' }, photos: [], anonymous: false, source: 'app' },
      'u-res-li',
      { 'Idempotency-Key': randomBytes(8).toString('hex') },
    );
    expect(filed.status).toBe(201);
    const id = filed.json.id as string;
    expect((await api.post(`/v1/reports/${id}/actions`, { action: 'accept' }, leader.id)).status).toBe(200);

    const gl = await phone(browser, stack.url, 'leader-dispatch');
    phones.push(gl);
    const l = gl.page;
    await login(gl, leader.id);
    await l.waitForURL(/staff\/inbox/);
    await l.goto(`/#/staff/task/index?id=${encodeURIComponent(id)}`);
    await actionButton(l, 'dispatch').click();
    await byTestId(l, 'action-sheet').waitFor();
    await byTestId(l, 'assignee-load').waitFor();
    const option = l.locator('[data-testid="assignee-option"]', { hasText: worker.name });
    await option.waitFor();
    expect(await option.textContent()).toMatch(/网格员.*(在岗|休息|请假).*(未办结)/);
    await gl.shot('task-dispatch-picker');
    await option.click();
    await sheetButton(l, '确认派单').click();
    await byTestId(l, 'action-sheet').waitFor({ state: 'detached' });
    const after = (await api.get(`/v1/reports/${id}`, leader.id)).json;
    expect(after.status).toBe('dispatched');
    expect(after.assignee.name).toBe(worker.name);
    expect(gl.errors).toEqual([]);
  });
});

describe('the dispatch centre in a desktop browser', () => {
  it('shows KPI cards, every grid on the heat map over the vector basemap, and the 重复隐患 list', async () => {
    const centre = await phone(browser, stack.url, 'dispatcher', { width: 1280, height: 800 });
    phones.push(centre);
    const d = centre.page;
    await login(centre, 'u-dp-yuehai');
    await byTestId(d, 'kpis').waitFor();
    await d.locator('.leaflet-overlay-pane path').first().waitFor();
    const grids = (await api.get('/v1/stats/heatmap', 'u-dp-yuehai')).json.features.length;
    expect(await d.locator('.leaflet-overlay-pane path').count()).toBe(grids);
    // over a real basemap: the vector roads with their names (no tile server locally)
    await d.locator('.wsb-label--road').first().waitFor({ state: 'attached' });
    expect(await d.locator('.wsb-label--grid').count()).toBeGreaterThan(0);
    // and drawn: on a seeded road the pixels are road, not the land (or the heat shading) beside it
    const basemap = (await api.get('/v1/areas/basemap')).json;
    const road = basemap.roads.features.find((f: any) => f.properties.kind === 'main');
    const seen = await roadPixels(d.locator('.leaflet-container').first(), pointOnRoad(road), 16);
    for (const c of seen.contrasts) expect(c, `road pixels ${JSON.stringify(seen.onRoad)}`).toBeGreaterThan(20);
    await byTestId(d, 'repeats').or(d.getByText('90 天内没有重复发生的隐患')).waitFor();
    expect(await byTestId(d, 'kpis').textContent()).toContain('满意率');
    await centre.shot('dashboard');
    expect(centre.errors).toEqual([]);
  });
});
