/**
 * The world of one e2e file: an in-process local stack on its own table and bucket (DynamoDB
 * Local from the global setup), serving the built H5 app, an API client and Chromium. Each file
 * starts it in beforeAll and ends it, with every phone it opened, in afterAll.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Stack } from '../../functions/local/stack.ts';
import { Api } from '../support/stack.ts';
import { H5_DIR } from './build-h5.ts';
import { launch, type Phone } from './support.ts';

export interface E2eWorld {
  stack: Stack;
  api: Api;
  browser: Browser;
}

export async function startWorld(): Promise<E2eWorld> {
  const { startStack } = await import('../../functions/local/stack.ts');
  const stack = await startStack({
    port: 0,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `e2e-${randomBytes(4).toString('hex')}`,
    bucket: `e2e-${randomBytes(4).toString('hex')}`,
    staticDir: H5_DIR,
    streamIntervalMs: 50,
  });
  return { stack, api: new Api(stack.url), browser: await launch() };
}

export async function stopWorld(world: Partial<E2eWorld>, phones: readonly Phone[]): Promise<void> {
  for (const p of phones) await p.context.close().catch(() => undefined);
  await world.browser?.close();
  await world.stack?.stop();
}
