/**
 * Who escalations go to: the grid leaders over a report's grid, and the dispatch centre over
 * it (dispatchers bound to its street, district or city). Read from the staff-of-area rows.
 */
import { staffOfArea } from '#store/users';
import type { AreaTree } from '#geo/areas';
import type { ReportRecord } from '#domain/report';

async function staffAbove(tree: AreaTree, r: ReportRecord, role: 'grid_leader' | 'dispatcher', levels: string[]): Promise<string[]> {
  const areas = [r.gridId, ...tree.ancestors(r.gridId).filter((a) => levels.includes(a.level)).map((a) => a.id)];
  const lists = await Promise.all(areas.map((id) => staffOfArea(id)));
  return [...new Set(lists.flat().filter((s) => s.role === role && s.active).map((s) => s.userId))];
}

export const gridLeadersOf = (tree: AreaTree, r: ReportRecord) => staffAbove(tree, r, 'grid_leader', ['community', 'street']);
export const dispatchCentreOf = (tree: AreaTree, r: ReportRecord) => staffAbove(tree, r, 'dispatcher', ['street', 'district', 'city']);
