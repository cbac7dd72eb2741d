/**
 * WeChat's message push (服务器消息推送): the URL check (GET with echostr) and events (POST, JSON
 * mode) — today the asynchronous image-check verdicts. Every call is checked against the push
 * token's signature; anything else is refused.
 */
import { DomainError } from '#domain/errors';
import { parseMediaCheckEvent, verifyPushSignature } from '#notify/wechat';
import { onMediaVerdict } from '#flows/moderation';
import type { Handler } from '#http/handler';
import { wechatPushToken } from '#secrets';

function checkSignature(query: { signature?: string; timestamp?: string; nonce?: string }): void {
  const token = wechatPushToken(); // none configured: every push is refused (fail closed)
  if (!token || !verifyPushSignature(query, token)) throw new DomainError('forbidden', '签名无效');
}

export const verifyUrl: Handler<'wechat.verifyUrl'> = async ({ query }) => {
  checkSignature(query);
  return { raw: query.echostr ?? '', headers: { 'content-type': 'text/plain; charset=utf-8' } };
};

export const events: Handler<'wechat.events'> = async ({ query, body }) => {
  checkSignature(query);
  if (body.Event === 'wxa_media_check') {
    let verdict;
    try {
      verdict = parseMediaCheckEvent(body);
    } catch (e) {
      throw new DomainError('invalid_input', (e as Error).message);
    }
    await onMediaVerdict(verdict);
  }
  // WeChat retries anything but "success" (or an empty body)
  return { raw: 'success', headers: { 'content-type': 'text/plain; charset=utf-8' } };
};
