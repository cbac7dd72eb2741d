/**
 * Request and response schemas (zod). The handlers validate with these and the served OpenAPI
 * document is generated from them, so the contract and the code cannot drift apart.
 */
import * as z from 'zod';
import { CATEGORY_CODES } from '#domain/categories';
import { STAFF_ACTIONS, STATUSES } from '#domain/lifecycle';
import { ROLES } from '#domain/roles';
import { RESPONDER_KINDS, SKILLS } from '#domain/responders';
import { SCORES } from '#domain/report';

import { UPLOAD_CONTENT_TYPES } from '#domain/uploads';

export { UPLOAD_CONTENT_TYPES };
export const MAX_PHOTOS = 9;

const text = (max: number) => z.string().trim().min(1).max(max);
export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'id: 1-64 letters, digits, _ or -');

export const LatLng = z
  .object({
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    datum: z.enum(['gcj02', 'wgs84']).optional().meta({ description: 'gcj02 (default, what WeChat gives) or wgs84' }),
  })
  .meta({ id: 'LatLng' });

/** query-string coordinates arrive as text */
const coord = (min: number, max: number) => z.coerce.number().pipe(z.number().min(min).max(max));

export const LocateQuery = z.object({
  lat: coord(-90, 90),
  lng: coord(-180, 180),
  datum: z.enum(['gcj02', 'wgs84']).optional(),
  /** the phone's reported accuracy in metres: a poor fix asks the resident to confirm the building */
  accuracy: coord(0, 100_000).optional(),
});

