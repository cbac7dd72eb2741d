/**
 * Abuse limits: how often one person may do something that costs the city a person's time or
 * exposes someone (filing, uploading, following, revealing a phone, trying invite codes; an
 * Open311 API key's filings). Fixed
 * windows, counted per user; the defaults suit a resident reporting what they see, not a script.
 * RATE_LIMITS overrides them: "reports=10/600,uploads=60/600" (count / window seconds).
 */
export const LIMITED = ['reports', 'uploads', 'follows', 'reveals', 'invites', 'open311'] as const;
export type Limited = (typeof LIMITED)[number];

export interface Limit {
  max: number;
  windowSeconds: number;
}

export const DEFAULT_LIMITS: Readonly<Record<Limited, Limit>> = {
  reports: { max: 10, windowSeconds: 600 },
  uploads: { max: 60, windowSeconds: 600 },
  follows: { max: 30, windowSeconds: 600 },
  reveals: { max: 20, windowSeconds: 3600 },
  invites: { max: 5, windowSeconds: 3600 },
  // per Open311 API key: a city system files for many people, so more than one resident's 10
  open311: { max: 120, windowSeconds: 600 },
};

/** Parses RATE_LIMITS over the defaults; a malformed entry fails loudly (config fails fast). */
export function parseLimits(spec: string | undefined): Record<Limited, Limit> {
  const out = { ...DEFAULT_LIMITS };
  for (const part of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\w+)=(\d+)\/(\d+)$/.exec(part);
    if (!m || !(LIMITED as readonly string[]).includes(m[1]!) || Number(m[3]) <= 0) throw new Error(`RATE_LIMITS: cannot read "${part}" (want name=count/seconds, names ${LIMITED.join(', ')})`);
    out[m[1] as Limited] = { max: Number(m[2]), windowSeconds: Number(m[3]) };
  }
  return out;
}

/** The window an instant falls in, and how long until it ends (the Retry-After). */
export function windowOf(limit: Limit, nowMs: number): { start: number; retryAfterSeconds: number } {
  const size = limit.windowSeconds * 1000;
  const start = Math.floor(nowMs / size) * size;
  return { start, retryAfterSeconds: Math.max(1, Math.ceil((start + size - nowMs) / 1000)) };
}
