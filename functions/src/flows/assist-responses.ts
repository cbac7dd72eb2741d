/**
 * The assist loop after the offer: a responder accepts (the first `count` win; the others get
 * 409 `assist_taken` and "已有人接单" in their inbox), declines, arrives (checked against the
 * place) and is done; the requester rates each responder's help, which appends its points to
 * the responder's ledger. Each step is one transaction with its timeline step (and the outbox
 * row telling the other side), conditioned on the states it was decided from.
 */
import { DomainError, forbidden, invalidInput, notFound } from '#domain/errors';
import { arrivedAt, earnings, KIND_NAMES } from '#domain/responders';
import type { AssistRecord, AssistStep, OfferRecord } from '#domain/assists';
import type { PersonRef } from '#domain/report';
import { checkUploads } from '#flows/photos';
import { toWgs84, type Datum } from '#geo/datum';
import { assistPut, getAssist, offerPut, pointsPut, stepPut, type StepOutbox } from '#store/assists';
import { getReportRecord } from '#store/reports';
import { ConditionFailed, transact, type TxItem } from '#store/tx';
import type { UserRecord } from '#store/users';

const taken = () => new DomainError('assist_taken', '已有人接单', {});
const ATTEMPTS = 4;

interface Loaded {
  assist: AssistRecord;
  offers: OfferRecord[];
  mine: OfferRecord;
  status: string;
}

/** The assist, the caller's own offer (none: 403, as for an assist that does not exist to them) and the report's status. */
async function loadMine(user: UserRecord, assistId: string): Promise<Loaded> {
  const found = await getAssist(assistId);
  const mine = found?.offers.find((o) => o.userId === user.id);
  if (!found || !mine) throw forbidden('没有向您发出该协助请求');
  const report = await getReportRecord(found.assist.reportId);
  return { ...found, mine, status: report?.status ?? 'closed' };
}

const me = (u: UserRecord, o: OfferRecord): PersonRef => ({ id: u.id, role: u.role, name: o.name });

function step(l: Loaded, kind: AssistStep['step'], actor: PersonRef, at: Date, extra: Partial<AssistStep> = {}): AssistStep {
  return { reportId: l.assist.reportId, assistId: l.assist.id, at: at.toISOString(), step: kind, status: l.status, actor, gridId: l.assist.gridId, kind: l.mine.kind, note: null, ...extra };
}

const toRequester = (l: Loaded, kind: string, title: string): StepOutbox => ({ kind, title, body: l.assist.place.label, to: [{ userId: l.assist.requester.id, reason: 'assist_update' }] });

/** Runs `decide` on fresh reads until its writes commit (a condition failing means someone moved first). */
async function retrying<T>(decide: () => Promise<{ writes: TxItem[]; result: T }>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const { writes, result } = await decide();
    if (writes.length === 0) return result;
    try {
      await transact(writes);
      return result;
    } catch (e) {
      if (!(e instanceof ConditionFailed) || attempt >= ATTEMPTS) throw e;
    }
  }
}

const seconds = (from: string, to: Date) => Math.max(0, Math.round((to.getTime() - Date.parse(from)) / 1000));

export async function acceptOffer(user: UserRecord, assistId: string, now: Date): Promise<OfferRecord> {
  return retrying(async () => {
    const l = await loadMine(user, assistId);
    const { assist: a, mine } = l;
    if (mine.state === 'accepted' || mine.state === 'arrived') return { writes: [], result: mine }; // a second tap
    if (mine.state === 'declined') throw new DomainError('invalid_transition', '您已婉拒该协助请求', { state: mine.state });
    if (mine.state === 'expired' || a.state === 'unanswered') throw new DomainError('assist_taken', '该协助请求已结束', { state: a.state });
    if (mine.state !== 'offered' || a.state !== 'open' || a.accepted >= a.count) throw taken();
    const filled = a.accepted + 1 >= a.count;
    const after: AssistRecord = { ...a, accepted: a.accepted + 1, ...(filled ? { state: 'filled' as const, widenAt: null } : {}), version: a.version + 1 };
    const accepted: OfferRecord = { ...mine, state: 'accepted', acceptedAt: now.toISOString() };
    const others = filled ? l.offers.filter((o) => o.userId !== user.id && o.state === 'offered') : [];
    const outbox: StepOutbox = {
      ...toRequester(l, 'assist.accepted', `${KIND_NAMES[mine.kind]} ${mine.name} 已接单（距离 ${mine.distanceM} 米）`),
    };
    outbox.to.push(...others.map((o) => ({ userId: o.userId, reason: 'assist_taken' })));
    if (others.length) outbox.titles = Object.fromEntries(others.map((o) => [o.userId, '已有人接单']));
    return {
      writes: [
        assistPut(after, a),
        offerPut(accepted, mine),
        ...others.map((o) => offerPut({ ...o, state: 'taken' }, o)),
        stepPut(step(l, 'accepted', me(user, mine), now, { seconds: seconds(a.createdAt, now) }), user.id, outbox),
      ],
      result: accepted,
    };
  });
}

