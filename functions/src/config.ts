/**
 * Configuration from the environment, with defaults that suit the local stack. Read once at
 * module load (Lambda cold start); fail fast on values that cannot work.
 */
function str(name: string, fallback: string): string {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : v;
}

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`config: ${name} must be a number, got "${raw}"`);
  return n;
}

const local = str('WSB_LOCAL', '') === '1';

export const config = {
  /** the local stack (npm start, tests): enables the dev-only routes and local endpoints */
  local,
  region: str('AWS_REGION', 'cn-north-1'),
  tableName: str('TABLE_NAME', 'weishibao'),
  /** undefined in the cloud: the SDK finds DynamoDB itself */
  dynamoEndpoint: process.env.DYNAMODB_ENDPOINT || undefined,
  bucket: str('PHOTO_BUCKET', 'weishibao-photos'),
  s3Endpoint: process.env.S3_ENDPOINT || undefined,
  /** what browsers and phones use to reach object storage (the gateway proxies /s3 locally) */
  s3PublicEndpoint: process.env.S3_PUBLIC_ENDPOINT || process.env.S3_ENDPOINT || undefined,
  tokenTtlSeconds: num('TOKEN_TTL_SECONDS', 3600),
  uploadMaxBytes: num('UPLOAD_MAX_BYTES', 10 * 1024 * 1024),
  uploadTtlSeconds: num('UPLOAD_TTL_SECONDS', 300),
  photoLinkTtlSeconds: num('PHOTO_LINK_TTL_SECONDS', 300),
  bodyMaxBytes: num('BODY_MAX_BYTES', 1024 * 1024),
  idempotencyTtlSeconds: num('IDEMPOTENCY_TTL_SECONDS', 24 * 3600),
  privacyNoticeVersion: str('PRIVACY_NOTICE_VERSION', '2026-11'),
  /** days after a report ends before its personal data is pseudonymised (PIPL: no longer than needed) */
  retentionDays: num('RETENTION_DAYS', 180),
  /**
   * The basemap's tile layer for H5 and the dashboard: an XYZ URL template of GCJ-02 tiles
   * ({z}/{x}/{y}, optional {s}), with the provider's attribution. Unset (the local stack,
   * offline): clients draw the vector basemap of the imported roads, buildings and grids.
   */
  mapTileUrl: process.env.MAP_TILE_URL || null,
  mapTileAttribution: str('MAP_TILE_ATTRIBUTION', ''),
  mapTileSubdomains: str('MAP_TILE_SUBDOMAINS', ''),
} as const;

// Secrets (the token key, WeChat credentials) are not configuration: see secrets.ts.
