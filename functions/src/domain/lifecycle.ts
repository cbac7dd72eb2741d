/**
 * The closed loop (闭环) as ONE transition table — API.md "Who may act". Everything that asks
 * "may this person do this to this report now?" asks `decide()`, which reads only this table.
 * Each row also carries its effects: the timestamps and counters it sets (domain/evolve), who is
 * told and what the outbox row says (domain/outbox), and what a command must bring (the
 * mini-program's action bar). The states and their categories are domain/statuses.
 */
import { coversPlace, isResidentSide, type Actor, type AreaRelation, type Role } from '#domain/roles';
import { DomainError, forbidden, invalidInput, invalidTransition } from '#domain/errors';
import { otherSide, type Side } from '#domain/categories';
import { ENDED_STATUSES, HELD_STATUSES, OPEN_STATUSES, STATUS_NAMES, isEnded, type Status } from '#domain/statuses';
import type { Step, Telling } from '#domain/outbox';

export { STATUSES, STATUS_NAMES, STATUS_TABLE, OPEN_STATUSES, HELD_STATUSES, ENDED_STATUSES, isOpen, isHeld, isEnded, statusCategory } from '#domain/statuses';
export type { Status, StatusCategory } from '#domain/statuses';

export const ACTIONS = ['accept', 'take', 'reject', 'merge', 'dispatch', 'start', 'resolve', 'hand_back', 'transfer', 'verify', 'rework', 'close', 'remind', 'reopen', 'reassign', 'escalate', 'survey_remind', 'survey_expire'] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * Staff actions go through POST /reports/{id}/actions; `reopen` only through the reporter's
 * rating; the rest only by the service itself (reassignment, time limits, surveys).
 */
export const STAFF_ACTIONS = ['accept', 'take', 'reject', 'merge', 'dispatch', 'start', 'resolve', 'hand_back', 'transfer', 'verify', 'rework', 'close', 'remind'] as const satisfies readonly Action[];

