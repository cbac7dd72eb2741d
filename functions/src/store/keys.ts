/**
 * THE key design of the single DynamoDB table, assembled. Each entity declares its keys and
 * access patterns in its own module (store/entities/<store module>.ts, with the `entity` helper
 * of store/entity.ts); this module collects them, and builds the table — its keys, its GSIs and
 * their projections — that the local stack creates and infra/ deploys. No key is built anywhere
 * else: tests/unit/store/key-design.test.ts proves the keys of different entities never meet,
 * that every index a pattern reads is declared, and that no other source file types a key.
 *
 * Indexes are named for what they serve (store/entity.ts INDEX); the GSI carrying each is
 * shown before its name. The table below is rendered from the declarations (`keyTable`).
 *
 * <key-table>
 * Entity       PK                       SK                         indexes
 * ──────────── ──────────────────────── ────────────────────────── ────────────────────────────────────────────
 * Report       REPORT#<id>              REPORT                     GSI1 reportsOfGrid: AREA#<gridId> / <createdAt>  (on its EVENT#000001 item)
 *                                                                  GSI2 openTasksOfAssignee: ASSIGNEE#<uid>#open / <dueAt>
 *                                                                  GSI2 doneTasksOfAssignee: ASSIGNEE#<uid>#done / <resolvedAt>
 *                                                                  GSI3 openReportsOfGrid: GRID#<gridId>#open / <dueAt>
 *                                                                  GSI3 unplacedReports: QUEUE#unplaced / <dueAt>
 *                                                                  GSI4 openReportsOfBeat: BEAT#<beatId>#open / <dueAt>
 *                                                                  GSI5 openReportsNear: GEO#<category>#<geohash7> / <createdAt>  (open only)
 *                                                                  GSI6 timersDue: TIMER#<hour of next timer> / <at of next timer>  (while one is pending)
 * Member       REPORT#<reportId>        MEMBER#<uid>               GSI1 reportsOfUser: USER#<uid> / <createdAt>#<reportId>
 *                                                                  reporter + followers
 * Event        REPORT#<reportId>        EVENT#<version:6>          GSI4 requestsOfDay: REQUESTS#<chinaDay> / <createdAt>  (EVENT#000001 only)
 *                                                                  timeline, one per state change (its events and its outbox row,
 *                                                                  which the notifier reads from the stream)
 * Outbox row   REPORT#<reportId>        OUTBOX#<version:6>         the layout before the row rode its Event item: still read, no
 *                                                                  longer written
 * Rating       REPORT#<reportId>        RATING#<round:2>#<uid>     one per rater per closure round
 * User         USER#<id>                PROFILE                    GSI1 userByOpenid: OPENID#<openid> / USER
 * Inbox        USER#<uid>               INBOX#<at>#<outboxKey>     in-app notifications
 * Grant        USER#<uid>               GRANT#<templateId>         count (one-time templates); accepted, acceptedAt, revokedAt
 *                                                                  (long-term templates)
 * Staff area   AREA#<areaId>            STAFF#<uid>                who works an area (routing)
 * Invite       INVITE#<codeHash>        INVITE                     codeHash: sha256 of the code; ttl; binds a WeChat user to a
 *                                                                  staff account
 * Upload       UPLOAD#<id>              UPLOAD                     GSI3 pendingUploads: UPLOADS#pending / <expiresAt>#<id>  (pending only)
 * Idempotency  IDEMP#<uid>#<key>        IDEMP                      ttl
 * Area ptr     AREASET                  CURRENT                    which version routing uses (the version's snapshot and index
 *                                                                  live in S3 under areas/<version>/)
 * Sweeper      SWEEPER                  CURSOR                     the timer hour the sweeper resumes from
 * Dead letter  DLQ#push                 <at>#<uid>#<outboxKey>     a push WeChat would not take; an operator replays it. `at` is
 *                                                                  the message's time (the list reads oldest first); one per
 *                                                                  inbox item
 * KPI now      KPI#<areaId>             NOW                        open, overdue; the latest day's counters; on a grid's, the
 *                                                                  versions counted
 * KPI day      KPI#<areaId>             DAY#<day>                  counters + histograms of an earlier China day
 * Audit entry  AUDIT#R#<reportId|->     <at>#<id>                  GSI1 auditByActor: AUDIT#A#<actorId> / <at>
 *                                                                  GSI5 auditByDay: AUDIT#D#<chinaDay> / <at>  (the index holds every field of the entry)
 *                                                                  ttl
 * Review queue MODQ#pending             <createdAt>#<reportId>     one per report awaiting a person; derived from the report, so
 *                                                                  queuing twice is one item
 * Media trace  MEDIATRACE#<traceId>     TRACE                      uploadId; ttl
 * Limit        LIMIT#<uid>              <action>#<window start>    n, ttl; window start as ISO time
 * Bldg tally   BLDG#<buildingId>        TALLY#<category>           GSI1 repeatsOfStreet: REPEATS#<streetId> / <lastAt>  (only while 3 or more in 90 days)
 *                                                                  the last 90 days' reports [{id, at}], n (writes, for the
 *                                                                  condition); ttl
 * Categories   CATEGORIES               CURRENT                    the table in force: version (an edit number), items, editedBy,
 *                                                                  editedAt; absent: the built-in table
 * Cat version  CATEGORIES               V#<version:6>              every edit kept, as written
 * API key      APIKEYS                  KEY#<id>                   name, secretHash (sha256 of the secret; the key itself is
 *                                                                  shown once), areaIds (its creator's), createdBy, revokedAt
 * Webhook      WEBHOOKS                 HOOK#<id>                  apiKeyId (whose requests it hears of), url, events, secret
 *                                                                  (HMAC key, shown once), createdBy, deletedAt
 * Hook send    HOOKSEND#<webhookId>     <reportId>#<version:6>     one per webhook and report version: the queue message's claim,
 *                                                                  then sent / failed; ttl
 * Hook letter  DLQ#webhook              <at>#<webhookId>#<reportId>#<version:6> a webhook call that failed after its retries; an operator
 *                                                                  replays it. `at` is the change's time (oldest first)
 * Volunteer    USER#<uid>               VOLUNTEER                  GSI1 volunteersOfCommunity: VOLS#<communityId>#<status> / <appliedAt>
 *                                                                  communityId, kind, skills, name, leaderboard, status,
 *                                                                  decision; version
 * Position     USER#<uid>               POSITION                   the last position shared on duty and its cell; ttl 15 min
 *                                                                  after it was sent
 * Near cell    NEAR#<geohash6>          <uid>                      lat, lng, kind, skills, at; ttl. One per responder on duty, in
 *                                                                  the cell of their last position
 * Assist       ASSIST#<id>              ASSIST                     GSI6 assistsToWiden: WIDEN#<hour of widenAt> / <widenAt>  (while open)
 *                                                                  reportId, requester, need, skills, count, radius, place,
 *                                                                  state, round, accepted, offered; version
 * Offer        ASSIST#<assistId>        OFFER#<uid>                GSI1 offersOfVolunteer: VOLASSIST#<uid>#<list> / <offeredAt>  (list: offered / mine / done)
 *                                                                  state, round, distance, times, note, photo, rating
 * Assist step  REPORT#<reportId>        HELP#<at>#<assistId>#<step> an assist's step on the report's timeline; its outbox row
 *                                                                  (offers, taken, told the requester) rides it
 * Points       POINTS#<uid>             <at>#<assistId>            points, hours, reason: append-only, one per rated assist and
 *                                                                  responder
 * Resp. rules  SETTINGS                 RESPONDERS                 recommendation weights, category skills, offers per day
 *                                                                  (admin-editable); absent: the defaults
 *
 * Access patterns (one line each; none scans):
 * - report by id, with timeline, members, ratings ..... Query PK=REPORT#<id>
 * - reports of a grid over time ....................... reportsOfGrid (GSI1) PK=AREA#<gridId>, SK between times
 * - open tasks of an assignee by deadline ............. openTasksOfAssignee (GSI2) PK=ASSIGNEE#<uid>#open, ascending
 * - finished tasks of an assignee ..................... doneTasksOfAssignee (GSI2) PK=ASSIGNEE#<uid>#done, descending
 * - open reports of a grid by deadline ................ openReportsOfGrid (GSI3) PK=GRID#<gridId>#open
 * - reports routing could not place ................... unplacedReports (GSI3) PK=QUEUE#unplaced
 * - open reports of a beat by deadline ................ openReportsOfBeat (GSI4) PK=BEAT#<beatId>#open
 * - open reports of a category near a point ........... openReportsNear (GSI5) PK=GEO#<category>#<geohash7>, for the cell and its 8 neighbours
 * - timers due (time limits, surveys) ................. timersDue (GSI6) PK=TIMER#<hour of next timer>, SK <= now, hour by hour
 * - my reports and followed ones, newest first ........ reportsOfUser (GSI1) PK=USER#<uid>, descending
 * - reports of a China day, by time (Open311) ......... requestsOfDay (GSI4) PK=REQUESTS#<chinaDay>, SK between times, day by day
 * - user by id (one or a batch) ....................... GetItem / BatchGet
 * - user by WeChat openid ............................. userByOpenid (GSI1) PK=OPENID#<openid>
 * - a user's inbox, newest first ...................... Query PK=USER#<uid>, SK begins_with INBOX#, descending
 * - one inbox item (notifier replays, push state) ..... GetItem USER#<uid> / INBOX#<at>#<outboxKey>
 * - take one grant of a template ...................... UpdateItem USER#<uid> / GRANT#<templateId> (ADD count -1, conditioned on count > 0)
 * - is a long-term template accepted .................. GetItem
 * - a user's grants ................................... Query PK=USER#<uid>, SK begins_with GRANT#
 * - staff of an area .................................. Query PK=AREA#<areaId>, SK begins_with STAFF#
 * - invite by code .................................... GetItem
 * - upload by id ...................................... GetItem
 * - pending uploads past their expiry ................. pendingUploads (GSI3) PK=UPLOADS#pending, SK < now
 * - idempotency record by user+key .................... GetItem
 * - current areas ..................................... GetItem AREASET/CURRENT (+ S3 GET of that version)
 * - where the sweeper resumes ......................... GetItem SWEEPER/CURSOR
 * - dead-lettered pushes, oldest message first ........ Query PK=DLQ#push (one partition: failures are rare and each costs the notifier seconds of backoff first)
 * - KPIs of areas now ................................. BatchGet KPI#<areaId> x NOW
 * - KPIs of areas over days ........................... BatchGet KPI#<areaId> x (DAY#<day>, NOW) (cost: areas x days)
 * - audit of a report, newest first ................... Query PK=AUDIT#R#<reportId|->, descending
 * - audit of an actor, newest first ................... auditByActor (GSI1) PK=AUDIT#A#<actorId>, descending
 * - audit of a day, newest first ...................... auditByDay (GSI5) PK=AUDIT#D#<chinaDay>, descending, read from the index
 * - reports awaiting review, oldest first ............. Query PK=MODQ#pending
 * - the upload of a media-check trace ................. GetItem
 * - a user's count of an action in a window ........... GetItem / UpdateItem (ADD n, conditioned on the limit)
 * - a building's recent reports of a category ......... GetItem
 * - repeat hazards of a street, latest first .......... repeatsOfStreet (GSI1) PK=REPEATS#<streetId>, SK >= 90 days ago, descending
 * - the category table in force ....................... GetItem CATEGORIES/CURRENT
 * - earlier category tables, newest first ............. Query PK=CATEGORIES, SK begins_with V#, descending
 * - Open311 API keys, oldest first .................... Query PK=APIKEYS, SK begins_with KEY# (one partition: a city has a few dozen)
 * - an API key by id (every Open311 POST) ............. GetItem
 * - webhooks (delivery, admin list) ................... Query PK=WEBHOOKS, SK begins_with HOOK# (one partition: a few per key)
 * - a webhook call of a report version (claim, outcome) ... GetItem / UpdateItem (conditioned on the claim)
 * - dead-lettered webhook calls, oldest first ......... Query PK=DLQ#webhook
 * - a user's standing as a responder .................. GetItem
 * - responders of a community by status ............... volunteersOfCommunity (GSI1) PK=VOLS#<communityId>#<status>, oldest first
 * - a responder's last position ....................... GetItem (a read is audited)
 * - responders on duty in a cell ...................... Query PK=NEAR#<geohash6> for each cell a radius meets
 * - an assist with its offers ......................... Query PK=ASSIST#<id>
 * - open assists due to widen ......................... assistsToWiden (GSI6) PK=WIDEN#<hour of widenAt>, SK <= now, the last hours
 * - a responder's offers by list, newest first ........ offersOfVolunteer (GSI1) PK=VOLASSIST#<uid>#<list>, descending
 * - a report's assist steps ........................... with the report (Query PK=REPORT#<reportId>)
 * - a responder's ledger, newest first ................ Query PK=POINTS#<uid>
 * - the matching settings in force .................... GetItem
 * </key-table>
 */
