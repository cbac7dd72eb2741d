/**
 * Report workflows: the glue between a parsed request, the domain's decisions and one store
 * transaction. No business rule lives here — only gathering facts, asking the domain, writing.
 */
import { randomBytes } from 'node:crypto';
import { categoryOf, categoryTable, deadlinesFor } from '#domain/categories';
import { DomainError, forbidden, invalidInput, invalidTransition, notFound } from '#domain/errors';
import { decide, isOpen, systemDecision, STEPS, type Command } from '#domain/lifecycle';
import { outboxFor, type Step } from '#domain/outbox';
import { surveyExpired } from '#domain/timers';
import { needsReview, type Moderation } from '#domain/moderation';
import { textVerdict } from '#flows/moderation';
import { queueItem } from '#store/moderation';
import { dispatchCentreOf } from '#flows/supervisors';
import { factsOf, type Caller, type Open311Filing, type PersonRef, type ReportRecord, type Score, type Source, type TimelineEvent } from '#domain/report';
import { ROLE_NAMES, isResidentSide } from '#domain/roles';
import { hiddenFromPublic } from '#domain/moderation';
import { actorOf, rightsIn } from '#flows/rights';
import { limitItem } from '#flows/limits';
import { route, handlerFor } from '#domain/routing';
import { evolve } from '#domain/evolve';
import { areasInForce } from '#flows/areas';
import { place, placeOfBuilding, type Placed } from '#flows/places';
import { tallyItemFor } from '#flows/repeats';
import { staffAround } from '#flows/staff';
import { checkUploads } from '#flows/photos';
import * as reports from '#store/reports';
import { getUser, type UserRecord } from '#store/users';
import type { TxItem } from '#store/tx';
import type { Datum } from '#geo/datum';

const MAX_ATTEMPTS = 6;

export const newReportId = (now: Date): string => {
  // Sortable by day for people reading ids over the phone, random after that.
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `R${day}${randomBytes(5).toString('hex').toUpperCase()}`;
};

export const personOf = (u: Pick<UserRecord, 'id' | 'role' | 'name'>): PersonRef => ({ id: u.id, role: u.role, name: u.name });
export { actorOf };

export interface CreateInput {
  category: string;
  description: string;
  /** the point; may be left out when a building of the register is given */
  location?: { lat: number; lng: number; datum?: Datum | undefined } | undefined;
  /** a building of the register, chosen by the resident: the report is filed in its grid */
  buildingId?: string | undefined;
  unit?: string | undefined;
  floor?: number | undefined;
  address?: string | undefined;
  photos: string[];
  anonymous: boolean;
  source: Source;
  caller?: Caller | undefined;
  safetyAnswer?: 'yes' | 'no' | undefined;
  /** source 'open311': the key that filed it and what the client sent besides (flows/open311) */
  open311?: Open311Filing | undefined;
}

/**
 * Builds and writes a new report, routed. `extra` items (the idempotency completion) commit in
 * the same transaction.
 */
export const createReport = (...args: Parameters<typeof createOnce>): Promise<ReportRecord> => withRetry(() => createOnce(...args));

