/**
 * The staff and dispatch screens at their edges, in headless Chromium on the h5 build (375x667
 * phones): the grid worker calls a named reporter with one tap (through the audited reveal) and
 * sees no call button on an anonymous report; opens the report's map (the basemap with the pin
 * and its building); takes a new report on with one tap (受理并接单: accepted and dispatched to
 * self in one request); finds the rare actions under 更多; inserts the category's canned replies
 * with one tap; the inbox tabs carry their counts; a grid leader's 已超时 tab lists another
 * worker's overdue report; and the dispatch centre on a phone says who holds each overdue item,
 * since when and how late, opens a grid's figures with a tap (another tap closes them), and never
 * breaks a label inside its brackets. A screenshot of every screen in tests/e2e/artifacts/.
 */
import { startWorld, stopWorld } from './e2e-stack.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Browser, Page, Request } from 'playwright-core';
import type { Stack } from '../../functions/local/stack.ts';
import { phone, type Phone } from './support.ts';
import { Api } from '../support/stack.ts';

let stack: Stack;
let api: Api;
let browser: Browser;
const phones: Phone[] = [];

const WORKER = 'u-gw-kejiyuan-01';
const WORKER2 = 'u-gw-kejiyuan-02';
const LEADER = 'u-gl-kejiyuan';
const DISPATCHER = 'u-dp-yuehai';
const HOUR = 3_600_000;

const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).first();
const actionButton = (page: Page, action: string) => page.locator(`taro-button-core[data-action="${action}"]`);
const sheetButton = (page: Page, text: string) => page.locator('[data-testid="action-sheet"] taro-button-core', { hasText: text });

/** Chromium has no dialler: the tel: link Taro's makePhoneCall follows is refused with this. */
const NO_DIALLER = /Failed to launch 'tel:/;
const errorsOf = (p: Phone) => p.errors.filter((e) => !NO_DIALLER.test(e));

async function signIn(p: Phone, userId: string, home: RegExp) {
  await p.page.goto('/');
  await byTestId(p.page, `user-${userId}`).click();
  await p.page.waitForURL(home);
}

async function openTask(p: Phone, id: string) {
  await p.page.goto(`/#/staff/task/index?id=${encodeURIComponent(id)}`);
  await byTestId(p.page, 'task-detail').waitFor();
}

/** A report filed by a resident in the register's building `buildingId`, as the app files it. */
async function file(as: string, buildingId: string, category: string, description: string, anonymous = false): Promise<string> {
  const r = await api.post('/v1/reports', { category, description, buildingId, photos: [], anonymous, source: 'app' }, as, { 'Idempotency-Key': randomBytes(8).toString('hex') });
  expect(r.status, r.text).toBe(201);
  return r.json.id as string;
}

beforeAll(async () => {
  ({ stack, api, browser } = await startWorld());
});

afterAll(() => stopWorld({ stack, browser }, phones));