import type { AttributeDefinition, GlobalSecondaryIndex, KeySchemaElement, Projection } from '@aws-sdk/client-dynamodb';
import { GSI, INDEX, type Entity, type PhysicalIndex } from '#store/entity';
import { ApiKey, Webhook, WebhookDeadLetter, WebhookDelivery } from '#store/entities/apikeys';
import { AreaSet } from '#store/entities/areas';
import { AuditEntry } from '#store/entities/audit';
import { BuildingTally } from '#store/entities/buildings';
import { CategoryTableCurrent, CategoryTableVersion } from '#store/entities/categories';
import { PushDeadLetter } from '#store/entities/dead-letters';
import { Grant } from '#store/entities/grants';
import { Idempotency } from '#store/entities/idempotency';
import { Inbox } from '#store/entities/inbox';
import { KpiDay, KpiNow } from '#store/entities/kpi';
import { LimitCounter } from '#store/entities/limits';
import { MediaTrace, ModerationQueue } from '#store/entities/moderation';
import { Event, Member, Outbox, Rating, Report } from '#store/entities/reports';
export { timerHour } from '#store/entities/reports';
import { SweeperCursor } from '#store/entities/sweeper';
import { Upload } from '#store/entities/uploads';
import { Invite, StaffArea, User } from '#store/entities/users';
import { Assist, AssistStepItem, Offer, PointsEntry, PositionCell, PositionPointer, ResponderSettings, Volunteer } from '#store/entities/responders';

