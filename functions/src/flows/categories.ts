/**
 * The category table in force: read from the store at most every REFRESH_MS per process (so an
 * edit reaches every warm container within that time without a read per request) and made the
 * domain's (`useCategoryTable`); the built-in table until an admin first edits it. And the edit
 * itself: the whole table, checked, versioned, audited, only by an admin of the whole city.
 */
import { BUILTIN_TABLE, categoryTableProblems, useCategoryTable, type Category, type CategoryTable } from '#domain/categories';
import { DomainError } from '#domain/errors';
import { rightsOf } from '#flows/rights';
import { auditEntry, auditPut } from '#store/audit';
import { getCurrentTable, saveTable } from '#store/categories';
import { ConditionFailed } from '#store/tx';
import type { UserRecord } from '#store/users';
import { logger } from '#log';

const REFRESH_MS = 30_000;
let checkedAt = 0;
let loading: Promise<CategoryTable> | null = null;
let current: CategoryTable = BUILTIN_TABLE;

/** A failed read keeps the table already in force and is tried again after RETRY_MS: a stale name beats a failed request. */
const RETRY_MS = 5_000;

async function load(): Promise<CategoryTable> {
  try {
    const stored = await getCurrentTable();
    current = stored ? { version: String(stored.n), items: stored.items } : BUILTIN_TABLE;
    useCategoryTable(current);
    checkedAt = Date.now();
  } catch (e) {
    logger.warn('category table not read; the one in force stays', { error: (e as Error).message, version: current.version });
    checkedAt = Date.now() - REFRESH_MS + RETRY_MS;
  }
  return current;
}

/** The table in force, also made the domain's. */
export async function categoriesInForce(): Promise<CategoryTable> {
  if (Date.now() - checkedAt < REFRESH_MS) return current;
  loading ??= load().finally(() => {
    loading = null;
  });
  return loading;
}

/** Forget the cache (after an edit in this process, and between tests). */
export function invalidateCategories(): void {
  checkedAt = 0;
}

/**
 * Replaces the table. `expectedVersion` is the version the admin edited ("builtin" or a number):
 * an edit made meanwhile by someone else is a 409, not silently overwritten.
 */
export async function replaceCategories(admin: UserRecord, items: Category[], expectedVersion: string, now: Date): Promise<CategoryTable> {
  (await rightsOf(admin)).require('city', '只有全市管理员可以修改类别表');
  const problems = categoryTableProblems(items);
  if (problems.length) throw new DomainError('invalid_input', `类别表有 ${problems.length} 处问题，未做任何修改`, { problems });
  const stored = await getCurrentTable();
  const seen = stored ? String(stored.n) : BUILTIN_TABLE.version;
  if (seen !== expectedVersion) throw new DomainError('version_conflict', `类别表已被他人修改（当前版本 ${seen}），请刷新后重试`);
  const n = (stored?.n ?? 0) + 1;
  const at = now.toISOString();
  try {
    await saveTable({ n, items, editedBy: admin.id, editedAt: at }, [
      auditPut(auditEntry({ at, what: 'categories_edit', actorId: admin.id, actorRole: admin.role, reportId: null, detail: `categories ${n}`, from: seen, to: String(n) })),
    ]);
  } catch (e) {
    if (e instanceof ConditionFailed) throw new DomainError('version_conflict', '类别表刚被他人修改，请刷新后重试');
    throw e;
  }
  invalidateCategories();
  return categoriesInForce();
}
