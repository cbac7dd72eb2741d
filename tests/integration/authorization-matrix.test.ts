/**
 * The authorisation matrix: EVERY route of THE route table × every role × inside / outside the
 * caller's areas, each cell asserted against the small expectation table below, which is written
 * from API.md ("Who may act", the endpoint table) and PRODUCT.md ("People": staff bound to areas
 * see and act on nothing outside them) — never from the code under test. The cells are generated
 * from ROUTES, so a new route without a row fails the coverage test.
 *
 * Places: "inside" is 粤海街道 (st-yuehai) — grid gr-kejiyuan-01, community cm-kejiyuan, beat
 * bt-nanshandadao; "outside" is 南头街道 (st-nantou) — grid gr-tongle-05, whose beat bt-kejiyuan is
 * another beat too. The callers are the demo users bound there (grid worker of the grid, leader
 * of its community, officer of its beat, the street's dispatch centre) and an admin bound to
 * 粤海街道 only, created for this file. For a resident "inside" means their own report (or one
 * they may join), "outside" someone else's (or one hidden by moderation).
 *
 * Outcomes: 'ok' 2xx · 'filtered' 2xx and the list holds only what the caller may see (checked
 * against the public area tree) · 401 / 403 / 404 · 'refused' 403 or 404. Every refused write
 * (POST / PUT / PATCH / DELETE) must leave the whole table byte-identical (a Scan before and
 * after, stream consumers drained), so a refusal that still wrote an outbox row, an audit entry
 * or half a report fails with a list of what changed.
 *
 * Phases: reads first, then every refused write (the snapshots chain: one Scan per cell), then
 * the writes that are allowed (they change state, so they come last).
 */
import { BUILTIN_CATEGORIES } from '../../functions/src/domain/categories.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type Res, type TestStack } from '../support/stack.ts';
import { phonePhoto, pointIn, RESIDENT, RESIDENT2, RESIDENT3, WORKER, LEADER, OFFICER, DISPATCHER } from '../support/fixtures.ts';
import { act, fileReport } from '../support/checks.ts';
import { AreaModel, bearer, createBoundStaff, describeChange, OTHERS_REPORT_FIELDS, tableState, wechatLogin } from '../support/rights.ts';
import { ROUTES } from '../../functions/src/http/routes.ts';
import { demoCity } from '../../functions/src/geo/demo-city.ts';
import { toAreaImport } from '../../functions/src/geo/import.ts';
import { gcj02ToWgs84 } from '../../functions/src/geo/datum.ts';
import { responderRequests, responderRows, setupResponders, VOLUNTEER, type ResponderFixtures } from './matrix-responders.ts';

const rfx = {} as ResponderFixtures;

// ---------------------------------------------------------------------------------------------
// The expectation table (API.md / PRODUCT.md)
// ---------------------------------------------------------------------------------------------

const ROLES = ['resident', 'grid_worker', 'grid_leader', 'police_officer', 'dispatcher', 'admin', 'volunteer'] as const;
type Role = (typeof ROLES)[number];
type Outcome = 'ok' | 'filtered' | 'refused' | 401 | 403 | 404 | 409;
type Cell = Outcome | { in: Outcome; out: Outcome };
/** a role without a cell (a volunteer on a resident-side route: tests/integration/responders.test.ts) has no cell */
type Row = { anyone: Outcome } | { roles: Record<Role, Cell | undefined> };

const OK = 'ok' as const;
const F = 'filtered' as const;
const REFUSED = 'refused' as const;
/** inside the caller's areas / outside them */
const io = (inside: Outcome, outside: Outcome): Cell => ({ in: inside, out: outside });
/**
 * columns: resident, grid_worker, grid_leader, police_officer, dispatcher, admin (bound to 粤海街道),
 * volunteer (a community responder of 科技园社区). A volunteer keeps the resident side: unless
 * the row says otherwise, they are refused wherever a resident is refused by role (403), and the
 * resident side's own cells are the residents' (their requests name the resident's reports).
 */
const by = (resident: Cell, grid_worker: Cell, grid_leader: Cell, police_officer: Cell, dispatcher: Cell, admin: Cell, volunteer?: Cell): Row => ({
  roles: { resident, grid_worker, grid_leader, police_officer, dispatcher, admin, volunteer: volunteer ?? (resident === 403 ? 403 : undefined) },
});
const everyone = (c: Cell, volunteer?: Cell): Row => by(c, c, c, c, c, c, volunteer);
const staffOnly = (c: Cell): Row => by(403, c, c, c, c, c);
const adminOnly = (c: Cell): Row => by(403, 403, 403, 403, 403, c);
/** no token needed (API.md: health, openapi.json, auth/*, categories, areas, areas/locate; WeChat's push is signed) */
const anyone = (o: Outcome): Row => ({ anyone: o });

