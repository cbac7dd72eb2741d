/** Community responders' pure rules: nearest-N, rounds, arrival, earnings, recommendation, measures, position cells. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ngeohash from 'ngeohash';
import { ASSIST_DEFAULTS, arrivedAt, earnings, nearestResponders, roundRadius, type Nearby } from '../../../functions/src/domain/responders.ts';
import { recommend, DEFAULT_RESPONDER_SETTINGS, type CandidateFacts } from '../../../functions/src/domain/recommend.ts';
import { assistKpisOf, assistStepDeltas, quantileOf, rollDeltas } from '../../../functions/src/domain/assist-kpi.ts';
import { sumByArea, isCounterKey } from '../../../functions/src/domain/kpi.ts';
import { distanceMeters } from '../../../functions/src/geo/datum.ts';
import { cellsAround } from '../../../functions/src/store/responders.ts';
import type { AssistStep } from '../../../functions/src/domain/assists.ts';
import type { VolunteerRecord } from '../../../functions/src/domain/responders.ts';

const PLACE = { lat: 22.54, lng: 113.94 };
const NOW = new Date('2026-12-01T12:00:00.000Z');
const m = (north: number, east: number) => ({ lat: PLACE.lat + north / 111_320, lng: PLACE.lng + east / (111_320 * Math.cos((PLACE.lat * Math.PI) / 180)) });

const responderArb = fc.record({
  userId: fc.stringMatching(/^u-[a-z0-9]{4}$/),
  north: fc.integer({ min: -1500, max: 1500 }),
  east: fc.integer({ min: -1500, max: 1500 }),
  skills: fc.subarray(['消防', '电工', '急救'] as const),
  ageMin: fc.integer({ min: 0, max: 30 }),
});

describe('nearestResponders', () => {
  it('is the n nearest live responders with every needed skill within the radius, nearest first (brute force)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(responderArb, { selector: (r) => r.userId, maxLength: 40 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 100, max: 1500 }), fc.subarray(['消防', '急救'] as const), (rs, n, radiusM, skills) => {
        const cands: Nearby[] = rs.map((r) => ({ userId: r.userId, name: r.userId, kind: 'volunteer', skills: [...r.skills], at: new Date(NOW.getTime() - r.ageMin * 60_000).toISOString(), ...m(r.north, r.east) }));
        const got = nearestResponders(PLACE, cands, { skills, radiusM, n, exclude: new Set() }, NOW).map((r) => r.userId);
        const brute = cands
          .filter((c) => NOW.getTime() - Date.parse(c.at) < 15 * 60_000 && skills.every((s) => c.skills.includes(s)))
          .map((c) => ({ id: c.userId, d: Math.round(distanceMeters(PLACE, c)) }))
          .filter((x) => x.d <= radiusM)
          .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1))
          .slice(0, n)
          .map((x) => x.id);
        expect(got).toEqual(brute);
      }),
      { numRuns: 300 },
    );
  });

  it('never offers anyone excluded (offered before) or over the daily cap', () => {
    const cands: Nearby[] = ['a', 'b', 'c', 'd'].map((id, i) => ({ userId: id, name: id, kind: 'guard', skills: [], at: NOW.toISOString(), ...m(10 * (i + 1), 0) }));
    const got = nearestResponders(PLACE, cands, { skills: [], radiusM: 500, n: 3, exclude: new Set(['a']), capped: new Set(['c']) }, NOW);
    expect(got.map((r) => r.userId)).toEqual(['b', 'd']);
  });
});

describe('rounds, arrival, earnings', () => {
  it('widens to 1 km after the first round, never narrows', () => {
    expect(roundRadius(500, 1)).toBe(500);
    expect(roundRadius(500, 2)).toBe(ASSIST_DEFAULTS.widenedRadiusM);
    expect(roundRadius(500, 3)).toBe(ASSIST_DEFAULTS.widenedRadiusM);
    expect(roundRadius(2000, 2)).toBe(2000);
  });

  it('arrival counts within 200 m, the fix accuracy allowed for up to 50 m', () => {
    expect(arrivedAt(PLACE, { ...m(190, 0), accuracy: 5 }).ok).toBe(true);
    expect(arrivedAt(PLACE, { ...m(240, 0), accuracy: 45 }).ok).toBe(true);
    expect(arrivedAt(PLACE, { ...m(260, 0), accuracy: 500 }).ok).toBe(false); // a poor fix buys no more than 50 m
    const far = arrivedAt(PLACE, { ...m(400, 0), accuracy: 10 });
    expect(far).toMatchObject({ ok: false });
    expect(far.distanceM).toBeGreaterThan(390);
  });

  it('earns 10 + 2 per star and half hours from accept to done (half an hour to 8 hours)', () => {
    expect(earnings(5, '2026-12-01T10:00:00Z', '2026-12-01T10:10:00Z')).toEqual({ points: 20, hours: 0.5 });
    expect(earnings(1, '2026-12-01T10:00:00Z', '2026-12-01T11:31:00Z')).toEqual({ points: 12, hours: 2 });
    expect(earnings(3, '2026-12-01T10:00:00Z', '2026-12-02T10:00:00Z').hours).toBe(8);
  });
});

describe('recommend', () => {
  const staff = (over: Partial<CandidateFacts>): CandidateFacts => ({ userId: 'w', kind: 'staff', role: 'grid_worker', name: '王师傅', distanceM: 0, from: 'same_grid', skills: [], leads: true, openTasks: 0, onDuty: true, ...over });
  it('ranks by the weighted score and says why in Chinese', () => {
    const out = recommend(
      [
        staff({ userId: 'w-busy', openTasks: 4 }),
        staff({ userId: 'w-free' }),
        { userId: 'v', kind: 'responder', role: 'volunteer', name: '赵志愿', distanceM: 180, from: 'position', skills: ['消防'], openTasks: 1, onDuty: true },
        staff({ userId: 'w-off', onDuty: false }),
      ],
      'fire_exit_blocked',
      DEFAULT_RESPONDER_SETTINGS,
    );
    expect(out[0]!.userId).toBe('w-free');
    expect(out.map((c) => c.score)).toEqual([...out.map((c) => c.score)].sort((a, b) => b - a));
    expect(out.find((c) => c.userId === 'v')!.reason).toBe('距离 180 米 · 擅长消防 · 当前 1 件在办');
    expect(out.find((c) => c.userId === 'w-off')!.reason).toBe('本网格 · 主责 · 不在岗');
    expect(out.at(-1)!.userId).toBe('w-off');
  });

  it('follows the weights: all on distance puts the nearest first', () => {
    const s = { ...DEFAULT_RESPONDER_SETTINGS, weights: { distance: 1, skill: 0, load: 0 } };
    const out = recommend(
      [
        { userId: 'far', kind: 'responder', role: 'volunteer', name: 'a', distanceM: 900, from: 'position', skills: ['消防'], openTasks: 0, onDuty: true },
        { userId: 'near', kind: 'responder', role: 'volunteer', name: 'b', distanceM: 100, from: 'position', skills: [], openTasks: 3, onDuty: true },
      ],
      'fire_exit_blocked',
      s,
    );
    expect(out.map((c) => c.userId)).toEqual(['near', 'far']);
  });
});

describe('the responders’ measures', () => {
  const step = (over: Partial<AssistStep>): AssistStep => ({ reportId: 'r', assistId: 'a', at: '2026-12-01T02:00:00.000Z', step: 'requested', status: 'dispatched', actor: null, gridId: 'g', kind: null, note: null, ...over });
  it('counts offers per pool, accept and arrival times, ratings — and sums to the figures', () => {
    const deltas = [
      assistStepDeltas(step({ step: 'requested', offeredKinds: { volunteer: 2, guard: 1 } })),
      assistStepDeltas(step({ step: 'accepted', kind: 'guard', seconds: 40 })),
      assistStepDeltas(step({ step: 'arrived', kind: 'guard', seconds: 400 })),
      assistStepDeltas(step({ step: 'done', kind: 'guard' })),
      assistStepDeltas(step({ step: 'rated', kind: 'guard', score: 4 })),
      assistStepDeltas(step({ step: 'declined', kind: 'volunteer' })),
    ];
    const sums = sumByArea(deltas.map((d, i) => ({ reportId: `s${i}`, version: 1, gridId: 'g', areaIds: ['g'], deltas: d })));
    const day = Object.fromEntries(sums.get('g')!.days.get('2026-12-01')!);
    for (const k of Object.keys(day)) expect(isCounterKey(k.startsWith('h:') ? 'h:x' : k), k).toBe(true);
    // the stored form of histograms: h:<name>:<seconds> -> count
    const totals: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(day)) {
      const h = /^h:([^:]+):(\d+)$/.exec(k);
      if (h) ((totals[h[1]!] ??= {}) as Record<string, number>)[h[2]!] = v;
      else totals[k] = v;
    }
    const all = assistKpisOf([totals], { responders: 6, 'responders.guard': 2 });
    expect(all).toMatchObject({ offers: 3, accepted: 1, acceptanceRate: 0.3333, medianAcceptSeconds: 40, p90ArriveSeconds: 400, done: 1, responders: 6, perResponder: 0.17, ratings: 1, ratingAverage: 4 });
    expect(assistKpisOf([totals], { responders: 6, 'responders.guard': 2 }, 'guard')).toMatchObject({ offers: 1, accepted: 1, acceptanceRate: 1, done: 1, responders: 2, perResponder: 0.5 });
    expect(assistKpisOf([totals], {}, 'volunteer')).toMatchObject({ offers: 2, accepted: 0, acceptanceRate: 0, ratingAverage: null });
  });

  it('moves the roll only when the standing changes to or from approved', () => {
    const v = (status: VolunteerRecord['status'], kind: VolunteerRecord['kind'] = 'volunteer'): VolunteerRecord => ({ userId: 'u', communityId: 'c', kind, skills: [], name: 'x', note: null, leaderboard: false, status, appliedAt: '', decidedAt: null, decidedBy: null, reason: null, version: 1 });
    expect(rollDeltas(null, v('pending')).gauges).toEqual({});
    expect(rollDeltas(v('pending'), v('approved')).gauges).toEqual({ responders: 1, 'responders.volunteer': 1 });
    expect(rollDeltas(v('approved'), v('declined')).gauges).toEqual({ responders: -1, 'responders.volunteer': -1 });
    expect(rollDeltas(v('approved'), v('approved', 'guard')).gauges).toEqual({ 'responders.volunteer': -1, 'responders.guard': 1 });
  });

  it('quantiles by nearest rank', () => {
    expect(quantileOf({}, 0.5)).toBeNull();
    expect(quantileOf({ 10: 9, 100: 1 }, 0.9)).toBe(10);
    expect(quantileOf({ 10: 8, 100: 2 }, 0.9)).toBe(100);
  });
});

describe('position cells', () => {
  it('the cells a radius meets hold every point within it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 3000 }), fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (radiusM, angle, share) => {
        const cells = new Set(cellsAround(PLACE, radiusM));
        const d = radiusM * share;
        const p = m(Math.cos(angle) * d, Math.sin(angle) * d);
        expect(cells.has(ngeohash.encode(p.lat, p.lng, 6))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
