/**
 * 群防群治 (issue 16) over the public API on the local stack: applying and the community's
 * decision; positions only on duty, at most every 30 s; an assist offer reaching exactly the
 * nearest on-duty responders with the skill (checked against brute force), never an off-duty or
 * expired one; two accepting at once; widening when nobody accepts; arrival, done, the
 * requester's rating and the points ledger; what responders and residents see; the
 * recommendation; the measures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { DISPATCHER, GRID, LEADER, OTHER_LEADER, OTHER_WORKER, RESIDENT, RESIDENT3, WORKER, pointIn } from '../support/fixtures.ts';
import { expectError, fileReport } from '../support/checks.ts';

let stack: TestStack;
let api: TestStack['api'];
let reportId: string;
/** the report's place, WGS-84 as stored */
let place: { lat: number; lng: number };
const COMMUNITY = 'cm-kejiyuan';
const MIN = 60_000;

interface Placed {
  id: string;
  northM: number;
  eastM: number;
  skills: string[];
}

/** 20 responders around the place: every other one a firefighter (消防), the rest first aid (急救). */
const AROUND: Placed[] = Array.from({ length: 20 }, (_, i) => ({
  id: `u-vol-t${String(i + 1).padStart(2, '0')}`,
  // 35 m apart in a spiral-ish pattern, so distances are distinct and some lie beyond 500 m
  northM: Math.round(Math.cos(i * 2.4) * (60 + 38 * i)),
  eastM: Math.round(Math.sin(i * 2.4) * (60 + 38 * i)),
  skills: i % 2 === 0 ? ['消防'] : ['急救'],
}));
/** on duty with 消防, but off duty by the time of the offer; and one whose position is 16 minutes old */
const OFF_DUTY: Placed = { id: 'u-vol-toff', northM: 10, eastM: 5, skills: ['消防'] };
const EXPIRED: Placed = { id: 'u-vol-texp', northM: -8, eastM: 12, skills: ['消防'] };

const offset = (p: Placed) => ({ lat: place.lat + p.northM / 111_320, lng: place.lng + p.eastM / (111_320 * Math.cos((place.lat * Math.PI) / 180)) });

async function seedResponder(p: Placed) {
  const { putUser } = await import('../../functions/src/store/users.ts');
  const { volunteerPut } = await import('../../functions/src/store/responders.ts');
  const { transact } = await import('../../functions/src/store/tx.ts');
  const at = '2026-11-01T00:00:00.000Z';
  await putUser({ id: p.id, role: 'volunteer', name: `志愿者${p.id.slice(-2)}`, areaIds: [], active: true, duty: 'on_duty', openid: `o-${p.id}`, phone: null, consentVersion: '2026-11', createdAt: at });
  await transact([volunteerPut({ userId: p.id, communityId: COMMUNITY, kind: 'volunteer', skills: p.skills as never, name: `志愿者${p.id.slice(-2)}`, note: null, leaderboard: false, status: 'approved', appliedAt: at, decidedAt: at, decidedBy: LEADER, reason: null, version: 1 }, null)]);
}

async function share(p: Placed) {
  const r = await api.call('PUT', '/v1/me/position', { as: p.id, body: { ...offset(p), accuracy: 10, datum: 'wgs84' } });
  expect(r.status, r.text).toBe(200);
}

async function inboxOf(userId: string): Promise<any[]> {
  return (await api.get('/v1/inbox?limit=100', userId)).json.items;
}

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
  const report = await fileReport(api, RESIDENT, { category: 'ebike_charging', description: '楼道里张女士家门口有电动车充电', location: await pointIn(api, GRID) });
  reportId = report.id;
  expect(report.assignee?.name).toBeTruthy(); // routed straight to the grid's worker
  const { getReportRecord } = await import('../../functions/src/store/reports.ts');
  place = (await getReportRecord(reportId))!.location;
  for (const p of [...AROUND, OFF_DUTY, EXPIRED]) await seedResponder(p);
  for (const p of [...AROUND, OFF_DUTY]) await share(p);
  // an old position written as the phone would have sent it 16 minutes ago
  const { putPosition } = await import('../../functions/src/store/responders.ts');
  await putPosition({ userId: EXPIRED.id, name: 'x', kind: 'volunteer', skills: ['消防'] }, { ...offset(EXPIRED), accuracy: 10, at: new Date(Date.now() - 16 * MIN).toISOString() }, null);
  const off = await api.call('PUT', '/v1/me/duty', { as: OFF_DUTY.id, body: { state: 'off_duty' } });
  expect(off.status).toBe(200);
}, 120_000);
afterAll(async () => stack?.stop());

