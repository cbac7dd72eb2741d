/**
 * The code that is deployed is the code that is tested: requests driven straight into the Lambda
 * entry files (functions/src/entry/api-<fn>.ts, what infra/ deploys) as API Gateway HTTP API
 * (payload 2.0) events. Every deployed route of THE route table is served by the entry of its
 * `fn`, and by no other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { pointIn, GRID, RESIDENT, WORKER } from '../support/fixtures.ts';
import { ROUTES, type Route } from '../../functions/src/http/routes.ts';

type Entry = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

let stack: TestStack;
const entries = new Map<string, Entry>();
const deployed = ROUTES.filter((r) => !r.localOnly);
const fns = [...new Set(deployed.map((r) => r.fn))].sort();

beforeAll(async () => {
  stack = await startTestStack();
  for (const fn of fns) {
    const m = (await import(`../../functions/src/entry/api-${fn}.ts`)) as { handler?: Entry };
    if (typeof m.handler !== 'function') throw new Error(`functions/src/entry/api-${fn}.ts exports no handler`);
    entries.set(fn, m.handler);
  }
});
afterAll(async () => {
  await stack?.stop();
});

/** An API Gateway v2 event as the HTTP API sends it (see functions/local/gateway.ts). */
function event(routeKey: string, opts: { path?: string; params?: Record<string, string>; query?: Record<string, string>; body?: unknown; token?: string; headers?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
  const [method, template] = routeKey.split(' ') as [string, string];
  const rawPath = opts.path ?? template.replace(/\{(\w+)\}/g, (_, k: string) => opts.params?.[k] ?? 'x');
  const headers: Record<string, string> = { 'user-agent': 'vitest', ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const rawQueryString = new URLSearchParams(opts.query ?? {}).toString();
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers,
    queryStringParameters: opts.query && Object.keys(opts.query).length ? opts.query : undefined,
    pathParameters: opts.params && Object.keys(opts.params).length ? opts.params : undefined,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      requestId,
      routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
    },
  };
}

function context(fn: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `weishibao-${fn}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:cn-north-1:123456789012:function:weishibao-${fn}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/weishibao-${fn}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 29_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function invoke(fn: string, e: APIGatewayProxyEventV2) {
  const out = await entries.get(fn)!(e, context(fn));
  let json: any;
  try {
    json = JSON.parse(out.body ?? '');
  } catch {
    json = undefined;
  }
  return { status: out.statusCode ?? 200, json, body: out.body ?? '' };
}

const isUnknownRoute = (r: { status: number; json: any }) => r.status === 404 && r.json?.error?.code === 'not_found';

describe('Lambda entry files', () => {
  it('a report is filed and read through entry/api-reports, and the gateway sees the same report', async () => {
    const token = await stack.api.token(RESIDENT);
    const location = await pointIn(stack.api, GRID);
    const created = await invoke('reports', event('POST /v1/reports', { token, body: { category: 'fire_exit_blocked', description: '经由 Lambda 入口上报', location }, headers: { 'idempotency-key': randomUUID() } }));
    expect(created.status, created.body).toBe(201);
    expect(created.json).toMatchObject({ status: 'reported', category: 'fire_exit_blocked', grid: { id: GRID } });
    const id = created.json.id as string;
    const read = await invoke('reports', event('GET /v1/reports/{id}', { token, params: { id } }));
    expect(read.status, read.body).toBe(200);
    expect(read.json.id).toBe(id);
    expect(read.json.timeline.map((t: { action: string }) => t.action)).toContain('report');
    // rights hold in the entry as over HTTP: staff of the grid may read it, the API agrees
    const staff = await invoke('reports', event('GET /v1/reports/{id}', { token: await stack.api.token(WORKER), params: { id } }));
    expect(staff.status, staff.body).toBe(200);
    const http = await stack.api.get(`/v1/reports/${id}`, RESIDENT);
    expect(http.json.version).toBe(read.json.version);
    // and no token is 401 there too
    expect((await invoke('reports', event('GET /v1/reports/{id}', { params: { id } }))).status).toBe(401);
  });

  it('an unknown routeKey is a 404 in the API’s error shape', async () => {
    for (const fn of fns) {
      const r = await invoke(fn, event('GET /v1/no-such-route'));
      expect(r.status, `${fn}: ${r.body}`).toBe(404);
      expect(r.json.error.code).toBe('not_found');
      expect(typeof r.json.error.message).toBe('string');
    }
  });

  it('every deployed route is served by the entry of its fn, and by no other entry', async () => {
    expect(fns.length).toBeGreaterThan(3);
    const served: string[] = [];
    for (const route of deployed) {
      const key = `${route.method} ${route.path}`;
      // an empty JSON object where the route takes a body, so the request gets as far as the token check
      const own = await invoke(route.fn, event(key, route.body ? { body: {} } : {}));
      // reached the route's own handler: a token is asked for first; open routes answer (or reject input)
      if (route.auth === 'user') expect(own.status, `${key} via api-${route.fn}: ${own.body.slice(0, 200)}`).toBe(401);
      else expect(isUnknownRoute(own), `${key} via api-${route.fn}: ${own.body.slice(0, 200)}`).toBe(false);
      served.push(key);
      for (const other of fns.filter((f) => f !== route.fn)) {
        const r = await invoke(other, event(key));
        expect(isUnknownRoute(r), `${key} must not be served by api-${other}: ${r.status} ${r.body.slice(0, 200)}`).toBe(true);
      }
    }
    expect(served.sort()).toEqual(deployed.map((r: Route) => `${r.method} ${r.path}`).sort());
  });
});
