/**
 * WeChat server-API client for the mini-program: login (code2Session), phone number, subscribe
 * messages, text and media content checks, plus the template-field rules that subscribe messages
 * must obey. One module-scope token cache per process (one per Lambda container).
 *
 * Contract followed (developers.weixin.qq.com, checked 2026; each function names its page):
 * - getStableAccessToken   POST /cgi-bin/stable_token
 *   miniprogram/dev/OpenApiDoc/mp-access-token/getStableAccessToken.html
 * - code2Session           GET  /sns/jscode2session
 *   miniprogram/dev/server/API/user-login/api_code2session (errcodes -1, 40029, 40226, 45011)
 * - getPhoneNumber         POST /wxa/business/getuserphonenumber
 *   minigame/dev/api-backend/open-api/phonenumber/phonenumber.getPhoneNumber.html (same API)
 * - sendMessage            POST /cgi-bin/message/subscribe/send
 *   miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html
 *   (errcodes 40003, 40037, 43101, 47003, 41030; "订阅消息参数值内容限制说明" -> TEMPLATE_FIELD_RULES)
 * - msgSecCheck v2         POST /wxa/msg_sec_check
 *   miniprogram/dev/server/API/sec-center/sec-check/api_msgseccheck.html
 * - mediaCheckAsync v2     POST /wxa/media_check_async, result pushed as event wxa_media_check
 *   miniprogram/dev/OpenApiDoc/sec-center/sec-check/mediaCheckAsync.html
 * - message push signature miniprogram/dev/framework/server-ability/message-push.html
 *
 * Configuration (read once, lazily, so tests can set the environment before the first call):
 * WECHAT_API_BASE (default https://api.weixin.qq.com), WECHAT_TIMEOUT_MS (default 5000); the
 * appId / appSecret come from secrets.ts (Secrets Manager in the cloud, local defaults locally).
 *
 * Nothing here logs: URLs carry the secret or the access token and bodies carry personal data.
 * Errors carry the API name, WeChat's errcode and errmsg (which includes WeChat's `rid`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { loadSecrets, wechatCredentials } from '#secrets';

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/** Where and how patiently; the app's credentials are secrets (secrets.ts), read per call. */
interface WechatConfig {
  base: string;
  timeoutMs: number;
}

let config: WechatConfig | undefined;

function env(name: string, fallback: string): string {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : v;
}

function wechatConfig(): WechatConfig {
  if (config) return config;
  const timeoutMs = Number(env('WECHAT_TIMEOUT_MS', '5000'));
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new Error(`config: WECHAT_TIMEOUT_MS must be a positive number, got "${process.env.WECHAT_TIMEOUT_MS}"`);
  }
  config = {
    base: env('WECHAT_API_BASE', 'https://api.weixin.qq.com').replace(/\/+$/, ''),
    timeoutMs,
  };
  return config;
}

