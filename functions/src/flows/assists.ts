/**
 * Asking for hands on site (协助请求): the holder of a report, the staff supervising it, or the
 * centre asks; the offer goes point-to-point to the nearest on-duty responders with the needed
 * skills (inbox + subscribe message, through the report's outbox on the step); if nobody
 * accepts within 3 minutes — or everyone offered declined — the next round widens (1 km, then
 * the next N) and the requester is told; after the last round the requester hears nobody came.
 *
 * A round is one transaction: the assist (conditioned on the version decided from), the new
 * offers, each responder's daily offer count (conditioned on the cap), and the step with its
 * outbox row. A race (two widen runs, an accept meanwhile, a responder's cap filling) fails a
 * condition; the round is decided again from a fresh read.
 */
import { randomBytes } from 'node:crypto';
import { DomainError, forbidden, invalidInput, notFound } from '#domain/errors';
import { isOpen } from '#domain/lifecycle';
import { placeLabelOf, type PersonRef, type ReportRecord } from '#domain/report';
import { chinaDay } from '#domain/kpi';
import { ASSIST_DEFAULTS, KIND_NAMES, OFFER_ROUNDS, OFFER_WAIT_MS, nearestResponders, roundRadius, type Ranked, type Skill } from '#domain/responders';
import type { AssistRecord, AssistStep, OfferRecord } from '#domain/assists';
import { ROLE_NAMES } from '#domain/roles';
import { logger } from '#log';
import { rightsOf } from '#flows/rights';
import { respondersNear } from '#flows/positions';
import { responderSettings } from '#flows/responder-settings';
import { assistPut, dueToWiden, getAssist, offerCountItem, offerPut, offersToday, stepPut, type StepOutbox } from '#store/assists';
import { getReportRecord } from '#store/reports';
import { getUsers, type UserRecord } from '#store/users';
import { ConditionFailed, transact, type TxItem } from '#store/tx';

export interface AssistAsk {
  need: string;
  skills?: Skill[] | undefined;
  count?: number | undefined;
  radiusM?: number | undefined;
  /** offer the first round to these responders (a recommendation the requester followed) */
  to?: string[] | undefined;
  recommendation?: string | undefined;
  /** the report's photos to show responders (none by default: photos may show people) */
  photoIds?: string[] | undefined;
}

/** How many each round offers: the 3 nearest (GoodSAM's anchor), or more when more hands are asked for. */
export const perRound = (count: number) => Math.max(ASSIST_DEFAULTS.count, count);

const personOf = (u: UserRecord): PersonRef => ({ id: u.id, role: u.role, name: u.name });
const SERVICE_ROLES = new Set(['grid_leader', 'police_officer', 'dispatcher', 'admin']);

/** Who may ask for help on a report: its holder, or staff above it in its areas (supervising it, or the centre). */
export async function mayRequest(user: UserRecord, r: ReportRecord): Promise<boolean> {
  const rights = await rightsOf(user);
  if (!rights.may(r)) return false;
  return r.assignee?.id === user.id || SERVICE_ROLES.has(user.role);
}

function communityOfGrid(tree: Awaited<ReturnType<typeof rightsOf>>['tree'], gridId: string): string | null {
  return tree.ancestors(gridId).find((a) => a.level === 'community')?.id ?? null;
}

/** Who reads positions, for the audit entry: a requester, or the widening run. */
type Reader = { id: string; role: string };
const SERVICE: Reader = { id: 'system', role: 'system' };

interface Picked {
  /** nearest first, each with the name they gave their community (else their account's) */
  ranked: Ranked[];
}

/**
 * The responders a round goes to: live positions within the radius (an audited read), ranked by
 * distance first; then, nearest first and a few at a time, those on duty now (the profile, not
 * only the position) and under today's cap — so a dense city reads the profiles of the few it
 * offers, not of everyone in the cells. Not offered this assist before.
 */
async function pick(reader: Reader, a: AssistRecord, radiusM: number, n: number, only: readonly string[] | null, now: Date): Promise<Picked> {
  const near = await respondersNear(reader, a.place, radiusM, a.reportId, 'assist', now);
  const pool = only ? near.filter((x) => only.includes(x.userId)) : near;
  const byDistance = nearestResponders(a.place, pool, { skills: a.skills, radiusM, n: Infinity, exclude: new Set(a.offered) }, now);
  const cap = (await responderSettings()).offersPerDay;
  const day = chinaDay(now.toISOString());
  const ranked: Ranked[] = [];
  const chunk = Math.max(2 * n, 8);
  for (let i = 0; i < byDistance.length && ranked.length < n; i += chunk) {
    const next = byDistance.slice(i, i + chunk);
    const ids = next.map((x) => x.userId);
    const [users, today] = await Promise.all([getUsers(ids), offersToday(ids, day)]);
    for (const x of next) {
      const u = users.get(x.userId);
      if (ranked.length >= n || u?.role !== 'volunteer' || !u.active || u.duty !== 'on_duty' || (today.get(x.userId) ?? 0) >= cap) continue;
      ranked.push({ ...x, name: x.name || u.name });
    }
  }
  return { ranked };
}

