/**
 * How a report's partition is laid out as items — the one place that knows, both ways (write:
 * `reportItem`, `eventItem`, `memberItem`; read: `reportFromItem`, `eventsFromItem`,
 * `outboxRowOf`). Every started KB of an item is paid on each write of it (twice inside a
 * transaction, once more per index holding it), so the layout stores what is needed once:
 *
 * REPORT   the record, less what it says by default: `id` (it is in PK), and required fields at
 *          their default (null, 0, false, []) are left out and restored on read; its times are
 *          epoch milliseconds. Its index entries (indexAttributes) but reportsOfGrid.
 * EVENT#v  one item per version: the timeline events of that state change (the first flat, any
 *          further ones of the same version in `also`), the version's outbox row (`outbox`: what
 *          the notifier reads from the item's INSERT on the stream; `at` and `actorId` left out
 *          when they are the first event's), and on version 1 the report's reportsOfGrid entry
 *          (grid over time): an item written once (retention rewrites it with the entry kept), so later
 *          changes of the record never rewrite that entry.
 * MEMBER   reporter or follower, in reportsOfUser (my reports, newest first).
 * Keys and index entries: store/entities/reports.ts.
 */
import ngeohash from 'ngeohash';
import { Event, GEOHASH_PRECISION, INDEX, KEY_ATTRIBUTES, Member, Report, keys, timerHour } from '#store/keys';
import { config } from '#config';
import { isOpen } from '#domain/lifecycle';
import { dueAt, HOLDING_STATUSES, type ReportRecord, type TimelineEvent } from '#domain/report';
import { nextTimer } from '#domain/timers';

export interface OutboxRow {
  reportId: string;
  version: number;
  at: string;
  kind: string;
  /** who caused it: never told about their own action */
  actorId: string | null;
  /** user ids to tell; 'followers' expands to reporter + followers when the notifier runs */
  to: Array<{ userId: string; reason: string } | { audience: 'followers' }>;
  title: string;
  body: string;
  /** the inbox item's id when the row is not a version's (an assist step): else `<reportId>-<version:6>` */
  inboxId?: string;
  /** recipients told in other words than `title` */
  titles?: Record<string, string>;
}

export interface MemberRecord {
  reportId: string;
  userId: string;
  relation: 'reporter' | 'follower';
  at: string;
}

type Item = Record<string, unknown>;

/**
 * The index memberships a report has in its current state — the only place they are decided.
 * Sort keys are bare times: GSI keys need not be unique, and every byte is paid for once per
 * index on every write. The reportsOfGrid entry is stored on the report's first timeline item
 * (see above).
 */
export function indexAttributes(r: ReportRecord): Record<string, string> {
  const attrs = gridEntry(r);
  const due = dueAt(r);
  if (r.assignee) {
    if (HOLDING_STATUSES.includes(r.status) && due) Object.assign(attrs, Report.index('openTasksOfAssignee', { uid: r.assignee.id, dueAt: due }));
    else if (r.resolvedAt) Object.assign(attrs, Report.index('doneTasksOfAssignee', { uid: r.assignee.id, resolvedAt: r.resolvedAt }));
  }
  if (isOpen(r.status) && due) {
    Object.assign(
      attrs,
      r.assignee ? Report.index('openReportsOfGrid', { gridId: r.gridId, dueAt: due }) : Report.index('unplacedReports', { dueAt: due }),
      Report.index('openReportsOfBeat', { beatId: r.beatId, dueAt: due }),
      Report.index('openReportsNear', { category: r.category, geohash7: ngeohash.encode(r.location.lat, r.location.lng, GEOHASH_PRECISION), createdAt: r.createdAt }),
    );
  }
  const timer = nextTimer(r, config.retentionDays);
  if (timer) Object.assign(attrs, Report.index('timersDue', { hour: timerHour(timer.at), at: timer.at }));
  return attrs;
}

/** The report's entry in reportsOfGrid (grid over time): it never changes. */
function gridEntry(r: ReportRecord): Record<string, string> {
  return Report.index('reportsOfGrid', { gridId: r.gridId, createdAt: r.createdAt });
}

/** Required fields of the record and the value they are left out at (restored on read). */
const DEFAULTS = {
  address: null,
  caller: null,
  assignee: null,
  reporterId: null,
  rating: null,
  mergedInto: null,
  acceptedAt: null,
  resolvedAt: null,
  closedAt: null,
  anonymous: false,
  followerCount: 0,
  reopenCount: 0,
  closeRound: 0,
  photos: [] as unknown[],
} satisfies Partial<Record<keyof ReportRecord, unknown>>;

const isDefault = (k: string, v: unknown): boolean => {
  if (!(k in DEFAULTS)) return false;
  const d = DEFAULTS[k as keyof typeof DEFAULTS];
  return Array.isArray(d) ? Array.isArray(v) && v.length === 0 : v === d;
};

/** Top-level times of the record: stored as epoch milliseconds (8 bytes where ISO text is 24). */
const TIMES = new Set(['createdAt', 'updatedAt', 'acceptBy', 'resolveBy', 'acceptedAt', 'resolvedAt', 'closedAt', 'endedAt', 'retainedAt']);
/** Only a time that reads back exactly as written (toISOString's form) is stored as a number. */
const asStored = (k: string, v: unknown): unknown => {
  if (!TIMES.has(k) || typeof v !== 'string') return v;
  const ms = Date.parse(v);
  return Number.isFinite(ms) && new Date(ms).toISOString() === v ? ms : v;
};
const asRead = (k: string, v: unknown): unknown => (TIMES.has(k) && typeof v === 'number' ? new Date(v).toISOString() : v);

