/**
 * The weapp build's own pages, run the way WeChat runs them, in miniprogram-simulate (WeChat's
 * j-component: the real exparser component system, templates compiled by the official wcc): the
 * app's app.js starts Taro's runtime and React, a page's script registers the page, and what the
 * page renders comes back through Taro's compiled templates (base.wxml, utils.wxs, comp) as DOM
 * — no stand-ins for Taro or for the app's code.
 *
 * What miniprogram-simulate does not provide, this host does, as small as WeChat's contract:
 * - App/Page/getApp/getCurrentPages. simulate mounts *components* only; a Page's options (top-level
 *   onLoad/onShow/onReady/onUnload and handlers such as Taro's `eh`) are registered here as a
 *   component whose methods they are, and the page lifecycles are called in WeChat's order on
 *   attach (onLoad(query), onShow, then onReady) and detach (onUnload). Taro's page template
 *   binds events to the page's `eh`, a method, so taps reach React's handlers.
 * - The wx APIs the app calls, over simulate's mocks: storage (a Map), login (a fixed code),
 *   request (answered by the test's fake API, never the network), navigation (written down).
 * - A CommonJS copy of the build (support/weapp-copy.ts): simulate `require`s the scripts.
 *
 * Not covered, by what j-component is: layout and styles (the page's WXSS is applied as a style
 * element, nothing is laid out), and WeChat's client itself (its base library, native components,
 * real wx APIs) — this is WeChat's component system and template compiler, not the app in WeChat.
 *
 * Needs a DOM: the test file runs in vitest's happy-dom environment.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** the parts of a DOM element used here (the root tsconfig has no DOM library) */
interface Element {
  tagName: string;
  textContent: string | null;
}
/** the parts of j-component's component used here */
export interface SimComponent {
  dom: Element;
  data: Record<string, unknown>;
  querySelector(selector: string): SimComponent | undefined;
  querySelectorAll(selector: string): SimComponent[];
  dispatchEvent(name: string, options?: object): void;
  attach(parent: Element): void;
  detach(): void;
  instance: Record<string, unknown>;
}
interface Simulate {
  load(path: string, options: { rootPath: string }): string;
  render(id: string): SimComponent;
}
type Options = Record<string, unknown>;
type Fn = (this: unknown, ...a: unknown[]) => unknown;