/** Every route that needs a token answers 401 without one (API.md Conventions). */
const EXPECT: Record<string, Row> = {
  //                                          resident        grid_worker     grid_leader     police_officer  dispatcher      admin
  'GET /v1/health': anyone(OK),
  'GET /v1/openapi.json': anyone(OK),
  'POST /v1/auth/wechat': anyone(OK),
  'POST /v1/auth/refresh': anyone(OK),
  'GET /v1/categories': anyone(OK),
  'GET /v1/areas': anyone(OK),
  'GET /v1/areas/locate': anyone(OK),
  'GET /v1/areas/basemap': anyone(OK),
  'GET /v1/buildings': anyone(OK),
  'GET /v1/buildings/repeats': by(403, 403, io(OK, 403), io(OK, 403), io(OK, 403), io(OK, 403)),
  // WeChat's message push: only with the push token's signature (these requests are unsigned)
  'GET /v1/wechat/events': anyone(403),
  'POST /v1/wechat/events': anyone(403),
  'POST /v1/auth/bind': everyone(OK),
  'POST /v1/me/phone': by(OK, 403, 403, 403, 403, 403),
  'POST /v1/me/subscriptions': everyone(OK, OK),
  'GET /v1/me': everyone(OK, OK),
  'POST /v1/me/consent': by(OK, 403, 403, 403, 403, 403),
  'DELETE /v1/me': by(OK, 403, 403, 403, 403, 403),
  'PUT /v1/me/duty': by(403, OK, OK, OK, OK, OK, OK),
  'POST /v1/uploads': everyone(OK, OK),
  // "its owner": inside = my upload, outside = someone else's
  'GET /v1/uploads/{id}': everyone(io(OK, 404), io(OK, 404)),
  // residents: others' reports without description/address; staff: only reports in their areas
  'GET /v1/reports/nearby': everyone(io(F, F)),
  // residents report anywhere; the dispatch centre files callers' reports only inside its areas
  'POST /v1/reports': by(io(OK, OK), 403, 403, 403, io(OK, 403), 403, io(OK, OK)),
  'GET /v1/reports': by(F, 403, 403, 403, 403, 403),
  // reporter, followers, staff of its areas
  'GET /v1/reports/{id}': everyone(io(OK, 403)),
  // inside = a report the resident may join, outside = one hidden by moderation
  // merge candidates: staff of the report's areas
  'GET /v1/reports/{id}/duplicates': staffOnly(io(OK, 403)),
  'POST /v1/reports/{id}/follow': by(io(OK, REFUSED), 403, 403, 403, 403, 403),
  // the action is `remind`: grid_leader and dispatcher of the report's areas (the transition table)
  'POST /v1/reports/{id}/actions': by(403, 403, io(OK, 403), 403, io(OK, 403), 403),
  // the assignee while open (the report is the grid worker's)
  'POST /v1/reports/{id}/reveal-phone': by(403, io(OK, 403), 403, 403, 403, 403),
  // reporter and followers; inside = my closed report, outside = someone else's
  'POST /v1/reports/{id}/rating': by(io(OK, 403), 403, 403, 403, 403, 403),
  'GET /v1/tasks': staffOnly(F),
  // numbers of the caller's own tabs: nothing of anyone else's areas to leak
  'GET /v1/tasks/counts': staffOnly(OK),
  'GET /v1/staff': staffOnly(io(OK, 403)),
  'GET /v1/reports/overdue': by(403, 403, io(OK, 403), io(OK, 403), io(OK, 403), io(OK, 403)),
  'GET /v1/inbox': everyone(OK, OK),
  'GET /v1/stats': by(403, 403, io(OK, 403), io(OK, 403), io(OK, 403), io(OK, 403)),
  'GET /v1/stats/heatmap': by(403, 403, io(OK, 403), io(OK, 403), io(OK, 403), io(OK, 403)),
  'GET /v1/export/reports.csv': by(403, 403, 403, 403, io(OK, 403), io(OK, 403)),
  // a city-wide import: only an admin of the whole city (this admin has one street)
  'PUT /v1/admin/areas': everyone(403),
  // the category table is the whole city's too
  'PUT /v1/admin/categories': everyone(403),
  'GET /v1/admin/moderation': by(403, 403, 403, 403, F, F),
  'POST /v1/admin/moderation/{id}': by(403, 403, 403, 403, io(OK, 403), io(OK, 403)),
  'GET /v1/audit': adminOnly(io(OK, 403)),
  'POST /v1/admin/staff': adminOnly(io(OK, 403)),
  'PATCH /v1/admin/staff/{id}': adminOnly(io(OK, 403)),
  // failed pushes are the whole city's (any recipient): not for an admin of one street
  // (area-rights.test.ts has the city admin's control)
  'GET /v1/admin/push/dead-letters': everyone(403),
  'POST /v1/admin/push/replay': everyone(403),
  // Open311 GeoReport v2: reads are public (API.md); POST needs an api_key, which the matrix never sends
  ...open311Rows({ 'GET /open311/v2/discovery': anyone(OK), 'GET /open311/v2/services': anyone(OK), 'GET /open311/v2/requests': anyone(OK), 'POST /open311/v2/requests': anyone(403) }),
  'GET /open311/v2/services/{service_code}': anyone(OK),
  'GET /open311/v2/requests/{service_request_id}': anyone(OK),
  'GET /open311/v2/tokens/{token}': anyone(OK),
  // api_keys: any admin issues one bound to their own areas; revoking and webhooks only for keys of their areas
  'POST /v1/admin/apikeys': adminOnly(OK),
  'GET /v1/admin/apikeys': adminOnly(OK),
  'DELETE /v1/admin/apikeys/{id}': adminOnly(io(OK, 403)),
  'POST /v1/admin/webhooks': adminOnly(io(OK, 403)),
  'GET /v1/admin/webhooks': adminOnly(OK),
  'DELETE /v1/admin/webhooks/{id}': adminOnly(io(OK, 403)),
  // failed webhook calls are the whole city's, as failed pushes are
  'GET /v1/admin/webhooks/dead-letters': everyone(403),
  'POST /v1/admin/webhooks/replay': everyone(403),
  // 群防群治: community responders and their assists
  ...responderRows({ by, io, everyone, OK, REFUSED }),
};

