/**
 * Webhooks of city systems: "tell me when a request I filed changes" — GeoReport v2 has no push,
 * so clients poll `requests` for updates; a webhook saves them the polling. An admin registers
 * one for an API key they manage; every new version of a report that key filed (from the
 * stream, via the webhook queue: never on the stream's time) becomes one signed call per
 * webhook that wants it — `status_changed` when the state moved, `updated` for any timeline
 * entry — with the request as GET requests/{id}.json shows it.
 *
 * Exactly-once-ish as the pushes: each (webhook, report version) is claimed by the queue
 * message that carries it, so a redelivered message calls nobody twice; a call that failed after
 * its retries is dead-lettered for an operator's replay (GET/POST /v1/admin/webhooks/…).
 */
import { randomBytes } from 'node:crypto';
import { categoryOf } from '#domain/categories';
import { forbidden, invalidInput, notFound } from '#domain/errors';
import { serviceNotice, serviceRequest } from '#domain/open311';
import { config } from '#config';
import { logger } from '#log';
import { rightsOf, type Rights } from '#flows/rights';
import { listable } from '#flows/open311';
import { callWebhook } from '#notify/webhook';
import type { ChangeRef } from '#notify/webhook-message';
import { auditEntry, auditPut } from '#store/audit';
import { getApiKey } from '#store/apikeys';
import { getReportStory, type ReportStory } from '#store/reports';
import { ConditionFailed } from '#store/tx';
import type { UserRecord } from '#store/users';
import {
  claimSend,
  deleteWebhook as removeWebhook,
  deleteWebhookDeadLetter,
  getWebhook,
  listWebhookDeadLetters,
  listWebhooks,
  putWebhook,
  putWebhookDeadLetter,
  settleSend,
  type DeliveryRef,
  type WebhookEvent,
  type WebhookRecord,
} from '#store/webhooks';

/** A holder of a call that has not settled within this is taken to have died (the consumer runs 60 s at most). */
const SEND_LEASE_MS = 5 * 60_000;

export const webhookView = (w: WebhookRecord) => ({ id: w.id, apiKeyId: w.apiKeyId, url: w.url, events: w.events, createdBy: w.createdBy, createdAt: w.createdAt, active: w.deletedAt === null });

const hookAudit = (admin: UserRecord, at: string, detail: string) =>
  auditPut(auditEntry({ at, what: 'account_change', actorId: admin.id, actorRole: admin.role, reportId: null, detail, from: null, to: null }));

/** The key must be one the admin manages (every area it is bound to is theirs). */
async function managedKey(rights: Rights, apiKeyId: string) {
  const k = await getApiKey(apiKeyId);
  if (!k) throw notFound('API key');
  if (!k.areaIds.every((id) => rights.may({ areaId: id }))) throw forbidden('该 API key 不在您的管辖范围');
  return k;
}

/**
 * Where a webhook may point: https (http only on the local stack), and never at this machine or
 * a private network by address — the function would be calling into its own surroundings.
 * (A name that resolves to such an address is not caught here; the functions run outside any
 * VPC, where private addresses lead nowhere.)
 */
export function webhookUrlProblem(url: string, local: boolean): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'url 不是有效的地址';
  }
  if (u.protocol !== 'https:' && !(local && u.protocol === 'http:')) return 'url 须为 https 地址';
  if (u.username || u.password) return 'url 不能包含用户名或密码（签名已证明来源）';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const privateHost = /^(localhost|.*\.localhost|0\.0\.0\.0|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|169\.254\.\d+\.\d+|::1?|f[cd][0-9a-f]{2}:.*|fe80:.*)$/i.test(host);
  if (privateHost && !local) return 'url 不能指向本机或内网地址';
  return null;
}

export async function createWebhook(admin: UserRecord, input: { apiKeyId: string; url: string; events: WebhookEvent[] }, now: Date) {
  const problem = webhookUrlProblem(input.url, config.local);
  if (problem) throw invalidInput(problem, { field: 'url' });
  const key = await managedKey(await rightsOf(admin), input.apiKeyId);
  if (key.revokedAt) throw invalidInput('该 API key 已吊销', { field: 'apiKeyId' });
  const hook: WebhookRecord = {
    id: `wh-${randomBytes(6).toString('hex')}`,
    apiKeyId: key.id,
    url: input.url,
    events: [...new Set(input.events)],
    secret: randomBytes(32).toString('base64url'),
    createdBy: admin.id,
    createdAt: now.toISOString(),
    deletedAt: null,
  };
  await putWebhook(hook, hookAudit(admin, hook.createdAt, `webhook_create ${hook.id} ${key.id}`));
  return { ...webhookView(hook), secret: hook.secret };
}

export async function webhooksOf(admin: UserRecord) {
  const rights = await rightsOf(admin);
  const hooks = (await listWebhooks()).filter((w) => !w.deletedAt);
  const mine = await Promise.all(hooks.map(async (w) => ((await getApiKey(w.apiKeyId))?.areaIds.every((id) => rights.may({ areaId: id })) ? w : null)));
  return mine.filter((w): w is WebhookRecord => !!w).map(webhookView);
}

