/** Gathers the staff around a place for routing: bound to the grid, above it, and to the beat. */
import { staffOfArea, type StaffOfArea } from '#store/users';
import type { Candidate, StaffAround } from '#domain/routing';
import type { AreaTree } from '#geo/areas';

const toCandidate = (s: StaffOfArea): Candidate => ({ userId: s.userId, role: s.role, name: s.name, active: s.active, duty: s.duty });

export async function staffAround(tree: AreaTree, gridId: string, beatId: string): Promise<StaffAround> {
  const above = tree
    .ancestors(gridId)
    .filter((a) => a.level === 'community' || a.level === 'street')
    .map((a) => a.id);
  const [grid, beat, ...aboveLists] = await Promise.all([staffOfArea(gridId), staffOfArea(beatId), ...above.map((id) => staffOfArea(id))]);
  return { grid: grid.map(toCandidate), beat: beat.map(toCandidate), above: aboveLists.flat().map(toCandidate) };
}
