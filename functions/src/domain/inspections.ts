/**
 * Prevention before reports (issue 17, PRODUCT.md "Prevention"): the kinds of key places (重点场所)
 * grid workers visit, the visit period a frequency gives, the fire-safety checklist of each kind,
 * and what an answered checklist means — which items failed, and the report each failed item
 * files through the normal loop, marked as found by inspection. Pure; the store, the visits as
 * tasks and the patrols build on it (not yet: see the README's #17 status).
 */

export const PLACE_KINDS = ['rental', 'ebike_shed', 'small_venue', 'old_stairwell'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

export const PLACE_KIND_NAMES: Record<PlaceKind, string> = {
  rental: '出租屋/群租房',
  ebike_shed: '电动车棚',
  small_venue: '九小场所',
  old_stairwell: '老旧小区楼道',
};

/** How often each kind is visited unless the place says otherwise (days). */
export const DEFAULT_VISIT_DAYS: Record<PlaceKind, number> = { rental: 30, ebike_shed: 7, small_venue: 14, old_stairwell: 30 };

export interface ChecklistItem {
  id: string;
  text: string;
  /** the hazard category a failed answer files its report in */
  category: string;
}

const item = (id: string, text: string, category: string): ChecklistItem => ({ id, text, category });

/** The built-in templates (admin-editable later, as the category table is). */
export const BUILTIN_CHECKLISTS: Record<PlaceKind, readonly ChecklistItem[]> = {
  ebike_shed: [
    item('charging', '充电设施合规（有过载保护、定时断电）', 'ebike_charging'),
    item('no_flying_wires', '无飞线充电、私拉电线', 'unsafe_wiring'),
    item('extinguisher', '灭火器在位且在有效期内', 'fire_equipment'),
    item('passage', '通道畅通，无杂物堆放', 'fire_exit_blocked'),
  ],
  rental: [
    item('no_indoor_charging', '无电动车入户充电', 'ebike_charging'),
    item('wiring', '无私拉乱接电线', 'unsafe_wiring'),
    item('smoke_alarm', '独立式烟感报警器完好', 'fire_equipment'),
    item('escape', '逃生通道畅通，窗户无固定防盗网封死', 'fire_exit_blocked'),
    item('gas', '燃气软管无老化、无私接', 'gas_hazard'),
  ],
  small_venue: [
    item('extinguisher', '灭火器在位且在有效期内', 'fire_equipment'),
    item('exit', '安全出口、疏散通道畅通', 'fire_exit_blocked'),
    item('wiring', '电气线路无私拉乱接', 'unsafe_wiring'),
    item('no_living', '无“三合一”住人', 'other'),
  ],
  old_stairwell: [
    item('no_ebikes', '楼道无电动车停放、充电', 'ebike_charging'),
    item('no_clutter', '楼道无杂物堆放', 'fire_exit_blocked'),
    item('lights', '应急照明、疏散指示完好', 'fire_equipment'),
  ],
};

/**
 * The visit period `now` falls in, for a place visited every `days` from `anchor` (when it was
 * added): its index, start and due time (the period's end). One due visit per period: a visit's
 * identity is (place, index).
 */
export function visitPeriod(anchor: string, days: number, now: Date): { index: number; start: string; due: string } {
  const len = days * 86_400_000;
  const index = Math.max(0, Math.floor((now.getTime() - Date.parse(anchor)) / len));
  const start = Date.parse(anchor) + index * len;
  return { index, start: new Date(start).toISOString(), due: new Date(start + len).toISOString() };
}

export type Answer = 'pass' | 'fail' | 'na';

export interface ItemAnswer {
  itemId: string;
  answer: Answer;
  note?: string;
  /** an upload of the inspector's, required for a fail */
  photoId?: string;
}

/** What is wrong with an answered checklist (empty: it is complete). */
export function checklistProblems(items: readonly ChecklistItem[], answers: readonly ItemAnswer[]): string[] {
  const problems: string[] = [];
  const known = new Set(items.map((i) => i.id));
  const seen = new Set<string>();
  for (const a of answers) {
    if (!known.has(a.itemId)) problems.push(`${a.itemId}: 不是该检查表的项目`);
    else if (seen.has(a.itemId)) problems.push(`${a.itemId}: 重复作答`);
    seen.add(a.itemId);
    if (a.answer === 'fail' && !a.photoId) problems.push(`${a.itemId}: 不合格项须附照片`);
  }
  for (const i of items) if (!seen.has(i.id)) problems.push(`${i.id}: 未作答`);
  return problems;
}

export interface InspectionReport {
  itemId: string;
  category: string;
  description: string;
  photoIds: string[];
  source: 'inspection';
}

/** One report per failed item, in the checklist's order, at the place, marked as found by inspection. */
export function reportsOfFailures(placeName: string, items: readonly ChecklistItem[], answers: readonly ItemAnswer[]): InspectionReport[] {
  const byItem = new Map(answers.map((a) => [a.itemId, a]));
  return items.flatMap((i) => {
    const a = byItem.get(i.id);
    if (a?.answer !== 'fail') return [];
    const note = a.note?.trim() ? `：${a.note.trim()}` : '';
    return [{ itemId: i.id, category: i.category, description: `巡查发现 ${placeName}「${i.text}」不合格${note}`.slice(0, 500), photoIds: a.photoId ? [a.photoId] : [], source: 'inspection' as const }];
  });
}
