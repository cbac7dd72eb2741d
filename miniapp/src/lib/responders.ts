/**
 * Community responders (群防群治, API.md): the responses the app reads, written out from the
 * backend's views (functions/src/http/views-assists.ts, handlers/volunteers.ts), and the calls.
 * THE kinds, skills and position rules are the backend's (domain/responders: pure, compiled in).
 */
import { request } from './api';
import type { Role } from './types';
import { ASSIST_DEFAULTS, KIND_NAMES, POSITION_MIN_INTERVAL_MS, POSITION_TTL_MS, RESPONDER_KINDS, SKILLS, type ResponderKind, type Skill } from '../../../functions/src/domain/responders';
import { isResidentSide as backendResidentSide } from '../../../functions/src/domain/roles';
import type { AssistKpis } from '../../../functions/src/domain/assist-kpi';

export { ASSIST_DEFAULTS, KIND_NAMES, POSITION_MIN_INTERVAL_MS, POSITION_TTL_MS, RESPONDER_KINDS, SKILLS };
export type { AssistKpis, ResponderKind, Skill };

/** Residents and responders: the people who report (a responder keeps the resident side). */
export const isResidentSide = (role: Role | string): boolean => backendResidentSide(role as Role);

/** A resident's (or responder's) standing with a community (GET /v1/me `responder`). */
export type { ResponderStanding } from './types';

/** An application as the community's staff review it (GET /v1/volunteers). */
export interface Application {
  userId: string;
  communityId: string;
  kind: ResponderKind;
  kindName: string;
  skills: Skill[];
  name: string;
  note: string | null;
  leaderboard: boolean;
  status: 'pending' | 'approved' | 'declined';
  appliedAt: string;
  decidedAt: string | null;
  reason: string | null;
}

export type OfferState = 'offered' | 'declined' | 'taken' | 'accepted' | 'arrived' | 'done' | 'rated' | 'expired';

export interface AssistPhoto {
  id?: string;
  url: string;
  thumbUrl: string;
}

export interface Rating {
  score: number;
  comment: string | null;
  at: string;
}

/** A responder's offer (GET /v1/assists, /v1/assists/{id}): never who reported. */
export interface Offer {
  /** the assist's id */
  id: string;
  state: OfferState;
  kind: ResponderKind;
  kindName: string;
  need: string;
  category: string;
  categoryName: string;
  placeLabel: string;
  location: { lat: number; lng: number; datum: 'gcj02' };
  distanceM: number;
  /** "网格员 王师傅" */
  requester: string;
  photos: AssistPhoto[];
  offeredAt: string;
  acceptedAt: string | null;
  arrivedAt: string | null;
  doneAt: string | null;
  note: string | null;
  rating: Rating | null;
  assist?: { state: AssistState; count: number; accepted: number };
}

export type AssistState = 'open' | 'filled' | 'unanswered';

/** One responder's offer as the report's staff see it. */
export interface StaffOffer {
  volunteerId: string;
  kind: ResponderKind;
  kindName: string;
  name: string;
  state: OfferState;
  distanceM: number;
  offeredAt: string;
  acceptedAt: string | null;
  arrivedAt: string | null;
  doneAt: string | null;
  note: string | null;
  photos: AssistPhoto[];
  rating: Rating | null;
}

/** An assist as the report's staff see it (POST and GET /v1/reports/{id}/assists, GET /v1/assists/{id}). */
export interface StaffAssist {
  id: string;
  reportId: string;
  state: AssistState;
  need: string;
  skills?: Skill[];
  count: number;
  accepted: number;
  round: number;
  radiusM: number;
  requester: { role: string; name: string } | string;
  createdAt?: string;
  offers: StaffOffer[];
}

/** Someone who could go (GET /v1/reports/{id}/recommendations), with the reason in words. */
export interface Recommendation {
  userId: string;
  kind: 'staff' | 'responder';
  role: string;
  name: string;
  distanceM: number | null;
  from: string;
  skills: string[];
  openTasks: number;
  onDuty: boolean;
  score: number;
  /** "距离 180 米 · 擅长消防 · 当前 1 件在办" */
  reason: string;
}

export interface PointsEntry {
  at: string;
  assistId: string;
  reportId: string;
  points: number;
  hours: number;
  reason: string;
}

export interface Points {
  total: number;
  hours: number;
  items: PointsEntry[];
}

