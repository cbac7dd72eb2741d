import { describe, expect, it } from 'vitest';
import { TIMER_OUTBOX } from '../../../functions/src/domain/timers.ts';
import { outboxFor } from '../../../functions/src/domain/outbox.ts';

const held = { assignee: { id: 'w1', role: 'grid_worker' as const, name: '王师傅' } };

describe('what each timer checkpoint tells', () => {
  it('a reminder goes to the holder; nobody when unassigned', () => {
    expect(outboxFor(TIMER_OUTBOX.remind, held)).toEqual({ kind: 'timer.remind', title: '催办', to: [{ userId: 'w1', reason: 'reminder' }] });
    expect(outboxFor(TIMER_OUTBOX.remind, { assignee: null }).to).toEqual([]);
  });

  it('escalations go to whoever is above, and the overdue holder hears of it at the first', () => {
    expect(outboxFor(TIMER_OUTBOX.escalate_leader, held, { escalation: ['l1', 'l2'] }).to).toEqual([
      { userId: 'l1', reason: 'escalation' },
      { userId: 'l2', reason: 'escalation' },
      { userId: 'w1', reason: 'overdue' },
    ]);
    expect(outboxFor(TIMER_OUTBOX.escalate_centre, held, { escalation: ['d1'] }).to).toEqual([{ userId: 'd1', reason: 'escalation' }]);
  });

  it('survey checkpoints ask the reporter and followers, then record no answer quietly', () => {
    expect(outboxFor(TIMER_OUTBOX.survey_remind, held).to).toEqual([{ audience: 'followers' }]);
    expect(outboxFor(TIMER_OUTBOX.survey_expire, held).to).toEqual([]);
    // a checkpoint cannot be handed people it does not tell
    expect(() => outboxFor(TIMER_OUTBOX.remind, held, { escalation: ['l1'] })).toThrow(/does not tell/);
  });
});
