/**
 * A local stand-in for WeChat's servers, mounted by the local gateway, so login, phone numbers,
 * subscribe messages and content checks run and can be tested without api.weixin.qq.com.
 *
 *   /wechat-api/...        WeChat's server API (set WECHAT_API_BASE=http://127.0.0.1:PORT/wechat-api)
 *   /dev/wechat            a page (Chinese, phone-width) listing every message, login and phone call
 *   /dev/wechat/control    JSON for tests: GET the state; POST commands (see ControlCommand)
 *
 * It speaks the documented contract of each API (see functions/src/notify/wechat.ts for the pages):
 * the same paths, bodies, errcodes and errmsg style ("... rid: xxxxxxxx-xxxxxxxx-xxxxxxxx"), and it
 * validates template data by the very rule table the client shapes with (TEMPLATE_FIELD_RULES).
 * Deterministic hooks for a local stack:
 *   - wx.login codes `dev:<openid>` (or `dev:<openid>#<nonce>`, to sign in again) sign in as that openid
 *     (`blocked:<openid>` -> 40226); a code works once, like a real one.
 *   - getPhoneNumber codes `phone:<digits>` return that number, once.
 *   - subscribe quota is granted per (openid, template) through control, one-time grants are used up
 *     per send; templates declared long-term need none.
 *   - text containing a word from RISKY_WORDS / REVIEW_WORDS is risky / review; a media URL (or the
 *     uploader's openid) containing "risky" / "review" likewise; the media verdict is pushed to the
 *     configured callback.
 *   - failNext injects 5xx, -1, 43101, 40001, 42001, 45011, 40226 or a held (timed-out) reply.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { validateTemplateData, pushSignature, SEC_LABELS, TEMPLATE_FIELD_RULES, templateKindOfKey } from '#notify/wechat';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

export type StandinApi = 'token' | 'jscode2session' | 'phone' | 'send' | 'msg_sec_check' | 'media_check_async';
export type FailKind = '5xx' | 'busy' | '43101' | 'timeout' | '40001' | '42001' | '45011' | '40226';

export interface FailRule {
  kind: FailKind;
  /** how many matching requests fail (default 1) */
  count?: number;
  /** only requests to this API (default: any WeChat API request) */
  api?: StandinApi;
  /**
   * kind 'timeout' only: also carry the request out before holding the reply (the "delivered but
   * the answer was lost" case). Default false: nothing happens and the held reply is -1.
   */
  process?: boolean;
}

export interface SentMessage {
  at: string;
  touser: string;
  templateId: string;
  page?: string;
  miniprogramState?: string;
  lang?: string;
  data: Record<string, { value: string }>;
  /** 0 when WeChat would have delivered it */
  errcode: number;
  errmsg: string;
}

export interface LoginCall {
  at: string;
  code: string;
  openid?: string;
  errcode: number;
}

export interface PhoneCall {
  at: string;
  code: string;
  phoneNumber?: string;
  errcode: number;
}

export interface TextCheck {
  at: string;
  openid: string;
  scene: number;
  suggest: string;
  label: number;
  traceId: string;
}

export interface MediaCheck {
  at: string;
  traceId: string;
  openid: string;
  mediaUrl: string;
  scene: number;
  suggest: string;
  label: number;
  /** the wxa_media_check event, as pushed (or as it would be) */
  event: Record<string, unknown>;
  /** pending: not yet due; delivered / failed: pushed to the callback; kept: no callback was set */
  delivery: 'pending' | 'delivered' | 'failed' | 'kept';
  deliveryError?: string;
}

export interface StandinOptions {
  /** what stable_token and jscode2session accept; default WECHAT_APPID / WECHAT_SECRET or the client's local defaults */
  appid?: string;
  secret?: string;
  /** delay before a media verdict is pushed (default 200 ms) */
  mediaDelayMs?: number;
  /** how long a 'timeout' failure holds its reply (default 6 s, over the client's 5 s) */
  timeoutHoldMs?: number;
  /** the message-push token used to sign pushes (default WECHAT_PUSH_TOKEN or local-push-token) */
  pushToken?: string;
}

/** Body of POST /dev/wechat/control; any subset, applied in this order. */
export interface ControlCommand {
  reset?: boolean;
  failNext?: FailRule | FailRule[];
  grantQuota?: { openid: string; templateId: string; count?: number } | { openid: string; templateId: string; count?: number }[];
  longTerm?: string | string[];
  mediaCallback?: string | null;
  mediaDelayMs?: number;
  timeoutHoldMs?: number;
  invalidateTokens?: boolean;
  expireTokens?: boolean;
}

