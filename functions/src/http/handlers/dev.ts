/** Local-stack-only routes (flagged localOnly in the route table; never deployed). */
import { demoUsers } from '#local/seed';
import { devUser } from '#flows/identity';
import { tokens } from '#http/auth';
import type { Handler } from '#http/handler';

export const devLogin: Handler<'dev.devLogin'> = async ({ body }) => ({ body: await tokens(await devUser(body.userId)) });

export const devUsers: Handler<'dev.devUsers'> = async () => ({
  body: { items: demoUsers().map((u) => ({ id: u.id, role: u.role, name: u.name, areaIds: u.areaIds })), cursor: null },
});
