/**
 * Deployment settings from CDK context (`-c key=value` or cdk.json), validated once. Nothing
 * account-specific lives in code: account and region come from the CLI's environment.
 *
 *   stage           dev | prod (default dev): names, retention, deletion protection
 *   appOrigins      comma-separated origins allowed to POST uploads / call the API from a
 *                   browser (the H5 app); the mini-program needs none (default: none in prod,
 *                   http://localhost:3000,http://127.0.0.1:3000 in dev)
 *   apiDomain       custom domain for the API (ICP-filed, WeChat calls nothing else) …
 *   certificateArn  … and its ACM certificate in the same region; both or neither
 *   alarmEmail      address subscribed to the alarm topic (optional)
 *   wechatAppId     the mini-program's AppID (public; the AppSecret goes to Secrets Manager)
 *   wechatTemplates subscribe-message templates as JSON, one entry per kind with its id and
 *                   keyword keys, as functions/src/notify/templates.ts reads WECHAT_TEMPLATES
 *                   (checked here with the same parser, so a bad one fails synth)
 *   mapTileUrl      the basemap's XYZ tile URL template of GCJ-02 tiles ({z}/{x}/{y}, optional
 *                   {s}) for H5 and the dashboard, with mapTileAttribution (required with it)
 *                   and optional mapTileSubdomains; without it clients draw the vector basemap
 *   throttleRate / throttleBurst   HTTP API default route throttling (requests/s)
 *   logRetentionDays               function and access log retention
 *   bundle          false: stub code instead of esbuild bundles (infra tests only)
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { parseTemplateConfig, TemplateConfigError, TEMPLATES_ENV } from './catalog.ts';

export type Stage = 'dev' | 'prod';

export interface Settings {
  stage: Stage;
  appOrigins: string[];
  apiDomain?: string;
  certificateArn?: string;
  alarmEmail?: string;
  wechatAppId?: string;
  /** WECHAT_TEMPLATES -> the checked configuration (JSON); empty when not given */
  wechatTemplateEnv: Record<string, string>;
  /** MAP_TILE_URL, MAP_TILE_ATTRIBUTION, MAP_TILE_SUBDOMAINS; empty when not given */
  mapTileEnv: Record<string, string>;
  throttle: { rateLimit: number; burstLimit: number };
  logRetention: RetentionDays;
  bundle: boolean;
}

const RETENTIONS = new Set<number>(Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'));

function str(node: Node, key: string): string | undefined {
  const v: unknown = node.tryGetContext(key);
  if (v === undefined || v === null || v === '') return undefined;
  return String(v).trim();
}

function int(node: Node, key: string, fallback: number): number {
  const raw = str(node, key);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`context ${key} must be a positive whole number, got "${raw}"`);
  return n;
}

export function readSettings(node: Node): Settings {
  const stage = str(node, 'stage') ?? 'dev';
  if (stage !== 'dev' && stage !== 'prod') throw new Error(`context stage must be dev or prod, got "${stage}"`);

  const originsRaw = str(node, 'appOrigins');
  const appOrigins = originsRaw
    ? originsRaw.split(',').map((o) => o.trim()).filter(Boolean)
    : stage === 'dev'
      ? ['http://localhost:3000', 'http://127.0.0.1:3000']
      : [];
  for (const o of appOrigins) {
    if (!/^https?:\/\/[^/\s*]+$/.test(o)) throw new Error(`context appOrigins: "${o}" is not an origin (scheme://host[:port], no path, no wildcard)`);
    if (stage === 'prod' && !o.startsWith('https://')) throw new Error(`context appOrigins: prod origins must be https, got "${o}"`);
  }

  const apiDomain = str(node, 'apiDomain');
  const certificateArn = str(node, 'certificateArn');
  if (!!apiDomain !== !!certificateArn) throw new Error('context apiDomain and certificateArn go together: give both or neither');

  const retentionDays = int(node, 'logRetentionDays', stage === 'prod' ? 180 : 14);
  if (!RETENTIONS.has(retentionDays)) {
    throw new Error(`context logRetentionDays must be one CloudWatch accepts (${[...RETENTIONS].filter((d) => d > 0).sort((a, b) => a - b).join(', ')})`);
  }

  const bundle = str(node, 'bundle') !== 'false';

  const wechatAppId = str(node, 'wechatAppId');
  if (wechatAppId && !/^wx[0-9a-f]{16}$/.test(wechatAppId)) throw new Error(`context wechatAppId: "${wechatAppId}" is not a mini-program AppID (wx + 16 hex digits)`);
  const wechatTemplateEnv: Record<string, string> = {};
  const templatesRaw: unknown = node.tryGetContext('wechatTemplates');
  if (templatesRaw !== undefined && templatesRaw !== null && templatesRaw !== '') {
    let parsed: unknown = templatesRaw;
    if (typeof templatesRaw === 'string') {
      try {
        parsed = JSON.parse(templatesRaw);
      } catch {
        throw new Error('context wechatTemplates must be JSON: {"task": {"id": "…", "keys": {"thing1": "category", …}}, …}');
      }
    }
    try {
      parseTemplateConfig(parsed);
    } catch (e) {
      if (e instanceof TemplateConfigError) throw new Error(`context wechatTemplates: ${e.problems.join('; ')}`, { cause: e });
      throw e;
    }
    wechatTemplateEnv[TEMPLATES_ENV] = JSON.stringify(parsed);
  }

  const mapTileEnv: Record<string, string> = {};
  const tileUrl = str(node, 'mapTileUrl');
  const tileAttribution = str(node, 'mapTileAttribution');
  if (tileUrl) {
    if (!/^https:\/\/[^\s]+$/.test(tileUrl) || !['{z}', '{x}', '{y}'].every((p) => tileUrl.includes(p))) {
      throw new Error(`context mapTileUrl must be an https URL template with {z}, {x} and {y}, got "${tileUrl}"`);
    }
    if (!tileAttribution) throw new Error('context mapTileUrl needs mapTileAttribution: the tile provider\'s terms require it on the map');
    mapTileEnv.MAP_TILE_URL = tileUrl;
    mapTileEnv.MAP_TILE_ATTRIBUTION = tileAttribution;
    const sub = str(node, 'mapTileSubdomains');
    if (sub) mapTileEnv.MAP_TILE_SUBDOMAINS = sub;
  }

  return {
    stage,
    appOrigins,
    apiDomain,
    certificateArn,
    alarmEmail: str(node, 'alarmEmail'),
    wechatAppId,
    wechatTemplateEnv,
    mapTileEnv,
    throttle: {
      rateLimit: int(node, 'throttleRate', stage === 'prod' ? 200 : 50),
      burstLimit: int(node, 'throttleBurst', stage === 'prod' ? 400 : 100),
    },
    logRetention: retentionDays as RetentionDays,
    bundle,
  };
}
