/**
 * THE key design of the single DynamoDB table. Every key is built here and nowhere else; the
 * table definition below is what the local stack creates and what infra/ will deploy.
 *
 * Entity       PK                       SK                         indexes
 * ──────────── ──────────────────────── ────────────────────────── ─────────────────────────────────────────
 * Report       REPORT#<id>              REPORT                     GSI1 AREA#<gridId> / <createdAt>  (on its EVENT#000001 item)
 *                                                                  GSI2 ASSIGNEE#<uid>#open|done / <dueAt|resolvedAt>
 *                                                                  GSI3 GRID#<gridId>#open | QUEUE#unplaced / <dueAt>
 *                                                                  GSI4 BEAT#<beatId>#open / <dueAt>
 *                                                                  GSI5 GEO#<category>#<geohash7> / <createdAt>  (open only)
 *                                                                  GSI6 TIMER#<hour of next timer> / <timer at>  (while one is pending)
 * Member       REPORT#<id>              MEMBER#<uid>               GSI1 USER#<uid> / <createdAt>#<id>   (reporter + followers)
 * Event        REPORT#<id>              EVENT#<version:6>          timeline, one per state change (its events and its
 *                                                                  outbox row, which the notifier reads from the stream)
 * Rating       REPORT#<id>              RATING#<round:2>#<uid>     one per rater per closure round
 * User         USER#<uid>               PROFILE                    GSI1 OPENID#<openid> / USER
 * Inbox        USER#<uid>               INBOX#<at>#<outboxKey>     in-app notifications
 * Grant        USER#<uid>               GRANT#<templateId>         subscribe-message sends the user allowed (store/grants)
 * Staff area   AREA#<areaId>            STAFF#<uid>                who works an area (routing)
 * Invite       INVITE#<sha256 of code>  INVITE                     ttl; binds a WeChat user to a staff account
 * Upload       UPLOAD#<id>              UPLOAD                     GSI3 UPLOADS#pending / <expiresAt>#<id>  (pending only)
 * Idempotency  IDEMP#<uid>#<key>        IDEMP                      ttl
 * Area ptr     AREASET                  CURRENT                    which version routing uses (the version's
 *                                                                  snapshot and index live in S3 under areas/<version>/)
 * Sweeper      SWEEPER                  CURSOR                     the timer hour the sweeper resumes from
 * Dead letter  DLQ#push                 <at>#<uid>#<outboxKey>     a push WeChat would not take; an operator replays it
 * KPI now      KPI#<areaId>             NOW                        open, overdue; the latest day's counters; on a
 *                                                                  grid's, the versions counted (store/kpi)
 * KPI day      KPI#<areaId>             DAY#<China day>            counters + histograms of an earlier day
 *
 * Access patterns (one line each; none scans):
 * - report by id, with timeline, members, ratings ..... Query PK=REPORT#<id>
 * - my reports and followed ones, newest first ........ GSI1 PK=USER#<uid>, descending
 * - reports of a grid over time ....................... GSI1 PK=AREA#<gridId>, SK between times
 * - open tasks of an assignee by deadline ............. GSI2 PK=ASSIGNEE#<uid>#open, ascending
 * - finished tasks of an assignee ..................... GSI2 PK=ASSIGNEE#<uid>#done, descending
 * - open reports of a grid by deadline ................ GSI3 PK=GRID#<gridId>#open
 * - reports routing could not place ................... GSI3 PK=QUEUE#unplaced
 * - open reports of a beat by deadline ................ GSI4 PK=BEAT#<beatId>#open
 * - open reports of a category near a point ........... GSI5 PK=GEO#<category>#<cell> for the cell and its 8 neighbours
 * - timers due (time limits, surveys) ................ GSI6 PK=TIMER#<hour>, SK <= now, hour by hour
 * - KPIs of areas over days ......................... BatchGet KPI#<area> x (DAY#<day>, NOW) (cost: areas x days)
 * - user by WeChat openid ............................. GSI1 PK=OPENID#<openid>
 * - staff of an area .................................. Query PK=AREA#<areaId>, SK begins_with STAFF#
 * - pending uploads past their expiry ................. GSI3 PK=UPLOADS#pending, SK < now
 * - upload by id / idempotency record by user+key ..... GetItem
 * - current areas ..................................... GetItem AREASET/CURRENT (+ S3 GET of that version)
 * - one inbox item (notifier replays, push state) ..... GetItem USER#<uid> / INBOX#<at>#<outboxKey>
 * - dead-lettered pushes, oldest message first ........ Query PK=DLQ#push (one partition: failures are rare and
 *                                                       each costs the notifier seconds of backoff first)
 */
import type { AttributeDefinition, GlobalSecondaryIndex, KeySchemaElement, Projection } from '@aws-sdk/client-dynamodb';

export const pad = (n: number, width = 6): string => String(n).padStart(width, '0');

