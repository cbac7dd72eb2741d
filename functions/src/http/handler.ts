/**
 * Turns a route row and a plain async function into a middy Lambda handler. The middlewares
 * hold everything that is not the call into the domain: request id and logging, body size and
 * JSON parsing, authentication and the role gate, schema validation, and the ONE mapping from
 * errors to the API.md error body.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { logger } from '#log';
import { runInRequest } from '#request-context';
import { loadSecrets } from '#secrets';
import * as z from 'zod';
import { config } from '#config';
import { DomainError } from '#domain/errors';
import { signedInUser, type UserRecord } from '#flows/identity';
import { categoriesInForce } from '#flows/categories';
import { verifyToken } from '#http/auth';
import { outageOf } from '#http/outage';
import type { HandlerKey, Route, RowOf } from '#http/routes';

export interface RequestCtx {
  body: unknown;
  /** the request body as sent (a route without a JSON body schema reads its own format: WeChat's XML pushes) */
  rawBody?: string | undefined;
  /** the same, as bytes (multipart bodies: Open311's POST requests) */
  rawBytes?: Buffer | undefined;
  /** the path and query string as the client sent them (Open311 reads its format from the path's suffix) */
  path: string;
  queryString: string;
  query: unknown;
  params: unknown;
  user: UserRecord | null;
  requestId: string;
  headers: Record<string, string>;
  sourceIp: string;
}

/** What a row's schema parses to (the row has no such schema: nothing to read). */
type Parsed<R, F extends 'body' | 'query' | 'params'> = R extends { readonly [P in F]: infer S extends z.ZodType } ? z.output<S> : unknown;

/** The request as a handler of row R sees it: validated input typed by R's schemas, a user when R needs one. */
export interface Ctx<R> extends Omit<RequestCtx, 'body' | 'query' | 'params' | 'user'> {
  body: Parsed<R, 'body'>;
  query: Parsed<R, 'query'>;
  params: Parsed<R, 'params'>;
  user: R extends { readonly auth: 'user' } ? UserRecord : null;
}

/** A handler of one route row, e.g. `Handler<'reports.create'>`. */
export type Handler<K extends HandlerKey> = (ctx: Ctx<RowOf<K>>) => Promise<Result>;

export interface Result {
  status?: number;
  body?: unknown;
  /** already-serialised body (CSV, HTML) */
  raw?: string;
  headers?: Record<string, string>;
}

export type HandlerFn = (ctx: RequestCtx) => Promise<Result>;

/** the parsed request rides on the Lambda context from the middleware to the handler */
type CtxCarrier = Context & { wsb?: RequestCtx; wsbStarted?: number };

