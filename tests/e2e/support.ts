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