export const BuildingsQuery = z.object({
  q: z.string().max(40).default(''),
  communityId: Id.optional(),
  gridId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** minLng,minLat,maxLng,maxLat in GCJ-02 */
export const BasemapQuery = z.object({
  bbox: z
    .string()
    .regex(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$/, 'bbox: minLng,minLat,maxLng,maxLat')
    .transform((t) => t.split(',').map(Number) as [number, number, number, number])
    .refine(([x0, y0, x1, y1]) => x0 <= x1 && y0 <= y1 && x0 >= -180 && x1 <= 180 && y0 >= -90 && y1 <= 90, 'bbox: min before max, in range')
    .optional(),
});

export const RepeatsQuery = z.object({ areaId: Id, limit: z.coerce.number().int().min(1).max(100).default(100) });

export const AreasQuery = z.object({
  level: z.enum(['city', 'district', 'street', 'community', 'grid', 'station', 'beat']).optional(),
  parentId: Id.optional(),
  geometry: z.enum(['0', '1']).optional(),
});

const Reply = z.object({ text: z.string(), field: z.enum(['note', 'reason']), states: z.array(z.enum(STATUSES)).default([]) });
export const CategoryTableBody = z
  .object({
    /** the version edited ("builtin" or the edit number): a table edited meanwhile is a 409 */
    expectedVersion: z.string().min(1).max(20),
    items: z
      .array(
        z.object({
          code: z.enum(CATEGORY_CODES),
          name: z.string().max(40),
          lead: z.enum(['grid', 'police']),
          alsoNotify: z.enum(['grid', 'police']).nullable(),
          acceptHours: z.number().int(),
          resolveHours: z.number().int(),
          emergency: z.object({ call: z.array(z.string().max(8)).max(4), notice: z.string().max(200) }).nullable(),
          safetyQuestion: z.object({ question: z.string().max(100), stopWhen: z.enum(['yes', 'no']), notice: z.string().max(200) }).nullable().default(null),
          replies: z.array(Reply).max(30).default([]),
        }),
      )
      .max(50),
  })
  .meta({ id: 'CategoryTable' });

export const CreateReportBody = z
  .object({
    category: z.enum(CATEGORY_CODES),
    description: text(1000),
    /** may be left out when buildingId names the place */
    location: LatLng.optional(),
    /** a building of the address register (GET /v1/buildings, or locate's building) */
    buildingId: Id.optional(),
    /** 单元 and 楼层 inside the building */
    unit: text(10).optional(),
    floor: z.number().int().min(-5).max(200).optional(),
    address: text(200).optional(),
    photos: z.array(Id).max(MAX_PHOTOS).default([]),
    anonymous: z.boolean().default(false),
    source: z.enum(['app', 'phone', '110']).default('app'),
    caller: z.object({ name: text(50), phone: z.string().regex(/^[0-9+\- ]{3,20}$/) }).optional(),
    /** the answer to the category's safety question, when it has one */
    safetyAnswer: z.enum(['yes', 'no']).optional(),
  })
  .refine((b) => b.location !== undefined || b.buildingId !== undefined, { message: '请给出位置（location）或楼栋（buildingId）', path: ['location'] })
  .meta({ id: 'CreateReport' });

export const ActionBody = z
  .object({
    action: z.enum(STAFF_ACTIONS),
    note: text(1000).optional(),
    reason: text(500).optional(),
    photos: z.array(Id).max(MAX_PHOTOS).optional(),
    assigneeId: Id.optional(),
    mergeInto: Id.optional(),
    expectedVersion: z.number().int().min(1).optional(),
  })
  .meta({ id: 'ReportAction' });

export const RatingBody = z.object({ score: z.enum(SCORES), comment: text(500).optional() }).meta({ id: 'Rating' });

export const UploadBody = z
  .object({ contentType: z.string().max(100), size: z.number().int().min(1) })
  .meta({ id: 'UploadRequest' });

const StaffRole = z.enum(['grid_worker', 'grid_leader', 'police_officer', 'dispatcher', 'admin']);
const Phone = z.string().regex(/^\+?[0-9][0-9 -]{5,19}$/);
export const CreateStaffBody = z
  .object({
    name: text(40),
    /** `volunteer`: a community responder invited by an admin (areaIds: their one community) */
    role: z.enum([...StaffRole.options, 'volunteer']),
    areaIds: z.array(Id).min(1).max(50),
    phone: Phone.optional(),
    responder: z.object({ kind: z.enum(RESPONDER_KINDS), skills: z.array(z.enum(SKILLS)).max(SKILLS.length), leaderboard: z.boolean().optional() }).optional(),
  })
  .refine((b) => (b.role === 'volunteer') === !!b.responder, { message: '邀请群防群治力量需给出 responder（类别与技能），其他角色不需要', path: ['responder'] })
  .refine((b) => b.role !== 'volunteer' || b.areaIds.length === 1, { message: '群防群治力量只属于一个社区', path: ['areaIds'] })
  .meta({ id: 'CreateStaff' });
export const UpdateStaffBody = z
  .object({ name: text(40).optional(), role: StaffRole.optional(), areaIds: z.array(Id).min(1).max(50).optional(), active: z.boolean().optional(), phone: Phone.optional() })
  .refine((b) => Object.keys(b).length > 0, '至少修改一项')
  .meta({ id: 'UpdateStaff' });

const ChinaDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD (China day)').refine((d) => !Number.isNaN(Date.parse(d)), '不是有效日期');
export const StatsQuery = z.object({ areaId: Id.optional(), from: ChinaDay.optional(), to: ChinaDay.optional() });
export const HeatmapQuery = z.object({ areaId: Id.optional() });

/** The envelope only: geo/import checks every feature and reports all problems at once. */
export const AreaImportBody = z.looseObject({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()).min(1).max(100_000) }).meta({ id: 'AreaImport' });

export const ModerationDecisionBody = z.object({ decision: z.enum(['approve', 'hide']), note: text(200).optional() });
export const WechatPushQuery = z.object({
  signature: z.string().max(100),
  timestamp: z.string().max(20),
  nonce: z.string().max(100),
  echostr: z.string().max(200).optional(),
  // safe mode (安全模式): the body is encrypted and msg_signature covers it
  encrypt_type: z.string().max(16).optional(),
  msg_signature: z.string().max(100).optional(),
});

export const StaffQuery = z.object({ areaId: Id, role: z.enum(['grid_worker', 'grid_leader', 'police_officer']).optional() });

export const DevLoginBody = z.object({ userId: Id });
export const WechatLoginBody = z.object({ code: z.string().min(1).max(256) });
export const RefreshBody = z.object({ refreshToken: z.string().min(10).max(4096) });
export const BindBody = z.object({ inviteCode: z.string().trim().min(6).max(32) });
export const PhoneBody = z.object({ code: z.string().min(1).max(256) });
export const SubscriptionsBody = z.object({ templateIds: z.array(z.string().min(1).max(128)).min(1).max(10) });
export const ConsentBody = z.object({ version: text(40) });
export const DutyBody = z.object({ state: z.enum(['on_duty', 'off_duty', 'on_leave']) });

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(2000).optional(),
});
export const AuditQuery = ListQuery.extend({
  reportId: Id.optional(),
  actorId: Id.optional(),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
}).refine((q) => [q.reportId, q.actorId, q.day].filter(Boolean).length <= 1, '只能按一个条件查询');

export const OverdueQuery = ListQuery.extend({ areaId: Id.optional() });
export const MineQuery = ListQuery.extend({ scope: z.enum(['mine']).default('mine') });
export const TasksQuery = ListQuery.extend({ state: z.enum(['open', 'due_soon', 'overdue', 'done', 'unplaced']).default('open') });
/** GET /v1/tasks/counts: what the inbox tabs list (已完成 is history, not counted). */
export const TaskCounts = z.object({ open: z.number().int().min(0), due_soon: z.number().int().min(0), overdue: z.number().int().min(0) });
export const NearbyQuery = z.object({
  lat: coord(-90, 90),
  lng: coord(-180, 180),
  datum: z.enum(['gcj02', 'wgs84']).optional(),
  category: z.enum(CATEGORY_CODES),
  /** also offer open reports of the category in this building (however far apart) */
  buildingId: Id.optional(),
});
export const IdParams = z.object({ id: Id });

const Person = z.object({ role: z.enum(ROLES), name: z.string() });
const Ref = z.object({ id: z.string(), name: z.string() });