/** The request of each of an Open311 resource's three routes, given its suffix. */
function open311Requests(rows: Record<string, (suffix: string) => Req>): Record<string, () => Req> {
  return Object.fromEntries(Object.entries(rows).flatMap(([k, v]) => ['', '.xml', '.json'].map((f) => [`${k}${f}`, () => v(f)])));
}

/** One row for an Open311 resource's three routes: bare (XML), .xml and .json. */
function open311Rows<T>(rows: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(rows).flatMap(([k, v]) => ['', '.xml', '.json'].map((f) => [`${k}${f}`, v])));
}

// ---------------------------------------------------------------------------------------------
// Places, people and fixtures
// ---------------------------------------------------------------------------------------------

const GRID_IN = 'gr-kejiyuan-01';
const GRID_OUT = 'gr-tongle-05';
const STREET_IN = 'st-yuehai';
const STREET_OUT = 'st-nantou';

let stack: TestStack;
let model: AreaModel;

const fx = {
  user: {} as Record<Role, string>,
  areas: {} as Record<Role, string[]>,
  locIn: { lat: 0, lng: 0 },
  locOut: { lat: 0, lng: 0 },
  /** RESIDENT's, open, the grid worker's task, inside */
  A: '',
  /** RESIDENT2's, inside (a resident's "outside" report) */
  A2: '',
  /** RESIDENT2's, inside, for RESIDENT to join */
  AF: '',
  /** RESIDENT2's, outside (南头街道) */
  B: '',
  /** closed: RESIDENT's and RESIDENT2's, inside */
  Cown: '',
  Cother: '',
  /** flagged by the text check, awaiting review: two inside, one outside */
  FinDp: '',
  FinAd: '',
  Fout: '',
  /** RESIDENT2's, hidden by a reviewer */
  H: '',
  /** every report RESIDENT filed or follows */
  mine: new Set<string>(),
  upload: {} as Record<Role | 'other', string>,
  patchTarget: '',
  bind: {} as Record<Role, { token: string; invite: string }>,
  spareInvite: '',
  profileToken: '',
  deletionToken: '',
  refreshToken: '',
  consentVersion: '',
  cityImport: undefined as unknown,
  /** the WGS-84 point of locIn (Open311 speaks WGS-84) */
  wgsIn: { lat: 0, lng: 0 },
  /** api_keys: the street admin's (revoked inside), another for its webhook, the city admin's (outside) */
  keyIn: '',
  hookKeyIn: '',
  keyOut: '',
  /** webhooks of the street admin's key and of the city key */
  hookIn: '',
  hookOut: '',
};

const ownArea = (role: Role) => (role === 'resident' ? STREET_IN : fx.areas[role][0]!);

// ---------------------------------------------------------------------------------------------
// One valid request per route (so a refusal is about rights, not validation)
// ---------------------------------------------------------------------------------------------

type Caller = Role | 'anonymous' | 'anyone';
type Scope = 'in' | 'out';
interface Req {
  path: string;
  body?: unknown;
  /** sign in as this user id (dev login); default: the caller */
  as?: string;
  /** or use this token */
  token?: string;
}

