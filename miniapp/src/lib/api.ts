/**
 * The one way the app talks to the API (API.md). Keeps the token in storage, refreshes it once
 * on 401, and turns every failure into an ApiError whose `message` is the API's own Chinese
 * `error.message` (or a plain Chinese sentence when the network itself failed).
 */
import Taro from '@tarojs/taro';
import { storage } from './storage';
import { currentUrl, pathOf } from './route';
import { PAGES } from '../../../functions/src/domain/pages';
import type { ActionBody, AreaItem, Basemap, BuildingItem, Category, CreateReportBody, DevUser, DuplicateCandidate, InboxItem, LatLng, Located, Me, Page, StaffMember, ReportSummary, NearbyReport, RepeatBuilding, ReportView, Stats, HeatFeature } from './types';

const BASE: string = typeof API_BASE === 'string' ? API_BASE : '';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const NETWORK_MESSAGE = '网络连接失败，请检查网络后重试';
/** What the login page says when a session ended by itself (the API's own words for an expired token). */
export const EXPIRED_MESSAGE = '登录已过期，请重新登录';

/** The message to show a person for any thrown value. */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e && typeof e === 'object' && 'errMsg' in e) return NETWORK_MESSAGE;
  return '出了点问题，请稍后重试';
}

type Query = Record<string, string | number | boolean | undefined | null>;

interface Options {
  body?: unknown;
  query?: Query;
  headers?: Record<string, string>;
  /** send the token (default true) */
  auth?: boolean;
}

function qs(query?: Query): string {
  if (!query) return '';
  const parts = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

let leaving = 0;
/**
 * The session is gone (the token expired and could not be refreshed, or the account was closed):
 * remember the page and who was on it, so signing in again returns there, and go to the login
 * page, which says 登录已过期. Several requests failing together leave once.
 */
export function sessionEnded() {
  const now = Date.now();
  if (now - leaving < 2000) return;
  leaving = now;
  const here = currentUrl();
  const login = `/${PAGES.login.path}`;
  if (here && pathOf(here) !== login) storage.setReturnTo({ url: here, userId: storage.me()?.id ?? null, expired: true });
  storage.clearSession();
  void Taro.reLaunch({ url: login });
}

let onUnauthenticated: () => void = sessionEnded;
/** Tests and the login page can replace what happens when the session is gone. */
export function setUnauthenticatedHandler(fn: () => void) {
  onUnauthenticated = fn;
}

async function send(method: string, path: string, opts: Options, token: string | null) {
  const header: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.body !== undefined) header['content-type'] = 'application/json';
  if (token) header.authorization = `Bearer ${token}`;
  try {
    return await Taro.request({
      url: `${BASE}${path}${qs(opts.query)}`,
      method: method as 'GET',
      header,
      data: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      dataType: 'json',
      responseType: 'text',
    });
  } catch {
    throw new ApiError(0, 'network', NETWORK_MESSAGE);
  }
}

