/**
 * THE route table. The local gateway serves it, /v1/openapi.json documents it and infra/
 * deploys it (one HTTP API route per row, local-only rows left out). Rows name their handler
 * by key, so reading this table loads no handler code and no AWS client.
 */
import type { z } from 'zod';
import { RESIDENT_SIDE, type Role } from '#domain/roles';
import * as S from '#http/schemas';
import * as R from '#http/schemas-responders';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  method: Method;
  /** API Gateway style: /v1/reports/{id} */
  path: string;
  handler: string;
  summary: string;
  /** 'none': no token needed (API.md's list); 'user': a valid token */
  auth: 'none' | 'user';
  /** coarse role gate checked before the handler; finer rights are the domain's */
  roles?: readonly Role[];
  localOnly?: boolean;
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  response?: z.ZodType;
  /** the Lambda function this route deploys into (routes that share code share a function) */
  fn: string;
  /** a larger request body than the API's 1 MB (area imports); Lambda's own limit is 6 MB */
  maxBodyBytes?: number;
  /** errors in another format than API.md's (http/handler useErrorFormat): Open311's error list */
  errorFormat?: 'open311';
}

const STAFF: readonly Role[] = ['grid_worker', 'grid_leader', 'police_officer', 'dispatcher', 'admin'];
/** staff above the grid workers: leaders, officers, the centre, admins */
const SUPERVISORS: readonly Role[] = ['grid_leader', 'police_officer', 'dispatcher', 'admin'];

/** One Open311 resource as its three routes: bare (XML), .xml and .json. */
function open311<const M extends Method, const P extends string, const H extends string, const X extends { query?: z.ZodType }>(method: M, path: P, handler: H, summary: string, extra: X) {
  const row = <const Q extends string>(p: Q) => ({ method, path: p, handler, fn: 'open311' as const, summary, auth: 'none' as const, errorFormat: 'open311' as const, ...extra });
  return [row(path), row(`${path}.xml`), row(`${path}.json`)] as const;
}

