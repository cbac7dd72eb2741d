/**
 * Reports: the record, its timeline, members (reporter, followers), ratings and outbox rows,
 * all in the report's own partition so one Query reads the whole story. Index attributes are
 * derived from the record here (`indexAttributes`) so no handler ever types a key.
 */
import { GetCommand, QueryCommand, BatchGetCommand, DeleteCommand, PutCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import ngeohash from 'ngeohash';
import { doc } from '#store/clients';
import { GEOHASH_PRECISION, INDEXES, indexKeys, keys, pad, prefixes } from '#store/keys';
import { transact, ConditionFailed, type TxItem } from '#store/tx';
import { auditEntry, auditPut } from '#store/audit';
import { config } from '#config';
import { isOpen } from '#domain/lifecycle';
import { dueAt, HOLDING_STATUSES, type ReportRecord, type TimelineEvent, type Score } from '#domain/report';
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
}

export interface MemberRecord {
  reportId: string;
  userId: string;
  relation: 'reporter' | 'follower';
  at: string;
}

export interface RatingRecord {
  reportId: string;
  userId: string;
  round: number;
  score: Score;
  comment: string | null;
  at: string;
}

const table = () => config.tableName;
const TTL_OUTBOX_DAYS = 30;

/**
 * The index memberships a report has in its current state — the only place they are decided.
 * Sort keys are bare times: GSI keys need not be unique, and every byte is paid for once per
 * index on every write.
 */
export function indexAttributes(r: ReportRecord): Record<string, string> {
  const attrs: Record<string, string> = {
    GSI1PK: indexKeys.reportsOfGrid(r.gridId),
    GSI1SK: r.createdAt,
  };
  const due = dueAt(r);
  if (r.assignee) {
    if (HOLDING_STATUSES.includes(r.status) && due) {
      attrs.GSI2PK = indexKeys.assigneeOpen(r.assignee.id);
      attrs.GSI2SK = due;
    } else if (r.resolvedAt) {
      attrs.GSI2PK = indexKeys.assigneeDone(r.assignee.id);
      attrs.GSI2SK = r.resolvedAt;
    }
  }
  if (isOpen(r.status) && due) {
    attrs.GSI3PK = r.assignee ? indexKeys.gridOpen(r.gridId) : indexKeys.unplaced();
    attrs.GSI3SK = due;
    attrs.GSI4PK = indexKeys.beatOpen(r.beatId);
    attrs.GSI4SK = due;
    attrs.GSI5PK = indexKeys.geoCell(r.category, ngeohash.encode(r.location.lat, r.location.lng, GEOHASH_PRECISION));
    attrs.GSI5SK = r.createdAt;
  }
  const timer = nextTimer(r, config.retentionDays);
  if (timer) {
    attrs.GSI6PK = indexKeys.timers(timer.at);
    attrs.GSI6SK = timer.at;
  }
  return attrs;
}

function reportItem(r: ReportRecord) {
  return { ...keys.report(r.id), type: 'report', ...indexAttributes(r), ...r };
}

function eventItem(e: TimelineEvent) {
  return { PK: keys.event(e.reportId, e.version).PK, SK: `${keys.event(e.reportId, e.version).SK}#${pad(e.seq, 2)}`, type: 'event', ...e };
}

function outboxItem(o: OutboxRow) {
  const ttl = Math.floor(Date.parse(o.at) / 1000) + TTL_OUTBOX_DAYS * 86400;
  return { ...keys.outbox(o.reportId, o.version), type: 'outbox', ttl, ...o };
}

function memberItem(m: MemberRecord, createdAt: string) {
  return {
    ...keys.member(m.reportId, m.userId),
    type: 'member',
    GSI1PK: indexKeys.reportsOfUser(m.userId),
    GSI1SK: `${createdAt}#${m.reportId}`,
    ...m,
  };
}

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
    ...w.events.map((e) => put(eventItem(e), 'attribute_not_exists(PK)')),
    put(outboxItem(w.outbox)),
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