export { GSI, INDEX, KEY_ATTRIBUTES, indexQuery, pad, withoutKeys, type Index, type IndexName, type Partition } from '#store/entity';
export { ApiKey, Webhook, WebhookDeadLetter, WebhookDelivery };
export { Assist, AssistStepItem, Offer, PointsEntry, PositionCell, PositionPointer, ResponderSettings, Volunteer };
export { AreaSet, AuditEntry, BuildingTally, CategoryTableCurrent, CategoryTableVersion, Event, Grant, Idempotency, Inbox, Invite, KpiDay, KpiNow, LimitCounter, MediaTrace, Member, ModerationQueue, Outbox, PushDeadLetter, Rating, Report, StaffArea, SweeperCursor, Upload, User };

/** Every entity of the table, in the order of the key table above. */
export const ENTITIES: readonly Entity[] = [
  Report, Member, Event, Outbox, Rating,
  User, Inbox, Grant, StaffArea, Invite,
  Upload, Idempotency, AreaSet, SweeperCursor, PushDeadLetter,
  KpiNow, KpiDay, AuditEntry, ModerationQueue, MediaTrace, LimitCounter, BuildingTally, CategoryTableCurrent, CategoryTableVersion,
  ApiKey, Webhook, WebhookDelivery, WebhookDeadLetter,
  Volunteer, PositionPointer, PositionCell, Assist, Offer, AssistStepItem, PointsEntry, ResponderSettings,
] as unknown as readonly Entity[];

