/**
 * The hazard category table (PRODUCT.md "Hazard categories"). The single source of truth for
 * lead side, co-notified side, time limits and the emergency notice; admins will be able to
 * edit a copy of it at run time (a later issue), so everything reads it through `categoryOf`.
 */
export type Side = 'grid' | 'police';

export interface Category {
  code: string;
  name: string;
  /** which side handles it: grid-led goes to the grid worker, police-led to the beat's officer */
  lead: Side;
  /** the other side, told about it but not handling it (null: nobody else) */
  alsoNotify: Side | null;
  /** calendar hours from the report time (a hazard does not wait for Monday) */
  acceptHours: number;
  resolveHours: number;
  /** fire and gas: the app tells the resident to call 119 / 110 first */
  emergency: { call: string[]; notice: string } | null;
}

const EMERGENCY_NOTICE = '如有明火、燃气泄漏等紧急危险，请立即拨打 119（火警）或 110（报警），再在此上报。';

export const CATEGORIES: readonly Category[] = [
  { code: 'ebike_charging', name: '电动车违规充电（入户、楼道、飞线充电）', lead: 'grid', alsoNotify: 'police', acceptHours: 2, resolveHours: 24, emergency: null },
  { code: 'fire_exit_blocked', name: '消防通道、安全出口堵塞', lead: 'grid', alsoNotify: null, acceptHours: 2, resolveHours: 24, emergency: null },
  { code: 'fire_equipment', name: '消防器材缺失、损坏', lead: 'grid', alsoNotify: null, acceptHours: 4, resolveHours: 72, emergency: null },
  { code: 'unsafe_wiring', name: '私拉乱接电线、危险用电', lead: 'grid', alsoNotify: 'police', acceptHours: 2, resolveHours: 24, emergency: null },
  { code: 'open_fire', name: '违规用火', lead: 'grid', alsoNotify: 'police', acceptHours: 1, resolveHours: 12, emergency: { call: ['119', '110'], notice: EMERGENCY_NOTICE } },
  { code: 'gas_hazard', name: '燃气隐患', lead: 'grid', alsoNotify: null, acceptHours: 1, resolveHours: 12, emergency: { call: ['119', '110'], notice: EMERGENCY_NOTICE } },
  { code: 'public_security', name: '治安隐患（可疑人员车辆、群租等）', lead: 'police', alsoNotify: 'grid', acceptHours: 2, resolveHours: 48, emergency: null },
  { code: 'dispute', name: '矛盾纠纷', lead: 'grid', alsoNotify: 'police', acceptHours: 4, resolveHours: 72, emergency: null },
  { code: 'other', name: '其他安全隐患', lead: 'grid', alsoNotify: null, acceptHours: 8, resolveHours: 120, emergency: null },
];

export const CATEGORY_CODES = CATEGORIES.map((c) => c.code) as [string, ...string[]];

const byCode = new Map(CATEGORIES.map((c) => [c.code, c]));

export function categoryOf(code: string): Category | undefined {
  return byCode.get(code);
}

const HOUR = 3_600_000;

/** Deadlines run from the report time in calendar hours. */
export function deadlinesFor(category: Category, reportedAt: Date): { acceptBy: string; resolveBy: string } {
  return {
    acceptBy: new Date(reportedAt.getTime() + category.acceptHours * HOUR).toISOString(),
    resolveBy: new Date(reportedAt.getTime() + category.resolveHours * HOUR).toISOString(),
  };
}

/** A reopened report (first dissatisfied rating) gets a fresh resolve limit from the reopening. */
export function reopenedResolveBy(category: Category, reopenedAt: Date): string {
  return new Date(reopenedAt.getTime() + category.resolveHours * HOUR).toISOString();
}

export function otherSide(side: Side): Side {
  return side === 'grid' ? 'police' : 'grid';
}
