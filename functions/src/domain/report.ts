/**
 * The report as stored and reasoned about. Locations are kept in WGS-84 (the datum of the
 * boundary data); the HTTP layer converts at the edge through geo/datum.
 */
import type { Side } from '#domain/categories';
import type { Action, ReportFacts } from '#domain/lifecycle';
import type { Role } from '#domain/roles';
import { HELD_STATUSES, isOpen, type Status } from '#domain/statuses';

export type Source = 'app' | 'phone' | '110' | 'open311';
export type Score = 'satisfied' | 'basically_satisfied' | 'dissatisfied';
export const SCORES: readonly Score[] = ['satisfied', 'basically_satisfied', 'dissatisfied'];

export interface PersonRef {
  id: string;
  role: Role;
  name: string;
}

/** A photo on a report: the upload id; its processed objects' keys derive from it (store/uploads). */
export interface PhotoRef {
  id: string;
  kind: 'report' | 'after';
}

export interface ReportRecord {
  id: string;
  version: number;
  status: Status;
  category: string;
  description: string;
  address: string | null;
  anonymous: boolean;
  source: Source;
  /** WGS-84 */
  location: { lat: number; lng: number };
  /** the building of the address register it is about (reports filed before registers: absent) */
  building?: { id: string; name: string; label: string } | null;
  /** the category's time limits when it was filed (an edited table never moves its deadlines) */
  limits?: { acceptHours: number; resolveHours: number } | null;
  /** the category table's edit it was filed under (absent: the built-in table) */
  categoryVersion?: string;
  /** the place in words when there is no building (else the building's label): street, community and a nearby road */
  placeLabel?: string;
  /** 单元 and 楼层 inside the building, when the resident gave them (reporter and staff only) */
  unit?: string | null;
  floor?: number | null;
  createdAt: string;
  updatedAt: string;
  gridId: string;
  gridName: string;
  beatId: string;
  beatName: string;
  areasVersion: string;
  lead: Side;
  assignee: PersonRef | null;
  acceptBy: string;
  resolveBy: string;
  reporterId: string | null;
  /**
   * a dispatcher filing on behalf of a caller (phone / 110), or the person an Open311 client
   * filed for (its email, first/last name, phone): the same privacy rules as a phone caller's
   */
  caller: Caller | null;
  /** filed through Open311 GeoReport v2: by which API key, with what the client sent besides */
  open311?: Open311Filing | null;
  /** report photos and handlers' after-photos, with the processed objects' keys */
  photos: PhotoRef[];
  followerCount: number;
  reopenCount: number;
  /** time-limit checkpoints fired on the current clock (see domain/timers) */
  sla?: { stage: 'accept' | 'resolve'; step: number } | null;
  /** the reporter's survey after the latest closure */
  survey?: { round: number; step: number; outcome: 'no_answer' | null } | null;
  /** how many times it has been closed; ratings belong to a round */
  closeRound: number;
  rating: { score: Score; comment: string | null; at: string } | null;
  /** the closure round the reporter's rating belongs to (a reopened report is asked again) */
  ratedRound?: number;
  mergedInto: string | null;
  routing: { mode: 'exact' | 'nearest'; reason: string };
  acceptedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  /** when it last entered an `ended` state — closed, rejected, merged (the retention clock starts here) */
  endedAt?: string | null;
  /** when its personal data was pseudonymised under the retention rule */
  retainedAt?: string | null;
  moderation?: import('#domain/moderation').Moderation;
}

export interface Caller {
  name: string;
  /** '' when an Open311 client gave none */
  phone: string;
  email?: string | undefined;
}

/** What an Open311 filing carries that a report has no field for (kept for the city system that filed it). */
export interface Open311Filing {
  apiKeyId: string;
  /** attributes as sent (code -> values), after checking them against the service definition */
  attributes: Record<string, string[]>;
  mediaUrl: string | null;
  accountId: string | null;
  deviceId: string | null;
}

export interface TimelineEvent {
  reportId: string;
  version: number;
  seq: number;
  at: string;
  action: Action | 'report' | 'route' | 'rate' | 'follow' | 'retain';
  from: Status | null;
  to: Status;
  actor: PersonRef | null;
  note: string | null;
  photoIds: string[];
}

export const factsOf = (r: ReportRecord): ReportFacts => ({
  status: r.status,
  lead: r.lead,
  gridId: r.gridId,
  beatId: r.beatId,
  assigneeId: r.assignee?.id ?? null,
  reporterId: r.reporterId,
  reopenCount: r.reopenCount,
});

/** What the task clock is counting towards now: acceptance first, then resolution. */
export function dueAt(r: Pick<ReportRecord, 'status' | 'acceptBy' | 'resolveBy'>): string | null {
  if (!isOpen(r.status)) return null;
  return r.status === 'reported' ? r.acceptBy : r.resolveBy;
}

/** The assignee holds the task while these (the `held` category, domain/statuses); after resolve it waits on the verifier. */
export const HOLDING_STATUSES: readonly Status[] = HELD_STATUSES;

/** A report's place in words: its building's label, else the label it was filed with, else (filed before labels) its grid. */
export const placeLabelOf = (r: Pick<ReportRecord, 'building' | 'placeLabel' | 'gridName'>): string => r.building?.label ?? r.placeLabel ?? r.gridName;
