/** Local-stack-only routes (flagged localOnly in the route table; never deployed). */
import { demoUsers } from '#local/seed';
import { getUser } from '#store/users';
import { issueToken } from '#http/auth';
import { notFound } from '#domain/errors';
import type { HandlerFn } from '#http/handler';

export const devLogin: HandlerFn = async ({ body }) => {
  const u = await getUser(body.userId);
  if (!u || !u.active) throw notFound('用户');
  return { body: { token: await issueToken(u.id), refreshToken: await issueToken(u.id, 'refresh'), user: { id: u.id, role: u.role, name: u.name, areaIds: u.areaIds } } };
};

export const devUsers: HandlerFn = async () => ({
  body: { items: demoUsers().map((u) => ({ id: u.id, role: u.role, name: u.name, areaIds: u.areaIds })), cursor: null },
});
