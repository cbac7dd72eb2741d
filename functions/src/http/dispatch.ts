/**
 * One Lambda function serves the routes of one `fn` group of the route table: API Gateway tells
 * it which route matched (routeKey "METHOD /path/{param}"), and this picks the handler. Each
 * entry file imports only its own handler module, so a function bundles only what it uses.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { ROUTES, type Route } from '#http/routes';
import { makeHandler, type HandlerFn } from '#http/handler';
import { config } from '#config';

export function functionHandler(fn: string, module: Record<string, unknown>) {
  const byKey = new Map<string, ReturnType<typeof makeHandler>>();
  for (const route of ROUTES.filter((r: Route) => r.fn === fn && (config.local || !r.localOnly))) {
    const name = route.handler.split('.')[1]!;
    const impl = module[name];
    if (typeof impl !== 'function') throw new Error(`route ${route.method} ${route.path}: ${fn} has no ${name}`);
    byKey.set(`${route.method} ${route.path}`, makeHandler(route, impl as HandlerFn));
  }
  return async (event: APIGatewayProxyEventV2, context: Context) => {
    const h = byKey.get(event.routeKey);
    if (!h) return { statusCode: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: 'not_found', message: '没有这个接口' } }) };
    return h(event, context);
  };
}
