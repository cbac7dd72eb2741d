/**
 * Gathers the staff around a place for routing: bound to the grid, above it, and to the beat,
 * with how many open tasks each handler holds (one COUNT query on their queue each; a grid has
 * a handful of workers, so this stays a few small reads).
 */
import { staffOfArea, type StaffOfArea } from '#store/users';
import { countOpenTasks } from '#store/reports';
import type { Candidate, StaffAround } from '#domain/routing';
import type { AreaTree } from '#geo/areas';

const HANDLERS = new Set(['grid_worker', 'police_officer']);

async function withLoad(list: StaffOfArea[]): Promise<Candidate[]> {
  return Promise.all(
    list.map(async (s) => ({
      userId: s.userId,
      role: s.role,
      name: s.name,
      active: s.active,
      duty: s.duty,
      ...(HANDLERS.has(s.role) && s.active && s.duty === 'on_duty' ? { openTasks: await countOpenTasks(s.userId) } : {}),
    })),
  );
}

export async function staffAround(tree: AreaTree, gridId: string, beatId: string): Promise<StaffAround> {
  const above = tree
    .ancestors(gridId)
    .filter((a) => a.level === 'community' || a.level === 'street')
    .map((a) => a.id);
  const [grid, beat, ...aboveLists] = await Promise.all([staffOfArea(gridId), staffOfArea(beatId), ...above.map((id) => staffOfArea(id))]);
  const [gridC, beatC] = await Promise.all([withLoad(grid), withLoad(beat)]);
  const toCandidate = (s: StaffOfArea): Candidate => ({ userId: s.userId, role: s.role, name: s.name, active: s.active, duty: s.duty });
  return { grid: gridC, beat: beatC, above: aboveLists.flat().map(toCandidate) };
}
