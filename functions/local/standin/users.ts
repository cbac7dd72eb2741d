/**
 * The stand-in's users: login (code2Session), phone numbers (getPhoneNumber), and who has been
 * seen. An openid is this app's once it signed in (or was declared present: the local stack's
 * demo users, who never sign in through WeChat); the content checks want more — a user who
 * opened the mini-program in the last 2 hours (msgSecCheck v2 documents 61010 otherwise) — and
 * the stand-in applies the same rule to mediaCheckAsync v2, which takes a user's openid too.
 *
 * Codes: `dev:<openid>` (or `dev:<openid>#<nonce>`, to sign in again) signs in as that openid,
 * `blocked:<openid>` is 40226; `phone:<digits>` gives that number; every code works once.
 */
import { randomBytes } from 'node:crypto';
import { fail, nowIso, ok, record, type Json, type Reply } from '#local/standin/http';
import type { LoginCall, PhoneCall } from '#local/standin/types';

/** How long a sign-in counts as "opened the mini-program recently" (61010 after). */
export const RECENT_MS = 2 * 3600 * 1000;

export function createUsers(creds: { appid: string; secret: string }, now: () => number, present: Set<string>) {
  const lastSeen = new Map<string, number>();
  const usedLoginCodes = new Set<string>();
  const usedPhoneCodes = new Set<string>();
  const logins: LoginCall[] = [];
  const phones: PhoneCall[] = [];

  function jscode2session(url: URL): Reply {
    const q = url.searchParams;
    const code = q.get('js_code') ?? '';
    const reject = (errcode: number, errmsg: string) => {
      record(logins, { at: nowIso(), code, errcode });
      return fail(errcode, errmsg);
    };
    if (q.get('appid') !== creds.appid) return reject(40013, 'invalid appid');
    if (q.get('secret') !== creds.secret) return reject(40125, 'invalid appsecret');
    if (q.get('grant_type') !== 'authorization_code') return reject(40002, 'invalid grant_type');
    if (usedLoginCodes.has(code)) return reject(40163, 'code been used');
    const dev = /^dev:([A-Za-z0-9_-]{1,64})(?:#[A-Za-z0-9]{1,32})?$/.exec(code);
    const blocked = /^blocked:([A-Za-z0-9_-]{1,64})$/.exec(code);
    if (!dev && !blocked) return reject(40029, 'invalid code');
    usedLoginCodes.add(code);
    if (blocked) return reject(40226, 'code blocked');
    const openid = dev![1]!;
    lastSeen.set(openid, now());
    record(logins, { at: nowIso(), code, openid, errcode: 0 });
    return { status: 200, body: { openid, session_key: randomBytes(16).toString('base64') } };
  }

  function phoneNumber(body: Json | undefined): Reply {
    if (!body) return fail(47001, 'data format error');
    const code = typeof body.code === 'string' ? body.code : '';
    const m = /^phone:(\d{5,20})$/.exec(code);
    // a phone code works once and for 5 minutes; a reused one is simply invalid (40029)
    if (!m || usedPhoneCodes.has(code)) {
      record(phones, { at: nowIso(), code, errcode: 40029 });
      return fail(40029, 'invalid code');
    }
    usedPhoneCodes.add(code);
    const digits = m[1]!;
    record(phones, { at: nowIso(), code, phoneNumber: digits, errcode: 0 });
    // countryCode as in the doc's example (a number, though the table says string)
    return ok({ phone_info: { phoneNumber: digits, purePhoneNumber: digits, countryCode: 86, watermark: { timestamp: Math.floor(now() / 1000), appid: creds.appid } } });
  }

  return {
    jscode2session,
    phoneNumber,
    /** an openid of this app: it signed in at some point, or is declared present */
    known: (openid: string) => present.has(openid) || lastSeen.has(openid),
    /** it opened the mini-program in the last 2 hours */
    recent: (openid: string) => present.has(openid) || now() - (lastSeen.get(openid) ?? -Infinity) < RECENT_MS,
    logins,
    phones,
    reset() {
      lastSeen.clear();
      usedLoginCodes.clear();
      usedPhoneCodes.clear();
      logins.length = 0;
      phones.length = 0;
    },
  };
}