/** Brute force: the n nearest of `pool` with the skill within the radius, from the same positions. */
async function bruteForce(pool: readonly Placed[], skill: string, radiusM: number, n: number, exclude: ReadonlySet<string> = new Set()): Promise<string[]> {
  const { distanceMeters } = await import('../../functions/src/geo/datum.ts');
  return pool
    .filter((p) => p.skills.includes(skill) && !exclude.has(p.id))
    .map((p) => ({ id: p.id, d: Math.round(distanceMeters(place, offset(p))) }))
    .filter((x) => x.d <= radiusM)
    .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1))
    .slice(0, n)
    .map((x) => x.id);
}

describe('applying to a community', () => {
  it('a resident applies; only the community’s supervisors decide, a decline needs a reason, approval makes them a responder', async () => {
    const applied = await api.post('/v1/volunteers/apply', { communityId: COMMUNITY, kind: 'guard', skills: ['巡逻'], name: '王保安', note: '小区保安，夜班' }, RESIDENT3);
    expect(applied.status, applied.text).toBe(201);
    expect(applied.json).toMatchObject({ status: 'pending', kind: 'guard', kindName: '保安员' });
    expectError(await api.post('/v1/volunteers/apply', { communityId: COMMUNITY, kind: 'guard', skills: [], name: '王保安' }, RESIDENT3), 409, 'already_applied');
    expectError(await api.post('/v1/volunteers/apply', { communityId: 'cm-nope', kind: 'guard', skills: [], name: 'x' }, RESIDENT), 400, 'invalid_input');
    expectError(await api.post('/v1/volunteers/apply', { communityId: COMMUNITY, kind: 'guard', skills: ['飞行'], name: 'x' }, RESIDENT), 400, 'invalid_input');

    const pending = await api.get(`/v1/volunteers?communityId=${COMMUNITY}&status=pending`, LEADER);
    expect(pending.json.items.map((v: { userId: string }) => v.userId)).toContain(RESIDENT3);
    expectError(await api.get(`/v1/volunteers?communityId=${COMMUNITY}`, OTHER_LEADER), 403, 'forbidden');
    expectError(await api.post(`/v1/volunteers/${RESIDENT3}/decision`, { decision: 'approve' }, WORKER), 403, 'forbidden');
    expectError(await api.post(`/v1/volunteers/${RESIDENT3}/decision`, { decision: 'approve' }, OTHER_LEADER), 403, 'forbidden');
    expectError(await api.post(`/v1/volunteers/${RESIDENT3}/decision`, { decision: 'decline' }, LEADER), 400, 'invalid_input');
    expect((await api.get('/v1/me', RESIDENT3)).json.role).toBe('resident');

    const approved = await api.post(`/v1/volunteers/${RESIDENT3}/decision`, { decision: 'approve' }, LEADER);
    expect(approved.status, approved.text).toBe(200);
    const me = (await api.get('/v1/me', RESIDENT3)).json;
    expect(me).toMatchObject({ role: 'volunteer', responder: { status: 'approved', kind: 'guard', communityId: COMMUNITY } });
    // still a resident for their own reports
    const own = await api.post('/v1/reports', { category: 'fire_equipment', description: '灭火器过期', location: await pointIn(api, GRID) }, RESIDENT3);
    expect(own.status, own.text).toBe(201);
    expectError(await api.post(`/v1/volunteers/${RESIDENT3}/decision`, { decision: 'approve' }, LEADER), 409, 'invalid_transition');
  });
});

