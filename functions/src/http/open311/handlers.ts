/**
 * The Open311 GeoReport v2 endpoints (/open311/v2/…, the `open311` rows of the route table):
 * thin adapters from the spec's requests to flows/open311 and back to its documents, in the
 * format the path asks for (XML when it names none). Errors are the spec's error list in that
 * format too (`errorResponse` below, registered as the routes' errorFormat). Every GET answers
 * CORS for any origin: the data is public, and browsers of other city systems read it.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { categoryOf } from '#domain/categories';
import { errorResponse as apiError, useErrorFormat, type Handler, type Result } from '#http/handler';
import { CONTENT_TYPE, formatOf, render, type Format, type Json, type Root } from '#http/open311/format';
import { errorItem, one, open311Status, service, serviceDefinition, serviceNotice, serviceRequest, SPEC } from '#domain/open311';
import { bodyFields } from '#http/open311/body';
import { categoryTable, checkJurisdiction, fileRequest, findRequests, requestById, serviceOf } from '#flows/open311';
import type { ReportStory } from '#flows/report-reads';

const CORS = { 'access-control-allow-origin': '*' };

function answer(format: Format, root: Root, value: Json, status = 200, headers: Record<string, string> = {}): Result {
  return { status, raw: render(format, root, value), headers: { 'content-type': CONTENT_TYPE[format], ...headers } };
}

const get = (format: Format, root: Root, value: Json, headers: Record<string, string> = {}) => answer(format, root, value, 200, { ...CORS, ...headers });

/** The format of the request's own path (rawPath is what the client asked for, suffix and all). */
const formatOfPath = (path: string) => formatOf(path).format;

const noticeOf = (code: string) => {
  const c = categoryOf(code);
  return c ? serviceNotice(c) : null;
};

const requestDoc = (s: ReportStory): Json => serviceRequest(s.report, s.events, categoryOf(s.report.category)?.name ?? s.report.category, noticeOf(s.report.category));

/** The base URL clients reached us at (the discovery document names it). */
function baseUrl(headers: Record<string, string>): string {
  const host = headers['x-forwarded-host'] ?? headers.host ?? 'localhost';
  const proto = headers['x-forwarded-proto'] ?? (/^(localhost|127\.|\[::1\])/.test(host) ? 'http' : 'https');
  return `${proto}://${host}`;
}

export const discovery: Handler<'open311.discovery'> = async (ctx) => {
  checkJurisdiction(ctx.query.jurisdiction_id);
  const version = categoryTable().version;
  // sortable, and it moves when a service definition does (an edit of the category table)
  const changeset = version === 'builtin' ? '000000' : version.padStart(6, '0');
  return get(formatOfPath(ctx.path), 'discovery', {
    changeset,
    contact: '微事报 网格化服务管理中心（城市系统对接请联系本市管理员）',
    key_service: '提交事项（POST requests）需要管理员签发的 api_key：POST /v1/admin/apikeys',
    endpoints: [
      {
        specification: SPEC,
        url: `${baseUrl(ctx.headers)}/open311/v2`,
        changeset,
        type: 'production',
        formats: [CONTENT_TYPE.xml.split(';')[0]!, CONTENT_TYPE.json.split(';')[0]!],
      },
    ],
  });
};

export const services: Handler<'open311.services'> = async (ctx) => {
  checkJurisdiction(ctx.query.jurisdiction_id);
  return get(formatOfPath(ctx.path), 'services', categoryTable().items.map(service));
};

export const service_: Handler<'open311.service'> = async (ctx) => {
  checkJurisdiction(ctx.query.jurisdiction_id);
  const { format, bare } = formatOf(ctx.params.service_code);
  return get(format, 'service_definition', serviceDefinition(serviceOf(bare)));
};
export { service_ as service };

export const requests: Handler<'open311.requests'> = async (ctx) => {
  const q = ctx.query;
  checkJurisdiction(q.jurisdiction_id);
  const format = formatOfPath(ctx.path);
  const { stories, cursor } = await findRequests(
    { ids: q.service_request_id, serviceCodes: q.service_code, statuses: q.status, start: q.start_date, end: q.end_date, limit: q.limit ?? 200, cursor: q.cursor },
    (r) => open311Status(r.status),
    new Date(),
  );
  const next: Record<string, string> = {};
  if (cursor) {
    const u = new URLSearchParams(ctx.queryString);
    u.set('cursor', cursor);
    next.link = `<${baseUrl(ctx.headers)}${ctx.path}?${u.toString()}>; rel="next"`;
  }
  return get(format, 'service_requests', stories.map(requestDoc), next);
};

export const request: Handler<'open311.request'> = async (ctx) => {
  checkJurisdiction(ctx.query.jurisdiction_id);
  const { format, bare } = formatOf(ctx.params.service_request_id);
  return get(format, 'service_requests', [requestDoc(await requestById(bare))]);
};

/** Every service is realtime: a request's id is its own token (clients that go by tokens still work). */
export const token: Handler<'open311.token'> = async (ctx) => {
  checkJurisdiction(ctx.query.jurisdiction_id);
  const { format, bare } = formatOf(ctx.params.token);
  const s = await requestById(bare);
  return get(format, 'service_requests', [{ service_request_id: s.report.id, token: bare }]);
};

export const create: Handler<'open311.create'> = async (ctx) => {
  const format = formatOfPath(ctx.path);
  const fields = await bodyFields(ctx.headers['content-type'], ctx.rawBytes);
  checkJurisdiction(one(fields, 'jurisdiction_id') ?? ctx.query.jurisdiction_id);
  const filed = await fileRequest(one(fields, 'api_key') ?? ctx.query.api_key, fields, ctx.headers['idempotency-key'], new Date());
  const r = filed.report;
  // 200, not 201: the spec names no status, and clients written against the servers they knew check for 200
  return answer(format, 'service_requests', [{ service_request_id: r.id, service_notice: noticeOf(r.category), account_id: filed.accountId }], 200, filed.replayed ? { 'idempotent-replayed': 'true' } : {});
};

/** HTTP status per the spec: 403 for the api_key, 404 for what does not exist, 400 for anything else a client can fix. */
function specStatus(status: number): number {
  if (status === 401 || status === 403) return 403;
  if (status === 404 || status === 429 || status >= 500) return status;
  return 400;
}

/** The one mapping (http/handler errorResponse), re-shaped as the spec's error list in the path's format. */
export function errorResponse(e: unknown, requestId: string, event: APIGatewayProxyEventV2): APIGatewayProxyResultV2 {
  const base = apiError(e, requestId) as { statusCode: number; headers?: Record<string, string>; body: string };
  let description = '服务暂时不可用，请稍后重试';
  try {
    description = (JSON.parse(base.body) as { error: { message: string } }).error.message;
  } catch {
    /* the mapping always writes JSON */
  }
  const status = specStatus(base.statusCode);
  const format = formatOfPath(event.rawPath ?? '');
  const { 'content-type': _c, ...headers } = base.headers ?? {};
  return {
    statusCode: status,
    headers: { ...headers, 'content-type': CONTENT_TYPE[format], 'x-request-id': requestId, ...(event.requestContext?.http?.method === 'GET' ? CORS : {}) },
    body: render(format, 'errors', [errorItem(status, description)]),
  };
}

useErrorFormat('open311', errorResponse);