const offerTitle = (a: AssistRecord) => `协助请求：${a.need.slice(0, 16)}`;

function offersFor(a: AssistRecord, round: number, picked: Picked, now: Date): OfferRecord[] {
  return picked.ranked.map((r) => ({
    assistId: a.id,
    reportId: a.reportId,
    userId: r.userId,
    kind: r.kind,
    name: r.name || KIND_NAMES[r.kind],
    state: 'offered',
    round,
    distanceM: r.distanceM,
    brief: { need: a.need, category: a.category, placeLabel: a.place.label, lat: a.place.lat, lng: a.place.lng, photoIds: a.photoIds, requesterName: `${ROLE_NAMES[a.requester.role]} ${a.requester.name}` },
    offeredAt: now.toISOString(),
    acceptedAt: null,
    arrivedAt: null,
    doneAt: null,
    note: null,
    photoId: null,
    rating: null,
  }));
}

function kindsOf(offers: readonly OfferRecord[]): AssistStep['offeredKinds'] {
  const out: NonNullable<AssistStep['offeredKinds']> = {};
  for (const o of offers) out[o.kind] = (out[o.kind] ?? 0) + 1;
  return out;
}

/** One round's writes: the assist after it, its offers and counts, and its step with the outbox. */
function roundWrites(before: AssistRecord | null, after: AssistRecord, offers: OfferRecord[], step: AssistStep, requesterTitle: string | null, cap: number, now: Date): TxItem[] {
  const day = chinaDay(now.toISOString());
  const outbox: StepOutbox = {
    kind: step.step === 'unanswered' ? 'assist.unanswered' : 'assist.offer',
    title: offerTitle(after),
    body: after.place.label,
    to: [...offers.map((o) => ({ userId: o.userId, reason: 'assist' })), ...(requesterTitle ? [{ userId: after.requester.id, reason: 'assist_update' }] : [])],
    ...(requesterTitle ? { titles: { [after.requester.id]: requesterTitle } } : {}),
  };
  return [
    assistPut(after, before),
    ...offers.map((o) => offerPut(o, null)),
    ...offers.map((o) => offerCountItem(o.userId, day, cap)),
    stepPut(step, String(after.round), outbox),
  ];
}

const stepOf = (a: AssistRecord, r: ReportRecord, kind: AssistStep['step'], actor: PersonRef | null, offers: readonly OfferRecord[], now: Date, extra: Partial<AssistStep> = {}): AssistStep => ({
  reportId: a.reportId,
  assistId: a.id,
  at: now.toISOString(),
  step: kind,
  status: r.status,
  actor,
  gridId: r.gridId,
  kind: null,
  offeredKinds: kindsOf(offers),
  radiusM: roundRadius(a.radiusM, a.round),
  note: kind === 'requested' ? a.need : null,
  ...extra,
});

/** An assist that ended unanswered: offers still waiting leave the responders' lists. */
const expire = (offers: readonly OfferRecord[]): TxItem[] => offers.filter((o) => o.state === 'offered').map((o) => offerPut({ ...o, state: 'expired' }, o));

export interface AssistOutcome {
  assist: AssistRecord;
  offers: OfferRecord[];
}

/**
 * Rounds from `before`'s next one until someone is offered or the rounds run out (a round
 * that finds nobody goes straight on to the wider one). Returns the assist as written.
 */
async function runRounds(reader: Reader, report: ReportRecord, before: AssistRecord, offersSoFar: readonly OfferRecord[], fromRound: number, only: readonly string[] | null, requested: AssistStep | null, now: Date): Promise<AssistOutcome> {
  const cap = (await responderSettings()).offersPerDay;
  const n = perRound(before.count);
  const isNew = before.version === 0;
  for (let round = fromRound; ; round++) {
    const radiusM = roundRadius(before.radiusM, round);
    const picked = round > OFFER_ROUNDS ? null : await pick(reader, { ...before, round }, radiusM, n, round === 1 ? only : null, now);
    if (picked && picked.ranked.length === 0 && round < OFFER_ROUNDS) continue;
    if (!picked || picked.ranked.length === 0) {
      // nobody new within the last round: the assist ends unanswered, and the requester is told
      const after: AssistRecord = { ...before, round: Math.min(round, OFFER_ROUNDS), state: 'unanswered', widenAt: null, version: before.version + 1 };
      const step = stepOf(after, report, 'unanswered', null, [], now, { note: '暂无人接单' });
      const writes = [...roundWrites(isNew ? null : before, after, [], step, '暂无群防群治力量接单，请另行安排', cap, now), ...expire(offersSoFar)];
      if (requested) writes.push(stepPut({ ...requested, offeredKinds: {} }, '1', null));
      await transact(writes);
      return { assist: after, offers: [] };
    }
    const offers = offersFor(before, round, picked, now);
    const after: AssistRecord = {
      ...before,
      round,
      offered: [...before.offered, ...offers.map((o) => o.userId)],
      widenAt: new Date(now.getTime() + OFFER_WAIT_MS).toISOString(),
      version: before.version + 1,
    };
    // the first round is the request itself (the requester has the answer); later ones tell them
    const step = requested ? { ...requested, offeredKinds: kindsOf(offers), radiusM } : stepOf(after, report, 'widened', null, offers, now);
    const requesterNote = requested ? null : `无人接单，已扩大到 ${radiusM} 米，再通知 ${offers.length} 人`;
    await transact(roundWrites(isNew ? null : before, after, offers, step, requesterNote, cap, now));
    return { assist: after, offers };
  }
}

