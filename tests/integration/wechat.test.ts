/**
 * The WeChat client against the local WeChat stand-in, over real HTTP: stable-token caching and
 * refresh (and the force-refresh limits), subscribe messages as strictly as WeChat takes them (the
 * account's templates and their keys, pages of the released app, one-time quotas, long-term
 * acceptances, openids of this app), template-field rules, failure handling (5xx, -1, timeouts),
 * login and phone codes, content checks (61010 for a user not seen lately) and the pushed media
 * verdict in plaintext and safe mode, and the /dev/wechat page.
 * No DynamoDB here: a plain HTTP server hosts the stand-in, as the local gateway does.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWechatStandin, type AccountTemplate, type StandinState, type WechatStandin } from '../../functions/local/wechat-standin.ts';
import { openPush, parseMediaCheckEvent } from '../../functions/src/notify/wechat-push.ts';
import { checkTemplateList, parseTemplateConfig } from '../../functions/src/notify/templates.ts';

type Client = typeof import('../../functions/src/notify/wechat.ts');

const APPID = 'wx-test-appid';
const SECRET = 'test-secret';
// Short enough to keep the timeout test quick, long enough not to flake on a loaded CI machine.
const CLIENT_TIMEOUT_MS = 1500;
const ONE_TIME = 'tpl_one_time_task';
const LONG_TERM = 'tpl_long_term_task';
const ALL_KINDS = 'tpl_all_kinds';
/** the account's template list, as the console would hold it */
const TEMPLATES: AccountTemplate[] = [
  { id: ONE_TIME, title: '办理进度', longTerm: false, keys: ['thing1', 'phrase2', 'time3'] },
  { id: LONG_TERM, title: '任务提醒', longTerm: true, keys: ['thing1', 'phrase2', 'time3'] },
  { id: ALL_KINDS, title: '字段大全', longTerm: true, keys: ['thing1', 'phrase2', 'time3', 'character_string4', 'number5', 'name6', 'date7'] },
];
/** openids of this app (as if they had opened it): WeChat answers 40003 / 61010 for others */
const USERS = ['o-worker-1', 'o-worker-2', 'o-worker-3', 'o-worker-4', 'o-worker-5', 'o-worker-6', 'o-worker-7', 'o-worker-8', 'o-resident-1'];
/** the message-push EncodingAESKey of the safe-mode tests (43 characters, as the console makes them) */
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
/** the stand-in's clock runs this far ahead of the real one (time-limit tests move it) */
let clockAhead = 0;

let wx: Client;
let standin: WechatStandin;
let server: Server;
let base: string;
const pushes: { url: URL; body: string }[] = [];

beforeAll(async () => {
  // Held replies last well past the client's timeout; the client gives up first.
  standin = createWechatStandin({ appid: APPID, secret: SECRET, timeoutHoldMs: CLIENT_TIMEOUT_MS * 4, templates: TEMPLATES, present: USERS, encodingAESKey: AES_KEY, push: { mode: 'plain' }, now: () => Date.now() + clockAhead });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/media-callback') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        pushes.push({ url, body });
        res.end('success');
      });
      return;
    }
    standin.handle(req, res, url).then(
      (handled) => {
        if (!handled) {
          res.writeHead(404);
          res.end();
        }
      },
      (e: unknown) => {
        res.writeHead(500);
        res.end(String(e));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The client reads its configuration lazily, on first use: set it before importing.
  process.env.WECHAT_API_BASE = `${base}/wechat-api`;
  process.env.WECHAT_APPID = APPID;
  process.env.WECHAT_SECRET = SECRET;
  process.env.WECHAT_TIMEOUT_MS = String(CLIENT_TIMEOUT_MS);
  wx = await import('../../functions/src/notify/wechat.ts');
});

