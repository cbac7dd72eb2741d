/**
 * Thousands of generated malformed requests (fast-check) against the endpoints a phone or a
 * city system can reach: wrong types, missing fields, extra nesting, huge strings and bodies,
 * bad coordinates, unknown categories and actions, other people's and missing uploads, broken
 * JSON, wrong content types, bad path ids, bad query strings, bad Idempotency-Keys, bad tokens.
 *
 * Every request is invalid by construction (the generators never produce one the contract
 * accepts), so every answer must be a 4xx with the error body of API.md and no stack trace, and
 * the table must be exactly as it was before the run: not one item added, changed or removed.
 */
import { STAFF_ACTIONS as TABLE_ACTIONS } from '../../functions/src/domain/lifecycle.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestStack, newKey, type TestStack, type Res } from '../support/stack.ts';
import { phonePhoto, pointIn, RESIDENT, RESIDENT2, GRID, WORKER, LEADER, DISPATCHER, OFFICER, OTHER_WORKER, OTHER_LEADER, OTHER_DISPATCHER } from '../support/fixtures.ts';
import { fingerprint, scanAll } from '../support/table.ts';
import { act, expectErrorBody, fileReport } from '../support/checks.ts';

let stack: TestStack;
/** a reported report (version 1 for the whole run), and an in-progress one held by WORKER */
let FR: string;
let FIP: string;
let location: { lat: number; lng: number };
let CATEGORIES: string[];
/** RESIDENT2's ready upload, RESIDENT's upload already used on FR, RESIDENT's never-uploaded one */
let theirUpload: string;
let usedUpload: string;
let pendingUpload: string;
let NO_CONSENT: string;
let SEEDED_IDS: string[];
let CONSENT_VERSION: string;

// the transition table's own list, so a new action is never generated as a "bad" one
const STAFF_ACTIONS: readonly string[] = TABLE_ACTIONS;
const SCORES = ['satisfied', 'basically_satisfied', 'dissatisfied'];
const UPLOAD_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic'];
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const MB = 1024 * 1024;