export async function requestAssist(user: UserRecord, reportId: string, ask: AssistAsk, now: Date): Promise<AssistOutcome> {
  const report = await getReportRecord(reportId);
  if (!report) throw notFound('事项');
  if (!(await mayRequest(user, report))) throw forbidden('只有办理人、上级或中心可以请求协助');
  if (!isOpen(report.status)) throw new DomainError('invalid_transition', '事项已办结，不能再请求协助', { status: report.status });
  const photoIds = ask.photoIds ?? [];
  const known = new Set(report.photos.map((p) => p.id));
  const unknown = photoIds.filter((id) => !known.has(id));
  if (unknown.length) throw invalidInput('只能附上该事项的照片', { field: 'photoIds', photoIds: unknown });
  const count = ask.count ?? 1;
  const radiusM = ask.radiusM ?? ASSIST_DEFAULTS.radiusM;
  const { tree } = await rightsOf(user);
  const draft: AssistRecord = {
    id: `as-${randomBytes(8).toString('hex')}`,
    reportId,
    requester: personOf(user),
    need: ask.need,
    skills: [...new Set(ask.skills ?? [])],
    count,
    radiusM,
    place: { lat: report.location.lat, lng: report.location.lng, label: placeLabelOf(report) },
    gridId: report.gridId,
    communityId: communityOfGrid(tree, report.gridId),
    category: report.category,
    photoIds,
    state: 'open',
    round: 0,
    accepted: 0,
    offered: [],
    widenAt: null,
    createdAt: now.toISOString(),
    version: 0,
  };
  const requested = stepOf({ ...draft, round: 1 }, report, 'requested', personOf(user), [], now, { recommendation: ask.recommendation ?? null });
  for (let attempt = 1; ; attempt++) {
    try {
      return await runRounds(user, report, draft, [], 1, ask.to?.length ? ask.to : null, requested, now);
    } catch (e) {
      // a responder's cap filled between the read and the write (another offer took their last
      // one): decide the round again from a fresh read
      if (!(e instanceof ConditionFailed) || attempt >= 3) throw e;
    }
  }
}

/** The widening run (every minute): open assists whose round is over and still short of hands. */
export async function widenDue(now: Date): Promise<{ widened: number; failed: number }> {
  let widened = 0;
  let failed = 0;
  const HOUR = 3_600_000;
  const seen = new Set<string>();
  // the last 3 hours' buckets: an open assist past its time stays in the index until a run takes it
  for (let h = 3; h >= 0; h--) {
    const hour = new Date(Math.floor(now.getTime() / HOUR) * HOUR - h * HOUR).toISOString();
    for (const id of await dueToWiden(hour, now.toISOString())) {
      if (seen.has(id)) continue;
      seen.add(id);
      try {
        if (await widenOne(id, now)) widened++;
      } catch (e) {
        failed++;
        logger.error('assist widening failed; the next run tries again', { assistId: id, error: e as Error });
      }
    }
  }
  return { widened, failed };
}

/** Widens one assist if it is still due; false when someone else did, or it filled meanwhile. */
export async function widenOne(assistId: string, now: Date): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await getAssist(assistId);
    if (!found) return false;
    const a = found.assist;
    if (a.state !== 'open' || !a.widenAt || Date.parse(a.widenAt) > now.getTime() || a.accepted >= a.count) return false;
    const report = await getReportRecord(a.reportId);
    if (!report) return false;
    try {
      if (!isOpen(report.status)) {
        // the report ended meanwhile: no more rounds, and nobody is told
        const after: AssistRecord = { ...a, state: 'unanswered', widenAt: null, version: a.version + 1 };
        await transact([assistPut(after, a), ...expire(found.offers)]);
        return false;
      }
      await runRounds(SERVICE, report, a, found.offers, a.round + 1, null, null, now);
      return true;
    } catch (e) {
      if (!(e instanceof ConditionFailed)) throw e;
    }
  }
  return false;
}
