/** Everything the app keeps on the device, behind one small typed module. */
import Taro from '@tarojs/taro';
import type { Me } from './types';

const KEYS = { token: 'wsb.token', refresh: 'wsb.refresh', me: 'wsb.me', draft: 'wsb.draft' } as const;

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
