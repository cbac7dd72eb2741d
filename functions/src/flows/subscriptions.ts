/**
 * Subscribe-message permission: what the user accepted in requestSubscribeMessage, recorded, and
 * what they hold now. One-time templates count one send per "allow"; a long-term template is
 * accepted once (staff, asked on a tap at first sign-in and from their settings) and holds until
 * WeChat says it was switched off (43101, which revokes it: notify/push.ts).
 */
import { DomainError } from '#domain/errors';
import { configuredTemplates, type MessageKind } from '#notify/templates';
import { acceptLongTerm, addGrants, grantsOf } from '#store/grants';
import type { UserRecord } from '#store/users';

/** Records the grants the user just accepted; returns how many were recorded. */
export async function recordGrants(user: UserRecord, templateIds: string[], now = new Date()): Promise<number> {
  const templates = configuredTemplates();
  const unknown = templateIds.filter((t) => !templates.some((x) => x.id === t));
  if (unknown.length) throw new DomainError('invalid_input', `未知的订阅消息模板：${unknown.join(', ')}`, { unknown });
  const longTerm = templateIds.filter((t) => templates.find((x) => x.id === t)!.longTerm);
  const oneTime = templateIds.filter((t) => !longTerm.includes(t));
  await Promise.all([acceptLongTerm(user.id, [...new Set(longTerm)], now.toISOString()), addGrants(user.id, oneTime)]);
  return templateIds.length;
}

export interface SubscriptionView {
  kind: MessageKind;
  templateId: string;
  longTerm: boolean;
  /** a push of this template can go out now: long-term accepted, or a one-time grant left */
  granted: boolean;
}

/** The templates the app may ask for, with what this user holds of each (GET /v1/me). */
export async function subscriptionState(user: UserRecord): Promise<SubscriptionView[]> {
  const held = await grantsOf(user.id);
  return configuredTemplates().map((t) => {
    const g = held.get(t.id);
    return { kind: t.kind, templateId: t.id, longTerm: t.longTerm, granted: t.longTerm ? g?.accepted === true : (g?.count ?? 0) > 0 };
  });
}