let seq = 0;
const REQUEST: Record<string, (caller: Caller, scope: Scope) => Req> = {
  'GET /v1/health': () => ({ path: '/v1/health' }),
  'GET /v1/openapi.json': () => ({ path: '/v1/openapi.json' }),
  'POST /v1/auth/wechat': () => ({ path: '/v1/auth/wechat', body: { code: `dev:o-matrix-login-${++seq}` } }),
  'POST /v1/auth/refresh': () => ({ path: '/v1/auth/refresh', body: { refreshToken: fx.refreshToken } }),
  'GET /v1/categories': () => ({ path: '/v1/categories' }),
  'GET /v1/areas': () => ({ path: '/v1/areas?level=grid' }),
  'GET /v1/areas/locate': () => ({ path: `/v1/areas/locate?lat=${fx.locIn.lat}&lng=${fx.locIn.lng}` }),
  'GET /v1/areas/basemap': () => ({ path: '/v1/areas/basemap' }),
  'GET /v1/buildings': () => ({ path: '/v1/buildings?q=snhy' }),
  'GET /v1/buildings/repeats': (c, s) => ({ path: `/v1/buildings/repeats?areaId=${s === 'in' && c in fx.areas ? ownArea(c as Role) : s === 'in' ? STREET_IN : STREET_OUT}` }),
  'GET /v1/wechat/events': () => ({ path: '/v1/wechat/events?signature=0123456789abcdef&timestamp=1767225600&nonce=42&echostr=hello' }),
  'POST /v1/wechat/events': () => ({
    path: '/v1/wechat/events?signature=0123456789abcdef&timestamp=1767225600&nonce=42',
    body: { ToUserName: 'gh_x', FromUserName: 'o-x', CreateTime: 1767225600, MsgType: 'event', Event: 'wxa_media_check', appid: 'wx', trace_id: 'trace-matrix', version: 2, detail: [], errcode: 0, errmsg: 'ok', result: { suggest: 'risky', label: 20002 } },
  }),
  'POST /v1/auth/bind': (c) =>
    c === 'anonymous' || c === 'anyone' ? { path: '/v1/auth/bind', body: { inviteCode: fx.spareInvite } } : { path: '/v1/auth/bind', body: { inviteCode: fx.bind[c].invite }, token: fx.bind[c].token },
  'POST /v1/me/phone': (c) => ({ path: '/v1/me/phone', body: { code: 'phone:13912345678' }, ...(c === 'resident' ? { token: fx.profileToken } : {}) }),
  'POST /v1/me/subscriptions': () => ({ path: '/v1/me/subscriptions', body: { templateIds: ['tpl-progress'] } }),
  'GET /v1/me': () => ({ path: '/v1/me' }),
  'POST /v1/me/consent': (c) => ({ path: '/v1/me/consent', body: { version: fx.consentVersion }, ...(c === 'resident' ? { token: fx.profileToken } : {}) }),
  'DELETE /v1/me': (c) => ({ path: '/v1/me', ...(c === 'resident' ? { token: fx.deletionToken } : {}) }),
  'PUT /v1/me/duty': () => ({ path: '/v1/me/duty', body: { state: 'on_duty' } }),
  'POST /v1/uploads': () => ({ path: '/v1/uploads', body: { contentType: 'image/jpeg', size: 1000 } }),
  'GET /v1/uploads/{id}': (c, s) => ({ path: `/v1/uploads/${s === 'in' && c in fx.upload ? fx.upload[c as Role] : s === 'in' ? fx.upload.resident : fx.upload.other}` }),
  'GET /v1/reports/nearby': (_c, s) => {
    const p = s === 'in' ? fx.locIn : fx.locOut;
    return { path: `/v1/reports/nearby?lat=${p.lat}&lng=${p.lng}&category=fire_exit_blocked` };
  },
  'POST /v1/reports': (c, s) => ({
    path: '/v1/reports',
    body: {
      category: 'other',
      description: `矩阵测试：楼道堆放杂物 ${++seq}`,
      location: s === 'in' ? fx.locIn : fx.locOut,
      ...(c === 'resident' || c === 'volunteer' ? {} : { source: 'phone', caller: { name: '刘先生', phone: '13800000000' } }),
    },
  }),
  'GET /v1/reports': () => ({ path: '/v1/reports?scope=mine&limit=100' }),
  'GET /v1/reports/{id}': (c, s) => ({ path: `/v1/reports/${s === 'in' ? fx.A : c === 'resident' ? fx.A2 : fx.B}` }),
  'GET /v1/reports/{id}/duplicates': (c, s) => ({ path: `/v1/reports/${s === 'in' ? fx.A : c === 'resident' ? fx.A2 : fx.B}/duplicates` }),
  'POST /v1/reports/{id}/follow': (c, s) => ({ path: `/v1/reports/${s === 'in' ? fx.AF : c === 'resident' ? fx.H : fx.B}/follow`, body: {} }),
  'POST /v1/reports/{id}/actions': (c, s) => ({ path: `/v1/reports/${s === 'in' ? fx.A : c === 'resident' ? fx.A2 : fx.B}/actions`, body: { action: 'remind' } }),
  'POST /v1/reports/{id}/reveal-phone': (c, s) => ({ path: `/v1/reports/${s === 'in' ? fx.A : c === 'resident' ? fx.A2 : fx.B}/reveal-phone` }),
  'POST /v1/reports/{id}/rating': (c, s) => ({ path: `/v1/reports/${s === 'in' ? fx.Cown : c === 'resident' ? fx.Cother : fx.B}/rating`, body: { score: 'satisfied', comment: '处理及时' } }),
  'GET /v1/tasks': () => ({ path: '/v1/tasks?state=open&limit=100' }),
  'GET /v1/tasks/counts': () => ({ path: '/v1/tasks/counts' }),
  'GET /v1/staff': (c, s) => ({ path: `/v1/staff?areaId=${s === 'in' && c in fx.areas ? ownArea(c as Role) : s === 'in' ? STREET_IN : STREET_OUT}` }),
  'GET /v1/reports/overdue': (c, s) => ({ path: `/v1/reports/overdue?areaId=${s === 'in' && c in fx.areas ? ownArea(c as Role) : s === 'in' ? STREET_IN : STREET_OUT}` }),
  'GET /v1/inbox': () => ({ path: '/v1/inbox' }),
  'GET /v1/stats': (c, s) => ({ path: `/v1/stats?areaId=${s === 'in' && c in fx.areas ? ownArea(c as Role) : s === 'in' ? STREET_IN : STREET_OUT}` }),
  'GET /v1/stats/heatmap': (c, s) => ({ path: `/v1/stats/heatmap?areaId=${s === 'in' && c in fx.areas ? ownArea(c as Role) : s === 'in' ? STREET_IN : STREET_OUT}` }),
  'GET /v1/export/reports.csv': (c, s) => ({ path: `/v1/export/reports.csv?areaId=${s === 'in' && c in fx.areas ? ownArea(c as Role) : s === 'in' ? STREET_IN : STREET_OUT}` }),
  'PUT /v1/admin/areas': () => ({ path: '/v1/admin/areas', body: fx.cityImport }),
  'PUT /v1/admin/categories': () => ({ path: '/v1/admin/categories', body: { expectedVersion: 'builtin', items: BUILTIN_CATEGORIES.map((c) => ({ ...c, safetyQuestion: c.safetyQuestion ?? null })) } }),
  'GET /v1/admin/moderation': () => ({ path: '/v1/admin/moderation?limit=100' }),
  'POST /v1/admin/moderation/{id}': (c, s) => ({ path: `/v1/admin/moderation/${s === 'out' ? fx.Fout : c === 'admin' ? fx.FinAd : fx.FinDp}`, body: { decision: 'approve', note: '内容无问题' } }),
  'GET /v1/audit': (_c, s) => ({ path: `/v1/audit?reportId=${s === 'in' ? fx.A : fx.B}` }),
  'POST /v1/admin/staff': (_c, s) => ({ path: '/v1/admin/staff', body: { name: `矩阵 网格员 ${++seq}`, role: 'grid_worker', areaIds: [s === 'in' ? 'gr-haizhu-03' : 'gr-tongle-04'] } }),
  'PATCH /v1/admin/staff/{id}': (_c, s) => ({ path: `/v1/admin/staff/${s === 'in' ? fx.patchTarget : 'u-gw-tongle-05'}`, body: { name: '矩阵 改名' } }),
  'GET /v1/admin/push/dead-letters': () => ({ path: '/v1/admin/push/dead-letters' }),
  'POST /v1/admin/push/replay': () => ({ path: '/v1/admin/push/replay' }),
  ...open311Requests({
    'GET /open311/v2/discovery': (f: string) => ({ path: `/open311/v2/discovery${f}` }),
    'GET /open311/v2/services': (f: string) => ({ path: `/open311/v2/services${f}?jurisdiction_id=` }),
    'GET /open311/v2/requests': (f: string) => ({ path: `/open311/v2/requests${f}?service_request_id=${fx.A}` }),
    // a valid request but for the api_key: a refusal about the key, not the body
    'POST /open311/v2/requests': (f: string) => ({ path: `/open311/v2/requests${f}`, body: { service_code: 'other', lat: fx.wgsIn.lat, long: fx.wgsIn.lng, description: `矩阵测试 ${++seq}` } }),
  }),
  'GET /open311/v2/services/{service_code}': () => ({ path: '/open311/v2/services/gas_hazard.json' }),
  'GET /open311/v2/requests/{service_request_id}': () => ({ path: `/open311/v2/requests/${fx.A}.xml` }),
  'GET /open311/v2/tokens/{token}': () => ({ path: `/open311/v2/tokens/${fx.A}.json` }),
  'POST /v1/admin/apikeys': () => ({ path: '/v1/admin/apikeys', body: { name: `矩阵 对接 ${++seq}` } }),
  'GET /v1/admin/apikeys': () => ({ path: '/v1/admin/apikeys' }),
  'DELETE /v1/admin/apikeys/{id}': (_c, s) => ({ path: `/v1/admin/apikeys/${s === 'in' ? fx.keyIn : fx.keyOut}` }),
  'POST /v1/admin/webhooks': (_c, s) => ({ path: '/v1/admin/webhooks', body: { apiKeyId: s === 'in' ? fx.hookKeyIn : fx.keyOut, url: 'http://127.0.0.1:9/matrix', events: ['status_changed'] } }),
  'GET /v1/admin/webhooks': () => ({ path: '/v1/admin/webhooks' }),
  'DELETE /v1/admin/webhooks/{id}': (_c, s) => ({ path: `/v1/admin/webhooks/${s === 'in' ? fx.hookIn : fx.hookOut}` }),
  'GET /v1/admin/webhooks/dead-letters': () => ({ path: '/v1/admin/webhooks/dead-letters' }),
  'POST /v1/admin/webhooks/replay': () => ({ path: '/v1/admin/webhooks/replay' }),
  ...responderRequests(rfx, () => fx),
};