export const keys = {
  report: (id: string) => ({ PK: `REPORT#${id}`, SK: 'REPORT' }),
  member: (reportId: string, userId: string) => ({ PK: `REPORT#${reportId}`, SK: `MEMBER#${userId}` }),
  event: (reportId: string, version: number) => ({ PK: `REPORT#${reportId}`, SK: `EVENT#${pad(version)}` }),
  outbox: (reportId: string, version: number) => ({ PK: `REPORT#${reportId}`, SK: `OUTBOX#${pad(version)}` }),
  rating: (reportId: string, round: number, userId: string) => ({ PK: `REPORT#${reportId}`, SK: `RATING#${pad(round, 2)}#${userId}` }),
  user: (id: string) => ({ PK: `USER#${id}`, SK: 'PROFILE' }),
  inbox: (userId: string, at: string, sourceKey: string) => ({ PK: `USER#${userId}`, SK: `INBOX#${at}#${sourceKey}` }),
  staffArea: (areaId: string, userId: string) => ({ PK: `AREA#${areaId}`, SK: `STAFF#${userId}` }),
  upload: (id: string) => ({ PK: `UPLOAD#${id}`, SK: 'UPLOAD' }),
  invite: (codeHash: string) => ({ PK: `INVITE#${codeHash}`, SK: 'INVITE' }),
  idempotency: (userId: string, key: string) => ({ PK: `IDEMP#${userId}#${key}`, SK: 'IDEMP' }),
  areaSetPointer: () => ({ PK: 'AREASET', SK: 'CURRENT' }),
  sweeperCursor: () => ({ PK: 'SWEEPER', SK: 'CURSOR' }),
  /** `at` is the message's time (so the list reads oldest first); one record per inbox item */
  pushDeadLetter: (at: string, userId: string, sourceKey: string) => ({ PK: 'DLQ#push', SK: `${at}#${userId}#${sourceKey}` }),
} as const;

export const prefixes = {
  event: 'EVENT#',
  outbox: 'OUTBOX#',
  member: 'MEMBER#',
  rating: 'RATING#',
  inbox: 'INBOX#',
  staff: 'STAFF#',
  area: 'AREA#',
} as const;

/** Index partition keys. `open` partitions hold a report only while someone must act on it. */
export const indexKeys = {
  reportsOfGrid: (gridId: string) => `AREA#${gridId}`,
  reportsOfUser: (userId: string) => `USER#${userId}`,
  userByOpenid: (openid: string) => `OPENID#${openid}`,
  assigneeOpen: (userId: string) => `ASSIGNEE#${userId}#open`,
  assigneeDone: (userId: string) => `ASSIGNEE#${userId}#done`,
  gridOpen: (gridId: string) => `GRID#${gridId}#open`,
  unplaced: () => 'QUEUE#unplaced',
  pendingUploads: () => 'UPLOADS#pending',
  beatOpen: (beatId: string) => `BEAT#${beatId}#open`,
  geoCell: (category: string, cell: string) => `GEO#${category}#${cell}`,
  /** hour buckets keep each timer partition small and let the sweeper read only what is due */
  timers: (atIso: string) => `TIMER#${atIso.slice(0, 13)}`,
} as const;

export const INDEXES = {
  byOwner: 'GSI1',
  byAssignee: 'GSI2',
  byGridQueue: 'GSI3',
  byBeatQueue: 'GSI4',
  byGeoCell: 'GSI5',
  byTimer: 'GSI6',
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
  /** area versions: snapshot + routing index per imported version */
  areas: 'areas/',
} as const;

/** geohash precision 7 is a ~153 m x 153 m cell: a 50 m radius never leaves the 3x3 block. */
export const GEOHASH_PRECISION = 7;

/**
 * The audit entry's fields (store/audit AuditEntry): GSI5 carries them for the audit log by day,
 * which is read straight from the index. tests/unit/store/projections.test.ts fails when an
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
const PROJECTIONS: Record<number, Projection> = {
  1: { ProjectionType: 'ALL' },
  2: { ProjectionType: 'KEYS_ONLY' },
  3: { ProjectionType: 'ALL' },
  4: { ProjectionType: 'KEYS_ONLY' },
  5: { ProjectionType: 'INCLUDE', NonKeyAttributes: AUDIT_ENTRY_FIELDS },
  6: { ProjectionType: 'KEYS_ONLY' },
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
    ...[1, 2, 3, 4, 5, 6].flatMap((n) => [
      { AttributeName: `GSI${n}PK`, AttributeType: 'S' as const },
      { AttributeName: `GSI${n}SK`, AttributeType: 'S' as const },
    ]),
  ],
  keySchema: [
    { AttributeName: 'PK', KeyType: 'HASH' },
    { AttributeName: 'SK', KeyType: 'RANGE' },
  ],
  globalSecondaryIndexes: [1, 2, 3, 4, 5, 6].map((n) => ({
    IndexName: `GSI${n}`,
    KeySchema: [
      { AttributeName: `GSI${n}PK`, KeyType: 'HASH' as const },
      { AttributeName: `GSI${n}SK`, KeyType: 'RANGE' as const },
    ],
    Projection: PROJECTIONS[n]!,
  })),
  ttlAttribute: 'ttl',
};