afterAll(async () => {
  standin?.control.dispose();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

beforeEach(() => {
  standin.control.reset();
  standin.control.setTemplates(TEMPLATES);
  standin.control.setPush({ mode: 'plain', format: 'json' });
  clockAhead = 0;
  // the workers accepted the long-term templates (a tap in the app); one-time ones have no quota
  for (const w of USERS.filter((u) => u.startsWith('o-worker'))) {
    standin.control.subscribe(w, LONG_TERM);
    standin.control.subscribe(w, ALL_KINDS);
  }
  wx.resetWechatClient();
  pushes.length = 0;
});

async function control(cmd: Record<string, unknown>): Promise<StandinState> {
  const r = await fetch(`${base}/dev/wechat/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cmd) });
  expect(r.status).toBe(200);
  return (await r.json()) as StandinState;
}

async function state(): Promise<StandinState> {
  return (await (await fetch(`${base}/dev/wechat/control`)).json()) as StandinState;
}

async function wxError(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (e instanceof wx.WechatError) return e;
    throw e;
  }
  throw new Error('expected a WechatError');
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const task = (touser: string, templateId: string, title = '楼道堆放杂物') => ({
  touser,
  templateId,
  page: 'staff/task/index?id=r-1',
  data: wx.shapeTemplateData({
    thing1: { kind: 'thing', value: title },
    phrase2: { kind: 'phrase', value: '待处理' },
    time3: { kind: 'time', value: '2026-05-01T00:30:00Z' },
  }),
});

const delivered = (s: StandinState) => s.messages.filter((m) => m.errcode === 0);

describe('stable access token', () => {
  it('is cached in module scope and fetched once, also by concurrent callers; force refresh invalidates the old one', async () => {
    const [a, b, c] = await Promise.all([wx.getStableToken(), wx.getStableToken(), wx.getStableToken()]);
    expect(a).toBeTruthy();
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(await wx.getStableToken()).toBe(a);
    expect((await state()).calls.token).toBe(1);

    const forced = await wx.getStableToken(true);
    expect(forced).not.toBe(a);
    const s = await state();
    expect(s.calls.token).toBe(2);
    expect(s.tokens.forceRefreshes).toBe(1);

    // The token handed out before the forced refresh no longer works.
    const r = await fetch(`${base}/wechat-api/cgi-bin/message/subscribe/send?access_token=${a}`, { method: 'POST', body: '{}' });
    const body = (await r.json()) as { errcode: number; errmsg: string };
    expect(body.errcode).toBe(40001);
    expect(body.errmsg).toMatch(/^invalid credential, access_token is invalid or not latest rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
  });

  it('after 40001 (another holder force-refreshed) refreshes once in normal mode and the send goes through', async () => {
    await wx.sendSubscribeMessage(task('o-worker-1', LONG_TERM));
    standin.control.invalidateTokens();
    await wx.sendSubscribeMessage(task('o-worker-1', LONG_TERM));
    const s = await state();
    expect(s.calls.token).toBe(2);
    expect(s.tokens.forceRefreshes).toBe(0);
    expect(s.calls.send).toBe(3); // ok, 40001, ok
    expect(delivered(s)).toHaveLength(2);
  });

  it('after 40001 while WeChat still returns the same token, forces one refresh and retries', async () => {
    await wx.getStableToken();
    await control({ failNext: { kind: '40001', api: 'send' } });
    await wx.sendSubscribeMessage(task('o-worker-1', LONG_TERM));
    const s = await state();
    expect(s.calls.token).toBe(3); // first, normal (same token back), forced
    expect(s.tokens.forceRefreshes).toBe(1);
    expect(delivered(s)).toHaveLength(1);
  });

  it('after 42001 (expired) refreshes once and the send goes through', async () => {
    await wx.sendSubscribeMessage(task('o-worker-1', LONG_TERM));
    standin.control.expireTokens();
    await wx.sendSubscribeMessage(task('o-worker-1', LONG_TERM));
    const s = await state();
    expect(s.messages.map((m) => m.errcode)).toEqual([0, 0]);
    expect(s.calls.send).toBe(3);
    expect(s.calls.token).toBe(2);
    expect(s.tokens.forceRefreshes).toBe(0);
  });

  it('force_refresh: at most one per 30 s (a second within refreshes nothing) and 20 a day (then 45009)', async () => {
    const first = await wx.getStableToken(true);
    // within 30 s: the current token back, nothing invalidated
    expect(await wx.getStableToken(true)).toBe(first);
    expect((await state()).tokens.forceRefreshes).toBe(1);
    for (let i = 2; i <= 20; i++) {
      clockAhead += 31_000;
      expect(await wx.getStableToken(true)).not.toBe(first);
    }
    clockAhead += 31_000;
    const e = await wxError(wx.getStableToken(true));
    expect([e.errcode, e.kind]).toEqual([45009, 'rate_limited']);
    expect((await state()).tokens.forceRefreshes).toBe(20);
    // a day later the quota is back
    clockAhead += 24 * 3600_000;
    await wx.getStableToken(true);
  });

  it('retries a token rejection only once: a second 40001 is an auth error', async () => {
    standin.control.failNext({ kind: '40001', api: 'send', count: 2 });
    const e = await wxError(wx.sendSubscribeMessage(task('o-worker-1', LONG_TERM)));
    expect(e.errcode).toBe(40001);
    expect(e.kind).toBe('auth');
    expect(e.retryable).toBe(false);
    expect((await state()).calls.send).toBe(2);
  });
});

describe('subscribe messages', () => {
  it('43101 without a grant; a one-time grant allows exactly one message', async () => {
    const refused = await wxError(wx.sendSubscribeMessage(task('o-worker-2', ONE_TIME)));
    expect(refused.errcode).toBe(43101);
    expect(refused.kind).toBe('quota');
    expect(refused.errmsg).toMatch(/^user refuse to accept the msg rid: /);

    const s1 = await control({ grantQuota: { openid: 'o-worker-2', templateId: ONE_TIME, count: 1 } });
    expect(s1.quotas).toEqual([{ openid: 'o-worker-2', templateId: ONE_TIME, remaining: 1 }]);
    await wx.sendSubscribeMessage(task('o-worker-2', ONE_TIME));

    const again = await wxError(wx.sendSubscribeMessage(task('o-worker-2', ONE_TIME)));
    expect(again.errcode).toBe(43101);
    const s = await state();
    expect(s.quotas).toEqual([]);
    expect(s.messages.map((m) => m.errcode)).toEqual([43101, 0, 43101]);
    // a grant is per user and template
    standin.control.grantQuota('o-worker-3', ONE_TIME, 2);
    expect((await wxError(wx.sendSubscribeMessage(task('o-worker-2', ONE_TIME)))).kind).toBe('quota');
  });

  it('a long-term template needs an accepted subscription: 43101 until the user accepts, then every send, until it is switched off', async () => {
    standin.control.unsubscribe('o-worker-4', LONG_TERM);
    expect([(await wxError(wx.sendSubscribeMessage(task('o-worker-4', LONG_TERM)))).errcode]).toEqual([43101]);
    await control({ subscribe: { openid: 'o-worker-4', templateId: LONG_TERM } });
    await wx.sendSubscribeMessage(task('o-worker-4', LONG_TERM));
    await wx.sendSubscribeMessage(task('o-worker-4', LONG_TERM));
    const s = await state();
    expect(delivered(s)).toHaveLength(2);
    expect(s.accepted).toContainEqual({ openid: 'o-worker-4', templateId: LONG_TERM });
    expect(s.quotas).toEqual([]); // nothing counted: a long-term acceptance is not used up
    // switched off in WeChat's settings
    await control({ unsubscribe: { openid: 'o-worker-4', templateId: LONG_TERM } });
    const off = await wxError(wx.sendSubscribeMessage(task('o-worker-4', LONG_TERM)));
    expect([off.errcode, off.kind]).toEqual([43101, 'quota']);
  });

  it('refuses a page the released app does not have (41030), judged by the built app.json or the page table', async () => {
    const { pages } = await state();
    expect(pages).toEqual(expect.arrayContaining(['pages/detail/index', 'staff/task/index']));
    const e = await wxError(wx.sendSubscribeMessage({ ...task('o-worker-1', LONG_TERM), page: 'pages/task/index?id=r-1' }));
    expect([e.errcode, e.kind, e.retryable]).toEqual([41030, 'other', false]);
    expect(e.errmsg).toMatch(/^invalid page rid: /);
    // a leading slash and a query are fine; the developer and trial versions are not checked
    await wx.sendSubscribeMessage({ ...task('o-worker-1', LONG_TERM), page: '/staff/task/index?id=r-1&from=push' });
    await wx.sendSubscribeMessage({ ...task('o-worker-1', LONG_TERM), page: 'staff/new/index', miniprogramState: 'developer' });
    // an app released without the staff sub-package
    await control({ pages: pages.filter((p) => !p.startsWith('staff/')) });
    expect((await wxError(wx.sendSubscribeMessage(task('o-worker-1', LONG_TERM)))).errcode).toBe(41030);
    await control({ pages });
  });

  it("refuses keys the account's template does not have, and a keyword left out (47003); template ids and openids not of this app", async () => {
    const extra = { ...task('o-worker-1', LONG_TERM) };
    extra.data = { ...extra.data, thing4: { value: '多出来的字段' } };
    const e = await wxError(wx.sendSubscribeMessage(extra));
    expect([e.errcode, e.kind, e.retryable]).toEqual([47003, 'other', false]);
    expect(e.errmsg).toMatch(/^argument invalid! data\.thing4 is not a keyword of the template rid: /);
    const short = { ...task('o-worker-1', LONG_TERM) };
    short.data = { thing1: short.data.thing1!, phrase2: short.data.phrase2! };
    expect((await wxError(wx.sendSubscribeMessage(short))).errmsg).toMatch(/^argument invalid! data\.time3\.value is emtpy rid: /);
    expect((await wxError(wx.sendSubscribeMessage(task('o-worker-1', 'tpl_not_in_the_account')))).errcode).toBe(40037);
    // an openid that never signed in to this app
    expect((await wxError(wx.sendSubscribeMessage(task('o-stranger', LONG_TERM)))).errcode).toBe(40003);
    await wx.code2Session('dev:o-stranger');
    standin.control.subscribe('o-stranger', LONG_TERM);
    await wx.sendSubscribeMessage(task('o-stranger', LONG_TERM));
    expect(delivered(await state())).toHaveLength(1);
  });

  it("lists the account's templates (getTemplateList); a configuration that does not match is found before any send", async () => {
    const list = await wx.getTemplateList();
    expect(list.find((t) => t.id === LONG_TERM)).toEqual({ id: LONG_TERM, title: '任务提醒', content: 'thing1:{{thing1.DATA}}\nphrase2:{{phrase2.DATA}}\ntime3:{{time3.DATA}}\n', longTerm: true, keys: ['thing1', 'phrase2', 'time3'] });
    expect(list.find((t) => t.id === ONE_TIME)?.longTerm).toBe(false);
    const keys = { thing1: 'category', phrase2: 'status', time3: 'time' };
    const config = (over: Record<string, unknown> = {}) =>
      parseTemplateConfig({ task: { id: LONG_TERM, keys }, escalation: { id: ALL_KINDS, keys: { thing1: 'category' } }, progress: { id: ONE_TIME, keys }, survey: { id: ONE_TIME + 'x', keys }, ...over });
    const { problems } = checkTemplateList(config(), list);
    expect(problems).toEqual([
      `escalation: keyword phrase2 of template ${ALL_KINDS} is not configured (nothing would fill it)`,
      `escalation: keyword time3 of template ${ALL_KINDS} is not configured (nothing would fill it)`,
      `escalation: keyword character_string4 of template ${ALL_KINDS} is not configured (nothing would fill it)`,
      `escalation: keyword number5 of template ${ALL_KINDS} is not configured (nothing would fill it)`,
      `escalation: keyword name6 of template ${ALL_KINDS} is not configured (nothing would fill it)`,
      `escalation: keyword date7 of template ${ALL_KINDS} is not configured (nothing would fill it)`,
      `survey: template ${ONE_TIME}x is not in the account's template list`,
    ]);
    expect(checkTemplateList(config({ progress: { id: ONE_TIME, longTerm: true, keys: { ...keys, thing4: 'note' } } }), list).problems).toContain(`progress: template ${ONE_TIME} has no keyword thing4`);
    expect(checkTemplateList(config({ progress: { id: ONE_TIME, longTerm: true, keys } }), list).problems).toContain(`progress: template ${ONE_TIME} is one-time in the account, configured as long-term`);
    // WeChat lists some templates without content: their keys cannot be checked
    standin.control.setTemplates(TEMPLATES.map((t) => (t.id === ONE_TIME ? { ...t, content: '' } : t)));
    expect(checkTemplateList(config(), await wx.getTemplateList()).unchecked).toEqual(['progress']);
  });

  it('3 × 5xx give three busy errors, then the 4th call succeeds', async () => {
    await control({ failNext: { count: 3, kind: '5xx', api: 'send' } });
    for (let i = 0; i < 3; i++) {
      const e = await wxError(wx.sendSubscribeMessage(task('o-worker-5', LONG_TERM)));
      expect(e.kind).toBe('busy');
      expect(e.retryable).toBe(true);
      expect(e.httpStatus).toBe(503);
    }
    await wx.sendSubscribeMessage(task('o-worker-5', LONG_TERM));
    const s = await state();
    expect(s.messages.map((m) => m.errcode)).toEqual([-1, -1, -1, 0]);
    expect(s.failNext).toEqual([]);
  });

  it('errcode -1 (system busy) is busy', async () => {
    standin.control.failNext({ kind: 'busy', api: 'send' });
    const e = await wxError(wx.sendSubscribeMessage(task('o-worker-5', LONG_TERM)));
    expect([e.errcode, e.kind]).toEqual([-1, 'busy']);
  });

  it('a reply slower than the client timeout is busy; the request may still have been carried out', async () => {
    standin.control.grantQuota('o-worker-6', ONE_TIME, 1);
    standin.control.failNext({ kind: 'timeout', api: 'send' });
    const lost = await wxError(wx.sendSubscribeMessage(task('o-worker-6', ONE_TIME)));
    expect(lost.kind).toBe('busy');
    expect(lost.errmsg).toMatch(/timeout/);
    // not processed: the grant is still there, the retry delivers
    await wx.sendSubscribeMessage(task('o-worker-6', ONE_TIME));

    // processed, only the answer was lost: the message went out and used the grant, so a
    // retry of a one-time template meets 43101 — the notifier must treat that as "maybe sent"
    standin.control.grantQuota('o-worker-6', ONE_TIME, 1);
    standin.control.failNext({ kind: 'timeout', api: 'send', process: true });
    expect((await wxError(wx.sendSubscribeMessage(task('o-worker-6', ONE_TIME)))).kind).toBe('busy');
    expect((await wxError(wx.sendSubscribeMessage(task('o-worker-6', ONE_TIME)))).kind).toBe('quota');
    expect(delivered(await state())).toHaveLength(2);
  });

  it('shapes template fields to WeChat rules; the stand-in rejects unshaped ones with 47003', async () => {
    const long = '三楼楼道电动车违规充电存在起火风险请尽快处理谢谢您'; // 25 characters
    expect(Array.from(long)).toHaveLength(25);
    const data = wx.shapeTemplateData({
      thing1: { kind: 'thing', value: long },
      phrase2: { kind: 'phrase', value: '处理中' },
      time3: { kind: 'time', value: '2026-05-01T00:30:00Z' },
      character_string4: { kind: 'character_string', value: 'R-20260501-0001' },
      number5: { kind: 'number', value: '1,024' },
      name6: { kind: 'name', value: '王师傅' },
      date7: { kind: 'date', value: '2026-05-01T20:30:00+08:00' },
    });
    expect(Array.from(data.thing1!.value)).toHaveLength(20);
    expect(data.thing1!.value).toBe(`${Array.from(long).slice(0, 19).join('')}…`);
    expect(data.time3!.value).toBe('2026年05月01日 08:30'); // Beijing time
    expect(data.number5!.value).toBe('1024');
    expect(data.date7!.value).toBe('2026年05月01日');
    await wx.sendSubscribeMessage({ touser: 'o-worker-7', templateId: ALL_KINDS, data });
    expect(standin.messages().at(-1)).toMatchObject({ errcode: 0, data });

    // phrase: at most 5 Chinese characters, never cut (a cut status word changes its meaning)
    expect(() => wx.shapeTemplateData({ phrase1: { kind: 'phrase', value: '已完成处理中' } })).toThrow(wx.TemplateFieldError);
    expect(() => wx.shapeTemplateData({ phrase1: { kind: 'phrase', value: 'done' } })).toThrow(/phrase/);
    expect(() => wx.shapeTemplateData({ time1: { kind: 'time', value: 'next tuesday' } })).toThrow(wx.TemplateFieldError);
    expect(() => wx.shapeTemplateData({ thing1: { kind: 'phrase', value: '待处理' } })).toThrow(/key must be "phrase"/);

    // unshaped data reaches the stand-in, which applies the same rule table
    const cases: [Record<string, { value: string }>, string][] = [
      [{ thing1: { value: '楼道' }, time2: { value: '2026-05-01T08:30:00Z' } }, 'argument invalid! data.time2.value invalid'],
      [{ thing1: { value: long } }, 'argument invalid! data.thing1.value invalid'],
      [{ phrase1: { value: '已完成处理中' } }, 'argument invalid! data.phrase1.value invalid'],
      [{ thing1: { value: '' } }, 'argument invalid! data.thing1.value is emtpy'],
    ];
    for (const [raw, msg] of cases) {
      const e = await wxError(wx.sendSubscribeMessage({ touser: 'o-worker-7', templateId: LONG_TERM, data: raw }));
      expect(e.errcode).toBe(47003);
      expect(e.kind).toBe('other');
      expect(e.errmsg.startsWith(`${msg} rid: `)).toBe(true);
    }
    // and the other documented argument errors
    expect((await wxError(wx.sendSubscribeMessage({ ...task('', LONG_TERM) }))).errcode).toBe(40003);
    expect((await wxError(wx.sendSubscribeMessage({ ...task('o-worker-7', '') }))).errcode).toBe(40037);
  });

  it('/dev/wechat lists each message with its fields, HTML-escaped', async () => {
    const data = wx.shapeTemplateData({ thing1: { kind: 'thing', value: '<script>alert(1)</script>' }, phrase2: { kind: 'phrase', value: '待处理' }, time3: { kind: 'time', value: '2026-05-01T00:30:00Z' } });
    await wx.sendSubscribeMessage({ touser: 'o-worker-8', templateId: LONG_TERM, page: 'staff/task/index?id=r-1&from=push', data });
    await wxError(wx.sendSubscribeMessage({ touser: 'o-worker-8', templateId: ONE_TIME, data }));
    await wx.code2Session('dev:o-resident-1');
    await wx.getPhoneNumber('phone:13800138000');

    const r = await fetch(`${base}/dev/wechat`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html; charset=utf-8/);
    const html = await r.text();
    expect(html).toContain('name="viewport"');
    expect(html).toContain('订阅消息');
    expect(html).toContain('o-worker-8');
    expect(html).toContain(LONG_TERM);
    expect(html).toContain('staff/task/index?id=r-1&amp;from=push');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/s…');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('待处理');
    expect(html).toContain('失败 43101');
    expect(html).toContain('o-resident-1');
    expect(html).toContain('138****8000');
    expect(html).not.toContain('13800138000');
  });
});