const TABLE = [
  { method: 'GET', path: '/v1/health', handler: 'system.health', fn: 'system', summary: 'store and object storage answer', auth: 'none' },
  { method: 'GET', path: '/v1/openapi.json', handler: 'system.openapi', fn: 'system', summary: 'this document', auth: 'none' },
  { method: 'POST', path: '/v1/auth/wechat', handler: 'auth.wechatLogin', fn: 'auth', summary: 'WeChat login code -> tokens; a new openid becomes a resident', auth: 'none', body: S.WechatLoginBody },
  { method: 'POST', path: '/v1/auth/refresh', handler: 'auth.refresh', fn: 'auth', summary: 'a new token pair', auth: 'none', body: S.RefreshBody },
  { method: 'POST', path: '/v1/auth/bind', handler: 'auth.bind', fn: 'auth', summary: 'bind this WeChat user to a staff account with its invite code', auth: 'user', body: S.BindBody },
  { method: 'POST', path: '/v1/me/phone', handler: 'auth.phone', fn: 'auth', summary: "phone number from WeChat's getPhoneNumber code", auth: 'user', roles: RESIDENT_SIDE, body: S.PhoneBody },
  { method: 'POST', path: '/v1/me/subscriptions', handler: 'auth.subscriptions', fn: 'auth', summary: 'record subscribe-message grants the user just accepted', auth: 'user', body: S.SubscriptionsBody },
  { method: 'POST', path: '/v1/auth/dev', handler: 'dev.devLogin', fn: 'dev', summary: 'token for a seeded user (local stack only)', auth: 'none', localOnly: true, body: S.DevLoginBody },
  { method: 'GET', path: '/v1/dev/users', handler: 'dev.devUsers', fn: 'dev', summary: 'seeded users (local stack only)', auth: 'none', localOnly: true },
  { method: 'GET', path: '/v1/me', handler: 'me.get', fn: 'me', summary: 'the signed-in user, role and areas', auth: 'user' },
  { method: 'POST', path: '/v1/me/consent', handler: 'me.consent', fn: 'me', summary: 'accept the privacy notice', auth: 'user', roles: RESIDENT_SIDE, body: S.ConsentBody },
  { method: 'DELETE', path: '/v1/me', handler: 'me.remove', fn: 'me', summary: "delete the resident's account (reports kept, pseudonymised)", auth: 'user', roles: ['resident'] },
  { method: 'PUT', path: '/v1/me/duty', handler: 'me.duty', fn: 'me', summary: 'on_duty / off_duty / on_leave (routing skips the unavailable; a responder off duty shares no position)', auth: 'user', roles: [...STAFF, 'volunteer'], body: S.DutyBody },
  { method: 'GET', path: '/v1/categories', handler: 'areas.categories', fn: 'areas', summary: 'hazard categories, lead side, time limits, emergency flag', auth: 'none' },
  { method: 'GET', path: '/v1/areas', handler: 'areas.list', fn: 'areas', summary: 'areas by level / parent; &geometry=1 adds GeoJSON', auth: 'none', query: S.AreasQuery },
  { method: 'GET', path: '/v1/areas/locate', handler: 'areas.locate', fn: 'areas', summary: 'point -> grid, beat, community, street, district; the building within 30 m, a label, the boundary and whether to confirm', auth: 'none', query: S.LocateQuery },
  { method: 'GET', path: '/v1/areas/basemap', handler: 'areas.basemap', fn: 'areas', summary: 'roads, buildings and grid outlines (GCJ-02 GeoJSON) and the tile layer, if any', auth: 'none', query: S.BasemapQuery },
  { method: 'GET', path: '/v1/buildings', handler: 'areas.buildings', fn: 'areas', summary: 'the address register: buildings by words, pinyin initials, community or grid', auth: 'none', query: S.BuildingsQuery },
  { method: 'GET', path: '/v1/buildings/repeats', handler: 'stats.repeats', fn: 'stats', summary: '重复隐患: buildings with 3+ reports of a category in 90 days', auth: 'user', roles: ['grid_leader', 'police_officer', 'dispatcher', 'admin'], query: S.RepeatsQuery },
  { method: 'POST', path: '/v1/uploads', handler: 'uploads.create', fn: 'uploads', summary: 'a presigned POST straight to object storage', auth: 'user', body: S.UploadBody },
  { method: 'GET', path: '/v1/uploads/{id}', handler: 'uploads.get', fn: 'uploads', summary: 'upload status (pending / uploaded / ready / failed)', auth: 'user', params: S.IdParams },
  { method: 'GET', path: '/v1/reports/nearby', handler: 'reports.nearby', fn: 'reports', summary: 'open reports of a category within 50 m (我也遇到)', auth: 'user', query: S.NearbyQuery },
  { method: 'POST', path: '/v1/reports', handler: 'reports.create', fn: 'reports', summary: 'file a report (Idempotency-Key honoured)', auth: 'user', roles: [...RESIDENT_SIDE, 'dispatcher'], body: S.CreateReportBody, response: S.ReportView },
  { method: 'GET', path: '/v1/reports', handler: 'reports.mine', fn: 'reports', summary: 'own and followed reports, newest first', auth: 'user', roles: RESIDENT_SIDE, query: S.MineQuery },
  { method: 'GET', path: '/v1/reports/{id}', handler: 'reports.get', fn: 'reports', summary: 'a report with its timeline', auth: 'user', params: S.IdParams, response: S.ReportView },
  { method: 'GET', path: '/v1/reports/{id}/duplicates', handler: 'reports.duplicates', fn: 'reports', summary: 'merge candidates: open reports of the category in the same building or within 50 m', auth: 'user', roles: STAFF, params: S.IdParams },
  { method: 'POST', path: '/v1/reports/{id}/follow', handler: 'reports.follow', fn: 'reports', summary: 'join an open report (我也遇到)', auth: 'user', roles: RESIDENT_SIDE, params: S.IdParams },
  { method: 'POST', path: '/v1/reports/{id}/actions', handler: 'reports.action', fn: 'reports', summary: 'a staff action per the transition table', auth: 'user', roles: STAFF, params: S.IdParams, body: S.ActionBody, response: S.ReportView },
  { method: 'POST', path: '/v1/reports/{id}/reveal-phone', handler: 'reports.revealPhone', fn: 'reports', summary: "the reporter's full phone number, for the assignee while open; audited", auth: 'user', roles: STAFF, params: S.IdParams },
  { method: 'POST', path: '/v1/reports/{id}/rating', handler: 'reports.rate', fn: 'reports', summary: 'satisfied / basically_satisfied / dissatisfied', auth: 'user', roles: RESIDENT_SIDE, params: S.IdParams, body: S.RatingBody, response: S.ReportView },
  // 群防群治: community responders (volunteers, guards, property staff) and their assists
  { method: 'POST', path: '/v1/volunteers/apply', handler: 'volunteers.apply', fn: 'volunteers', summary: "apply to a community as 平安志愿者 / 保安员 / 物业 with skills; its grid leader or officer decides", auth: 'user', roles: RESIDENT_SIDE, body: R.ApplyBody },
  { method: 'GET', path: '/v1/volunteers', handler: 'volunteers.list', fn: 'volunteers', summary: "a community's responders by status (pending first thing to review)", auth: 'user', roles: SUPERVISORS, query: R.VolunteersQuery },
  { method: 'POST', path: '/v1/volunteers/{id}/decision', handler: 'volunteers.decide', fn: 'volunteers', summary: 'approve or decline an application (or withdraw a responder); audited', auth: 'user', roles: SUPERVISORS, params: S.IdParams, body: R.DecisionBody },
  { method: 'GET', path: '/v1/volunteers/leaderboard', handler: 'volunteers.leaderboard', fn: 'volunteers', summary: "a community's responders who opted in, by points", auth: 'user', query: R.LeaderboardQuery },
  { method: 'PUT', path: '/v1/me/position', handler: 'volunteers.position', fn: 'volunteers', summary: 'a responder on duty: the last position (at most every 30 s; kept 15 min; reads audited)', auth: 'user', roles: ['volunteer'], body: R.PositionBody },
  { method: 'GET', path: '/v1/me/points', handler: 'volunteers.points', fn: 'volunteers', summary: 'the points (积分) and hours (时间银行) ledger, newest first', auth: 'user', roles: RESIDENT_SIDE },
  { method: 'GET', path: '/v1/admin/responders', handler: 'volunteers.settings', fn: 'volunteers', summary: 'the matching rules in force: recommendation weights, category skills, offers per day', auth: 'user', roles: ['admin'] },
  { method: 'PUT', path: '/v1/admin/responders', handler: 'volunteers.replaceSettings', fn: 'volunteers', summary: 'replace the matching rules; versioned and audited', auth: 'user', roles: ['admin'], body: R.ResponderSettingsBody },
  { method: 'POST', path: '/v1/reports/{id}/assists', handler: 'assists.request', fn: 'assists', summary: 'ask the nearest on-duty responders with the skills for help (3 nearest within 500 m; widens after 3 min)', auth: 'user', roles: STAFF, params: S.IdParams, body: R.AssistBody },
  { method: 'GET', path: '/v1/reports/{id}/assists', handler: 'assists.ofReport', fn: 'assists', summary: "a report's assists with every offer, for its staff", auth: 'user', roles: STAFF, params: S.IdParams },
  { method: 'GET', path: '/v1/reports/{id}/recommendations', handler: 'assists.recommendations', fn: 'assists', summary: 'staff and on-duty responders ranked by distance, skill and load, each with its reason', auth: 'user', roles: STAFF, params: S.IdParams },
  { method: 'GET', path: '/v1/assists', handler: 'assists.list', fn: 'assists', summary: "a responder's offers: offered (waiting on them), mine (accepted), done", auth: 'user', roles: ['volunteer'], query: R.AssistsQuery },
  { method: 'GET', path: '/v1/assists/{id}', handler: 'assists.get', fn: 'assists', summary: 'one assist: a responder sees their offer, the report\'s staff every offer', auth: 'user', roles: ['volunteer', ...STAFF], params: S.IdParams },
  { method: 'POST', path: '/v1/assists/{id}/accept', handler: 'assists.accept', fn: 'assists', summary: 'accept an offer; the first `count` win, the others get 409 assist_taken', auth: 'user', roles: ['volunteer'], params: S.IdParams },
  { method: 'POST', path: '/v1/assists/{id}/decline', handler: 'assists.decline', fn: 'assists', summary: 'decline an offer (everyone of a round declining widens it at once)', auth: 'user', roles: ['volunteer'], params: S.IdParams, body: R.DeclineBody },
  { method: 'POST', path: '/v1/assists/{id}/arrive', handler: 'assists.arrive', fn: 'assists', summary: 'on site: the position must be within 200 m of the place', auth: 'user', roles: ['volunteer'], params: S.IdParams, body: R.ArriveBody },
  { method: 'POST', path: '/v1/assists/{id}/done', handler: 'assists.done', fn: 'assists', summary: 'the help is given, with a note and a photo', auth: 'user', roles: ['volunteer'], params: S.IdParams, body: R.DoneBody },
  { method: 'POST', path: '/v1/assists/{id}/rating', handler: 'assists.rate', fn: 'assists', summary: "the requester rates a responder's help (1-5); earns their points", auth: 'user', roles: STAFF, params: S.IdParams, body: R.AssistRatingBody },
  { method: 'GET', path: '/v1/tasks', handler: 'tasks.list', fn: 'tasks', summary: "the caller's tasks by deadline", auth: 'user', roles: STAFF, query: S.TasksQuery },
  { method: 'GET', path: '/v1/tasks/counts', handler: 'tasks.counts', fn: 'tasks', summary: 'how many tasks each inbox tab lists (open, due_soon, overdue), in one read', auth: 'user', roles: STAFF, response: S.TaskCounts },
  { method: 'GET', path: '/v1/staff', handler: 'tasks.staff', fn: 'tasks', summary: 'who can take a task in an area (dispatch picker): duty and open tasks', auth: 'user', roles: ['grid_worker', 'grid_leader', 'police_officer', 'dispatcher', 'admin'], query: S.StaffQuery },
  { method: 'GET', path: '/v1/reports/overdue', handler: 'tasks.overdue', fn: 'tasks', summary: "every overdue report in an area, oldest deadline first (the centre's list)", auth: 'user', roles: ['grid_leader', 'police_officer', 'dispatcher', 'admin'], query: S.OverdueQuery },
  { method: 'GET', path: '/v1/inbox', handler: 'tasks.inbox', fn: 'tasks', summary: 'in-app notifications', auth: 'user', query: S.ListQuery },
  { method: 'GET', path: '/v1/stats', handler: 'stats.stats', fn: 'stats', summary: 'KPIs for an area and each child area over China days', auth: 'user', roles: ['grid_leader', 'police_officer', 'dispatcher', 'admin'], query: S.StatsQuery },
  { method: 'GET', path: '/v1/stats/heatmap', handler: 'stats.heatmap', fn: 'stats', summary: 'GeoJSON of grids with open / overdue counts', auth: 'user', roles: ['grid_leader', 'police_officer', 'dispatcher', 'admin'], query: S.HeatmapQuery },
  { method: 'GET', path: '/v1/export/reports.csv', handler: 'stats.exportCsv', fn: 'stats', summary: 'CSV of reports (Chinese headers, UTF-8 BOM), no personal data; audited', auth: 'user', roles: ['dispatcher', 'admin'], query: S.StatsQuery },
  { method: 'PUT', path: '/v1/admin/categories', handler: 'admin.replaceCategories', fn: 'admin', summary: 'replace the category table (names, sides, limits, emergency notice, safety question, canned replies); versioned and audited', auth: 'user', roles: ['admin'], body: S.CategoryTableBody },
  { method: 'PUT', path: '/v1/admin/areas', handler: 'admin.importAreas', fn: 'admin', summary: 'import grids and beats as GeoJSON; validated whole before it replaces anything', auth: 'user', roles: ['admin'], body: S.AreaImportBody, maxBodyBytes: 5 * 1024 * 1024 },
  { method: 'GET', path: '/v1/admin/moderation', handler: 'admin.moderationQueue', fn: 'admin', summary: 'reports with flagged text or photos awaiting review', auth: 'user', roles: ['admin', 'dispatcher'], query: S.ListQuery },
  { method: 'POST', path: '/v1/admin/moderation/{id}', handler: 'admin.moderationDecision', fn: 'admin', summary: 'approve or hide a flagged report', auth: 'user', roles: ['admin', 'dispatcher'], params: S.IdParams, body: S.ModerationDecisionBody },
  { method: 'GET', path: '/v1/wechat/events', handler: 'wechat.verifyUrl', fn: 'wechat', summary: "WeChat message-push URL check (signed)", auth: 'none', query: S.WechatPushQuery },
  { method: 'POST', path: '/v1/wechat/events', handler: 'wechat.events', fn: 'wechat', summary: 'WeChat message push: media-check verdicts (signed; XML or JSON; plaintext or safe mode, read by the handler)', auth: 'none', query: S.WechatPushQuery },
  { method: 'GET', path: '/v1/audit', handler: 'admin.audit', fn: 'admin', summary: 'audit entries by report, by actor, or by China day', auth: 'user', roles: ['admin'], query: S.AuditQuery },
  { method: 'POST', path: '/v1/admin/staff', handler: 'admin.createStaffAccount', fn: 'admin', summary: 'create a staff account bound to areas; returns a one-time inviteCode', auth: 'user', roles: ['admin'], body: S.CreateStaffBody },
  { method: 'PATCH', path: '/v1/admin/staff/{id}', handler: 'admin.updateStaffAccount', fn: 'admin', summary: 'edit a staff account; {active:false} hands its open tasks back to routing', auth: 'user', roles: ['admin'], params: S.IdParams, body: S.UpdateStaffBody },
  { method: 'GET', path: '/v1/admin/push/dead-letters', handler: 'admin.pushDeadLetters', fn: 'admin', summary: 'WeChat pushes that failed after retries, oldest first', auth: 'user', roles: ['admin'], query: S.ListQuery },
  { method: 'POST', path: '/v1/admin/push/replay', handler: 'admin.replayPushes', fn: 'admin', summary: 'retry dead-lettered pushes once each (?limit, ?cursor); done ones leave the list', auth: 'user', roles: ['admin'], query: S.ListQuery },
  // Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2): each resource bare (XML, the spec's
  // default), as .xml and as .json — API Gateway matches whole path segments, so each form is a
  // route; a {param} carries its own suffix. Errors in the spec's format; only POST needs a key.
  ...open311('GET', '/open311/v2/discovery', 'open311.discovery', 'Open311 service discovery: the endpoint, its formats, where to get an api_key', { query: S.Open311Query }),
  ...open311('GET', '/open311/v2/services', 'open311.services', 'Open311 service list: one service per hazard category (service_code = category code)', { query: S.Open311Query }),
  { method: 'GET', path: '/open311/v2/services/{service_code}', handler: 'open311.service', fn: 'open311', summary: 'Open311 service definition: the category\'s attributes (safety question, where, unit, floor); {service_code}.json / .xml', auth: 'none', errorFormat: 'open311', query: S.Open311Query, params: S.Open311ServiceParams },
  ...open311('GET', '/open311/v2/requests', 'open311.requests', 'Open311 service requests: by ids, or the last 90 days by service_code / status / start_date / end_date; newest first, Link rel=next', { query: S.Open311RequestsQuery }),
  ...open311('POST', '/open311/v2/requests', 'open311.create', 'Open311 new service request (api_key; form-encoded, multipart or JSON; Idempotency-Key honoured): filed, routed and notified like any report', { query: S.Open311RequestsQuery }),
  { method: 'GET', path: '/open311/v2/requests/{service_request_id}', handler: 'open311.request', fn: 'open311', summary: 'Open311 one service request; {id}.json / .xml', auth: 'none', errorFormat: 'open311', query: S.Open311Query, params: S.Open311RequestParams },
  { method: 'GET', path: '/open311/v2/tokens/{token}', handler: 'open311.token', fn: 'open311', summary: 'Open311 service_request_id of a token (every service is realtime: a request id is its own token)', auth: 'none', errorFormat: 'open311', query: S.Open311Query, params: S.Open311TokenParams },
  { method: 'POST', path: '/v1/admin/apikeys', handler: 'integrations.issueApiKey', fn: 'integrations', summary: "issue an Open311 api_key for a city system, bound to the admin's areas (shown once, stored hashed)", auth: 'user', roles: ['admin'], body: S.ApiKeyBody },
  { method: 'GET', path: '/v1/admin/apikeys', handler: 'integrations.apiKeys', fn: 'integrations', summary: 'Open311 api_keys the admin manages (never the key itself)', auth: 'user', roles: ['admin'] },
  { method: 'DELETE', path: '/v1/admin/apikeys/{id}', handler: 'integrations.revokeApiKey', fn: 'integrations', summary: 'revoke an Open311 api_key (its POSTs answer 403 from now on)', auth: 'user', roles: ['admin'], params: S.IdParams },
  { method: 'POST', path: '/v1/admin/webhooks', handler: 'integrations.createWebhook', fn: 'integrations', summary: "a city system's webhook: signed calls when requests its api_key filed change (secret shown once)", auth: 'user', roles: ['admin'], body: S.WebhookBody },
  { method: 'GET', path: '/v1/admin/webhooks', handler: 'integrations.webhooks', fn: 'integrations', summary: 'webhooks of the api_keys the admin manages (never the secret)', auth: 'user', roles: ['admin'] },
  { method: 'DELETE', path: '/v1/admin/webhooks/{id}', handler: 'integrations.deleteWebhook', fn: 'integrations', summary: 'stop a webhook', auth: 'user', roles: ['admin'], params: S.IdParams },
  { method: 'GET', path: '/v1/admin/webhooks/dead-letters', handler: 'integrations.webhookDeadLetters', fn: 'integrations', summary: 'webhook calls that failed after their retries, oldest first', auth: 'user', roles: ['admin'], query: S.ListQuery },
  { method: 'POST', path: '/v1/admin/webhooks/replay', handler: 'integrations.replayWebhooks', fn: 'integrations', summary: 'call dead-lettered webhooks once more (?limit, ?cursor); done ones leave the list', auth: 'user', roles: ['admin'], query: S.ListQuery },
] as const satisfies readonly Route[];