export const ACTION_NAMES: Record<Action | 'report' | 'route' | 'rate' | 'follow' | 'retain', string> = {
  report: '上报',
  route: '分派',
  accept: '受理',
  take: '受理并接单',
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

/** The record's timestamps a step sets to its moment (the KPIs read them). */
export type Stamp = 'acceptedAt' | 'resolvedAt' | 'closedAt';
/** The record's counters a step adds one to: closures (ratings belong to a round), reworks after a rating. */
export type Counter = 'closeRound' | 'reopenCount';

export interface Transition extends Step {
  action: Action;
  from: readonly Status[];
  /** 'same': the state does not change (transfer, remind, hand_back from reported) */
  to: Status | 'same';
  who: readonly Party[];
  /** what the command must bring; `photos` are after-photos (added to the report), `mergeInto` is recorded */
  requires: readonly Requirement[];
  assignee: AssigneeEffect;
  swapLead?: boolean;
  /** only while the report has never been reopened (first dissatisfied rating) */
  onlyBeforeReopen?: boolean;
  stamps?: readonly Stamp[];
  counts?: readonly Counter[];
  /** the resolve limit starts again from now (a reopened report) */
  renewsResolveBy?: boolean;
  /**
   * Who is told and what the outbox row says. 'by_timer': the row is fired by a time limit or
   * the survey, and the firing checkpoint names its own (domain/timers TIMER_OUTBOX: kind `timer.<checkpoint>`).
   */
  outbox: Telling | 'by_timer';
}

/** The inbox title of most steps; a closure (asking for a rating), a reopen and a reassignment say more. */
const PROGRESS = '事项进展';

/**
 * Told like a transition, though the state does not move: a new report (the routed handler, and
 * the other side routing names), and a rating that changes nothing (the holder learns the score).
 * A dissatisfied rating is a transition: `reopen` the first time, `escalate` after that.
 */
export const STEPS = deepFreeze({
  report: { outbox: { kind: 'report.created', title: '新的隐患上报', tell: ['holder:task', 'co_notified'] } },
  rate: { outbox: { kind: 'report.rated', title: '居民已评价', tell: ['holder:rated'] } },
} as const satisfies Record<string, Step>);

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
  { action: 'accept', from: ['reported'], to: 'accepted', who: INTAKE, requires: [], assignee: 'keep', stamps: ['acceptedAt'], outbox: { kind: 'report.accept', title: PROGRESS, tell: ['followers'] } },
  // The routed handler takes it on in one step: accepted and dispatched to themself, one version,
  // one transaction. To the people told it is an acceptance (the resident's milestone, pushed as
  // `report.accept`); dispatching to oneself tells nobody more (the notifier drops the actor).
  { action: 'take', from: ['reported'], to: 'dispatched', who: ['assignee'], requires: [], assignee: 'keep', stamps: ['acceptedAt'], outbox: { kind: 'report.accept', title: PROGRESS, tell: ['followers'] } },
  { action: 'reject', from: ['reported'], to: 'rejected', who: INTAKE, requires: ['reason'], assignee: 'clear', outbox: { kind: 'report.reject', title: PROGRESS, tell: ['followers'] } },
  { action: 'merge', from: ['reported'], to: 'merged', who: INTAKE, requires: ['mergeInto'], assignee: 'clear', outbox: { kind: 'report.merge', title: PROGRESS, tell: ['followers'] } },
  { action: 'dispatch', from: ['accepted'], to: 'dispatched', who: ['assignee_self'], requires: ['assigneeId'], assignee: 'set', outbox: { kind: 'report.dispatch', title: PROGRESS, tell: ['followers', 'holder:task'] } },
  // Leaders and the centre may also re-dispatch work that is under way (the holder left, or nobody was found).
  { action: 'dispatch', from: ['accepted', 'dispatched', 'in_progress'], to: 'dispatched', who: ['grid_leader', 'dispatcher'], requires: ['assigneeId'], assignee: 'set', outbox: { kind: 'report.dispatch', title: PROGRESS, tell: ['followers', 'holder:task'] } },
  { action: 'start', from: ['dispatched'], to: 'in_progress', who: ['assignee'], requires: [], assignee: 'keep', outbox: { kind: 'report.start', title: PROGRESS, tell: ['followers'] } },
  { action: 'resolve', from: ['in_progress'], to: 'resolved', who: ['assignee'], requires: ['note', 'photos'], assignee: 'keep', stamps: ['resolvedAt'], outbox: { kind: 'report.resolve', title: PROGRESS, tell: ['followers'] } },
  // A handler who finds a task is not theirs hands it back to the queue (退回), unassigned.
  { action: 'hand_back', from: ['accepted', 'dispatched', 'in_progress'], to: 'accepted', who: ['assignee'], requires: ['reason'], assignee: 'clear', outbox: { kind: 'report.hand_back', title: PROGRESS, tell: ['followers'] } },
  { action: 'hand_back', from: ['reported'], to: 'same', who: ['assignee'], requires: ['reason'], assignee: 'clear', outbox: { kind: 'report.hand_back', title: PROGRESS, tell: ['followers'] } },
  // Only while the work is held: once resolved, the side that did it has it verified.
  { action: 'transfer', from: HELD_STATUSES, to: 'same', who: INTAKE, requires: ['reason'], assignee: 'reroute', swapLead: true, outbox: { kind: 'report.transfer', title: PROGRESS, tell: ['followers', 'holder:task'] } },
  { action: 'verify', from: ['resolved'], to: 'verified', who: ['verifier', 'dispatcher'], requires: [], assignee: 'keep', outbox: { kind: 'report.verify', title: PROGRESS, tell: ['followers'] } },
  { action: 'rework', from: ['resolved'], to: 'in_progress', who: ['verifier', 'dispatcher'], requires: ['reason'], assignee: 'keep', outbox: { kind: 'report.rework', title: PROGRESS, tell: ['followers', 'holder:task'] } },
  { action: 'close', from: ['verified'], to: 'closed', who: ['verifier', 'dispatcher'], requires: [], assignee: 'keep', stamps: ['closedAt'], counts: ['closeRound'], outbox: { kind: 'report.close', title: '事项已结案，请评价处理结果', tell: ['followers'] } },
  { action: 'remind', from: OPEN_STATUSES, to: 'same', who: ['grid_leader', 'dispatcher'], requires: [], assignee: 'keep', outbox: { kind: 'report.remind', title: PROGRESS, tell: ['followers', 'holder:reminder'] } },
  { action: 'reopen', from: ['closed'], to: 'in_progress', who: ['reporter'], requires: [], assignee: 'keep', onlyBeforeReopen: true, counts: ['reopenCount'], renewsResolveBy: true, outbox: { kind: 'report.reopen', title: '居民不满意，事项重办', tell: ['followers', 'holder:task'] } },
  // The holder's account was deactivated: routing finds someone else on the same side.
  { action: 'reassign', from: HELD_STATUSES, to: 'same', who: ['system'], requires: [], assignee: 'reroute', outbox: { kind: 'report.reassign', title: '事项已重新分派', tell: ['followers', 'holder:task'] } },
  // Time limits (domain/timers): the service reminds the holder, then escalates, while the work is held.
  { action: 'remind', from: HELD_STATUSES, to: 'same', who: ['system'], requires: [], assignee: 'keep', outbox: 'by_timer' },
  { action: 'escalate', from: HELD_STATUSES, to: 'same', who: ['system'], requires: [], assignee: 'keep', outbox: 'by_timer' },
  // Dissatisfied again after the one rework: the dispatch centre takes it up (flows/reports rate).
  { action: 'escalate', from: ['closed'], to: 'same', who: ['system'], requires: [], assignee: 'keep', outbox: { kind: 'report.escalated', title: '居民再次不满意', tell: ['holder:rated', 'escalation'] } },
  // After closure: the reporter's survey is reminded once, then expires as "no answer".
  { action: 'survey_remind', from: ['closed'], to: 'same', who: ['system'], requires: [], assignee: 'keep', outbox: 'by_timer' },
  { action: 'survey_expire', from: ['closed'], to: 'same', who: ['system'], requires: [], assignee: 'keep', outbox: 'by_timer' },
]);

