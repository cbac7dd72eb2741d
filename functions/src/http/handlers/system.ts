/** Health and the API document. */
import { config } from '#config';
import { health as check } from '#flows/health';
import { openApiDocument } from '#http/openapi';
import type { Handler } from '#http/handler';

export const health: Handler<'system.health'> = async () => {
  const out = await check();
  return { status: out.ok ? 200 : 503, body: out };
};

export const openapi: Handler<'system.openapi'> = async () => ({ body: openApiDocument(config.local) });
