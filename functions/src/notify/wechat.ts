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
 * - getTemplateList        GET  /wxaapi/newtmpl/gettemplate
 *   miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/getTemplateList.html
 * - message push (signature, safe mode): notify/wechat-push.ts
 *
 * Configuration (read once, lazily, so tests can set the environment before the first call):
 * WECHAT_API_BASE (default https://api.weixin.qq.com), WECHAT_TIMEOUT_MS (default 5000); the
 * appId / appSecret come from secrets.ts (Secrets Manager in the cloud, local defaults locally).
 *
 * Nothing here logs: URLs carry the secret or the access token and bodies carry personal data.
 * Errors carry the API name, WeChat's errcode and errmsg (which includes WeChat's `rid`).
 */
import { loadSecrets, wechatCredentials } from '#secrets';
import type { TemplateData } from '#notify/template-fields';
import { errorFor, WechatError, type WechatApi } from '#notify/wechat-errors';

// The template-field rules and the message-push format live in their own modules (pure, shared
// with the template table and the stand-in); re-exported so callers keep one import.
export * from '#notify/template-fields';
export * from '#notify/wechat-errors';
export { parseMediaCheckEvent, pushSignature, verifyPushSignature, type MediaCheckVerdict } from '#notify/wechat-push';

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
 * sendMessage. Throws WechatError: kind 'quota' on 43101 (no subscription for this user and
 * template: a one-time grant used up, a long-term one never accepted or switched off) — fall
 * back to the in-app inbox; kind 'busy' on -1, 5xx and timeouts — retry with backoff (a
 * timed-out send may still have been delivered); kind 'other' on 47003 (a value or key that does
 * not fit the template), 41030 (a page the released app lacks), 40037 (a template id not of this
 * account), 40003 (an openid not of this app) — final, retrying cannot cure it. 40001/42001 are
 * retried once here.
 */
export async function sendSubscribeMessage(msg: SubscribeMessage): Promise<void> {
  const body: Record<string, unknown> = { touser: msg.touser, template_id: msg.templateId, data: msg.data };
  if (msg.page !== undefined) body.page = msg.page;
  if (msg.miniprogramState !== undefined) body.miniprogram_state = msg.miniprogramState;
  if (msg.lang !== undefined) body.lang = msg.lang;
  await callWithToken({ api: 'send', method: 'POST', path: '/cgi-bin/message/subscribe/send', body });
}

/** One template of the account's personal template list (个人模板列表). */
export interface PrivateTemplate {
  /** priTmplId: what sendMessage takes as template_id */
  id: string;
  title: string;
  /** e.g. "事项名称:{{thing1.DATA}}\n处理时限:{{time3.DATA}}\n"; may be empty (then keys is too) */
  content: string;
  /** type 3 is a long-term subscription (长期订阅), 2 one-time (一次性订阅) */
  longTerm: boolean;
  /** the keyword keys in content, in order (thing1, time3, …) */
  keys: string[];
}

/** The keyword keys of a template's content: `{{thing1.DATA}}` -> thing1. */
export const templateKeysOf = (content: string): string[] => [...content.matchAll(/\{\{\s*([A-Za-z_]+\d+)\.DATA\s*\}\}/g)].map((m) => m[1]!);

/** getTemplateList: the templates added to this account in the console, with their keyword keys. */
export async function getTemplateList(): Promise<PrivateTemplate[]> {
  const json = await callWithToken({ api: 'template_list', method: 'GET', path: '/wxaapi/newtmpl/gettemplate' });
  if (!Array.isArray(json.data)) throw new WechatError('template_list', -2, 'response is missing "data"', 'other');
  return (json.data as Json[]).map((t) => {
    const content = typeof t.content === 'string' ? t.content : '';
    return { id: str(t, 'priTmplId', 'template_list'), title: typeof t.title === 'string' ? t.title : '', content, longTerm: Number(t.type) === 3, keys: templateKeysOf(content) };
  });
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

