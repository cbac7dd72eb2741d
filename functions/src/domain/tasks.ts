/**
 * Tasks: which open reports wait on whom, and how close to their limit they are. Pure.
 */
import { limitsOf } from '#domain/categories';
import { availableActions, isOpen } from '#domain/lifecycle';
import { dueAt, HOLDING_STATUSES, type ReportRecord } from '#domain/report';
import type { Actor, AreaRelation } from '#domain/roles';
import { factsOf } from '#domain/report';

/**
 * Why a report is on this person's list:
 * - assignee: they hold it (intake through handling)
 * - verifier: it is resolved or verified and they are the one to check and close it
 * - dispatch: nobody holds it and they can place it (grid leader, dispatch centre)
 */
export type TaskRole = 'assignee' | 'verifier' | 'dispatch';

export function taskRoleOf(r: ReportRecord, actor: Actor, areas: AreaRelation): TaskRole | null {
  if (!isOpen(r.status)) return null;
  if (r.assignee?.id === actor.id && HOLDING_STATUSES.includes(r.status)) return 'assignee';
  const actions = availableActions(factsOf(r), actor, areas);
  if ((r.status === 'resolved' && actions.includes('verify')) || (r.status === 'verified' && actions.includes('close'))) {
    // The dispatch centre can verify anything but only owns it when no one else can.
    if (actor.role !== 'dispatcher') return 'verifier';
  }
  if (!r.assignee && (actions.includes('accept') || actions.includes('dispatch'))) return 'dispatch';
  return null;
}

const HOUR = 3_600_000;

/** A task is due soon in the last quarter of its current stage's limit. */
export function clock(r: ReportRecord, now: Date): { dueAt: string | null; overdue: boolean; dueSoon: boolean } {
  const due = dueAt(r);
  if (!due) return { dueAt: null, overdue: false, dueSoon: false };
  const left = Date.parse(due) - now.getTime();
  const limits = limitsOf(r);
  const stageHours = limits ? (r.status === 'reported' ? limits.acceptHours : limits.resolveHours) : 24;
  return { dueAt: due, overdue: left < 0, dueSoon: left >= 0 && left <= stageHours * HOUR * 0.25 };
}

export function maskPhone(phone: string): string {
  // +86 138… is still a mainland mobile: mask the national number
  const digits = phone.replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');
  if (digits.length < 7) return '****';
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}
