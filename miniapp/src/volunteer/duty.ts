/**
 * A responder's position while on duty (PRODUCT.md "Community responders"): shared at once on
 * going on duty and then every 30 s while the offers page is open (PUT /v1/me/position; the API
 * answers 429 with `retryAfterSeconds` when sooner), only the last one kept by the server, which
 * lets it lapse 15 minutes after the last update and deletes it on going off duty. Nothing is
 * shared off duty or while the page is hidden; a page opened again within 30 s of the last share
 * waits out the rest rather than meet the 429. The words the page says about it are here too.
 */
import { useEffect, useRef, useState } from 'react';
import { ApiError, messageOf } from '../lib/api';
import { storage } from '../lib/storage';
import { currentPosition, PositionError, type Position } from '../lib/position';
import { POSITION_MIN_INTERVAL_MS, POSITION_TTL_MS, responders, type Fix } from '../lib/responders';

/** What the duty card says, plainly (the server's rules: domain/responders). */
export const SHARING_RULES = `在岗期间每 ${POSITION_MIN_INTERVAL_MS / 1000} 秒共享一次位置，仅保留最后一次，${POSITION_TTL_MS / 60_000} 分钟后自动失效；下岗即删除。仅用于就近派单。`;

export type ShareStatus =
  | { state: 'off' }
  | { state: 'locating' }
  | { state: 'shared'; at: string; expiresAt: string; accuracy: number }
  | { state: 'denied' }
  | { state: 'failed'; message: string };

export interface ShareDeps {
  locate?: () => Promise<Position>;
  send?: (fix: Fix) => Promise<{ expiresAt: string }>;
  now?: () => Date;
  /** the last share this device made (default: kept in storage, so a reopened page waits out the 30 s) */
  last?: { get: () => Shared | null; set: (s: Shared) => void };
}

type Shared = Extract<ShareStatus, { state: 'shared' }>;
const stored = {
  get: (): Shared | null => {
    const s = storage.sharedPosition();
    return s ? { state: 'shared', ...s } : null;
  },
  set: ({ at, expiresAt, accuracy }: Shared) => storage.setSharedPosition({ at, expiresAt, accuracy }),
};

/** How long before the next share may go: none while the last is 30 s old or more. */
export function waitBeforeShare(last: Pick<Shared, 'at'> | null, now: Date): number {
  if (!last) return 0;
  return Math.max(0, Date.parse(last.at) + POSITION_MIN_INTERVAL_MS - now.getTime());
}

export const fixOf = (p: Position): Fix => ({ lat: p.point.lat, lng: p.point.lng, accuracy: Math.round(p.accuracy ?? 100), datum: 'gcj02' });

/** One share: the position now, sent; how long to wait before the next. */
export async function shareOnce(deps: ShareDeps = {}): Promise<{ status: ShareStatus; nextInMs: number }> {
  const locate = deps.locate ?? currentPosition;
  const send = deps.send ?? responders.position;
  const now = deps.now ?? (() => new Date());
  let p: Position;
  try {
    p = await locate();
  } catch (e) {
    if (e instanceof PositionError && e.reason === 'denied') return { status: { state: 'denied' }, nextInMs: POSITION_MIN_INTERVAL_MS };
    return { status: { state: 'failed', message: e instanceof Error ? e.message : '暂时无法获取您的位置' }, nextInMs: POSITION_MIN_INTERVAL_MS };
  }
  const fix = fixOf(p);
  try {
    const r = await send(fix);
    const status: Shared = { state: 'shared', at: now().toISOString(), expiresAt: r.expiresAt, accuracy: fix.accuracy };
    (deps.last ?? stored).set(status);
    return { status, nextInMs: POSITION_MIN_INTERVAL_MS };
  } catch (e) {
    if (e instanceof ApiError && e.code === 'rate_limited') {
      const wait = Number((e.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 30);
      return { status: { state: 'locating' }, nextInMs: Math.max(1, wait) * 1000 };
    }
    return { status: { state: 'failed', message: messageOf(e) }, nextInMs: POSITION_MIN_INTERVAL_MS };
  }
}

/**
 * Shares the position while `active` (on duty and the page shown): once at once, then every 30 s.
 * Keeps the last success on screen while a later attempt waits out a 429.
 */
export function useSharedPosition(active: boolean, deps: ShareDeps = {}): ShareStatus {
  const [status, setStatus] = useState<ShareStatus>({ state: 'off' });
  const depsRef = useRef(deps);
  depsRef.current = deps;
  useEffect(() => {
    if (!active) {
      setStatus({ state: 'off' });
      return;
    }
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      const r = await shareOnce(depsRef.current);
      if (stopped) return;
      // a 429 keeps what was shown (the last share is still the server's)
      setStatus((cur) => (r.status.state === 'locating' && cur.state === 'shared' ? cur : r.status));
      timer = setTimeout(() => void tick(), r.nextInMs);
    };
    // a share this device made under 30 s ago still stands: show it, and wait out the rest
    const deps0 = depsRef.current;
    const last = (deps0.last ?? stored).get();
    const wait = last && Date.parse(last.expiresAt) > (deps0.now ?? (() => new Date()))().getTime() ? waitBeforeShare(last, (deps0.now ?? (() => new Date()))()) : 0;
    setStatus((cur) => (cur.state === 'shared' ? cur : wait > 0 && last ? last : { state: 'locating' }));
    if (wait > 0) timer = setTimeout(() => void tick(), wait);
    else void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [active]);
  return status;
}
