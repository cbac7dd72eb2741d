/**
 * Who may see and do what, over the public API: staff outside a report's areas learn and change
 * nothing whatever their role; residents see only their own and followed reports; tokens are
 * checked properly; inside the area the transition table decides (403 for the wrong party,
 * 409 for the wrong state); uploads belong to their owner and are used once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { startTestStack, type TestStack } from '../support/stack.ts';
import {
  phonePhoto, pointIn, RESIDENT, RESIDENT2, RESIDENT3, GRID, WORKER, LEADER, OFFICER, OFFICER2, DISPATCHER,
  OTHER_WORKER, OTHER_LEADER, OTHER_DISPATCHER,
} from '../support/fixtures.ts';
import { fingerprint, rawReport, scanAll } from '../support/table.ts';
import { act, expectError, fileReport, stateOf } from '../support/checks.ts';

let stack: TestStack;
let location: { lat: number; lng: number };
let photo: Buffer;
/** R1 reported, MERGE_TARGET reported (same category), R2 resolved, R3 closed, R4 in progress; RP police-led, resolved by OFFICER */
const R: Record<'R1' | 'MERGE_TARGET' | 'R2' | 'R3' | 'R4' | 'RP', string> = {} as never;
/** a ready upload of each outsider, so their resolve attempts carry real photos */
const outsiderPhoto: Record<string, string> = {};

const OUTSIDERS = [OTHER_WORKER, OTHER_LEADER, OTHER_DISPATCHER];
const ACTIONS = ['accept', 'reject', 'merge', 'dispatch', 'start', 'resolve', 'hand_back', 'transfer', 'verify', 'rework', 'close', 'remind'] as const;

/** Plausible bodies for every action, as the app would send them. */
function bodiesFor(action: (typeof ACTIONS)[number], as: string): Record<string, unknown>[] {
  switch (action) {
    case 'reject':
      return [{ action, reason: '不属于安全隐患' }];
    case 'merge':
      return [{ action, mergeInto: R.MERGE_TARGET }];
    case 'dispatch':
      return [{ action, assigneeId: as }, { action, assigneeId: WORKER }];
    case 'resolve':
      return [{ action, note: '已处理完毕', photos: outsiderPhoto[as] ? [outsiderPhoto[as]] : [] }];
    case 'hand_back':
    case 'transfer':
    case 'rework':
      return [{ action, reason: '需要重新处理', note: '说明' }];
    default:
      return [{ action }, { action, note: '附言' }];
  }
}

async function settled() {
  await stack.drainStream();
  return fingerprint(await scanAll());
}

async function residentView(id: string, as = RESIDENT) {
  const r = await stack.api.get(`/v1/reports/${id}`, as);
  expect(r.status, r.text).toBe(200);
  return stateOf(r.json);
}

async function toInProgress(id: string, handler = WORKER) {
  await act(stack.api, id, handler, { action: 'accept' });
  await act(stack.api, id, handler, { action: 'dispatch', assigneeId: handler });
  await act(stack.api, id, handler, { action: 'start' });
}

async function toResolved(id: string, handler = WORKER) {
  await toInProgress(id, handler);
  const after = await stack.api.uploadReady(handler, photo);
  await act(stack.api, id, handler, { action: 'resolve', note: '已清理完毕', photos: [after] });
}

beforeAll(async () => {
  stack = await startTestStack();
  const { api } = stack;
  location = await pointIn(api, GRID);
  photo = await phonePhoto(320, 240);
  const file = (description: string, category = 'fire_exit_blocked') => fileReport(api, RESIDENT, { category, description, location }).then((r) => r.id as string);
  R.R1 = await file('1 栋安全出口被锁');
  R.MERGE_TARGET = await file('1 栋安全出口被锁（重复）');
  R.R2 = await file('2 栋消防通道堆放杂物');
  R.R3 = await file('3 栋消防通道停放汽车');
  R.R4 = await file('4 栋楼梯间堆放纸箱');
  R.RP = await file('地下车库可疑车辆', 'public_security');
  await toResolved(R.R2);
  await toResolved(R.R3);
  await act(api, R.R3, LEADER, { action: 'verify' });
  await act(api, R.R3, LEADER, { action: 'close' });
  await toInProgress(R.R4);
  await toResolved(R.RP, OFFICER);
  for (const o of OUTSIDERS) outsiderPhoto[o] = await api.uploadReady(o, photo);
});
afterAll(async () => {
  await stack?.stop();
});

