/**
 * Who is asking: the account behind a verified token, and the dev-stack sign-in. Role and areas
 * are read from the store on every request, so a deactivated account or changed areas take
 * effect at once.
 */
import { notFound } from '#domain/errors';
import { getUser, type UserRecord } from '#store/users';

export type { UserRecord };

/** The active account a token names, or null (deleted or deactivated). */
export async function signedInUser(userId: string): Promise<UserRecord | null> {
  const u = await getUser(userId);
  return u && u.active ? u : null;
}

/** Local stack only: a seeded account by id. */
export async function devUser(userId: string): Promise<UserRecord> {
  const u = await signedInUser(userId);
  if (!u) throw notFound('用户');
  return u;
}
