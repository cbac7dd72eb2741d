/**
 * A dependency down is a 503, never a 500 (issue 12.4). Faults are injected at the edge of the
 * SDK — a middleware on the stack's own clients, below their retry middleware, so the request
 * never reaches the engine and fails the way DynamoDB or S3 fail — and only for the calls that
 * carry this test's marker, so nothing else in the stack is touched:
 * - throttling (ProvisionedThroughputExceededException, ThrottlingException, a transaction
 *   cancelled by TransactionConflict / ThrottlingError) is retried and the request succeeds, once;
 * - an outage that persists answers 503 `unavailable` with Retry-After and writes nothing half:
 *   no report, no timeline event, no audit entry, no outbox row, no idempotency lock left behind.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProvisionedThroughputExceededException, ThrottlingException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { startTestStack, type Res, type TestStack } from '../support/stack.ts';
import { GRID, LEADER, RESIDENT, pointIn } from '../support/fixtures.ts';
import { expectError } from '../support/checks.ts';
import { scanAll } from '../support/table.ts';
import { MAX_ATTEMPTS } from '../../functions/src/store/retry.ts';
import { demoCity } from '../../functions/src/geo/demo-city.ts';
import { toAreaImport, type AreaImport } from '../../functions/src/geo/import.ts';

interface Call {
  /** the SDK operation (x-amz-target for DynamoDB, the command for S3) */
  op: string;
  body: string;
  failed: boolean;
}
interface Fault {
  op: string;
  /** only calls whose serialised request contains this */
  marker: string;
  times: number;
  error: () => Error;
  calls: Call[];
}

let stack: TestStack;
let location: { lat: number; lng: number };
const faults: Fault[] = [];

function inject(f: Omit<Fault, 'calls'>): Fault {
  const fault = { ...f, calls: [] };
  faults.push(fault);
  return fault;
}

/** A middleware in the deserialize step: inside the retry middleware, so its failures are retried as the engine's would be. */
function faultInjection(next: (args: any) => Promise<any>, context: { commandName?: string }) {
  return async (args: any) => {
    const target = String(args.request?.headers?.['x-amz-target'] ?? '');
    const op = target ? target.split('.')[1]! : String(context.commandName ?? '').replace(/Command$/, '');
    const raw: unknown = args.request?.body;
    const body = typeof raw === 'string' ? raw : raw instanceof Uint8Array ? new TextDecoder().decode(raw) : '';
    const path = String(args.request?.path ?? '');
    const fault = faults.find((f) => f.op === op && (body.includes(f.marker) || path.includes(f.marker)));
    if (!fault) return next(args);
    const failed = fault.times > 0;
    fault.calls.push({ op, body, failed });
    if (failed) {
      fault.times -= 1;
      throw fault.error();
    }
    return next(args);
  };
}

beforeAll(async () => {
  stack = await startTestStack();
  location = await pointIn(stack.api, GRID);
  const clients = await import('../../functions/src/store/clients.ts');
  // `doc` sends through the same middleware stack as `dynamo`
  clients.dynamo.middlewareStack.add(faultInjection as never, { step: 'deserialize', name: 'faultInjection', priority: 'high' });
  clients.s3.middlewareStack.add(faultInjection as never, { step: 'deserialize', name: 'faultInjection', priority: 'high' });
});
afterEach(() => {
  faults.length = 0;
});
afterAll(async () => {
  await stack?.stop();
});

const newMarker = () => `故障注入-${randomUUID().slice(0, 8)}`;
const fileWith = (marker: string, headers?: Record<string, string>) =>
  stack.api.post('/v1/reports', { category: 'fire_exit_blocked', description: `安全出口被杂物堵住（${marker}）`, location }, RESIDENT, headers);
const tokenOf = (c: Call) => (JSON.parse(c.body) as { ClientRequestToken?: string }).ClientRequestToken;

const connectionRefused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' });
const throughputExceeded = () => new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput for the table was exceeded.', $metadata: { httpStatusCode: 400 } });
const throttled = () => new ThrottlingException({ message: 'Rate of requests exceeds the allowed throughput.', $metadata: { httpStatusCode: 400 } });

async function settle() {
  await stack.settleUploads();
  await stack.drainStream();
  await stack.drainStream();
}

/** every item of the table that mentions the marker or a report id (a report, its events, audit entries, outbox rows…) */
async function itemsMentioning(...needles: string[]) {
  await settle();
  return (await scanAll()).filter((i) => needles.some((n) => JSON.stringify(i).includes(n)));
}

function expectUnavailable(r: Res, retryAfter: string, label: string) {
  expectError(r, 503, 'unavailable', label);
  expect(r.headers.get('retry-after'), label).toBe(retryAfter);
  expect(r.json.error.details.requestId, label).toMatch(/^[0-9a-f-]{36}$/);
  expect(r.json.error.message, label).toMatch(/[\u4e00-\u9fff]/);
}

