/** City systems' integrations: Open311 api_keys and their webhooks (admin). Each is one call into a flow. */
import { apiKeysOf, issueApiKey as issue, revokeKey } from '#flows/apikeys';
import { createWebhook as create, replayWebhooks as replay, stopWebhook, webhookDeadLetters as deadLetters, webhooksOf } from '#flows/webhooks';
import { logger } from '#log';
import type { Handler } from '#http/handler';

/** The key is in this answer only: the table keeps its hash. */
export const issueApiKey: Handler<'integrations.issueApiKey'> = async ({ user, body }) => ({ status: 201, body: await issue(user, body, new Date()) });

export const apiKeys: Handler<'integrations.apiKeys'> = async ({ user }) => ({ body: { items: await apiKeysOf(user), cursor: null } });

export const revokeApiKey: Handler<'integrations.revokeApiKey'> = async ({ user, params }) => ({ body: await revokeKey(user, params.id, new Date()) });

/** The signing secret is in this answer only. */
export const createWebhook: Handler<'integrations.createWebhook'> = async ({ user, body }) => ({ status: 201, body: await create(user, body, new Date()) });

export const webhooks: Handler<'integrations.webhooks'> = async ({ user }) => ({ body: { items: await webhooksOf(user), cursor: null } });

export const deleteWebhook: Handler<'integrations.deleteWebhook'> = async ({ user, params }) => ({ body: await stopWebhook(user, params.id, new Date()) });

export const webhookDeadLetters: Handler<'integrations.webhookDeadLetters'> = async ({ user, query }) => ({ body: await deadLetters(user, query.limit, query.cursor) });

export const replayWebhooks: Handler<'integrations.replayWebhooks'> = async ({ user, query }) => {
  const summary = await replay(user, query.limit, query.cursor);
  logger.info('webhook replay', { actorId: user.id, ...summary, cursor: undefined });
  return { body: summary };
};
