/**
 * Reports: the record, its timeline (with each version's outbox row), members (reporter,
 * followers) and ratings, all in the report's own partition so one Query reads the whole story.
 * How they are laid out as items is store/report-items; index attributes are derived from the
 * record there (`indexAttributes`) so no handler ever types a key. Indexes that hold only keys
 * (TABLE_SCHEMA) are read by key and the records fetched from the table (`hydrate`).
 */
import { GetCommand, QueryCommand, BatchGetCommand, DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import ngeohash from 'ngeohash';
import { doc } from '#store/clients';
import { queryAll } from '#store/query';
import { AssistStepItem, Event, GEOHASH_PRECISION, Member, Rating, Report, indexQuery, keys, timerHour, withoutKeys, type Partition } from '#store/keys';
import { transact, ConditionFailed, type TxItem } from '#store/tx';
import { auditEntry, auditPut } from '#store/audit';
import { eventItem, eventsFromItem, isReportItem, memberItem, reportFromItem, reportIdOfEntry, reportItem, type MemberRecord, type OutboxRow } from '#store/report-items';
import { config } from '#config';
import { isOpen } from '#domain/lifecycle';
import type { ReportRecord, TimelineEvent, Score } from '#domain/report';
import type { AssistStep } from '#domain/assists';
import { stepOf } from '#store/assists';

export { indexAttributes, outboxRowOf, type MemberRecord, type OutboxRow } from '#store/report-items';

export interface RatingRecord {
  reportId: string;
  userId: string;
  round: number;
  score: Score;
  comment: string | null;
  at: string;
}

const table = () => config.tableName;

const put = (Item: Record<string, unknown>, ConditionExpression?: string, values?: Record<string, unknown>): TxItem => ({
  Put: {
    TableName: table(),
    Item,
    ...(ConditionExpression ? { ConditionExpression } : {}),
    ...(values ? { ExpressionAttributeValues: values } : {}),
  },
});

/** The audit entry of a state change, from its first timeline event. */
function stateChangeAudit(e: TimelineEvent): TxItem {
  return auditPut(
    auditEntry({
      at: e.at,
      what: 'state_change',
      actorId: e.actor?.id ?? 'system',
      actorRole: e.actor?.role ?? 'system',
      reportId: e.reportId,
      detail: e.action,
      from: e.from,
      to: e.to,
    }),
  );
}

export interface CreateReportWrite {
  report: ReportRecord;
  events: TimelineEvent[];
  outbox: OutboxRow;
  /** extra items that must commit with the report (idempotency record, uploads claimed) */
  extra: TxItem[];
}

export async function createReport(w: CreateReportWrite): Promise<void> {
  const items: TxItem[] = [
    put(reportItem(w.report), 'attribute_not_exists(PK)'),
    put(eventItem(w.events, w.outbox, w.report), 'attribute_not_exists(PK)'),
    ...(w.report.reporterId
      ? [put(memberItem({ reportId: w.report.id, userId: w.report.reporterId, relation: 'reporter', at: w.report.createdAt }, w.report.createdAt))]
      : []),
    stateChangeAudit(w.events[0]!),
    ...w.extra,
  ];
  await transact(items);
}

export interface TransitionWrite {
  before: ReportRecord;
  after: ReportRecord;
  events: TimelineEvent[];
  outbox: OutboxRow;
  extra?: TxItem[];
}

/**
 * A state change: the record (conditioned on the version it was decided from), the version's
 * item (its events and outbox row; a version is written once), the audit entry, `extra`.
 */
export async function commitTransition(w: TransitionWrite): Promise<void> {
  const items: TxItem[] = [
    put(reportItem(w.after), '#v = :v', { ':v': w.before.version }),
    put(eventItem(w.events, w.outbox), 'attribute_not_exists(PK)'),
    stateChangeAudit(w.events[0]!),
    ...(w.extra ?? []),
  ];
  (items[0]!.Put as { ExpressionAttributeNames?: Record<string, string> }).ExpressionAttributeNames = { '#v': 'version' };
  await transact(items, { 0: reportItem(w.before) });
}

export { ConditionFailed };

export function memberPut(m: MemberRecord, reportCreatedAt: string): TxItem {
  return put(memberItem(m, reportCreatedAt), 'attribute_not_exists(PK)');
}

/** A follower joins: their membership row and the report's count, together. */
export async function addFollower(report: ReportRecord, userId: string, now: Date, extra: TxItem[] = []): Promise<void> {
  await transact([
    memberPut({ reportId: report.id, userId, relation: 'follower', at: now.toISOString() }, report.createdAt),
    {
      Update: {
        TableName: table(),
        Key: keys.report(report.id),
        UpdateExpression: 'ADD #n :one',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#n': 'followerCount' },
        ExpressionAttributeValues: { ':one': 1 },
      },
    },
    ...extra,
  ], { 1: reportItem(report) });
}

/** A follower's rating: their own row only; the report's state does not change. */
export async function transactRating(rating: TxItem): Promise<void> {
  await transact([rating]);
}

export async function getRating(reportId: string, round: number, userId: string): Promise<RatingRecord | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: keys.rating(reportId, round, userId), ConsistentRead: true }));
  return strip<RatingRecord>(out.Item);
}

