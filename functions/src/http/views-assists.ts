/**
 * What each side sees of an assist. A responder: their offer — the need, the category, the place
 * at building level (GCJ-02 for the map), their distance, and only the photos the requester
 * attached; nothing of who reported. The requester and the report's staff: every offer with the
 * responder's kind, name, state, times and rating.
 */
import { categoryOf } from '#domain/categories';
import { KIND_NAMES } from '#domain/responders';
import type { AssistRecord, OfferRecord } from '#domain/assists';
import { fromWgs84 } from '#geo/datum';
import { photoLinks } from '#flows/photos';

const gcj = (p: { lat: number; lng: number }) => ({ ...fromWgs84(p, 'gcj02'), datum: 'gcj02' as const });

export async function offerView(o: OfferRecord, a: Pick<AssistRecord, 'state' | 'count' | 'accepted'> | null, now: Date) {
  return {
    id: o.assistId,
    state: o.state,
    kind: o.kind,
    kindName: KIND_NAMES[o.kind],
    need: o.brief.need,
    category: o.brief.category,
    categoryName: categoryOf(o.brief.category)?.name ?? o.brief.category,
    placeLabel: o.brief.placeLabel,
    location: gcj(o.brief),
    distanceM: o.distanceM,
    requester: o.brief.requesterName,
    photos: await photoLinks(o.brief.photoIds.map((id) => ({ id, kind: 'report' as const })), now),
    offeredAt: o.offeredAt,
    acceptedAt: o.acceptedAt,
    arrivedAt: o.arrivedAt,
    doneAt: o.doneAt,
    note: o.note,
    rating: o.rating,
    ...(a ? { assist: { state: a.state, count: a.count, accepted: a.accepted } } : {}),
  };
}

export async function assistView(a: AssistRecord, offers: readonly OfferRecord[], now: Date) {
  return {
    id: a.id,
    reportId: a.reportId,
    state: a.state,
    need: a.need,
    skills: a.skills,
    count: a.count,
    accepted: a.accepted,
    round: a.round,
    radiusM: a.radiusM,
    widenAt: a.widenAt,
    requester: { role: a.requester.role, name: a.requester.name },
    createdAt: a.createdAt,
    offers: await Promise.all(
      offers.map(async (o) => ({
        volunteerId: o.userId,
        kind: o.kind,
        kindName: KIND_NAMES[o.kind],
        name: o.name,
        state: o.state,
        round: o.round,
        distanceM: o.distanceM,
        offeredAt: o.offeredAt,
        acceptedAt: o.acceptedAt,
        arrivedAt: o.arrivedAt,
        doneAt: o.doneAt,
        note: o.note,
        photos: o.photoId ? await photoLinks([{ id: o.photoId, kind: 'after' }], now) : [],
        rating: o.rating,
      })),
    ),
  };
}