export async function stopWebhook(admin: UserRecord, id: string, now: Date) {
  const hook = await getWebhook(id);
  if (!hook) throw notFound('Webhook');
  await managedKey(await rightsOf(admin), hook.apiKeyId);
  if (!hook.deletedAt) {
    try {
      await removeWebhook(id, admin.id, now.toISOString(), hookAudit(admin, now.toISOString(), `webhook_delete ${id}`));
    } catch (e) {
      if (!(e instanceof ConditionFailed)) throw e;
    }
  }
  return { ...webhookView(hook), active: false };
}

// ── the consumer: one change -> a call per webhook that wants it ────────────────────────────

interface Call {
  event: WebhookEvent;
  headers: Record<string, string>;
  body: string;
}

/** What a webhook is told of one version of a report, or null when it does not want it. */
function callFor(hook: WebhookRecord, story: ReportStory, version: number, now: Date): Call | null {
  const first = story.events.find((e) => e.version === version && e.seq === 0);
  if (!first) return null;
  const moved = first.from !== first.to;
  const event: WebhookEvent | null = moved && hook.events.includes('status_changed') ? 'status_changed' : hook.events.includes('updated') ? 'updated' : null;
  if (!event) return null;
  const r = story.report;
  const c = categoryOf(r.category);
  const body = JSON.stringify({
    event,
    webhook_id: hook.id,
    sent_at: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    change: { version, at: first.at.replace(/\.\d{3}Z$/, 'Z'), action: first.action, from: first.from, to: first.to, note: first.note },
    // the request as GET requests/{id}.json shows it now (a later change may be in already)
    service_request: serviceRequest(r, story.events, c?.name ?? r.category, c ? serviceNotice(c) : null),
  });
  return { event, body, headers: { 'x-wsb-event': event, 'x-wsb-delivery': `${hook.id}:${r.id}:${version}` } };
}

async function deadLetter(ref: DeliveryRef, at: string, result: { status: number | null; attempts: number; error: string | null }) {
  await putWebhookDeadLetter({ ...ref, at, status: result.status, error: result.error ?? 'failed', attempts: result.attempts, lastFailedAt: new Date().toISOString() });
  logger.warn('webhook call dead-lettered', { webhookId: ref.webhookId, reportId: ref.reportId, version: ref.version, status: result.status, attempts: result.attempts });
}

/**
 * A queued change. `claim` is the queue message's id. Throws only on store errors (the message
 * comes back); a receiver's failure is dead-lettered, never thrown.
 */
export async function deliverChange(ref: ChangeRef, claim: string): Promise<{ called: number; sent: number }> {
  const story = await getReportStory(ref.reportId);
  const keyId = story?.report.open311?.apiKeyId;
  if (!story || !keyId || !listable(story.report)) return { called: 0, sent: 0 };
  const hooks = (await listWebhooks()).filter((w) => !w.deletedAt && w.apiKeyId === keyId);
  let called = 0;
  let sent = 0;
  await Promise.all(
    hooks.map(async (hook) => {
      const now = new Date();
      const call = callFor(hook, story, ref.version, now);
      if (!call) return;
      const d: DeliveryRef = { webhookId: hook.id, reportId: ref.reportId, version: ref.version };
      if (!(await claimSend(d, claim, now.toISOString(), new Date(now.getTime() - SEND_LEASE_MS).toISOString()))) return;
      called++;
      const result = await callWebhook(hook, call.headers, call.body);
      await settleSend(d, result.ok ? 'sent' : 'failed', { status: result.status, attempts: result.attempts, at: new Date().toISOString() });
      if (result.ok) sent++;
      else await deadLetter(d, story.events.find((e) => e.version === ref.version)?.at ?? now.toISOString(), result);
    }),
  );
  return { called, sent };
}

// ── dead letters: the operator's list and replay ────────────────────────────────────────────

export async function webhookDeadLetters(admin: UserRecord, limit: number, cursor?: string) {
  (await rightsOf(admin)).require('city', '只有全市管理员可以查看 webhook 失败记录');
  return listWebhookDeadLetters(limit, cursor);
}

/** Calls each dead-lettered webhook once more, oldest first; a record leaves when its call is done. */
export async function replayWebhooks(admin: UserRecord, limit: number, cursor?: string) {
  (await rightsOf(admin)).require('city', '只有全市管理员可以重发 webhook');
  const page = await listWebhookDeadLetters(limit, cursor);
  const sum = { attempted: 0, sent: 0, failed: 0, gone: 0, cursor: page.cursor };
  for (const d of page.items) {
    const hook = await getWebhook(d.webhookId);
    const story = hook && !hook.deletedAt ? await getReportStory(d.reportId) : null;
    const call = hook && story ? callFor(hook, story, d.version, new Date()) : null;
    if (!hook || !call) {
      await deleteWebhookDeadLetter(d);
      sum.gone++;
      continue;
    }
    const now = new Date();
    if (!(await claimSend(d, `replay-${randomBytes(6).toString('hex')}`, now.toISOString(), new Date(now.getTime() - SEND_LEASE_MS).toISOString()))) {
      await deleteWebhookDeadLetter(d); // sent meanwhile
      sum.gone++;
      continue;
    }
    sum.attempted++;
    const result = await callWebhook(hook, call.headers, call.body, { once: true });
    await settleSend(d, result.ok ? 'sent' : 'failed', { status: result.status, attempts: result.attempts, at: new Date().toISOString() });
    if (result.ok) {
      await deleteWebhookDeadLetter(d);
      sum.sent++;
    } else {
      await deadLetter(d, d.at, result);
      sum.failed++;
    }
  }
  return sum;
}

