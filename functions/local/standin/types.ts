/** The WeChat stand-in's public types: what tests and the local stack configure and read. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PushFormat } from '#notify/wechat-push';

export type StandinApi = 'token' | 'jscode2session' | 'phone' | 'send' | 'template_list' | 'msg_sec_check' | 'media_check_async';
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

/** A template of the account's personal template list (what the console's 我的模板 shows). */
export interface AccountTemplate {
  /** priTmplId */
  id: string;
  title?: string;
  /** type 3 (长期订阅) when true, else 2 (一次性订阅) */
  longTerm: boolean;
  /** its keyword keys in order (thing1, time3, …); `content` is built from them unless given */
  keys: string[];
  /** as gettemplate returns it; '' reproduces WeChat listing a template without content */
  content?: string;
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
  /** the verdict; absent when the check failed (errcode) */
  suggest?: string;
  label?: number;
  /** 0, or why there is no verdict (-1008: the image could not be downloaded) */
  errcode: number;
  /** the wxa_media_check event, as pushed (or as it would be), before any encryption */
  event: Record<string, unknown>;
  /** pending: not yet due; delivered / failed: pushed to the callback; kept: no callback was set */
  delivery: 'pending' | 'delivered' | 'failed' | 'kept';
  deliveryError?: string;
}

/** How message pushes go out: plaintext or safe mode (encrypted), XML or JSON (the console's two settings). */
export interface PushSettings {
  mode: 'plain' | 'safe';
  format: PushFormat;
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
  /** the EncodingAESKey of safe mode (default WECHAT_ENCODING_AES_KEY); with one, pushes default to safe mode */
  encodingAESKey?: string;
  push?: Partial<PushSettings>;
  /** the released app's pages (default: the built weapp's app.json, else the page table) */
  pages?: string[];
  /** the account's template list (default: none — every send is 40037 until templates are set) */
  templates?: AccountTemplate[];
  /** openids that count as having opened the mini-program just now, always (demo users) */
  present?: string[];
  /** the stand-in's clock (epoch ms), for tests of time limits */
  now?: () => number;
}

/** Body of POST /dev/wechat/control; any subset, applied in this order. */
export interface ControlCommand {
  reset?: boolean;
  failNext?: FailRule | FailRule[];
  /** the account's template list, replacing the one before */
  templates?: AccountTemplate[];
  /** the released app's pages, replacing the list before */
  pages?: string[];
  present?: string | string[];
  /** a user tapped "allow" in requestSubscribeMessage (one-time: count sends; long-term: accepted) */
  subscribe?: { openid: string; templateId: string; count?: number } | { openid: string; templateId: string; count?: number }[];
  /** the same, kept for older callers */
  grantQuota?: { openid: string; templateId: string; count?: number } | { openid: string; templateId: string; count?: number }[];
  /** a user switched the template off in WeChat's settings */
  unsubscribe?: { openid: string; templateId: string } | { openid: string; templateId: string }[];
  mediaCallback?: string | null;
  mediaDelayMs?: number;
  timeoutHoldMs?: number;
  /** a slow WeChat: every reply (of `api`, default any) comes `ms` after the request was carried out; null or ms 0: at once */
  replyDelay?: { ms: number; api?: StandinApi } | null;
  push?: Partial<PushSettings>;
  invalidateTokens?: boolean;
  expireTokens?: boolean;
}

export interface StandinState {
  appid: string;
  tokens: { current?: string; issued: number; forceRefreshes: number };
  calls: Record<StandinApi, number>;
  failNext: FailRule[];
  templates: AccountTemplate[];
  pages: string[];
  /** one-time sends left per (openid, template) */
  quotas: { openid: string; templateId: string; remaining: number }[];
  /** long-term templates each user accepted (and did not switch off) */
  accepted: { openid: string; templateId: string }[];
  present: string[];
  mediaCallback?: string;
  mediaDelayMs: number;
  timeoutHoldMs: number;
  replyDelay: { ms: number; api?: StandinApi } | null;
  push: PushSettings;
  messages: SentMessage[];
  logins: LoginCall[];
  phones: PhoneCall[];
  textChecks: TextCheck[];
  mediaChecks: MediaCheck[];
}

export interface StandinControl {
  failNext(rule: FailRule): void;
  setTemplates(templates: AccountTemplate[]): void;
  setPages(pages: string[]): void;
  /** the openid has the mini-program open (61010 never applies to it) */
  present(openid: string): void;
  /** what tapping "allow" does: a one-time template gains `count` sends, a long-term one is accepted */
  subscribe(openid: string, templateId: string, count?: number): void;
  /** older name of subscribe */
  grantQuota(openid: string, templateId: string, count?: number): void;
  unsubscribe(openid: string, templateId: string): void;
  setMediaCallback(url: string | undefined): void;
  setMediaDelay(ms: number): void;
  setTimeoutHold(ms: number): void;
  /** a slow WeChat: requests (to `api`, default any) are carried out at once and answered after `ms` (0: at once again) */
  setReplyDelay(ms: number, api?: StandinApi): void;
  setPush(settings: Partial<PushSettings>): void;
  /** as if another holder force-refreshed: every issued token stops working (40001), a new one is current */
  invalidateTokens(): void;
  /** every issued token expires now (42001 on use); the next stable_token issues a new one */
  expireTokens(): void;
  /** apply a JSON command (what POST /dev/wechat/control does) */
  apply(cmd: ControlCommand): void;
  state(): StandinState;
  /**
   * forget records, subscriptions, fail rules, tokens, used codes and logins; keep configuration
   * (templates, pages, present users, callback, push settings, delays, reply delay)
   */
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
