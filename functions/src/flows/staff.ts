/**
 * Gathers the staff around a place for routing: bound to the grid and to the beat, and — only
 * when the grid has no available worker, the one case routing looks there — above it. How many
 * open tasks a handler holds (one COUNT query on their queue) is read only where routing has a
 * choice to make: two or more available handlers of the same role in the same list.
 */
import { staffOfArea, type StaffOfArea } from '#store/users';
import { countOpenTasks } from '#store/reports';
import type { Candidate, StaffAround } from '#domain/routing';
import type { AreaTree } from '#geo/areas';

const HANDLERS = new Set(['grid_worker', 'police_officer']);

const available = (s: StaffOfArea) => s.active && s.duty === 'on_duty';
const toCandidate = (s: StaffOfArea): Candidate => ({ userId: s.userId, role: s.role, name: s.name, active: s.active, duty: s.duty });

async function withLoad(list: StaffOfArea[]): Promise<Candidate[]> {
  const rivals = (s: StaffOfArea) => list.filter((x) => x.role === s.role && available(x)).length;
  return Promise.all(
    list.map(async (s) => ({
      ...toCandidate(s),
      ...(HANDLERS.has(s.role) && available(s) && rivals(s) > 1 ? { openTasks: await countOpenTasks(s.userId) } : {}),
    })),
  );
}

export async function staffAround(tree: AreaTree, gridId: string, beatId: string): Promise<StaffAround> {
  const [grid, beat] = await Promise.all([staffOfArea(gridId), staffOfArea(beatId)]);
  const gridHasWorker = grid.some((s) => s.role === 'grid_worker' && available(s));
  const above = gridHasWorker
    ? []
    : tree
        .ancestors(gridId)
        .filter((a) => a.level === 'community' || a.level === 'street')
        .map((a) => a.id);
  const [gridC, beatC, ...aboveLists] = await Promise.all([withLoad(grid), withLoad(beat), ...above.map((id) => staffOfArea(id))]);
  return { grid: gridC, beat: beatC, above: aboveLists.flat().map(toCandidate) };
}