let refreshing: Promise<boolean> | null = null;
async function refresh(): Promise<boolean> {
  const refreshToken = storage.refreshToken();
  if (!refreshToken) return false;
  refreshing ??= (async () => {
    try {
      const r = await send('POST', '/v1/auth/refresh', { body: { refreshToken } }, null);
      if (r.statusCode !== 200) return false;
      const data = parse(r.data) as { token: string; refreshToken: string };
      storage.setSession(data.token, data.refreshToken);
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function parse(data: unknown): any {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

export async function request<T>(method: string, path: string, opts: Options = {}): Promise<T> {
  const auth = opts.auth ?? true;
  let res = await send(method, path, opts, auth ? storage.token() : null);
  if (res.statusCode === 401 && auth && (await refresh())) res = await send(method, path, opts, storage.token());
  const data = parse(res.data);
  if (res.statusCode >= 200 && res.statusCode < 300) return data as T;
  const err = data && typeof data === 'object' && 'error' in data ? (data as { error: { code: string; message: string; details?: unknown } }).error : null;
  if (res.statusCode === 401 && auth) onUnauthenticated();
  throw new ApiError(res.statusCode, err?.code ?? 'http_error', err?.message ?? `服务暂时不可用（${res.statusCode}），请稍后重试`, err?.details);
}

/** The endpoints the app uses, typed. */
export const api = {
  devUsers: () => request<Page<DevUser>>('GET', '/v1/dev/users', { auth: false }),
  devLogin: (userId: string) => request<{ token: string; refreshToken: string }>('POST', '/v1/auth/dev', { body: { userId }, auth: false }),
  wechatLogin: (code: string) => request<{ token: string; refreshToken: string }>('POST', '/v1/auth/wechat', { body: { code }, auth: false }),
  me: () => request<Me>('GET', '/v1/me'),
  /** a resident deletes their account (注销): reports are kept, pseudonymised */
  deleteMe: () => request<{ deleted: boolean; reportsKept: number }>('DELETE', '/v1/me'),
  consent: (version: string) => request<{ accepted: string }>('POST', '/v1/me/consent', { body: { version } }),
  phone: (code: string) => request<unknown>('POST', '/v1/me/phone', { body: { code } }),
  categories: () => request<Page<Category>>('GET', '/v1/categories', { auth: false }),
  grids: (geometry = false) => request<Page<{ id: string; name: string; centroid: LatLng; geometry?: HeatFeature['geometry'] }>>('GET', '/v1/areas', { query: { level: 'grid', geometry: geometry ? 1 : undefined }, auth: false }),
  /** `accuracy`: the phone's own estimate in metres (a poor fix makes the answer ask to confirm) */
  locate: (p: LatLng, accuracy?: number | null) =>
    request<Located>('GET', '/v1/areas/locate', { query: { lat: p.lat, lng: p.lng, accuracy: accuracy == null ? undefined : Math.round(accuracy) }, auth: false }),
  communities: () => request<Page<AreaItem>>('GET', '/v1/areas', { query: { level: 'community' }, auth: false }),
  /** the address register: by text (name, address, estate or pinyin initials), community or grid */
  buildings: (q: { q?: string; communityId?: string; gridId?: string; limit?: number }) => request<Page<BuildingItem>>('GET', '/v1/buildings', { query: q, auth: false }),
  /** the vector basemap (roads, buildings, grids in GCJ-02) and the tile layer when the deployment has one */
  basemap: (bbox?: [number, number, number, number]) => request<Basemap>('GET', '/v1/areas/basemap', { query: { bbox: bbox?.join(',') }, auth: false }),
  nearby: (p: LatLng, category: string, buildingId?: string | null) =>
    request<Page<NearbyReport>>('GET', '/v1/reports/nearby', { query: { lat: p.lat, lng: p.lng, category, buildingId } }),
  /** merge candidates for staff (same category, open, near or in the same building) */
  duplicates: (id: string) => request<{ items: DuplicateCandidate[] }>('GET', `/v1/reports/${encodeURIComponent(id)}/duplicates`),
  /** buildings with >= 3 reports of one category in 90 days (重复隐患) */
  repeats: (areaId: string) => request<{ items: RepeatBuilding[] }>('GET', '/v1/buildings/repeats', { query: { areaId } }),
  createReport: (body: CreateReportBody, idempotencyKey: string) => request<ReportView>('POST', '/v1/reports', { body, headers: { 'Idempotency-Key': idempotencyKey } }),
  mine: (cursor?: string) => request<Page<ReportSummary>>('GET', '/v1/reports', { query: { scope: 'mine', cursor } }),
  report: (id: string) => request<ReportView>('GET', `/v1/reports/${encodeURIComponent(id)}`),
  follow: (id: string) => request<ReportView>('POST', `/v1/reports/${encodeURIComponent(id)}/follow`),
  act: (id: string, body: ActionBody) => request<ReportView>('POST', `/v1/reports/${encodeURIComponent(id)}/actions`, { body }),
  rate: (id: string, score: string, comment?: string) => request<ReportView>('POST', `/v1/reports/${encodeURIComponent(id)}/rating`, { body: { score, ...(comment ? { comment } : {}) } }),
  revealPhone: (id: string) => request<{ phone: string }>('POST', `/v1/reports/${encodeURIComponent(id)}/reveal-phone`),
  /** who can take a task in an area (the dispatch picker), only inside the caller's areas */
  staff: (areaId: string, role?: 'grid_worker' | 'grid_leader' | 'police_officer') => request<Page<StaffMember>>('GET', '/v1/staff', { query: { areaId, role } }),
  /** every overdue report in an area (the centre's list), oldest deadline first */
  overdue: (areaId?: string, cursor?: string) => request<Page<ReportSummary>>('GET', '/v1/reports/overdue', { query: { areaId, cursor } }),
  subscriptions: (templateIds: string[]) => request<unknown>('POST', '/v1/me/subscriptions', { body: { templateIds } }),
  tasks: (state: string, cursor?: string) => request<Page<ReportSummary>>('GET', '/v1/tasks', { query: { state, cursor } }),
  inbox: () => request<Page<InboxItem>>('GET', '/v1/inbox', { query: { limit: 20 } }),
  stats: (q: { areaId?: string; from?: string; to?: string }) => request<Stats>('GET', '/v1/stats', { query: q }),
  heatmap: (areaId?: string) => request<{ type: 'FeatureCollection'; features: HeatFeature[] }>('GET', '/v1/stats/heatmap', { query: { areaId } }),
  createUpload: (contentType: string, size: number) => request<{ uploadId: string; url: string; fields: Record<string, string>; expiresAt: string }>('POST', '/v1/uploads', { body: { contentType, size } }),
  upload: (id: string) => request<{ status: 'pending' | 'uploaded' | 'ready' | 'failed'; reason?: string }>('GET', `/v1/uploads/${encodeURIComponent(id)}`),
  /** the CSV export needs the token, so the app fetches it rather than linking to it */
  exportUrl: (q: { areaId?: string; from?: string; to?: string }) => `${BASE}/v1/export/reports.csv${qs(q)}`,
};

export const apiBase = BASE;
