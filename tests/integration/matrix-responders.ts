/**
 * The authorisation matrix's rows for community responders (群防群治, issue 16), their requests
 * and the fixtures they need: applications waiting in both streets, one responder of 科技园社区 on
 * duty with a position, and assists on the inside report in each state a step needs (offered to
 * accept, offered to decline, accepted to arrive, arrived to finish, finished to rate) plus one on
 * the outside report. Expectations from API.md's table and PRODUCT.md "Community responders".
 */
import type { Api } from '../support/stack.ts';
import { bearer, wechatLogin } from '../support/rights.ts';

/** the demo responder the matrix calls as */
export const VOLUNTEER = 'u-vol-kejiyuan-1';
const WORKER = 'u-gw-kejiyuan-01';
const OTHER_WORKER = 'u-gw-tongle-05';
const COMMUNITY_IN = 'cm-kejiyuan';
const COMMUNITY_OUT = 'cm-tongle';

export interface ResponderFixtures {
  /** per deciding role: a pending application in 科技园社区 (inside); one in 同乐社区 (outside) */
  pendingIn: Record<string, string>;
  pendingOut: string;
  assistAccept: string;
  assistDecline: string;
  assistArrive: string;
  assistDone: string;
  assistRate: string;
  /** on the outside report, requested by its own worker: offered to nobody of the matrix */
  assistOut: string;
  reportIn: string;
  reportOut: string;
  locIn: { lat: number; lng: number };
}

type Outcome = 'ok' | 'filtered' | 'refused' | 401 | 403 | 404 | 409;
type Cell = Outcome | { in: Outcome; out: Outcome };
interface Helpers<Row> {
  by: (resident: Cell, grid_worker: Cell, grid_leader: Cell, police_officer: Cell, dispatcher: Cell, admin: Cell, volunteer?: Cell) => Row;
  io: (inside: Outcome, outside: Outcome) => Cell;
  everyone: (c: Cell, volunteer?: Cell) => Row;
  OK: 'ok';
  REFUSED: 'refused';
}

//                                                                resident grid_worker   grid_leader  police_officer dispatcher  admin        volunteer
export function responderRows<Row>({ by, io, everyone, OK }: Helpers<Row>): Record<string, Row> {
  // the officer's beat (南山大道) polices gr-tongle-01 of 同乐社区 too: both communities are theirs
  const supervisors = by(403, 403, io(OK, 403), OK, io(OK, 403), io(OK, 403), 403);
  return {
    // residents apply to any community; a responder already is one
    'POST /v1/volunteers/apply': by(OK, 403, 403, 403, 403, 403, 409),
    // the community's grid leader, the officer of a beat policing its grids, the centre, admins above it
    'GET /v1/volunteers': supervisors,
    'POST /v1/volunteers/{id}/decision': supervisors,
    'GET /v1/volunteers/leaderboard': everyone(OK, OK),
    // only a responder on duty has a position to share
    'PUT /v1/me/position': by(403, 403, 403, 403, 403, 403, OK),
    'GET /v1/me/points': by(OK, 403, 403, 403, 403, 403, OK),
    'GET /v1/admin/responders': by(403, 403, 403, 403, 403, OK, 403),
    // the matching rules are the whole city's: not for an admin of one street
    'PUT /v1/admin/responders': everyone(403, 403),
    // the holder of the report (the grid worker), the staff above it in its areas, the centre
    'POST /v1/reports/{id}/assists': by(403, io(OK, 403), io(OK, 403), io(OK, 403), io(OK, 403), io(OK, 403), 403),
    'GET /v1/reports/{id}/assists': by(403, io(OK, 403), io(OK, 403), io(OK, 403), io(OK, 403), io(OK, 403), 403),
    'GET /v1/reports/{id}/recommendations': by(403, io(OK, 403), io(OK, 403), io(OK, 403), io(OK, 403), io(OK, 403), 403),
    'GET /v1/assists': by(403, 403, 403, 403, 403, 403, OK),
    // the responder it was offered to; the report's staff. inside: an assist on the inside report offered to the responder
    'GET /v1/assists/{id}': by(403, io(OK, 403), io(OK, 403), io(OK, 403), io(OK, 403), io(OK, 403), io(OK, 404)),
    'POST /v1/assists/{id}/accept': by(403, 403, 403, 403, 403, 403, io(OK, 403)),
    'POST /v1/assists/{id}/decline': by(403, 403, 403, 403, 403, 403, io(OK, 403)),
    'POST /v1/assists/{id}/arrive': by(403, 403, 403, 403, 403, 403, io(OK, 403)),
    'POST /v1/assists/{id}/done': by(403, 403, 403, 403, 403, 403, io(OK, 403)),
    // only the requester (the grid worker asked for the inside one)
    'POST /v1/assists/{id}/rating': by(403, io(OK, 403), 403, 403, 403, 403, 403),
  };
}

type Req = { path: string; body?: unknown };
type Caller = string;

