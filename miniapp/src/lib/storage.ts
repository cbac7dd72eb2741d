/** Everything the app keeps on the device, behind one small typed module. */
import Taro from '@tarojs/taro';
import type { Me } from './types';

const KEYS = { token: 'wsb.token', refresh: 'wsb.refresh', me: 'wsb.me', draft: 'wsb.draft', returnTo: 'wsb.returnTo', followed: 'wsb.followed' } as const;

/** Where a session ended without the person signing out (an expired login), to go back there after signing in again. */
export interface ReturnTo {
  /** the page with its query, e.g. "/pages/detail/index?id=R1" */
  url: string;
  /** who was signed in: only they are taken back there */
  userId: string | null;
  /** the session expired (the login page says so) */
  expired: boolean;
}

function get<T>(key: string): T | null {
  try {
    const v = Taro.getStorageSync(key);
    return v === '' || v === undefined || v === null ? null : (v as T);
  } catch {
    return null;
  }
}
function set(key: string, value: unknown): void {
  try {
    if (value === null) Taro.removeStorageSync(key);
    else Taro.setStorageSync(key, value);
  } catch {
    /* storage full or unavailable: the app still works for this session */
  }
}

export const storage = {
  token: () => get<string>(KEYS.token),
  setSession(token: string, refreshToken: string | null) {
    set(KEYS.token, token);
    set(KEYS.refresh, refreshToken);
  },
  refreshToken: () => get<string>(KEYS.refresh),
  me: () => get<Me>(KEYS.me),
  setMe: (me: Me | null) => set(KEYS.me, me),
  clearSession() {
    set(KEYS.token, null);
    set(KEYS.refresh, null);
    set(KEYS.me, null);
  },
  draft: <T>() => get<T>(KEYS.draft),
  setDraft: (d: unknown) => set(KEYS.draft, d),
  returnTo: () => get<ReturnTo>(KEYS.returnTo),
  setReturnTo: (r: ReturnTo | null) => set(KEYS.returnTo, r),
  /** a responder's last shared position (when, until when, how precise): the next share waits out its 30 s */
  sharedPosition: () => get<{ at: string; expiresAt: string; accuracy: number }>('wsb.sharedPosition'),
  setSharedPosition: (s: { at: string; expiresAt: string; accuracy: number } | null) => set('wsb.sharedPosition', s),
  /** a one-off fact about this device (e.g. an offer already made), kept across sign-outs */
  flag: (name: string) => get<boolean>(`wsb.flag.${name}`) === true,
  setFlag: (name: string) => set(`wsb.flag.${name}`, true),
};

const SEEN = 'wsb.seen';
/** The state a resident last saw each report in: a different state now = "有新进展". */
export const seen = {
  all: () => get<Record<string, string>>(SEEN) ?? {},
  mark(id: string, status: string) {
    const m = seen.all();
    if (m[id] === status) return;
    m[id] = status;
    set(SEEN, m);
  },
};

/**
 * Reports this device's resident joined ("我也遇到") or saw as a follower: the home list marks
 * them when the list itself does not say (a summary's `following`, when the API gives it, wins).
 */
const followedKey = () => `${KEYS.followed}.${get<Me>(KEYS.me)?.id ?? ''}`;
export const followed = {
  /** of the signed-in resident */
  all: () => new Set(get<string[]>(followedKey()) ?? []),
  has: (id: string) => followed.all().has(id),
  mark(id: string, on = true) {
    const s = followed.all();
    if (s.has(id) === on) return;
    if (on) s.add(id);
    else s.delete(id);
    set(followedKey(), [...s].slice(-500));
  },
};

/** A report the resident follows (我也遇到) rather than reported: the list's own word when it gives one, else this device's record. */
export const isFollowed = (r: { id: string; following?: boolean }) => r.following ?? followed.has(r.id);
