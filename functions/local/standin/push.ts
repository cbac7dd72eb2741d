/**
 * The stand-in's message push (服务器消息推送): events POSTed to the configured URL the way the
 * console's settings say — plaintext or safe mode (encrypted with the EncodingAESKey, signed with
 * msg_signature), XML or JSON — sealed by notify/wechat-push `sealPush`, the module the backend
 * opens them with.
 */
import { sealPush } from '#notify/wechat-push';
import type { PushSettings } from '#local/standin/types';

export interface PushTarget {
  url: string;
  token: string;
  appid: string;
  encodingAESKey: string | undefined;
  settings: PushSettings;
}

export function checkPushSettings(s: PushSettings, encodingAESKey: string | undefined): PushSettings {
  if (s.mode !== 'plain' && s.mode !== 'safe') throw new Error('push.mode must be plain or safe');
  if (s.format !== 'json' && s.format !== 'xml') throw new Error('push.format must be json or xml');
  if (s.mode === 'safe' && !encodingAESKey) throw new Error('push.mode safe needs an EncodingAESKey (option encodingAESKey or WECHAT_ENCODING_AES_KEY)');
  return { mode: s.mode, format: s.format };
}

/** POST one event; resolves with the outcome (WeChat retries on failure; the stand-in records it). */
export async function deliverPush(target: PushTarget, message: Record<string, unknown>): Promise<{ ok: true } | { ok: false; error: string }> {
  const sealed = sealPush({
    message,
    format: target.settings.format,
    token: target.token,
    safe: target.settings.mode === 'safe' ? { encodingAESKey: target.encodingAESKey!, appid: target.appid } : null,
  });
  const u = new URL(target.url);
  for (const [k, v] of Object.entries(sealed.query)) u.searchParams.set(k, v);
  try {
    const r = await fetch(u, { method: 'POST', headers: { 'content-type': sealed.contentType }, body: sealed.body, signal: AbortSignal.timeout(5000) });
    const text = await r.text();
    // WeChat takes "success" or an empty body as received
    if (r.ok && (text === '' || text === 'success')) return { ok: true };
    return { ok: false, error: `http ${r.status}${r.ok ? ` (answered ${JSON.stringify(text.slice(0, 40))})` : ''}` };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}