export interface StandinState {
  appid: string;
  tokens: { current?: string; issued: number; forceRefreshes: number };
  calls: Record<StandinApi, number>;
  failNext: FailRule[];
  quotas: { openid: string; templateId: string; remaining: number }[];
  longTerm: string[];
  mediaCallback?: string;
  mediaDelayMs: number;
  timeoutHoldMs: number;
  messages: SentMessage[];
  logins: LoginCall[];
  phones: PhoneCall[];
  textChecks: TextCheck[];
  mediaChecks: MediaCheck[];
}

export interface StandinControl {
  failNext(rule: FailRule): void;
  grantQuota(openid: string, templateId: string, count?: number): void;
  longTerm(templateId: string): void;
  setMediaCallback(url: string | undefined): void;
  setMediaDelay(ms: number): void;
  setTimeoutHold(ms: number): void;
  /** as if another holder force-refreshed: every issued token stops working (40001), a new one is current */
  invalidateTokens(): void;
  /** every issued token expires now (42001 on use); the next stable_token issues a new one */
  expireTokens(): void;
  /** apply a JSON command (what POST /dev/wechat/control does) */
  apply(cmd: ControlCommand): void;
  state(): StandinState;
  /** forget records, quotas, fail rules, tokens and used codes; keep configuration (long-term templates, callback, delays) */
  reset(): void;
  /** stop pending timers (held replies, media pushes) */
  dispose(): void;
}

export interface WechatStandin {
  /** true when the path was the stand-in's (and it answered); false for anything else */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  control: StandinControl;
  /** every subscribe message received, oldest first, delivered or not (see errcode) */
  messages(): SentMessage[];
}

// ---------------------------------------------------------------------------------------------
// Fixed data
// ---------------------------------------------------------------------------------------------

/** Words that make msgSecCheck say risky, with the label WeChat would give (SEC_LABELS). */
export const RISKY_WORDS: readonly { word: string; label: number }[] = [
  { word: '测试违规词', label: 20001 },
  { word: '赌博', label: 20006 },
  { word: '色情', label: 20002 },
  { word: '诈骗', label: 20008 },
];
/** Words that make msgSecCheck say review (e.g. advertising). */
export const REVIEW_WORDS: readonly { word: string; label: number }[] = [
  { word: '加微信', label: 10001 },
  { word: '代开发票', label: 10001 },
];

