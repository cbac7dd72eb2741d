/**
 * The matching settings in force (recommendation weights, the skills each category calls for,
 * the daily offer cap): read from the store at most every 30 s per process, the defaults until
 * an admin first edits them. The edit: the whole set, by an admin of the whole city, versioned
 * and audited in one transaction.
 */
import { DomainError } from '#domain/errors';
import { DEFAULT_RESPONDER_SETTINGS, type ResponderSettings } from '#domain/recommend';
import { rightsOf } from '#flows/rights';
import { auditEntry, auditPut } from '#store/audit';
import { getResponderSettings, responderSettingsPut } from '#store/responders';
import { ConditionFailed, transact } from '#store/tx';
import type { UserRecord } from '#store/users';

const REFRESH_MS = 30_000;
let cached: { at: number; value: ResponderSettings } | null = null;

export async function responderSettings(): Promise<ResponderSettings> {
  if (cached && Date.now() - cached.at < REFRESH_MS) return cached.value;
  const stored = (await getResponderSettings()) as ResponderSettings | null;
  const value = stored ?? DEFAULT_RESPONDER_SETTINGS;
  cached = { at: Date.now(), value };
  return value;
}

/** Tests and the local stack: the next read goes to the store. */
export function invalidateResponderSettings(): void {
  cached = null;
}

export async function replaceResponderSettings(admin: UserRecord, next: Omit<ResponderSettings, 'version'>, expectedVersion: number, now: Date): Promise<ResponderSettings> {
  (await rightsOf(admin)).require('city', '只有全市管理员可以修改匹配规则');
  const current = await responderSettings();
  invalidateResponderSettings();
  const fresh = (await getResponderSettings()) as ResponderSettings | null;
  const version = fresh?.version ?? 0;
  if (version !== expectedVersion) throw new DomainError('version_conflict', '匹配规则已被他人修改，请刷新后重试', { current: version });
  const saved: ResponderSettings = { ...next, version: version + 1 };
  const audit = auditPut(auditEntry({ at: now.toISOString(), what: 'settings_edit', actorId: admin.id, actorRole: admin.role, reportId: null, detail: 'responder settings', from: String(current.version), to: String(saved.version) }));
  try {
    await transact([responderSettingsPut({ ...saved, editedBy: admin.id, editedAt: now.toISOString() }, fresh ? version : null), audit]);
  } catch (e) {
    if (e instanceof ConditionFailed) throw new DomainError('version_conflict', '匹配规则已被他人修改，请刷新后重试');
    throw e;
  }
  invalidateResponderSettings();
  return saved;
}