// ---------------------------------------------------------------------------------------------
// What "filtered" means per list (problems found; empty = fine)
// ---------------------------------------------------------------------------------------------


type Item = Record<string, any>;
const FILTER: Record<string, (caller: Role, scope: Scope, items: Item[]) => string[]> = {
  'GET /v1/reports/nearby': (caller, scope, items) => {
    const problems: string[] = [];
    const ids = items.map((i) => i.id as string);
    if (caller === 'resident') {
      for (const i of items) {
        if (fx.mine.has(i.id)) continue;
        const extra = Object.keys(i).filter((k) => !OTHERS_REPORT_FIELDS.includes(k));
        if (extra.length) problems.push(`someone else's report ${i.id} shows ${extra.join(', ')}`);
      }
      if (ids.includes(fx.H)) problems.push(`report ${fx.H} hidden by moderation is listed`);
      if (scope === 'in' && !ids.includes(fx.A)) problems.push(`control: own report ${fx.A} is missing`);
      if (scope === 'out' && !ids.includes(fx.B)) problems.push(`control: open report ${fx.B} nearby is missing (a resident must still be able to join it)`);
    } else {
      for (const i of items) {
        if (model.coversGrid(fx.areas[caller], i.grid?.id)) continue;
        const shown = 'description' in i || 'address' in i ? 'with its description/address' : 'as a public summary';
        problems.push(`report ${i.id} in ${i.grid?.id} is outside ${fx.areas[caller].join(',')} (listed ${shown})`);
      }
      if (scope === 'in' && !ids.includes(fx.A)) problems.push(`control: report ${fx.A} in the caller's own grid is missing`);
    }
    return problems;
  },
  'GET /v1/reports': (_caller, _scope, items) => {
    const ids = items.map((i) => i.id as string);
    return [
      ...ids.filter((id) => !fx.mine.has(id)).map((id) => `report ${id} is neither filed nor followed by the resident`),
      ...(ids.includes(fx.A) ? [] : [`control: own report ${fx.A} is missing`]),
    ];
  },
  'GET /v1/tasks': (caller, _scope, items) => [
    ...items.filter((i) => !model.coversGrid(fx.areas[caller], i.grid?.id)).map((i) => `task ${i.id} in ${i.grid?.id} is outside ${fx.areas[caller].join(',')}`),
    ...(caller === 'grid_worker' && !items.some((i) => i.id === fx.A) ? [`control: the worker's own task ${fx.A} is missing`] : []),
  ],
  'GET /v1/admin/moderation': (caller, _scope, items) => {
    const ids = items.map((i) => i.id as string);
    return [
      ...items.filter((i) => i.grid?.id === undefined || !model.coversGrid(fx.areas[caller], i.grid.id)).map((i) => `queued report ${i.id} in ${i.grid?.id} is outside ${fx.areas[caller].join(',')}`),
      ...(ids.includes(fx.Fout) ? [`flagged report ${fx.Fout} of 南头街道 is listed`] : []),
      ...(ids.includes(fx.FinDp) ? [] : [`control: flagged report ${fx.FinDp} of 粤海街道 is missing`]),
    ];
  },
};

