import { describe, expect, it } from 'vitest';
import { HANDLER_ROLES, ROLES, ROLE_NAMES, STAFF_ROLES, coversPlace, isResidentSide, isStaff } from '../../../functions/src/domain/roles.ts';
import { DomainError, forbidden, invalidInput, invalidTransition, notFound, type ErrorCode } from '../../../functions/src/domain/errors.ts';
import { P, areas, makeAreas } from './fixtures.ts';

describe('roles', () => {
  it('every role has a display name; staff are all but residents and community responders, who keep the resident side', () => {
    for (const r of ROLES) expect(ROLE_NAMES[r]).toBeTruthy();
    expect([...STAFF_ROLES].sort()).toEqual(ROLES.filter((r) => r !== 'resident' && r !== 'volunteer').sort());
    for (const r of ROLES) expect(isStaff(r)).toBe(r !== 'resident' && r !== 'volunteer');
    expect(ROLES.filter(isResidentSide).sort()).toEqual(['resident', 'volunteer']);
  });

  it('tasks go to grid workers, grid leaders and officers only', () => {
    expect([...HANDLER_ROLES].sort()).toEqual(['grid_leader', 'grid_worker', 'police_officer']);
  });
});

describe('the test area tree', () => {
  it('covers walks parents, is reflexive, and does not jump from grid to beat', () => {
    expect(areas.covers('g1', 'g1')).toBe(true);
    expect(areas.covers('m1', 'g1')).toBe(true);
    expect(areas.covers('city', 'g4')).toBe(true);
    expect(areas.covers('s2', 'g1')).toBe(false);
    expect(areas.covers('g1', 'm1')).toBe(false);
    expect(areas.covers('b1', 'g1')).toBe(false);
    expect(areas.covers('st1', 'b2')).toBe(true);
    expect(areas.covers('st2', 'b1')).toBe(false);
    expect(areas.covers('g1', 'unknown')).toBe(false);
  });
});

describe('coversPlace (一地一人一账号，分级授权)', () => {
  const place = { gridId: 'g1', beatId: 'b1' };

  it('staff bound to the grid, the beat or an ancestor of either cover the place', () => {
    for (const a of [P.w1, P.l1, P.lm1, P.o1, P.dsp, P.adm]) expect(coversPlace(a, place, areas)).toBe(true);
    expect(coversPlace({ id: 'x', role: 'police_officer', areaIds: ['st1'] }, place, areas)).toBe(true);
  });

  it('staff bound elsewhere do not', () => {
    for (const a of [P.w2, P.l2, P.o2, P.o3, P.dsp2, P.w4]) expect(coversPlace(a, place, areas)).toBe(false);
    expect(coversPlace({ id: 'x', role: 'dispatcher', areaIds: [] }, place, areas)).toBe(false);
  });

  it('residents never cover anything, whatever areas they claim', () => {
    expect(coversPlace({ id: 'r', role: 'resident', areaIds: ['city'] }, place, areas)).toBe(false);
  });

  it('a missing grid or beat id is skipped, not matched', () => {
    expect(coversPlace(P.o1, { gridId: null, beatId: 'b1' }, areas)).toBe(true);
    expect(coversPlace(P.w1, { gridId: null, beatId: 'b1' }, areas)).toBe(false);
    expect(coversPlace(P.w1, { gridId: 'g1', beatId: null }, areas)).toBe(true);
    expect(coversPlace(P.adm, { gridId: null, beatId: null }, areas)).toBe(false);
  });

  it('asks the area relation (stays pure of geo)', () => {
    const rel = makeAreas();
    coversPlace(P.w1, place, rel);
    expect(rel.calls).toBeGreaterThan(0);
    const never = { covers: () => false };
    expect(coversPlace(P.adm, place, never)).toBe(false);
    const always = { covers: () => true };
    expect(coversPlace(P.w4, place, always)).toBe(true);
  });
});

describe('errors', () => {
  const expected: [ErrorCode, number][] = [
    ['invalid_input', 400],
    ['invalid_json', 400],
    ['invalid_upload', 400],
    ['outside_service_area', 400],
    ['unauthenticated', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['version_conflict', 409],
    ['invalid_transition', 409],
    ['payload_too_large', 413],
    ['unsupported_media_type', 415],
    ['idempotency_key_reused', 422],
    ['rate_limited', 429],
  ];

  it.each(expected)('%s maps to HTTP %i as API.md says', (code, status) => {
    const e = new DomainError(code, 'm');
    expect(e.status).toBe(status);
    expect(e.code).toBe(code);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('DomainError');
  });

  it('helpers build the right codes and keep details', () => {
    expect(invalidInput('x', { field: 'a' })).toMatchObject({ code: 'invalid_input', status: 400, message: 'x', details: { field: 'a' } });
    expect(forbidden()).toMatchObject({ code: 'forbidden', status: 403 });
    expect(forbidden().message.length).toBeGreaterThan(0);
    expect(notFound('事项')).toMatchObject({ code: 'not_found', status: 404, message: '事项不存在' });
    expect(invalidTransition('y', { s: 1 })).toMatchObject({ code: 'invalid_transition', status: 409, details: { s: 1 } });
  });
});
