/**
 * An assist request and its offers (协助请求, 点对点派单): the records, what each step means, how
 * it reads on the report's timeline, and what it adds to the measures. Pure.
 *
 * An assist belongs to a report. Each offer is one responder's: offered → accepted → arrived →
 * done (→ rated by the requester), or declined, or taken (the assist filled first), or expired
 * (the assist ended unanswered). The first `count` accepts fill the assist.
 */
import type { PersonRef } from '#domain/report';
import type { ResponderKind, Skill } from '#domain/responders';
import { KIND_NAMES } from '#domain/responders';

export type AssistState = 'open' | 'filled' | 'unanswered';

export interface AssistRecord {
  id: string;
  reportId: string;
  requester: PersonRef;
  need: string;
  skills: Skill[];
  count: number;
  radiusM: number;
  /** where help is needed (the report's place, WGS-84) and its words (building level at most) */
  place: { lat: number; lng: number; label: string };
  gridId: string;
  communityId: string | null;
  category: string;
  /** the report's photos the requester chose to show responders (none by default) */
  photoIds: string[];
  state: AssistState;
  round: number;
  accepted: number;
  /** everyone offered so far, in offer order (a round never offers anyone twice) */
  offered: string[];
  /** when the current round widens if still open; null once filled or over */
  widenAt: string | null;
  createdAt: string;
  version: number;
}

export const OFFER_STATES = ['offered', 'declined', 'taken', 'accepted', 'arrived', 'done', 'rated', 'expired'] as const;
export type OfferState = (typeof OFFER_STATES)[number];

export interface OfferBrief {
  need: string;
  category: string;
  placeLabel: string;
  /** WGS-84 */
  lat: number;
  lng: number;
  photoIds: string[];
  requesterName: string;
}

export interface OfferRecord {
  assistId: string;
  reportId: string;
  userId: string;
  kind: ResponderKind;
  /** the responder's display name: shown to the requester and the report's staff, never to residents */
  name: string;
  state: OfferState;
  round: number;
  distanceM: number;
  /** what the responder is shown, copied at offer time so their list is one Query: never the reporter */
  brief: OfferBrief;
  offeredAt: string;
  acceptedAt: string | null;
  arrivedAt: string | null;
  doneAt: string | null;
  note: string | null;
  photoId: string | null;
  rating: { score: number; comment: string | null; at: string } | null;
}

/** The volunteer's lists (GET /v1/assists?state=): what waits on them, what they hold, what is over. */
export type OfferList = 'offered' | 'mine' | 'done';
export function listOf(state: OfferState): OfferList {
  if (state === 'offered') return 'offered';
  if (state === 'accepted' || state === 'arrived') return 'mine';
  // done, rated, declined, taken, expired
  return 'done';
}

export const STEPS = ['requested', 'widened', 'unanswered', 'accepted', 'declined', 'arrived', 'done', 'rated'] as const;
export type AssistStepKind = (typeof STEPS)[number];

/** One step on the report's timeline (store/assists keeps it in the report's partition). */
export interface AssistStep {
  reportId: string;
  assistId: string;
  at: string;
  step: AssistStepKind;
  /** the report's status when it happened (the timeline's `to`) */
  status: string;
  /** null: the service (a round widening) */
  actor: PersonRef | null;
  /** the report's grid: the measures count the step there and above */
  gridId: string;
  /** the responder's kind, for steps a responder took (and the pool the measures count it in) */
  kind: ResponderKind | null;
  /** requested / widened: how many were offered, by kind, and the radius */
  offeredKinds?: Partial<Record<ResponderKind, number>>;
  radiusM?: number;
  /** accepted / arrived: seconds since the assist was requested */
  seconds?: number;
  score?: number;
  note: string | null;
  /** the recommendation the requester followed (its reason), if they did */
  recommendation?: string | null;
}

export const STEP_NAMES: Record<AssistStepKind, string> = {
  requested: '请求协助',
  widened: '扩大协助范围',
  unanswered: '暂无人接单',
  accepted: '接单协助',
  declined: '婉拒协助',
  arrived: '到场协助',
  done: '协助完成',
  rated: '评价协助',
};

/**
 * The step as a resident reads it: the responder only by kind ("平安志愿者 已到场协助"), staff by
 * role; no names, no distances, no counts of who declined.
 */
export function residentLine(s: AssistStep): string | null {
  const who = s.kind ? KIND_NAMES[s.kind] : '群防群治力量';
  switch (s.step) {
    case 'requested':
      return '已请求附近群防群治力量协助';
    case 'accepted':
      return `${who} 已接单`;
    case 'arrived':
      return `${who} 已到场协助`;
    case 'done':
      return `${who} 协助完成`;
    default:
      return null; // widening, declines, nobody answering and ratings are the handlers' business
  }
}

/** The step as staff read it: with names, counts and radius (null: the step's name says it all). */
export function staffLine(s: AssistStep): string | null {
  const n = Object.values(s.offeredKinds ?? {}).reduce((a, b) => a + (b ?? 0), 0);
  switch (s.step) {
    case 'requested':
      return `请求协助：${s.note ?? ''}（${s.radiusM} 米内 ${n} 人）${s.recommendation ? ` · 推荐：${s.recommendation}` : ''}`;
    case 'widened':
      return `无人接单，扩大到 ${s.radiusM} 米，再通知 ${n} 人`;
    case 'unanswered':
      return '多轮通知后仍无人接单';
    case 'rated':
      return `评价 ${s.score} 星${s.note ? `：${s.note}` : ''}`;
    default:
      return s.note;
  }
}
