/**
 * WeChat's message push (服务器消息推送): the URL check (GET with echostr) and events (POST) —
 * today the asynchronous image-check verdicts. Events come as the console's 数据格式 says (XML or
 * JSON) and its 消息加解密方式: in plaintext mode signed with the push token; in safe mode
 * (an EncodingAESKey configured, secrets.ts) encrypted, with msg_signature over the ciphertext,
 * and nothing else is taken (notify/wechat-push `openPush`). Anything not from WeChat is refused.
 */
import { DomainError } from '#domain/errors';
import { openPush, parseMediaCheckEvent, PushRefused, verifyPushSignature } from '#notify/wechat-push';
import { onMediaVerdict } from '#flows/moderation';
import type { Handler } from '#http/handler';
import { wechatCredentials, wechatEncodingAESKey, wechatPushToken } from '#secrets';

/** The push token, or a refusal: none configured means every push is refused (fail closed). */
function pushToken(): string {
  const token = wechatPushToken();
  if (!token) throw new DomainError('forbidden', '签名无效');
  return token;
}

export const verifyUrl: Handler<'wechat.verifyUrl'> = async ({ query }) => {
  if (!verifyPushSignature(query, pushToken())) throw new DomainError('forbidden', '签名无效');
  return { raw: query.echostr ?? '', headers: { 'content-type': 'text/plain; charset=utf-8' } };
};

export const events: Handler<'wechat.events'> = async ({ query, rawBody }) => {
  let message: Record<string, unknown>;
  try {
    message = openPush({ query, body: rawBody, token: pushToken(), encodingAESKey: wechatEncodingAESKey(), appId: wechatCredentials().appId });
  } catch (e) {
    if (!(e instanceof PushRefused)) throw e;
    if (e.reason === 'format') throw new DomainError('invalid_input', `推送内容无法读取：${e.message}`);
    throw new DomainError('forbidden', e.reason === 'signature' ? '签名无效' : `推送被拒绝：${e.message}`);
  }
  if (message.Event === 'wxa_media_check') {
    let verdict;
    try {
      verdict = parseMediaCheckEvent(message);
    } catch (e) {
      throw new DomainError('invalid_input', (e as Error).message);
    }
    await onMediaVerdict(verdict);
  }
  // WeChat retries anything but "success" (or an empty body)
  return { raw: 'success', headers: { 'content-type': 'text/plain; charset=utf-8' } };
};