function json(status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResultV2 {
  return { statusCode: status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

function rawBody(event: APIGatewayProxyEventV2): string | undefined {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

function rawBytes(event: APIGatewayProxyEventV2): Buffer | undefined {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/**
 * Error formats other than API.md's, by a route's `errorFormat`: Open311 answers errors as the
 * spec's error list in the format the path asks for. Its module registers the renderer (so only
 * the functions serving those routes bundle it); the renderer starts from `errorResponse`, the
 * one mapping, and only re-shapes it.
 */
export type ErrorRenderer = (e: unknown, requestId: string, event: APIGatewayProxyEventV2) => APIGatewayProxyResultV2;
const errorFormats = new Map<string, ErrorRenderer>();
export function useErrorFormat(name: NonNullable<Route['errorFormat']>, render: ErrorRenderer): void {
  errorFormats.set(name, render);
}

function lowerHeaders(h: APIGatewayProxyEventV2['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return value as T;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new DomainError(
    'invalid_input',
    `${where} 参数不合法：${r.error.issues.map((i) => `${i.path.join('.') || where} ${i.message}`).slice(0, 5).join('; ')}`,
    { issues: r.error.issues.map((i) => ({ path: i.path.map(String), message: i.message, code: i.code })) },
  );
}

const parse = (route: Route): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> => ({
  before: async (request) => {
    const carrier = request.context as CtxCarrier;
    carrier.wsbStarted = Date.now();
    // the category table in force (names, limits, replies), read at most every 30 s
    await Promise.all([loadSecrets(), categoriesInForce()]);
    const event = request.event;
    const headers = lowerHeaders(event.headers);
    const raw = rawBody(event);
    const limit = route.maxBodyBytes ?? config.bodyMaxBytes;
    if (raw !== undefined && Buffer.byteLength(raw) > limit) {
      throw new DomainError('payload_too_large', `请求体不能超过 ${Math.round(limit / 1024)} KB`);
    }
    let body: unknown;
    if (route.body) {
      if (raw === undefined) throw new DomainError('invalid_json', '缺少 JSON 请求体');
      const type = headers['content-type'] ?? '';
      if (type && !/^application\/json\b/i.test(type)) throw new DomainError('unsupported_media_type', '请求体须为 application/json');
      try {
        body = JSON.parse(raw);
      } catch {
        throw new DomainError('invalid_json', '请求体不是合法的 JSON');
      }
    }
    let user: UserRecord | null = null;
    if (route.auth === 'user') {
      const m = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
      if (!m) throw new DomainError('unauthenticated', '请先登录');
      const userId = await verifyToken(m[1]!);
      user = await signedInUser(userId);
      if (!user) throw new DomainError('unauthenticated', '账号不存在或已停用');
      if (route.roles && !route.roles.includes(user.role)) throw new DomainError('forbidden', '您的角色不能使用该功能');
    }
    carrier.wsb = {
      body: validate(route.body, body, 'body'),
      rawBody: raw,
      rawBytes: rawBytes(event),
      path: event.rawPath ?? '',
      queryString: event.rawQueryString ?? '',
      query: validate(route.query, { ...(event.queryStringParameters ?? {}) }, 'query'),
      params: validate(route.params, { ...(event.pathParameters ?? {}) }, 'path'),
      user,
      requestId: request.context.awsRequestId,
      headers,
      sourceIp: event.requestContext?.http?.sourceIp ?? '',
    };
  },
});

/** Retry-After (s) on a 503 whose thrower named none (e.g. WeChat's servers not answering). */
const DEFAULT_RETRY_AFTER_SECONDS = 5;

function domainErrorResponse(e: DomainError, headers: Record<string, string> = {}): APIGatewayProxyResultV2 {
  // a 429 says when its window ends (details.retryAfterSeconds); a 503 gives the default wait
  const after = (e.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  const retryAfter: Record<string, string> =
    typeof after === 'number' ? { 'retry-after': String(after) } : e.status === 503 ? { 'retry-after': String(DEFAULT_RETRY_AFTER_SECONDS) } : {};
  return json(e.status, { error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) } }, { ...retryAfter, ...headers });
}

/**
 * The one place errors become responses: typed errors keep their code; a store or object storage
 * that is down or overloaded (what is left after the store's retries) is 503 `unavailable` with
 * Retry-After; anything else is a 500 with no detail.
 */
export function errorResponse(e: unknown, requestId: string): APIGatewayProxyResultV2 {
  if (e instanceof DomainError) return domainErrorResponse(e);
  if (e instanceof z.ZodError) return json(400, { error: { code: 'invalid_input', message: '参数不合法' } });
  const outage = outageOf(e);
  if (outage) {
    const err = e as { name?: string; code?: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
    // names and codes only: an SDK message may quote the request's values
    logger.warn('dependency unavailable', {
      requestId,
      outage: outage.kind,
      errorName: err.name,
      errorCode: err.code,
      httpStatus: err.$metadata?.httpStatusCode,
      attempts: err.$metadata?.attempts,
    });
    const message = outage.kind === 'throttled' ? '系统繁忙，请稍后重试' : '服务暂时不可用，请稍后重试';
    return domainErrorResponse(new DomainError('unavailable', message, { requestId }), { 'retry-after': String(outage.retryAfterSeconds) });
  }
  logger.error('unhandled error', { requestId, error: e as Error });
  return json(500, { error: { code: 'internal', message: '服务暂时不可用，请稍后重试', details: { requestId } } });
}

const errors = (route: Route): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> => ({
  onError: async (request) => {
    const render = route.errorFormat ? errorFormats.get(route.errorFormat) : undefined;
    if (route.errorFormat && !render) throw new Error(`route ${route.method} ${route.path}: no renderer for error format ${route.errorFormat}`);
    request.response = render ? render(request.error, request.context.awsRequestId, request.event) : errorResponse(request.error, request.context.awsRequestId);
  },
});

const accessLog = (route: Route): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> => {
  const log = (request: middy.Request<APIGatewayProxyEventV2, APIGatewayProxyResultV2>) => {
    const carrier = request.context as CtxCarrier;
    const status = typeof request.response === 'object' && request.response ? request.response.statusCode : undefined;
    // ids and codes only: no bodies, no phone numbers, no tokens
    logger.info('request', {
      requestId: request.context.awsRequestId,
      route: `${route.method} ${route.path}`,
      status,
      ms: carrier.wsbStarted ? Date.now() - carrier.wsbStarted : undefined,
      userId: carrier.wsb?.user?.id,
    });
  };
  return { after: async (r) => log(r), onError: async (r) => log(r) };
};

export function makeHandler(route: Route, fn: HandlerFn) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(accessLog(route))
    .use(errors(route))
    .use(parse(route))
    .handler(async (_event, context) => {
      const ctx = (context as CtxCarrier).wsb!;
      const result = await runInRequest({ requestId: ctx.requestId, sourceIp: ctx.sourceIp, userId: ctx.user?.id ?? null }, () => fn(ctx));
      const headers = { 'x-request-id': ctx.requestId, ...(result.headers ?? {}) };
      if (result.raw !== undefined) return { statusCode: result.status ?? 200, headers, body: result.raw };
      return json(result.status ?? 200, result.body ?? {}, headers);
    });
}