/** What the fake API answers: status and JSON body. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}
export interface ApiCall {
  method: string;
  path: string;
  body: unknown;
  header: Record<string, string>;
}

export class WeappHost {
  /** every request the app made, in order */
  readonly calls: ApiCall[] = [];
  /** every navigation the app asked for: `${api} ${url}` (e.g. 'reLaunch /pages/consent/index') */
  readonly navigations: string[] = [];
  readonly storage = new Map<string, unknown>();
  private simulate!: Simulate;
  private app: Options | null = null;
  private readonly pages: Record<string, unknown>[] = [];
  /** the route and query of the page being mounted (read by the Page shim on attach) */
  private next: { route: string; query: Record<string, string> } | null = null;
  private readonly mounted = new Set<SimComponent>();
  private readonly loaded = new Map<string, string>();

  /**
   * @param dir a CommonJS copy of the build (support/weapp-copy.ts)
   * @param api the fake API: method and path (with query) in, answer out
   */
  constructor(
    readonly dir: string,
    private readonly api: (call: ApiCall) => ApiAnswer,
  ) {}

  /** Installs WeChat's globals, loads app.js (Taro's runtime, React, the app) and launches it. */
  boot(): this {
    this.simulate = require('miniprogram-simulate') as Simulate;
    const g = globalThis as unknown as Record<string, unknown>;
    g.App = (options: Options) => void (this.app = options);
    g.getApp = () => this.app;
    g.getCurrentPages = () => this.pages;
    g.Page = (options: Options) => this.registerPage(options);
    this.installWx(g.wx as Record<string, unknown>);
    require(join(this.dir, 'app.js'));
    if (!this.app) throw new Error('app.js did not call App()');
    (this.app.onLaunch as Fn | undefined)?.call(this.app, { path: '', query: {}, scene: 1001 });
    (this.app.onShow as Fn | undefined)?.call(this.app, { path: '', query: {}, scene: 1001 });
    return this;
  }

  /** Mounts one page of the build ('pages/login/index') with its query, as WeChat opens it. */
  mount(route: string, query: Record<string, string> = {}): SimComponent {
    this.next = { route, query };
    // a page's script runs once (webpack installs its chunk once, as WeChat runs it once);
    // every later visit is a new instance of the page it registered
    let id = this.loaded.get(route);
    if (!id) this.loaded.set(route, (id = this.simulate.load(join(this.dir, route), { rootPath: this.dir })));
    const page = this.simulate.render(id);
    const { document } = globalThis as unknown as { document: { createElement(tag: string): Element } };
    page.attach(document.createElement('page-host'));
    this.next = null;
    this.mounted.add(page);
    return page;
  }

  /** Unloads every mounted page (onUnload, then detached). */
  unmountAll() {
    for (const page of this.mounted) page.detach();
    this.mounted.clear();
  }

  /** Waits until check() passes (it throws or returns false until then); 5 s at most. */
  async until(check: () => unknown, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    for (;;) {
      try {
        if (check() !== false) return;
      } catch (e) {
        if (Date.now() > end) throw e;
      }
      if (Date.now() > end) throw new Error('until: the condition never held');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private registerPage(options: Options) {
    const methods: Record<string, Fn> = {};
    for (const [k, v] of Object.entries(options)) if (typeof v === 'function') methods[k] = v as Fn;
    const pages = this.pages;
    const opening = () => this.next!;
    const call = (self: unknown, name: string, ...a: unknown[]) => methods[name]?.call(self, ...a);
    (globalThis as unknown as { Component: (o: object) => void }).Component({
      data: (options.data as object | undefined) ?? {},
      methods,
      lifetimes: {
        attached(this: Record<string, unknown>) {
          const at = opening();
          Object.assign(this, { route: at.route, __route__: at.route, options: at.query });
          pages.push(this);
          call(this, 'onLoad', { ...at.query });
          call(this, 'onShow');
        },
        ready(this: unknown) {
          call(this, 'onReady');
        },
        detached(this: Record<string, unknown>) {
          call(this, 'onUnload');
          pages.splice(pages.indexOf(this), 1);
        },
      },
    });
  }

  private installWx(wx: Record<string, unknown>) {
    const later = (fn: () => void) => void setTimeout(fn, 0);
    Object.assign(wx, {
      setStorageSync: (k: string, v: unknown) => void this.storage.set(k, v),
      getStorageSync: (k: string) => (this.storage.has(k) ? this.storage.get(k) : ''),
      removeStorageSync: (k: string) => void this.storage.delete(k),
      login: (o: { success?: Fn }) => later(() => o.success?.({ code: 'wx-code-1', errMsg: 'login:ok' })),
      request: (o: { url: string; method?: string; data?: unknown; header?: Record<string, string>; success?: Fn; fail?: Fn; complete?: Fn }) => {
        const url = new URL(o.url, 'http://api.invalid');
        const call: ApiCall = {
          method: o.method ?? 'GET',
          path: url.pathname + url.search,
          body: typeof o.data === 'string' ? JSON.parse(o.data) : o.data,
          header: o.header ?? {},
        };
        this.calls.push(call);
        later(() => {
          const a = this.api(call);
          const res = { statusCode: a.status, data: JSON.stringify(a.body), header: { 'content-type': 'application/json' }, errMsg: 'request:ok' };
          o.success?.(res);
          o.complete?.(res);
        });
        return { abort() {}, onHeadersReceived() {}, offHeadersReceived() {} };
      },
    });
    for (const how of ['navigateTo', 'redirectTo', 'reLaunch', 'switchTab', 'navigateBack']) {
      wx[how] = (o: { url?: string; success?: Fn; complete?: Fn } = {}) => {
        this.navigations.push(`${how} ${o.url ?? ''}`.trim());
        later(() => {
          o.success?.({ errMsg: `${how}:ok` });
          o.complete?.({ errMsg: `${how}:ok` });
        });
      };
    }
  }
}

/** The page's text, node after node (what a person reads, without the layout). */
export const textOf = (page: SimComponent) => page.dom.textContent ?? '';
