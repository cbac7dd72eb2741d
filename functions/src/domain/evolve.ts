/**
 * Applying a decision: the next report record and its timeline event, computed without I/O.
 * What changes besides the state is what the decision's transition row names (domain/lifecycle):
 * its timestamps and counters, a renewed resolve limit, the after-photos and merge target its
 * command had to bring; `endedAt` follows the new state's category (domain/statuses).
 */
import { limitsOf, reopenedResolveBy } from '#domain/categories';
import type { Command, Decision } from '#domain/lifecycle';
import { isEnded } from '#domain/statuses';
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

  const t = decision.transition;
  for (const stamp of t.stamps ?? []) after[stamp] = at;
  for (const counter of t.counts ?? []) after[counter] = before[counter] + 1;
  if (t.requires.includes('photos')) after.photos = [...before.photos, ...(i.photos ?? [])];
  if (t.requires.includes('mergeInto')) after.mergedInto = command.mergeInto ?? null;
  if (t.renewsResolveBy) {
    const limits = limitsOf(before);
    if (limits) after.resolveBy = reopenedResolveBy(limits, now);
  }
  if (after.status !== before.status) after.endedAt = isEnded(after.status) ? at : null;

  const note = [command.note, command.reason].filter((s): s is string => !!s?.trim()).join('；') || null;
  const events: TimelineEvent[] = [
    {
      reportId: before.id,
      version: after.version,
      seq: 0,
      at,
      action: t.action,
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
