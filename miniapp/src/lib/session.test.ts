import { beforeEach, describe, expect, it, vi } from 'vitest';
import Taro from '@tarojs/taro';
import { api, EXPIRED_MESSAGE, sessionEnded } from './api';
import { landingOf, signOut } from './session';
import { followed, isFollowed, storage } from './storage';
import type { Me } from './types';

const me = (id: string, extra: Partial<Me> = {}): Me => ({
  id,
  role: 'resident',
  roleName: '居民',
  name: '王阿姨',
  areaIds: [],
  areas: [],
  phoneBound: false,
  consent: { accepted: '2026-11', current: '2026-11', required: false },
  ...extra,
});

beforeEach(() => {
  storage.clearSession();
  storage.setReturnTo(null);
  vi.mocked(Taro.reLaunch).mockClear();
  vi.useRealTimers();
});

describe('an expired session', () => {
  it('remembers the page and who was on it, leaves for the login page once, and returns there after the same person signs in', async () => {
    storage.setSession('t', 'r');
    storage.setMe(me('u-res-wang'));
    location.hash = '#/pages/detail/index?id=R1';
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-01T00:00:00Z'));
    sessionEnded();
    sessionEnded(); // several requests failing at once
    expect(Taro.reLaunch).toHaveBeenCalledTimes(1);
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' });
    expect(storage.token()).toBeNull();
    expect(storage.returnTo()).toEqual({ url: '/pages/detail/index?id=R1', userId: 'u-res-wang', expired: true });
    expect(EXPIRED_MESSAGE).toBe('登录已过期，请重新登录');
    // the same resident signs in again: back to the report; asked once only
    expect(landingOf(me('u-res-wang'))).toBe('/pages/detail/index?id=R1');
    expect(landingOf(me('u-res-wang'))).toBe('/pages/index/index');
  });

  it('sends someone else who signs in to their own first screen', () => {
    storage.setReturnTo({ url: '/pages/detail/index?id=R1', userId: 'u-res-wang', expired: true });
    expect(landingOf(me('u-gw-1', { role: 'grid_worker' }))).toBe('/staff/inbox/index');
    expect(storage.returnTo()).toBeNull();
  });

  it('a community responder lands on the resident home (they report like anyone), the privacy notice first if due', () => {
    expect(landingOf(me('u-vol-1', { role: 'volunteer' }))).toBe('/pages/index/index');
    expect(landingOf(me('u-vol-2', { role: 'volunteer', consent: { accepted: null, current: '2026-11', required: true } }))).toBe('/pages/consent/index');
  });

  it('puts the privacy notice first for a resident who has not accepted it', () => {
    storage.setReturnTo({ url: '/pages/report/index', userId: 'u-new', expired: true });
    expect(landingOf(me('u-new', { consent: { accepted: null, current: '2026-11', required: true } }))).toBe('/pages/consent/index');
  });

  it('does not remember the login page itself, and a sign-out forgets any return', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-02T00:00:00Z'));
    storage.setSession('t', 'r');
    location.hash = '#/pages/login/index';
    sessionEnded();
    expect(storage.returnTo()).toBeNull();
    storage.setReturnTo({ url: '/pages/report/index', userId: 'x', expired: true });
    signOut();
    expect(storage.returnTo()).toBeNull();
  });

  it('a 401 the refresh cannot mend ends the session through sessionEnded', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-03T00:00:00Z'));
    storage.setSession('expired', 'expired-too');
    storage.setMe(me('u-res-li'));
    location.hash = '#/pages/report/index';
    const unauthorized = { statusCode: 401, data: JSON.stringify({ error: { code: 'unauthenticated', message: EXPIRED_MESSAGE } }) };
    // the report, then the refresh: both refused
    vi.mocked(Taro.request)
      .mockImplementationOnce((async () => unauthorized) as never)
      .mockImplementationOnce((async () => unauthorized) as never);
    await expect(api.report('R9')).rejects.toThrow(EXPIRED_MESSAGE);
    expect(storage.returnTo()).toEqual({ url: '/pages/report/index', userId: 'u-res-li', expired: true });
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' });
    expect(Taro.request).toHaveBeenCalledTimes(2);
  });
});

describe('followed reports on this device', () => {
  it("are kept per resident, and the list's own word wins", () => {
    storage.setMe(me('u-a'));
    followed.mark('R1');
    expect(isFollowed({ id: 'R1' })).toBe(true);
    expect(isFollowed({ id: 'R1', following: false })).toBe(false);
    expect(isFollowed({ id: 'R2', following: true })).toBe(true);
    storage.setMe(me('u-b'));
    expect(isFollowed({ id: 'R1' })).toBe(false);
  });
});
