/**
 * The local stack heals (issue 12.4). A stack with its own DynamoDB Local (persisted in a temp
 * data dir, as `npm start` keeps .data/): the engine killed, the API answers 503 `unavailable`
 * with Retry-After — never 500 — while the supervisor logs the death and restarts the engine on
 * the same port with the same data; then the stack serves again: the data kept, new writes taken,
 * the stream consumers running. And stop() lets a request in flight finish before the engines stop.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Stack } from '../../functions/local/stack.ts';
import { Api } from '../support/stack.ts';
import { GRID, RESIDENT, WORKER, pointIn } from '../support/fixtures.ts';
import { expectError, sleep } from '../support/checks.ts';

let stack: Stack;
let api: Api;
let dataDir: string;
let location: { lat: number; lng: number };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'wsb-supervision-'));
  const { startStack } = await import('../../functions/local/stack.ts');
  stack = await startStack({ port: 0, dataDir, tableName: `t-${randomBytes(5).toString('hex')}`, bucket: `b-${randomBytes(5).toString('hex')}`, streamIntervalMs: 50 });
  api = new Api(stack.url);
  location = await pointIn(api, GRID);
});
afterAll(async () => {
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const file = (text: string) => api.post('/v1/reports', { category: 'fire_exit_blocked', description: `安全出口被杂物堵住（${text}）`, location }, RESIDENT);

describe('DynamoDB Local supervised', () => {
  it('killed: 503 unavailable with Retry-After meanwhile, restarted on the same port with the same data, and the stack serves again', async () => {
    const { logger } = await import('../../functions/src/log.ts');
    const warn = vi.spyOn(logger, 'warn');
    const engine = stack.dynamoEngine!;
    const before = await file('重启前');
    expect(before.status, before.text).toBe(201);
    const id = before.json.id as string;
    const oldPid = engine.pid!;

    process.kill(oldPid, 'SIGKILL');
    await until('the engine to die', () => !alive(oldPid));
    const refusals: number[] = [];
    const served = await until('the report to be served again', async () => {
      const r = await api.get(`/v1/reports/${id}`, RESIDENT);
      if (r.status === 200) return r;
      expectError(r, 503, 'unavailable', 'GET /v1/reports/{id} while the engine is down');
      expect(r.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      refusals.push(r.status);
      return undefined;
    });
    expect(refusals.length, 'the outage was seen (the JVM takes seconds to start)').toBeGreaterThan(0);
    expect(served.json.id).toBe(id);

    expect(engine.restarts).toBe(1);
    expect(engine.pid).not.toBe(oldPid);
    expect(alive(engine.pid!)).toBe(true);
    expect(stack.dynamoEndpoint).toBe(`http://127.0.0.1:${engine.port}`);
    expect(warn).toHaveBeenCalledWith('DynamoDB Local exited unexpectedly; restarting it', expect.objectContaining({ port: engine.port, pid: oldPid, signal: 'SIGKILL' }));
    expect(warn).toHaveBeenCalledWith('DynamoDB Local restarted', expect.objectContaining({ port: engine.port, pid: engine.pid, restarts: 1 }));

    // writes are taken again, and the stream consumers see them: the worker's task arrives
    const after = await file('重启后');
    expect(after.status, after.text).toBe(201);
    await until('the new task in the worker’s inbox', async () => {
      await stack.drainStream();
      const inbox = await api.get('/v1/inbox?limit=100', WORKER);
      return (inbox.json?.items ?? []).some((i: { reportId?: string }) => i.reportId === after.json.id) || undefined;
    }, 30_000);
    warn.mockRestore();
  });

  it('stop() lets a request in flight finish, refuses new ones, then stops the engines', async () => {
    const { dynamo } = await import('../../functions/src/store/clients.ts');
    const marker = `慢请求-${randomUUID().slice(0, 8)}`;
    let entered: () => void = () => {};
    const inTransaction = new Promise<void>((r) => (entered = r));
    // the report's transaction takes 1.5 s, so stop() comes while it is in flight
    dynamo.middlewareStack.add(
      ((next: (a: any) => Promise<any>) => async (args: any) => {
        const raw: unknown = args.request?.body;
        const body = typeof raw === 'string' ? raw : raw instanceof Uint8Array ? new TextDecoder().decode(raw) : '';
        if (String(args.request?.headers?.['x-amz-target']).endsWith('.TransactWriteItems') && body.includes(marker)) {
          entered();
          await sleep(1_500);
        }
        return next(args);
      }) as never,
      { step: 'deserialize', name: 'slowTransaction', priority: 'high' },
    );
    const engine = stack.dynamoEngine!;
    const pending = file(marker);
    await inTransaction;
    const stopped = stack.stop();
    await sleep(100);
    const refused = await fetch(`${stack.url}/v1/health`).then(
      () => false,
      () => true,
    );
    expect(refused, 'a new request while stopping').toBe(true);
    const r = await pending;
    expect(r.status, r.text).toBe(201);
    await stopped;
    await until('the engine to stop', () => !alive(engine.pid!), 15_000);
  });
});