/** Positional shorthands for the table keys the store modules use most (the entities build them). */
export const keys = {
  report: (id: string) => Report.key({ id }),
  member: (reportId: string, userId: string) => Member.key({ reportId, uid: userId }),
  event: (reportId: string, version: number) => Event.key({ reportId, version }),
  outbox: (reportId: string, version: number) => Outbox.key({ reportId, version }),
  rating: (reportId: string, round: number, userId: string) => Rating.key({ reportId, round, uid: userId }),
  user: (id: string) => User.key({ id }),
  inbox: (userId: string, at: string, sourceKey: string) => Inbox.key({ uid: userId, at, outboxKey: sourceKey }),
  staffArea: (areaId: string, userId: string) => StaffArea.key({ areaId, uid: userId }),
  upload: (id: string) => Upload.key({ id }),
  invite: (codeHash: string) => Invite.key({ codeHash }),
  idempotency: (userId: string, key: string) => Idempotency.key({ uid: userId, key }),
  areaSetPointer: () => AreaSet.key({}),
  sweeperCursor: () => SweeperCursor.key({}),
  /** `at` is the message's time (so the list reads oldest first); one record per inbox item */
  pushDeadLetter: (at: string, userId: string, sourceKey: string) => PushDeadLetter.key({ at, uid: userId, outboxKey: sourceKey }),
} as const;