describe('positions', () => {
  it('only a responder on duty shares one, at most every 30 s', async () => {
    expectError(await api.call('PUT', '/v1/me/position', { as: RESIDENT, body: { lat: 22.5, lng: 113.9, accuracy: 5 } }), 403, 'forbidden');
    expectError(await api.call('PUT', '/v1/me/position', { as: OFF_DUTY.id, body: { lat: 22.5, lng: 113.9, accuracy: 5 } }), 409, 'invalid_transition');
    const again = await api.call('PUT', '/v1/me/position', { as: AROUND[0]!.id, body: { ...offset(AROUND[0]!), accuracy: 10, datum: 'wgs84' } });
    expectError(again, 429, 'rate_limited');
    expectError(await api.call('PUT', '/v1/me/position', { as: AROUND[0]!.id, body: { lat: 91, lng: 113.9, accuracy: 5 } }), 400, 'invalid_input');
  });

  it('going off duty removes the position at once', async () => {
    const { getPosition } = await import('../../functions/src/store/responders.ts');
    expect(await getPosition(OFF_DUTY.id)).toBeNull();
  });
});

describe('an assist offer', () => {
  let firstAssist: any;

  it('reaches exactly the 3 nearest on duty with the skill (brute force), never an off-duty or expired one', async () => {
    expectError(await api.post(`/v1/reports/${reportId}/assists`, { need: '帮忙搬离电动车' }, OTHER_WORKER), 403, 'forbidden');
    expectError(await api.post(`/v1/reports/${reportId}/assists`, { need: '帮忙搬离电动车' }, RESIDENT), 403, 'forbidden');
    expectError(await api.post(`/v1/reports/${reportId}/assists`, { need: '', skills: ['消防'] }, WORKER), 400, 'invalid_input');
    const r = await api.post(`/v1/reports/${reportId}/assists`, { need: '协助劝导住户将电动车移出楼道', skills: ['消防'] }, WORKER);
    expect(r.status, r.text).toBe(201);
    firstAssist = r.json;
    const offered = r.json.offers.map((o: { volunteerId: string }) => o.volunteerId);
    expect(offered).toEqual(await bruteForce(AROUND, '消防', 500, 3));
    expect(offered).not.toContain(OFF_DUTY.id);
    expect(offered).not.toContain(EXPIRED.id);
    expect(r.json.offers.map((o: { distanceM: number }) => o.distanceM)).toEqual([...r.json.offers.map((o: { distanceM: number }) => o.distanceM)].sort((a, b) => a - b));

    await stack.drainStream();
    for (const id of offered) {
      const items = await inboxOf(id);
      expect(items.filter((i) => i.kind === 'assist.offer'), id).toHaveLength(1);
    }
    for (const p of [...AROUND.filter((x) => !offered.includes(x.id)), OFF_DUTY, EXPIRED]) {
      expect((await inboxOf(p.id)).filter((i) => i.kind === 'assist.offer'), p.id).toHaveLength(0);
    }
  });

  it('shows a responder nothing of the reporter', async () => {
    const who = firstAssist.offers[0].volunteerId;
    const list = await api.get('/v1/assists?state=offered', who);
    expect(list.status).toBe(200);
    expect(list.json.items).toHaveLength(1);
    expect(list.json.items[0]).toMatchObject({ id: firstAssist.id, need: '协助劝导住户将电动车移出楼道', state: 'offered', photos: [] });
    const text = JSON.stringify(list.json) + JSON.stringify((await api.get(`/v1/assists/${firstAssist.id}`, who)).json);
    for (const secret of ['张女士', 'u-res-zhang', '13800138001', '楼道里张女士家门口', 'reporter', 'phone', 'description']) expect(text).not.toContain(secret);
    expectError(await api.get(`/v1/reports/${reportId}`, who), 403, 'forbidden');
    // someone not offered it cannot see it
    const outsider = AROUND.find((p) => !firstAssist.offers.some((o: { volunteerId: string }) => o.volunteerId === p.id))!.id;
    expectError(await api.get(`/v1/assists/${firstAssist.id}`, outsider), 404, 'not_found');
    expectError(await api.post(`/v1/assists/${firstAssist.id}/accept`, {}, outsider), 403, 'forbidden');
  });

  it('two accepting at once with count 1: one 200, one 409 assist_taken; the third hears 已有人接单', async () => {
    const [a, b, c] = firstAssist.offers.map((o: { volunteerId: string }) => o.volunteerId);
    const results = await Promise.all([api.post(`/v1/assists/${firstAssist.id}/accept`, {}, a), api.post(`/v1/assists/${firstAssist.id}/accept`, {}, b)]);
    expect(results.map((x) => x.status).sort()).toEqual([200, 409]);
    const lost = results.find((x) => x.status === 409)!;
    expectError(lost, 409, 'assist_taken');
    expectError(await api.post(`/v1/assists/${firstAssist.id}/accept`, {}, c), 409, 'assist_taken');
    await stack.drainStream();
    expect((await inboxOf(c)).some((i) => i.title === '已有人接单')).toBe(true);
    const winner = results[0]!.status === 200 ? a : b;
    expect((await inboxOf(WORKER)).some((i) => i.kind === 'assist.accepted' && i.title.includes('已接单'))).toBe(true);
    firstAssist.winner = winner;
    const view = (await api.get(`/v1/assists/${firstAssist.id}`, WORKER)).json;
    expect(view).toMatchObject({ state: 'filled', accepted: 1 });
    expect(view.offers.find((o: { volunteerId: string }) => o.volunteerId === winner).state).toBe('accepted');
  });

  it('arrives only within 200 m, finishes, and is rated by the requester only; the ledger equals the rated assists', async () => {
    const winner: string = firstAssist.winner;
    const far = { lat: place.lat + 0.01, lng: place.lng, accuracy: 10, datum: 'wgs84' };
    expectError(await api.post(`/v1/assists/${firstAssist.id}/arrive`, far, winner), 400, 'invalid_input');
    expectError(await api.post(`/v1/assists/${firstAssist.id}/done`, { note: '已完成' }, winner), 409, 'invalid_transition');
    const arrived = await api.post(`/v1/assists/${firstAssist.id}/arrive`, { ...place, accuracy: 15, datum: 'wgs84' }, winner);
    expect(arrived.status, arrived.text).toBe(200);
    expectError(await api.post(`/v1/assists/${firstAssist.id}/rating`, { score: 5 }, WORKER), 400, 'invalid_input'); // nobody done yet
    const done = await api.post(`/v1/assists/${firstAssist.id}/done`, { note: '已协助住户把电动车推到集中充电点' }, winner);
    expect(done.status, done.text).toBe(200);

    for (const who of [LEADER, DISPATCHER, OTHER_WORKER]) expectError(await api.post(`/v1/assists/${firstAssist.id}/rating`, { score: 1 }, who), 403, 'forbidden');
    expectError(await api.post(`/v1/assists/${firstAssist.id}/rating`, { score: 5 }, winner), 403, 'forbidden');
    expectError(await api.post(`/v1/assists/${firstAssist.id}/rating`, { score: 6 }, WORKER), 400, 'invalid_input');
    const rated = await api.post(`/v1/assists/${firstAssist.id}/rating`, { score: 4, comment: '很及时' }, WORKER);
    expect(rated.status, rated.text).toBe(200);
    expectError(await api.post(`/v1/assists/${firstAssist.id}/rating`, { score: 5 }, WORKER), 409, 'already_rated');

    const { earnings } = await import('../../functions/src/domain/responders.ts');
    const offer = (await api.get(`/v1/assists/${firstAssist.id}`, winner)).json;
    const expected = earnings(4, offer.acceptedAt, offer.doneAt);
    const points = (await api.get('/v1/me/points', winner)).json;
    expect(points.items).toHaveLength(1);
    expect(points).toMatchObject({ total: expected.points, hours: expected.hours });
    expect(points.items[0]).toMatchObject({ assistId: firstAssist.id, points: expected.points });
    expect((await api.get('/v1/me/points', firstAssist.offers.find((o: any) => o.volunteerId !== winner).volunteerId)).json.total).toBe(0);
  });

  it('lists the report’s assists for its staff only', async () => {
    const r = await api.get(`/v1/reports/${reportId}/assists`, LEADER);
    expect(r.status, r.text).toBe(200);
    expect(r.json.items[0]).toMatchObject({ id: firstAssist.id, state: 'filled', accepted: 1 });
    expect(r.json.items[0].offers.find((o: { volunteerId: string }) => o.volunteerId === firstAssist.winner)).toMatchObject({ state: 'rated', rating: { score: 4 } });
    expectError(await api.get(`/v1/reports/${reportId}/assists`, OTHER_WORKER), 403, 'forbidden');
    expectError(await api.get(`/v1/reports/${reportId}/assists`, firstAssist.winner), 403, 'forbidden');
  });

  it('shows the resident the help by kind, never a name', async () => {
    const view = (await api.get(`/v1/reports/${reportId}`, RESIDENT)).json;
    const notes = view.timeline.map((e: { note: string | null }) => e.note);
    expect(notes).toContain('平安志愿者 已到场协助');
    expect(notes).toContain('平安志愿者 已接单');
    expect(JSON.stringify(view.timeline)).not.toMatch(/志愿者\d\d|t\d\d/);
    const staffView = (await api.get(`/v1/reports/${reportId}`, WORKER)).json;
    expect(staffView.timeline.some((e: { action: string; actor: { name: string } | null }) => e.action === 'assist_arrived' && /志愿者\d\d/.test(e.actor?.name ?? ''))).toBe(true);
  });
});