export function ratingPut(r: RatingRecord): TxItem {
  return put({ ...keys.rating(r.reportId, r.round, r.userId), type: 'rating', ...r }, 'attribute_not_exists(PK)');
}

function strip<T>(item: Record<string, unknown> | undefined): T | null {
  if (!item) return null;
  const { type: _t, ttl: _ttl, ...rest } = withoutKeys(item);
  return rest as T;
}

export async function getReportRecord(id: string, consistent = true): Promise<ReportRecord | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: keys.report(id), ConsistentRead: consistent }));
  return out.Item ? reportFromItem(out.Item) : null;
}

export interface ReportStory {
  report: ReportRecord;
  events: TimelineEvent[];
  members: MemberRecord[];
  ratings: RatingRecord[];
  /** community responders' assists on it (domain/assists), by time */
  assistSteps: AssistStep[];
}

/** The whole partition in one (paged) Query: record, timeline, members, ratings. */
export async function getReportStory(id: string): Promise<ReportStory | null> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': keys.report(id).PK },
    ConsistentRead: true,
  });
  const record = items.find((i) => Report.owns(i));
  if (!record) return null;
  const of = <T>(prefix: string) => items.filter((i) => String(i.SK).startsWith(prefix)).map((i) => strip<T>(i)!);
  return {
    report: reportFromItem(record),
    events: items
      .filter((i) => String(i.SK).startsWith(Event.skPrefix))
      .flatMap(eventsFromItem)
      .sort((a, b) => a.version - b.version || a.seq - b.seq),
    members: of<MemberRecord>(Member.skPrefix),
    ratings: of<RatingRecord>(Rating.skPrefix),
    assistSteps: items.filter((i) => AssistStepItem.owns(i)).map(stepOf),
  };
}

export async function getMember(reportId: string, userId: string): Promise<MemberRecord | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: keys.member(reportId, userId), ConsistentRead: true }));
  return strip<MemberRecord>(out.Item);
}


export interface Page<T> {
  items: T[];
  cursor: string | null;
}

export { encodeCursor, decodeCursor } from '#store/cursor';
import { encodeCursor, decodeCursor } from '#store/cursor';

/**
 * Index entries that stand for a report (the record's own entry, or its first timeline item's
 * in GSI1) become the report's current record, `type: 'report'`; the record is taken from the
 * entry where the index holds all of it, else fetched by key (BatchGet), in the index's order.
 * Other entries (memberships, users, audit entries, uploads) are returned as stored.
 */
