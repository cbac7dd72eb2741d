/**
 * The local API gateway: serves THE route table the way API Gateway's HTTP API (payload 2.0)
 * would invoke the Lambda handlers, plus the object-storage passthrough and the H5 app, all on
 * one port. Nothing here decides anything about reports; it translates HTTP to events and back,
 * and the bucket's URLs go through the checks S3 itself would make (s3-proxy.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { matchRoute, type Route } from '#http/routes';
import { config } from '#config';
import { proxyToS3 } from '#local/s3-proxy';

/** Lambda's own request payload limit; the handlers enforce the API's 1 MB below this. */
const GATEWAY_MAX_BODY = 6 * 1024 * 1024;

type LambdaEntry = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

/**
 * Requests go to the same entry file (functions/src/entry/api-<fn>.ts) that is deployed as the
 * route's Lambda function, which picks the handler by routeKey — the code served here is the
 * code that runs in the cloud.
 */
const entries = new Map<string, Promise<LambdaEntry>>();
const entryOf = (fn: string): Promise<LambdaEntry> => {
  let e = entries.get(fn);
  if (!e) entries.set(fn, (e = import(`#entry/api-${fn}`).then((m: { handler: LambdaEntry }) => m.handler)));
  return e;
};

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

const errorBody = (code: string, message: string) => ({ error: { code, message } });

class TooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BODY) throw new TooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** API Gateway (HTTP API) hands text bodies over as text, anything else base64-encoded. */
const isText = (type: string | undefined) => !type || /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)\b)|\+json\b|\+xml\b/i.test(type);

function toEvent(req: IncomingMessage, url: URL, route: Route, params: Record<string, string>, body: Buffer): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  // API Gateway joins repeated query parameters with commas.
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(params).length ? params : undefined,
    ...(() => {
      if (!body.length) return { body: undefined, isBase64Encoded: false };
      const text = isText(headers['content-type']);
      return { body: body.toString(text ? 'utf8' : 'base64'), isBase64Encoded: !text };
    })(),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: 'local',
      requestId,
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      http: { method: route.method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '', userAgent: headers['user-agent'] ?? '' },
    },
  };
}

function lambdaContext(fn: string, requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `weishibao-${fn}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `local:${fn}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 29_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function serveApi(req: IncomingMessage, res: ServerResponse, url: URL) {
  let path: string;
  try {
    path = decodeURI(url.pathname);
  } catch {
    return send(res, 400, errorBody('invalid_input', '路径编码不合法'));
  }
  let match;
  try {
    match = matchRoute(req.method ?? 'GET', url.pathname, config.local);
  } catch {
    return send(res, 400, errorBody('invalid_input', '路径编码不合法'));
  }
  if (!match) return send(res, 404, errorBody('not_found', `没有这个接口：${path}`));
  if ('methodNotAllowed' in match) {
    return send(res, 405, errorBody('method_not_allowed', `该接口只支持 ${match.methodNotAllowed.join(', ')}`), { allow: match.methodNotAllowed.join(', ') });
  }
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (e) {
    if (e instanceof TooLarge) return send(res, 413, errorBody('payload_too_large', '请求体过大'), { connection: 'close' });
    throw e;
  }
  const event = toEvent(req, url, match.route, match.params, body);
  const entry = await entryOf(match.route.fn);
  const out = (await entry(event, lambdaContext(match.route.fn, event.requestContext.requestId))) as APIGatewayProxyStructuredResultV2;
  res.writeHead(out.statusCode ?? 200, (out.headers ?? {}) as Record<string, string>);
  res.end(out.body ?? '');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

async function serveStatic(res: ServerResponse, dir: string | undefined, url: URL, fallbackHtml: () => string) {
  if (dir) {
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    for (const candidate of [join(dir, rel), join(dir, 'index.html')]) {
      if (!candidate.startsWith(dir)) continue;
      const s = await stat(candidate).catch(() => null);
      if (s?.isFile()) {
        res.writeHead(200, { 'content-type': TYPES[extname(candidate)] ?? 'application/octet-stream' });
        res.end(await readFile(candidate));
        return;
      }
    }
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(fallbackHtml());
}

export interface GatewayOptions {
  s3Endpoint: string;
  bucket: string;
  staticDir?: string;
  landingPage: () => string;
  /** local stand-ins that own some paths (the WeChat API, /dev/wechat); true when handled */
  standins?: Array<(req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>>;
}

export function createGateway(opts: GatewayOptions): Server {
  const s3 = new URL(opts.s3Endpoint);
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const handle = async () => {
      if (url.pathname.startsWith('/v1/') || url.pathname === '/v1' || url.pathname.startsWith('/open311/')) return serveApi(req, res, url);
      for (const standin of opts.standins ?? []) if (await standin(req, res, url)) return;
      if (url.pathname.startsWith(`/${opts.bucket}/`) || url.pathname === `/${opts.bucket}`) return proxyToS3(req, res, s3, url, opts.bucket);
      return serveStatic(res, opts.staticDir, url, opts.landingPage);
    };
    handle().catch((e: unknown) => {
      console.error(JSON.stringify({ level: 'ERROR', message: 'gateway failure', error: (e as Error).message }));
      if (!res.headersSent) send(res, 500, errorBody('internal', '服务暂时不可用'));
      else res.end();
    });
  });
}