describe('widening', () => {
  it('nobody accepting: after 3 minutes the offer widens to 1 km and the next 3, and the requester is told', async () => {
    const r = await api.post(`/v1/reports/${reportId}/assists`, { need: '需要急救员到场', skills: ['急救'] }, WORKER);
    expect(r.status, r.text).toBe(201);
    const first = r.json.offers.map((o: { volunteerId: string }) => o.volunteerId);
    expect(first).toEqual(await bruteForce(AROUND, '急救', 500, 3));
    const { handler: widen } = await import('../../functions/src/events/assists.ts');
    expect((await widen(new Date(Date.now() + 2 * MIN))).widened).toBe(0); // not yet
    expect((await widen(new Date(Date.now() + 3 * MIN + 5_000))).widened).toBe(1);
    const view = (await api.get(`/v1/assists/${r.json.id}`, WORKER)).json;
    expect(view.round).toBe(2);
    const second = view.offers.filter((o: { round: number }) => o.round === 2).map((o: { volunteerId: string }) => o.volunteerId);
    expect(second).toEqual(await bruteForce(AROUND, '急救', 1000, 3, new Set(first)));
    expect(second.length).toBeGreaterThan(0);
    await stack.drainStream();
    expect((await inboxOf(WORKER)).some((i) => i.title.startsWith('无人接单，已扩大到 1000 米'))).toBe(true);
    // a second run at the same moment widens nothing again
    expect((await widen(new Date(Date.now() + 3 * MIN + 6_000))).widened).toBe(0);
    // round 3: the next 3 at 1 km; then the rounds are over: unanswered, and the offers still waiting expire
    expect((await widen(new Date(Date.now() + 6 * MIN + 15_000))).widened).toBe(1);
    expect((await widen(new Date(Date.now() + 9 * MIN + 30_000))).widened).toBe(1);
    const over = (await api.get(`/v1/assists/${r.json.id}`, WORKER)).json;
    expect(over).toMatchObject({ state: 'unanswered', round: 3 });
    expect(over.offers.every((o: { state: string }) => o.state === 'expired')).toBe(true);
    expectError(await api.post(`/v1/assists/${r.json.id}/accept`, {}, first[0]), 409, 'assist_taken');
    const done = (await api.get('/v1/assists?state=done', first[0])).json.items;
    expect(done.find((o: { id: string }) => o.id === r.json.id)).toMatchObject({ state: 'expired' });
    expect((await api.get('/v1/assists?state=offered', first[0])).json.items.some((o: { id: string }) => o.id === r.json.id)).toBe(false);
  });

  it('nobody anywhere: the assist ends unanswered and the requester is told', async () => {
    const r = await api.post(`/v1/reports/${reportId}/assists`, { need: '需要电工', skills: ['电工'] }, WORKER);
    expect(r.status, r.text).toBe(201);
    expect(r.json).toMatchObject({ state: 'unanswered', offers: [] });
    await stack.drainStream();
    expect((await inboxOf(WORKER)).some((i) => i.kind === 'assist.unanswered')).toBe(true);
  });
});