async function hydrate(entries: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const missing = entries.filter((e) => reportIdOfEntry(e) && !(isReportItem(e) && 'status' in e)).map((e) => reportIdOfEntry(e)!);
  const fetched = new Map((await batchGetReports([...new Set(missing)])).map((r) => [r.id, r]));
  return entries.flatMap((e) => {
    const id = reportIdOfEntry(e);
    if (!id) return [e];
    const r = isReportItem(e) && 'status' in e ? reportFromItem(e) : fetched.get(id);
    return r ? [{ type: 'report', ...r }] : [];
  });
}

/** Query one index partition (an entity's `partition(...)`), one page. */
export async function queryIndex(
  partition: Partition,
  opts: { limit: number; cursor?: string; descending?: boolean; skBetween?: [string, string] },
): Promise<Page<Record<string, unknown>>> {
  const between = opts.skBetween;
  const scope = `${partition.index.name}:${partition.pk}`;
  const out = await doc.send(
    new QueryCommand({
      TableName: table(),
      ...indexQuery(partition, between ? ['between', between[0], between[1]] : undefined),
      ScanIndexForward: !opts.descending,
      Limit: opts.limit,
      ExclusiveStartKey: decodeCursor(opts.cursor, scope),
    }),
  );
  return { items: await hydrate(out.Items ?? []), cursor: encodeCursor(out.LastEvaluatedKey, scope) };
}

export async function reportsFromIndex(partition: Partition, opts: { limit: number; cursor?: string; descending?: boolean }): Promise<Page<ReportRecord>> {
  const page = await queryIndex(partition, opts);
  return { items: page.items.filter((i) => i.type === 'report').map(({ type: _t, ...r }) => r as unknown as ReportRecord), cursor: page.cursor };
}

/** How many open tasks a handler holds (routing spreads load by this). */
export async function countOpenTasks(userId: string): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new QueryCommand({
        TableName: table(),
        ...indexQuery(Report.partition('openTasksOfAssignee', { uid: userId })),
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
}

/** The user's own and followed reports, newest first (membership rows -> batch of records). */
/** A user's reports and followed ones, newest first, each with how the user is in it. */
export async function reportsOfUser(userId: string, limit: number, cursor?: string): Promise<Page<ReportRecord & { relation: 'reporter' | 'follower' }>> {
  const page = await queryIndex(Member.partition('reportsOfUser', { uid: userId }), { limit, cursor, descending: true });
  const relation = new Map(page.items.map((i) => [String(i.reportId), i.relation === 'follower' ? ('follower' as const) : ('reporter' as const)]));
  const items = await batchGetReports([...relation.keys()]);
  return { items: items.map((r) => ({ ...r, relation: relation.get(r.id)! })), cursor: page.cursor };
}

export async function batchGetReports(ids: string[]): Promise<ReportRecord[]> {
  if (ids.length === 0) return [];
  const found = new Map<string, ReportRecord>();
  for (let i = 0; i < ids.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
      [table()]: { Keys: ids.slice(i, i + 100).map((id) => keys.report(id)) },
    };
    while (request && Object.keys(request).length > 0) {
      const out = await doc.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of out.Responses?.[table()] ?? []) {
        const r = reportFromItem(item);
        found.set(r.id, r);
      }
      request = out.UnprocessedKeys as typeof request;
    }
  }
  return ids.map((id) => found.get(id)).filter((r): r is ReportRecord => !!r);
}

/** Open reports of a category in the point's geohash cell and its 8 neighbours (the index holds keys: records by key). */
export async function openReportsNear(category: string, lat: number, lng: number): Promise<ReportRecord[]> {
  const cell = ngeohash.encode(lat, lng, GEOHASH_PRECISION);
  const cells = [cell, ...ngeohash.neighbors(cell)];
  const pages = await Promise.all(
    cells.map((c) =>
      queryAll({
        TableName: table(),
        ...indexQuery(Report.partition('openReportsNear', { category, geohash7: c })),
      }),
    ),
  );
  const reports = (await hydrate(pages.flat())).map(({ type: _t, ...r }) => r as unknown as ReportRecord);
  // the index is eventually consistent: a report closed a moment ago may still be listed
  return reports.filter((r) => isOpen(r.status) && r.category === category);
}

