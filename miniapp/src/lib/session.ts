/** Who is signed in, and where each role starts. */
import Taro from '@tarojs/taro';
import { api } from './api';
import { storage } from './storage';
import type { Me, Role } from './types';
import { isResidentSide } from './responders';
import { PAGES as PAGE_TABLE, type PageName } from '../../../functions/src/domain/pages';

export const HANDLER_ROLES: readonly Role[] = ['grid_worker', 'grid_leader', 'police_officer'];

/** Links to the app's pages, from THE page table the app's config and the backend's pushes share. */
const url = (name: PageName) => `/${PAGE_TABLE[name].path}`;
const withId = (name: PageName) => (id: string) => `${url(name)}?id=${encodeURIComponent(id)}`;
export const PAGES = {
  home: url('home'),
  login: url('login'),
  consent: url('consent'),
  report: url('report'),
  detail: withId('detail'),
  inbox: url('inbox'),
  task: withId('task'),
  dashboard: url('dashboard'),
  volunteers: url('volunteers'),
  offers: url('offers'),
  points: url('points'),
  apply: url('apply'),
} as const;

/**
 * The first screen for a role: residents report, handlers work their inbox, the centre watches.
 * A community responder (volunteer) keeps the resident home — they report like anyone — which
 * leads them to their assist offers (协助任务) from its top.
 */
export function homeOf(role: Role): string {
  if (isResidentSide(role)) return PAGES.home;
  if (role === 'dispatcher' || role === 'admin') return PAGES.dashboard;
  return PAGES.inbox;
}

export async function signIn(token: string, refreshToken: string | null): Promise<Me> {
  storage.setSession(token, refreshToken);
  const me = await api.me();
  storage.setMe(me);
  return me;
}

/**
 * Where someone goes once signed in: the privacy notice first for a resident who has not
 * accepted it; else back to the page they were on when their session expired (only if it is the
 * same person), else their role's first screen.
 */
export function landingOf(me: Me): string {
  const back = storage.returnTo();
  storage.setReturnTo(null);
  if (isResidentSide(me.role) && me.consent.required) return PAGES.consent;
  if (back && back.userId === me.id) return back.url;
  return homeOf(me.role);
}

export function signOut() {
  storage.clearSession();
  storage.setReturnTo(null);
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
