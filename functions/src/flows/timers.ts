/**
 * Firing a due timer: a reminder to the holder, an escalation to the grid leader and then the
 * dispatch centre, a survey reminder, or the survey's expiry as "no answer". Each is a system
 * transition (on the timeline, in the outbox, audited), conditioned on the report's version, and
 * counts its step in the record, so a timer fires once however often the sweeper runs.
 */
import { systemDecision, type Action } from '#domain/lifecycle';
import { factsOf, type ReportRecord } from '#domain/report';
import { afterTimer, nextTimer, TIMER_OUTBOX, type Timer } from '#domain/timers';
import { outboxFor } from '#domain/outbox';
import { evolve } from '#domain/evolve';
import { ROLE_NAMES } from '#domain/roles';
import { areasInForce } from '#flows/areas';
import { loadReport, withRetry } from '#flows/reports';
import { dispatchCentreOf, gridLeadersOf } from '#flows/supervisors';
import { commitTransition } from '#store/reports';
import { retain } from '#flows/retention';
import { config } from '#config';

const ACTION_OF: Record<Exclude<Timer['kind'], 'retain'>, Action> = {
  remind: 'remind',
  escalate_leader: 'escalate',
  escalate_centre: 'escalate',
  survey_remind: 'survey_remind',
  survey_expire: 'survey_expire',
};

function note(r: ReportRecord, t: Timer & { kind: keyof typeof ACTION_OF }): string {
  const stage = r.status === 'reported' ? '受理' : '办结';
  const holder = r.assignee ? `${ROLE_NAMES[r.assignee.role]} ${r.assignee.name}` : '处理人';
  switch (t.kind) {
    case 'remind':
      return `${stage}时限将至，已催办${holder}`;
    case 'escalate_leader':
      return `已超过${stage}时限，升级至网格长`;
    case 'escalate_centre':
      return `超过${stage}时限 50% 仍未办理，升级至网格化服务管理中心`;
    case 'survey_remind':
      return '已提醒上报人评价处理结果';
    case 'survey_expire':
      return '上报人 7 天内未评价，记为未评价';
  }
}

/** Who is above the report for an escalation (nobody looked up for other checkpoints). */
async function escalationOf(r: ReportRecord, kind: keyof typeof ACTION_OF): Promise<string[]> {
  if (kind !== 'escalate_leader' && kind !== 'escalate_centre') return [];
  const { tree } = await areasInForce();
  if (kind === 'escalate_centre') return dispatchCentreOf(tree, r);
  const leaders = await gridLeadersOf(tree, r);
  // No leader over this grid: the centre hears of it now rather than never.
  return leaders.length ? leaders : dispatchCentreOf(tree, r);
}

/** Fires the report's next timer if it is due; false when there was nothing (already fired, not due). */
export async function fireTimer(reportId: string, now: Date): Promise<boolean> {
  return withRetry(async () => {
    const before = await loadReport(reportId);
    const due = nextTimer(before, config.retentionDays);
    if (!due || Date.parse(due.at) > now.getTime()) return false;
    // Retention is housekeeping on the record, not a step of the loop.
    if (due.kind === 'retain') {
      await retain(before, now);
      return true;
    }
    const timer = { at: due.at, kind: due.kind };
    const action = ACTION_OF[timer.kind];
    const decision = systemDecision(factsOf(before), action);
    const text = note(before, timer);
    const evolved = evolve({ before, decision, command: { action, note: text }, actor: null, now });
    const after: ReportRecord = { ...evolved.after, ...afterTimer(before, timer) };
    await commitTransition({
      before,
      after,
      events: evolved.events,
      outbox: {
        reportId,
        version: after.version,
        at: now.toISOString(),
        actorId: null,
        ...outboxFor(TIMER_OUTBOX[timer.kind], before, { escalation: await escalationOf(before, timer.kind) }),
        body: text,
      },
    });
    return true;
  });
}