export function responderRequests(r: ResponderFixtures, _fx: () => unknown): Record<string, (caller: Caller, scope: 'in' | 'out') => Req> {
  const assist = (inside: string, s: 'in' | 'out') => (s === 'in' ? inside : r.assistOut);
  return {
    'POST /v1/volunteers/apply': () => ({ path: '/v1/volunteers/apply', body: { communityId: COMMUNITY_IN, kind: 'volunteer', skills: ['急救'], name: '矩阵 申请人' } }),
    'GET /v1/volunteers': (_c, s) => ({ path: `/v1/volunteers?communityId=${s === 'in' ? COMMUNITY_IN : COMMUNITY_OUT}&status=pending` }),
    'POST /v1/volunteers/{id}/decision': (c, s) => ({ path: `/v1/volunteers/${s === 'in' ? (r.pendingIn[c] ?? r.pendingOut) : r.pendingOut}/decision`, body: { decision: 'decline', reason: '矩阵测试' } }),
    'GET /v1/volunteers/leaderboard': () => ({ path: `/v1/volunteers/leaderboard?communityId=${COMMUNITY_IN}` }),
    'PUT /v1/me/position': () => ({ path: '/v1/me/position', body: { ...r.locIn, accuracy: 10 } }),
    'GET /v1/me/points': () => ({ path: '/v1/me/points' }),
    'GET /v1/admin/responders': () => ({ path: '/v1/admin/responders' }),
    'PUT /v1/admin/responders': () => ({
      path: '/v1/admin/responders',
      body: { weights: { distance: 0.6, skill: 0.2, load: 0.2 }, maxDistanceM: 2000, categorySkills: { fire_exit_blocked: ['消防'] }, offersPerDay: 8, expectedVersion: 0 },
    }),
    'POST /v1/reports/{id}/assists': (_c, s) => ({ path: `/v1/reports/${s === 'in' ? r.reportIn : r.reportOut}/assists`, body: { need: '矩阵测试：协助疏通通道' } }),
    'GET /v1/reports/{id}/assists': (_c, s) => ({ path: `/v1/reports/${s === 'in' ? r.reportIn : r.reportOut}/assists` }),
    'GET /v1/reports/{id}/recommendations': (_c, s) => ({ path: `/v1/reports/${s === 'in' ? r.reportIn : r.reportOut}/recommendations` }),
    'GET /v1/assists': () => ({ path: '/v1/assists?state=offered' }),
    'GET /v1/assists/{id}': (_c, s) => ({ path: `/v1/assists/${assist(r.assistAccept, s)}` }),
    'POST /v1/assists/{id}/accept': (_c, s) => ({ path: `/v1/assists/${assist(r.assistAccept, s)}/accept`, body: {} }),
    'POST /v1/assists/{id}/decline': (_c, s) => ({ path: `/v1/assists/${assist(r.assistDecline, s)}/decline`, body: { reason: '矩阵测试' } }),
    'POST /v1/assists/{id}/arrive': (_c, s) => ({ path: `/v1/assists/${assist(r.assistArrive, s)}/arrive`, body: { ...r.locIn, accuracy: 10 } }),
    'POST /v1/assists/{id}/done': (_c, s) => ({ path: `/v1/assists/${assist(r.assistDone, s)}/done`, body: { note: '矩阵测试：已协助' } }),
    'POST /v1/assists/{id}/rating': (_c, s) => ({ path: `/v1/assists/${assist(r.assistRate, s)}/rating`, body: { score: 5 } }),
  };
}

async function ok(res: { status: number; text: string; json: any }, what: string): Promise<any> {
  if (res.status < 200 || res.status >= 300) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.json;
}

export async function setupResponders(api: Api, r: ResponderFixtures, at: { reportIn: string; reportOut: string; locIn: { lat: number; lng: number } }): Promise<void> {
  Object.assign(r, at, { pendingIn: {} });
  // applications: one per deciding role inside, one outside
  for (const [role, community] of [['grid_leader', COMMUNITY_IN], ['police_officer', COMMUNITY_IN], ['dispatcher', COMMUNITY_IN], ['admin', COMMUNITY_IN], ['out', COMMUNITY_OUT]] as const) {
    const login = await wechatLogin(api, `o-matrix-applicant-${role}`);
    await ok(await api.call('POST', '/v1/volunteers/apply', { headers: bearer(login.token), body: { communityId: community, kind: 'guard', skills: ['巡逻'], name: `矩阵 ${role}` } }), `apply ${role}`);
    if (role === 'out') r.pendingOut = login.user.id;
    else r.pendingIn[role] = login.user.id;
  }
  // the responder's position, as their phone sent it 40 s ago (the matrix's own PUT comes later, past the 30 s)
  const { putPosition } = await import('../../functions/src/store/responders.ts');
  const { toWgs84 } = await import('../../functions/src/geo/datum.ts');
  await putPosition({ userId: VOLUNTEER, name: '赵志愿', kind: 'volunteer', skills: ['消防', '急救'] }, { ...toWgs84(at.locIn, 'gcj02'), accuracy: 10, at: new Date(Date.now() - 40_000).toISOString() }, null);
  const ask = async () => {
    const a = await ok(await api.post(`/v1/reports/${at.reportIn}/assists`, { need: '矩阵测试：协助' }, WORKER), 'assist');
    if (!a.offers.some((o: { volunteerId: string }) => o.volunteerId === VOLUNTEER)) throw new Error(`assist ${a.id} was not offered to ${VOLUNTEER}`);
    return a.id as string;
  };
  const step = async (id: string, what: string, body: unknown = {}) => ok(await api.post(`/v1/assists/${id}/${what}`, body, VOLUNTEER), `${what} ${id}`);
  r.assistAccept = await ask();
  r.assistDecline = await ask();
  r.assistArrive = await ask();
  await step(r.assistArrive, 'accept');
  r.assistDone = await ask();
  await step(r.assistDone, 'accept');
  await step(r.assistDone, 'arrive', { ...at.locIn, accuracy: 10 });
  r.assistRate = await ask();
  await step(r.assistRate, 'accept');
  await step(r.assistRate, 'arrive', { ...at.locIn, accuracy: 10 });
  await step(r.assistRate, 'done', { note: '矩阵测试' });
  r.assistOut = (await ok(await api.post(`/v1/reports/${at.reportOut}/assists`, { need: '矩阵测试：外区协助' }, OTHER_WORKER), 'assist outside')).id;
}
