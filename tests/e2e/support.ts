/**
 * Browser side of the e2e tests: Debian's Chromium driven by playwright-core (no browser is ever
 * downloaded), phones at 375x667, each console error and page error recorded, screenshots kept
 * under tests/e2e/artifacts/ (ignored by git) so a person can look at every screen.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), 'artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launch(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface Phone {
  name: string;
  context: BrowserContext;
  page: Page;
  /** console errors and uncaught page errors seen so far */
  errors: string[];
  /** a screenshot of the whole page; `{ screen: true }`: only what is on the phone's screen now */
  shot(name: string, opts?: { screen?: boolean }): Promise<string>;
}

let shotNo = 0;

/**
 * A browser context as one person's phone. `options` adds to the defaults, e.g. where the phone
 * is: `{ geolocation: { latitude, longitude, accuracy }, permissions: ['geolocation'] }` (WGS-84,
 * as a real phone's browser reports it); without the permission the page's request is refused.
 */
export async function phone(browser: Browser, baseURL: string, name: string, viewport = { width: 375, height: 667 }, options: BrowserContextOptions = {}): Promise<Phone> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 2, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', baseURL, ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`[${name}] console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`[${name}] pageerror: ${e.message}`));
  return {
    name,
    context,
    page,
    errors,
    async shot(label: string, opts: { screen?: boolean } = {}) {
      const file = join(ARTIFACTS, `${String(++shotNo).padStart(2, '0')}-${name}-${label}.png`);
      if (opts.screen) {
        await page.waitForTimeout(350);
        await page.screenshot({ path: file });
        return file;
      }
      // Taro's h5 pages scroll inside their own container, so a "full page" shot would stop at
      // the fold: grow the window to the page's height for the picture, then put it back.
      await page.waitForTimeout(350); // let toasts and sheets finish animating
      const height = await page.evaluate(() => {
        const { document: doc, innerHeight } = globalThis as any; // runs in the page
        const el = doc.querySelector('.taro_page_show:last-of-type') ?? doc.body;
        return Math.max(el.scrollHeight + (doc.getElementById('taro-navigation-bar')?.offsetHeight ?? 0), innerHeight) as number;
      });
      const size = page.viewportSize()!;
      if (height > size.height) await page.setViewportSize({ width: size.width, height: Math.min(height, 4000) });
      await page.screenshot({ path: file });
      if (height > size.height) await page.setViewportSize(size);
      return file;
    },
  };
}

/** axe-core's browser bundle (injected into a page by `axe()`). */
export const AXE_SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '../../node_modules/axe-core/axe.min.js');

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core on what the page shows now (hidden pages of Taro's stack are skipped by axe) and
 * returns the serious and critical violations, each with the elements it names.
 */
export async function axe(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ path: AXE_SCRIPT });
  const violations = await page.evaluate(async () => {
    const g = globalThis as any;
    const r = (await g.axe.run(g.document, { resultTypes: ['violations'] })) as { violations: any[] };
    return r.violations.map((v) => ({
      id: v.id as string,
      impact: String(v.impact),
      help: v.help as string,
      nodes: (v.nodes as any[]).map((n) => `${(n.target as string[]).join(' ')} — ${String(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300)}`),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** The axe findings in words, one violation a line, for a failure message. */
export const axeReport = (screen: string, found: AxeFinding[]) =>
  found.length ? `${screen}:\n${found.map((v) => `  ${v.id} [${v.impact}] ${v.help}\n${v.nodes.map((n) => `    ${n}`).join('\n')}`).join('\n')}` : '';

/** Taro's h5 storage format: signs a phone in with tokens from the API (no login screen). */
export async function useSession(page: Page, t: { token: string; refreshToken: string | null }) {
  await page.evaluate(([token, refresh]) => {
    const ls = (globalThis as any).localStorage;
    ls.setItem('wsb.token', JSON.stringify({ data: token }));
    if (refresh) ls.setItem('wsb.refresh', JSON.stringify({ data: refresh }));
    else ls.removeItem('wsb.refresh');
  }, [t.token, t.refreshToken] as const);
}

/** Elements people tap on the page now (buttons, radios, links, switches) smaller than `min` px either way. */
export async function smallTapTargets(page: Page, min = 44): Promise<string[]> {
  return page.evaluate((m) => {
    const doc = (globalThis as any).document;
    const sel = 'taro-button-core, button, [role="button"], [role="radio"], [role="link"], [role="switch"], [role="tab"], a[href], taro-switch-core, input[type="checkbox"]';
    const out: string[] = [];
    for (const el of doc.querySelectorAll(sel)) {
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height) continue; // hidden
      // one control inside another (Taro's <button> in its <taro-button-core>): the outer one counts
      if (el.parentElement?.closest(sel)) continue;
      if (r.width < m - 0.5 || r.height < m - 0.5) out.push(`${(el.getAttribute('aria-label') || el.textContent || el.tagName).trim().slice(0, 30)} ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  }, min);
}

/**
 * Taps 提交上报 and, when the report has no photo, answers the one-time nudge (有照片处理更快)
 * with 不加照片，直接提交 — what a resident without a photo does. `position`: where on the button.
 */
export async function submitReport(page: Page, opts: { position?: { x: number; y: number } } = {}) {
  await page.click('[data-testid="submit"]', { ...(opts.position ? { position: opts.position } : {}), timeout: 5000 });
  const nudge = page.locator('[data-testid="photo-nudge"]');
  const appeared = await nudge
    .waitFor({ timeout: 1500 })
    .then(() => true)
    .catch(() => false);
  if (appeared) await page.click('[data-testid="nudge-send"]');
}