export interface LeaderRow {
  name: string;
  kind: ResponderKind;
  points: number;
  hours: number;
}

export interface ApplyBody {
  communityId: string;
  kind: ResponderKind;
  skills: Skill[];
  name: string;
  note?: string;
  leaderboard?: boolean;
}

export interface Fix {
  lat: number;
  lng: number;
  accuracy: number;
  datum: 'gcj02';
}

export type OfferList = 'offered' | 'mine' | 'done';

const id = encodeURIComponent;

export const responders = {
  apply: (body: ApplyBody) => request<Application>('POST', '/v1/volunteers/apply', { body }),
  applications: (communityId: string, status: Application['status'] = 'pending') => request<{ items: Application[] }>('GET', '/v1/volunteers', { query: { communityId, status } }),
  decide: (userId: string, decision: 'approve' | 'decline', reason?: string) =>
    request<Application>('POST', `/v1/volunteers/${id(userId)}/decision`, { body: { decision, ...(reason ? { reason } : {}) } }),
  leaderboard: (communityId: string) => request<{ items: LeaderRow[]; responders?: number }>('GET', '/v1/volunteers/leaderboard', { query: { communityId } }),
  duty: (state: 'on_duty' | 'off_duty' | 'on_leave') => request<{ duty: string }>('PUT', '/v1/me/duty', { body: { state } }),
  position: (fix: Fix) => request<{ expiresAt: string }>('PUT', '/v1/me/position', { body: fix }),
  points: () => request<Points>('GET', '/v1/me/points'),
  offers: (state: OfferList) => request<{ items: Offer[]; cursor: string | null }>('GET', '/v1/assists', { query: { state } }),
  assist: (assistId: string) => request<StaffAssist>('GET', `/v1/assists/${id(assistId)}`),
  /** every assist of the report with its offers (the report's staff) */
  assistsOf: (reportId: string) => request<{ items: StaffAssist[] }>('GET', `/v1/reports/${id(reportId)}/assists`),
  accept: (assistId: string) => request<Offer>('POST', `/v1/assists/${id(assistId)}/accept`),
  decline: (assistId: string, reason?: string) => request<Offer>('POST', `/v1/assists/${id(assistId)}/decline`, { body: reason ? { reason } : {} }),
  arrive: (assistId: string, fix: Fix) => request<Offer>('POST', `/v1/assists/${id(assistId)}/arrive`, { body: fix }),
  done: (assistId: string, body: { note?: string; photoId?: string }) => request<Offer>('POST', `/v1/assists/${id(assistId)}/done`, { body }),
  rate: (assistId: string, body: { score: number; comment?: string; volunteerId?: string }) => request<StaffAssist>('POST', `/v1/assists/${id(assistId)}/rating`, { body }),
  request: (reportId: string, body: { need: string; skills?: Skill[]; count?: number; radiusM?: number; to?: string[]; recommendation?: string; photoIds?: string[] }) =>
    request<StaffAssist>('POST', `/v1/reports/${id(reportId)}/assists`, { body }),
  recommendations: (reportId: string) => request<{ items: Recommendation[]; version: number }>('GET', `/v1/reports/${id(reportId)}/recommendations`),
};

/** "320 米" / "1.2 公里" */
export function distanceText(m: number | null | undefined): string {
  if (m === null || m === undefined || !Number.isFinite(m)) return '距离不明';
  return m < 1000 ? `${Math.round(m)} 米` : `${(m / 1000).toFixed(1)} 公里`;
}

/** "45 秒" / "3 分钟" / "1.5 小时" for a duration in seconds. */
export function seconds(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (v < 60) return `${Math.round(v)} 秒`;
  if (v < 3600) return `${Math.round(v / 60)} 分钟`;
  return `${Math.round((v / 3600) * 10) / 10} 小时`;
}

/** An offer's state in words, as the responder and the requester read it. */
export const OFFER_STATE_NAMES: Record<OfferState, string> = {
  offered: '待接单',
  declined: '已婉拒',
  taken: '已由他人接单',
  accepted: '已接单',
  arrived: '已到场',
  done: '已完成',
  rated: '已评价',
  expired: '已结束',
};

export const ASSIST_STATE_NAMES: Record<AssistState, string> = { open: '等待接单', filled: '人已齐', unanswered: '暂无人接单' };