const API_PATHS: Record<string, { api: StandinApi; method: 'GET' | 'POST' }> = {
  '/cgi-bin/stable_token': { api: 'token', method: 'POST' },
  '/sns/jscode2session': { api: 'jscode2session', method: 'GET' },
  '/wxa/business/getuserphonenumber': { api: 'phone', method: 'POST' },
  '/cgi-bin/message/subscribe/send': { api: 'send', method: 'POST' },
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
const APIS: readonly StandinApi[] = ['token', 'jscode2session', 'phone', 'send', 'msg_sec_check', 'media_check_async'];

const TOKEN_TTL_S = 7200;
/** WeChat renews a stable token in its last 5 minutes (normal mode). */
const RENEW_WINDOW_MS = 5 * 60 * 1000;
const MAX_RECORDS = 500;
const MAX_BODY = 1024 * 1024;
const OPENID = /^[A-Za-z0-9_-]{1,64}$/;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

interface Reply {
  status: number;
  body: unknown;
  /** a non-JSON body (the 5xx page) */
  text?: string;
}

const ok = (body: Record<string, unknown>): Reply => ({ status: 200, body: { errcode: 0, errmsg: 'ok', ...body } });
/** WeChat's error style: HTTP 200, errcode, errmsg ending in a request id. */
const fail = (errcode: number, errmsg: string): Reply => ({ status: 200, body: { errcode, errmsg: `${errmsg} rid: ${rid()}` } });
const hex8 = () => randomBytes(4).toString('hex');
const rid = () => `${hex8()}-${hex8()}-${hex8()}`;
const nowIso = () => new Date().toISOString();

function push<T>(list: T[], item: T) {
  list.push(item);
  if (list.length > MAX_RECORDS) list.splice(0, list.length - MAX_RECORDS);
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function write(res: ServerResponse, reply: Reply) {
  if (res.writableEnded || res.destroyed) return;
  if (reply.text !== undefined) {
    res.writeHead(reply.status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(reply.text);
    return;
  }
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(reply.body));
}

const escapeHtml = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** 13812345678 -> 138****5678, as staff see phones elsewhere in the product. */
const maskPhone = (p: string) => (p.length >= 7 ? `${p.slice(0, 3)}****${p.slice(-4)}` : '****');

const BEIJING = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
const beijing = (iso: string) => BEIJING.format(new Date(iso));

// ---------------------------------------------------------------------------------------------
// The stand-in
// ---------------------------------------------------------------------------------------------

export function createWechatStandin(options: StandinOptions = {}): WechatStandin {
  const appid = options.appid ?? (process.env.WECHAT_APPID || 'wx-local-appid');
  const secret = options.secret ?? (process.env.WECHAT_SECRET || 'local-secret');
  const pushToken = options.pushToken ?? (process.env.WECHAT_PUSH_TOKEN || 'local-push-token');

  // configuration (kept by reset)
  let mediaDelayMs = options.mediaDelayMs ?? 200;
  let timeoutHoldMs = options.timeoutHoldMs ?? 6000;
  let mediaCallback: string | undefined;
  const longTerm = new Set<string>();

  // records and runtime state (cleared by reset)
  const tokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  let current: string | undefined;
  let forceRefreshes = 0;
  const calls = Object.fromEntries(APIS.map((a) => [a, 0])) as Record<StandinApi, number>;
  let failRules: (FailRule & { count: number })[] = [];
  const quota = new Map<string, number>();
  const usedLoginCodes = new Set<string>();
  const usedPhoneCodes = new Set<string>();
  const messages: SentMessage[] = [];
  const logins: LoginCall[] = [];
  const phones: PhoneCall[] = [];
  const textChecks: TextCheck[] = [];
  const mediaChecks: MediaCheck[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const quotaKey = (openid: string, templateId: string) => `${openid}\u0000${templateId}`;

  function timer(fn: () => void, ms: number): NodeJS.Timeout {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    t.unref();
    timers.add(t);
    return t;
  }

  // --- access tokens (getStableAccessToken semantics) ---

  function mint(): { token: string; expiresIn: number } {
    const token = `local_${randomBytes(24).toString('base64url')}`;
    tokens.set(token, { expiresAt: Date.now() + TOKEN_TTL_S * 1000, revoked: false });
    current = token;
    return { token, expiresIn: TOKEN_TTL_S };
  }

  function revokeAll() {
    for (const t of tokens.values()) t.revoked = true;
  }

  /** undefined when the token may call APIs, else the WeChat error. */
  function checkToken(url: URL): Reply | undefined {
    const token = url.searchParams.get('access_token');
    if (!token) return fail(41001, 'access_token missing');
    const t = tokens.get(token);
    if (!t || t.revoked) return fail(40001, 'invalid credential, access_token is invalid or not latest');
    if (Date.now() >= t.expiresAt) return fail(42001, 'access_token expired');
    return undefined;
  }

  function stableToken(body: Record<string, unknown> | undefined): Reply {
    if (!body) return fail(47001, 'data format error');
    if (body.grant_type !== 'client_credential') return fail(40002, 'invalid grant_type');
    if (body.appid !== appid) return fail(40013, 'invalid appid');
    if (body.secret !== secret) return fail(40125, 'invalid appsecret');
    if (body.force_refresh === true) {
      // force mode: the token handed out before stops working at once
      forceRefreshes++;
      revokeAll();
      const { token, expiresIn } = mint();
      return { status: 200, body: { access_token: token, expires_in: expiresIn } };
    }
    // normal mode: the same token while it has more than 5 minutes left, then a new one (the old
    // one keeps working until it expires)
    const t = current ? tokens.get(current) : undefined;
    if (current && t && !t.revoked && t.expiresAt - Date.now() > RENEW_WINDOW_MS) {
      return { status: 200, body: { access_token: current, expires_in: Math.floor((t.expiresAt - Date.now()) / 1000) } };
    }
    const { token, expiresIn } = mint();
    return { status: 200, body: { access_token: token, expires_in: expiresIn } };
  }

  // --- login and phone ---

  function jscode2session(url: URL): Reply {
    const q = url.searchParams;
    const code = q.get('js_code') ?? '';
    const reject = (errcode: number, errmsg: string) => {
      push(logins, { at: nowIso(), code, errcode });
      return fail(errcode, errmsg);
    };
    if (q.get('appid') !== appid) return reject(40013, 'invalid appid');
    if (q.get('secret') !== secret) return reject(40125, 'invalid appsecret');
    if (q.get('grant_type') !== 'authorization_code') return reject(40002, 'invalid grant_type');
    if (usedLoginCodes.has(code)) return reject(40163, 'code been used');
    const dev = /^dev:([A-Za-z0-9_-]{1,64})(?:#[A-Za-z0-9]{1,32})?$/.exec(code);
    const blocked = /^blocked:([A-Za-z0-9_-]{1,64})$/.exec(code);
    if (!dev && !blocked) return reject(40029, 'invalid code');
    usedLoginCodes.add(code);
    if (blocked) return reject(40226, 'code blocked');
    const openid = dev![1]!;
    push(logins, { at: nowIso(), code, openid, errcode: 0 });
    return { status: 200, body: { openid, session_key: randomBytes(16).toString('base64') } };
  }

  function phoneNumber(body: Record<string, unknown> | undefined): Reply {
    if (!body) return fail(47001, 'data format error');
    const code = typeof body.code === 'string' ? body.code : '';
    const m = /^phone:(\d{5,20})$/.exec(code);
    // a phone code works once and for 5 minutes; a reused one is simply invalid (40029)
    if (!m || usedPhoneCodes.has(code)) {
      push(phones, { at: nowIso(), code, errcode: 40029 });
      return fail(40029, 'invalid code');
    }
    usedPhoneCodes.add(code);
    const digits = m[1]!;
    push(phones, { at: nowIso(), code, phoneNumber: digits, errcode: 0 });
    // countryCode as in the doc's example (a number, though the table says string)
    return ok({ phone_info: { phoneNumber: digits, purePhoneNumber: digits, countryCode: 86, watermark: { timestamp: Math.floor(Date.now() / 1000), appid } } });
  }

  // --- subscribe messages ---

  function messageOf(body: Record<string, unknown>): SentMessage {
    const data: Record<string, { value: string }> = {};
    if (body.data && typeof body.data === 'object' && !Array.isArray(body.data)) {
      for (const [k, v] of Object.entries(body.data as Record<string, unknown>)) {
        const raw = v && typeof v === 'object' ? (v as { value?: unknown }).value : v;
        data[k] = { value: typeof raw === 'string' ? raw : JSON.stringify(raw ?? null) };
      }
    }
    const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return {
      at: nowIso(),
      touser: s(body.touser) ?? '',
      templateId: s(body.template_id) ?? '',
      page: s(body.page),
      miniprogramState: s(body.miniprogram_state),
      lang: s(body.lang),
      data,
      errcode: 0,
      errmsg: 'ok',
    };
  }

  function recordMessage(body: Record<string, unknown> | undefined, reply: Reply) {
    if (!body) return;
    const msg = messageOf(body);
    const b = reply.body as { errcode?: number; errmsg?: string } | undefined;
    msg.errcode = reply.status >= 500 ? -1 : (b?.errcode ?? 0);
    msg.errmsg = reply.status >= 500 ? `http ${reply.status}` : (b?.errmsg ?? 'ok');
    push(messages, msg);
  }

  function send(body: Record<string, unknown> | undefined): Reply {
    if (!body) return fail(47001, 'data format error');
    const touser = body.touser;
    const templateId = body.template_id;
    if (typeof touser !== 'string' || !OPENID.test(touser)) return fail(40003, 'invalid openid');
    if (typeof templateId !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(templateId)) return fail(40037, 'invalid template_id');
    if (body.page !== undefined && (typeof body.page !== 'string' || !/^\/?[A-Za-z0-9_\-./]+(\?.*)?$/.test(body.page) || body.page.length > 1024)) {
      return fail(41030, 'invalid page');
    }
    // the doc lists the allowed values but no errcode for others; 47003 is its "argument invalid"
    if (body.miniprogram_state !== undefined && !['developer', 'trial', 'formal'].includes(body.miniprogram_state as string)) {
      return fail(47003, 'argument invalid! miniprogram_state invalid');
    }
    if (body.lang !== undefined && !['zh_CN', 'en_US', 'zh_HK', 'zh_TW'].includes(body.lang as string)) {
      return fail(47003, 'argument invalid! lang invalid');
    }
    const violation = validateTemplateData(body.data);
    if (violation) {
      if (violation.key === '') return fail(47003, 'argument invalid! data is empty');
      // WeChat's own wording, typo included ("is emtpy")
      return fail(47003, `argument invalid! data.${violation.key}.value ${violation.reason === 'empty' ? 'is emtpy' : 'invalid'}`);
    }
    if (!longTerm.has(templateId)) {
      const key = quotaKey(touser, templateId);
      const left = quota.get(key) ?? 0;
      if (left <= 0) return fail(43101, 'user refuse to accept the msg');
      if (left === 1) quota.delete(key);
      else quota.set(key, left - 1);
    }
    return ok({});
  }

  // --- content security ---

  function verdictOfText(text: string): { suggest: 'pass' | 'review' | 'risky'; label: number; keyword?: string } {
    const risky = RISKY_WORDS.find((w) => text.includes(w.word));
    if (risky) return { suggest: 'risky', label: risky.label, keyword: risky.word };
    const review = REVIEW_WORDS.find((w) => text.includes(w.word));
    if (review) return { suggest: 'review', label: review.label, keyword: review.word };
    return { suggest: 'pass', label: 100 };
  }

  function checkUserAndScene(body: Record<string, unknown>): Reply | undefined {
    if (typeof body.openid !== 'string' || !OPENID.test(body.openid)) return fail(40003, 'invalid openid');
    if (![1, 2, 3, 4].includes(body.scene as number)) return fail(40129, 'invalid scene');
    return undefined;
  }

  function msgSecCheck(body: Record<string, unknown> | undefined): Reply {
    if (!body) return fail(47001, 'data format error');
    const content = body.content;
    if (typeof content !== 'string' || content === '') return fail(44002, 'empty post data');
    const text = [body.title, body.nickname, body.signature, content].filter((v) => typeof v === 'string').join('\n');
    const v = verdictOfText(text);
    if (body.version !== 2) {
      // 1.0 (retired 2021-09-01 but still answered): 87014 for risky content, else ok
      return v.suggest === 'risky' ? fail(87014, 'risky content') : ok({});
    }
    const bad = checkUserAndScene(body);
    if (bad) return bad;
    const traceId = rid();
    push(textChecks, { at: nowIso(), openid: body.openid as string, scene: body.scene as number, suggest: v.suggest, label: v.label, traceId });
    const keywordDetail: Record<string, unknown> = { strategy: 'keyword', errcode: 0 };
    if (v.keyword) Object.assign(keywordDetail, { suggest: v.suggest, label: v.label, level: 90, keyword: v.keyword });
    return ok({
      detail: [{ strategy: 'content_model', errcode: 0, suggest: v.suggest, label: v.label, prob: v.suggest === 'pass' ? 90 : 95 }, keywordDetail],
      trace_id: traceId,
      result: { suggest: v.suggest, label: v.label },
    });
  }

  async function deliverMedia(check: MediaCheck) {
    const target = mediaCallback;
    if (!target) {
      check.delivery = 'kept';
      return;
    }
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(randomBytes(4).readUInt32BE());
    const u = new URL(target);
    u.searchParams.set('signature', pushSignature(pushToken, timestamp, nonce));
    u.searchParams.set('timestamp', timestamp);
    u.searchParams.set('nonce', nonce);
    try {
      const r = await fetch(u, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(check.event),
        signal: AbortSignal.timeout(5000),
      });
      await r.arrayBuffer();
      check.delivery = r.ok ? 'delivered' : 'failed';
      if (!r.ok) check.deliveryError = `http ${r.status}`;
    } catch (e) {
      check.delivery = 'failed';
      check.deliveryError = (e as Error).message;
    }
  }

  function mediaCheckAsync(body: Record<string, unknown> | undefined): Reply {
    if (!body) return fail(47001, 'data format error');
    const mediaUrl = body.media_url;
    if (typeof mediaUrl !== 'string' || !/^https?:\/\/\S+$/.test(mediaUrl)) return fail(47001, 'data format error');
    if (body.media_type !== 1 && body.media_type !== 2) return fail(47001, 'data format error');
    const v2 = body.version === 2;
    if (v2) {
      const bad = checkUserAndScene(body);
      if (bad) return bad;
    }
    const openid = typeof body.openid === 'string' ? body.openid : '';
    // the verdict follows the URL, or (for tests, whose URLs the system signs) the uploader's openid
    const lower = `${decodeURIComponent(mediaUrl)} ${openid}`.toLowerCase();
    const suggest = lower.includes('risky') ? 'risky' : lower.includes('review') ? 'review' : 'pass';
    const label = suggest === 'risky' ? 20002 : suggest === 'review' ? 21000 : 100;
    const traceId = rid();
    const base = { ToUserName: 'gh_local_standin', FromUserName: openid, CreateTime: Math.floor(Date.now() / 1000), MsgType: 'event', Event: 'wxa_media_check', appid, trace_id: traceId };
    const event = v2
      ? { ...base, version: 2, detail: [{ strategy: 'content_model', errcode: 0, suggest, label, prob: 90 }], errcode: 0, errmsg: 'ok', result: { suggest, label } }
      : { ...base, isrisky: suggest === 'risky' ? 1 : 0, extra_info_json: '', status_code: 0 };
    const check: MediaCheck = { at: nowIso(), traceId, openid, mediaUrl, scene: Number(body.scene ?? 0), suggest, label, event, delivery: 'pending' };
    push(mediaChecks, check);
    timer(() => void deliverMedia(check), mediaDelayMs);
    return ok({ trace_id: traceId });
  }

  // --- failure injection ---

  function takeFailure(api: StandinApi): FailRule | undefined {
    const i = failRules.findIndex((r) => r.count > 0 && (!r.api || r.api === api));
    if (i < 0) return undefined;
    const rule = failRules[i]!;
    rule.count--;
    if (rule.count <= 0) failRules.splice(i, 1);
    return rule;
  }

  function hold(res: ServerResponse, reply: Reply) {
    const t = timer(() => write(res, reply), timeoutHoldMs);
    // the client gave up: stop holding
    res.on('close', () => {
      clearTimeout(t);
      timers.delete(t);
    });
  }

  // --- dispatch ---

  function run(api: StandinApi, url: URL, body: Record<string, unknown> | undefined): Reply {
    if (api === 'token') return stableToken(body);
    if (api === 'jscode2session') return jscode2session(url);
    const denied = checkToken(url);
    if (denied) return denied;
    switch (api) {
      case 'phone':
        return phoneNumber(body);
      case 'send': {
        const reply = send(body);
        recordMessage(body, reply);
        return reply;
      }
      case 'msg_sec_check':
        return msgSecCheck(body);
      case 'media_check_async':
        return mediaCheckAsync(body);
    }
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
      write(res, run(api, url, body));
      return;
    }
    if (rule.kind === 'timeout') {
      if (rule.process) {
        hold(res, run(api, url, body));
      } else {
        if (api === 'send') recordMessage(body, { status: 200, body: { errcode: -1, errmsg: 'timeout (injected; not processed)' } });
        hold(res, fail(-1, 'system error'));
      }
      return;
    }
    const reply: Reply =
      rule.kind === '5xx' ? { status: 503, body: undefined, text: '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>' } : fail(...INJECTED[rule.kind]);
    if (api === 'send') recordMessage(body, reply);
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

  function grantQuota(openid: string, templateId: string, count = 1) {
    if (!openid || !templateId || !Number.isInteger(count) || count < 1) throw new Error('grantQuota needs openid, templateId and a positive integer count');
    const key = quotaKey(openid, templateId);
    quota.set(key, (quota.get(key) ?? 0) + count);
  }

  function ms(name: string, v: unknown): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number of milliseconds`);
    return v;
  }

  const control: StandinControl = {
    failNext: addFailRule,
    grantQuota,
    longTerm: (templateId) => void longTerm.add(templateId),
    setMediaCallback(url) {
      if (url !== undefined) new URL(url); // throws on a malformed URL
      mediaCallback = url;
    },
    setMediaDelay: (v) => void (mediaDelayMs = ms('mediaDelayMs', v)),
    setTimeoutHold: (v) => void (timeoutHoldMs = ms('timeoutHoldMs', v)),
    invalidateTokens() {
      revokeAll();
      mint();
    },
    expireTokens() {
      const past = Date.now() - 1;
      for (const t of tokens.values()) t.expiresAt = past;
    },
    apply(cmd) {
      if (!cmd || typeof cmd !== 'object' || Array.isArray(cmd)) throw new Error('expected a JSON object');
      const known = new Set(['reset', 'failNext', 'grantQuota', 'longTerm', 'mediaCallback', 'mediaDelayMs', 'timeoutHoldMs', 'invalidateTokens', 'expireTokens']);
      const unknown = Object.keys(cmd).filter((k) => !known.has(k));
      if (unknown.length) throw new Error(`unknown command(s): ${unknown.join(', ')}`);
      if (cmd.reset) control.reset();
      for (const r of [cmd.failNext ?? []].flat()) addFailRule(r);
      for (const g of [cmd.grantQuota ?? []].flat()) grantQuota(g.openid, g.templateId, g.count ?? 1);
      for (const t of [cmd.longTerm ?? []].flat()) {
        if (typeof t !== 'string' || t === '') throw new Error('longTerm takes template ids');
        longTerm.add(t);
      }
      if (cmd.mediaCallback !== undefined) control.setMediaCallback(cmd.mediaCallback ?? undefined);
      if (cmd.mediaDelayMs !== undefined) control.setMediaDelay(cmd.mediaDelayMs);
      if (cmd.timeoutHoldMs !== undefined) control.setTimeoutHold(cmd.timeoutHoldMs);
      if (cmd.invalidateTokens) control.invalidateTokens();
      if (cmd.expireTokens) control.expireTokens();
    },
    state() {
      return {
        appid,
        tokens: { current, issued: tokens.size, forceRefreshes },
        calls: { ...calls },
        failNext: failRules.map((r) => ({ ...r })),
        quotas: [...quota].map(([k, remaining]) => {
          const [openid = '', templateId = ''] = k.split('\u0000');
          return { openid, templateId, remaining };
        }),
        longTerm: [...longTerm],
        mediaCallback,
        mediaDelayMs,
        timeoutHoldMs,
        messages: structuredClone(messages),
        logins: structuredClone(logins),
        phones: structuredClone(phones),
        textChecks: structuredClone(textChecks),
        mediaChecks: structuredClone(mediaChecks),
      };
    },
    reset() {
      control.dispose();
      tokens.clear();
      current = undefined;
      forceRefreshes = 0;
      for (const a of APIS) calls[a] = 0;
      failRules = [];
      quota.clear();
      usedLoginCodes.clear();
      usedPhoneCodes.clear();
      for (const list of [messages, logins, phones, textChecks, mediaChecks] as unknown[][]) list.length = 0;
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
    let cmd: Record<string, unknown> | undefined;
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
    messages: () => structuredClone(messages),
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

// ---------------------------------------------------------------------------------------------
// /dev/wechat
// ---------------------------------------------------------------------------------------------

const KIND_NAMES: Record<string, string> = {
  thing: '事物',
  number: '数字',
  letter: '字母',
  symbol: '符号',
  character_string: '字符串',
  time: '时间',
  date: '日期',
  amount: '金额',
  phone_number: '电话',
  car_number: '车牌',
  name: '姓名',
  phrase: '汉字',
};

function resultBadge(errcode: number, errmsg: string, okText = '已送达'): string {
  const cls = errcode === 0 ? 'ok' : 'bad';
  const text = errcode === 0 ? `${okText} 0` : `失败 ${errcode}`;
  return `<span class="badge ${cls}" title="${escapeHtml(errmsg)}">${escapeHtml(text)}</span>`;
}

function renderMessage(m: SentMessage): string {
  const rows = Object.entries(m.data)
    .map(([k, v]) => {
      const kind = templateKindOfKey(k);
      const hint = kind ? `${KIND_NAMES[kind] ?? kind} · ${TEMPLATE_FIELD_RULES[kind].limit}` : '未知字段类型';
      return `<tr><th title="${escapeHtml(hint)}">${escapeHtml(k)}</th><td>${escapeHtml(v.value)}</td></tr>`;
    })
    .join('');
  return `<li class="card">
  <div class="head"><time>${escapeHtml(beijing(m.at))}</time>${resultBadge(m.errcode, m.errmsg)}</div>
  <dl>
    <dt>接收者</dt><dd>${escapeHtml(m.touser)}</dd>
    <dt>模板</dt><dd>${escapeHtml(m.templateId)}</dd>
    <dt>页面</dt><dd>${escapeHtml(m.page ?? '(无跳转)')}</dd>
    ${m.miniprogramState ? `<dt>版本</dt><dd>${escapeHtml(m.miniprogramState)}</dd>` : ''}
  </dl>
  <table>${rows || '<tr><td>(无字段)</td></tr>'}</table>
  ${m.errcode === 0 ? '' : `<p class="err">${escapeHtml(m.errmsg)}</p>`}
</li>`;
}

function section(title: string, count: number, body: string): string {
  return `<section><h2>${escapeHtml(title)} <small>${count}</small></h2>${count ? body : '<p class="empty">暂无记录</p>'}</section>`;
}

function renderPage(s: StandinState): string {
  const newest = <T>(xs: T[]) => [...xs].reverse();
  const messages = `<ul class="list">${newest(s.messages).map(renderMessage).join('')}</ul>`;
  const logins = `<ul class="list">${newest(s.logins)
    .map((l) => `<li class="row"><time>${escapeHtml(beijing(l.at))}</time> <code>${escapeHtml(l.code)}</code> → ${l.openid ? escapeHtml(l.openid) : ''} ${resultBadge(l.errcode, '', '成功')}</li>`)
    .join('')}</ul>`;
  const phones = `<ul class="list">${newest(s.phones)
    .map((p) => `<li class="row"><time>${escapeHtml(beijing(p.at))}</time> ${escapeHtml(p.phoneNumber ? maskPhone(p.phoneNumber) : p.code.replace(/\d{7,}/g, maskPhone))} ${resultBadge(p.errcode, '', '成功')}</li>`)
    .join('')}</ul>`;
  const label = (n: number) => `${n} ${SEC_LABELS[n] ?? ''}`;
  const checks = `<ul class="list">${[
    ...newest(s.textChecks).map((c) => `<li class="row"><time>${escapeHtml(beijing(c.at))}</time> 文本 · ${escapeHtml(c.openid)} · ${escapeHtml(c.suggest)} · ${escapeHtml(label(c.label))}</li>`),
    ...newest(s.mediaChecks).map(
      (c) =>
        `<li class="row"><time>${escapeHtml(beijing(c.at))}</time> 图片 · ${escapeHtml(c.traceId)} · ${escapeHtml(c.suggest)} · ${escapeHtml(label(c.label))} · 推送 ${escapeHtml(c.delivery)}${c.deliveryError ? ` (${escapeHtml(c.deliveryError)})` : ''}</li>`,
    ),
  ].join('')}</ul>`;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>微信接口替身 · 微事报</title>
<style>
  body { font: 15px/1.5 -apple-system, "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif; margin: 0; background: #f2f3f5; color: #1f2329; }
  header { background: #07c160; color: #fff; padding: 12px 16px; }
  header h1 { font-size: 18px; margin: 0; }
  header p { margin: 4px 0 0; font-size: 12px; opacity: .9; }
  main { max-width: 640px; margin: 0 auto; padding: 8px 12px 32px; }
  h2 { font-size: 16px; margin: 20px 0 8px; }
  h2 small { color: #8f959e; font-weight: normal; }
  .list { list-style: none; margin: 0; padding: 0; }
  .card, .row { background: #fff; border-radius: 8px; padding: 10px 12px; margin-bottom: 8px; overflow-wrap: anywhere; }
  .head { display: flex; justify-content: space-between; align-items: center; margin-bottom: 6px; }
  time { color: #8f959e; font-size: 13px; }
  dl { display: grid; grid-template-columns: 4.5em 1fr; gap: 2px 8px; margin: 0 0 6px; }
  dt { color: #8f959e; } dd { margin: 0; }
  table { width: 100%; border-collapse: collapse; font-size: 14px; }
  th, td { text-align: left; padding: 4px 6px; border-top: 1px solid #eee; vertical-align: top; }
  th { color: #646a73; font-weight: normal; width: 40%; }
  .badge { font-size: 12px; border-radius: 10px; padding: 1px 8px; white-space: nowrap; }
  .ok { background: #e8f8ee; color: #07a14f; } .bad { background: #fdecec; color: #d83931; }
  .err { color: #d83931; font-size: 13px; margin: 6px 0 0; }
  .empty { color: #8f959e; }
  code { font-size: 13px; }
</style>
</head>
<body>
<header><h1>微信接口替身</h1><p>本地开发用 · AppID ${escapeHtml(s.appid)} · 刷新页面查看最新记录</p></header>
<main>
${section('订阅消息', s.messages.length, messages)}
${section('登录 (jscode2session)', s.logins.length, logins)}
${section('手机号', s.phones.length, phones)}
${section('内容安全', s.textChecks.length + s.mediaChecks.length, checks)}
</main>
</body>
</html>`;
}