export async function declineOffer(user: UserRecord, assistId: string, reason: string | undefined, now: Date): Promise<OfferRecord> {
  return retrying(async () => {
    const l = await loadMine(user, assistId);
    const { assist: a, mine } = l;
    if (mine.state === 'declined') return { writes: [], result: mine };
    if (mine.state !== 'offered') throw new DomainError('invalid_transition', '该协助请求已不在待接单状态', { state: mine.state });
    const declined: OfferRecord = { ...mine, state: 'declined', note: reason ?? null };
    // everyone of the round said no: the round is over now, not in 3 minutes
    const roundOver = a.state === 'open' && l.offers.every((o) => o.userId === user.id || o.round !== a.round || o.state !== 'offered');
    const writes: TxItem[] = [offerPut(declined, mine), stepPut(step(l, 'declined', me(user, mine), now, { note: reason ?? null }), user.id, null)];
    if (roundOver) writes.push(assistPut({ ...a, widenAt: now.toISOString(), version: a.version + 1 }, a));
    return { writes, result: declined };
  });
}

export interface ArrivalFix {
  lat: number;
  lng: number;
  accuracy: number;
  /** what the phone gave (default GCJ-02, WeChat's); the place is stored in WGS-84 */
  datum?: Datum | undefined;
}

export async function arriveOffer(user: UserRecord, assistId: string, fix: ArrivalFix, now: Date): Promise<OfferRecord> {
  return retrying(async () => {
    const l = await loadMine(user, assistId);
    const { assist: a, mine } = l;
    if (mine.state === 'arrived') return { writes: [], result: mine };
    if (mine.state !== 'accepted') throw new DomainError('invalid_transition', '请先接单', { state: mine.state });
    const at = arrivedAt(a.place, { ...toWgs84(fix, fix.datum ?? 'gcj02'), accuracy: fix.accuracy });
    if (!at.ok) throw invalidInput(`距离现场 ${at.distanceM} 米，到达 200 米内再点“已到场”`, { field: 'position', distanceM: at.distanceM, maxM: 200 });
    const arrived: OfferRecord = { ...mine, state: 'arrived', arrivedAt: now.toISOString() };
    const outbox = toRequester(l, 'assist.arrived', `${KIND_NAMES[mine.kind]} ${mine.name} 已到场`);
    return { writes: [offerPut(arrived, mine), stepPut(step(l, 'arrived', me(user, mine), now, { seconds: seconds(a.createdAt, now) }), user.id, outbox)], result: arrived };
  });
}

export async function finishOffer(user: UserRecord, assistId: string, input: { note?: string | undefined; photoId?: string | undefined }, now: Date): Promise<OfferRecord> {
  return retrying(async () => {
    const l = await loadMine(user, assistId);
    const { mine } = l;
    if (mine.state === 'done' || mine.state === 'rated') return { writes: [], result: mine };
    if (mine.state !== 'arrived') throw new DomainError('invalid_transition', '请先到场再点“协助完成”', { state: mine.state });
    const photo = input.photoId ? await checkUploads([input.photoId], user.id, 'after', assistId) : null;
    const done: OfferRecord = { ...mine, state: 'done', doneAt: now.toISOString(), note: input.note ?? null, photoId: input.photoId ?? null };
    const outbox = toRequester(l, 'assist.done', `${KIND_NAMES[mine.kind]} ${mine.name} 协助完成，请评价`);
    return { writes: [offerPut(done, mine), ...(photo?.claims ?? []), stepPut(step(l, 'done', me(user, mine), now, { note: input.note ?? null }), user.id, outbox)], result: done };
  });
}

/** The requester rates one responder's help; a done assist rated once earns its points. */
export async function rateOffer(user: UserRecord, assistId: string, input: { score: number; comment?: string | undefined; volunteerId?: string | undefined }, now: Date): Promise<OfferRecord> {
  const found = await getAssist(assistId);
  if (!found) throw notFound('协助请求');
  if (found.assist.requester.id !== user.id) throw forbidden('只有发起协助请求的人可以评价');
  const done = found.offers.filter((o) => o.state === 'done' || o.state === 'rated');
  const target = input.volunteerId ? done.find((o) => o.userId === input.volunteerId) : done.length === 1 ? done[0] : undefined;
  if (!target) {
    throw invalidInput(input.volunteerId ? '该协助者尚未完成协助' : done.length === 0 ? '还没有人完成协助' : '请指明评价哪一位协助者（volunteerId）', { field: 'volunteerId', done: done.map((o) => o.userId) });
  }
  if (target.state === 'rated') throw new DomainError('already_rated', '已经评价过该协助者');
  const rated: OfferRecord = { ...target, state: 'rated', rating: { score: input.score, comment: input.comment ?? null, at: now.toISOString() } };
  const earned = earnings(input.score, target.acceptedAt ?? target.offeredAt, target.doneAt ?? now.toISOString());
  const report = await getReportRecord(found.assist.reportId);
  const l: Loaded = { ...found, mine: target, status: report?.status ?? 'closed' };
  const outbox: StepOutbox = { kind: 'assist.rated', title: `协助获评 ${input.score} 星，积分 +${earned.points}`, body: found.assist.place.label, to: [{ userId: target.userId, reason: 'assist_rated' }] };
  try {
    await transact([
      offerPut(rated, target),
      pointsPut({ userId: target.userId, at: now.toISOString(), assistId, reportId: found.assist.reportId, points: earned.points, hours: earned.hours, reason: `协助评价 ${input.score} 星` }),
      stepPut({ ...step(l, 'rated', { id: user.id, role: user.role, name: user.name }, now, { score: input.score, note: input.comment ?? null }) }, target.userId, outbox),
    ]);
  } catch (e) {
    if (e instanceof ConditionFailed) throw new DomainError('already_rated', '已经评价过该协助者');
    throw e;
  }
  return rated;
}