/**
 * Ended, and no row leads out of it (rejected, merged): nothing more can happen to the report.
 * A closed report is ended too, but the reporter's rating can still reopen it.
 */
export const FINAL_STATUSES: readonly Status[] = Object.freeze(ENDED_STATUSES.filter((s) => !TRANSITIONS.some((t) => t.from.includes(s))));
export const isFinal = (s: Status): boolean => FINAL_STATUSES.includes(s);

/**
 * What a staff action's command must bring — the mini-program's action bar asks for exactly
 * these. Rows of one action agree on it (a unit test holds them to that).
 */
export function requirementsOf(action: Action): readonly Requirement[] {
  return [...new Set(transitionsFor(action).flatMap((t) => t.requires))];
}

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
      return isResidentSide(actor.role) && report.reporterId !== null && actor.id === report.reporterId;
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
  if (!isResidentSide(actor.role) && !inArea) throw forbidden();
  const candidates = transitionsFor(command.action);
  if (candidates.length === 0) throw invalidInput(`未知操作：${command.action}`);
  // A finished report is finished for everyone in its area: say so, rather than "not your role"
  // (the one who lost a race to a reject is no longer its holder, but the answer is the state).
  const personal = candidates.some((t) => !t.who.includes('system'));
  if (personal && !isResidentSide(actor.role) && isEnded(report.status) && !candidates.some((t) => t.from.includes(report.status))) {
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

/**
 * Steps that change who holds a report: filing and routing (`report`, `route`), and every action
 * with a row that sets, reroutes or clears the holder (dispatch, transfer, hand_back, reassign,
 * reject, merge). Read from the table, so a new row that moves the task is counted by itself.
 */
export const HOLDER_STEPS: ReadonlySet<string> = new Set(['report', 'route', ...TRANSITIONS.filter((t) => t.assignee !== 'keep').map((t) => t.action)]);

/**
 * Since when the current holder has held the report: the moment of the latest step of its
 * timeline that changed the holder (null: no such step). Pure; the caller reads the timeline.
 */
export function heldSince(events: readonly { at: string; action: string; version: number; seq: number }[]): string | null {
  let latest: { at: string; version: number; seq: number } | null = null;
  for (const e of events) {
    if (!HOLDER_STEPS.has(e.action)) continue;
    if (!latest || e.version > latest.version || (e.version === latest.version && e.seq > latest.seq)) latest = e;
  }
  return latest?.at ?? null;
}