describe('login and phone number', () => {
  it('jscode2session: dev:<openid> signs in once; unknown codes 40029, reuse 40163, high-risk 40226', async () => {
    const session = await wx.code2Session('dev:o-resident-9');
    expect(session.openid).toBe('o-resident-9');
    expect(session.sessionKey).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(session.unionid).toBeUndefined();

    const reused = await wxError(wx.code2Session('dev:o-resident-9'));
    expect([reused.errcode, reused.kind]).toEqual([40163, 'invalid_code']);
    const invalid = await wxError(wx.code2Session('071abcDEF'));
    expect([invalid.errcode, invalid.kind]).toEqual([40029, 'invalid_code']);
    const blocked = await wxError(wx.code2Session('blocked:o-bad'));
    expect([blocked.errcode, blocked.kind]).toEqual([40226, 'blocked']);
    standin.control.failNext({ kind: '45011', api: 'jscode2session' });
    const limited = await wxError(wx.code2Session('dev:o-resident-10'));
    expect([limited.errcode, limited.kind, limited.retryable]).toEqual([45011, 'rate_limited', true]);

    expect((await state()).logins.map((l) => l.errcode)).toEqual([0, 40163, 40029, 40226]);
  });

  it('getPhoneNumber: phone:<digits> gives that number once; anything else 40029', async () => {
    expect(await wx.getPhoneNumber('phone:13800138000')).toEqual({ phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' });
    const reused = await wxError(wx.getPhoneNumber('phone:13800138000'));
    expect([reused.errcode, reused.kind]).toEqual([40029, 'invalid_code']);
    expect((await wxError(wx.getPhoneNumber('e31968a7f94cc5ee'))).errcode).toBe(40029);
  });
});

describe('content security', () => {
  it('msgSecCheck v2: listed words are risky (with their label), others pass', async () => {
    const risky = await wx.msgSecCheck({ openid: 'o-resident-1', scene: 2, content: '楼下有人聚众赌博' });
    expect(risky).toMatchObject({ suggest: 'risky', label: 20006 });
    expect(risky.traceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
    expect(await wx.msgSecCheck({ openid: 'o-resident-1', scene: 2, content: '这是测试违规词' })).toMatchObject({ suggest: 'risky', label: 20001 });
    expect(await wx.msgSecCheck({ openid: 'o-resident-1', scene: 2, content: '有事加微信' })).toMatchObject({ suggest: 'review', label: 10001 });
    expect(await wx.msgSecCheck({ openid: 'o-resident-1', scene: 2, content: '三楼楼道电动车充电' })).toMatchObject({ suggest: 'pass', label: 100 });
    expect(wx.SEC_LABELS[20006]).toBe('违法犯罪');
    expect((await state()).textChecks.map((c) => c.suggest)).toEqual(['risky', 'risky', 'review', 'pass']);
  });

  it('mediaCheckAsync v2: returns a trace id; the verdict is pushed, signed, to the callback', async () => {
    await control({ mediaCallback: `${base}/media-callback`, mediaDelayMs: 20 });
    const { traceId } = await wx.mediaCheckAsync({ openid: 'o-resident-1', scene: 3, mediaUrl: 'https://photos.example.com/r-1/risky.jpg' });
    const push = await until(() => pushes.find((p) => p.body.includes(traceId)));
    expect(wx.parseMediaCheckEvent(push.body)).toEqual({ traceId, suggest: 'risky', label: 20002 });
    const event = JSON.parse(push.body) as Record<string, unknown>;
    expect(event).toMatchObject({ MsgType: 'event', Event: 'wxa_media_check', appid: APPID, version: 2, FromUserName: 'o-resident-1' });
    const q = push.url.searchParams;
    expect(wx.verifyPushSignature({ signature: q.get('signature'), timestamp: q.get('timestamp'), nonce: q.get('nonce') }, 'local-push-token')).toBe(true);
    expect(wx.verifyPushSignature({ signature: q.get('signature'), timestamp: q.get('timestamp'), nonce: q.get('nonce') }, 'other-token')).toBe(false);
    expect((await until(async () => (await state()).mediaChecks.find((c) => c.delivery === 'delivered')))?.traceId).toBe(traceId);
  });

  it('mediaCheckAsync without a callback keeps the verdict in the control state', async () => {
    // reset keeps configuration, so clear the callback an earlier test set
    await control({ mediaCallback: null, mediaDelayMs: 10 });
    const { traceId } = await wx.mediaCheckAsync({ openid: 'o-resident-1', scene: 3, mediaUrl: 'https://photos.example.com/r-2/hallway.jpg' });
    const check = await until(async () => (await state()).mediaChecks.find((c) => c.traceId === traceId && c.delivery === 'kept'));
    expect(wx.parseMediaCheckEvent(check.event)).toEqual({ traceId, suggest: 'pass', label: 100 });
    expect(pushes).toHaveLength(0);
  });

  it('61010 for a user who has not opened the mini-program in the last 2 hours (never signed in, or too long ago)', async () => {
    const stale = await wxError(wx.msgSecCheck({ openid: 'o-resident-new', scene: 2, content: '楼道堆物' }));
    expect([stale.errcode, stale.kind]).toEqual([61010, 'other']);
    await wx.code2Session('dev:o-resident-new');
    expect(await wx.msgSecCheck({ openid: 'o-resident-new', scene: 2, content: '楼道堆物' })).toMatchObject({ suggest: 'pass' });
    expect((await wx.mediaCheckAsync({ openid: 'o-resident-new', scene: 3, mediaUrl: 'https://photos.example.com/p.jpg' })).traceId).toBeTruthy();
    clockAhead += 2 * 3600_000 + 1000;
    expect((await wxError(wx.mediaCheckAsync({ openid: 'o-resident-new', scene: 3, mediaUrl: 'https://photos.example.com/p.jpg' }))).errcode).toBe(61010);
  });

  it('pushes verdicts in safe mode, XML or JSON: msg_signature and encrypted body only, opened with the EncodingAESKey', async () => {
    await control({ mediaCallback: `${base}/media-callback`, mediaDelayMs: 10, push: { mode: 'safe', format: 'xml' } });
    const open = (p: { url: URL; body: string }, key: string | null = AES_KEY) =>
      openPush({ query: Object.fromEntries(p.url.searchParams), body: p.body, token: 'local-push-token', encodingAESKey: key, appId: APPID });
    const risky = await wx.mediaCheckAsync({ openid: 'o-resident-1', scene: 3, mediaUrl: 'https://photos.example.com/r-9/risky.jpg' });
    const xml = await until(() => pushes.find((p) => p.url.searchParams.get('encrypt_type') === 'aes'));
    expect(xml.body).toMatch(/^<xml><ToUserName><!\[CDATA\[gh_local_standin\]\]><\/ToUserName><Encrypt><!\[CDATA\[[A-Za-z0-9+/=]+\]\]><\/Encrypt><\/xml>$/);
    expect(xml.body).not.toContain(risky.traceId);
    expect(xml.url.searchParams.get('msg_signature')).toMatch(/^[0-9a-f]{40}$/);
    expect(parseMediaCheckEvent(open(xml))).toEqual({ traceId: risky.traceId, suggest: 'risky', label: 20002 });
    // refused: in plaintext mode (no key), with another token, for another appid
    expect(() => open(xml, null)).toThrow(/no EncodingAESKey/);
    expect(() => openPush({ query: Object.fromEntries(xml.url.searchParams), body: xml.body, token: 'other', encodingAESKey: AES_KEY, appId: APPID })).toThrow(/msg_signature/);
    expect(() => openPush({ query: Object.fromEntries(xml.url.searchParams), body: xml.body, token: 'local-push-token', encodingAESKey: AES_KEY, appId: 'wx-other' })).toThrow(/another appid/);

    // JSON envelope; a photo WeChat could not download: errcode -1008, no result
    pushes.length = 0;
    await control({ push: { format: 'json' } });
    const lost = await wx.mediaCheckAsync({ openid: 'o-resident-1', scene: 3, mediaUrl: 'https://photos.example.com/r-9/unfetchable.jpg' });
    const json = await until(() => pushes[0]);
    expect(Object.keys(JSON.parse(json.body) as object)).toEqual(['ToUserName', 'Encrypt']);
    const event = open(json);
    expect(event).toMatchObject({ Event: 'wxa_media_check', trace_id: lost.traceId, errcode: -1008, version: 2 });
    expect(event.result).toBeUndefined();
    expect(parseMediaCheckEvent(event)).toEqual({ traceId: lost.traceId, error: { errcode: -1008, errmsg: 'media download failed' } });
    expect((await state()).mediaChecks.find((c) => c.traceId === lost.traceId)).toMatchObject({ errcode: -1008, delivery: 'delivered' });
  });

  it('control rejects unknown commands with 400', async () => {
    const r = await fetch(`${base}/dev/wechat/control`, { method: 'POST', body: JSON.stringify({ failNext: { kind: 'nope' } }) });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(/failNext.kind/);
  });
});