// ---------------------------------------------------------------------------------------------
// The cells, generated from the route table
// ---------------------------------------------------------------------------------------------

interface GeneratedCell {
  key: string;
  method: string;
  caller: Caller;
  scope: Scope | null;
  expect: Outcome;
}

const isSuccess = (o: Outcome) => o === OK || o === F;
const deployed = ROUTES.filter((r) => !r.localOnly);
const keyOf = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

function generate(): GeneratedCell[] {
  const cells: GeneratedCell[] = [];
  for (const route of deployed) {
    const key = keyOf(route);
    const row = EXPECT[key];
    if (!row) continue; // the coverage test names it
    if ('anyone' in row) {
      cells.push({ key, method: route.method, caller: 'anyone', scope: null, expect: row.anyone });
      continue;
    }
    const scoped = ROLES.some((r) => typeof row.roles[r] === 'object');
    for (const role of ROLES) {
      const c = row.roles[role];
      if (c === undefined) continue;
      if (scoped) for (const scope of ['in', 'out'] as const) cells.push({ key, method: route.method, caller: role, scope, expect: typeof c === 'object' ? c[scope] : c });
      else cells.push({ key, method: route.method, caller: role, scope: null, expect: c as Outcome });
    }
    cells.push({ key, method: route.method, caller: 'anonymous', scope: null, expect: 401 });
  }
  return cells;
}

const CELLS = generate();
const label = (c: GeneratedCell) => `${c.key} · ${c.caller}${c.scope ? ` · ${c.scope === 'in' ? 'inside' : 'outside'}` : ''} → ${c.expect}`;

/** the table after the last refused write, while nothing else has run since */
let chained: string[] | null = null;

async function send(c: GeneratedCell, req: Req): Promise<Res> {
  const headers: Record<string, string> = {};
  let as: string | undefined;
  if (c.caller !== 'anonymous' && c.caller !== 'anyone') {
    if (req.token) Object.assign(headers, bearer(req.token));
    else as = req.as ?? fx.user[c.caller];
  }
  return stack.api.call(c.method, req.path, { as, body: req.body, headers });
}

