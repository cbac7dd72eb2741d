/** The OpenAPI document, generated from the route table and the same zod schemas the handlers use. */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { ROUTES } from '#http/routes';
import { ErrorBody } from '#http/schemas';

let cached: unknown;

export function openApiDocument(includeLocal: boolean): unknown {
  if (cached && !includeLocal) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const r of ROUTES) {
    if (r.localOnly && !includeLocal) continue;
    registry.registerPath({
      method: r.method.toLowerCase() as 'get',
      path: r.path,
      summary: r.summary,
      ...(r.auth === 'user' ? { security: [{ bearer: [] }] } : {}),
      request: {
        ...(r.body ? { body: { content: { 'application/json': { schema: r.body } } } } : {}),
        ...(r.query ? { query: r.query as z.ZodObject } : {}),
        ...(r.params ? { params: r.params as z.ZodObject } : {}),
      },
      responses: {
        200: { description: 'OK', ...(r.response ? { content: { 'application/json': { schema: r.response } } } : {}) },
        '4XX': { description: 'error', content: { 'application/json': { schema: ErrorBody } } },
      },
    });
  }
  const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: '微事报 API', version: '1' },
  });
  if (!includeLocal) cached = doc;
  return doc;
}
