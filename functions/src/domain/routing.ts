/**
 * Who gets a report (first version; the workload-aware engine is a later issue). Pure: the
 * caller gathers the staff bound to the report's grid, its ancestors and its beat. The reason is
 * written on the timeline in words a resident understands.
 */
import type { Category, Side } from '#domain/categories';
import type { PersonRef } from '#domain/report';
import { ROLE_NAMES, type DutyState, type Role } from '#domain/roles';

export interface Candidate {
  userId: string;
  role: Role;
  name: string;
  active: boolean;
  duty: DutyState;
  /** open tasks they hold now (how busy they are); unknown counts as 0 */
  openTasks?: number;
}

export interface Place {
  gridId: string;
  gridName: string;
  beatId: string;
  beatName: string;
}

export interface StaffAround {
  /** staff bound to the grid itself */
  grid: readonly Candidate[];
  /** staff bound to the grid's community / street (grid leaders live here too) */
  above: readonly Candidate[];
  /** staff bound to the beat */
  beat: readonly Candidate[];
}

export interface RoutingDecision {
  lead: Side;
  assignee: PersonRef | null;
  reason: string;
  /** the other side, told but not handling (category's co-notified side) */
  notify: PersonRef[];
}

const available = (c: Candidate) => c.active && c.duty === 'on_duty';
/** Least busy first; ties broken by id so the same facts always give the same answer. */
const byLoad = (a: Candidate, b: Candidate) => (a.openTasks ?? 0) - (b.openTasks ?? 0) || a.userId.localeCompare(b.userId);
const ref = (c: Candidate): PersonRef => ({ id: c.userId, role: c.role, name: c.name });
const label = (c: Candidate) => `${ROLE_NAMES[c.role]} ${c.name}`;

function pick(list: readonly Candidate[], role: Role): { chosen: Candidate; of: number } | undefined {
  const pool = list.filter((c) => c.role === role && available(c)).sort(byLoad);
  return pool[0] && { chosen: pool[0], of: pool.length };
}

/** Why this one, in words a resident understands. */
function why(where: string, p: { chosen: Candidate; of: number }): string {
  return p.of > 1 ? `${where}，当前待办最少（${p.chosen.openTasks ?? 0} 件）` : where;
}

/** The handler on one side, with the reason in plain Chinese. */
export function handlerFor(side: Side, place: Place, staff: StaffAround): { assignee: PersonRef | null; reason: string } {
  if (side === 'police') {
    const officer = pick(staff.beat, 'police_officer');
    if (officer) return { assignee: ref(officer.chosen), reason: `分派给 ${place.beatName} ${label(officer.chosen)}：${why('所在警格的社区民警', officer)}` };
    return { assignee: null, reason: `${place.beatName} 暂无在岗社区民警，转由调度中心派单` };
  }
  const worker = pick(staff.grid, 'grid_worker');
  if (worker) return { assignee: ref(worker.chosen), reason: `分派给 ${place.gridName} ${label(worker.chosen)}：${why('所在网格的网格员', worker)}` };
  const leader = pick(staff.grid, 'grid_leader') ?? pick(staff.above, 'grid_leader');
  if (leader) return { assignee: ref(leader.chosen), reason: `${place.gridName} 暂无在岗网格员，分派给 ${label(leader.chosen)}` };
  return { assignee: null, reason: `${place.gridName} 暂无在岗网格员，转由调度中心派单` };
}

export function route(category: Category, place: Place, staff: StaffAround, lead: Side = category.lead): RoutingDecision {
  const { assignee, reason } = handlerFor(lead, place, staff);
  const notify: PersonRef[] = [];
  const other: Side = lead === 'grid' ? 'police' : 'grid';
  if (category.alsoNotify === other || (lead !== category.lead && category.lead === other)) {
    const co = handlerFor(other, place, staff).assignee;
    if (co && co.id !== assignee?.id) notify.push(co);
  }
  return { lead, assignee, reason, notify };
}
