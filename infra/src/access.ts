/**
 * Least privilege, per function. Secrets follow the code: a function gets the token key or the
 * WeChat credentials exactly when its bundle's live code uses a getter of secrets.ts that reads
 * them (code-use.ts derives it from each entry's esbuild bundle; tests/infra/access.test.ts
 * checks it). Table and object storage access are granted by function name, because which code
 * writes or touches which objects is in no table. A function that appears in the tables later
 * (a new `fn` group or schedule) gets table read/write, the secrets its code uses, and no bucket
 * access until it is listed below — it deploys, and fails closed rather than open.
 *
 * Actions are spelled out (no `dynamodb:*`, no `s3:*Object*`), resources are the table, its
 * named indexes and the bucket's prefixes (never `*`). Scan is granted to nobody: every
 * request path goes by key or index (ENGINEERING.md).
 */
import { AREAS_PREFIX, ORIGINALS_PREFIX, PHOTOS_PREFIX } from './prefixes.ts';
import type { FunctionSpec } from './catalog.ts';
import { codeUseOf } from './code-use.ts';

/** read: GetItem/BatchGetItem/Query; readwrite adds Put/Update/Delete/BatchWrite/ConditionCheck */
export type TableAccess = 'none' | 'describe' | 'read' | 'readwrite';

export type ObjectAction = 's3:GetObject' | 's3:PutObject' | 's3:DeleteObject';

export interface BucketGrant {
  /** object actions on keys under `prefix`; `s3:ListBucket` (HeadBucket) is bucket-level */
  actions: readonly (ObjectAction | 's3:ListBucket')[];
  /** object key prefix; absent for bucket-level actions */
  prefix?: string;
}

export interface Access {
  table: TableAccess;
  bucket: readonly BucketGrant[];
  /** code uses tokenSecret(): signs or verifies access tokens, signs cursors, pseudonymises */
  tokenSecret: boolean;
  /** code uses wechatCredentials() or wechatPushToken(): calls WeChat, checks its pushes */
  wechatSecret: boolean;
  /** code includes notify/templates.ts: gets the subscribe-message template ids */
  templates: boolean;
  /** code includes notify/push-queue.ts: may send to the push queue (and is told its URL) */
  pushQueue: boolean;
  /** code includes notify/webhook-queue.ts: may send to the webhook queue (and is told its URL) */
  webhookQueue: boolean;
  /** code includes flows/basemap.ts: is told the deployment's tile layer */
  basemap: boolean;
}

export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  // TransactWriteItems is authorised per item: Put/Update/Delete/ConditionCheck on each.
  'dynamodb:ConditionCheckItem',
] as const;

/** Object storage by function name (the entry file's name). */
const BUCKET: Record<string, readonly BucketGrant[]> = {
  // GET /v1/health answers HeadBucket (s3:ListBucket on the bucket itself, no object access)
  'api-system': [{ actions: ['s3:ListBucket'] }],
  // the presigned POST is signed with this role: phones upload as it, to uploads/ only
  'api-uploads': [{ actions: ['s3:PutObject'], prefix: ORIGINALS_PREFIX }],
  // report views carry 5-minute signed GET links to processed photos
  'api-reports': [{ actions: ['s3:GetObject'], prefix: PHOTOS_PREFIX }],
  // reads and deletes the original, writes display + thumbnail, and signs a GET link to the
  // display image for WeChat's asynchronous media check
  'events-photos': [
    { actions: ['s3:GetObject', 's3:DeleteObject'], prefix: ORIGINALS_PREFIX },
    { actions: ['s3:PutObject', 's3:GetObject'], prefix: PHOTOS_PREFIX },
  ],
  // deletes originals of uploads that never completed
  'schedule-expire-uploads': [{ actions: ['s3:DeleteObject'], prefix: ORIGINALS_PREFIX }],
  // an area import writes the new version's snapshot and routing index
  'api-admin': [{ actions: ['s3:PutObject'], prefix: AREAS_PREFIX }],
  // retention deletes the photos of reports past their retention period
  'schedule-sweeper': [{ actions: ['s3:DeleteObject'], prefix: PHOTOS_PREFIX }],
};

/**
 * Every function that routes, authorises by area or counts KPIs reads the areas in force
 * (boundaries, no personal data) from their version's files.
 */
const AREA_READERS = new Set(['api-admin', 'api-areas', 'api-auth', 'api-integrations', 'api-me', 'api-open311', 'api-reports', 'api-stats', 'api-tasks', 'api-uploads', 'events-kpi', 'events-stream', 'schedule-sweeper']);

/**
 * Route groups verified to only read. Everything else reads and writes: a GET may write too
 * (GET /v1/export/reports.csv writes an audit entry), so the method is no guide.
 */
const TABLE_OVERRIDE: Record<string, TableAccess> = {
  // health reads one item (the areas pointer); the OpenAPI document reads nothing
  'api-system': 'read',
  // categories, areas, locate: the area snapshot only
  'api-areas': 'read',
  // task queues and the inbox: index queries, no writes
  'api-tasks': 'read',
};

export function accessOf(spec: FunctionSpec): Access {
  const use = codeUseOf(spec.entry);
  const override = TABLE_OVERRIDE[spec.name];
  let table: TableAccess;
  if (override) table = override;
  else table = 'readwrite';
  return {
    table,
    bucket: [...(BUCKET[spec.name] ?? []), ...(AREA_READERS.has(spec.name) ? [{ actions: ['s3:GetObject'] as const, prefix: AREAS_PREFIX }] : [])],
    tokenSecret: use.secrets.has('token'),
    wechatSecret: use.secrets.has('wechat'),
    templates: use.templates,
    pushQueue: use.pushQueue,
    webhookQueue: use.webhookQueue,
    basemap: use.basemap,
  };
}