/** What an item stores besides the record: its keys, `type` and `ttl`. */
const isMeta = (k: string) => KEY_ATTRIBUTES.has(k) || k === 'type' || k === 'ttl';
const GRID = INDEX.reportsOfGrid;

export function reportItem(r: ReportRecord): Item {
  const { [GRID.pk]: _pk, [GRID.sk]: _sk, ...indexes } = indexAttributes(r);
  const { id: _id, ...fields } = r;
  const stored = Object.fromEntries(Object.entries(fields).filter(([k, v]) => v !== undefined && !isDefault(k, v)).map(([k, v]) => [k, asStored(k, v)]));
  return { ...keys.report(r.id), type: 'report', ...indexes, ...stored };
}

export const isReportItem = (item: Item | undefined): boolean => !!item && item.type === 'report' && Report.owns(item);

/** The record from its item (this layout or the one before it, which stored every field as is). */
export function reportFromItem(item: Item): ReportRecord {
  const fields = Object.fromEntries(Object.entries(item).filter(([k]) => !isMeta(k)).map(([k, v]) => [k, asRead(k, v)]));
  return { ...DEFAULTS, photos: [], ...fields, id: Report.idOf(item.PK) ?? '' } as unknown as ReportRecord;
}

/** The report id an index entry stands for: the record itself or its first timeline item. */
export function reportIdOfEntry(item: Item): string | null {
  return Report.owns(item) || Event.owns(item) ? Report.idOf(item.PK) : null;
}

/** China day (UTC+8, no DST) of a time: the partition of the report's requestsOfDay entry. */
const chinaDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);

/** The report's entry in requestsOfDay (Open311's city-wide list by time): on the first timeline item, written once. */
function dayEntry(r: ReportRecord): Record<string, string> {
  return Event.index('requestsOfDay', { chinaDay: chinaDay(r.createdAt), createdAt: r.createdAt });
}

type StoredOutbox = Omit<OutboxRow, 'reportId' | 'version' | 'at' | 'actorId'> & { at?: string; actorId?: string | null };

/**
 * One version's item: its events (all of one version, in seq order), its outbox row, and for
 * version 1 the report whose reportsOfGrid entry it carries.
 */
export function eventItem(events: readonly TimelineEvent[], outbox: OutboxRow | null, created?: ReportRecord): Item {
  const [first, ...more] = events;
  if (!first) throw new Error('eventItem: a version has at least one event');
  const also = more.map(({ reportId: _r, version: _v, ...e }) => e);
  let stored: StoredOutbox | undefined;
  if (outbox) {
    const { reportId: _r, version: _v, at, actorId, ...rest } = outbox;
    stored = { ...rest, ...(at !== first.at ? { at } : {}), ...(actorId !== (first.actor?.id ?? null) ? { actorId } : {}) };
  }
  const grid = created ? { ...gridEntry(created), ...dayEntry(created) } : {};
  return { ...keys.event(first.reportId, first.version), type: 'event', ...grid, ...first, ...(also.length ? { also } : {}), ...(stored ? { outbox: stored } : {}) };
}

/** The events an EVENT# item holds (also one of the layout before, one item per event). */
export function eventsFromItem(item: Item): TimelineEvent[] {
  const { also, outbox: _o, ...rest } = Object.fromEntries(Object.entries(item).filter(([k]) => !isMeta(k))) as Item & { also?: Item[] };
  const first = rest as unknown as TimelineEvent;
  return [first, ...(also ?? []).map((e) => ({ reportId: first.reportId, version: first.version, ...e }) as unknown as TimelineEvent)];
}

/** The outbox row an item carries: a version's EVENT# item, or an OUTBOX# row (the layout before). */
export function outboxRowOf(item: Item): OutboxRow | null {
  if (item.type === 'outbox') {
    const { PK: _p, SK: _s, type: _t, ttl: _ttl, ...row } = item;
    return row as unknown as OutboxRow;
  }
  if (item.type === 'assist_step') {
    if (!item.outbox) return null;
    const o = item.outbox as StoredOutbox & { inboxId: string; titles?: Record<string, string> };
    const actor = item.actor as { id: string } | null;
    return { reportId: String(item.reportId), version: 0, at: String(item.at), actorId: actor?.id ?? null, kind: o.kind, to: o.to, title: o.title, body: o.body, inboxId: o.inboxId, ...(o.titles ? { titles: o.titles } : {}) };
  }
  if (item.type !== 'event' || !item.outbox) return null;
  const first = eventsFromItem(item)[0]!;
  const o = item.outbox as StoredOutbox;
  return { reportId: first.reportId, version: first.version, at: o.at ?? first.at, actorId: o.actorId !== undefined ? o.actorId : (first.actor?.id ?? null), kind: o.kind, to: o.to, title: o.title, body: o.body };
}

export function memberItem(m: MemberRecord, createdAt: string): Item {
  return {
    ...keys.member(m.reportId, m.userId),
    type: 'member',
    ...Member.index('reportsOfUser', { uid: m.userId, createdAt, reportId: m.reportId }),
    ...m,
  };
}
