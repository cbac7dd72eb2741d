/**
 * The closed loop (闭环) as ONE transition table — API.md "Who may act". Everything that asks
 * "may this person do this to this report now?" asks `decide()`, which reads only this table.
 * The mini-program's action bar, the docs and the tests derive from `TRANSITIONS` too.
 */
import { coversPlace, type Actor, type AreaRelation, type Role } from '#domain/roles';
import { DomainError, forbidden, invalidInput, invalidTransition } from '#domain/errors';
import { otherSide, type Side } from '#domain/categories';

export const STATUSES = ['reported', 'accepted', 'rejected', 'merged', 'dispatched', 'in_progress', 'resolved', 'verified', 'closed'] as const;
export type Status = (typeof STATUSES)[number];

export const STATUS_NAMES: Record<Status, string> = {
  reported: '已上报',
  accepted: '已受理',
  rejected: '不予受理',
  merged: '已合并',
  dispatched: '已派单',
  in_progress: '处置中',
  resolved: '已办结',
  verified: '已核查',
  closed: '已结案',
};

/** States as data with predicates (FixMyStreet style): open ones are someone's task. */
export const OPEN_STATUSES: readonly Status[] = ['reported', 'accepted', 'dispatched', 'in_progress', 'resolved', 'verified'];
export const FINAL_STATUSES: readonly Status[] = ['rejected', 'merged'];
export const isOpen = (s: Status): boolean => OPEN_STATUSES.includes(s);
export const isFinal = (s: Status): boolean => FINAL_STATUSES.includes(s);

export const ACTIONS = ['accept', 'reject', 'merge', 'dispatch', 'start', 'resolve', 'hand_back', 'transfer', 'verify', 'rework', 'close', 'remind', 'reopen', 'reassign', 'escalate', 'survey_remind', 'survey_expire'] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * Staff actions go through POST /reports/{id}/actions; `reopen` only through the reporter's
 * rating; the rest only by the service itself (reassignment, time limits, surveys).
 */
export const STAFF_ACTIONS = ['accept', 'reject', 'merge', 'dispatch', 'start', 'resolve', 'hand_back', 'transfer', 'verify', 'rework', 'close', 'remind'] as const satisfies readonly Action[];

export const ACTION_NAMES: Record<Action | 'report' | 'route' | 'rate' | 'follow' | 'retain', string> = {
  report: '上报',
  route: '分派',
  accept: '受理',
  reject: '不予受理',
  merge: '合并',
  dispatch: '派单',
  start: '开始处置',
  resolve: '办结',
  hand_back: '退回',
  transfer: '转交',
  verify: '核查通过',
  rework: '返工',
  close: '结案',
  remind: '催办',
  reopen: '不满意重办',
  reassign: '重新分派',
  escalate: '超时升级',
  survey_remind: '提醒评价',
  survey_expire: '评价已过期',
  rate: '评价',
  follow: '我也遇到',
  retain: '个人信息脱敏',
};

/**
 * Who, relative to the report:
 * - `assignee`: the person holding it now (after routing, the routed handler)
 * - `assignee_self`: the assignee, only when the command names themself (dispatch to self)
 * - `grid_leader` / `dispatcher`: that role, inside the report's areas
 * - `verifier`: grid_leader for grid-led reports; an officer of the beat other than the
 *   assignee for police-led ones (someone else checks the work)
 * - `reporter`: the resident who filed it
 * - `system`: no person; the service itself (see `systemDecision`)
 */
export type Party = 'assignee' | 'assignee_self' | 'grid_leader' | 'dispatcher' | 'verifier' | 'reporter' | 'system';

export type Requirement = 'reason' | 'note' | 'photos' | 'assigneeId' | 'mergeInto';

/** What happens to the holder of the task. `reroute`: routing picks the new lead side's handler. */
export type AssigneeEffect = 'keep' | 'set' | 'clear' | 'reroute';

