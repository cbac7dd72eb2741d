/**
 * Secrets, read once per container and refreshed every few minutes (so a rotation lands without
 * a deploy). In the cloud they come from Secrets Manager (TOKEN_SECRET_ARN: a plain string;
 * WECHAT_SECRET_ARN: JSON {appId, appSecret, pushToken, encodingAESKey?}); on the local stack from the
 * environment with local defaults. Outside the local stack nothing falls back to a default:
 * a missing secret is an error at the first request, not a silent weak key.
 *
 * Handlers `await loadSecrets()` first (the HTTP middleware and every event entry do); after
 * that the getters are synchronous.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { aesKeyOf } from '#notify/wechat-push';

export interface WechatCredentials {
  appId: string;
  appSecret: string;
  /** the message-push token WeChat signs its event pushes with */
  pushToken: string;
  /**
   * the message-push EncodingAESKey (43 characters), set when the console's 消息加解密方式 is
   * 安全模式: pushes then arrive encrypted and only encrypted ones are accepted. null: plaintext mode.
   */
  encodingAESKey: string | null;
}

interface Loaded {
  /** null: not configured (then anything that signs or checks tokens refuses to work) */
  token: string | null;
  wechat: WechatCredentials;
  at: number;
}

const REFRESH_MS = 5 * 60_000;
const local = () => process.env.WSB_LOCAL === '1';
let loaded: Loaded | null = null;
let loading: Promise<Loaded> | null = null;
let client: SecretsManagerClient | null = null;

async function fetchSecret(arn: string): Promise<string> {
  client ??= new SecretsManagerClient({});
  const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  if (!out.SecretString) throw new Error(`secret ${arn} has no string value`);
  return out.SecretString;
}

function fromEnv(name: string, localDefault: string): string | null {
  return process.env[name] || (local() ? localDefault : null);
}

async function read(): Promise<Loaded> {
  const tokenArn = process.env.TOKEN_SECRET_ARN;
  const wechatArn = process.env.WECHAT_SECRET_ARN;
  const [token, wechatJson] = await Promise.all([
    tokenArn ? fetchSecret(tokenArn) : Promise.resolve(fromEnv('TOKEN_SECRET', 'local-dev-secret-not-for-production-use-0123456789')),
    wechatArn ? fetchSecret(wechatArn) : Promise.resolve(null),
  ]);
  if (token !== null && token.length < 32) throw new Error('the token secret must be at least 32 characters');
  const w = wechatJson ? (JSON.parse(wechatJson) as Partial<WechatCredentials>) : {};
  const wechat: WechatCredentials = {
    appId: w.appId ?? process.env.WECHAT_APPID ?? (local() ? 'wx-local-appid' : ''),
    appSecret: w.appSecret ?? process.env.WECHAT_SECRET ?? (local() ? 'local-secret' : ''),
    pushToken: w.pushToken ?? process.env.WECHAT_PUSH_TOKEN ?? (local() ? 'local-push-token' : ''),
    // no local default: the local stand-in pushes in plaintext unless a key is set for both sides
    encodingAESKey: w.encodingAESKey || process.env.WECHAT_ENCODING_AES_KEY || null,
  };
  if (wechat.encodingAESKey) aesKeyOf(wechat.encodingAESKey); // a malformed key fails here, not at the first push
  return { token, wechat, at: Date.now() };
}

export async function loadSecrets(): Promise<void> {
  if (loaded && Date.now() - loaded.at < REFRESH_MS) return;
  loading ??= read().finally(() => {
    loading = null;
  });
  try {
    loaded = await loading;
  } catch (e) {
    // keep serving with the previous values if a refresh fails; fail if there are none
    if (!loaded) throw e;
  }
}

function current(): Loaded {
  if (!loaded) throw new Error('secrets not loaded: await loadSecrets() first');
  return loaded;
}

export function tokenSecret(): string {
  const t = current().token;
  if (!t) throw new Error('the token secret is not configured (TOKEN_SECRET_ARN or TOKEN_SECRET)');
  return t;
}

export function wechatCredentials(): WechatCredentials {
  const w = current().wechat;
  if (!w.appId || !w.appSecret) throw new Error('WeChat credentials are not configured');
  return w;
}

/** The push token, or null when none is configured (then every push is refused). */
export const wechatPushToken = (): string | null => current().wechat.pushToken || null;

/** The push EncodingAESKey (safe mode), or null (plaintext mode). */
export const wechatEncodingAESKey = (): string | null => current().wechat.encodingAESKey;
