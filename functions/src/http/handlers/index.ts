/** Handler keys (as named in the route table) -> implementations. */
import type { HandlerFn } from '#http/handler';
import * as system from '#http/handlers/system';
import * as dev from '#http/handlers/dev';
import * as me from '#http/handlers/me';
import * as areas from '#http/handlers/areas';
import * as uploads from '#http/handlers/uploads';
import * as reports from '#http/handlers/reports';
import * as tasks from '#http/handlers/tasks';
import * as admin from '#http/handlers/admin';
import * as auth from '#http/handlers/auth';
import * as stats from '#http/handlers/stats';
import * as wechat from '#http/handlers/wechat';

const modules: Record<string, Record<string, unknown>> = { system, dev, me, areas, uploads, reports, tasks, admin, auth, stats, wechat };

export function handlerFor(key: string): HandlerFn {
  const [mod, name] = key.split('.');
  const fn = modules[mod!]?.[name!];
  if (typeof fn !== 'function') throw new Error(`route table names a missing handler: ${key}`);
  return fn as HandlerFn;
}