describe('staff outside the report’s areas', () => {
  it('the in-area staff do see the reports (the control for the 403s below)', async () => {
    for (const id of Object.values(R)) {
      for (const who of [WORKER, LEADER, DISPATCHER, OFFICER]) {
        const r = await stack.api.get(`/v1/reports/${id}`, who);
        expect(r.status, `${who} ${id}: ${r.text}`).toBe(200);
      }
    }
  });

  it('get 403 on GET /v1/reports/{id} and on every action, and change nothing', async () => {
    const { api } = stack;
    const targets = [R.R1, R.R2, R.R3, R.R4, R.RP];
    const before = await settled();
    const views = await Promise.all(targets.map((id) => residentView(id)));
    const raws = await Promise.all(targets.map((id) => rawReport(id)));
    let attempts = 0;
    for (const as of OUTSIDERS) {
      for (const id of targets) {
        expectError(await api.get(`/v1/reports/${id}`, as), 403, 'forbidden', `GET ${id} as ${as}`);
        const version = raws[targets.indexOf(id)]!.version as number;
        for (const action of ACTIONS) {
          for (const body of bodiesFor(action, as)) {
            for (const b of [body, { ...body, expectedVersion: version }]) {
              const r = await api.post(`/v1/reports/${id}/actions`, b, as);
              expectError(r, 403, 'forbidden', `${JSON.stringify(b)} on ${id} as ${as}`);
              attempts++;
            }
          }
        }
      }
    }
    expect(attempts).toBeGreaterThanOrEqual(OUTSIDERS.length * targets.length * ACTIONS.length * 2);
    expect(await Promise.all(targets.map((id) => residentView(id)))).toEqual(views);
    expect((await Promise.all(targets.map((id) => rawReport(id)))).map((x) => x?.version)).toEqual(raws.map((x) => x?.version));
    expect(await Promise.all(targets.map((id) => rawReport(id)))).toEqual(raws);
    expect(await settled()).toEqual(before);
  });

  it('get 403, not version_conflict, when they send a stale expectedVersion (the version is none of their business)', async () => {
    const { api } = stack;
    const before = await settled();
    for (const as of OUTSIDERS) {
      for (const expectedVersion of [1, 99]) {
        const r = await api.post(`/v1/reports/${R.R2}/actions`, { action: 'remind', expectedVersion }, as);
        expectError(r, 403, 'forbidden', `remind v${expectedVersion} on ${R.R2} (at v5) as ${as}`);
        expect(r.text).not.toMatch(/"version"/);
      }
    }
    expect(await settled()).toEqual(before);
  });

  it('do not find the reports among their tasks', async () => {
    const { api } = stack;
    const ours = Object.values(R);
    for (const as of OUTSIDERS) {
      for (const state of ['open', 'due_soon', 'overdue', 'done', 'unplaced']) {
        const r = await api.get(`/v1/tasks?state=${state}&limit=100`, as);
        expect(r.status, `${as} ${state}: ${r.text}`).toBe(200);
        expect(r.json.items.map((i: { id: string }) => i.id).filter((id: string) => ours.includes(id)), `${as} ${state}`).toEqual([]);
      }
    }
    // the control: the routed worker does
    const mine = await api.get('/v1/tasks?state=open&limit=100', WORKER);
    expect(mine.json.items.map((i: { id: string }) => i.id)).toContain(R.R1);
  });
});