/**
 * Object storage key prefixes (one bucket): the functions build keys from these and infra/ grants
 * each function exactly the prefixes it needs.
 */
export const OBJECT_PREFIXES = {
  /** originals straight from the phone (presigned POST); deleted once processed */
  originals: 'uploads/',
  /** processed display images and thumbnails, served through short-lived signed links */
  photos: 'photos/',
  /** area versions: snapshot, address register and routing index per imported version */
  areas: 'areas/',
} as const;

/** geohash precision 7 is a ~153 m x 153 m cell: a 50 m radius never leaves the 3x3 block. */
export const GEOHASH_PRECISION = 7;

/**
 * The audit entry's fields (store/audit AuditEntry): GSI5 carries them for the audit log by day,
 * which is read straight from the index. tests/unit/store/capacity.test.ts fails when an
 * entry gains a field this list lacks.
 */
export const AUDIT_ENTRY_FIELDS = ['id', 'at', 'what', 'actorId', 'actorRole', 'reportId', 'detail', 'from', 'to', 'sourceIp', 'requestId'];

/**
 * What each index holds of an item. An index write costs by what the index holds and is skipped
 * when neither the keys nor the held attributes change, so a report (rewritten on every step of
 * its loop) pays for an index only when it enters, moves in or leaves it — wherever the index's
 * readers take the record from the table instead (store/reports hydrates them by BatchGet).
 * - GSI1 ALL: users by openid, audit by actor and memberships are read from the index; the
 *   report's entry there (grid over time) is carried by its first timeline item, written once.
 * - GSI2, GSI4, GSI6 KEYS_ONLY: only reports live there (assignee, beat, timers).
 * - GSI3 ALL: pending uploads are read from the index (store/uploads); reports pay for it.
 * - GSI5 INCLUDE the audit fields: the audit log by day reads them; a report's geo-cell entry
 *   has none of those attributes, so it holds keys only.
 */