/** A state change: report (conditioned on the version it was decided from), events, outbox. */
export async function commitTransition(w: TransitionWrite): Promise<void> {
  const items: TxItem[] = [
    put(reportItem(w.after), '#v = :v', { ':v': w.before.version }),
    ...w.events.map((e) => put(eventItem(e), 'attribute_not_exists(PK)')),
    put(outboxItem(w.outbox)),
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
export async function addFollower(report: ReportRecord, userId: string, now: Date): Promise<void> {
  await transact([
    memberPut({ reportId: report.id, userId, relation: 'follower', at: now.toISOString() }, report.createdAt),
    {
      Update: {
        TableName: table(),
        Key: keys.report(report.id),
        UpdateExpression: 'ADD followerCount :one',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':one': 1 },
      },
    },
  ]);
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
  const { PK: _pk, SK: _sk, type: _t, ttl: _ttl, ...rest } = item;
  for (const k of Object.keys(rest)) if (/^GSI\dP?S?K$/.test(k)) delete rest[k];
  return rest as T;
}

export async function getReportRecord(id: string, consistent = true): Promise<ReportRecord | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: keys.report(id), ConsistentRead: consistent }));
  return strip<ReportRecord>(out.Item);
}

export interface ReportStory {
  report: ReportRecord;
  events: TimelineEvent[];
  members: MemberRecord[];
  ratings: RatingRecord[];
}

/** The whole partition in one (paged) Query: record, timeline, members, ratings. */
export async function getReportStory(id: string): Promise<ReportStory | null> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': keys.report(id).PK },
    ConsistentRead: true,
  });
  const report = strip<ReportRecord>(items.find((i) => i.SK === 'REPORT'));
  if (!report) return null;
  const of = <T>(prefix: string) => items.filter((i) => String(i.SK).startsWith(prefix)).map((i) => strip<T>(i)!);
  return {
    report,
    events: of<TimelineEvent>(prefixes.event),
    members: of<MemberRecord>(prefixes.member),
    ratings: of<RatingRecord>(prefixes.rating),
  };
}

export async function getMember(reportId: string, userId: string): Promise<MemberRecord | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: keys.member(reportId, userId), ConsistentRead: true }));
  return strip<MemberRecord>(out.Item);
}

async function queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

export interface Page<T> {
  items: T[];
  cursor: string | null;
}

export { encodeCursor, decodeCursor } from '#store/cursor';
import { encodeCursor, decodeCursor } from '#store/cursor';

/** Query one index partition, one page. */
export async function queryIndex(
  index: (typeof INDEXES)[keyof typeof INDEXES],
  pk: string,
  opts: { limit: number; cursor?: string; descending?: boolean; skBetween?: [string, string] },
): Promise<Page<Record<string, unknown>>> {
  const n = index.slice(3); // 'GSI2' -> '2'
  const between = opts.skBetween;
  const out = await doc.send(
    new QueryCommand({
      TableName: table(),
      IndexName: index,
      KeyConditionExpression: between ? `GSI${n}PK = :pk AND GSI${n}SK BETWEEN :a AND :b` : `GSI${n}PK = :pk`,
      ExpressionAttributeValues: { ':pk': pk, ...(between ? { ':a': between[0], ':b': between[1] } : {}) },
      ScanIndexForward: !opts.descending,
      Limit: opts.limit,
      ExclusiveStartKey: decodeCursor(opts.cursor, `${index}:${pk}`),
    }),
  );
  return { items: out.Items ?? [], cursor: encodeCursor(out.LastEvaluatedKey, `${index}:${pk}`) };
}

export async function reportsFromIndex(
  index: (typeof INDEXES)[keyof typeof INDEXES],
  pk: string,
  opts: { limit: number; cursor?: string; descending?: boolean },
): Promise<Page<ReportRecord>> {
  const page = await queryIndex(index, pk, opts);
  return { items: page.items.filter((i) => i.type === 'report').map((i) => strip<ReportRecord>(i)!), cursor: page.cursor };
}