describe('throttling is retried', () => {
  it('a throttled transaction (ProvisionedThroughputExceededException) is sent again with the same ClientRequestToken: one report', async () => {
    const marker = newMarker();
    const fault = inject({ op: 'TransactWriteItems', marker, times: 2, error: throughputExceeded });
    const r = await fileWith(marker);
    expect(r.status, r.text).toBe(201);
    expect(fault.calls.map((c) => c.failed)).toEqual([true, true, false]);
    // a retry of a write whose answer was lost cannot apply it twice
    const tokens = new Set(fault.calls.map(tokenOf));
    expect(tokens.size).toBe(1);
    expect([...tokens][0]).toMatch(/\S{8,}/);
    expect((await itemsMentioning(marker)).filter((i) => i.type === 'report')).toHaveLength(1);
  });

  it('throttled reads (ThrottlingException) are retried: the report is served', async () => {
    const filed = await fileWith(newMarker());
    expect(filed.status, filed.text).toBe(201);
    const id = filed.json.id as string;
    const fault = inject({ op: 'GetItem', marker: id, times: 3, error: throttled });
    const queries = inject({ op: 'Query', marker: id, times: 3, error: throttled });
    const r = await stack.api.get(`/v1/reports/${id}`, RESIDENT);
    expect(r.status, r.text).toBe(200);
    expect(r.json.id).toBe(id);
    const failures = [...fault.calls, ...queries.calls].filter((c) => c.failed).length;
    expect(failures, 'the read went through the injected throttling').toBeGreaterThanOrEqual(3);
  });

  it('a transaction cancelled by TransactionConflict / ThrottlingError is retried (store/tx.ts): the action applies once', async () => {
    const filed = await fileWith(newMarker());
    expect(filed.status, filed.text).toBe(201);
    const id = filed.json.id as string;
    await settle(); // the stream consumers' own writes about the new report are done
    let n = 0;
    const fault = inject({
      op: 'TransactWriteItems',
      marker: id,
      times: 2,
      error: () =>
        new TransactionCanceledException({
          message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
          $metadata: { httpStatusCode: 400 },
          CancellationReasons: [{ Code: n++ === 0 ? 'TransactionConflict' : 'ThrottlingError' }, { Code: 'None' }],
        }),
    });
    const r = await stack.api.post(`/v1/reports/${id}/actions`, { action: 'accept', expectedVersion: filed.json.version }, LEADER);
    expect(r.status, r.text).toBe(200);
    expect(r.json.version).toBe(filed.json.version + 1);
    // the action's transaction: twice cancelled, then through (later ones are the stream consumers')
    expect(fault.calls.map((c) => c.failed).slice(0, 3)).toEqual([true, true, false]);
    expect(tokenOf(fault.calls[2]!)).not.toBe(tokenOf(fault.calls[0]!)); // a cancelled transaction is a new one
    const accepts = (await itemsMentioning(id)).filter((i) => i.type === 'event' && i.to === 'accepted');
    expect(accepts).toHaveLength(1);
  });
});

describe('an outage answers 503 unavailable with Retry-After and writes nothing half', () => {
  it('the store unreachable while a report is filed: 503 after the retries, nothing of it written; the retry after the outage files it once', async () => {
    const marker = newMarker();
    const key = randomUUID();
    const fault = inject({ op: 'TransactWriteItems', marker, times: Number.POSITIVE_INFINITY, error: connectionRefused });
    const r = await fileWith(marker, { 'idempotency-key': key });
    expectUnavailable(r, '5', 'POST /v1/reports, store unreachable');
    // the client retried as its policy says, one transaction throughout
    expect(fault.calls).toHaveLength(MAX_ATTEMPTS);
    expect(new Set(fault.calls.map(tokenOf)).size).toBe(1);
    // no report, event, audit entry, outbox row or idempotency lock of it
    expect(await itemsMentioning(marker, key)).toEqual([]);

    faults.length = 0; // the store is back
    const again = await fileWith(marker, { 'idempotency-key': key });
    expect(again.status, again.text).toBe(201);
    const written = await itemsMentioning(marker);
    expect(written.filter((i) => i.type === 'report')).toHaveLength(1);
    expect(JSON.stringify(written.find((i) => i.type === 'report'))).toContain(again.json.id);
  });

  it('throttling that does not let up: 503 with Retry-After 1, nothing written', async () => {
    const marker = newMarker();
    const fault = inject({ op: 'TransactWriteItems', marker, times: Number.POSITIVE_INFINITY, error: throughputExceeded });
    const r = await fileWith(marker);
    expectUnavailable(r, '1', 'POST /v1/reports, throttled throughout');
    expect(r.json.error.message).toContain('繁忙');
    expect(fault.calls).toHaveLength(MAX_ATTEMPTS);
    expect(await itemsMentioning(marker)).toEqual([]);
  });

  it('object storage failing (503 ServiceUnavailable) during an area import: 503, and the areas in force stay', async () => {
    const before = await stack.api.get('/v1/areas?level=grid');
    expect(before.status).toBe(200);
    const areasBefore = await itemsMentioning('AREASET');
    const body = toAreaImport(demoCity()) as AreaImport;
    const renamed = `网格（${newMarker()}）`;
    for (const f of body.features as any[]) if (f.properties.id === GRID) f.properties.name = renamed;
    const fault = inject({
      op: 'PutObject',
      marker: 'areas/',
      times: Number.POSITIVE_INFINITY,
      error: () => Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503 } }),
    });
    const r = await stack.api.call('PUT', '/v1/admin/areas', { body, as: 'u-admin' });
    expectUnavailable(r, '5', 'PUT /v1/admin/areas, storage failing');
    expect(fault.calls.length).toBeGreaterThanOrEqual(MAX_ATTEMPTS);
    expect(await itemsMentioning('AREASET')).toEqual(areasBefore);
    expect(await itemsMentioning(renamed)).toEqual([]);
    const after = await stack.api.get('/v1/areas?level=grid');
    expect(after.json).toEqual(before.json);
  });
});