beforeAll(async () => {
  stack = await startTestStack();
  const { api } = stack;
  location = await pointIn(api, GRID);
  CATEGORIES = (await api.get('/v1/categories')).json.items.map((c: { code: string }) => c.code);
  SEEDED_IDS = (await api.get('/v1/dev/users')).json.items.map((u: { id: string }) => u.id);
  const photo = await phonePhoto(200, 150);
  usedUpload = await api.uploadReady(RESIDENT, photo);
  FR = (await fileReport(api, RESIDENT, { category: 'fire_exit_blocked', description: '模糊测试用的事项', location, photos: [usedUpload] })).id;
  FIP = (await fileReport(api, RESIDENT, { category: 'fire_equipment', description: '模糊测试：处置中', location })).id;
  await act(api, FIP, WORKER, { action: 'accept' });
  await act(api, FIP, WORKER, { action: 'dispatch', assigneeId: WORKER });
  await act(api, FIP, WORKER, { action: 'start' });
  theirUpload = await api.uploadReady(RESIDENT2, photo);
  pendingUpload = (await api.post('/v1/uploads', { contentType: 'image/jpeg', size: 5000 }, RESIDENT)).json.uploadId;
  const { putUser } = await import('../../functions/src/store/users.ts');
  NO_CONSENT = 'u-res-fuzz-noconsent';
  await putUser({ id: NO_CONSENT, role: 'resident', name: '未同意', areaIds: [], active: true, duty: 'on_duty', openid: null, phone: null, consentVersion: null, createdAt: new Date().toISOString() });
  CONSENT_VERSION = (await api.get('/v1/me', RESIDENT)).json.consent.current;
  for (const u of [RESIDENT, RESIDENT2, WORKER, LEADER, DISPATCHER, OFFICER, OTHER_WORKER, OTHER_LEADER, OTHER_DISPATCHER, NO_CONSENT]) await api.token(u);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

// ─── the request model ──────────────────────────────────────────────────────────────────────

interface Req {
  /** which generator made it (for the summary and for failures) */
  kind: string;
  method: string;
  path: string;
  /** a seeded user to sign in as; `token` sends that literal bearer token instead */
  as?: string;
  token?: string;
  headers?: Record<string, string>;
  body?: unknown;
  raw?: string;
  /** where the contract names the answer exactly: status and error code */
  want?: [number, string];
}

const expecting = (status: number, code: string): [number, string] => [status, code];

const show = (q: Req) =>
  `[${q.kind}] ${q.method} ${q.path.slice(0, 160)} as=${q.as ?? (q.token !== undefined ? `token:${q.token.slice(0, 20)}` : '-')} ` +
  `headers=${JSON.stringify(q.headers ?? {}).slice(0, 160)} body=${(q.raw ?? JSON.stringify(q.body) ?? '').slice(0, 300)}`;

async function send(q: Req): Promise<Res> {
  const target = new URL(q.path, stack.url);
  // a generator bug, not an app bug: dot segments must not take the request out of the API
  if (!target.pathname.startsWith('/v1/')) throw new Error(`generated a path outside /v1: ${q.path} -> ${target.pathname}`);
  const headers: Record<string, string> = {};
  if (q.as) headers.authorization = `Bearer ${await stack.api.token(q.as)}`;
  if (q.token !== undefined) headers.authorization = `Bearer ${q.token}`;
  if (q.body !== undefined) headers['content-type'] = 'application/json';
  Object.assign(headers, q.headers ?? {});
  return stack.api.call(q.method, q.path, { headers, ...(q.raw !== undefined ? { raw: q.raw } : q.body !== undefined ? { raw: JSON.stringify(q.body) } : {}) });
}

// ─── the run ────────────────────────────────────────────────────────────────────────────────

/**
 * Measured on the 2-core machine: 4,000 requests take 7–14 s with 6 in flight (the whole file
 * about 20 s with the stack's start). A failure prints FUZZ_SEED=<n>; run with that variable set
 * to replay exactly the same requests.
 */
const PARALLEL = 6;
const RUNS = 4000;

/** Built after the stack is up: the generators close over the ids made in beforeAll. */
function allRequests(): fc.Arbitrary<Req> {
  // ─── building blocks ────────────────────────────────────────────────────────────────────────

  const ascii = (max = 20) => fc.string({ maxLength: max });
  const unicode = (max = 20) => fc.string({ unit: 'grapheme', maxLength: max });
  const alnum = (min = 1, max = 12) => fc.stringMatching(new RegExp(`^[A-Za-z0-9]{${min},${max}}$`));

  /** anything but a string */
  const nonString = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.array(fc.oneof(fc.integer(), ascii(5)), { maxLength: 3 }),
    fc.dictionary(alnum(1, 5), ascii(5), { maxKeys: 3 }),
  );
  /** anything but a number */
  const nonNumber = fc.oneof(fc.constant(null), fc.boolean(), ascii(10), fc.constantFrom('NaN', 'Infinity', '22.54', '113.93', '', '1e400'), fc.array(fc.integer(), { maxLength: 2 }), fc.constant({}));
  /** anything but a boolean */
  const nonBoolean = fc.oneof(fc.constant(null), fc.integer(), fc.constantFrom('true', 'false', '1', '0', 'yes', ''), fc.constant([]), fc.constant({}));
  /** the value wrapped one level deeper than the schema expects */
  const nestedOf = <T>(v: fc.Arbitrary<T>) => fc.oneof(v.map((x) => ({ value: x })), v.map((x) => [x]), v.map((x) => ({ '0': { '0': x } })));
  /** empty or whitespace only: fails a trimmed min(1) */
  const blank = fc.array(fc.constantFrom(' ', '\t', '\n', '\r', '\u3000', '\u00a0'), { maxLength: 6 }).map((a) => a.join(''));
  /** a string longer than `max` even after trimming (5,000 chars is in range) */
  const tooLong = (max: number) => fc.tuple(fc.integer({ min: max + 1, max: Math.max(max + 10, 5000) }), fc.constantFrom('x', '险', 'é', 'ab')).map(([n, c]) => c.repeat(Math.ceil(n / c.length)).slice(0, n));
  /** a bad text field: blank, too long, not a string, nested */
  const badText = (max: number) => fc.oneof(blank, tooLong(max), nonString, nestedOf(fc.constant('正常文字')));
  /** a string that is not an id (the contract's ids are 1-64 of A-Za-z0-9_-) */
  const badId = fc.oneof(
    fc.constant(''),
    fc.integer({ min: 65, max: 300 }).map((n) => 'A'.repeat(n)),
    fc.stringMatching(/^[A-Za-z0-9_-]{65,200}$/),
    unicode(20).filter((s) => !ID.test(s)),
    ascii(20).filter((s) => !ID.test(s)),
    // ('null' is a well-formed id, so it is not here)
    fc.constantFrom('../x', '..\\x', 'a/b', 'a b', '中文', 'R1;DROP TABLE', "' OR 1=1 --", '%00', '<script>'),
  );
  /** an id of the right form that names nothing */
  const missingId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/).map((s) => `zz${s}`.slice(0, 64));

  const validLat = fc.double({ min: -90, max: 90, noNaN: true });
  const validLng = fc.double({ min: -180, max: 180, noNaN: true });
  const outOfRangeLat = fc.oneof(fc.double({ min: 90, max: 1e300, minExcluded: true, noNaN: true }), fc.double({ min: -1e300, max: -90, maxExcluded: true, noNaN: true }), fc.constantFrom(91, -91, 90.000001, 1000));
  const outOfRangeLng = fc.oneof(fc.double({ min: 180, max: 1e300, minExcluded: true, noNaN: true }), fc.double({ min: -1e300, max: -180, maxExcluded: true, noNaN: true }), fc.constantFrom(181, -181, 180.000001, 360));
  /** in range but far from the demo city (lat 22.53–22.55) */
  const farLat = fc.oneof(fc.double({ min: -90, max: 20, noNaN: true }), fc.double({ min: 25, max: 90, noNaN: true }));

  // ─── POST /v1/reports ───────────────────────────────────────────────────────────────────────

  const validReport = () => ({ category: 'other', description: '模糊测试', location, photos: [] as unknown[], anonymous: false });

  const badLocation = fc.oneof(
    outOfRangeLat.map((lat) => ({ lat, lng: location.lng })),
    outOfRangeLng.map((lng) => ({ lat: location.lat, lng })),
    fc.tuple(outOfRangeLat, outOfRangeLng).map(([lat, lng]) => ({ lat, lng })),
    nonNumber.map((lat) => ({ lat, lng: location.lng })),
    nonNumber.map((lng) => ({ lat: location.lat, lng })),
    fc.tuple(farLat, validLng).map(([lat, lng]) => ({ lat, lng })), // outside_service_area
    fc.tuple(farLat, validLng).map(([lat, lng]) => ({ lat, lng, datum: 'wgs84' })),
    ascii(10).filter((d) => d !== 'gcj02' && d !== 'wgs84').map((datum) => ({ ...location, datum })),
    fc.constantFrom({ lat: location.lat }, { lng: location.lng }, {}, null, [location.lat, location.lng], `${location.lat},${location.lng}`, 0),
    nestedOf(fc.constant(location.lat)).map((lat) => ({ lat, lng: location.lng })),
  );

  const badPhotos = fc.oneof(
    fc.array(missingId, { minLength: 10, maxLength: 30 }),
    fc.array(badId, { minLength: 1, maxLength: 3 }),
    fc.array(missingId, { minLength: 1, maxLength: 9 }), // 400 invalid_upload
    fc.constant(0).map(() => [theirUpload]), // someone else's
    fc.constant(0).map(() => [usedUpload]), // already on FR
    fc.constant(0).map(() => [pendingUpload]), // 409 upload_not_ready
    fc.constant(0).map(() => [usedUpload, usedUpload]),
    nonString.filter((v) => !Array.isArray(v)),
    fc.array(nonString.filter((v) => v !== null), { minLength: 1, maxLength: 3 }),
  );

  const reportMutation: fc.Arbitrary<[string, unknown]> = fc.oneof(
    fc.oneof(ascii(20).filter((c) => !CATEGORIES.includes(c)), unicode(10), nonString, nestedOf(fc.constant('other')), fc.constantFrom('OTHER', 'other ', ' other', 'fire', 'reopen')).map((v) => ['category', v] as [string, unknown]),
    badText(1000).map((v) => ['description', v] as [string, unknown]),
    badLocation.map((v) => ['location', v] as [string, unknown]),
    badPhotos.map((v) => ['photos', v] as [string, unknown]),
    nonBoolean.map((v) => ['anonymous', v] as [string, unknown]),
    fc.oneof(fc.constantFrom('phone', '110'), ascii(8).filter((s) => !['app', 'phone', '110'].includes(s)), nonString).map((v) => ['source', v] as [string, unknown]),
    fc.oneof(fc.constant({ name: '张三', phone: '13800000000' }), nonString).map((v) => ['caller', v] as [string, unknown]),
    badText(200).map((v) => ['address', v] as [string, unknown]),
    fc.constantFrom('category', 'description', 'location').map((k) => [k, undefined] as [string, unknown]),
  );

  const reportBody = fc.oneof(
    { weight: 8, arbitrary: fc.array(reportMutation, { minLength: 1, maxLength: 3 }).map((muts) => {
      const b: Record<string, unknown> = validReport();
      for (const [k, v] of muts) {
        if (v === undefined) delete b[k];
        else b[k] = v;
      }
      return b;
    }) },
    { weight: 1, arbitrary: fc.oneof(nonString.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)), fc.constant([validReport()])) },
    // a prototype-pollution attempt riding on an otherwise bad body
    { weight: 1, arbitrary: badLocation.map((l) => JSON.parse(`{"__proto__":{"role":"admin"},"constructor":{"prototype":{"x":1}},"category":"other","description":"x","location":${JSON.stringify(l)}}`)) },
  );

  /** Idempotency-Key values the contract refuses (1-128 visible ASCII), also after fetch trims them */
  const badIdempotencyKey = fc.oneof(
    fc.constant(''),
    blank.map((s) => s.replace(/[^ \t]/g, ' ')),
    fc.integer({ min: 129, max: 300 }).map((n) => 'k'.repeat(n)),
    fc.tuple(alnum(), alnum()).map(([a, b]) => `${a} ${b}`),
    fc.tuple(alnum(), fc.constantFrom('é', 'ü', '\u00a0', '\u00ff', '\t'), alnum()).map(([a, c, b]) => `${a}${c}${b}`),
  );

  const reportsCreate: fc.Arbitrary<Req> = fc.oneof(
    { weight: 10, arbitrary: fc.tuple(reportBody, fc.boolean()).map(([body, idem]) => ({ kind: 'report:body', method: 'POST', path: '/v1/reports', as: RESIDENT, body, ...(idem ? { headers: { 'idempotency-key': newKey() } } : {}) })) },
    { weight: 3, arbitrary: badIdempotencyKey.map((key) => ({ kind: 'report:idem-key', method: 'POST', path: '/v1/reports', as: RESIDENT, body: validReport(), headers: { 'idempotency-key': key }, want: expecting(400, 'invalid_input') })) },
    // a valid body from someone who may not file it: no consent, staff, dispatcher without caller
    { weight: 2, arbitrary: fc.constantFrom(NO_CONSENT, WORKER, LEADER, OFFICER, DISPATCHER, OTHER_DISPATCHER).map((as) => ({ kind: 'report:who', method: 'POST', path: '/v1/reports', as, body: validReport() })) },
    { weight: 1, arbitrary: fc.oneof(fc.constant(0), fc.constantFrom('phone', '110')).map((source) => ({ kind: 'report:dispatcher', method: 'POST', path: '/v1/reports', as: DISPATCHER, body: source === 0 ? { ...validReport(), caller: { name: '张三', phone: '138' } } : { ...validReport(), source, caller: { name: '', phone: 'abc' } } })) },
  );

  // ─── POST /v1/reports/{id}/actions ──────────────────────────────────────────────────────────

  const badAction = fc.oneof(ascii(12).filter((a) => !STAFF_ACTIONS.includes(a)), fc.constantFrom('reopen', 'ACCEPT', 'accept ', 'delete', 'approve', 'rate', 'follow', ''), nonString, nestedOf(fc.constant('accept')));
  const anyAction = fc.constantFrom(...STAFF_ACTIONS);

  /** bodies no staff member may send successfully anywhere: the schema refuses them */
  const schemaBadActionBody = fc.oneof(
    badAction.map((action) => ({ action })),
    fc.tuple(badAction, fc.constantFrom('理由', undefined)).map(([action, reason]) => ({ action, reason, note: '附言' })),
    fc.tuple(anyAction, badText(1000)).map(([action, note]) => ({ action, note })),
    fc.tuple(anyAction, badText(500)).map(([action, reason]) => ({ action, reason })),
    fc.tuple(anyAction, fc.oneof(fc.array(missingId, { minLength: 10, maxLength: 20 }), fc.array(badId, { minLength: 1, maxLength: 3 }), nonString.filter((v) => !Array.isArray(v)))).map(([action, photos]) => ({ action, note: '已处理', photos })),
    fc.tuple(anyAction, fc.oneof(badId, nonString.filter((v) => typeof v !== 'string'))).map(([action, assigneeId]) => ({ action, assigneeId })),
    fc.tuple(anyAction, fc.oneof(badId, nonString.filter((v) => typeof v !== 'string'))).map(([action, mergeInto]) => ({ action, mergeInto })),
    fc.tuple(anyAction, fc.oneof(fc.integer({ max: 0 }), fc.double({ min: 0.01, max: 1000, noNaN: true }).filter((n) => !Number.isInteger(n)), nonNumber)).map(([action, expectedVersion]) => ({ action, expectedVersion })),
    fc.constantFrom({}, { note: '只有附言' }, { actions: 'accept' }),
    nonString.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)),
  );

  /** well-formed bodies that in-area staff still cannot apply to FR / FIP as they stand */
  const semanticBadAction: fc.Arbitrary<{ as: string; id: () => string; body: Record<string, unknown> }> = fc.oneof(
    missingId.map((m) => ({ as: LEADER, id: () => FR, body: { action: 'merge', mergeInto: m } })), // nothing to merge into
    fc.constant(0).map(() => ({ as: LEADER, id: () => FR, body: { action: 'merge', mergeInto: FR } })), // into itself
    fc.constant(0).map(() => ({ as: DISPATCHER, id: () => FR, body: { action: 'merge', mergeInto: FIP } })), // another category
    fc.integer({ min: 2, max: 10_000 }).map((v) => ({ as: LEADER, id: () => FR, body: { action: 'remind', expectedVersion: v } })), // stale
    fc.oneof(fc.constant(0).map(() => [theirUpload]), fc.constant(0).map(() => [usedUpload]), fc.constant(0).map(() => [pendingUpload]), fc.array(missingId, { minLength: 1, maxLength: 9 }), fc.constant([] as string[])).map((photos) => ({ as: WORKER, id: () => FIP, body: { action: 'resolve', note: '已处理', photos } })),
    fc.constantFrom<[string, string]>([WORKER, 'start'], [LEADER, 'verify'], [DISPATCHER, 'close'], [WORKER, 'resolve'], [LEADER, 'rework'], [WORKER, 'verify'], [OFFICER, 'accept'], [LEADER, 'start']).map(([as, action]) => ({ as, id: () => FR, body: { action, note: '附言', reason: '理由', photos: [] } })),
    fc.tuple(missingId, fc.constantFrom(LEADER, DISPATCHER)).map(([assigneeId, as]) => ({ as, id: () => FIP, body: { action: 'dispatch', assigneeId } })),
  );

  const plausibleAction = fc.tuple(anyAction, fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined })).map(([action, expectedVersion]) => ({ action, reason: '理由', note: '附言', assigneeId: WORKER, mergeInto: FIP, photos: [theirUpload], ...(expectedVersion ? { expectedVersion } : {}) }));

  const actions: fc.Arbitrary<Req> = fc.oneof(
    { weight: 8, arbitrary: fc.tuple(fc.constantFrom(WORKER, LEADER, DISPATCHER, OFFICER), fc.constantFrom('FR', 'FIP'), schemaBadActionBody).map(([as, which, body]) => ({ kind: 'action:schema', method: 'POST', path: `/v1/reports/${which === 'FR' ? FR : FIP}/actions`, as, body })) },
    { weight: 4, arbitrary: semanticBadAction.map(({ as, id, body }) => ({ kind: 'action:semantic', method: 'POST', path: `/v1/reports/${id()}/actions`, as, body })) },
    // any body at all from outsiders, residents and the anonymous
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(OTHER_WORKER, OTHER_LEADER, OTHER_DISPATCHER, RESIDENT, RESIDENT2, undefined), fc.constantFrom('FR', 'FIP'), fc.oneof(plausibleAction, schemaBadActionBody)).map(([as, which, body]) => ({ kind: 'action:who', method: 'POST', path: `/v1/reports/${which === 'FR' ? FR : FIP}/actions`, ...(as ? { as } : {}), body })) },
    { weight: 2, arbitrary: fc.tuple(fc.oneof(badId, missingId), plausibleAction).map(([id, body]) => ({ kind: 'action:path', method: 'POST', path: `/v1/reports/${encodeURIComponent(id)}/actions`, as: LEADER, body })) },
  );

  // ─── the other endpoints ────────────────────────────────────────────────────────────────────

  const rating: fc.Arbitrary<Req> = fc.oneof(
    // FR is not closed: even a well-formed rating from its reporter is a 409
    { weight: 3, arbitrary: fc.oneof(
      fc.oneof(ascii(20).filter((s) => !SCORES.includes(s)), nonString, fc.constantFrom('SATISFIED', 'satisfied ', 'good', '5', '')).map((score) => ({ score })),
      fc.tuple(fc.constantFrom(...SCORES), badText(500)).map(([score, comment]) => ({ score, comment })),
      fc.constantFrom(...SCORES).map((score) => ({ score, comment: '还行' })),
      fc.constant({}),
    ).map((body) => ({ kind: 'rating:body', method: 'POST', path: `/v1/reports/${FR}/rating`, as: RESIDENT, body })) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(RESIDENT2, WORKER, LEADER, undefined), fc.constantFrom(...SCORES)).map(([as, score]) => ({ kind: 'rating:who', method: 'POST', path: `/v1/reports/${FR}/rating`, ...(as ? { as } : {}), body: { score } })) },
    { weight: 1, arbitrary: fc.oneof(badId, missingId).map((id) => ({ kind: 'rating:path', method: 'POST', path: `/v1/reports/${encodeURIComponent(id)}/rating`, as: RESIDENT, body: { score: 'satisfied' } })) },
  );

  const uploads: fc.Arbitrary<Req> = fc.oneof(
    fc.tuple(fc.oneof(ascii(30).filter((t) => !UPLOAD_TYPES.includes(t.toLowerCase())), fc.constantFrom('text/plain', 'image/gif', 'image/svg+xml', 'application/pdf', 'image/jpeg ', 'image/jpg', 'video/mp4', ''), fc.integer({ min: 101, max: 400 }).map((n) => `image/${'j'.repeat(n)}`), nonString), fc.integer({ min: 1, max: 1000 })).map(([contentType, size]) => ({ contentType, size })),
    fc.tuple(fc.constantFrom(...UPLOAD_TYPES), fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 10 * MB + 1, max: 2 ** 52 }), fc.double({ min: 0.1, max: 1e6, noNaN: true }).filter((n) => !Number.isInteger(n)), nonNumber)).map(([contentType, size]) => ({ contentType, size })),
    fc.constantFrom({}, { contentType: 'image/jpeg' }, { size: 1000 }, { contentType: { type: 'image/jpeg' }, size: 1000 }, { contentType: ['image/jpeg'], size: 1000 }, { contentType: 'image/jpeg', size: [1000] }),
    nonString.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)),
  ).chain((body) => fc.constantFrom(RESIDENT, WORKER).map((as) => ({ kind: 'upload:body', method: 'POST', path: '/v1/uploads', as, body }) as Req));

  /** a query string from key/value pairs (repeated keys allowed), raw or encoded */
  const qs = (pairs: Array<[string, string] | null>) =>
    pairs.filter((p): p is [string, string] => p !== null).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

  /** a coordinate the query refuses: not a number, out of range, or the same key twice */
  const badQueryCoord = (range: number) =>
    fc.oneof(
      fc.constantFrom('abc', 'NaN', 'Infinity', '-Infinity', '1e400', '22,54', '22.5.4', '0x', 'null', 'undefined', '١٢'),
      fc.double({ min: range, max: 1e300, minExcluded: true, noNaN: true }).map(String),
      fc.double({ min: -1e300, max: -range, maxExcluded: true, noNaN: true }).map(String),
      ascii(8).filter((s) => Number.isNaN(Number(s))),
    );

  const locate: fc.Arbitrary<Req> = fc.oneof(
    fc.tuple(badQueryCoord(90), fc.oneof(validLng.map(String), badQueryCoord(180))).map(([lat, lng]) => qs([['lat', lat], ['lng', lng]])),
    fc.tuple(validLat.map(String), badQueryCoord(180)).map(([lat, lng]) => qs([['lat', lat], ['lng', lng]])),
    fc.tuple(farLat.map(String), validLng.map(String), fc.constantFrom(undefined, 'wgs84', 'gcj02')).map(([lat, lng, datum]) => qs([['lat', lat], ['lng', lng], datum ? ['datum', datum] : null])), // outside_service_area
    fc.constantFrom('', 'lat=22.54', 'lng=113.93', `lat=22.54&lng=113.93&datum=bd09`, 'lat=22.54&lat=22.55&lng=113.93', 'lat=&lng=', 'lat=%zz&lng=1', 'lat[]=1&lng[]=2'),
  ).map((q) => ({ kind: 'locate', method: 'GET', path: `/v1/areas/locate?${q}` }));

  const nearby: fc.Arbitrary<Req> = fc.oneof(
    { weight: 4, arbitrary: fc.oneof(
      fc.tuple(badQueryCoord(90), validLng.map(String), fc.constantFrom(...CATEGORIES)).map(([lat, lng, category]) => qs([['lat', lat], ['lng', lng], ['category', category]])),
      fc.tuple(validLat.map(String), badQueryCoord(180), fc.constantFrom(...CATEGORIES)).map(([lat, lng, category]) => qs([['lat', lat], ['lng', lng], ['category', category]])),
      fc.tuple(validLat.map(String), validLng.map(String), fc.oneof(ascii(12).filter((c) => !CATEGORIES.includes(c)), fc.constant(null))).map(([lat, lng, category]) => qs([['lat', lat], ['lng', lng], category === null ? null : ['category', category]])),
      fc.constant(0).map(() => qs([['lat', String(location.lat)], ['lng', String(location.lng)], ['category', 'other'], ['category', 'dispute']])),
      fc.constant(0).map(() => qs([['lat', String(location.lat)], ['lng', String(location.lng)], ['category', 'other'], ['datum', 'bd09']])),
    ).map((q) => ({ kind: 'nearby', method: 'GET', path: `/v1/reports/nearby?${q}`, as: RESIDENT }) as Req) },
    { weight: 1, arbitrary: fc.constant(0).map(() => ({ kind: 'nearby:anon', method: 'GET', path: `/v1/reports/nearby?lat=${location.lat}&lng=${location.lng}&category=other`, want: expecting(401, 'unauthenticated') }) as Req) },
  );

  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  /** cursors no page ever handed out: garbage, decoded-but-wrong, someone else's partition */
  const badCursor = fc.oneof(
    fc.constantFrom('garbage', '!!!', '%%%', '{}', 'null', '-1', '1.5', '1e3', '00', ' 1', 'x'.repeat(2001)),
    ascii(30).filter((s) => s.length > 0 && !/^(0|[1-9]\d*)$/.test(s)),
    fc.dictionary(alnum(1, 8), fc.oneof(ascii(10), fc.integer()), { maxKeys: 4 }).map(b64),
    fc.constantFrom({ PK: 'REPORT#x', SK: 'REPORT' }, { PK: `USER#${RESIDENT2}`, SK: 'INBOX#2026' }, { GSI1PK: `USER#${RESIDENT2}`, GSI1SK: 'x', PK: 'REPORT#x', SK: 'MEMBER#y' }, { PK: 1, SK: [] }).map(b64),
  );
  const badLimit = fc.oneof(fc.constantFrom('0', '101', '-1', 'abc', '1.5', '1e3', 'NaN', '', ' ', 'Infinity', '100000000000000000000', '10,20'), fc.integer({ min: 101 }).map(String), fc.integer({ max: 0 }).map(String));

  /** list queries with at least one bad parameter (the others valid or absent) */
  function listQuery(extra: { key: string; valid: string[]; bad: fc.Arbitrary<string> } | null) {
    const validPair = (key: string, values: string[]) => fc.option(fc.constantFrom(...values).map((v) => [key, v] as [string, string]), { nil: null });
    const good = [validPair('limit', ['1', '20', '100']), ...(extra ? [validPair(extra.key, extra.valid)] : [])];
    const bad = [badLimit.map((v) => ['limit', v] as [string, string]), badCursor.map((v) => ['cursor', v] as [string, string]), ...(extra ? [extra.bad.map((v) => [extra.key, v] as [string, string])] : [])];
    return fc.tuple(fc.oneof(...bad), ...good).map(([b, ...g]) => qs([...g.filter((p) => p?.[0] !== b[0]), b]));
  }

  const tasks: fc.Arbitrary<Req> = fc.oneof(
    { weight: 5, arbitrary: fc.tuple(listQuery({ key: 'state', valid: ['open', 'due_soon', 'overdue', 'done', 'unplaced'], bad: ascii(10).filter((s) => !['open', 'due_soon', 'overdue', 'done', 'unplaced'].includes(s)) }), fc.constantFrom(WORKER, LEADER, DISPATCHER)).map(([q, as]) => ({ kind: 'tasks', method: 'GET', path: `/v1/tasks?${q}`, as }) as Req) },
    { weight: 1, arbitrary: fc.constantFrom(RESIDENT, undefined).map((as) => ({ kind: 'tasks:who', method: 'GET', path: '/v1/tasks?state=open', ...(as ? { as } : {}) }) as Req) },
  );

  const mine: fc.Arbitrary<Req> = fc.oneof(
    { weight: 4, arbitrary: listQuery({ key: 'scope', valid: ['mine'], bad: ascii(10).filter((s) => s !== 'mine') }).map((q) => ({ kind: 'mine', method: 'GET', path: `/v1/reports?${q}`, as: RESIDENT }) as Req) },
    { weight: 1, arbitrary: fc.constantFrom(WORKER, undefined).map((as) => ({ kind: 'mine:who', method: 'GET', path: '/v1/reports?scope=mine', ...(as ? { as } : {}) }) as Req) },
  );

  const inbox: fc.Arbitrary<Req> = fc.tuple(listQuery(null), fc.constantFrom(RESIDENT, WORKER)).map(([q, as]) => ({ kind: 'inbox', method: 'GET', path: `/v1/inbox?${q}`, as }));

  const getById: fc.Arbitrary<Req> = fc.oneof(
    fc.tuple(fc.oneof(badId, missingId), fc.constantFrom(RESIDENT, WORKER)).map(([id, as]) => ({ kind: 'report:get', method: 'GET', path: `/v1/reports/${encodeURIComponent(id)}`, as }) as Req),
    fc.constantFrom(RESIDENT2, OTHER_WORKER, OTHER_LEADER, OTHER_DISPATCHER).map((as) => ({ kind: 'report:get-who', method: 'GET', path: `/v1/reports/${FR}`, as, want: expecting(403, 'forbidden') }) as Req),
    fc.tuple(fc.oneof(badId, missingId), fc.constantFrom(RESIDENT, WORKER)).map(([id, as]) => ({ kind: 'upload:get', method: 'GET', path: `/v1/uploads/${encodeURIComponent(id)}`, as }) as Req),
    fc.constant(0).map(() => ({ kind: 'upload:get-who', method: 'GET', path: `/v1/uploads/${theirUpload}`, as: RESIDENT, want: expecting(404, 'not_found') }) as Req),
    // raw path oddities that stay inside /v1
    fc.constantFrom('/v1/reports/..%2F..%2Fetc%2Fpasswd', '/v1/reports/%2e%2e', '/v1/reports/%zz', '/v1/reports/%', '/v1/reports/%E4', '/v1/reports/a%00b', '/v1/reports/%F0%9F%92%A9', '/v1/uploads/..%5C..%5Cwin', '/v1/reports/R1/%2e%2e/actions', '/v1/reports//actions', '/v1/reports/ /rating').map((path) => ({ kind: 'path:raw', method: 'GET', path, as: RESIDENT }) as Req),
    fc.integer({ min: 150, max: 250 }).map((n) => ({ kind: 'path:long', method: 'GET', path: `/v1/reports/${'R'.repeat(n)}`, as: RESIDENT }) as Req),
    fc.tuple(unicode(10).filter((s) => s.length > 0 && !ID.test(s)), fc.constantFrom('reports', 'uploads')).map(([s, where]) => ({ kind: 'path:unicode', method: 'GET', path: `/v1/${where}/${encodeURIComponent(s)}`, as: RESIDENT }) as Req),
  );

  const devLogin: fc.Arbitrary<Req> = fc.oneof(
    fc.oneof(badId, nonString, missingId.filter((id) => !SEEDED_IDS.includes(id)), fc.constantFrom('u-res-zhang ', 'U-RES-ZHANG', 'u-admin\u0000', 'u-nobody')).map((userId) => ({ userId })),
    fc.constantFrom({}, { user: 'u-admin' }, { userId: ['u-admin'] }, { userId: { id: 'u-admin' } }),
    nonString.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)),
  ).map((body) => ({ kind: 'auth:dev', method: 'POST', path: '/v1/auth/dev', body }));

  const consent: fc.Arbitrary<Req> = fc.oneof(
    fc.oneof(badText(40), ascii(40).filter((v) => v.trim() !== CONSENT_VERSION && v.trim().length > 0), fc.constantFrom('2020-01', '2026-10', '2026-12', 'latest', '2026-11-01')).map((version) => ({ kind: 'consent', method: 'POST', path: '/v1/me/consent', as: RESIDENT, body: { version } }) as Req),
    fc.constantFrom({}, null, [], 'yes', true).map((body) => ({ kind: 'consent', method: 'POST', path: '/v1/me/consent', as: RESIDENT, body }) as Req),
    fc.constantFrom(WORKER, DISPATCHER, undefined).map((as) => ({ kind: 'consent:who', method: 'POST', path: '/v1/me/consent', ...(as ? { as } : {}), body: { version: CONSENT_VERSION } }) as Req),
  );

  const duty: fc.Arbitrary<Req> = fc.oneof(
    fc.oneof(ascii(12).filter((s) => !['on_duty', 'off_duty', 'on_leave'].includes(s)), nonString, fc.constantFrom('ON_DUTY', 'on_duty ', 'sick', '')).map((state) => ({ kind: 'duty', method: 'PUT', path: '/v1/me/duty', as: WORKER, body: { state } }) as Req),
    fc.constantFrom({}, null, [], { duty: 'on_duty' }, { state: ['on_duty'] }).map((body) => ({ kind: 'duty', method: 'PUT', path: '/v1/me/duty', as: LEADER, body }) as Req),
    fc.constantFrom(RESIDENT, undefined).map((as) => ({ kind: 'duty:who', method: 'PUT', path: '/v1/me/duty', ...(as ? { as } : {}), body: { state: 'off_duty' } }) as Req),
  );

  /** every JSON endpoint with a valid-looking body, to break the transport instead */
  const jsonEndpoints = (): Array<{ method: string; path: string; as?: string; body: unknown }> => [
    { method: 'POST', path: '/v1/reports', as: RESIDENT, body: validReport() },
    { method: 'POST', path: `/v1/reports/${FR}/actions`, as: LEADER, body: { action: 'remind' } },
    { method: 'POST', path: `/v1/reports/${FR}/rating`, as: RESIDENT, body: { score: 'satisfied' } },
    { method: 'POST', path: '/v1/uploads', as: RESIDENT, body: { contentType: 'image/jpeg', size: 1000 } },
    { method: 'POST', path: '/v1/auth/dev', body: { userId: RESIDENT } },
    { method: 'POST', path: '/v1/me/consent', as: RESIDENT, body: { version: CONSENT_VERSION } },
    { method: 'PUT', path: '/v1/me/duty', as: WORKER, body: { state: 'on_duty' } },
  ];
  const endpointIndex = fc.integer({ min: 0, max: 6 });

  /** strings JSON.parse refuses */
  const brokenJson = fc.oneof(
    fc.constantFrom('{', '{"a":', '{"a":1,}', "{'a':1}", '{a:1}', '[1,2', 'undefined', 'NaN', '{"a":1}}', '"unterminated', '\u0000', '{"a":"\u0001"}', '\ufeff{"a":1', '{"a":01}', '{"a":.5}', 'tru', ')]}\'\n{}'),
    ascii(40).filter((s) => s.trim().length > 0 && !parses(s)),
  );
  function parses(s: string): boolean {
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  }
  const badContentType = fc.oneof(
    fc.constantFrom('text/plain', 'text/plain; charset=utf-8', 'application/xml', 'text/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/jsonp', 'application/javascript', 'json', 'image/jpeg'),
    ascii(30).filter((s) => s.trim().length > 0 && !/^application\/json\b/i.test(s.trim())),
  );

  const transport: fc.Arbitrary<Req> = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(endpointIndex, brokenJson).map(([i, raw]) => {
      const e = jsonEndpoints()[i]!;
      return { kind: 'transport:json', method: e.method, path: e.path, ...(e.as ? { as: e.as } : {}), raw, headers: { 'content-type': 'application/json' }, want: expecting(400, 'invalid_json') } as Req;
    }) },
    { weight: 3, arbitrary: fc.tuple(endpointIndex, badContentType).map(([i, type]) => {
      const e = jsonEndpoints()[i]!;
      return { kind: 'transport:type', method: e.method, path: e.path, ...(e.as ? { as: e.as } : {}), raw: JSON.stringify(e.body), headers: { 'content-type': type }, want: expecting(415, 'unsupported_media_type') } as Req;
    }) },
    { weight: 1, arbitrary: endpointIndex.map((i) => {
      const e = jsonEndpoints()[i]!;
      return { kind: 'transport:empty', method: e.method, path: e.path, ...(e.as ? { as: e.as } : {}), headers: { 'content-type': 'application/json' }, want: expecting(400, 'invalid_json') } as Req;
    }) },
    // bodies over the 1 MB limit (2 MB), valid JSON otherwise
    { weight: 1, arbitrary: fc.tuple(endpointIndex, fc.integer({ min: 1 * MB + 1, max: 2 * MB })).map(([i, n]) => {
      const e = jsonEndpoints()[i]!;
      return { kind: 'transport:huge', method: e.method, path: e.path, ...(e.as ? { as: e.as } : {}), raw: JSON.stringify({ ...(e.body as object), padding: 'x'.repeat(n) }), headers: { 'content-type': 'application/json' }, want: expecting(413, 'payload_too_large') } as Req;
    }) },
    // bad tokens on a valid request
    { weight: 2, arbitrary: fc.tuple(endpointIndex.filter((i) => jsonEndpoints()[i]!.as !== undefined), fc.oneof(fc.constantFrom('garbage', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1LWFkbWluIn0.', 'null'), fc.stringMatching(/^[A-Za-z0-9_.-]{1,200}$/))).map(([i, token]) => {
      const e = jsonEndpoints()[i]!;
      return { kind: 'transport:token', method: e.method, path: e.path, token, body: e.body, want: expecting(401, 'unauthenticated') } as Req;
    }) },
    { weight: 1, arbitrary: fc.constantFrom<[string, string]>(['DELETE', '/v1/reports'], ['PUT', '/v1/reports'], ['PATCH', '/v1/me/duty'], ['GET', '/v1/uploads'], ['GET', '/v1/nope'], ['POST', '/v1/areas/locate'], ['GET', '/v1/reports/x/actions'], ['DELETE', '/v1/auth/dev']).map(([method, path]) => ({ kind: 'transport:route', method, path, as: RESIDENT }) as Req) },
  );

  return fc.oneof(
    { weight: 12, arbitrary: reportsCreate },
    { weight: 10, arbitrary: actions },
    { weight: 3, arbitrary: rating },
    { weight: 4, arbitrary: uploads },
    { weight: 3, arbitrary: locate },
    { weight: 3, arbitrary: nearby },
    { weight: 3, arbitrary: tasks },
    { weight: 2, arbitrary: mine },
    { weight: 1, arbitrary: inbox },
    { weight: 4, arbitrary: getById },
    { weight: 2, arbitrary: devLogin },
    { weight: 2, arbitrary: consent },
    { weight: 2, arbitrary: duty },
    { weight: 6, arbitrary: transport },
  );
}