export interface Transition {
  action: Action;
  from: readonly Status[];
  /** 'same': the state does not change (transfer, remind, hand_back from reported) */
  to: Status | 'same';
  who: readonly Party[];
  requires: readonly Requirement[];
  assignee: AssigneeEffect;
  swapLead?: boolean;
  /** only while the report has never been reopened (first dissatisfied rating) */
  onlyBeforeReopen?: boolean;
}

const INTAKE: readonly Party[] = ['assignee', 'grid_leader', 'dispatcher'];

/** The table is data shared by every request: frozen so nothing can edit a rule at run time. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export const TRANSITIONS: readonly Transition[] = deepFreeze([
  { action: 'accept', from: ['reported'], to: 'accepted', who: INTAKE, requires: [], assignee: 'keep' },
  { action: 'reject', from: ['reported'], to: 'rejected', who: INTAKE, requires: ['reason'], assignee: 'clear' },
  { action: 'merge', from: ['reported'], to: 'merged', who: INTAKE, requires: ['mergeInto'], assignee: 'clear' },
  { action: 'dispatch', from: ['accepted'], to: 'dispatched', who: ['assignee_self'], requires: ['assigneeId'], assignee: 'set' },
  // Leaders and the centre may also re-dispatch work that is under way (the holder left, or nobody was found).
  { action: 'dispatch', from: ['accepted', 'dispatched', 'in_progress'], to: 'dispatched', who: ['grid_leader', 'dispatcher'], requires: ['assigneeId'], assignee: 'set' },
  { action: 'start', from: ['dispatched'], to: 'in_progress', who: ['assignee'], requires: [], assignee: 'keep' },
  { action: 'resolve', from: ['in_progress'], to: 'resolved', who: ['assignee'], requires: ['note', 'photos'], assignee: 'keep' },
  // A handler who finds a task is not theirs hands it back to the queue (退回), unassigned.
  { action: 'hand_back', from: ['accepted', 'dispatched', 'in_progress'], to: 'accepted', who: ['assignee'], requires: ['reason'], assignee: 'clear' },
  { action: 'hand_back', from: ['reported'], to: 'same', who: ['assignee'], requires: ['reason'], assignee: 'clear' },
  // Only while the work is held: once resolved, the side that did it has it verified.
  { action: 'transfer', from: ['reported', 'accepted', 'dispatched', 'in_progress'], to: 'same', who: INTAKE, requires: ['reason'], assignee: 'reroute', swapLead: true },
  { action: 'verify', from: ['resolved'], to: 'verified', who: ['verifier', 'dispatcher'], requires: [], assignee: 'keep' },
  { action: 'rework', from: ['resolved'], to: 'in_progress', who: ['verifier', 'dispatcher'], requires: ['reason'], assignee: 'keep' },
  { action: 'close', from: ['verified'], to: 'closed', who: ['verifier', 'dispatcher'], requires: [], assignee: 'keep' },
  { action: 'remind', from: OPEN_STATUSES, to: 'same', who: ['grid_leader', 'dispatcher'], requires: [], assignee: 'keep' },
  { action: 'reopen', from: ['closed'], to: 'in_progress', who: ['reporter'], requires: [], assignee: 'keep', onlyBeforeReopen: true },
  // The holder's account was deactivated: routing finds someone else on the same side.
  { action: 'reassign', from: ['reported', 'accepted', 'dispatched', 'in_progress'], to: 'same', who: ['system'], requires: [], assignee: 'reroute' },
  // Time limits (domain/timers): the service reminds the holder, then escalates, while the work is held.
  { action: 'remind', from: ['reported', 'accepted', 'dispatched', 'in_progress'], to: 'same', who: ['system'], requires: [], assignee: 'keep' },
  { action: 'escalate', from: ['reported', 'accepted', 'dispatched', 'in_progress', 'closed'], to: 'same', who: ['system'], requires: [], assignee: 'keep' },
  // After closure: the reporter's survey is reminded once, then expires as "no answer".
  { action: 'survey_remind', from: ['closed'], to: 'same', who: ['system'], requires: [], assignee: 'keep' },
  { action: 'survey_expire', from: ['closed'], to: 'same', who: ['system'], requires: [], assignee: 'keep' },
]);

/** The facts about a report the rules need — nothing more, so tests can build them freely. */
export interface ReportFacts {
  status: Status;
  lead: Side;
  gridId: string | null;
  beatId: string | null;
  assigneeId: string | null;
  reporterId: string | null;
  reopenCount: number;
}