async function createOnce(
  user: UserRecord,
  input: CreateInput,
  now: Date,
  extra: TxItem[] = [],
  /** items that need the new report's id (the idempotency record's stored response) */
  extraFor?: (reportId: string) => Promise<TxItem[]>,
): Promise<ReportRecord> {
  const category = categoryOf(input.category);
  if (!category) throw invalidInput(`未知类别：${input.category}`, { field: 'category' });
  // the answer that means danger now: a report is not what helps (call first), so none is filed
  const q = category.safetyQuestion;
  if (q && input.safetyAnswer === q.stopWhen) throw new DomainError('emergency_first', q.notice, { call: category.emergency?.call ?? ['119', '110'] });
  const located = await placeToFile(user, input);
  const { tree } = await areasInForce();
  const place = { gridId: located.grid.id, gridName: located.grid.name, beatId: located.beat.id, beatName: located.beat.name };
  const id = newReportId(now);
  // independent reads, side by side: the photos, the staff around the place, WeChat's text check
  const [photos, staff, text] = await Promise.all([
    checkUploads(input.photos, user.id, 'report', id),
    staffAround(tree, place.gridId, place.beatId),
    textVerdict(user, [input.description, input.address].filter(Boolean).join('\n')),
  ]);
  const routing = route(category, place, staff);
  const moderation: Moderation = { text, photos: photos.verdicts, reviewed: null };
  const at = now.toISOString();
  const report: ReportRecord = {
    id,
    version: 1,
    status: 'reported',
    category: category.code,
    description: input.description,
    address: input.address ?? null,
    anonymous: input.anonymous,
    source: input.source,
    location: located.wgs84,
    // written only when there is something to say: every byte is paid again on each step's rewrite
    ...(located.building ? { building: { id: located.building.id, name: located.building.name, label: located.building.label } } : { placeLabel: located.label }),
    ...(input.unit ? { unit: input.unit } : {}),
    ...(input.floor !== undefined ? { floor: input.floor } : {}),
    createdAt: at,
    updatedAt: at,
    ...place,
    areasVersion: tree.version,
    lead: routing.lead,
    assignee: routing.assignee,
    ...deadlinesFor(category, now),
    limits: { acceptHours: category.acceptHours, resolveHours: category.resolveHours },
    ...(categoryTable().version !== 'builtin' ? { categoryVersion: categoryTable().version } : {}),
    reporterId: isResidentSide(user.role) ? user.id : null,
    caller: input.caller ?? null,
    ...(input.open311 ? { open311: input.open311 } : {}),
    photos: photos.refs,
    followerCount: 0,
    reopenCount: 0,
    closeRound: 0,
    rating: null,
    mergedInto: null,
    routing: { mode: located.mode, reason: located.mode === 'nearest' ? `${routing.reason}（位置在网格外 ${located.meters} 米，按最近网格分派）` : routing.reason },
    acceptedAt: null,
    resolvedAt: null,
    closedAt: null,
    moderation,
  };
  const filedBy: PersonRef = isResidentSide(user.role) ? { id: user.id, role: 'resident', name: ROLE_NAMES.resident } : personOf(user);
  const events: TimelineEvent[] = [
    { reportId: id, version: 1, seq: 0, at, action: 'report', from: null, to: 'reported', actor: filedBy, note: null, photoIds: photos.refs.map((p) => p.id) },
    { reportId: id, version: 1, seq: 1, at, action: 'route', from: 'reported', to: 'reported', actor: null, note: routing.reason, photoIds: [] },
  ];
  await reports.createReport({
    report,
    events,
    outbox: { reportId: id, version: 1, at, actorId: user.id, ...outboxFor(STEPS.report, report, { co_notified: routing.notify.map((p) => p.id) }), body: `${category.name}：${located.grid.name}` },
    extra: [
      ...photos.claims,
      ...(needsReview(moderation) ? [queueItem(report)] : []),
      ...(located.building ? [await tallyItemFor(report, located.building, located.lineage.street?.id ?? located.grid.id)] : []),
      ...extra,
      ...((await extraFor?.(id)) ?? []),
    ],
  });
  return report;
}

/**
 * Where a report would be filed, refused (403) when the filer may not file there: staff file
 * for callers only inside their own areas; a resident may report anywhere served.
 */
async function placeToFile(user: UserRecord, input: CreateInput): Promise<Placed> {
  const { location, buildingId } = input;
  let located: Placed;
  if (buildingId) located = await placeOfBuilding(buildingId, location);
  else if (location) located = await place(location, location.datum ?? 'gcj02');
  else throw invalidInput('请给出位置（location）或楼栋（buildingId）', { field: 'location' });
  if (!isResidentSide(user.role)) {
    const { tree } = await areasInForce();
    rightsIn(tree, user).require({ gridId: located.grid.id, beatId: located.beat.id }, '该位置不在您的管辖范围，不能代为上报');
  }
  return located;
}

export async function loadReport(id: string): Promise<ReportRecord> {
  const r = await reports.getReportRecord(id);
  if (!r) throw notFound('事项');
  return r;
}

/**
 * Runs read -> decide -> write until the write lands. A failed condition means someone else got
 * there first — changed the report, claimed the same photo, rated this round — so everything is
 * read and decided again; the second look turns the lost race into the right answer (409, 400).
 */
