/**
 * The hazard category table (PRODUCT.md "Hazard categories"): lead side, co-notified side, time
 * limits, the emergency notice, an optional safety question, and the canned replies staff insert
 * into notes and reasons. BUILTIN_CATEGORIES is the table a deployment starts with; an admin
 * replaces it at run time (PUT /v1/admin/categories, flows/categories), versioned and audited.
 * Everything reads it through `categoryOf` / `categoryTable`, which answer from the table in
 * force in this process (flows/categories keeps it fresh); a report keeps the limits it was filed
 * under (`limitsOf`), so editing a limit never moves an existing deadline or escalation.
 *
 * The codes are fixed: the API's schemas, KPI counters and Open311 service codes key on them, so
 * adding or retiring a category is a code change, not an edit.
 */
import { STATUSES } from '#domain/statuses';

export type Side = 'grid' | 'police';

/** A canned reply: text a handler inserts with one tap into a note or a reason. */
export interface Reply {
  text: string;
  field: 'note' | 'reason';
  /** report statuses where it is offered; empty: in every status */
  states: string[];
}

/**
 * A question asked before filing (FixMyStreet's "disabling question"): the answer `stopWhen`
 * means danger now, so the report is stopped and the resident is told to call (`notice`).
 */
export interface SafetyQuestion {
  question: string;
  stopWhen: 'yes' | 'no';
  notice: string;
}

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
  safetyQuestion?: SafetyQuestion | null;
  replies?: Reply[];
}

export interface CategoryTable {
  /** "builtin", or the edit's number as text ("1", "2", …) */
  version: string;
  items: readonly Category[];
}

const EMERGENCY_NOTICE = '如有明火、燃气泄漏等紧急危险，请立即拨打 119（火警）或 110（报警），再在此上报。';

const r = (field: Reply['field'], text: string, ...states: string[]): Reply => ({ text, field, states });
const COMMON_REPLIES: Reply[] = [
  r('note', '已到现场核实，情况属实。', 'accepted', 'dispatched', 'in_progress'),
  r('note', '已联系物业，限期整改。', 'in_progress'),
  r('note', '已整改完毕，现场已恢复正常。', 'in_progress'),
  r('reason', '经核实不属于本网格，已转交相关部门。', 'reported', 'accepted'),
  r('reason', '现场未发现所述情况，请补充具体位置或照片。', 'reported'),
];

export const BUILTIN_CATEGORIES: readonly Category[] = [
  { code: 'ebike_charging', name: '电动车违规充电（入户、楼道、飞线充电）', lead: 'grid', alsoNotify: 'police', acceptHours: 2, resolveHours: 24, emergency: null, replies: [r('note', '已劝导住户将电动车移至集中充电点。', 'in_progress'), ...COMMON_REPLIES] },
  { code: 'fire_exit_blocked', name: '消防通道、安全出口堵塞', lead: 'grid', alsoNotify: null, acceptHours: 2, resolveHours: 24, emergency: null, replies: [r('note', '已清理通道杂物，安全出口畅通。', 'in_progress'), ...COMMON_REPLIES] },
  { code: 'fire_equipment', name: '消防器材缺失、损坏', lead: 'grid', alsoNotify: null, acceptHours: 4, resolveHours: 72, emergency: null, replies: [r('note', '已补充灭火器并检查有效期。', 'in_progress'), ...COMMON_REPLIES] },
  { code: 'unsafe_wiring', name: '私拉乱接电线、危险用电', lead: 'grid', alsoNotify: 'police', acceptHours: 2, resolveHours: 24, emergency: null, replies: [r('note', '已拆除私拉电线。', 'in_progress'), ...COMMON_REPLIES] },
  {
    code: 'open_fire', name: '违规用火', lead: 'grid', alsoNotify: 'police', acceptHours: 1, resolveHours: 12,
    emergency: { call: ['119', '110'], notice: EMERGENCY_NOTICE },
    safetyQuestion: { question: '现在是否有明火或浓烟？', stopWhen: 'yes', notice: '请立即拨打 119，并远离火源。火灾扑灭后可在此上报隐患。' },
    replies: COMMON_REPLIES,
  },
  {
    code: 'gas_hazard', name: '燃气隐患', lead: 'grid', alsoNotify: null, acceptHours: 1, resolveHours: 12,
    emergency: { call: ['119', '110'], notice: EMERGENCY_NOTICE },
    safetyQuestion: { question: '现在是否闻到明显的燃气味？', stopWhen: 'yes', notice: '请勿开关电器、勿用明火，开窗通风，离开现场后拨打 119 或燃气公司抢修电话。' },
    replies: COMMON_REPLIES,
  },
  { code: 'public_security', name: '治安隐患（可疑人员车辆、群租等）', lead: 'police', alsoNotify: 'grid', acceptHours: 2, resolveHours: 48, emergency: null, replies: COMMON_REPLIES },
  { code: 'dispute', name: '矛盾纠纷', lead: 'grid', alsoNotify: 'police', acceptHours: 4, resolveHours: 72, emergency: null, replies: [r('note', '已约双方当面调解。', 'in_progress'), ...COMMON_REPLIES] },
  { code: 'other', name: '其他安全隐患', lead: 'grid', alsoNotify: null, acceptHours: 8, resolveHours: 120, emergency: null, replies: COMMON_REPLIES },
];

