/**
 * Repeat hazards (重复隐患): a building with REPEAT_MIN or more reports of one category within
 * REPEAT_WINDOW_DAYS is flagged for staff, because the same fault coming back means the fix did
 * not hold (or nobody owns the cause). Pure: the tally's next state and what it says.
 */
export const REPEAT_WINDOW_DAYS = 90;
export const REPEAT_MIN = 3;
/** the newest reports a tally keeps (enough to show the history; the count stops mattering beyond) */
export const TALLY_KEEP = 20;

const DAY_MS = 86_400_000;

export interface Tally {
  buildingId: string;
  category: string;
  streetId: string;
  label: string;
  /** reports, oldest first */
  reports: { id: string; at: string }[];
  lastAt: string;
  /** writes so far */
  n: number;
}

export const windowStart = (now: Date): string => new Date(now.getTime() - REPEAT_WINDOW_DAYS * DAY_MS).toISOString();

/** The tally after a report is filed: older reports leave the window, the newest are kept. */
export function nextTally(prev: Tally | null, add: { id: string; at: string }, where: Pick<Tally, 'buildingId' | 'category' | 'streetId' | 'label'>): { next: Tally; repeat: boolean; ttlAt: Date } {
  const since = windowStart(new Date(add.at));
  const kept = (prev?.reports ?? []).filter((r) => r.at >= since && r.id !== add.id);
  const reports = [...kept, add].slice(-TALLY_KEEP);
  const next: Tally = { ...where, reports, lastAt: add.at, n: (prev?.n ?? 0) + 1 };
  return { next, repeat: reports.length >= REPEAT_MIN, ttlAt: new Date(Date.parse(add.at) + REPEAT_WINDOW_DAYS * DAY_MS) };
}

/** What a tally says now: the reports still in the window, when they are a repeat; else null. */
export function repeatOf(tally: Tally | null, now: Date): { count: number; since: string; reportIds: string[] } | null {
  if (!tally) return null;
  const since = windowStart(now);
  const inWindow = tally.reports.filter((r) => r.at >= since);
  return inWindow.length >= REPEAT_MIN ? { count: inWindow.length, since, reportIds: inWindow.map((r) => r.id) } : null;
}