export async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof reports.ConditionFailed)) throw e;
      if (attempt < MAX_ATTEMPTS) continue;
      throw new DomainError('version_conflict', '事项刚被他人更新，请刷新后重试');
    }
  }
}

export interface ActionInput extends Command {
  expectedVersion?: number | undefined;
}

export async function act(user: UserRecord, reportId: string, cmd: ActionInput, now: Date): Promise<ReportRecord> {
  return withRetry(async () => {
    const before = await loadReport(reportId);
    const { tree } = await areasInForce();
    // Rights first: staff outside the report learn nothing about it, not even its version.
    rightsIn(tree, user).require(before);
    if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== before.version) {
      throw new DomainError('version_conflict', `事项已更新（当前版本 ${before.version}），请刷新后重试`, { version: before.version });
    }
    // the one named (dispatch), read unless it is the actor, whom the request already read
    const target = cmd.action === 'dispatch' && cmd.assigneeId ? (cmd.assigneeId === user.id ? user : await getUser(cmd.assigneeId)) : null;
    const decision = decide(factsOf(before), actorOf(user), cmd, tree, target && { ...target });
    const extra: TxItem[] = [];

    let photos;
    if (decision.transition.requires.includes('photos')) {
      const checked = await checkUploads(cmd.photos ?? [], user.id, 'after', reportId);
      photos = checked.refs;
      extra.push(...checked.claims);
    }
    if (cmd.action === 'merge') extra.push(...(await mergeCheck(user, before, cmd.mergeInto!, tree)));
    let rerouted;
    if (decision.assignee.kind === 'reroute') {
      const category = categoryOf(before.category);
      if (!category) throw invalidInput('类别已停用');
      rerouted = handlerFor(decision.lead, before, await staffAround(tree, before.gridId, before.beatId));
    }
    const { after, events } = evolve({ before, decision, command: cmd, actor: personOf(user), now, target: target && personOf(target), rerouted, photos });
    await reports.commitTransition({
      before,
      after,
      events,
      outbox: { reportId, version: after.version, at: now.toISOString(), actorId: user.id, ...outboxFor(decision.transition, after), body: events[0]!.note ?? '' },
      extra,
    });
    return after;
  });
}

/**
 * The service hands a task to someone else (its holder's account was deactivated or moved):
 * routing picks a handler on the same side, and the timeline says why.
 */
export async function reassign(reportId: string, why: string, now: Date): Promise<ReportRecord> {
  return withRetry(async () => {
    const before = await loadReport(reportId);
    const decision = systemDecision(factsOf(before), 'reassign');
    const { tree } = await areasInForce();
    const routed = handlerFor(decision.lead, before, await staffAround(tree, before.gridId, before.beatId));
    const { after, events } = evolve({
      before,
      decision,
      command: { action: 'reassign', note: why },
      actor: null,
      now,
      rerouted: routed,
    });
    await reports.commitTransition({
      before,
      after,
      events,
      outbox: { reportId, version: after.version, at: now.toISOString(), actorId: null, ...outboxFor(decision.transition, after), body: routed.reason },
    });
    return after;
  });
}

/** Merging into an open duplicate: same category, in the actor's areas, not itself. */
async function mergeCheck(user: UserRecord, before: ReportRecord, intoId: string, tree: Awaited<ReturnType<typeof areasInForce>>['tree']): Promise<TxItem[]> {
  if (intoId === before.id) throw invalidInput('不能合并到自身', { field: 'mergeInto' });
  const into = await reports.getReportRecord(intoId);
  if (!into) throw invalidInput('合并目标不存在', { field: 'mergeInto' });
  if (!isOpen(into.status)) throw invalidInput('合并目标已办结或已关闭', { field: 'mergeInto' });
  if (into.category !== before.category) throw invalidInput('只能合并到同类别的事项', { field: 'mergeInto' });
  rightsIn(tree, user).require(into, '合并目标不在您的管辖范围');
  // The reporter of the merged report follows the surviving one, so they are still surveyed.
  if (!before.reporterId || before.reporterId === into.reporterId) return [];
  const already = await reports.getMember(into.id, before.reporterId);
  return already ? [] : [reports.memberPut({ reportId: into.id, userId: before.reporterId, relation: 'follower', at: new Date().toISOString() }, into.createdAt)];
}

