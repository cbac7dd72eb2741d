/**
 * Who is told of a step, and what its outbox row says. The steps (domain/lifecycle's transition
 * rows and its STEPS) name this as data; `outboxFor` turns it into the row's kind, title and
 * recipients for the report as the step left it. The notifier (notify/notifier) expands
 * 'followers', drops the actor, and picks each recipient's push by their reason.
 */
import type { ReportRecord } from '#domain/report';

/** Why someone is told: notify/templates chooses the push (if any) by it. */
export type Reason = 'task' | 'reminder' | 'rated' | 'overdue' | 'co_notified' | 'escalation';

/**
 * Who hears of a step:
 * - `followers`: the reporter and the residents who joined the report ("我也遇到")
 * - `holder:<reason>`: the assignee after the step (nobody when it is unassigned)
 * - `co_notified`, `escalation`: people the flow looks up for the step and passes in — routing's
 *   other side on a new report, the grid leaders or the dispatch centre an overdue task or a
 *   resident dissatisfied again is escalated to
 */
export type Told = 'followers' | `holder:${'task' | 'reminder' | 'rated' | 'overdue'}` | LookedUp;
export type LookedUp = 'co_notified' | 'escalation';

export interface Telling {
  /** the outbox row's kind, e.g. `report.accept` (the inbox item keeps it; pushes are chosen by it) */
  kind: string;
  /** the inbox item's title */
  title: string;
  tell: readonly Told[];
}

/**
 * Anything that is told: a transition row or one of lifecycle's STEPS. 'by_timer': a row a time
 * limit or the survey fires; the firing checkpoint names its outbox (domain/timers TIMER_OUTBOX).
 */
export interface Step {
  outbox: Telling | 'by_timer';
}

export type Recipient = { audience: 'followers' } | { userId: string; reason: Reason };

export interface Outbox {
  kind: string;
  title: string;
  to: Recipient[];
}

/**
 * The outbox row a step writes, in the order its `outbox.tell` names the recipients. `lookedUp` holds
 * the people for the looked-up entries the step names (none given: nobody); people for an entry
 * the step does not name are a caller's mistake, and throw.
 */
export function outboxFor(step: Step, after: Pick<ReportRecord, 'assignee'>, lookedUp: Partial<Record<LookedUp, readonly string[]>> = {}): Outbox {
  const telling = step.outbox;
  if (telling === 'by_timer') throw new Error('a timer-fired row: its checkpoint names the outbox (domain/timers TIMER_OUTBOX)');
  for (const [group, ids] of Object.entries(lookedUp)) {
    if (ids?.length && !telling.tell.includes(group as LookedUp)) throw new Error(`${telling.kind} does not tell ${group}`);
  }
  const to: Recipient[] = [];
  for (const told of telling.tell) {
    if (told === 'followers') to.push({ audience: 'followers' });
    else if (told.startsWith('holder:')) {
      if (after.assignee) to.push({ userId: after.assignee.id, reason: told.slice('holder:'.length) as Reason });
    } else {
      for (const userId of lookedUp[told as LookedUp] ?? []) to.push({ userId, reason: told as LookedUp });
    }
  }
  return { kind: telling.kind, title: telling.title, to };
}
