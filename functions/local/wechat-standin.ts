/**
 * A local stand-in for WeChat's servers, mounted by the local gateway, so login, phone numbers,
 * subscribe messages, content checks and message pushes run and can be tested without
 * api.weixin.qq.com — and fail where WeChat would.
 *
 *   /wechat-api/...        WeChat's server API (set WECHAT_API_BASE=http://127.0.0.1:PORT/wechat-api)
 *   /dev/wechat            a page (Chinese, phone-width) listing every message, login and phone call
 *   /dev/wechat/control    JSON for tests: GET the state; POST commands (see ControlCommand)
 *
 * It speaks the documented contract of each API (the pages are named in functions/src/notify/
 * wechat.ts): the same paths, bodies, errcodes and errmsg style ("... rid: xxxxxxxx-xxxxxxxx-
 * xxxxxxxx"), and it is as strict as WeChat where that matters to us:
 *   - tokens: standin/tokens.ts (force_refresh at most 20 a day, 30 s apart);
 *   - users: standin/users.ts (login and phone codes; 61010 for a user not seen in 2 hours);
 *   - subscribe messages: standin/subscriptions.ts (the account's template list and its keys,
 *     the released app's pages — standin/pages.ts —, one-time quotas and long-term acceptances);
 *   - content checks and their verdicts: standin/security.ts, pushed by standin/push.ts in
 *     plaintext or safe mode, XML or JSON.
 * Failure injection: failNext gives 5xx, -1, 43101, 40001, 42001, 45011, 40226 or a held
 * (timed-out) reply; replyDelay makes a slow WeChat.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, escapeHtml, fail, parseJson, readBody, write, type Json, type Reply } from '#local/standin/http';
import { createTokens } from '#local/standin/tokens';
import { createUsers } from '#local/standin/users';
import { createSubscriptions } from '#local/standin/subscriptions';
import { createSecurity } from '#local/standin/security';
import { checkPushSettings, deliverPush } from '#local/standin/push';
import { releasedPages } from '#local/standin/pages';
import { renderPage } from '#local/standin/page';
import type { ControlCommand, FailKind, FailRule, MediaCheck, PushSettings, StandinApi, StandinControl, StandinOptions, WechatStandin } from '#local/standin/types';

export type * from '#local/standin/types';
export { RISKY_WORDS, REVIEW_WORDS } from '#local/standin/security';

const API_PATHS: Record<string, { api: StandinApi; method: 'GET' | 'POST' }> = {
  '/cgi-bin/stable_token': { api: 'token', method: 'POST' },
  '/sns/jscode2session': { api: 'jscode2session', method: 'GET' },
  '/wxa/business/getuserphonenumber': { api: 'phone', method: 'POST' },
  '/cgi-bin/message/subscribe/send': { api: 'send', method: 'POST' },
  '/wxaapi/newtmpl/gettemplate': { api: 'template_list', method: 'GET' },
  '/wxa/msg_sec_check': { api: 'msg_sec_check', method: 'POST' },
  '/wxa/media_check_async': { api: 'media_check_async', method: 'POST' },
};

const INJECTED: Record<Exclude<FailKind, '5xx' | 'timeout'>, [number, string]> = {
  busy: [-1, 'system error'],
  '43101': [43101, 'user refuse to accept the msg'],
  '40001': [40001, 'invalid credential, access_token is invalid or not latest'],
  '42001': [42001, 'access_token expired'],
  '45011': [45011, 'api minute-quota reach limit mustslower retry next minute'],
  '40226': [40226, 'code blocked'],
};

const FAIL_KINDS: readonly FailKind[] = ['5xx', 'busy', '43101', 'timeout', '40001', '42001', '45011', '40226'];
const APIS: readonly StandinApi[] = ['token', 'jscode2session', 'phone', 'send', 'template_list', 'msg_sec_check', 'media_check_async'];
const COMMANDS = new Set(['reset', 'failNext', 'templates', 'pages', 'present', 'subscribe', 'grantQuota', 'unsubscribe', 'mediaCallback', 'mediaDelayMs', 'timeoutHoldMs', 'replyDelay', 'push', 'invalidateTokens', 'expireTokens']);

export function createWechatStandin(options: StandinOptions = {}): WechatStandin {
  const appid = options.appid ?? (process.env.WECHAT_APPID || 'wx-local-appid');
  const secret = options.secret ?? (process.env.WECHAT_SECRET || 'local-secret');
  const pushToken = options.pushToken ?? (process.env.WECHAT_PUSH_TOKEN || 'local-push-token');
  const encodingAESKey = options.encodingAESKey ?? (process.env.WECHAT_ENCODING_AES_KEY || undefined);
  const now = options.now ?? Date.now;

  // configuration (kept by reset)
  let mediaDelayMs = options.mediaDelayMs ?? 200;
  let timeoutHoldMs = options.timeoutHoldMs ?? 6000;
  let replyDelay: { ms: number; api?: StandinApi } | null = null;
  let mediaCallback: string | undefined;
  let pages = new Set(options.pages ?? releasedPages());
  let push: PushSettings = checkPushSettings({ mode: encodingAESKey ? 'safe' : 'plain', format: 'json', ...options.push }, encodingAESKey);
  const present = new Set(options.present ?? []);

  // runtime state (cleared by reset)
  const calls = Object.fromEntries(APIS.map((a) => [a, 0])) as Record<StandinApi, number>;
  let failRules: (FailRule & { count: number })[] = [];
  const timers = new Set<NodeJS.Timeout>();

  function timer(fn: () => void, ms: number): NodeJS.Timeout {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    t.unref();
    timers.add(t);
    return t;
  }

  const tokens = createTokens({ appid, secret }, now);
  const users = createUsers({ appid, secret }, now, present);
  const subscriptions = createSubscriptions({ known: users.known, pages: () => pages });
  subscriptions.setTemplates(options.templates ?? []);

  async function deliverMedia(check: MediaCheck) {
    if (!mediaCallback) {
      check.delivery = 'kept';
      return;
    }
    const r = await deliverPush({ url: mediaCallback, token: pushToken, appid, encodingAESKey, settings: push }, check.event);
    check.delivery = r.ok ? 'delivered' : 'failed';
    if (!r.ok) check.deliveryError = r.error;
  }
  const security = createSecurity({ appid, recent: users.recent, now, onMediaCheck: (c) => void timer(() => void deliverMedia(c), mediaDelayMs) });

  // --- dispatch ---

  function run(api: StandinApi, url: URL, body: Json | undefined): Reply {
    if (api === 'token') return tokens.stableToken(body);
    if (api === 'jscode2session') return users.jscode2session(url);
    const denied = tokens.check(url);
    if (denied) return denied;
    switch (api) {
      case 'phone':
        return users.phoneNumber(body);
      case 'send': {
        const reply = subscriptions.send(body);
        subscriptions.recordMessage(body, reply);
        return reply;
      }
      case 'template_list':
        return subscriptions.templateList();
      case 'msg_sec_check':
        return security.msgSecCheck(body);
      case 'media_check_async':
        return security.mediaCheckAsync(body);
    }
  }

  function takeFailure(api: StandinApi): FailRule | undefined {
    const i = failRules.findIndex((r) => r.count > 0 && (!r.api || r.api === api));
    if (i < 0) return undefined;
    const rule = failRules[i]!;
    rule.count--;
    if (rule.count <= 0) failRules.splice(i, 1);
    return rule;
  }

  function hold(res: ServerResponse, reply: Reply, ms = timeoutHoldMs) {
    const t = timer(() => write(res, reply), ms);
    // the client gave up: stop holding
    res.on('close', () => {
      clearTimeout(t);
      timers.delete(t);
    });
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, path: string) {
    const route = API_PATHS[path];
    if (!route) {
      write(res, { status: 404, body: undefined, text: `<html><body>404 Not Found: ${escapeHtml(path)}</body></html>` });
      return;
    }
    let text: string;
    try {
      text = await readBody(req);
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        write(res, fail(47001, 'data format error'));
        return;
      }
      throw e;
    }
    if (req.method !== route.method) {
      write(res, route.method === 'POST' ? fail(43002, 'require POST method') : fail(43001, 'require GET method'));
      return;
    }
    const api = route.api;
    calls[api]++;
    const body = route.method === 'POST' ? parseJson(text) : undefined;
    const rule = takeFailure(api);
    if (!rule) {
      const reply = run(api, url, body);
      if (replyDelay && (!replyDelay.api || replyDelay.api === api)) hold(res, reply, replyDelay.ms);
      else write(res, reply);
      return;
    }
    if (rule.kind === 'timeout') {
      if (rule.process) {
        hold(res, run(api, url, body));
      } else {
        if (api === 'send') subscriptions.recordMessage(body, { status: 200, body: { errcode: -1, errmsg: 'timeout (injected; not processed)' } });
        hold(res, fail(-1, 'system error'));
      }
      return;
    }
    const reply: Reply =
      rule.kind === '5xx' ? { status: 503, body: undefined, text: '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>' } : fail(...INJECTED[rule.kind]);
    if (api === 'send') subscriptions.recordMessage(body, reply);
    write(res, reply);
  }

  // --- control ---

  function addFailRule(rule: FailRule) {
    if (!FAIL_KINDS.includes(rule.kind)) throw new Error(`failNext.kind must be one of ${FAIL_KINDS.join(', ')}`);
    if (rule.api !== undefined && !APIS.includes(rule.api)) throw new Error(`failNext.api must be one of ${APIS.join(', ')}`);
    const count = rule.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new Error('failNext.count must be a positive integer');
    failRules.push({ ...rule, count });
  }

  function ms(name: string, v: unknown): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number of milliseconds`);
    return v;
  }

  const control: StandinControl = {
    failNext: addFailRule,
    setTemplates: (list) => subscriptions.setTemplates(list),
    setPages(list) {
      if (!Array.isArray(list) || list.some((p) => typeof p !== 'string')) throw new Error('pages takes a list of page paths');
      pages = new Set(list.map((p) => p.replace(/^\//, '')));
    },
    present(openid) {
      if (typeof openid !== 'string' || openid === '') throw new Error('present takes openids');
      present.add(openid);
    },
    subscribe: (openid, templateId, count) => subscriptions.subscribe(openid, templateId, count),
    grantQuota: (openid, templateId, count) => subscriptions.subscribe(openid, templateId, count),
    unsubscribe: (openid, templateId) => subscriptions.unsubscribe(openid, templateId),
    setMediaCallback(url) {
      if (url !== undefined) new URL(url); // throws on a malformed URL
      mediaCallback = url;
    },
    setMediaDelay: (v) => void (mediaDelayMs = ms('mediaDelayMs', v)),
    setTimeoutHold: (v) => void (timeoutHoldMs = ms('timeoutHoldMs', v)),
    setReplyDelay(v, api) {
      if (api !== undefined && !APIS.includes(api)) throw new Error(`replyDelay.api must be one of ${APIS.join(', ')}`);
      const delay = ms('replyDelay.ms', v);
      replyDelay = delay > 0 ? { ms: delay, ...(api ? { api } : {}) } : null;
    },
    setPush: (s) => void (push = checkPushSettings({ ...push, ...s }, encodingAESKey)),
    invalidateTokens: () => tokens.invalidate(),
    expireTokens: () => tokens.expire(),
    apply(cmd: ControlCommand) {
      if (!cmd || typeof cmd !== 'object' || Array.isArray(cmd)) throw new Error('expected a JSON object');
      const unknown = Object.keys(cmd).filter((k) => !COMMANDS.has(k));
      if (unknown.length) throw new Error(`unknown command(s): ${unknown.join(', ')}`);
      if (cmd.reset) control.reset();
      for (const r of [cmd.failNext ?? []].flat()) addFailRule(r);
      if (cmd.templates !== undefined) control.setTemplates(cmd.templates);
      if (cmd.pages !== undefined) control.setPages(cmd.pages);
      for (const o of [cmd.present ?? []].flat()) control.present(o);
      for (const g of [cmd.subscribe ?? [], cmd.grantQuota ?? []].flat(2)) control.subscribe(g.openid, g.templateId, g.count ?? 1);
      for (const g of [cmd.unsubscribe ?? []].flat()) control.unsubscribe(g.openid, g.templateId);
      if (cmd.mediaCallback !== undefined) control.setMediaCallback(cmd.mediaCallback ?? undefined);
      if (cmd.mediaDelayMs !== undefined) control.setMediaDelay(cmd.mediaDelayMs);
      if (cmd.timeoutHoldMs !== undefined) control.setTimeoutHold(cmd.timeoutHoldMs);
      if (cmd.replyDelay !== undefined) control.setReplyDelay(cmd.replyDelay?.ms ?? 0, cmd.replyDelay?.api);
      if (cmd.push !== undefined) control.setPush(cmd.push);
      if (cmd.invalidateTokens) control.invalidateTokens();
      if (cmd.expireTokens) control.expireTokens();
    },
    state() {
      return {
        appid,
        tokens: tokens.state(),
        calls: { ...calls },
        failNext: failRules.map((r) => ({ ...r })),
        templates: subscriptions.templates(),
        pages: [...pages],
        quotas: subscriptions.quotas(),
        accepted: subscriptions.accepted(),
        present: [...present],
        mediaCallback,
        mediaDelayMs,
        timeoutHoldMs,
        replyDelay: replyDelay && { ...replyDelay },
        push: { ...push },
        messages: structuredClone(subscriptions.messages),
        logins: structuredClone(users.logins),
        phones: structuredClone(users.phones),
        textChecks: structuredClone(security.textChecks),
        mediaChecks: structuredClone(security.mediaChecks),
      };
    },
    reset() {
      control.dispose();
      tokens.reset();
      users.reset();
      subscriptions.reset();
      security.reset();
      for (const a of APIS) calls[a] = 0;
      failRules = [];
    },
    dispose() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };

  async function handleControl(req: IncomingMessage, res: ServerResponse) {
    if (req.method === 'GET') {
      write(res, { status: 200, body: control.state() });
      return;
    }
    if (req.method !== 'POST') {
      write(res, { status: 405, body: { error: 'use GET or POST' } });
      return;
    }
    let cmd: Json | undefined;
    try {
      cmd = parseJson(await readBody(req));
    } catch {
      cmd = undefined;
    }
    if (!cmd) {
      write(res, { status: 400, body: { error: 'expected a JSON object' } });
      return;
    }
    try {
      control.apply(cmd as ControlCommand);
    } catch (e) {
      write(res, { status: 400, body: { error: (e as Error).message } });
      return;
    }
    write(res, { status: 200, body: control.state() });
  }

  return {
    control,
    messages: () => structuredClone(subscriptions.messages),
    async handle(req, res, url) {
      const p = url.pathname;
      if (p.startsWith('/wechat-api/')) {
        await handleApi(req, res, url, p.slice('/wechat-api'.length));
        return true;
      }
      if (p === '/dev/wechat/control') {
        await handleControl(req, res);
        return true;
      }
      if (p === '/dev/wechat' || p === '/dev/wechat/') {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          write(res, { status: 405, body: { error: 'use GET' } });
          return true;
        }
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : renderPage(control.state()));
        return true;
      }
      return false;
    },
  };
}