export const ReportView = z
  .object({
    id: z.string(),
    version: z.number().int(),
    status: z.enum(STATUSES),
    statusName: z.string(),
    category: z.string(),
    categoryName: z.string(),
    description: z.string(),
    location: LatLng,
    building: z.object({ id: z.string(), name: z.string(), label: z.string() }).nullable(),
    placeLabel: z.string(),
    unit: z.string().nullable().optional(),
    floor: z.number().int().nullable().optional(),
    address: z.string().nullable(),
    anonymous: z.boolean(),
    source: z.string(),
    createdAt: z.string(),
    grid: Ref,
    beat: Ref,
    lead: z.enum(['grid', 'police']),
    routing: z.object({ mode: z.enum(['exact', 'nearest']), reason: z.string() }),
    assignee: Person.nullable(),
    deadlines: z.object({ acceptBy: z.string(), resolveBy: z.string() }),
    dueAt: z.string().nullable(),
    overdue: z.boolean(),
    timeline: z.array(
      z.object({
        at: z.string(),
        action: z.string(),
        actionName: z.string(),
        from: z.string().nullable(),
        to: z.string(),
        actor: Person.nullable(),
        note: z.string().nullable(),
        photoIds: z.array(z.string()),
      }),
    ),
    photos: z.array(
      z.object({ id: z.string(), kind: z.enum(['report', 'after']), url: z.string(), thumbUrl: z.string(), expiresAt: z.string() }),
    ),
    followerCount: z.number().int(),
    following: z.boolean(),
    rating: z.object({ score: z.string(), comment: z.string().nullable(), at: z.string() }).nullable(),
    canRate: z.boolean(),
    reporter: z.object({ phone: z.string().nullable() }).optional(),
    taskRole: z.string().optional(),
    availableActions: z.array(z.string()).optional(),
    moderation: z.object({ text: z.string(), photos: z.record(z.string(), z.string()), reviewed: z.string().nullable() }).optional(),
    /** staff: 重复隐患, the building's reports of this category in the last 90 days when 3 or more */
    repeat: z
      .object({ count: z.number().int(), since: z.string(), reports: z.array(z.object({ id: z.string(), status: z.string(), createdAt: z.string() })) })
      .nullable()
      .optional(),
  })
  .meta({ id: 'Report' });

export const ErrorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .meta({ id: 'Error' });

export type CreateReportInput = z.infer<typeof CreateReportBody>;
export type ActionInput = z.infer<typeof ActionBody>;
export type ReportViewT = z.infer<typeof ReportView>;

// ── Open311 GeoReport v2 (/open311/v2/…) and the integrations that serve it ───────────────────

/** The spec: an optional argument passed empty means the same as one not passed. */
const optional = <T extends z.ZodType>(s: T) => z.preprocess((v) => (v === '' ? undefined : v), s.optional());
/**
 * W3C date-times with their zone (Z or ±hh:mm), milliseconds or not; a bare date is that day
 * from 00:00 China time (days are China days, API.md).
 */
export const W3cDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/, 'W3C 日期时间，如 2026-01-01T00:00:00Z 或 2026-01-01T08:00:00.000+08:00')
  .transform((s, ctx) => {
    const ms = Date.parse(/T/.test(s) ? s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2') : `${s}T00:00:00+08:00`);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: '不是有效的日期时间' });
      return z.NEVER;
    }
    return new Date(ms);
  });
const commaList = <T extends z.ZodType<unknown, string>>(item: T, max: number) =>
  optional(z.string().max(4000).transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)).pipe(z.array(item).max(max)));

export const Open311Query = z.object({ jurisdiction_id: optional(z.string().max(200)) });
export const Open311RequestsQuery = Open311Query.extend({
  service_request_id: commaList(Id, 200),
  service_code: commaList(z.string().max(40), 50),
  start_date: optional(W3cDate),
  end_date: optional(W3cDate),
  status: commaList(z.enum(['open', 'closed']), 2),
  /** not in the spec: page size (default 200, at most 1000, the spec's cap) and the next page (Link: rel="next") */
  limit: optional(z.coerce.number().int().min(1).max(1000)),
  cursor: optional(z.string().max(400)),
  /** the spec's POST takes api_key in the body; some clients put it in the query string */
  api_key: optional(z.string().max(200)),
});
export const Open311ServiceParams = z.object({ service_code: z.string().min(1).max(80) });
export const Open311RequestParams = z.object({ service_request_id: z.string().min(1).max(80) });
export const Open311TokenParams = z.object({ token: z.string().min(1).max(80) });

export const ApiKeyBody = z.object({ name: text(60) }).meta({ id: 'ApiKeyRequest' });
export const WEBHOOK_EVENTS = ['status_changed', 'updated'] as const;
export const WebhookBody = z
  .object({
    /** the key whose Open311 requests it hears of */
    apiKeyId: Id,
    url: z.string().url().max(500),
    /** status_changed: the request's status moved (accepted, dispatched, resolved, closed …); updated: any new timeline entry */
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(2).default(['status_changed']),
  })
  .meta({ id: 'WebhookRequest' });