export interface Command {
  action: Action;
  note?: string | undefined;
  reason?: string | undefined;
  photos?: readonly string[] | undefined;
  assigneeId?: string | undefined;
  mergeInto?: string | undefined;
}

/** The staff member a dispatch names, as the store found them (null: no such account). */
export interface AssigneeFacts {
  id: string;
  role: Role;
  areaIds: readonly string[];
  active: boolean;
}

export interface Decision {
  transition: Transition;
  from: Status;
  to: Status;
  assignee: { kind: 'keep' } | { kind: 'clear' } | { kind: 'set'; id: string } | { kind: 'reroute' };
  lead: Side;
}

function isParty(party: Party, actor: Actor, report: ReportFacts, command: Command, inArea: boolean): boolean {
  switch (party) {
    case 'assignee':
      return report.assigneeId !== null && actor.id === report.assigneeId && inArea;
    case 'assignee_self':
      return report.assigneeId !== null && actor.id === report.assigneeId && command.assigneeId === actor.id && inArea;
    case 'grid_leader':
      return actor.role === 'grid_leader' && inArea;
    case 'dispatcher':
      return actor.role === 'dispatcher' && inArea;
    case 'verifier':
      if (!inArea) return false;
      // Someone other than whoever did the work checks it, on either side.
      if (actor.id === report.assigneeId) return false;
      return report.lead === 'grid' ? actor.role === 'grid_leader' : actor.role === 'police_officer';
    case 'reporter':
      return actor.role === 'resident' && report.reporterId !== null && actor.id === report.reporterId;
    case 'system':
      return false;
  }
}

export function transitionsFor(action: Action): Transition[] {
  return TRANSITIONS.filter((t) => t.action === action);
}

/** May `actor` see the report at all? Staff only inside their areas; residents only their own or followed. */
export function canStaffSee(actor: Actor, report: Pick<ReportFacts, 'gridId' | 'beatId'>, areas: AreaRelation): boolean {
  return coversPlace(actor, report, areas);
}

function missing(req: Requirement, c: Command): boolean {
  switch (req) {
    case 'reason':
      return !(c.reason?.trim() || c.note?.trim());
    case 'note':
      return !c.note?.trim();
    case 'photos':
      return !c.photos || c.photos.length === 0;
    case 'assigneeId':
      return !c.assigneeId;
    case 'mergeInto':
      return !c.mergeInto;
  }
}

/**
 * Decide a command against a report. Throws a DomainError: 403 when the actor may not act on
 * this report at all (outside areas, wrong party), 409 when the report's state does not allow
 * the action, 400 when something the action requires is missing. Order matters: area rights
 * first, so staff outside the report learn nothing about its state.
 */