describe('residents', () => {
  it('another resident gets 403 on GET and on rating, and a follower may read', async () => {
    const { api } = stack;
    const before = await settled();
    for (const id of Object.values(R)) {
      expectError(await api.get(`/v1/reports/${id}`, RESIDENT2), 403, 'forbidden', `GET ${id}`);
      for (const score of ['satisfied', 'basically_satisfied', 'dissatisfied']) {
        expectError(await api.post(`/v1/reports/${id}/rating`, { score, comment: '路过看到' }, RESIDENT2), 403, 'forbidden', `rate ${id} ${score}`);
      }
    }
    expect(await residentView(R.R3)).toMatchObject({ status: 'closed', rating: null });
    expect(await settled()).toEqual(before);

    // the control: the reporter reads it, and a resident who joined ("我也遇到") does too
    expectError(await api.get(`/v1/reports/${R.R1}`, RESIDENT3), 403, 'forbidden');
    expect((await api.post(`/v1/reports/${R.R1}/follow`, {}, RESIDENT3)).status).toBe(201);
    expect((await api.get(`/v1/reports/${R.R1}`, RESIDENT3)).status).toBe(200);
  });

  it('a resident, even the reporter, gets 403 on /actions and changes nothing', async () => {
    const { api } = stack;
    const before = await settled();
    for (const as of [RESIDENT, RESIDENT2]) {
      for (const id of [R.R1, R.R2, R.R3]) {
        for (const action of ACTIONS) {
          for (const body of bodiesFor(action, as)) {
            expectError(await api.post(`/v1/reports/${id}/actions`, body, as), 403, 'forbidden', `${action} on ${id} as ${as}`);
          }
        }
      }
    }
    expect(await settled()).toEqual(before);
  });

  it('role gates: residents have no task list, staff have no "mine" list and cannot rate or follow', async () => {
    const { api } = stack;
    expectError(await api.get('/v1/tasks', RESIDENT), 403, 'forbidden');
    for (const staff of [WORKER, LEADER, DISPATCHER, OTHER_WORKER]) {
      expectError(await api.get('/v1/reports?scope=mine', staff), 403, 'forbidden', staff);
      expectError(await api.post(`/v1/reports/${R.R3}/rating`, { score: 'satisfied' }, staff), 403, 'forbidden', staff);
      expectError(await api.post(`/v1/reports/${R.R1}/follow`, {}, staff), 403, 'forbidden', staff);
      expectError(await api.post('/v1/me/consent', { version: '2026-11' }, staff), 403, 'forbidden', staff);
    }
    expectError(await api.call('PUT', '/v1/me/duty', { body: { state: 'on_duty' }, as: RESIDENT }), 403, 'forbidden');
    // staff may not file an ordinary app report (only the dispatch centre, for callers)
    expectError(await api.post('/v1/reports', { category: 'other', description: '员工自报', location }, WORKER), 403, 'forbidden');
  });
});