export async function follow(user: UserRecord, reportId: string, now: Date): Promise<{ report: ReportRecord; joined: boolean }> {
  const report = await loadReport(reportId);
  if (report.reporterId === user.id) return { report, joined: false };
  // A report held back by moderation is not offered to others, so it cannot be joined either.
  if (hiddenFromPublic(report.moderation)) throw forbidden('该事项正在审核，暂不能加入');
  if (!isOpen(report.status)) throw invalidTransition('该事项已办结或已关闭，不能再加入');
  const existing = await reports.getMember(reportId, user.id);
  if (existing) return { report, joined: false };
  try {
    await reports.addFollower(report, user.id, now, [await limitItem(user.id, 'follows', now)]);
  } catch (e) {
    // joined a moment ago (the membership row exists now), or the last unit of the limit went
    if (e instanceof reports.ConditionFailed) {
      await limitItem(user.id, 'follows', now);
      return { report: await loadReport(reportId), joined: false };
    }
    throw e;
  }
  return { report: await loadReport(reportId), joined: true };
}

export async function rate(user: UserRecord, reportId: string, input: { score: Score; comment?: string | undefined }, now: Date): Promise<ReportRecord> {
  return withRetry(async () => {
    const before = await loadReport(reportId);
    const isReporter = before.reporterId === user.id;
    if (!isReporter && !(await reports.getMember(reportId, user.id))) throw forbidden('只有上报人和关注者可以评价');
    if (before.status !== 'closed') throw invalidTransition('事项结案后才能评价', { status: before.status });
    if (isReporter && surveyExpired(before)) throw new DomainError('survey_expired', '评价已过期（结案 7 天内未评价）');
    if (await reports.getRating(reportId, before.closeRound, user.id)) throw new DomainError('already_rated', '本轮已评价过');
    const at = now.toISOString();
    const rating = reports.ratingPut({ reportId, userId: user.id, round: before.closeRound, score: input.score, comment: input.comment ?? null, at });
    if (!isReporter) {
      await reports.transactRating(rating);
      return before;
    }
    const reopen = input.score === 'dissatisfied' && before.reopenCount === 0;
    const rated: ReportRecord = { ...before, rating: { score: input.score, comment: input.comment ?? null, at }, ratedRound: before.closeRound };
    const resident: PersonRef = { id: user.id, role: 'resident', name: ROLE_NAMES.resident };
    if (reopen) {
      const { tree } = await areasInForce();
      const decision = decide(factsOf(before), actorOf(user), { action: 'reopen' }, tree);
      const { after, events } = evolve({ before: rated, decision, command: { action: 'reopen', note: input.comment ?? '居民不满意，退回重办' }, actor: resident, now });
      await reports.commitTransition({
        before,
        after,
        events,
        outbox: { reportId, version: after.version, at, actorId: user.id, ...outboxFor(decision.transition, after), body: input.comment ?? '' },
        extra: [rating],
      });
      return after;
    }
    const after: ReportRecord = { ...rated, version: before.version + 1, updatedAt: at };
    const events: TimelineEvent[] = [
      { reportId, version: after.version, seq: 0, at, action: 'rate', from: 'closed', to: 'closed', actor: resident, note: input.comment ?? null, photoIds: [] },
    ];
    let step: Step = STEPS.rate;
    let centre: string[] = [];
    // Dissatisfied again after the one rework: the dispatch centre takes it up.
    if (input.score === 'dissatisfied') {
      step = systemDecision(factsOf(before), 'escalate').transition;
      const { tree } = await areasInForce();
      centre = await dispatchCentreOf(tree, before);
      events.push({ reportId, version: after.version, seq: 1, at, action: 'escalate', from: 'closed', to: 'closed', actor: null, note: '居民再次不满意，升级至网格化服务管理中心', photoIds: [] });
    }
    await reports.commitTransition({
      before,
      after,
      events,
      outbox: { reportId, version: after.version, at, actorId: user.id, ...outboxFor(step, after, { escalation: centre }), body: input.score },
      extra: [rating],
    });
    return after;
  });
}
