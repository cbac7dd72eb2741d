/**
 * Open311 API keys (POST /v1/admin/apikeys …): an admin issues a key for a city system; the key
 * files reports only inside the areas its admin held when it was made (a street's key files in
 * that street), is rate-limited on its own (domain/limits `open311`), and is shown once — the
 * table keeps the SHA-256 of its secret. Each issue and revocation commits with its audit entry.
 *
 * A key files as a principal of its own (`keyPrincipal`): a user record that exists only in
 * memory, role dispatcher (it files for callers, as the dispatch centre does), bound to the key's
 * areas, so rights (domain/rights), the rate limit and Idempotency-Key all work per key.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError, notFound } from '#domain/errors';
import { rightsOf, type Rights } from '#flows/rights';
import { auditEntry, auditPut } from '#store/audit';
import { getApiKey, listApiKeys, putApiKey, revokeApiKey, type ApiKeyRecord } from '#store/apikeys';
import { ConditionFailed } from '#store/tx';
import type { UserRecord } from '#store/users';

const PREFIX = 'wsb311';
const PRINCIPAL = 'apikey-';
/** `wsb311_<id>_<secret>`: the id finds the record, the secret is compared by hash */
const KEY_FORMAT = /^wsb311_([a-z0-9]{12})_([A-Za-z0-9_-]{32,64})$/;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export const apiKeyView = (k: ApiKeyRecord) => ({ id: k.id, name: k.name, areaIds: k.areaIds, createdBy: k.createdBy, createdAt: k.createdAt, revokedAt: k.revokedAt, active: k.revokedAt === null });

const keyAudit = (admin: UserRecord, at: string, detail: string) =>
  auditPut(auditEntry({ at, what: 'account_change', actorId: admin.id, actorRole: admin.role, reportId: null, detail, from: null, to: null }));

/** The admin manages a key when it covers every area the key is bound to. */
const manages = (rights: Rights, k: ApiKeyRecord) => k.areaIds.length > 0 && k.areaIds.every((id) => rights.may({ areaId: id }));

export async function issueApiKey(admin: UserRecord, input: { name: string }, now: Date): Promise<{ id: string; apiKey: string } & ReturnType<typeof apiKeyView>> {
  // bound to the admin's areas as they are now (an admin with none could file nowhere)
  if (admin.areaIds.length === 0) throw new DomainError('forbidden', '您没有绑定管辖区域，不能签发 API key');
  const id = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  const record: ApiKeyRecord = { id, name: input.name, secretHash: sha256(secret), areaIds: [...admin.areaIds], createdBy: admin.id, createdAt: now.toISOString(), revokedAt: null, revokedBy: null };
  await putApiKey(record, keyAudit(admin, record.createdAt, `apikey_issue ${id} ${record.areaIds.join(',')}`));
  return { ...apiKeyView(record), apiKey: `${PREFIX}_${id}_${secret}` };
}

export async function apiKeysOf(admin: UserRecord) {
  const rights = await rightsOf(admin);
  return (await listApiKeys()).filter((k) => manages(rights, k)).map(apiKeyView);
}

export async function revokeKey(admin: UserRecord, id: string, now: Date) {
  const k = await getApiKey(id);
  if (!k) throw notFound('API key');
  if (!manages(await rightsOf(admin), k)) throw new DomainError('forbidden', '该 API key 不在您的管辖范围');
  if (k.revokedAt) return apiKeyView(k);
  try {
    await revokeApiKey(id, admin.id, now.toISOString(), keyAudit(admin, now.toISOString(), `apikey_revoke ${id}`));
  } catch (e) {
    if (!(e instanceof ConditionFailed)) throw e; // revoked a moment ago by someone else
  }
  return apiKeyView((await getApiKey(id))!);
}

/** The key an `api_key` names, if it is one we issued and still in force. */
export async function keyInForce(apiKey: string | undefined): Promise<ApiKeyRecord | null> {
  const m = KEY_FORMAT.exec(apiKey ?? '');
  if (!m) return null;
  const k = await getApiKey(m[1]!);
  if (!k || k.revokedAt) return null;
  const given = Buffer.from(sha256(m[2]!), 'hex');
  const stored = Buffer.from(k.secretHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored) ? k : null;
}

/** The in-memory user a key files as (never stored: reports and audit entries name its id). */
export function keyPrincipal(k: ApiKeyRecord): UserRecord {
  return {
    id: `${PRINCIPAL}${k.id}`,
    role: 'dispatcher',
    name: `城市系统（${k.name}）`,
    areaIds: k.areaIds,
    active: true,
    duty: 'off_duty',
    openid: null,
    phone: null,
    consentVersion: null,
    createdAt: k.createdAt,
  };
}

export const isKeyPrincipal = (u: Pick<UserRecord, 'id'>): boolean => u.id.startsWith(PRINCIPAL);

/** The key id a principal stands for. */
export const keyIdOf = (u: Pick<UserRecord, 'id'>): string | null => (isKeyPrincipal(u) ? u.id.slice(PRINCIPAL.length) : null);