describe('tokens', () => {
  const protectedCalls = (): Array<[string, string, unknown?]> => [
    ['GET', `/v1/reports/${R.R1}`],
    ['POST', `/v1/reports/${R.R1}/actions`, { action: 'accept' }],
    ['POST', `/v1/reports/${R.R3}/rating`, { score: 'satisfied' }],
    ['POST', '/v1/reports', { category: 'other', description: '无令牌', location }],
    ['GET', '/v1/reports?scope=mine'],
    ['GET', '/v1/tasks'],
    ['GET', '/v1/me'],
    ['POST', '/v1/uploads', { contentType: 'image/jpeg', size: 1000 }],
    ['GET', '/v1/inbox'],
  ];

  async function b64json(o: unknown) {
    return Buffer.from(JSON.stringify(o)).toString('base64url');
  }

  async function badTokens(): Promise<Record<string, string>> {
    const secrets = await import('../../functions/src/secrets.ts');
    await secrets.loadSecrets();
    const secret = new TextEncoder().encode(secrets.tokenSecret());
    const wrongSecret = new TextEncoder().encode('x'.repeat(48));
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: Record<string, unknown>, key = secret, sub = RESIDENT) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuer('weishibao').setIssuedAt(now - 10).setExpirationTime(now + 600).sign(key);
    const valid = await stack.api.token(RESIDENT);
    const [h, p, s] = valid.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const login = await stack.api.post('/v1/auth/dev', { userId: RESIDENT });
    const { putUser } = await import('../../functions/src/store/users.ts');
    await putUser({ id: 'u-res-gone', role: 'resident', name: '已注销', areaIds: [], active: false, duty: 'on_duty', openid: null, phone: null, consentVersion: '2026-11', createdAt: new Date().toISOString() });
    return {
      garbage: 'garbage',
      'three dots': 'a.b.c',
      'tampered sub': `${h}.${await b64json({ ...payload, sub: 'u-admin' })}.${s}`,
      'tampered exp': `${h}.${await b64json({ ...payload, exp: payload.exp + 86400 })}.${s}`,
      'signature cut': `${h}.${p}.`,
      'signature of another token': `${h}.${p}.${(await stack.api.token(RESIDENT2)).split('.')[2]}`,
      'alg none': `${await b64json({ alg: 'none', typ: 'JWT' })}.${await b64json({ ...payload, sub: 'u-admin' })}.`,
      'wrong secret': await sign({ kind: 'access' }, wrongSecret),
      expired: await new SignJWT({ kind: 'access' }).setProtectedHeader({ alg: 'HS256' }).setSubject(RESIDENT).setIssuer('weishibao').setIssuedAt(now - 7200).setExpirationTime(now - 3600).sign(secret),
      'wrong issuer': await new SignJWT({ kind: 'access' }).setProtectedHeader({ alg: 'HS256' }).setSubject(RESIDENT).setIssuer('someone-else').setIssuedAt(now).setExpirationTime(now + 600).sign(secret),
      'refresh token as access token': login.json.refreshToken,
      'no kind claim': await sign({}),
      'unknown user': await sign({ kind: 'access' }, secret, 'u-nobody'),
      'deactivated user': await sign({ kind: 'access' }, secret, 'u-res-gone'),
    };
  }

  it('no Authorization header, or not a Bearer one, is 401 unauthenticated', async () => {
    const { api } = stack;
    const valid = await api.token(RESIDENT);
    for (const [method, path, body] of protectedCalls()) {
      for (const authorization of [undefined, '', 'Bearer', 'Bearer ', `Basic ${valid}`, `Token ${valid}`, valid, `Bearer ${valid} extra`]) {
        const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
        const r = await api.call(method, path, { body, headers });
        expectError(r, 401, 'unauthenticated', `${method} ${path} with ${JSON.stringify(authorization?.slice(0, 12))}`);
      }
    }
  });

  it('a garbage, tampered, expired, foreign or revoked token is 401 and writes nothing', async () => {
    const { api } = stack;
    const tokens = await badTokens();
    // the control: a properly signed token from the same secret works
    const secrets = await import('../../functions/src/secrets.ts');
    await secrets.loadSecrets();
    const good = await new SignJWT({ kind: 'access' }).setProtectedHeader({ alg: 'HS256' }).setSubject(RESIDENT).setIssuer('weishibao').setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode(secrets.tokenSecret()));
    expect((await api.call('GET', '/v1/me', { headers: { authorization: `Bearer ${good}` } })).json.id).toBe(RESIDENT);

    const before = await settled();
    for (const [name, token] of Object.entries(tokens)) {
      for (const [method, path, body] of protectedCalls()) {
        const r = await api.call(method, path, { body, headers: { authorization: `Bearer ${token}` } });
        expectError(r, 401, 'unauthenticated', `${name}: ${method} ${path}`);
      }
    }
    expect(await settled()).toEqual(before);
  });
});

