/** Who is signed in, and where each role starts. */
import Taro from '@tarojs/taro';
import { api } from './api';
import { storage } from './storage';
import type { Me, Role } from './types';

export const HANDLER_ROLES: readonly Role[] = ['grid_worker', 'grid_leader', 'police_officer'];

export const PAGES = {
  home: '/pages/index/index',
  login: '/pages/login/index',
  consent: '/pages/consent/index',
  report: '/pages/report/index',
  detail: (id: string) => `/pages/detail/index?id=${encodeURIComponent(id)}`,
  inbox: '/staff/inbox/index',
  task: (id: string) => `/staff/task/index?id=${encodeURIComponent(id)}`,
  dashboard: '/dispatch/dashboard/index',
} as const;

/** The first screen for a role: residents report, handlers work their inbox, the centre watches. */
export function homeOf(role: Role): string {
  if (role === 'resident') return PAGES.home;
  if (role === 'dispatcher' || role === 'admin') return PAGES.dashboard;
  return PAGES.inbox;
}

export async function signIn(token: string, refreshToken: string | null): Promise<Me> {
  storage.setSession(token, refreshToken);
  const me = await api.me();
  storage.setMe(me);
  return me;
}

export function signOut() {
  storage.clearSession();
  void Taro.reLaunch({ url: PAGES.login });
}

/** False (and off to the login page) when nobody is signed in. */
export function requireSession(): boolean {
  if (storage.token()) return true;
  void Taro.reLaunch({ url: PAGES.login });
  return false;
}

/** The signed-in user, fresh from the API (kept in storage for the next start). */
export async function refreshMe(): Promise<Me> {
  const me = await api.me();
  storage.setMe(me);
  return me;
}
