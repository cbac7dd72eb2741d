/**
 * Access tokens as getStableAccessToken issues them (mp-access-token/getStableAccessToken.html):
 * - normal mode: the same token while it has more than 5 minutes left, then a new one (the old
 *   one keeps working until it expires);
 * - force_refresh: the token handed out before stops working at once — at most 20 times a day,
 *   and at least 30 s apart ("强制刷新模式每天限用20次且需间隔30秒"): a force within 30 s of the
 *   last one refreshes nothing and returns the current token; the 21st in a day is 45009.
 */
import { randomBytes } from 'node:crypto';
import { fail, type Json, type Reply } from '#local/standin/http';

const TOKEN_TTL_S = 7200;
const RENEW_WINDOW_MS = 5 * 60 * 1000;
const FORCE_PER_DAY = 20;
const FORCE_GAP_MS = 30_000;
const DAY_MS = 24 * 3600 * 1000;

export function createTokens(creds: { appid: string; secret: string }, now: () => number) {
  const tokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  let current: string | undefined;
  /** when each force refresh of the last day took effect */
  let forced: number[] = [];
  let forceRefreshes = 0;

  function mint(): { token: string; expiresIn: number } {
    const token = `local_${randomBytes(24).toString('base64url')}`;
    tokens.set(token, { expiresAt: now() + TOKEN_TTL_S * 1000, revoked: false });
    current = token;
    return { token, expiresIn: TOKEN_TTL_S };
  }

  function revokeAll() {
    for (const t of tokens.values()) t.revoked = true;
  }

  const issued = (token: string, expiresIn: number): Reply => ({ status: 200, body: { access_token: token, expires_in: expiresIn } });

  function currentReply(): Reply | undefined {
    const t = current ? tokens.get(current) : undefined;
    if (!current || !t || t.revoked || t.expiresAt <= now()) return undefined;
    return issued(current, Math.floor((t.expiresAt - now()) / 1000));
  }

  function stableToken(body: Json | undefined): Reply {
    if (!body) return fail(47001, 'data format error');
    if (body.grant_type !== 'client_credential') return fail(40002, 'invalid grant_type');
    if (body.appid !== creds.appid) return fail(40013, 'invalid appid');
    if (body.secret !== creds.secret) return fail(40125, 'invalid appsecret');
    if (body.force_refresh === true) {
      const t = now();
      forced = forced.filter((at) => t - at < DAY_MS);
      const last = forced.at(-1);
      if (last !== undefined && t - last < FORCE_GAP_MS) {
        const same = currentReply();
        if (same) return same;
      }
      if (forced.length >= FORCE_PER_DAY) return fail(45009, 'reach max api daily quota limit');
      forced.push(t);
      forceRefreshes++;
      revokeAll();
      const { token, expiresIn } = mint();
      return issued(token, expiresIn);
    }
    const t = current ? tokens.get(current) : undefined;
    if (current && t && !t.revoked && t.expiresAt - now() > RENEW_WINDOW_MS) return issued(current, Math.floor((t.expiresAt - now()) / 1000));
    const { token, expiresIn } = mint();
    return issued(token, expiresIn);
  }

  /** undefined when the token may call APIs, else the WeChat error. */
  function check(url: URL): Reply | undefined {
    const token = url.searchParams.get('access_token');
    if (!token) return fail(41001, 'access_token missing');
    const t = tokens.get(token);
    if (!t || t.revoked) return fail(40001, 'invalid credential, access_token is invalid or not latest');
    if (now() >= t.expiresAt) return fail(42001, 'access_token expired');
    return undefined;
  }

  return {
    stableToken,
    check,
    /** as if another holder force-refreshed: every issued token stops working, a new one is current */
    invalidate() {
      revokeAll();
      mint();
    },
    expire() {
      const past = now() - 1;
      for (const t of tokens.values()) t.expiresAt = past;
    },
    state: () => ({ current, issued: tokens.size, forceRefreshes }),
    reset() {
      tokens.clear();
      current = undefined;
      forced = [];
      forceRefreshes = 0;
    },
  };
}
