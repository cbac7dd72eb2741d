/**
 * What a tap on "allow" in requestSubscribeMessage does, done by a test: WeChat (the stand-in)
 * records the subscription, and the app posts the accepted ids (POST /v1/me/subscriptions), as
 * miniapp/src/lib/subscribe.ts does. One-time templates gain one send each; long-term ones are
 * accepted until switched off.
 */
import type { TestStack } from './stack.ts';

export const TASK_TEMPLATES = ['tpl-task', 'tpl-escalation'];

export async function acceptSubscriptions(stack: TestStack, userId: string, templateIds: string[], openid = `o-${userId}`): Promise<void> {
  for (const t of templateIds) stack.wechat.control.subscribe(openid, t);
  const r = await stack.api.post('/v1/me/subscriptions', { templateIds }, userId);
  if (r.status !== 200) throw new Error(`POST /v1/me/subscriptions as ${userId}: ${r.status} ${r.text}`);
}