interface Failure {
  kind: string;
  status: number;
  request: string;
  response: string;
  problem: string;
}

/** What is wrong with an answer to a request that should have been refused (null: nothing). */
function problemWith(r: Res, label: string, want?: [number, string]): string | null {
  if (r.status < 400 || r.status >= 500) return `status ${r.status}`;
  if (want && (r.status !== want[0] || r.json?.error?.code !== want[1])) return `wanted ${want.join(' ')}, got ${r.status} ${String(r.json?.error?.code)}`;
  try {
    expectErrorBody(r, label);
  } catch (e) {
    return `error body: ${(e as Error).message.split('\n')[0]!.slice(0, 200)}`;
  }
  return null;
}

describe('fuzz', () => {
  it(`${RUNS} malformed requests: all 4xx with an error body, and nothing written`, async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
    const requests = fc.sample(allRequests(), { numRuns: RUNS, seed });
    await stack.drainStream();
    const before = await scanAll();
    const counts = new Map<string, number>();
    const statuses = new Map<number, number>();
    const failures: Failure[] = [];
    const started = Date.now();

    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const q = requests[next++]!;
        const r = await send(q);
        counts.set(q.kind, (counts.get(q.kind) ?? 0) + 1);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        const problem = problemWith(r, show(q), q.want);
        if (problem) failures.push({ kind: q.kind, status: r.status, request: show(q), response: r.text.slice(0, 300), problem });
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    const ms = Date.now() - started;
    const sent = [...counts.values()].reduce((a, b) => a + b, 0);
    console.log(
      `fuzz (FUZZ_SEED=${seed}): ${sent} requests in ${(ms / 1000).toFixed(1)} s, ${PARALLEL} in flight; ` +
        `statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((x, y) => x[0] - y[0])))}\n` +
        `by kind ${JSON.stringify(Object.fromEntries([...counts].sort()))}`,
    );

    // one example of each distinct failure (kind + status), with how often it happened
    const distinct = new Map<string, Failure & { times: number }>();
    for (const f of failures) {
      const k = `${f.kind} ${f.status} ${f.problem.slice(0, 40)}`;
      const seen = distinct.get(k);
      if (seen) seen.times++;
      else distinct.set(k, { ...f, times: 1 });
    }
    const report = [...distinct.values()].map((f) => `${f.times}x ${f.problem}\n   ${f.request}\n   -> ${f.response}`);
    expect(report, `FUZZ_SEED=${seed}: ${failures.length} bad answers`).toEqual([]);

    expect(sent).toBe(RUNS);
    // every kind of request was actually generated
    expect(counts.size).toBeGreaterThanOrEqual(35);

    await stack.drainStream();
    const after = await scanAll();
    expect(after.length).toBe(before.length);
    expect(fingerprint(after)).toEqual(fingerprint(before));
    // FR was never touched
    expect((await stack.api.get(`/v1/reports/${FR}`, RESIDENT)).json.version).toBe(1);
  }, 180_000);
});