describe('staff inside the area', () => {
  it('the wrong role for an action is 403, the right role in the wrong state is 409, and nothing changes', async () => {
    const { api } = stack;
    const before = await settled();
    const views = Object.fromEntries(await Promise.all(Object.values(R).map(async (id) => [id, await residentView(id)] as const)));
    const cases: Array<[string, string, Record<string, unknown>, number, string]> = [
      // wrong party
      [WORKER, R.R2, { action: 'verify' }, 403, 'forbidden'],
      [WORKER, R.R2, { action: 'close' }, 403, 'forbidden'],
      [WORKER, R.R2, { action: 'rework', reason: '自己返工' }, 403, 'forbidden'],
      [WORKER, R.R1, { action: 'remind' }, 403, 'forbidden'],
      [OFFICER, R.R1, { action: 'accept' }, 403, 'forbidden'],
      [OFFICER, R.R1, { action: 'reject', reason: '不归公安' }, 403, 'forbidden'],
      [LEADER, R.R4, { action: 'start' }, 403, 'forbidden'],
      [LEADER, R.R4, { action: 'resolve', note: '代办结', photos: [] }, 403, 'forbidden'],
      [DISPATCHER, R.R4, { action: 'hand_back', reason: '不是我的' }, 403, 'forbidden'],
      [OFFICER, R.RP, { action: 'verify' }, 403, 'forbidden'], // the assignee does not check their own work
      [OFFICER, R.RP, { action: 'close' }, 403, 'forbidden'],
      [LEADER, R.RP, { action: 'verify' }, 403, 'forbidden'], // police-led: an officer verifies, not the grid leader
      [WORKER, R.RP, { action: 'accept' }, 403, 'forbidden'],
      // right party, wrong state
      [LEADER, R.R1, { action: 'verify' }, 409, 'invalid_transition'],
      [LEADER, R.R1, { action: 'close' }, 409, 'invalid_transition'],
      [WORKER, R.R1, { action: 'start' }, 409, 'invalid_transition'],
      [WORKER, R.R1, { action: 'resolve', note: '直接办结', photos: [] }, 409, 'invalid_transition'],
      [LEADER, R.R2, { action: 'accept' }, 409, 'invalid_transition'],
      [LEADER, R.R2, { action: 'dispatch', assigneeId: WORKER }, 409, 'invalid_transition'],
      [DISPATCHER, R.R2, { action: 'close' }, 409, 'invalid_transition'],
      [DISPATCHER, R.R3, { action: 'remind' }, 409, 'invalid_transition'],
      [LEADER, R.R3, { action: 'verify' }, 409, 'invalid_transition'],
      [WORKER, R.R3, { action: 'hand_back', reason: '已结案' }, 409, 'invalid_transition'],
      [WORKER, R.R4, { action: 'start' }, 409, 'invalid_transition'],
      [OFFICER2, R.RP, { action: 'close' }, 409, 'invalid_transition'],
    ];
    for (const [as, id, body, status, code] of cases) {
      expectError(await api.post(`/v1/reports/${id}/actions`, body, as), status, code, `${body.action} on ${id} as ${as}`);
    }
    for (const id of Object.values(R)) expect(await residentView(id), id).toEqual(views[id]);
    expect(await settled()).toEqual(before);

    // the controls: the right party in the right state succeeds
    await act(api, R.RP, OFFICER2, { action: 'verify' });
    await act(api, R.R2, LEADER, { action: 'verify' });
  });
});

describe('uploads belong to their owner and are used once', () => {
  it('another resident’s upload is 400 invalid_upload and stays theirs', async () => {
    const { api } = stack;
    const theirs = await api.uploadReady(RESIDENT2, photo);
    const before = await settled();
    const r = await api.post('/v1/reports', { category: 'other', description: '借用别人的照片', location, photos: [theirs] }, RESIDENT);
    expectError(r, 400, 'invalid_upload');
    expect(r.text).not.toContain(RESIDENT2);
    // nor may anyone read its status
    expectError(await api.get(`/v1/uploads/${theirs}`, RESIDENT), 404, 'not_found');
    expectError(await api.get(`/v1/uploads/${theirs}`, WORKER), 404, 'not_found');
    expect(await settled()).toEqual(before);
    // the owner still can use it: the failed attempt claimed nothing
    const own = await fileReport(api, RESIDENT2, { category: 'other', description: '自己的照片', location, photos: [theirs] });
    expect(own.photos.map((p: { id: string }) => p.id)).toEqual([theirs]);
  });

  it('staff cannot resolve with a resident’s upload', async () => {
    const { api } = stack;
    const residents = await api.uploadReady(RESIDENT, photo);
    const r = await api.post(`/v1/reports/${R.R4}/actions`, { action: 'resolve', note: '已处理', photos: [residents] }, WORKER);
    expectError(r, 400, 'invalid_upload');
    expect((await residentView(R.R4)).status).toBe('in_progress');
  });

  it('an upload cannot be used twice', async () => {
    const { api } = stack;
    const once = await api.uploadReady(RESIDENT, photo);
    const first = await fileReport(api, RESIDENT, { category: 'other', description: '第一次用这张照片', location, photos: [once] });
    expect(first.photos).toHaveLength(1);
    const before = await settled();
    expectError(await api.post('/v1/reports', { category: 'other', description: '第二次用这张照片', location, photos: [once] }, RESIDENT), 400, 'invalid_upload');
    // nor twice within one report
    expectError(await api.post('/v1/reports', { category: 'fire_equipment', description: '又一次', location, photos: [once, once] }, RESIDENT), 400, 'invalid_input');
    expect(await settled()).toEqual(before);
  });
});