describe('recommendation', () => {
  it('ranks staff and responders with reasons, for the report’s handlers only', async () => {
    const r = await api.get(`/v1/reports/${reportId}/recommendations`, WORKER);
    expect(r.status, r.text).toBe(200);
    const items = r.json.items as Array<{ userId: string; kind: string; reason: string; score: number }>;
    expect(items.some((c) => c.kind === 'staff' && c.userId === WORKER && c.reason.startsWith('本网格'))).toBe(true);
    const responder = items.find((c) => c.kind === 'responder')!;
    expect(responder.reason).toMatch(/^距离 \d+ 米 · (擅长.+ · )?当前 \d+ 件在办$/);
    expect(items.map((c) => c.score)).toEqual([...items.map((c) => c.score)].sort((a, b) => b - a));
    expect(items.some((c) => c.userId === OFF_DUTY.id || c.userId === EXPIRED.id)).toBe(false);
    expectError(await api.get(`/v1/reports/${reportId}/recommendations`, OTHER_WORKER), 403, 'forbidden');
    expectError(await api.get(`/v1/reports/${reportId}/recommendations`, RESIDENT), 403, 'forbidden');
  });

  it('position reads are on the audit record', async () => {
    const audit = await api.get(`/v1/audit?reportId=${reportId}&limit=100`, 'u-admin');
    const reads = audit.json.items.filter((e: { detail: string }) => e.detail.startsWith('responder.positions'));
    expect(reads.length).toBeGreaterThanOrEqual(4);
  });
});

