/** Report endpoints: parse and authorise, then one call into the flows. */
import { createHash, randomUUID } from 'node:crypto';
import { DomainError, forbidden, invalidInput, notFound } from '#domain/errors';
import { coversPlace, isStaff } from '#domain/roles';
import { isOpen } from '#domain/lifecycle';
import { hiddenFromPublic } from '#domain/moderation';
import { distanceMeters, toWgs84 } from '#geo/datum';
import * as flows from '#flows/reports';
import { areasInForce } from '#flows/areas';
import * as store from '#store/reports';
import * as idem from '#store/idempotency';
import { getUser, type UserRecord } from '#store/users';
import { reportView, summary } from '#http/views';
import { auditEntry, writeAudit } from '#store/audit';
import type { HandlerFn, Result } from '#http/handler';
import type { ActionInput, CreateReportInput } from '#http/schemas';

const NEARBY_METERS = 50;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

async function view(reportId: string, viewer: UserRecord, now = new Date()) {
  const story = await store.getReportStory(reportId);
  if (!story) throw notFound('事项');
  const { tree } = await areasInForce();
  const r = story.report;
  if (isStaff(viewer.role)) {
    if (!coversPlace(viewer, r, tree)) throw forbidden('该事项不在您的管辖范围');
  } else if (!story.members.some((m) => m.userId === viewer.id)) {
    throw forbidden('只能查看自己上报或关注的事项');
  }
  const reporter = isStaff(viewer.role) && r.reporterId && !r.anonymous ? await getUser(r.reporterId) : null;
  const out = await reportView(story, viewer, tree, reporter, now);
  if (out.reporter?.phone) {
    // Staff saw (masked) personal data: on the record, who and when.
    await writeAudit(auditEntry({ at: now.toISOString(), what: 'read_personal', actorId: viewer.id, actorRole: viewer.role, reportId: r.id, detail: 'reporter.phone(masked)', from: null, to: null }));
  }
  return out;
}

/**
 * The assignee may reveal the reporter's full number while the task is open — an explicit,
 * audited act (the masked number is what they normally see).
 */
export const revealPhone: HandlerFn = async ({ user, params }) => {
  const u = user!;
  const r = await store.getReportRecord(params.id);
  if (!r) throw notFound('事项');
  const { tree } = await areasInForce();
  if (!coversPlace(u, r, tree)) throw forbidden('该事项不在您的管辖范围');
  if (r.assignee?.id !== u.id || !isOpen(r.status)) throw forbidden('只有当前处理人在办理期间可以查看联系电话');
  if (r.anonymous) throw forbidden('匿名上报，不提供联系方式');
  const phone = r.caller?.phone ?? (r.reporterId ? (await getUser(r.reporterId))?.phone : null) ?? null;
  if (!phone) throw notFound('联系电话');
  await writeAudit(auditEntry({ at: new Date().toISOString(), what: 'reveal_phone', actorId: u.id, actorRole: u.role, reportId: r.id, detail: 'reporter.phone', from: null, to: null }));
  return { body: { phone } };
};

function checkFiler(user: UserRecord, body: CreateReportInput): void {
  if (user.role === 'resident') {
    if (body.source !== 'app' || body.caller) throw invalidInput('居民上报的来源只能是 app', { field: 'source' });
    if (!user.consentVersion) throw new DomainError('consent_required', '请先阅读并同意隐私政策');
    return;
  }
  // The dispatch centre files on behalf of callers: phone hotline or 110 hand-over.
  if (body.source === 'app') throw invalidInput('调度中心代为上报须注明来源 phone 或 110', { field: 'source' });
  if (!body.caller) throw invalidInput('代为上报须填写来电人姓名和电话', { field: 'caller' });
}

const hashBody = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * POST /v1/reports. With an Idempotency-Key, the first request holds a lock; duplicates wait
 * for its result and answer with the same report. A different body under the same key is 422.
 */
export const create: HandlerFn = async ({ user, body, headers }) => {
  const u = user!;
  const input = body as CreateReportInput;
  checkFiler(u, input);
  const key = headers['idempotency-key'];
  const now = new Date();
  if (key === undefined) {
    const r = await flows.createReport(u, input, now);
    return { status: 201, body: await view(r.id, u, now) };
  }
  if (!IDEMPOTENCY_KEY.test(key)) throw invalidInput('Idempotency-Key 须为 1-128 个可见 ASCII 字符');
  const hash = hashBody(input);
  const owner = randomUUID();
  for (let waited = 0, delay = 25; ; ) {
    const lock = await idem.acquire(u.id, key, hash, owner, new Date());
    if (lock.acquired) break;
    const existing = lock.existing;
    if (existing.bodyHash !== hash) throw new DomainError('idempotency_key_reused', '同一 Idempotency-Key 已用于不同的请求内容');
    if (existing.status === 'done' && existing.response) {
      const stored = existing.response.body as { reportId: string };
      return { status: existing.response.statusCode, body: await view(stored.reportId, u), headers: { 'idempotent-replayed': 'true' } };
    }
    if (waited > 25_000) throw new DomainError('idempotency_in_flight', '相同请求仍在处理中，请稍后重试');
    await sleep(delay);
    waited += delay;
    delay = Math.min(250, delay * 2);
  }
  try {
    const r = await flows.createReport(u, input, now, [], (id) => [
      idem.completeItem(u.id, key, owner, { statusCode: 201, body: { reportId: id } }),
    ]);
    return { status: 201, body: await view(r.id, u, now) };
  } catch (e) {
    await idem.release(u.id, key, owner);
    throw e;
  }
};

export const get: HandlerFn = async ({ user, params }) => ({ body: await view(params.id, user!) });

export const mine: HandlerFn = async ({ user, query }) => {
  const page = await store.reportsOfUser(user!.id, query.limit, query.cursor);
  const { tree } = await areasInForce();
  const now = new Date();
  return { body: { items: page.items.map((r) => summary(r, user!, tree, now)), cursor: page.cursor } };
};

export const nearby: HandlerFn = async ({ user, query }) => {
  const here = toWgs84({ lat: query.lat, lng: query.lng }, query.datum ?? 'gcj02');
  const { tree } = await areasInForce();
  const now = new Date();
  const found = (await store.openReportsNear(query.category, here.lat, here.lng))
    .map((r) => ({ r, d: distanceMeters(here, r.location) }))
    // a report whose text or photos are flagged is not offered to other residents until reviewed
    .filter(({ r, d }) => d <= NEARBY_METERS && isOpen(r.status) && !hiddenFromPublic(r.moderation))
    .sort((a, b) => a.d - b.d);
  return {
    body: {
      items: found.map(({ r, d }) => ({ ...summary(r, user!, tree, now), distanceMeters: Math.round(d), following: false })),
      cursor: null,
    },
  };
};

export const follow: HandlerFn = async ({ user, params }) => {
  const { joined } = await flows.follow(user!, params.id, new Date());
  return { status: joined ? 201 : 200, body: await view(params.id, user!) };
};

export const action: HandlerFn = async ({ user, params, body }) => {
  const input = body as ActionInput;
  const r = await flows.act(user!, params.id, input as flows.ActionInput, new Date());
  return { body: await view(r.id, user!) };
};

export const rate: HandlerFn = async ({ user, params, body }): Promise<Result> => {
  await flows.rate(user!, params.id, body, new Date());
  return { body: await view(params.id, user!) };
};