export function decide(
  report: ReportFacts,
  actor: Actor,
  command: Command,
  areas: AreaRelation,
  dispatchTarget?: AssigneeFacts | null,
): Decision {
  const inArea = coversPlace(actor, report, areas);
  if (actor.role !== 'resident' && !inArea) throw forbidden();
  const candidates = transitionsFor(command.action);
  if (candidates.length === 0) throw invalidInput(`未知操作：${command.action}`);
  // A finished report is finished for everyone in its area: say so, rather than "not your role"
  // (the one who lost a race to a reject is no longer its holder, but the answer is the state).
  const personal = candidates.some((t) => !t.who.includes('system'));
  if (personal && actor.role !== 'resident' && (isFinal(report.status) || report.status === 'closed') && !candidates.some((t) => t.from.includes(report.status))) {
    throw invalidTransition(`事项已「${STATUS_NAMES[report.status]}」，不能再执行「${ACTION_NAMES[command.action]}」`, { status: report.status, action: command.action });
  }
  const permitted = candidates.filter((t) => t.who.some((p) => isParty(p, actor, report, command, inArea)));
  if (permitted.length === 0) {
    // The holder may dispatch only to themself: name nobody -> 400, someone else -> 403.
    const selfRow = candidates.find((t) => t.who.includes('assignee_self') && t.from.includes(report.status));
    if (selfRow && isParty('assignee', actor, report, command, inArea)) {
      if (!command.assigneeId) throw invalidInput('缺少必填项：assigneeId', { missing: ['assigneeId'] });
      throw forbidden('处理人只能派单给自己');
    }
    // A party that could act in another state is told about the state, not refused as a stranger.
    const couldEver = candidates.some((t) => t.who.some((p) => isParty(p === 'assignee_self' ? 'assignee' : p, actor, report, command, inArea)));
    if (!couldEver) throw forbidden(`您的角色不能执行「${ACTION_NAMES[command.action]}」`);
  }
  const t = permitted.find((x) => x.from.includes(report.status));
  if (!t) {
    throw invalidTransition(`当前状态「${STATUS_NAMES[report.status]}」不能执行「${ACTION_NAMES[command.action]}」`, {
      status: report.status,
      action: command.action,
    });
  }
  if (t.onlyBeforeReopen && report.reopenCount > 0) {
    throw invalidTransition('该事项已重办过一次，不能再次重办', { status: report.status, action: command.action });
  }
  const lacking = t.requires.filter((r) => missing(r, command));
  if (lacking.length > 0) throw invalidInput(`缺少必填项：${lacking.join(', ')}`, { missing: lacking });

  if (t.assignee === 'set') checkDispatchTarget(report, command.assigneeId!, dispatchTarget, areas);

  const to = t.to === 'same' ? report.status : t.to;
  const lead = t.swapLead ? otherSide(report.lead) : report.lead;
  const assignee: Decision['assignee'] =
    t.assignee === 'set' ? { kind: 'set', id: command.assigneeId! } : { kind: t.assignee } as Decision['assignee'];
  return { transition: t, from: report.status, to, assignee, lead };
}

function checkDispatchTarget(report: ReportFacts, id: string, target: AssigneeFacts | null | undefined, areas: AreaRelation): void {
  if (!target || target.id !== id) throw invalidInput('派单对象不存在', { field: 'assigneeId' });
  if (!target.active) throw invalidInput('派单对象账号已停用', { field: 'assigneeId' });
  if (!['grid_worker', 'police_officer', 'grid_leader'].includes(target.role)) {
    throw invalidInput('只能派单给网格员、网格长或社区民警', { field: 'assigneeId' });
  }
  if (!coversPlace(target, report, areas)) throw invalidInput('派单对象不负责该事项所在网格或警格', { field: 'assigneeId' });
}

/** Actions this actor could take on this report now — the app shows exactly these buttons. */
export function availableActions(report: ReportFacts, actor: Actor, areas: AreaRelation): Action[] {
  const out: Action[] = [];
  for (const t of TRANSITIONS) {
    if (!(STAFF_ACTIONS as readonly Action[]).includes(t.action) || out.includes(t.action) || !t.from.includes(report.status)) continue;
    const inArea = coversPlace(actor, report, areas);
    const probe: Command = { action: t.action, assigneeId: actor.id };
    if (t.who.some((p) => isParty(p, actor, report, probe, inArea))) out.push(t.action);
  }
  return out;
}

/** A transition the service itself takes (no person acts, so no rights to check). */
export function systemDecision(report: ReportFacts, action: Action): Decision {
  const t = TRANSITIONS.find((x) => x.action === action && x.who.includes('system') && x.from.includes(report.status));
  if (!t) throw invalidTransition(`当前状态「${STATUS_NAMES[report.status]}」不能执行「${ACTION_NAMES[action]}」`);
  const to = t.to === 'same' ? report.status : t.to;
  return { transition: t, from: report.status, to, assignee: { kind: t.assignee } as Decision['assignee'], lead: report.lead };
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
