import { describe, it, expect } from 'vitest';
import { AreaTree, centroidOf, validateSnapshot } from '../../../functions/src/geo/areas.ts';
import type { Area, AreaSnapshot } from '../../../functions/src/geo/areas.ts';
import { demoCity } from '../../../functions/src/geo/demo-city.ts';
import { square } from './pip.ts';

const tree = new AreaTree(demoCity());
const ids = (areas: Area[]) => areas.map((a) => a.id);

describe('AreaTree on the demo city', () => {
  it('carries the snapshot version and finds areas by id', () => {
    expect(tree.version).toBe('demo-1');
    expect(tree.get('gr-kejiyuan-01')?.name).toBe('科技园社区第一网格');
    expect(tree.get('nope')).toBeUndefined();
  });

  it('lists by level and by parent', () => {
    expect(tree.list({ level: 'grid' })).toHaveLength(20);
    expect(tree.list({ level: 'beat' })).toHaveLength(5);
    expect(ids(tree.list({ level: 'community', parentId: 'st-yuehai' }))).toEqual(['cm-kejiyuan', 'cm-haizhu']);
    expect(ids(tree.list({ parentId: 'gd-nanshan' }))).toEqual(['st-yuehai', 'st-nantou', 'ps-yuehai']);
    expect(tree.list()).toHaveLength(34); // 1 city, 1 district, 2 streets, 4 communities, 20 grids, 1 station, 5 beats
  });

  it('gives children by parentId, and a beat\'s grids by beatId', () => {
    expect(ids(tree.children('cm-tongle'))).toEqual(['gr-tongle-01', 'gr-tongle-02', 'gr-tongle-03', 'gr-tongle-04', 'gr-tongle-05']);
    expect(ids(tree.children('ps-yuehai'))).toEqual(['bt-nanshandadao', 'bt-taoyuan', 'bt-shenda', 'bt-gaoxin', 'bt-kejiyuan']);
    expect(tree.children('gr-tongle-01')).toEqual([]);
    expect(ids(tree.gridsOfBeat('bt-shenda'))).toEqual(['gr-kejiyuan-03', 'gr-haizhu-03', 'gr-nantoucheng-03', 'gr-tongle-03']);
  });

  it('returns copies, so a caller cannot corrupt the tree', () => {
    tree.children('cm-tongle').pop();
    tree.ancestors('gr-tongle-01').pop();
    expect(tree.children('cm-tongle')).toHaveLength(5);
    expect(tree.ancestors('gr-tongle-01')).toHaveLength(6);
  });

  it('lists ancestors nearest first: the administrative chain, then the police chain', () => {
    expect(ids(tree.ancestors('gr-kejiyuan-01'))).toEqual(['cm-kejiyuan', 'st-yuehai', 'gd-nanshan', 'ct-shenzhen', 'bt-nanshandadao', 'ps-yuehai']);
    expect(ids(tree.ancestors('bt-gaoxin'))).toEqual(['ps-yuehai', 'gd-nanshan', 'ct-shenzhen']);
    expect(ids(tree.ancestors('cm-haizhu'))).toEqual(['st-yuehai', 'gd-nanshan', 'ct-shenzhen']);
    expect(tree.ancestors('ct-shenzhen')).toEqual([]);
    expect(tree.ancestors('nope')).toEqual([]);
  });

  it('covers: self and administrative ancestors', () => {
    expect(tree.covers('gr-haizhu-02', 'gr-haizhu-02')).toBe(true);
    expect(tree.covers('cm-haizhu', 'gr-haizhu-02')).toBe(true);
    expect(tree.covers('st-yuehai', 'gr-haizhu-02')).toBe(true);
    expect(tree.covers('ct-shenzhen', 'gr-haizhu-02')).toBe(true);
    expect(tree.covers('st-nantou', 'gr-haizhu-02')).toBe(false);
    expect(tree.covers('cm-kejiyuan', 'gr-haizhu-02')).toBe(false);
    expect(tree.covers('gr-haizhu-02', 'cm-haizhu')).toBe(false); // not upwards
    expect(tree.covers('gr-haizhu-01', 'gr-haizhu-02')).toBe(false); // not sideways
  });

  it('covers: a beat and its station reach the grids of the beat, and only those', () => {
    expect(tree.covers('bt-taoyuan', 'gr-haizhu-02')).toBe(true);
    expect(tree.covers('bt-taoyuan', 'gr-tongle-02')).toBe(true);
    expect(tree.covers('bt-taoyuan', 'gr-haizhu-03')).toBe(false);
    expect(tree.covers('ps-yuehai', 'gr-tongle-05')).toBe(true);
    expect(tree.covers('bt-taoyuan', 'cm-haizhu')).toBe(false); // a beat cuts across communities
    expect(tree.covers('cm-haizhu', 'bt-taoyuan')).toBe(false);
    expect(tree.covers('gd-nanshan', 'bt-taoyuan')).toBe(true);
  });

  it('covers: unknown ids cover nothing and are covered by nothing', () => {
    expect(tree.covers('nope', 'gr-haizhu-02')).toBe(false);
    expect(tree.covers('ct-shenzhen', 'nope')).toBe(false);
    expect(tree.covers('nope', 'nope')).toBe(false);
  });

  it('gives a grid\'s lineage', () => {
    const l = tree.lineage('gr-tongle-03');
    expect({
      grid: l.grid?.id,
      community: l.community?.id,
      street: l.street?.id,
      district: l.district?.id,
      beat: l.beat?.id,
      station: l.station?.id,
    }).toEqual({
      grid: 'gr-tongle-03',
      community: 'cm-tongle',
      street: 'st-nantou',
      district: 'gd-nanshan',
      beat: 'bt-shenda',
      station: 'ps-yuehai',
    });
  });

  it('gives an empty lineage for a non-grid or unknown id', () => {
    for (const id of ['cm-tongle', 'bt-shenda', 'nope']) {
      expect(Object.values(tree.lineage(id)).every((a) => a === undefined)).toBe(true);
    }
  });
});

