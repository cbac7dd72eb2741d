/**
 * Access tokens: short-lived HS256 JWTs (jose). The token names the user; role and areas are
 * read from the store on every request, so a deactivated account or changed areas take effect
 * at once rather than when the token expires.
 */
import { webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify, errors } from 'jose';
import { config } from '#config';
import { tokenSecret } from '#secrets';
import { DomainError } from '#domain/errors';

// The secret is read per call (secrets refresh, and are loaded before any handler runs); the
// imported key is kept while the secret stays the same, so a request does not re-import it.
let imported: { secret: string; key: Promise<webcrypto.CryptoKey> } | null = null;
function secret(): Promise<webcrypto.CryptoKey> {
  const s = tokenSecret();
  if (imported?.secret !== s) {
    imported = { secret: s, key: webcrypto.subtle.importKey('raw', new TextEncoder().encode(s), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']) };
  }
  return imported.key;
}
const ISSUER = 'weishibao';

export async function issueToken(userId: string, kind: 'access' | 'refresh' = 'access'): Promise<string> {
  const ttl = kind === 'access' ? config.tokenTtlSeconds : 30 * 86400;
  return new SignJWT({ kind })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${ttl}s`)
    .sign(await secret());
}

/** The sign-in answer: an access token, a refresh token and who they are for. */
export async function tokens(u: { id: string; role: string; name: string; areaIds: readonly string[] }) {
  return { token: await issueToken(u.id), refreshToken: await issueToken(u.id, 'refresh'), user: { id: u.id, role: u.role, name: u.name, areaIds: u.areaIds } };
}

export async function verifyToken(token: string, kind: 'access' | 'refresh' = 'access'): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, await secret(), { issuer: ISSUER, algorithms: ['HS256'] });
    if (payload.kind !== kind || typeof payload.sub !== 'string') throw new DomainError('unauthenticated', '登录凭证无效');
    return payload.sub;
  } catch (e) {
    if (e instanceof DomainError) throw e;
    if (e instanceof errors.JWTExpired) throw new DomainError('unauthenticated', '登录已过期，请重新登录');
    throw new DomainError('unauthenticated', '登录凭证无效');
  }
}