async function runCell(c: GeneratedCell): Promise<void> {
  const refusedWrite = c.method !== 'GET' && !isSuccess(c.expect);
  const req = REQUEST[c.key]!(c.caller, c.scope ?? 'in');
  if (!refusedWrite) chained = null;
  // sign in before the snapshot (a dev login is a read, but keep the window tight)
  if (c.caller !== 'anonymous' && c.caller !== 'anyone' && !req.token) await stack.api.token(req.as ?? fx.user[c.caller]);
  const before = refusedWrite ? (chained ?? (await tableState(stack))) : null;
  chained = null;
  const r = await send(c, req);
  const after = refusedWrite ? await tableState(stack) : null;
  chained = after;
  const where = `${label(c)}: got ${r.status} ${r.text.slice(0, 400)}`;
  if (c.expect === OK || c.expect === F) {
    expect.soft(r.status >= 200 && r.status < 300, where).toBe(true);
    if (c.expect === F && r.status >= 200 && r.status < 300) {
      const problems = FILTER[c.key]!(c.caller as Role, c.scope ?? 'in', (r.json?.items ?? []) as Item[]);
      expect.soft(problems, `${label(c)}: the list shows what the caller may not see`).toEqual([]);
    }
  } else if (c.expect === REFUSED) {
    expect.soft([403, 404], where).toContain(r.status);
  } else {
    expect.soft(r.status, where).toBe(c.expect);
  }
  if (!isSuccess(c.expect) && r.status >= 400) {
    // Open311 answers the spec's error list (XML, or JSON for .json paths) instead of API.md's body
    if (c.key.includes(' /open311/')) expect.soft(r.text, `${where} (the Open311 error list)`).toMatch(/<errors>\s*<error>\s*<code>\d{3}<\/code>|^\[\{"code":\d{3},"description":/);
    else expect.soft(r.json?.error?.code, `${where} (API.md error body)`).toMatch(/^[a-z][a-z0-9_]*$/);
  }
  if (before && after) expect(describeChange(before, after), `${label(c)}: a refused write must leave the table byte-identical`).toBe('no change');
}

// ---------------------------------------------------------------------------------------------
// Setup: the demo city's people, an admin of one street, reports in both streets
// ---------------------------------------------------------------------------------------------

async function toClosed(id: string, photo: Buffer) {
  await act(stack.api, id, WORKER, { action: 'accept' });
  await act(stack.api, id, WORKER, { action: 'dispatch', assigneeId: WORKER });
  await act(stack.api, id, WORKER, { action: 'start' });
  const after = await stack.api.uploadReady(WORKER, photo);
  await act(stack.api, id, WORKER, { action: 'resolve', note: '已清理完毕', photos: [after] });
  await act(stack.api, id, LEADER, { action: 'verify' });
  await act(stack.api, id, LEADER, { action: 'close' });
}

beforeAll(async () => {
  stack = await startTestStack();
  const { api } = stack;
  model = await AreaModel.load(api);
  // the seeded people, as the local stack lists them
  const seeded = new Map(((await api.get('/v1/dev/users')).json.items as Array<{ id: string; role: string; areaIds: string[] }>).map((u) => [u.id, u]));
  const pick = { resident: RESIDENT, grid_worker: WORKER, grid_leader: LEADER, police_officer: OFFICER, dispatcher: DISPATCHER } as const;
  for (const [role, id] of Object.entries(pick) as Array<[Role, string]>) {
    const u = seeded.get(id);
    if (!u || u.role !== role) throw new Error(`demo user ${id} is not a ${role}`);
    fx.user[role] = id;
    fx.areas[role] = u.areaIds;
  }
  // the street admin: created by the city admin, bound through WeChat with its invite code
  const streetAdmin = await createBoundStaff(api, 'u-admin', { name: '粤海街道管理员', role: 'admin', areaIds: [STREET_IN] }, 'o-matrix-street-admin');
  fx.user.admin = streetAdmin.id;
  fx.areas.admin = [STREET_IN];
  // preconditions of the layout: every staff caller covers the inside grid and not the outside one
  fx.user.volunteer = VOLUNTEER;
  fx.areas.volunteer = [];
  for (const role of ROLES.filter((r) => r !== 'resident' && r !== 'volunteer')) {
    if (!model.coversGrid(fx.areas[role], GRID_IN) || model.coversGrid(fx.areas[role], GRID_OUT)) throw new Error(`${role} ${fx.user[role]} (${fx.areas[role]}) does not fit the layout`);
  }
  if (!model.covers(STREET_IN, GRID_IN) || !model.covers(STREET_OUT, GRID_OUT)) throw new Error('layout: grids and streets');

  fx.locIn = await pointIn(api, GRID_IN);
  fx.locOut = await pointIn(api, GRID_OUT);
  const file = async (as: string, category: string, description: string, location: { lat: number; lng: number }) => {
    const r = await fileReport(api, as, { category, description, location, address: '示例小区 3 栋 2 单元' });
    if (as === RESIDENT) fx.mine.add(r.id);
    return r.id as string;
  };
  fx.A = await file(RESIDENT, 'fire_exit_blocked', '1 栋安全出口被锁', fx.locIn);
  fx.A2 = await file(RESIDENT2, 'fire_exit_blocked', '1 栋安全出口又被锁', fx.locIn);
  fx.AF = await file(RESIDENT2, 'fire_equipment', '2 栋灭火器过期', fx.locIn);
  fx.B = await file(RESIDENT2, 'fire_exit_blocked', '南头 5 栋消防通道堵塞', fx.locOut);
  fx.Cown = await file(RESIDENT, 'other', '3 栋楼道堆放纸箱', fx.locIn);
  fx.Cother = await file(RESIDENT2, 'other', '4 栋楼道堆放纸箱', fx.locIn);
  fx.FinDp = await file(RESIDENT3, 'dispute', '楼下有人聚众赌博（一）', fx.locIn);
  fx.FinAd = await file(RESIDENT3, 'dispute', '楼下有人聚众赌博（二）', fx.locIn);
  fx.Fout = await file(RESIDENT3, 'dispute', '南头有人聚众赌博', fx.locOut);
  fx.H = await file(RESIDENT2, 'fire_exit_blocked', '有人在楼道赌博，出口被堵', fx.locIn);
  const hide = await api.post(`/v1/admin/moderation/${fx.H}`, { decision: 'hide' }, 'u-admin');
  if (hide.status !== 200) throw new Error(`hide ${fx.H}: ${hide.status} ${hide.text}`);
  // the report is the grid worker's task (reveal-phone, remind)
  const held = await api.get(`/v1/reports/${fx.A}`, WORKER);
  if (held.json?.taskRole !== 'assignee') throw new Error(`report A is not the grid worker's: ${held.text.slice(0, 200)}`);
  const photo = await phonePhoto(320, 240);
  await toClosed(fx.Cown, photo);
  await toClosed(fx.Cother, photo);

  // uploads: each caller's own, and someone else's
  for (const role of ROLES) {
    const r = await api.post('/v1/uploads', { contentType: 'image/jpeg', size: 1000 }, fx.user[role]);
    fx.upload[role] = r.json.uploadId;
  }
  fx.upload.other = (await api.post('/v1/uploads', { contentType: 'image/jpeg', size: 1000 }, RESIDENT3)).json.uploadId;

  // staff accounts: one inside to edit; per role an account with a WeChat user, and a fresh invite to bind
  fx.patchTarget = (await api.post('/v1/admin/staff', { name: '矩阵 待改名', role: 'grid_worker', areaIds: ['gr-haizhu-03'] }, 'u-admin')).json.id;
  const invite = async () => (await api.post('/v1/admin/staff', { name: '矩阵 待绑定', role: 'grid_worker', areaIds: ['gr-haizhu-05'] }, 'u-admin')).json.inviteCode as string;
  const bindAs: Record<Exclude<Role, 'resident' | 'volunteer'>, string[]> = {
    grid_worker: ['gr-haizhu-04'],
    grid_leader: ['cm-haizhu'],
    police_officer: ['bt-gaoxin'],
    dispatcher: [STREET_IN],
    admin: [STREET_IN],
  };
  fx.bind.resident = { token: (await wechatLogin(api, 'o-matrix-bind-resident')).token, invite: await invite() };
  for (const [role, areaIds] of Object.entries(bindAs) as Array<[Exclude<Role, 'resident' | 'volunteer'>, string[]]>) {
    const s = await createBoundStaff(api, 'u-admin', { name: `矩阵 ${role}`, role, areaIds }, `o-matrix-bind-${role}`);
    fx.bind[role] = { token: s.token, invite: await invite() };
  }
  fx.spareInvite = await invite();
  // throwaway residents for the profile writes and the account deletion
  fx.profileToken = (await wechatLogin(api, 'o-matrix-profile')).token;
  fx.deletionToken = (await wechatLogin(api, 'o-matrix-deletion')).token;
  fx.refreshToken = (await api.post('/v1/auth/dev', { userId: RESIDENT3 })).json.refreshToken;
  fx.consentVersion = (await api.get('/v1/me', RESIDENT)).json.consent.current;
  fx.cityImport = toAreaImport(demoCity());
  fx.wgsIn = gcj02ToWgs84(fx.locIn);
  const issue = async (token: string | null, name: string) => {
    const r = await api.call('POST', '/v1/admin/apikeys', { body: { name }, ...(token ? { headers: bearer(token) } : { as: 'u-admin' }) });
    if (r.status !== 201) throw new Error(`POST /v1/admin/apikeys ${r.status} ${r.text}`);
    return r.json.id as string;
  };
  fx.keyIn = await issue(streetAdmin.token, '矩阵 街道对接');
  fx.hookKeyIn = await issue(streetAdmin.token, '矩阵 街道对接（webhook）');
  fx.keyOut = await issue(null, '矩阵 全市对接');
  const hook = async (apiKeyId: string) => (await api.post('/v1/admin/webhooks', { apiKeyId, url: 'http://127.0.0.1:9/matrix', events: ['updated'] }, 'u-admin')).json.id as string;
  fx.hookIn = await hook(fx.hookKeyIn);
  fx.hookOut = await hook(fx.keyOut);
  await setupResponders(api, rfx, { reportIn: fx.A, reportOut: fx.B, locIn: fx.locIn });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

// ---------------------------------------------------------------------------------------------

describe('the expectation table covers the route table', () => {
  it('has one row per deployed route, and no row for a route that does not exist', () => {
    const routes = deployed.map(keyOf).sort();
    expect(Object.keys(EXPECT).sort()).toEqual(routes);
    expect(Object.keys(REQUEST).sort()).toEqual(routes);
  });

  it('the rows that need no token are exactly the routes the table serves without one', () => {
    const open = Object.entries(EXPECT).filter(([, row]) => 'anyone' in row).map(([k]) => k).sort();
    expect(deployed.filter((r) => r.auth === 'none').map(keyOf).sort()).toEqual(open);
  });

  it('generates a cell for every route × role × inside/outside', () => {
    expect(CELLS.length).toBeGreaterThan(deployed.length * ROLES.length);
    for (const r of deployed) expect(CELLS.some((c) => c.key === keyOf(r)), keyOf(r)).toBe(true);
  });
});

describe('reads', () => {
  for (const c of CELLS.filter((x) => x.method === 'GET')) it(label(c), () => runCell(c));
});

describe('refused writes change nothing', () => {
  for (const c of CELLS.filter((x) => x.method !== 'GET' && !isSuccess(x.expect))) it(label(c), () => runCell(c));
});

describe('allowed writes', () => {
  for (const c of CELLS.filter((x) => x.method !== 'GET' && isSuccess(x.expect))) it(label(c), () => runCell(c));
});
