/**
 * Roles and area rights: 一地一人一账号，分级授权. Every staff account is bound to areas and
 * sees and acts on nothing outside them. Whether an area covers another is a question for the
 * area tree (geo), passed in as `AreaRelation` so this module stays pure.
 */
export const ROLES = ['resident', 'volunteer', 'grid_worker', 'grid_leader', 'police_officer', 'dispatcher', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const STAFF_ROLES: readonly Role[] = ['grid_worker', 'grid_leader', 'police_officer', 'dispatcher', 'admin'];

/** Shown on the timeline to residents: role and the display name an admin set, never a phone. */
export const ROLE_NAMES: Record<Role, string> = {
  resident: '居民',
  volunteer: '群防群治力量',
  grid_worker: '网格员',
  grid_leader: '网格长',
  police_officer: '社区民警',
  dispatcher: '网格化服务管理中心',
  admin: '管理员',
};

/** Roles that can be handed a task (dispatch target, routing target). */
export const HANDLER_ROLES: readonly Role[] = ['grid_worker', 'police_officer', 'grid_leader'];

export type DutyState = 'on_duty' | 'off_duty' | 'on_leave';

export interface Actor {
  id: string;
  role: Role;
  areaIds: readonly string[];
}

export interface AreaRelation {
  /** true if `ancestorId` is `areaId` or one of its ancestors */
  covers(ancestorId: string, areaId: string): boolean;
}

/**
 * Staff work areas and see reports' people. A community responder (`volunteer`: 平安志愿者,
 * 保安员, 物业; domain/responders) is not staff: they keep their resident side (they report,
 * follow and rate like anyone) and see of others' reports only what an assist offer shows.
 */
export const isStaff = (role: Role): boolean => STAFF_ROLES.includes(role);

/** Residents and community responders: the people who report (routes' `roles` for the resident side). */
export const RESIDENT_SIDE: readonly Role[] = ['resident', 'volunteer'];
export const isResidentSide = (role: Role): boolean => RESIDENT_SIDE.includes(role);

/** Staff bound to the area or to an area above it. */
export function coversArea(actor: Actor, areaId: string, areas: AreaRelation): boolean {
  return isStaff(actor.role) && actor.areaIds.some((mine) => areas.covers(mine, areaId));
}

/** A report sits in one grid and one beat; staff bound to either (or above them) may see it. */
export function coversPlace(actor: Actor, place: { gridId: string | null; beatId: string | null }, areas: AreaRelation): boolean {
  if (!isStaff(actor.role)) return false;
  return actor.areaIds.some(
    (a) => (place.gridId !== null && areas.covers(a, place.gridId)) || (place.beatId !== null && areas.covers(a, place.beatId)),
  );
}
