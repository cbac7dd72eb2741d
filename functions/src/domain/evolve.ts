/**
 * Applying a decision: the next report record and its timeline event, computed without I/O.
 * Timestamps that KPIs need (acceptedAt, resolvedAt, closedAt) are set here, once.
 */
import { categoryOf, reopenedResolveBy } from '#domain/categories';
import type { Command, Decision } from '#domain/lifecycle';
import type { PersonRef, PhotoRef, ReportRecord, TimelineEvent } from '#domain/report';

export interface Evolution {
  after: ReportRecord;
  events: TimelineEvent[];
}

export interface EvolveInput {
  before: ReportRecord;
  decision: Decision;
  command: Command;
  /** null: the service itself (routing, reassignment) */
  actor: PersonRef | null;
  now: Date;
  /** for `set` (dispatch): the named staff member */
  target?: PersonRef | null;
  /** for `reroute` (transfer): what routing chose on the new lead side */
  rerouted?: { assignee: PersonRef | null; reason: string };
  /** after-photos (resolve), already checked to be the actor's own finished uploads */
  photos?: PhotoRef[];
}

export function evolve(i: EvolveInput): Evolution {
  const { before, decision, command, actor, now } = i;
  const at = now.toISOString();
  const after: ReportRecord = { ...before, version: before.version + 1, status: decision.to, lead: decision.lead, updatedAt: at };

  switch (decision.assignee.kind) {
    case 'clear':
      after.assignee = null;
      break;
    case 'set':
      after.assignee = i.target ?? null;
      break;
    case 'reroute':
      after.assignee = i.rerouted?.assignee ?? null;
      break;
    case 'keep':
      break;
  }

  const action = decision.transition.action;
  if (action === 'accept') after.acceptedAt = at;
  if (action === 'resolve') {
    after.resolvedAt = at;
    after.photos = [...before.photos, ...(i.photos ?? [])];
  }
  if (action === 'close') {
    after.closedAt = at;
    after.closeRound = before.closeRound + 1;
  }
  if (action === 'merge') after.mergedInto = command.mergeInto ?? null;
  if (after.status !== before.status) {
    after.endedAt = ['closed', 'rejected', 'merged'].includes(after.status) ? at : null;
  }
  if (action === 'reopen') {
    after.reopenCount = before.reopenCount + 1;
    const category = categoryOf(before.category);
    if (category) after.resolveBy = reopenedResolveBy(category, now);
  }

  const note = [command.note, command.reason].filter((s): s is string => !!s?.trim()).join('；') || null;
  const events: TimelineEvent[] = [
    {
      reportId: before.id,
      version: after.version,
      seq: 0,
      at,
      action,
      from: before.status,
      to: after.status,
      actor,
      note,
      photoIds: (i.photos ?? []).map((p) => p.id),
    },
  ];
  if (decision.assignee.kind === 'reroute' && i.rerouted) {
    events.push({
      reportId: before.id,
      version: after.version,
      seq: 1,
      at,
      action: 'route',
      from: after.status,
      to: after.status,
      actor: null,
      note: i.rerouted.reason,
      photoIds: [],
    });
  }
  return { after, events };
}