export const ROUTES: readonly Route[] = TABLE;

/** A row by its handler key: handlers take their request types from their own row. */
export type RouteRow = (typeof TABLE)[number];
export type HandlerKey = RouteRow['handler'];
export type RowOf<K extends HandlerKey> = Extract<RouteRow, { handler: K }>;


/** Compiled matchers, most specific (fewest parameters) first so /reports/nearby beats /reports/{id}. */
const compiled = ROUTES.map((r) => ({
  route: r,
  params: [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
  // literal dots (services.json) are literal; {param} is one whole segment
  re: new RegExp(`^${r.path.replace(/[.+*?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '([^/]+)')}$`),
})).sort((a, b) => a.params.length - b.params.length);

export type Match = { route: Route; params: Record<string, string> } | { methodNotAllowed: Method[] } | null;

export function matchRoute(method: string, path: string, includeLocal: boolean): Match {
  const allowed: Method[] = [];
  for (const c of compiled) {
    if (c.route.localOnly && !includeLocal) continue;
    const m = c.re.exec(path);
    if (!m) continue;
    if (c.route.method !== method) {
      allowed.push(c.route.method);
      continue;
    }
    const params: Record<string, string> = {};
    c.params.forEach((p, i) => {
      params[p] = decodeURIComponent(m[i + 1]!);
    });
    return { route: c.route, params };
  }
  return allowed.length ? { methodNotAllowed: allowed } : null;
}