/** Forget the configuration and the cached token (tests; a config change in a long-lived process). */
export function resetWechatClient(): void {
  config = undefined;
  cachedToken = undefined;
  inflight = undefined;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export type WechatErrorKind = 'invalid_code' | 'rate_limited' | 'blocked' | 'busy' | 'auth' | 'quota' | 'other';

export type WechatApi = 'token' | 'jscode2session' | 'phone' | 'send' | 'msg_sec_check' | 'media_check_async';

/**
 * The errcodes this client gives a meaning to. `source` is the page the code was taken from;
 * anything not listed maps to 'other'. HTTP 5xx, timeouts and network errors map to 'busy'.
 */
export const WECHAT_ERRCODES: Readonly<Record<number, { kind: WechatErrorKind; meaning: string; source: string }>> = {
  [-1]: { kind: 'busy', meaning: 'system error: 系统繁忙,稍候再试', source: 'code2Session, msgSecCheck, getPhoneNumber' },
  40001: { kind: 'auth', meaning: 'invalid credential, access_token is invalid or not latest', source: 'global codes; msgSecCheck (token 无效)' },
  42001: { kind: 'auth', meaning: 'access_token expired', source: 'global codes' },
  40014: { kind: 'auth', meaning: 'invalid access_token', source: 'global codes' },
  41001: { kind: 'auth', meaning: 'access_token missing', source: 'global codes' },
  40013: { kind: 'auth', meaning: 'invalid appid', source: 'global codes; getStableAccessToken' },
  40125: { kind: 'auth', meaning: 'invalid appsecret', source: 'global codes; getStableAccessToken' },
  40002: { kind: 'other', meaning: 'invalid grant_type', source: 'global codes' },
  40029: { kind: 'invalid_code', meaning: 'invalid code (js_code / phone code invalid, expired or reused)', source: 'code2Session, getPhoneNumber' },
  40163: { kind: 'invalid_code', meaning: 'code been used', source: 'global codes (returned by jscode2session for a reused code)' },
  40226: { kind: 'blocked', meaning: 'code blocked: 高风险等级用户,小程序登录拦截', source: 'code2Session' },
  45011: { kind: 'rate_limited', meaning: 'api minute-quota reach limit, must slower, retry next minute', source: 'code2Session' },
  45009: { kind: 'rate_limited', meaning: 'reach max api daily quota limit', source: 'global codes; getStableAccessToken' },
  43101: { kind: 'quota', meaning: 'user refuse to accept the msg (no subscription left, or unsubscribed)', source: 'sendMessage' },
  40003: { kind: 'other', meaning: 'invalid openid (touser 为空或者不正确)', source: 'sendMessage, msgSecCheck' },
  40037: { kind: 'other', meaning: 'invalid template_id', source: 'sendMessage' },
  41030: { kind: 'other', meaning: 'invalid page (must exist in the released mini-program)', source: 'sendMessage' },
  47003: { kind: 'other', meaning: 'argument invalid! (errmsg names the data field)', source: 'sendMessage' },
  47001: { kind: 'other', meaning: 'data format error (参数格式不对)', source: 'msgSecCheck' },
  40129: { kind: 'other', meaning: 'invalid scene (1 资料, 2 评论, 3 论坛, 4 社交日志)', source: 'msgSecCheck' },
  61010: { kind: 'other', meaning: 'user access log timeout: the user has not opened the mini-program in the last 2 hours', source: 'msgSecCheck' },
};

export class WechatError extends Error {
  override readonly name = 'WechatError';
  constructor(
    readonly api: WechatApi,
    readonly errcode: number,
    readonly errmsg: string,
    readonly kind: WechatErrorKind,
    readonly httpStatus?: number,
  ) {
    super(`wechat ${api}: ${errcode} ${errmsg}`);
  }

  /** Worth trying again later (with backoff): WeChat was busy, unreachable or rate-limiting us. */
  get retryable(): boolean {
    return this.kind === 'busy' || this.kind === 'rate_limited';
  }
}

export const isWechatError = (e: unknown): e is WechatError => e instanceof WechatError;

function errorFor(api: WechatApi, errcode: number, errmsg: string, httpStatus?: number): WechatError {
  return new WechatError(api, errcode, errmsg, WECHAT_ERRCODES[errcode]?.kind ?? 'other', httpStatus);
}

// ---------------------------------------------------------------------------------------------
// Transport
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

interface Call {
  api: WechatApi;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

/** One HTTP call. Resolves with the JSON body when errcode is absent or 0; throws WechatError otherwise. */
async function call({ api, method, path, query, body }: Call): Promise<Json> {
  await loadSecrets();
  const cfg = wechatConfig();
  // String concatenation, not new URL(path, base): the base may carry a path prefix (the stand-in's /wechat-api).
  const qs = query ? `?${new URLSearchParams(query).toString()}` : '';
  let res: Response;
  try {
    res = await fetch(`${cfg.base}${path}${qs}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(cfg.timeoutMs),
    });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
    throw errorFor(api, -1, timedOut ? `timeout after ${cfg.timeoutMs} ms` : `network error ${err.cause?.code ?? err.name}`);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    const err = e as Error;
    const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
    throw errorFor(api, -1, timedOut ? `timeout after ${cfg.timeoutMs} ms (reading body)` : 'connection lost reading body', res.status);
  }
  if (res.status >= 500) throw errorFor(api, -1, `http ${res.status}`, res.status);
  let json: Json;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    json = parsed as Json;
  } catch {
    throw new WechatError(api, res.ok ? -2 : res.status, `unexpected response (http ${res.status}, not a JSON object)`, 'other', res.status);
  }
  // WeChat answers errors with HTTP 200 and an errcode; some examples show it as a string ("40029").
  const errcode = json.errcode === undefined || json.errcode === null ? 0 : Number(json.errcode);
  if (Number.isNaN(errcode)) throw new WechatError(api, -2, `unexpected errcode ${String(json.errcode)}`, 'other', res.status);
  if (errcode !== 0) throw errorFor(api, errcode, typeof json.errmsg === 'string' ? json.errmsg : '', res.status);
  if (!res.ok) throw new WechatError(api, res.status, `http ${res.status}`, 'other', res.status);
  return json;
}

function str(json: Json, key: string, api: WechatApi): string {
  const v = json[key];
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  throw new WechatError(api, -2, `response is missing "${key}"`, 'other');
}

// ---------------------------------------------------------------------------------------------
// Access token (getStableAccessToken)
// ---------------------------------------------------------------------------------------------

interface CachedToken {
  token: string;
  /** epoch ms after which we fetch again: ~5 min before expiry, matching WeChat's own early renewal */
  refreshAt: number;
}

let cachedToken: CachedToken | undefined;
let inflight: { force: boolean; promise: Promise<string> } | undefined;

/** WeChat renews a stable token in the last 5 minutes of its life (normal mode), so refresh then. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

async function fetchStableToken(forceRefresh: boolean): Promise<string> {
  await loadSecrets();
  const { appId: appid, appSecret: secret } = wechatCredentials();
  // getStableAccessToken: POST JSON only; the secret goes in the body, never the URL.
  const json = await call({
    api: 'token',
    method: 'POST',
    path: '/cgi-bin/stable_token',
    body: { grant_type: 'client_credential', appid, secret, force_refresh: forceRefresh },
  });
  const token = str(json, 'access_token', 'token');
  const expiresInMs = Number(json.expires_in) * 1000;
  const lifeMs = Number.isFinite(expiresInMs) && expiresInMs > 0 ? expiresInMs : 0;
  // A token with less than the margin left (can happen just before WeChat renews) is still used
  // for this call, but only cached for half of what remains.
  const margin = Math.min(REFRESH_MARGIN_MS, lifeMs / 2);
  cachedToken = { token, refreshAt: Date.now() + lifeMs - margin };
  return token;
}

/**
 * The stable access token, cached in module scope until about 5 minutes before it expires.
 * `forceRefresh` invalidates the token WeChat handed out before (for every holder of it, e.g.
 * other Lambda containers): use it only when a normal fetch keeps returning a rejected token.
 * Concurrent callers share one request.
 */
export async function getStableToken(forceRefresh = false): Promise<string> {
  if (!forceRefresh && cachedToken && Date.now() < cachedToken.refreshAt) return cachedToken.token;
  if (inflight && (inflight.force || !forceRefresh)) return inflight.promise;
  const promise = fetchStableToken(forceRefresh).finally(() => {
    if (inflight?.promise === promise) inflight = undefined;
  });
  inflight = { force: forceRefresh, promise };
  return promise;
}

/**
 * After WeChat rejected `rejected` (40001 / 42001): first ask in normal mode — someone else may
 * have force-refreshed, or it expired and WeChat has already issued the next one. Only if WeChat
 * still hands back the rejected token do we force a refresh (which would invalidate the token for
 * every other holder, so it is the last resort, not the first).
 */
async function tokenAfterRejection(rejected: string): Promise<string> {
  if (cachedToken?.token === rejected) cachedToken = undefined;
  const fresh = await getStableToken(false);
  if (fresh !== rejected) return fresh;
  cachedToken = undefined;
  return getStableToken(true);
}

const TOKEN_REJECTED = new Set([40001, 42001]);

/** Call an access_token API; on 40001/42001 get a fresh token once and retry once. */
async function callWithToken(c: Omit<Call, 'query'>): Promise<Json> {
  const token = await getStableToken();
  try {
    return await call({ ...c, query: { access_token: token } });
  } catch (e) {
    if (!(e instanceof WechatError) || !TOKEN_REJECTED.has(e.errcode)) throw e;
    const fresh = await tokenAfterRejection(token);
    return call({ ...c, query: { access_token: fresh } });
  }
}

// ---------------------------------------------------------------------------------------------
// Login and phone number
// ---------------------------------------------------------------------------------------------

export interface WechatSession {
  openid: string;
  unionid?: string;
  /** never send to the client, never log (WeChat's own rule for session_key) */
  sessionKey: string;
}

/** code2Session: exchange a wx.login code (single use, 5 minutes) for the user's openid. */
export async function code2Session(code: string): Promise<WechatSession> {
  await loadSecrets();
  const { appId: appid, appSecret: secret } = wechatCredentials();
  const json = await call({
    api: 'jscode2session',
    method: 'GET',
    path: '/sns/jscode2session',
    query: { appid, secret, js_code: code, grant_type: 'authorization_code' },
  });
  const session: WechatSession = { openid: str(json, 'openid', 'jscode2session'), sessionKey: str(json, 'session_key', 'jscode2session') };
  if (typeof json.unionid === 'string' && json.unionid !== '') session.unionid = json.unionid;
  return session;
}

export interface WechatPhone {
  /** with the country code for numbers outside mainland China */
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
}

/** getPhoneNumber: exchange a getPhoneNumber button code (single use, 5 minutes) for the number. */
export async function getPhoneNumber(code: string): Promise<WechatPhone> {
  const json = await callWithToken({ api: 'phone', method: 'POST', path: '/wxa/business/getuserphonenumber', body: { code } });
  const info = json.phone_info;
  if (!info || typeof info !== 'object') throw new WechatError('phone', -2, 'response is missing "phone_info"', 'other');
  const p = info as Json;
  // The doc types countryCode as string but its own example returns the number 86.
  return { phoneNumber: str(p, 'phoneNumber', 'phone'), purePhoneNumber: str(p, 'purePhoneNumber', 'phone'), countryCode: str(p, 'countryCode', 'phone') };
}

// ---------------------------------------------------------------------------------------------
// Subscribe messages
// ---------------------------------------------------------------------------------------------

export type TemplateData = Record<string, { value: string }>;

export interface SubscribeMessage {
  touser: string;
  templateId: string;
  /** a page of this mini-program, with query, e.g. `pages/task/index?id=r-123`; omit for no jump */
  page?: string;
  /** build with shapeTemplateData so every field obeys WeChat's rules */
  data: TemplateData;
  /** which build the card opens: developer / trial / formal (WeChat's default) */
  miniprogramState?: 'developer' | 'trial' | 'formal';
  lang?: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
}

/**
 * sendMessage. Throws WechatError: kind 'quota' on 43101 (no subscription left for this user and
 * template, or the user turned it off) — fall back to the in-app inbox; kind 'busy' on -1, 5xx
 * and timeouts — retry with backoff (a timed-out send may still have been delivered); kind
 * 'other' on 47003 etc. — a bug on our side, do not retry. 40001/42001 are retried once here.
 */
export async function sendSubscribeMessage(msg: SubscribeMessage): Promise<void> {
  const body: Record<string, unknown> = { touser: msg.touser, template_id: msg.templateId, data: msg.data };
  if (msg.page !== undefined) body.page = msg.page;
  if (msg.miniprogramState !== undefined) body.miniprogram_state = msg.miniprogramState;
  if (msg.lang !== undefined) body.lang = msg.lang;
  await callWithToken({ api: 'send', method: 'POST', path: '/cgi-bin/message/subscribe/send', body });
}

// ---------------------------------------------------------------------------------------------
// Content security (v2)
// ---------------------------------------------------------------------------------------------

export type SecSuggest = 'pass' | 'review' | 'risky';

/** 1 资料 (profile), 2 评论 (comment), 3 论坛 (forum), 4 社交日志 (social log) */
export type SecScene = 1 | 2 | 3 | 4;

/** msgSecCheck labels: 100 正常, 10001 广告, 20001 时政, 20002 色情, 20003 辱骂, 20006 违法犯罪, 20008 欺诈, 20012 低俗, 20013 版权, 21000 其他 */
export const SEC_LABELS: Readonly<Record<number, string>> = {
  100: '正常',
  10001: '广告',
  20001: '时政',
  20002: '色情',
  20003: '辱骂',
  20006: '违法犯罪',
  20008: '欺诈',
  20012: '低俗',
  20013: '版权',
  21000: '其他',
};

export interface SecResult {
  suggest: SecSuggest;
  label: number;
  traceId?: string;
}

function suggestOf(v: unknown, api: WechatApi): SecSuggest {
  if (v === 'pass' || v === 'review' || v === 'risky') return v;
  throw new WechatError(api, -2, `unexpected suggest ${String(v)}`, 'other');
}

/** msgSecCheck v2. The user must have opened the mini-program within 2 hours (else 61010). */
export async function msgSecCheck(input: { openid: string; content: string; scene: SecScene; title?: string; nickname?: string }): Promise<SecResult> {
  const json = await callWithToken({
    api: 'msg_sec_check',
    method: 'POST',
    path: '/wxa/msg_sec_check',
    body: { version: 2, openid: input.openid, scene: input.scene, content: input.content, title: input.title, nickname: input.nickname },
  });
  const result = json.result as Json | undefined;
  if (!result || typeof result !== 'object') throw new WechatError('msg_sec_check', -2, 'response is missing "result"', 'other');
  const out: SecResult = { suggest: suggestOf(result.suggest, 'msg_sec_check'), label: Number(result.label) };
  if (typeof json.trace_id === 'string') out.traceId = json.trace_id;
  return out;
}

/**
 * mediaCheckAsync v2: queue an image (or audio) URL for checking. The verdict arrives later (WeChat
 * says within 30 minutes) as a `wxa_media_check` event on the message-push URL; match it by traceId
 * with parseMediaCheckEvent. The URL must be fetchable from the internet.
 */
export async function mediaCheckAsync(input: { openid: string; mediaUrl: string; scene: SecScene; mediaType?: 'image' | 'audio' }): Promise<{ traceId: string }> {
  const json = await callWithToken({
    api: 'media_check_async',
    method: 'POST',
    path: '/wxa/media_check_async',
    body: { version: 2, openid: input.openid, scene: input.scene, media_url: input.mediaUrl, media_type: input.mediaType === 'audio' ? 1 : 2 },
  });
  return { traceId: str(json, 'trace_id', 'media_check_async') };
}

export interface MediaCheckVerdict {
  traceId: string;
  suggest: SecSuggest;
  label: number;
}

/**
 * Read a `wxa_media_check` push (JSON mode, already decrypted if safe mode is on). Accepts the
 * parsed object or the raw JSON text. v2 events carry result {suggest, label} (label sometimes as
 * a string); v1 events carry only isrisky 0/1, read as pass/100 or risky/21000.
 */
export function parseMediaCheckEvent(body: unknown): MediaCheckVerdict {
  const obj: unknown = typeof body === 'string' ? JSON.parse(body) : body;
  if (!obj || typeof obj !== 'object') throw new Error('wxa_media_check: body is not an object');
  const e = obj as Json;
  if (e.Event !== 'wxa_media_check') throw new Error(`wxa_media_check: unexpected Event ${String(e.Event)}`);
  if (typeof e.trace_id !== 'string' || e.trace_id === '') throw new Error('wxa_media_check: missing trace_id');
  const result = e.result as Json | undefined;
  if (result && typeof result === 'object') {
    const label = Number(result.label);
    if (!Number.isFinite(label)) throw new Error('wxa_media_check: result.label is not a number');
    const suggest = result.suggest;
    if (suggest !== 'pass' && suggest !== 'review' && suggest !== 'risky') throw new Error(`wxa_media_check: unexpected suggest ${String(suggest)}`);
    return { traceId: e.trace_id, suggest, label };
  }
  if (e.isrisky === 0 || e.isrisky === 1) {
    return { traceId: e.trace_id, suggest: e.isrisky === 1 ? 'risky' : 'pass', label: e.isrisky === 1 ? 21000 : 100 };
  }
  throw new Error('wxa_media_check: no result');
}

/**
 * Message-push signature check: sha1 of the sorted [token, timestamp, nonce] joined, hex, compared
 * with the `signature` query parameter (message-push.html, "验证消息的确来自微信服务器").
 */
export function verifyPushSignature(q: { signature?: string | null; timestamp?: string | null; nonce?: string | null }, token: string): boolean {
  if (!q.signature || !q.timestamp || !q.nonce) return false;
  const expected = createHash('sha1').update([token, q.timestamp, q.nonce].sort().join('')).digest('hex');
  const a = Buffer.from(expected);
  const b = Buffer.from(q.signature.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The signature WeChat would send for (token, timestamp, nonce); the stand-in uses it. */
export function pushSignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Subscribe-message template fields
// ---------------------------------------------------------------------------------------------

/**
 * The parameter kinds of sendMessage's "订阅消息参数值内容限制说明". A template's keys are the kind
 * plus a number (thing1, time3, character_string12, number01), so the key says the kind.
 * enum.DATA is left out: its values come from the template's own list.
 */
export type TemplateFieldKind =
  | 'thing'
  | 'number'
  | 'letter'
  | 'symbol'
  | 'character_string'
  | 'time'
  | 'date'
  | 'amount'
  | 'phone_number'
  | 'car_number'
  | 'name'
  | 'phrase';

export interface TemplateFieldRule {
  kind: TemplateFieldKind;
  /** WeChat's wording, for error messages and the dev page */
  limit: string;
  /** in characters (code points; one Chinese character counts as one) */
  maxLength: number;
  /** may the shaper cut it and end with '…'? (false: a cut would change the meaning or break the format) */
  truncate: boolean;
  test(value: string): boolean;
}

const HAN = /\p{Script=Han}/u;
const ONLY_HAN = /^\p{Script=Han}+$/u;
const CONTROL = /\p{Cc}/u;
/** "符号表示除中文、英文、数字外的常见符号,不能带有换行等控制字符" — printable, not a letter, digit or Han. */
const SYMBOL = /^[^\p{L}\p{N}\p{Cc}\s]$/u;
const len = (s: string) => Array.from(s).length;

// Dates and times: "时间格式支持HH:MM:SS或者HH:MM。日期包含年月日,为y年m月d日,y年m月、m月d日格式,或者用
// '-'、'/'、'.'符号连接,如2018-01-01,2018/01/01,2018.01.01,2018-01,01-01", ranges joined with "~".
const Y = '\\d{4}';
const M = '(?:0?[1-9]|1[0-2])';
const D = '(?:0?[1-9]|[12]\\d|3[01])';
const DATE_PART = `(?:${Y}年${M}月${D}日|${Y}年${M}月|${M}月${D}日|${Y}([-/.])${M}\\1${D}|${Y}[-/.]${M}|${M}-${D})`;
const TIME_PART = '(?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?';
const TIME_POINT = `(?:${DATE_PART}\\s*)?${TIME_PART}`;
const DATE_POINT = `${DATE_PART}(?:\\s*${TIME_PART})?`;
// The back-reference numbering restarts per point, so build each side of a range separately.
const range = (point: string) => new RegExp(`^${point}(?:\\s*~\\s*${point.replace('\\1', '\\2')})?$`);
const TIME_RE = range(TIME_POINT);
const DATE_RE = range(DATE_POINT);

export const TEMPLATE_FIELD_RULES: Readonly<Record<TemplateFieldKind, TemplateFieldRule>> = {
  thing: {
    kind: 'thing',
    limit: '20个以内字符,可汉字、数字、字母或符号组合',
    maxLength: 20,
    truncate: true,
    test: (v) => len(v) >= 1 && len(v) <= 20 && !CONTROL.test(v),
  },
  number: {
    kind: 'number',
    limit: '32位以内数字,只能数字,可带小数',
    maxLength: 32,
    truncate: false,
    test: (v) => /^\d+(?:\.\d+)?$/.test(v) && v.replace('.', '').length <= 32,
  },
  letter: { kind: 'letter', limit: '32位以内字母,只能字母', maxLength: 32, truncate: false, test: (v) => /^[A-Za-z]{1,32}$/.test(v) },
  symbol: {
    kind: 'symbol',
    limit: '5位以内符号,只能符号',
    maxLength: 5,
    truncate: false,
    test: (v) => len(v) >= 1 && len(v) <= 5 && Array.from(v).every((c) => SYMBOL.test(c)),
  },
  character_string: {
    kind: 'character_string',
    limit: '32位以内数字、字母或符号,可数字、字母或符号组合',
    maxLength: 32,
    truncate: true,
    // ASCII letters, digits and printable symbols (no space), plus the ellipsis the shaper may add.
    test: (v) => /^[\x21-\x7e…]{1,32}$/.test(v),
  },
  time: {
    kind: 'time',
    limit: '24小时制时间格式(支持+年月日),支持时间段(两个时间点之间用“~”连接),例如 15:01 或 2019年10月1日 15:01',
    maxLength: 64,
    truncate: false,
    test: (v) => TIME_RE.test(v),
  },
  date: {
    kind: 'date',
    limit: '年月日格式(支持+24小时制时间),支持时间段(用“~”连接),例如 2019年10月1日 或 2019年10月1日 15:01',
    maxLength: 64,
    truncate: false,
    test: (v) => DATE_RE.test(v),
  },
  amount: {
    kind: 'amount',
    limit: '1个币种符号+10位以内纯数字,可带小数,结尾可带“元”',
    maxLength: 14,
    truncate: false,
    test: (v) => {
      const m = /^[¥￥$€£]?(\d+(?:\.\d+)?)元?$/u.exec(v);
      return !!m && m[1]!.replace('.', '').length <= 10;
    },
  },
  phone_number: {
    kind: 'phone_number',
    limit: '17位以内,数字、符号',
    maxLength: 17,
    truncate: false,
    test: (v) => /^[0-9+\-()#*]{1,17}$/.test(v),
  },
  car_number: {
    kind: 'car_number',
    limit: '8位以内,第一位与最后一位可为汉字,其余为字母或数字',
    maxLength: 8,
    truncate: false,
    test: (v) => len(v) <= 8 && /^[\p{Script=Han}A-Z0-9][A-Z0-9]*[\p{Script=Han}A-Z0-9]?$/u.test(v),
  },
  name: {
    kind: 'name',
    limit: '10个以内纯汉字或20个以内纯字母或符号;中文和字母混合按中文名算,10个字内',
    maxLength: 20,
    truncate: false,
    test: (v) => {
      if (len(v) < 1 || CONTROL.test(v) || /\p{N}/u.test(v)) return false;
      return HAN.test(v) ? len(v) <= 10 && /^[\p{Script=Han}A-Za-z·•]+$/u.test(v) : len(v) <= 20;
    },
  },
  phrase: {
    kind: 'phrase',
    limit: '5个以内纯汉字,例如:配送中',
    maxLength: 5,
    truncate: false,
    test: (v) => ONLY_HAN.test(v) && len(v) <= 5,
  },
};

/** 'thing12' -> 'thing', 'character_string1' -> 'character_string'; undefined for anything else. */
export function templateKindOfKey(key: string): TemplateFieldKind | undefined {
  const m = /^([a-z_]+?)\d+$/.exec(key);
  const kind = m?.[1];
  return kind !== undefined && Object.hasOwn(TEMPLATE_FIELD_RULES, kind) ? (kind as TemplateFieldKind) : undefined;
}

export type TemplateViolation = { key: string; reason: 'empty' | 'invalid' };

/**
 * Check data the way sendMessage does: every key must be <kind><n> and its value obey the kind's
 * rule. Returns the first violation (WeChat names one field per 47003), or undefined.
 */
export function validateTemplateData(data: unknown): TemplateViolation | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { key: '', reason: 'empty' };
  const entries = Object.entries(data as Record<string, unknown>);
  if (entries.length === 0) return { key: '', reason: 'empty' };
  for (const [key, field] of entries) {
    const raw = field && typeof field === 'object' ? (field as { value?: unknown }).value : undefined;
    const value = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
    if (typeof value !== 'string' || value === '') return { key, reason: 'empty' };
    const kind = templateKindOfKey(key);
    if (!kind || !TEMPLATE_FIELD_RULES[kind].test(value)) return { key, reason: 'invalid' };
  }
  return undefined;
}

export class TemplateFieldError extends Error {
  override readonly name = 'TemplateFieldError';
  constructor(
    readonly key: string,
    readonly kind: string,
    reason: string,
  ) {
    super(`template field ${key} (${kind}): ${reason}`);
  }
}

/** China Standard Time, UTC+8 all year (no DST since 1991): how WeChat users read times. */
const CST_OFFSET_MS = 8 * 3600 * 1000;
const pad = (n: number) => String(n).padStart(2, '0');

function cstParts(d: Date) {
  const t = new Date(d.getTime() + CST_OFFSET_MS);
  return { y: t.getUTCFullYear(), mo: pad(t.getUTCMonth() + 1), d: pad(t.getUTCDate()), h: pad(t.getUTCHours()), mi: pad(t.getUTCMinutes()) };
}

/** ISO-8601 date-times with an explicit zone (what our APIs and DynamoDB hold), or epoch ms. */
function parseInstant(v: string): Date | undefined {
  if (/^\d{12,14}$/.test(v)) return new Date(Number(v));
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/.test(v)) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function cut(v: string, max: number): string {
  const chars = Array.from(v);
  return chars.length <= max ? v : `${chars.slice(0, max - 1).join('')}…`;
}

const collapse = (v: string) =>
  v
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

function shapeOne(key: string, kind: TemplateFieldKind, input: string): string {
  const rule = TEMPLATE_FIELD_RULES[kind];
  const fail = (why: string): never => {
    throw new TemplateFieldError(key, kind, `${why}; WeChat allows ${rule.limit}`);
  };
  let v = collapse(String(input ?? ''));
  if (v === '') fail('empty');
  switch (kind) {
    case 'thing':
      v = cut(v, 20);
      break;
    case 'character_string':
      v = v.replace(/\s+/g, '');
      if (!/^[\x21-\x7e…]+$/.test(v)) fail('only ASCII letters, digits and symbols');
      v = cut(v, 32);
      break;
    case 'number':
    case 'amount':
      v = v.replace(/[\s,]/g, '');
      break;
    case 'phone_number':
      v = v.replace(/\s+/g, '-');
      break;
    case 'car_number':
      v = v.replace(/[\s·•-]/g, '').toUpperCase();
      break;
    case 'time':
    case 'date': {
      if (rule.test(v)) break;
      const d = parseInstant(v);
      if (!d) fail(`"${v}" is neither an accepted format nor an ISO-8601 instant`);
      const p = cstParts(d!);
      v = kind === 'time' ? `${p.y}年${p.mo}月${p.d}日 ${p.h}:${p.mi}` : `${p.y}年${p.mo}月${p.d}日`;
      break;
    }
    default:
      break;
  }
  if (!rule.test(v)) fail(`"${v}" does not fit`);
  return v;
}

/**
 * Build sendMessage `data` that WeChat will accept. Per kind: thing is cut to 20 characters and
 * character_string to 32, ending in '…'; time/date accept WeChat's formats as they are and turn
 * ISO-8601 instants into Beijing time (`YYYY年MM月DD日 HH:mm` / `YYYY年MM月DD日`); number and
 * amount lose spaces and thousands separators; whitespace and control characters collapse to one
 * space. What cannot be made to fit without changing its meaning (a phrase over 5 characters or
 * not all Chinese, a name over its limit, a non-number) throws TemplateFieldError: fix the caller.
 * Each key must be the kind plus a number (thing1), as WeChat's template keys are.
 */
export function shapeTemplateData(fields: Record<string, { kind: TemplateFieldKind; value: string }>): TemplateData {
  const out: TemplateData = {};
  for (const [key, { kind, value }] of Object.entries(fields)) {
    if (!Object.hasOwn(TEMPLATE_FIELD_RULES, kind)) throw new TemplateFieldError(key, String(kind), 'unknown kind');
    if (templateKindOfKey(key) !== kind) throw new TemplateFieldError(key, kind, `key must be "${kind}" followed by a number, as in the template`);
    out[key] = { value: shapeOne(key, kind, value) };
  }
  return out;
}
