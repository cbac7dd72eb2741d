import { describe, expect, it } from 'vitest';
import { mayTouch, type AreaRights } from '../../../functions/src/domain/rights.ts';
import type { Actor } from '../../../functions/src/domain/roles.ts';
import { ALL_ACTORS, AREA_IDS, P, PARENT, areas } from './fixtures.ts';

const tree: AreaRights = { covers: (a, b) => areas.covers(a, b), roots: () => AREA_IDS.filter((id) => PARENT[id] === null) };
const admin = (areaIds: string[]): Actor => ({ id: 'a', role: 'admin', areaIds });

describe('mayTouch: the one answer to "may this actor touch this?"', () => {
  it('an area: bound to it or to an area above it, and never a resident', () => {
    expect(mayTouch(P.dsp, { areaId: 's1' }, tree)).toBe(true);
    expect(mayTouch(P.dsp, { areaId: 'g2' }, tree)).toBe(true);
    expect(mayTouch(P.dsp, { areaId: 'g4' }, tree)).toBe(false);
    expect(mayTouch(P.dsp, { areaId: 'd1' }, tree)).toBe(false);
    expect(mayTouch(P.w1, { areaId: 'm1' }, tree)).toBe(false);
    expect(mayTouch(P.r1, { areaId: 'g1' }, tree)).toBe(false);
    expect(mayTouch(P.adm, { areaId: 'unknown' }, tree)).toBe(false);
  });

  it('a place: its grid or its beat, as the transition table sees it', () => {
    const place = { gridId: 'g1', beatId: 'b1' };
    expect(mayTouch(P.o1, place, tree)).toBe(true);
    expect(mayTouch(P.w1, place, tree)).toBe(true);
    expect(mayTouch(P.w2, place, tree)).toBe(false);
    expect(mayTouch(P.dsp2, place, tree)).toBe(false);
  });

  it('the whole map: only an actor covering every root of the stored tree', () => {
    expect(mayTouch(P.adm, 'city', tree)).toBe(true);
    expect(mayTouch(admin(['s1']), 'city', tree)).toBe(false);
    expect(mayTouch(admin(['s1', 's2', 'st1', 'st2']), 'city', tree)).toBe(false);
    expect(mayTouch(admin(['d1']), 'city', tree)).toBe(false);
    // a second root (a police tree imported apart) must be covered too
    const twoRoots: AreaRights = { covers: tree.covers, roots: () => ['city', 'police'] };
    expect(mayTouch(P.adm, 'city', twoRoots)).toBe(false);
    expect(mayTouch(admin(['city', 'police']), 'city', twoRoots)).toBe(true);
    // an empty tree is nobody's
    expect(mayTouch(P.adm, 'city', { covers: () => true, roots: () => [] })).toBe(false);
  });

  it('no resident touches anything, whatever ids they claim', () => {
    const claims: Actor = { id: 'r', role: 'resident', areaIds: ['city'] };
    for (const t of [{ areaId: 'g1' }, { gridId: 'g1', beatId: 'b1' }, 'city' as const]) expect(mayTouch(claims, t, tree)).toBe(false);
    for (const a of ALL_ACTORS.filter((x) => x.role === 'resident')) expect(mayTouch(a, { areaId: 'city' }, tree)).toBe(false);
  });
});
