/**
 * The WeChat client against the local WeChat stand-in, over real HTTP: stable-token caching and
 * refresh, subscribe-message quota and template-field rules, failure handling (5xx, -1, timeouts),
 * login and phone codes, content checks and the pushed media verdict, and the /dev/wechat page.
 * No DynamoDB here: a plain HTTP server hosts the stand-in, as the local gateway does.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWechatStandin, type StandinState, type WechatStandin } from '../../functions/local/wechat-standin.ts';

type Client = typeof import('../../functions/src/notify/wechat.ts');

const APPID = 'wx-test-appid';
const SECRET = 'test-secret';
// Short enough to keep the timeout test quick, long enough not to flake on a loaded CI machine.
const CLIENT_TIMEOUT_MS = 1500;
const ONE_TIME = 'tpl_one_time_task';
const LONG_TERM = 'tpl_long_term_task';

let wx: Client;
let standin: WechatStandin;
let server: Server;
let base: string;
const pushes: { url: URL; body: string }[] = [];

beforeAll(async () => {
  // Held replies last well past the client's timeout; the client gives up first.
  standin = createWechatStandin({ appid: APPID, secret: SECRET, timeoutHoldMs: CLIENT_TIMEOUT_MS * 4 });
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
  standin.control.longTerm(LONG_TERM);
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
  page: 'pages/task/index?id=r-1',
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

  it('a long-term template needs no grant', async () => {
    await wx.sendSubscribeMessage(task('o-worker-4', LONG_TERM));
    await wx.sendSubscribeMessage(task('o-worker-4', LONG_TERM));
    expect(delivered(await state())).toHaveLength(2);
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
    await wx.sendSubscribeMessage({ touser: 'o-worker-7', templateId: LONG_TERM, data });
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
    const data = wx.shapeTemplateData({ thing1: { kind: 'thing', value: '<script>alert(1)</script>' }, phrase2: { kind: 'phrase', value: '待处理' } });
    await wx.sendSubscribeMessage({ touser: 'o-worker-8', templateId: LONG_TERM, page: 'pages/task/index?id=r-1&from=push', data });
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
    expect(html).toContain('pages/task/index?id=r-1&amp;from=push');
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

  it('control rejects unknown commands with 400', async () => {
    const r = await fetch(`${base}/dev/wechat/control`, { method: 'POST', body: JSON.stringify({ failNext: { kind: 'nope' } }) });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(/failNext.kind/);
  });
});
