/**
 * Community responders (群防群治, issue 16) in headless Chromium on the h5 build (375x667 phones):
 * a volunteer signs in to the resident home, opens 协助任务 and goes on duty — the page says
 * plainly what sharing the position means and shares it (the phone's geolocation, granted); the
 * grid worker sees them recommended on the task page with the reason, and asks for help from the
 * 请求协助 form; the volunteer sees the offer card (need, category, place, distance, requester,
 * nothing of the reporter), accepts, arrives (the position now, at the place) and finishes with
 * a note; the worker sees the offer done and rates it 5 stars; the resident's timeline tells of
 * the help without a name; the points page shows what it earned. A resident applies
 * (申请成为平安志愿者) and the community's grid leader approves from the review list; the
 * dashboard shows the responders' figures. axe-core finds no serious or critical violation on any
 * of the new screens. A screenshot of every screen in tests/e2e/artifacts/.
 */
import { startWorld, stopWorld } from './e2e-stack.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '../../functions/local/stack.ts';
import { toWgs84 } from '../../functions/src/geo/datum.ts';
import { axe, axeReport, phone, type Phone } from './support.ts';
import { Api } from '../support/stack.ts';

let stack: Stack;
let api: Api;
let browser: Browser;
const phones: Phone[] = [];

const WORKER = 'u-gw-kejiyuan-01';
const LEADER = 'u-gl-kejiyuan';
const DISPATCHER = 'u-dp-yuehai';
const VOLUNTEER = 'u-vol-kejiyuan-1';
const APPLICANT = 'u-res-li';

const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).first();
const offerCard = (page: Page, list: string, state: string) => page.locator(`[data-testid="${list}"] [data-testid="offer-card"][data-state="${state}"]`).first();

/** axe on the screen as it is now, and a screenshot of it. */
async function check(p: Phone, screen: string, failures: string[]) {
  await p.page.waitForTimeout(300); // let sheets and toasts settle
  const found = await axe(p.page);
  if (found.length) failures.push(axeReport(`${p.name} ${screen}`, found));
  await p.shot(screen);
}

async function signIn(p: Phone, userId: string, home: RegExp) {
  await p.page.goto('/');
  await byTestId(p.page, `user-${userId}`).click();
  await p.page.waitForURL(home);
}

beforeAll(async () => {
  ({ stack, api, browser } = await startWorld());
});

afterAll(() => stopWorld({ stack, browser }, phones));