/**
 * A resident deletes their account: their membership rows go, and reports they filed keep only
 * a pseudonym (so counts and the timeline survive, the person does not).
 */
export async function pseudonymiseMember(userId: string, pseudonym: string): Promise<number> {
  let done = 0;
  for (;;) {
    const page = await queryIndex(Member.partition('reportsOfUser', { uid: userId }), { limit: 50 });
    const members = page.items.filter((i) => i.type === 'member');
    if (members.length === 0) return done;
    for (const m of members) {
      const reportId = String(m.reportId);
      await transact([
        { Delete: { TableName: table(), Key: keys.member(reportId, userId) } },
        ...(m.relation === 'reporter'
          ? [
              {
                Update: {
                  TableName: table(),
                  Key: keys.report(reportId),
                  UpdateExpression: 'SET reporterId = :p',
                  ConditionExpression: 'reporterId = :u',
                  ExpressionAttributeValues: { ':p': pseudonym, ':u': userId },
                },
              },
            ]
          : []),
      ]);
      done++;
    }
  }
}

/** Report ids whose next timer in this hour bucket is due by `now`. */
export async function dueTimers(bucketAtIso: string, nowIso: string): Promise<string[]> {
  const ids: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new QueryCommand({
        TableName: table(),
        ...indexQuery(Report.partition('timersDue', { hour: timerHour(bucketAtIso) }), ['<=', nowIso]),
        ExclusiveStartKey: start,
      }),
    );
    // the index holds keys only: the id is the record's PK
    ids.push(...(out.Items ?? []).map((i) => Report.idOf(i.PK) ?? ''));
    start = out.LastEvaluatedKey;
  } while (start);
  return ids;
}

/**
 * Retention and account deletion: membership rows go; residents' ids on the partition's events
 * and ratings become pseudonyms. Each item is rewritten on its own (idempotent: a pseudonym maps
 * to itself, so a re-run changes nothing). A version's item is rewritten without its outbox row:
 * the notifier read it from the stream long before (the rewrite is a MODIFY, which it ignores),
 * and the row's actor is the resident whose id goes.
 */
export async function pseudonymisePartition(story: ReportStory, pseudonymOf: (id: string) => string): Promise<void> {
  const isPseudonym = (id: string) => id.startsWith('anon-');
  for (const m of story.members) {
    await doc.send(new DeleteCommand({ TableName: table(), Key: keys.member(m.reportId, m.userId) }));
  }
  const versions = new Map<number, TimelineEvent[]>();
  for (const e of story.events) versions.set(e.version, [...(versions.get(e.version) ?? []), e]);
  const resident = (e: TimelineEvent) => e.actor?.role === 'resident' && !isPseudonym(e.actor.id);
  for (const [version, events] of versions) {
    if (!events.some(resident)) continue;
    const renamed = events.map((e) => (resident(e) ? { ...e, actor: { ...e.actor!, id: pseudonymOf(e.actor!.id) } } : e));
    await doc.send(new PutCommand({ TableName: table(), Item: eventItem(renamed, null, version === 1 ? story.report : undefined) }));
  }
  for (const r of story.ratings) {
    if (isPseudonym(r.userId)) continue;
    await doc.send(new DeleteCommand({ TableName: table(), Key: keys.rating(r.reportId, r.round, r.userId) }));
    await doc.send(new PutCommand({ TableName: table(), Item: { ...keys.rating(r.reportId, r.round, pseudonymOf(r.userId)), type: 'rating', ...r, userId: pseudonymOf(r.userId) } }));
  }
}
