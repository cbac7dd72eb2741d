/**
 * WeChat's errcodes as this client reads them, and the error it throws: each code's kind decides
 * what a caller does (retry, fall back to the inbox, give up). Pure; re-exported by wechat.ts.
 */

export type WechatErrorKind = 'invalid_code' | 'rate_limited' | 'blocked' | 'busy' | 'auth' | 'quota' | 'other';

export type WechatApi = 'token' | 'jscode2session' | 'phone' | 'send' | 'template_list' | 'msg_sec_check' | 'media_check_async';

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
  43101: { kind: 'quota', meaning: 'user refuse to accept the msg (no subscription left, never accepted, or switched off)', source: 'sendMessage' },
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

export function errorFor(api: WechatApi, errcode: number, errmsg: string, httpStatus?: number): WechatError {
  return new WechatError(api, errcode, errmsg, WECHAT_ERRCODES[errcode]?.kind ?? 'other', httpStatus);
}