describe('community responders in the browser', () => {
  it('a volunteer goes on duty, is asked from the task page, accepts, arrives and finishes; the worker rates', async () => {
    const failures: string[] = [];
    // a report in the first grid of 科技园社区, in a building of the register, taken on by its worker
    const building = ((await api.get('/v1/buildings?gridId=gr-kejiyuan-01&limit=20')).json.items as Array<{ id: string }>)[0]!;
    const filed = await api.post('/v1/reports', { category: 'fire_exit_blocked', description: '消防通道被电动车和杂物堵住', buildingId: building.id, photos: [], anonymous: false, source: 'app' }, 'u-res-zhang', {
      'Idempotency-Key': randomBytes(8).toString('hex'),
    });
    expect(filed.status, filed.text).toBe(201);
    const reportId = filed.json.id as string;
    await stack.drainStream();
    const took = await api.post(`/v1/reports/${reportId}/actions`, { action: 'take' }, WORKER);
    expect(took.status, took.text).toBe(200);
    const place = took.json.location as { lat: number; lng: number };
    // the volunteer starts off duty: going on duty is theirs to do in the app
    const off = await api.call('PUT', '/v1/me/duty', { as: VOLUNTEER, body: { state: 'off_duty' } });
    expect(off.status, off.text).toBe(200);

    // ---------- the volunteer: the resident home, then 协助任务 ----------
    const at = toWgs84(place, 'gcj02'); // the phone's browser reports WGS-84
    const vol = await phone(browser, stack.url, 'volunteer', undefined, { geolocation: { latitude: at.lat, longitude: at.lng, accuracy: 10 }, permissions: ['geolocation'] });
    phones.push(vol);
    const v = vol.page;
    await signIn(vol, VOLUNTEER, /pages\/index\/index/);
    await byTestId(v, 'assist-entry').waitFor();
    await byTestId(v, 'report-now').waitFor(); // they still report like a resident
    await check(vol, 'volunteer-home', failures);
    await byTestId(v, 'assist-entry').click();
    await byTestId(v, 'duty-card').waitFor();
    expect(await byTestId(v, 'duty-card').getAttribute('data-duty')).toBe('off');
    expect(await byTestId(v, 'sharing-rules').textContent()).toBe('在岗期间每 30 秒共享一次位置，仅保留最后一次，15 分钟后自动失效；下岗即删除。仅用于就近派单。');
    await check(vol, 'offers-off-duty', failures);
    const positions: string[] = [];
    v.on('request', (req) => {
      if (req.method() === 'PUT' && req.url().includes('/v1/me/position')) positions.push(req.postData() ?? '');
    });
    await v.locator('[data-testid="duty-switch"] input').click();
    await v.locator('[data-testid="duty-card"][data-duty="on"]').waitFor();
    await v.locator('[data-testid="share-status"][data-state="shared"]').waitFor({ timeout: 15_000 });
    expect(positions.length).toBe(1);
    expect(JSON.parse(positions[0]!)).toMatchObject({ datum: 'gcj02', accuracy: 10 });
    expect((await api.get('/v1/me', VOLUNTEER)).json.duty).toBe('on_duty');
    await check(vol, 'offers-on-duty', failures);

    // ---------- the worker: 请求协助 on the task page ----------
    const gw = await phone(browser, stack.url, 'worker');
    phones.push(gw);
    const w = gw.page;
    await signIn(gw, WORKER, /staff\/inbox/);
    await w.goto(`/#/staff/task/index?id=${encodeURIComponent(reportId)}`);
    await byTestId(w, 'assist-panel').waitFor();
    await byTestId(w, 'assists-empty').waitFor(); // GET /v1/reports/{id}/assists: none yet
    const recommended = w.locator(`[data-testid="recommendation"][data-user="${VOLUNTEER}"]`);
    await recommended.waitFor({ timeout: 15_000 });
    expect(await recommended.locator('[data-testid="recommendation-reason"]').textContent()).toMatch(/距离 \d+ 米 · 擅长消防 · 当前 \d+ 件在办/);
    await byTestId(w, 'assist-open').click();
    await w.locator('[data-testid="assist-need"] input').fill('协助疏通消防通道，搬走杂物');
    await byTestId(w, 'assist-skill-消防').click();
    await check(gw, 'task-assist-form', failures);
    await byTestId(w, 'assist-submit').click();
    const assist = byTestId(w, 'assist');
    await assist.waitFor();
    await assist.locator(`[data-testid="assist-offer"][data-user="${VOLUNTEER}"][data-state="offered"]`).waitFor();
    await check(gw, 'task-assist-sent', failures);

    // ---------- the volunteer: the offer card, accept, arrive, done ----------
    await v.reload();
    const offered = offerCard(v, 'offered-list', 'offered');
    await offered.waitFor({ timeout: 15_000 });
    const text = (await offered.textContent()) ?? '';
    expect(text).toContain('协助疏通消防通道，搬走杂物');
    expect(text).toContain('消防通道');
    expect(await offered.locator('[data-testid="offer-distance"]').textContent()).toMatch(/距您约 \d+ 米/);
    expect(await offered.locator('[data-testid="offer-requester"]').textContent()).toContain('网格员');
    expect(text).not.toContain('张女士'); // never who reported
    expect(text).not.toMatch(/138\d{8}|138\*{4}/);
    await check(vol, 'offers-offered', failures);
    await offered.locator('[data-testid="offer-accept"]').click();
    const held = offerCard(v, 'mine-list', 'accepted');
    await held.waitFor();
    await check(vol, 'offers-held', failures);
    await held.locator('[data-testid="offer-arrive"]').click();
    const there = offerCard(v, 'mine-list', 'arrived');
    await there.waitFor();
    await there.locator('[data-testid="offer-done"]').click();
    await byTestId(v, 'done-sheet').waitFor();
    await v.locator('[data-testid="done-note"] textarea').fill('杂物已搬走，通道已畅通');
    await check(vol, 'offers-done-sheet', failures);
    await byTestId(v, 'done-submit').click();
    await offerCard(v, 'done-list', 'done').waitFor();
    await byTestId(v, 'done-sheet').waitFor({ state: 'detached' });
    await vol.shot('offers-done');

    // ---------- the worker: the offer done, rated 5 stars ----------
    // a fresh page knows the report's assists from the API alone (nothing kept on the device)
    const listed = w.waitForResponse((res) => res.request().method() === 'GET' && res.url().endsWith(`/v1/reports/${encodeURIComponent(reportId)}/assists`));
    await w.reload();
    expect((await listed).status()).toBe(200);
    const done = w.locator(`[data-testid="assist-offer"][data-user="${VOLUNTEER}"][data-state="done"]`);
    await done.waitFor({ timeout: 15_000 });
    await done.locator('[data-testid="star-5"]').click();
    await check(gw, 'task-assist-rating', failures);
    await done.locator('[data-testid="assist-rate"]').click();
    await w.locator(`[data-testid="assist-offer"][data-user="${VOLUNTEER}"] [data-testid="assist-rated"][data-score="5"]`).waitFor();
    expect(await byTestId(w, 'timeline').textContent()).toContain('到场协助');
    await gw.shot('task-assist-rated');

    // the resident reads that help came, by kind, never a name
    const story = (await api.get(`/v1/reports/${reportId}`, 'u-res-zhang')).json;
    const lines = (story.timeline as Array<{ action: string; note: string | null; actor: { name: string } | null }>).filter((e) => e.action.startsWith('assist_'));
    expect(lines.map((e) => e.note)).toContain('平安志愿者 已到场协助');
    expect(JSON.stringify(lines)).not.toContain('赵志愿');

    // ---------- the volunteer's points ----------
    const points = (await api.get('/v1/me/points', VOLUNTEER)).json as { total: number };
    expect(points.total).toBeGreaterThan(0);
    await v.goto('/#/volunteer/points/index');
    await byTestId(v, 'points-history').waitFor();
    expect(await byTestId(v, 'points-total').textContent()).toContain(String(points.total));
    await byTestId(v, 'leaderboard').waitFor();
    await check(vol, 'points', failures);

    // ---------- going off duty deletes the position ----------
    await v.goto('/#/volunteer/offers/index');
    await byTestId(v, 'duty-card').waitFor();
    await v.locator('[data-testid="duty-switch"] input').click();
    await v.locator('[data-testid="duty-card"][data-duty="off"]').waitFor();
    expect((await api.get('/v1/me', VOLUNTEER)).json.duty).toBe('off_duty');

    expect(failures, failures.join('\n')).toEqual([]);
    expect([...vol.errors, ...gw.errors]).toEqual([]);
  });

  it('a resident applies, the grid leader approves from the review list, the dashboard shows the figures', async () => {
    const failures: string[] = [];
    const res = await phone(browser, stack.url, 'applicant');
    phones.push(res);
    const r = res.page;
    await signIn(res, APPLICANT, /pages\/index\/index/);
    await byTestId(r, 'responder-entry').waitFor();
    expect(await byTestId(r, 'responder-entry').getAttribute('data-state')).toBe('none');
    await byTestId(r, 'responder-entry').click();
    await byTestId(r, 'apply-form').waitFor();
    await check(res, 'apply-form', failures);
    await byTestId(r, 'community-cm-kejiyuan').click();
    await byTestId(r, 'kind-guard').click();
    await byTestId(r, 'skill-急救').click();
    await byTestId(r, 'skill-调解').click();
    await r.locator('[data-testid="apply-name"] input').fill('李先生');
    await byTestId(r, 'apply-submit').click();
    await r.locator('[data-testid="apply-status"][data-status="pending"]').waitFor();
    await check(res, 'apply-pending', failures);

    const gl = await phone(browser, stack.url, 'leader');
    phones.push(gl);
    const l = gl.page;
    await signIn(gl, LEADER, /staff\/inbox/);
    await byTestId(l, 'volunteers-link').click();
    const application = l.locator(`[data-testid="application"][data-user="${APPLICANT}"]`);
    await application.waitFor();
    expect(await application.textContent()).toContain('擅长急救、调解');
    await check(gl, 'volunteers-review', failures);
    await application.locator('[data-testid="approve"]').click();
    await application.waitFor({ state: 'detached' });
    expect((await api.get('/v1/me', APPLICANT)).json.role).toBe('volunteer');

    // the resident, now a responder: the home leads to 协助任务
    await r.goto('/');
    await byTestId(r, 'assist-entry').waitFor();

    // the dispatch centre: the responders' figures for the street
    await stack.drainStream();
    const dp = await phone(browser, stack.url, 'dispatcher');
    phones.push(dp);
    await signIn(dp, DISPATCHER, /dispatch\/dashboard/);
    await byTestId(dp.page, 'assist-figures').waitFor({ timeout: 15_000 });
    expect(await dp.page.locator('[data-testid="assist-kpi"]').count()).toBe(7);
    await byTestId(dp.page, 'assist-pool-volunteer').waitFor();
    await dp.shot('dashboard-assists');

    expect(failures, failures.join('\n')).toEqual([]);
    expect([...res.errors, ...gl.errors, ...dp.errors]).toEqual([]);
  });
});
