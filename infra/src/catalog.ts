/**
 * What infra deploys, derived from the backend's own tables — never listed here by hand:
 * - one HTTP function per `fn` group of the route table (groups whose routes are all local-only
 *   are left out), entry `functions/src/entry/api-<fn>.ts`;
 * - the table's stream consumers and the push queue's consumer (the table of event source
 *   mappings, functions/src/events/consumers.ts) and the photo processor (EVENT_ENTRIES below);
 * - one scheduled function per row of the schedule table (`schedule-<name>.ts`).
 * A missing entry file fails synth with the file it expected, and so does an entry file that
 * nothing deploys (a new `events-*.ts` must be given its trigger here, not silently skipped).
 *
 * Imports only table modules (routes.ts -> schemas.ts -> domain/*, keys.ts, schedules.ts,
 * consumers.ts, notify/templates.ts, metrics.ts): none of them reads the functions' runtime config
 * (tests/infra checks).
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROUTES, type Route } from '../../functions/src/http/routes.ts';
import { SCHEDULES, type Schedule } from '../../functions/src/events/schedules.ts';
import { PUSH_QUEUE, STREAM_CONSUMERS, WEBHOOK_QUEUE, type FilterPattern, type StreamConsumer } from '../../functions/src/events/consumers.ts';

export { PUSH_QUEUE, WEBHOOK_QUEUE, ROUTES, SCHEDULES, STREAM_CONSUMERS, type FilterPattern, type Route, type Schedule, type StreamConsumer };
export { TABLE_SCHEMA } from '../../functions/src/store/keys.ts';
/** the subscribe-message template table and the parser of its per-deployment configuration */
export { TEMPLATES, TEMPLATES_ENV, parseTemplateConfig, TemplateConfigError } from '../../functions/src/notify/templates.ts';
/** the business metrics the code counts (EMF) and the observability stack alarms on */
export { METRIC_DIMENSION, METRIC_NAMESPACE, METRICS } from '../../functions/src/metrics.ts';
export { ORIGINALS_PREFIX, PHOTOS_PREFIX } from './prefixes.ts';

/** the repository root (package.json with the workspaces, package-lock.json) */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ENTRY_DIR = join(REPO_ROOT, 'functions', 'src', 'entry');

export type FunctionKind = 'api' | 'stream' | 'queue' | 'photos' | 'schedule';

export interface FunctionSpec {
  /** unique, stable: api-reports, events-stream, schedule-sweeper (the entry file's name) */
  name: string;
  kind: FunctionKind;
  /** absolute path of the entry file (exports `handler`) */
  entry: string;
  /** api: the deployed routes of this group */
  routes: readonly Route[];
  /** schedule: its row */
  schedule?: Schedule;
  description: string;
}

/**
 * Entries triggered by events rather than routes or schedules, by entry name: the stream
 * consumers and the push queue's consumer from their table, the photo processor named here.
 * DynamoDB allows at most two readers per stream shard: a third stream consumer must fan out
 * from one of these (as the notifier does to the push queue).
 */
export const EVENT_ENTRIES: Readonly<Record<string, { kind: 'stream' | 'queue' | 'photos'; description: string }>> = {
  ...Object.fromEntries(STREAM_CONSUMERS.map((c) => [c.name, { kind: 'stream' as const, description: c.description }])),
  [PUSH_QUEUE.consumer]: { kind: 'queue', description: PUSH_QUEUE.description },
  [WEBHOOK_QUEUE.consumer]: { kind: 'queue', description: WEBHOOK_QUEUE.description },
  'events-photos': { kind: 'photos', description: 'S3 ObjectCreated on uploads/: strip metadata, resize, delete the original' },
};
export const MAX_STREAM_CONSUMERS = 2;

/** Routes that become API Gateway routes: every row not marked local-only. */
export const deployedRoutes = (): Route[] => ROUTES.filter((r) => !r.localOnly);

/** `METHOD /path`, the HTTP API route key (and what dispatch.ts matches on). */
export const routeKey = (r: Pick<Route, 'method' | 'path'>): string => `${r.method} ${r.path}`;

function entryFile(name: string, why: string): string {
  const file = join(ENTRY_DIR, `${name}.ts`);
  if (!existsSync(file)) {
    throw new Error(
      `infra: ${why} needs the Lambda entry functions/src/entry/${name}.ts (exporting \`handler\`), which does not exist. ` +
        'Add the entry file (see the other files in functions/src/entry) — infra derives its functions from the tables.',
    );
  }
  return file;
}

export function functionSpecs(): FunctionSpec[] {
  const specs: FunctionSpec[] = [];
  const groups = new Map<string, Route[]>();
  for (const r of deployedRoutes()) groups.set(r.fn, [...(groups.get(r.fn) ?? []), r]);
  for (const [fn, routes] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const name = `api-${fn}`;
    specs.push({
      name,
      kind: 'api',
      entry: entryFile(name, `the route group "${fn}" (${routes.map(routeKey).join(', ')})`),
      routes,
      description: `HTTP: ${routes.length} route(s) of group ${fn}`,
    });
  }
  for (const [name, e] of Object.entries(EVENT_ENTRIES)) {
    specs.push({ name, kind: e.kind, entry: entryFile(name, e.description), routes: [], description: e.description });
  }
  if (specs.filter((x) => x.kind === 'stream').length > MAX_STREAM_CONSUMERS) {
    throw new Error(`infra: DynamoDB streams allow ${MAX_STREAM_CONSUMERS} readers per shard; fan out from one consumer instead`);
  }
  if (specs.filter((x) => x.kind === 'photos').length !== 1) throw new Error('infra: exactly one photo function receives the S3 notifications');
  const seen = new Set<string>();
  for (const s of SCHEDULES) {
    if (seen.has(s.name)) throw new Error(`infra: schedule "${s.name}" appears twice in SCHEDULES`);
    seen.add(s.name);
    if (!Number.isInteger(s.everyMinutes) || s.everyMinutes < 1) {
      throw new Error(`infra: schedule "${s.name}" needs a whole number of minutes >= 1, got ${s.everyMinutes}`);
    }
    const name = `schedule-${s.name}`;
    specs.push({
      name,
      kind: 'schedule',
      entry: entryFile(name, `the schedule "${s.name}"`),
      routes: [],
      schedule: s,
      description: `every ${s.everyMinutes} min: ${s.name}`,
    });
  }

  // every entry file is deployed, or belongs to a route group that is local-only
  const localOnlyGroups = new Set(ROUTES.filter((r) => r.localOnly).map((r) => r.fn));
  for (const r of deployedRoutes()) localOnlyGroups.delete(r.fn);
  const deployed = new Set(specs.map((x) => x.name));
  for (const file of readdirSync(ENTRY_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const name = file.slice(0, -'.ts'.length);
    if (deployed.has(name) || localOnlyGroups.has(name.replace(/^api-/, ''))) continue;
    throw new Error(
      `infra: functions/src/entry/${file} is not deployed. Route groups (api-<fn>) and schedules (schedule-<name>) come from ` +
        'the route and schedule tables; any other entry needs its trigger in infra/src/catalog.ts EVENT_ENTRIES.',
    );
  }
  return specs;
}