describe('AreaTree construction', () => {
  const base = (): AreaSnapshot => ({
    version: 't',
    areas: [
      { id: 'c', name: 'c', level: 'city', parentId: null, centroid: { lat: 0, lng: 0 } },
      { id: 'd', name: 'd', level: 'district', parentId: 'c', centroid: { lat: 0, lng: 0 } },
    ],
  });

  it('refuses duplicate ids, because covers() would be ambiguous', () => {
    const s = base();
    s.areas.push({ ...(s.areas[1] as Area), name: 'again' });
    expect(() => new AreaTree(s)).toThrow(/duplicate id d/);
  });

  it('refuses a parent cycle', () => {
    const s = base();
    (s.areas[0] as Area).parentId = 'd';
    expect(() => new AreaTree(s)).toThrow(/loops/);
  });

  it('tolerates an unknown parent (partial fixtures), stopping the chain there', () => {
    const s = base();
    (s.areas[1] as Area).parentId = 'missing';
    const t = new AreaTree(s);
    expect(t.ancestors('d')).toEqual([]);
    expect(t.covers('c', 'd')).toBe(false);
  });
});

describe('validateSnapshot', () => {
  it('finds nothing wrong with the demo city', () => {
    expect(validateSnapshot(demoCity())).toEqual([]);
  });

  /** Apply one fault to a fresh demo city and return the problems found. */
  function problemsAfter(fault: (byId: (id: string) => Area, s: AreaSnapshot) => void): string[] {
    const s = demoCity();
    const byId = (id: string): Area => {
      const a = s.areas.find((x) => x.id === id);
      if (a === undefined) throw new Error(`no ${id} in the demo`);
      return a;
    };
    fault(byId, s);
    return validateSnapshot(s);
  }

  it('reports an unknown parent', () => {
    expect(problemsAfter((a) => (a('gr-haizhu-01').parentId = 'cm-missing'))).toEqual(['gr-haizhu-01: unknown parent cm-missing']);
  });

  it('reports a grid without a beat', () => {
    expect(problemsAfter((a) => delete a('gr-haizhu-01').beatId)).toEqual(['gr-haizhu-01: grid without beat']);
  });

  it('reports a beatId that is not a beat, or does not exist', () => {
    expect(problemsAfter((a) => (a('gr-haizhu-01').beatId = 'cm-haizhu'))).toEqual(['gr-haizhu-01: beatId cm-haizhu is a community, not a beat']);
    expect(problemsAfter((a) => (a('gr-haizhu-01').beatId = 'bt-missing'))).toEqual(['gr-haizhu-01: unknown beat bt-missing']);
  });

  it('reports a beatId on something other than a grid', () => {
    expect(problemsAfter((a) => (a('cm-haizhu').beatId = 'bt-shenda'))).toEqual(['cm-haizhu: only grids have a beatId']);
  });

  it('reports duplicate ids', () => {
    expect(problemsAfter((a, s) => s.areas.push({ ...a('gr-haizhu-01') }))).toEqual(['duplicate id gr-haizhu-01']);
  });

  it('reports a grid without geometry', () => {
    expect(problemsAfter((a) => delete a('gr-haizhu-01').geometry)).toEqual(['gr-haizhu-01: grid without geometry']);
  });

  it('reports a parent of the wrong level', () => {
    expect(problemsAfter((a) => (a('gr-haizhu-01').parentId = 'st-yuehai'))).toEqual([
      'gr-haizhu-01: a grid cannot sit under st-yuehai (a street)',
    ]);
    expect(problemsAfter((a) => (a('st-yuehai').parentId = null))).toEqual(['st-yuehai: a street needs a parent']);
  });

  it('reports a parent cycle', () => {
    const problems = problemsAfter((a) => (a('ct-shenzhen').parentId = 'cm-haizhu'));
    expect(problems).toContain('ct-shenzhen: parent chain loops back to itself');
    expect(problems).toContain('cm-haizhu: parent chain loops back to itself');
  });

  it('reports malformed rings and centroids', () => {
    expect(
      problemsAfter((a) => {
        const g = a('gr-haizhu-01').geometry;
        if (g?.type === 'Polygon') g.coordinates[0]?.pop();
      }),
    ).toEqual(['gr-haizhu-01: ring is not closed']);
    expect(problemsAfter((a) => (a('gr-haizhu-01').geometry = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] }))).toEqual([
      'gr-haizhu-01: ring has 3 positions (needs at least 4)',
    ]);
    expect(problemsAfter((a) => (a('gr-haizhu-01').centroid = { lat: NaN, lng: 1 }))).toEqual(['gr-haizhu-01: centroid is not a finite coordinate']);
  });

  it('reports a missing version', () => {
    expect(problemsAfter((_a, s) => (s.version = ''))).toEqual(['snapshot has no version']);
  });
});

describe('centroidOf', () => {
  it('finds the centre of a square far from the origin', () => {
    const c = centroidOf({ type: 'Polygon', coordinates: [square(113.9, 22.5, 0.01)] });
    expect(c.lng).toBeCloseTo(113.905, 12);
    expect(c.lat).toBeCloseTo(22.505, 12);
  });

  it('subtracts holes', () => {
    // 4×4 square minus the 2×2 hole in its right half, centred vertically: centroid shifts left.
    const c = centroidOf({ type: 'Polygon', coordinates: [square(0, 0, 4), square(2, 1, 2).reverse()] });
    expect(c.lat).toBeCloseTo(2, 12);
    expect(c.lng).toBeCloseTo((16 * 2 - 4 * 3) / 12, 12);
  });

  it('weights MultiPolygon parts by area', () => {
    const c = centroidOf({ type: 'MultiPolygon', coordinates: [[square(0, 0, 2)], [square(10, 0, 1)]] });
    expect(c.lng).toBeCloseTo((4 * 1 + 1 * 10.5) / 5, 12);
    expect(c.lat).toBeCloseTo((4 * 1 + 1 * 0.5) / 5, 12);
  });
});