/** The built-in table under its old name (tests and fixtures read it). */
export const CATEGORIES = BUILTIN_CATEGORIES;

export const CATEGORY_CODES = BUILTIN_CATEGORIES.map((c) => c.code) as [string, ...string[]];

export const BUILTIN_TABLE: CategoryTable = { version: 'builtin', items: BUILTIN_CATEGORIES };

let inForce: { table: CategoryTable; byCode: Map<string, Category> } = { table: BUILTIN_TABLE, byCode: new Map(BUILTIN_CATEGORIES.map((c) => [c.code, c])) };

/** Makes `table` the one in force in this process (flows/categories, after reading it). */
export function useCategoryTable(table: CategoryTable): void {
  if (table === inForce.table) return;
  inForce = { table, byCode: new Map(table.items.map((c) => [c.code, c])) };
}

export function categoryTable(): CategoryTable {
  return inForce.table;
}

export function categoryOf(code: string): Category | undefined {
  return inForce.byCode.get(code);
}

/** The limits a report runs on: those it was filed under, else (filed before they were kept) the built-in ones. */
export function limitsOf(report: { category: string; limits?: { acceptHours: number; resolveHours: number } | null | undefined }): { acceptHours: number; resolveHours: number } | null {
  if (report.limits) return report.limits;
  const c = BUILTIN_CATEGORIES.find((x) => x.code === report.category);
  return c ? { acceptHours: c.acceptHours, resolveHours: c.resolveHours } : null;
}

const MAX_REPLIES = 30;

/**
 * Problems of a replacement table (empty: it can be used): the same codes as the built-in table,
 * each once; names; sides; limits in whole hours with accepting before resolving; emergency
 * numbers; the safety question; replies. Pure.
 */
export function categoryTableProblems(items: readonly Category[]): string[] {
  const problems: string[] = [];
  const codes = items.map((c) => c.code);
  const missing = CATEGORY_CODES.filter((c) => !codes.includes(c));
  const unknown = codes.filter((c) => !CATEGORY_CODES.includes(c));
  const twice = codes.filter((c, i) => codes.indexOf(c) !== i);
  if (missing.length) problems.push(`缺少类别：${missing.join('、')}（类别代码固定，只能修改内容）`);
  if (unknown.length) problems.push(`未知类别：${unknown.join('、')}（新增类别需要升级系统）`);
  if (twice.length) problems.push(`类别重复：${[...new Set(twice)].join('、')}`);
  for (const c of items) {
    const at = `${c.code}：`;
    if (!c.name.trim() || c.name.length > 40) problems.push(`${at}名称须为 1–40 个字`);
    if (c.alsoNotify === c.lead) problems.push(`${at}抄送方不能与主办方相同`);
    if (!Number.isInteger(c.acceptHours) || !Number.isInteger(c.resolveHours) || c.acceptHours < 1 || c.resolveHours > 24 * 60) problems.push(`${at}时限须为整小时（受理至少 1 小时，办结不超过 60 天）`);
    else if (c.acceptHours >= c.resolveHours) problems.push(`${at}受理时限须短于办结时限`);
    if (c.emergency && (c.emergency.call.length === 0 || c.emergency.call.some((n) => !/^\d{3,8}$/.test(n)) || !c.emergency.notice.trim())) problems.push(`${at}紧急提示须有电话号码和提示语`);
    if (c.safetyQuestion && (!c.safetyQuestion.question.trim() || !c.safetyQuestion.notice.trim())) problems.push(`${at}安全问题须有问题和提示语`);
    const replies = c.replies ?? [];
    if (replies.length > MAX_REPLIES) problems.push(`${at}常用回复最多 ${MAX_REPLIES} 条`);
    for (const reply of replies) {
      if (!reply.text.trim() || reply.text.length > 200) problems.push(`${at}常用回复须为 1–200 个字`);
      const bad = reply.states.filter((st) => !(STATUSES as readonly string[]).includes(st));
      if (bad.length) problems.push(`${at}常用回复的状态无效：${bad.join('、')}`);
    }
  }
  return problems;
}

const HOUR = 3_600_000;

/** Deadlines run from the report time in calendar hours. */
export function deadlinesFor(category: Pick<Category, 'acceptHours' | 'resolveHours'>, reportedAt: Date): { acceptBy: string; resolveBy: string } {
  return {
    acceptBy: new Date(reportedAt.getTime() + category.acceptHours * HOUR).toISOString(),
    resolveBy: new Date(reportedAt.getTime() + category.resolveHours * HOUR).toISOString(),
  };
}

/** A reopened report (first dissatisfied rating) gets a fresh resolve limit from the reopening. */
export function reopenedResolveBy(category: Pick<Category, 'resolveHours'>, reopenedAt: Date): string {
  return new Date(reopenedAt.getTime() + category.resolveHours * HOUR).toISOString();
}

export function otherSide(side: Side): Side {
  return side === 'grid' ? 'police' : 'grid';
}
