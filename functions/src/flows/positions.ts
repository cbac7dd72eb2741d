/**
 * Responders' positions (PRODUCT.md: shared only on duty, only the last kept, gone within 15
 * minutes, read only by the matching service, every read audited). A responder on duty sends
 * their fix at most every 30 s; going off duty removes it at once. The matching service — an
 * assist offer, a recommendation — reads who is near a place, and that read is on the record.
 */
import { DomainError, forbidden } from '#domain/errors';
import { toWgs84, type Datum } from '#geo/datum';
import { POSITION_MIN_INTERVAL_MS, positionExpiresAt, positionLive, type Nearby } from '#domain/responders';
import { auditEntry, writeAudit } from '#store/audit';
import { cellsAround, clearPosition, getPosition, getVolunteer, positionsIn, putPosition, TooSoon } from '#store/responders';
import type { UserRecord } from '#store/users';

export interface Fix {
  lat: number;
  lng: number;
  accuracy: number;
  datum?: Datum | undefined;
}

export async function sharePosition(user: UserRecord, fix: Fix, now: Date): Promise<{ expiresAt: string }> {
  if (user.role !== 'volunteer') throw forbidden('只有群防群治力量在岗时共享位置');
  if (user.duty !== 'on_duty') throw new DomainError('invalid_transition', '请先上岗再共享位置', { duty: user.duty });
  const v = await getVolunteer(user.id);
  if (v?.status !== 'approved') throw forbidden('申请尚未批准');
  const p = { ...toWgs84({ lat: fix.lat, lng: fix.lng }, fix.datum ?? 'gcj02'), accuracy: fix.accuracy, at: now.toISOString() };
  const previous = await getPosition(user.id);
  try {
    await putPosition({ userId: user.id, name: v.name, kind: v.kind, skills: v.skills }, p, previous);
  } catch (e) {
    if (!(e instanceof TooSoon)) throw e;
    const last = (await getPosition(user.id)) ?? previous;
    const wait = last ? Math.max(1, Math.ceil((Date.parse(last.at) + POSITION_MIN_INTERVAL_MS - now.getTime()) / 1000)) : 30;
    throw new DomainError('rate_limited', '位置更新太频繁，每 30 秒最多一次', { retryAfterSeconds: wait });
  }
  return { expiresAt: positionExpiresAt(p) };
}

/** Off duty, withdrawn, or the account gone: the last position goes at once. */
export async function clearPositionOf(userId: string): Promise<void> {
  await clearPosition(userId);
}

/**
 * Responders on duty whose live position lies within `radiusM` of `place` — for the matching
 * service only. The read itself is audited (who read, for which report, how many, how far).
 */
export async function respondersNear(reader: { id: string; role: string }, place: { lat: number; lng: number }, radiusM: number, reportId: string, purpose: 'assist' | 'recommend', now: Date): Promise<Nearby[]> {
  const found = (await positionsIn(cellsAround(place, radiusM))).filter((p) => positionLive(p, now));
  await writeAudit(
    auditEntry({ at: now.toISOString(), what: 'read_personal', actorId: reader.id, actorRole: reader.role, reportId, detail: `responder.positions ${purpose} r=${radiusM} n=${found.length}`, from: null, to: null }),
  );
  return found;
}