/** How many open tasks a handler holds (routing spreads load by this). */
export async function countOpenTasks(userId: string): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new QueryCommand({
        TableName: table(),
        IndexName: INDEXES.byAssignee,
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': indexKeys.assigneeOpen(userId) },
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
export async function reportsOfUser(userId: string, limit: number, cursor?: string): Promise<Page<ReportRecord>> {
  const page = await queryIndex(INDEXES.byOwner, indexKeys.reportsOfUser(userId), { limit, cursor, descending: true });
  const ids = page.items.map((i) => String(i.reportId));
  return { items: await batchGetReports(ids), cursor: page.cursor };
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
        const r = strip<ReportRecord>(item)!;
        found.set(r.id, r);
      }
      request = out.UnprocessedKeys as typeof request;
    }
  }
  return ids.map((id) => found.get(id)).filter((r): r is ReportRecord => !!r);
}

/** Open reports of a category in the point's geohash cell and its 8 neighbours. */
export async function openReportsNear(category: string, lat: number, lng: number): Promise<ReportRecord[]> {
  const cell = ngeohash.encode(lat, lng, GEOHASH_PRECISION);
  const cells = [cell, ...ngeohash.neighbors(cell)];
  const pages = await Promise.all(
    cells.map((c) =>
      queryAll({
        TableName: table(),
        IndexName: INDEXES.byGeoCell,
        KeyConditionExpression: 'GSI5PK = :pk',
        ExpressionAttributeValues: { ':pk': indexKeys.geoCell(category, c) },
      }),
    ),
  );
  return pages.flat().map((i) => strip<ReportRecord>(i)!);
}

/**
 * A resident deletes their account: their membership rows go, and reports they filed keep only
 * a pseudonym (so counts and the timeline survive, the person does not).
 */
export async function pseudonymiseMember(userId: string, pseudonym: string): Promise<number> {
  let done = 0;
  for (;;) {
    const page = await queryIndex(INDEXES.byOwner, indexKeys.reportsOfUser(userId), { limit: 50 });
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
        IndexName: INDEXES.byTimer,
        KeyConditionExpression: 'GSI6PK = :pk AND GSI6SK <= :now',
        ExpressionAttributeValues: { ':pk': indexKeys.timers(bucketAtIso), ':now': nowIso },
        ProjectionExpression: 'id',
        ExclusiveStartKey: start,
      }),
    );
    ids.push(...(out.Items ?? []).map((i) => String(i.id)));
    start = out.LastEvaluatedKey;
  } while (start);
  return ids;
}

/**
 * Retention and account deletion: membership rows go; residents' ids on the partition's events
 * and ratings become pseudonyms. Each item is rewritten on its own (idempotent: a pseudonym maps
 * to itself, so a re-run changes nothing).
 */
export async function pseudonymisePartition(story: ReportStory, pseudonymOf: (id: string) => string): Promise<void> {
  const isPseudonym = (id: string) => id.startsWith('anon-');
  for (const m of story.members) {
    await doc.send(new DeleteCommand({ TableName: table(), Key: keys.member(m.reportId, m.userId) }));
  }
  for (const e of story.events) {
    if (e.actor?.role !== 'resident' || isPseudonym(e.actor.id)) continue;
    await doc.send(new PutCommand({ TableName: table(), Item: eventItem({ ...e, actor: { ...e.actor, id: pseudonymOf(e.actor.id) } }) }));
  }
  for (const r of story.ratings) {
    if (isPseudonym(r.userId)) continue;
    await doc.send(new DeleteCommand({ TableName: table(), Key: keys.rating(r.reportId, r.round, r.userId) }));
    await doc.send(new PutCommand({ TableName: table(), Item: { ...keys.rating(r.reportId, r.round, pseudonymOf(r.userId)), type: 'rating', ...r, userId: pseudonymOf(r.userId) } }));
  }
}
