/**
 * Content moderation: report texts go through WeChat's msgSecCheck, photos through
 * mediaCheckAsync (the verdict may come minutes later). A flagged item is hidden from public
 * views — other residents' "我也遇到" list, followers' photos — and queued for a person to review;
 * staff handling the report still see everything (a hazard is not ignored for a bad word).
 */
export type Verdict = 'pass' | 'review' | 'risky' | 'unchecked' | 'pending';

export interface Moderation {
  /** the description (and address); 'unchecked' when WeChat could not be asked */
  text: Verdict;
  /** per photo (upload id) */
  photos: Record<string, Verdict>;
  /** a person's decision; null until reviewed */
  reviewed: 'approved' | 'hidden' | null;
}

const FLAGGED: readonly Verdict[] = ['review', 'risky', 'unchecked'];

export const isFlagged = (v: Verdict): boolean => FLAGGED.includes(v);

/** Waiting for a person: something is flagged and nobody has decided yet. */
export function needsReview(m: Moderation | undefined | null): boolean {
  if (!m || m.reviewed) return false;
  return isFlagged(m.text) || Object.values(m.photos).some(isFlagged);
}

/** Hidden from residents other than the reporter (nearby lists). */
export function hiddenFromPublic(m: Moderation | undefined | null): boolean {
  if (!m) return false;
  if (m.reviewed) return m.reviewed === 'hidden';
  return isFlagged(m.text) || Object.values(m.photos).some(isFlagged);
}

/** Photos a follower may not see: flagged (or still being checked) unless a reviewer approved them. */
export function hiddenPhotos(m: Moderation | undefined | null): Set<string> {
  if (!m || m.reviewed === 'approved') return new Set();
  if (m.reviewed === 'hidden') return new Set(Object.keys(m.photos));
  return new Set(Object.entries(m.photos).filter(([, v]) => v !== 'pass').map(([k]) => k));
}
