/**
 * A report's states as data, each with its category (FixMyStreet style): the predicates every
 * other module asks (`isOpen`, `isHeld`, `isEnded`) and the lists derived from them read this
 * table only. The transitions between the states are domain/lifecycle's table.
 *
 * Categories:
 * - `held`: someone holds the work (the assignee, or the queue when nobody does): the time limits
 *   run, a reminder or an escalation can fire, the work can be handed back or transferred
 * - `open`: the work is done and waits on someone else (the verifier); not held, still open
 * - `ended`: closed, turned down or merged; the retention clock runs from when it ended
 * Open in the wide sense (`isOpen`: someone's task, counted as open) is held or open.
 */
export const STATUSES = ['reported', 'accepted', 'rejected', 'merged', 'dispatched', 'in_progress', 'resolved', 'verified', 'closed'] as const;
export type Status = (typeof STATUSES)[number];

export type StatusCategory = 'held' | 'open' | 'ended';

export const STATUS_TABLE: Readonly<Record<Status, Readonly<{ name: string; category: StatusCategory }>>> = Object.freeze({
  reported: Object.freeze({ name: '已上报', category: 'held' }),
  accepted: Object.freeze({ name: '已受理', category: 'held' }),
  rejected: Object.freeze({ name: '不予受理', category: 'ended' }),
  merged: Object.freeze({ name: '已合并', category: 'ended' }),
  dispatched: Object.freeze({ name: '已派单', category: 'held' }),
  in_progress: Object.freeze({ name: '处置中', category: 'held' }),
  resolved: Object.freeze({ name: '已办结', category: 'open' }),
  verified: Object.freeze({ name: '已核查', category: 'open' }),
  closed: Object.freeze({ name: '已结案', category: 'ended' }),
});

export const STATUS_NAMES = Object.freeze(Object.fromEntries(STATUSES.map((s) => [s, STATUS_TABLE[s].name]))) as Readonly<Record<Status, string>>;

export const statusCategory = (s: Status): StatusCategory => STATUS_TABLE[s].category;
export const isHeld = (s: Status): boolean => statusCategory(s) === 'held';
export const isEnded = (s: Status): boolean => statusCategory(s) === 'ended';
export const isOpen = (s: Status): boolean => !isEnded(s);

/** In the order of STATUSES. */
export const HELD_STATUSES: readonly Status[] = Object.freeze(STATUSES.filter(isHeld));
export const OPEN_STATUSES: readonly Status[] = Object.freeze(STATUSES.filter(isOpen));
export const ENDED_STATUSES: readonly Status[] = Object.freeze(STATUSES.filter(isEnded));