describe('measures', () => {
  it('counts offers, accepts, arrivals, ratings and the roll per community and pool', async () => {
    await stack.drainStream();
    const r = await api.get(`/v1/stats?areaId=${COMMUNITY}`, LEADER);
    expect(r.status, r.text).toBe(200);
    const a = r.json.area.assists;
    expect(a).toMatchObject({ offers: 12, accepted: 1, arrived: 1, done: 1, ratings: 1, ratingAverage: 4 }); // 3 + 3 × 3 rounds
    expect(a.acceptanceRate).toBeCloseTo(1 / 12, 4);
    // 3 demo responders, the 22 seeded here and the resident approved above
    expect(a.responders).toBe(26);
    expect(a.pools.guard.responders).toBe(2);
    expect(a.pools.volunteer).toMatchObject({ offers: 12, accepted: 1, done: 1 });
    expect(a.medianAcceptSeconds).toBeGreaterThanOrEqual(0);
  });
});

describe('an admin invites a responder', () => {
  it('creates an approved responder of one community with an invite code, as for staff', async () => {
    const r = await api.post('/v1/admin/staff', { name: '周物业', role: 'volunteer', areaIds: [COMMUNITY], responder: { kind: 'property', skills: ['电工'] } }, 'u-admin');
    expect(r.status, r.text).toBe(201);
    expect(r.json).toMatchObject({ role: 'volunteer', areaIds: [] });
    expect(r.json.inviteCode).toMatch(/\S{6,}/);
    const approved = (await api.get(`/v1/volunteers?communityId=${COMMUNITY}&status=approved`, LEADER)).json.items;
    expect(approved.find((v: { userId: string }) => v.userId === r.json.id)).toMatchObject({ kind: 'property', skills: ['电工'], status: 'approved' });
    // a responder belongs to one community, and says what kind they are
    expectError(await api.post('/v1/admin/staff', { name: 'x', role: 'volunteer', areaIds: [GRID], responder: { kind: 'guard', skills: [] } }, 'u-admin'), 400, 'invalid_input');
    expectError(await api.post('/v1/admin/staff', { name: 'x', role: 'volunteer', areaIds: [COMMUNITY] }, 'u-admin'), 400, 'invalid_input');
    expectError(await api.post('/v1/admin/staff', { name: 'x', role: 'grid_worker', areaIds: [GRID], responder: { kind: 'guard', skills: [] } }, 'u-admin'), 400, 'invalid_input');
    // and is never a staff member an admin edits or routing finds
    expectError(await api.call('PATCH', `/v1/admin/staff/${r.json.id}`, { as: 'u-admin', body: { name: '改名' } }), 404, 'not_found');
    const staff = await api.get(`/v1/staff?areaId=${COMMUNITY}`, LEADER);
    expect(staff.json.items.some((s: { id: string }) => s.id === r.json.id)).toBe(false);
  });
});