const PROJECTIONS: Record<PhysicalIndex, Projection> = {
  GSI1: { ProjectionType: 'ALL' },
  GSI2: { ProjectionType: 'KEYS_ONLY' },
  GSI3: { ProjectionType: 'ALL' },
  GSI4: { ProjectionType: 'KEYS_ONLY' },
  GSI5: { ProjectionType: 'INCLUDE', NonKeyAttributes: AUDIT_ENTRY_FIELDS },
  GSI6: { ProjectionType: 'KEYS_ONLY' },
};

/** The table as CreateTable input; the CDK stack builds its TableV2 from this same object. */
export const TABLE_SCHEMA: {
  attributeDefinitions: AttributeDefinition[];
  keySchema: KeySchemaElement[];
  globalSecondaryIndexes: GlobalSecondaryIndex[];
  ttlAttribute: string;
} = {
  attributeDefinitions: [
    { AttributeName: 'PK', AttributeType: 'S' },
    { AttributeName: 'SK', AttributeType: 'S' },
    ...Object.values(GSI).flatMap((g) => [
      { AttributeName: g.pk, AttributeType: 'S' as const },
      { AttributeName: g.sk, AttributeType: 'S' as const },
    ]),
  ],
  keySchema: [
    { AttributeName: 'PK', KeyType: 'HASH' },
    { AttributeName: 'SK', KeyType: 'RANGE' },
  ],
  globalSecondaryIndexes: Object.values(GSI).map((g) => ({
    IndexName: g.name,
    KeySchema: [
      { AttributeName: g.pk, KeyType: 'HASH' as const },
      { AttributeName: g.sk, KeyType: 'RANGE' as const },
    ],
    Projection: PROJECTIONS[g.name],
  })),
  ttlAttribute: 'ttl',
};

// ── the key table in this file's header, rendered from the declarations ──────────────────────

const physicalOf = (i: string) => INDEX[i as keyof typeof INDEX].name;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * The header of this file: the entities with their keys and index entries, then every access
 * pattern, from the declarations. tests/unit/store/key-design.test.ts holds the header to it;
 * `npx tsx functions/local/key-table.ts` rewrites it.
 */
export function keyTable(entities: readonly Entity[] = ENTITIES): string[] {
  const W = [12, 24, 26];
  const col = (s: string, w: number) => (s.length >= w ? `${s} ` : s.padEnd(w + 1));
  const out: string[] = [
    `${col('Entity', W[0]!)}${col('PK', W[1]!)}${col('SK', W[2]!)}indexes`,
    `${'─'.repeat(W[0]!)} ${'─'.repeat(W[1]!)} ${'─'.repeat(W[2]!)} ${'─'.repeat(44)}`,
  ];
  const indent = ' '.repeat(W[0]! + W[1]! + W[2]! + 3);
  for (const e of entities) {
    const rest: string[] = Object.entries(e.def.indexes ?? {}).map(([i, k]) => `${physicalOf(i)} ${i}: ${k!.pk} / ${k!.sk}${k!.note ? `  ${k!.note}` : ''}`);
    if (e.def.note) rest.push(...wrap(e.def.note, 62));
    const first = `${col(e.def.entity, W[0]!)}${col(e.def.pk, W[1]!)}${col(e.def.sk, W[2]!)}`;
    out.push(`${first}${rest[0] ?? ''}`.trimEnd());
    for (const r of rest.slice(1)) out.push(`${indent}${r}`);
  }
  out.push('', 'Access patterns (one line each; none scans):');
  for (const e of entities) {
    for (const p of e.def.patterns) {
      const how = p.index
        ? `${p.index} (${physicalOf(p.index)}) PK=${e.def.indexes![p.index]!.pk}${p.how ? `, ${p.how}` : ''}`
        : p.how.replaceAll('{pk}', e.def.pk).replaceAll('{sk}', e.def.sk).replaceAll('{sk-prefix}', e.skPrefix);
      out.push(`- ${p.what} ${'.'.repeat(Math.max(3, 50 - p.what.length))} ${how}`);
    }
  }
  return out;
}
