/** Sign-in endpoints: parse, one call into flows/auth, tokens out. */
import { tokens, verifyToken } from '#http/auth';
import { hashInvite } from '#flows/invite';
import * as flows from '#flows/auth';
import type { Handler } from '#http/handler';

export const wechatLogin: Handler<'auth.wechatLogin'> = async ({ body }) => ({ body: await tokens(await flows.wechatSignIn(body.code)) });

export const refresh: Handler<'auth.refresh'> = async ({ body }) => ({ body: await tokens(await flows.refreshedUser(await verifyToken(body.refreshToken, 'refresh'))) });

export const bind: Handler<'auth.bind'> = async ({ user, body }) => ({
  body: await tokens(await flows.bindInvite(user, hashInvite(body.inviteCode.trim()), new Date())),
});

export const phone: Handler<'auth.phone'> = async ({ user, body }) => {
  const number = await flows.bindPhone(user, body.code);
  return { body: { phoneBound: true, masked: `${number.slice(0, 3)}****${number.slice(-4)}` } };
};

export const subscriptions: Handler<'auth.subscriptions'> = async ({ user, body }) => ({ body: { recorded: await flows.recordGrants(user, body.templateIds) } });