describe('staff screens at their edges', () => {
  it('call, map, one-tap take, 更多, canned replies and the inbox counts, as the grid worker', async () => {
    // a building of the first grid with a surveyed footprint (villages are points), to outline on the map
    const buildings = (await api.get('/v1/buildings?gridId=gr-kejiyuan-01&limit=100')).json.items as Array<{ id: string; name: string; label: string }>;
    const outlined = new Set(((await api.get('/v1/areas/basemap')).json.buildings.features as Array<{ properties: { id: string }; geometry: { type: string } }>).filter((f) => f.geometry.type !== 'Point').map((f) => f.properties.id));
    const building = buildings.find((b) => outlined.has(b.id))!;
    expect(building).toBeTruthy();
    const named = await file('u-res-zhang', building.id, 'ebike_charging', '楼道里有电动车在充电，电线从窗户拉出来');
    const anonymous = await file('u-res-li', building.id, 'fire_exit_blocked', '安全出口被杂物堵住', true);
    await stack.drainStream();
    const named0 = (await api.get(`/v1/reports/${named}`, WORKER)).json;
    expect(named0.assignee.name).toBeTruthy();

    const gw = await phone(browser, stack.url, 'edges-worker');
    phones.push(gw);
    const w = gw.page;
    await signIn(gw, WORKER, /staff\/inbox/);

    // ---- the inbox: every tab but 已完成 says how many it holds, from one counts request
    await byTestId(w, 'tab-count-open').waitFor();
    const counts = (await api.get('/v1/tasks/counts', WORKER)).json;
    expect(counts.open).toBeGreaterThanOrEqual(2);
    for (const tab of ['open', 'due_soon', 'overdue'] as const) expect((await byTestId(w, `tab-count-${tab}`).textContent())?.trim()).toBe(String(counts[tab]));
    expect(await byTestId(w, 'tab-count-done').count()).toBe(0);
    expect(await w.locator('[data-testid="task"]').count()).toBe(counts.open);
    await gw.shot('inbox-counts');

    // ---- anonymous: nobody to call
    await openTask(gw, anonymous);
    expect((await byTestId(w, 'reporter').textContent())?.trim()).toBe('匿名上报');
    expect(await byTestId(w, 'call-reporter').count()).toBe(0);
    await gw.shot('task-anonymous');

    // ---- named: the masked number and a call button (tapped last: see the end)
    await openTask(gw, named);
    expect(await byTestId(w, 'reporter').textContent()).toMatch(/138\*{4}8001/);
    await byTestId(w, 'call-reporter').waitFor();
    await gw.shot('task-reported');

    // ---- the map: a sheet over the basemap with the report's pin and its building outlined
    await byTestId(w, 'open-map').click();
    const sheet = byTestId(w, 'map-sheet');
    await sheet.waitFor();
    await sheet.locator('.leaflet-container').waitFor();
    await sheet.locator('.leaflet-marker-pane path').first().waitFor({ state: 'attached' });
    await sheet.locator('.leaflet-overlay-pane path[stroke="#1a5fcc"]').first().waitFor({ state: 'attached' });
    expect(await sheet.textContent()).toContain(building.name);
    expect(await byTestId(w, 'map-coords').textContent()).toMatch(/GCJ-02.*\d+\.\d{6}, \d+\.\d{6}/);
    await gw.shot('task-map', { screen: true });
    await sheet.locator('taro-button-core', { hasText: '关闭地图' }).click();
    await sheet.waitFor({ state: 'detached' });

    // ---- 更多: two buttons in the bar at most, the rare actions one tap further
    const bar = byTestId(w, 'action-bar');
    expect(await bar.locator('taro-button-core[data-action]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).toEqual(['take', 'accept']);
    expect((await actionButton(w, 'accept').textContent())?.trim()).toBe('仅受理');
    for (const rare of ['transfer', 'hand_back', 'reject', 'merge']) expect(await actionButton(w, rare).count(), rare).toBe(0);
    await byTestId(w, 'more').click();
    const more = byTestId(w, 'more-sheet');
    await more.waitFor();
    expect(await more.locator('taro-button-core[data-action]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).toEqual(['transfer', 'hand_back', 'reject', 'merge']);
    await gw.shot('task-more', { screen: true });
    await more.locator('taro-button-core', { hasText: '取消' }).click();
    await more.waitFor({ state: 'detached' });

    // ---- one tap takes it on: one request, accepted and dispatched to self
    const posts: Request[] = [];
    w.on('request', (req) => {
      if (req.method() === 'POST' && req.url().includes('/actions')) posts.push(req);
    });
    await actionButton(w, 'take').click();
    await actionButton(w, 'start').waitFor();
    expect(posts.map((p) => JSON.parse(p.postData() ?? '{}').action)).toEqual(['take']);
    const taken = (await api.get(`/v1/reports/${named}`, WORKER)).json;
    expect(taken).toMatchObject({ status: 'dispatched', version: named0.version + 1, assignee: named0.assignee });
    expect(taken.timeline.map((e: { action: string }) => e.action)).toEqual(['report', 'route', 'take']);
    expect(await byTestId(w, 'timeline').textContent()).toContain('受理并接单');
    await gw.shot('task-taken');

    // ---- canned replies: the category's notes for 处置中, one tap puts one in the note
    await actionButton(w, 'start').click();
    await actionButton(w, 'resolve').waitFor();
    await actionButton(w, 'resolve').click();
    const resolveSheet = byTestId(w, 'action-sheet');
    await resolveSheet.waitFor();
    const categories = (await api.get('/v1/categories')).json.items as Array<{ code: string; replies?: Array<{ text: string; field: string; states: string[] }> }>;
    const notes = categories.find((c) => c.code === 'ebike_charging')!.replies!.filter((r) => r.field === 'note' && (r.states.length === 0 || r.states.includes('in_progress'))).map((r) => r.text);
    expect(notes.length).toBeGreaterThan(0);
    expect(await resolveSheet.locator('[data-testid="reply"]').allTextContents()).toEqual(notes);
    await resolveSheet.locator('[data-testid="reply"]', { hasText: notes[0]! }).click();
    expect(await w.locator('[data-testid="resolve-note"] textarea').inputValue()).toBe(notes[0]);
    await gw.shot('task-resolve-replies', { screen: true });
    await sheetButton(w, '取消').click();

    // ---- a reason reply, sent: the anonymous report turned down with a canned reason and one tap
    await openTask(gw, anonymous);
    await byTestId(w, 'more').click();
    await byTestId(w, 'more-sheet').locator('taro-button-core[data-action="reject"]').click();
    const reasons = categories.find((c) => c.code === 'fire_exit_blocked')!.replies!.filter((r) => r.field === 'reason' && (r.states.length === 0 || r.states.includes('reported'))).map((r) => r.text);
    expect(reasons.length).toBeGreaterThan(0);
    await byTestId(w, 'action-sheet').locator('[data-testid="reply"]', { hasText: reasons[0]! }).click();
    await gw.shot('task-reject-replies', { screen: true });
    await sheetButton(w, '确认不予受理').click();
    await byTestId(w, 'action-sheet').waitFor({ state: 'detached' });
    const rejected = (await api.get(`/v1/reports/${anonymous}`, WORKER)).json;
    expect(rejected.status).toBe('rejected');
    expect(rejected.timeline.at(-1).note).toBe(reasons[0]);

    // ---- the call, last: the tap asks for the audited reveal, then dials (Taro's makePhoneCall
    // follows a tel: link, which headless Chromium cannot open, and the tab then takes no more
    // taps: this phone is done after it)
    await openTask(gw, named);
    expect(await byTestId(w, 'reporter').textContent()).toMatch(/138\*{4}8001/);
    const dialled = w.waitForRequest((req) => req.url().startsWith('tel:'));
    const reveal = w.waitForResponse((res) => res.url().endsWith(`/v1/reports/${named}/reveal-phone`) && res.request().method() === 'POST');
    await byTestId(w, 'call-reporter').click();
    expect((await reveal).status()).toBe(200);
    expect((await dialled).url()).toBe('tel:13800138001');
    await expect.poll(() => byTestId(w, 'reporter').textContent()).toContain('13800138001');
    await gw.shot('task-called', { screen: true });
    const audit = (await api.get(`/v1/audit?reportId=${named}`, 'u-admin')).json.items as Array<{ what: string; actorId: string }>;
    expect(audit.filter((e) => e.what === 'reveal_phone').map((e) => e.actorId)).toEqual([WORKER]);
    // the anonymous report was never revealed
    expect(((await api.get(`/v1/audit?reportId=${anonymous}`, 'u-admin')).json.items as Array<{ what: string }>).some((e) => e.what === 'reveal_phone')).toBe(false);

    expect(errorsOf(gw)).toEqual([]);
  });

  it("a grid leader's 已超时 tab lists another worker's overdue report, and the centre's phone says who holds each and how late", async () => {
    // a report of the community's second grid, filed 5 h ago (2 h to accept): late, held by its worker
    const flows = await import('../../functions/src/flows/reports.ts');
    const users = await import('../../functions/src/store/users.ts');
    const grid2 = ((await api.get('/v1/areas?level=grid')).json.items as Array<{ id: string; centroid: { lat: number; lng: number } }>).find((g) => g.id === 'gr-kejiyuan-02')!;
    const late = await flows.createReport((await users.getUser('u-res-wang'))!, { category: 'unsafe_wiring', description: '二号网格：楼道私拉电线', location: grid2.centroid, photos: [], anonymous: false, source: 'app' }, new Date(Date.now() - 5 * HOUR));
    expect(late.assignee?.id).toBe(WORKER2);
    await stack.drainStream();

    const gl = await phone(browser, stack.url, 'edges-leader');
    phones.push(gl);
    const l = gl.page;
    await signIn(gl, LEADER, /staff\/inbox/);
    await byTestId(l, 'tab-count-overdue').waitFor();
    const counts = (await api.get('/v1/tasks/counts', LEADER)).json;
    expect((await byTestId(l, 'tab-count-overdue').textContent())?.trim()).toBe(String(counts.overdue));
    expect(counts.overdue).toBeGreaterThanOrEqual(1);
    await byTestId(l, 'tab-overdue').click();
    const item = l.locator('[data-testid="task"]', { hasText: '私拉电线' });
    await item.waitFor();
    expect(await l.locator('[data-testid="task"]').count()).toBe(counts.overdue);
    expect(await item.locator('[data-testid="holder-line"]').textContent()).toContain(`网格员 ${late.assignee!.name} 负责`);
    expect(await item.locator('[data-testid="countdown"]').textContent()).toMatch(/^已超时 [23] 小时/);
    await gl.shot('inbox-leader-overdue');
    // the worker of the first grid does not have it
    expect(((await api.get('/v1/tasks?state=overdue&limit=100', WORKER)).json.items as Array<{ id: string }>).some((i) => i.id === late.id)).toBe(false);
    await item.click();
    await byTestId(l, 'task-detail').waitFor();
    await gl.shot('task-leader-late');
    expect(gl.errors).toEqual([]);

    // ---- the dispatch centre on a phone (touch): overdue list, the map by tap, labels unbroken
    const centre = await phone(browser, stack.url, 'edges-centre', undefined, { hasTouch: true, isMobile: true });
    phones.push(centre);
    const d = centre.page;
    await signIn(centre, DISPATCHER, /dispatch\/dashboard/);
    await byTestId(d, 'kpis').waitFor();
    // the centre's list names the kind and the place (no descriptions): this grid's only late one
    const row = d.locator('[data-testid="overdue-item"]', { hasText: '私拉乱接电线' });
    await row.waitFor();
    expect(await row.textContent()).toContain(late.placeLabel);
    expect(await row.locator('[data-testid="holder-line"]').textContent()).toMatch(new RegExp(`^网格员 ${late.assignee!.name} 负责 · \\d+月\\d+日 \\d{2}:\\d{2} 起$`));
    expect(await row.locator('[data-testid="late-by"]').textContent()).toMatch(/^已超时 3 小时/);

    // labels keep their brackets whole: each bracketed part is one line box
    const split = await d.evaluate(() => {
      const doc = (globalThis as any).document;
      return [...doc.querySelectorAll('[data-nobr]')].filter((el: any) => el.getClientRects().length > 1).map((el: any) => el.textContent);
    });
    expect(await d.locator('[data-nobr]').count()).toBeGreaterThan(3);
    expect(split).toEqual([]);

    // the heat map: a tap on a grid opens its figures, a tap outside every grid closes them
    await d.locator('.leaflet-overlay-pane path').first().waitFor();
    await byTestId(d, 'base-map').scrollIntoViewIfNeeded();
    const grid = await d.evaluate(() => {
      const doc = (globalThis as any).document;
      const r = [...doc.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive')].map((p: any) => p.getBoundingClientRect()).find((x: any) => x.width > 30 && x.height > 30 && x.top > 0);
      return r ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : null;
    });
    expect(grid).not.toBeNull();
    // the map's left edge, inside the padding leaflet keeps around the grids when it fits them
    const box = (await d.locator('[data-testid="base-map"] .leaflet-container').boundingBox())!;
    const outside = { x: box.x + 4, y: box.y + box.height / 2 + 30 };
    expect(await d.evaluate(({ x, y }) => !(globalThis as any).document.elementFromPoint(x, y)?.classList.contains('leaflet-interactive'), outside)).toBe(true);

    const tip = byTestId(d, 'map-tip');
    await d.touchscreen.tap(grid!.x, grid!.y);
    await tip.waitFor();
    expect(await tip.textContent()).toMatch(/未办结 \d+ · 超时 \d+/);
    // no leaflet tooltip on a phone: hover never comes, the card takes its place
    expect(await d.locator('.leaflet-tooltip').count()).toBe(0);
    await centre.shot('dashboard-phone-tip', { screen: true });
    await d.touchscreen.tap(outside.x, outside.y);
    await tip.waitFor({ state: 'detached' });
    // and its × closes it too
    await d.touchscreen.tap(grid!.x, grid!.y);
    await tip.waitFor();
    await byTestId(d, 'map-tip-close').click();
    await tip.waitFor({ state: 'detached' });
    await centre.shot('dashboard-phone');
    expect(centre.errors).toEqual([]);
  });
});
