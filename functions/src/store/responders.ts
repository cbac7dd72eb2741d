/**
 * Community responders in the table: their standing with a community (Volunteer), their last
 * position (a pointer beside the profile, and one item in its geohash cell so "who is near" is
 * a Query of the cells a radius meets), and the matching settings. Keys: store/entities/responders.
 *
 * A position is written with a condition on the last one's time (at most one per 30 s), and the
 * cell item of the last position is deleted in the same transaction: only the last is ever kept.
 * TTL removes what nobody cleared (DynamoDB deletes expired items within days, not at once), so
 * every reader also checks the time.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import ngeohash from 'ngeohash';
import { doc } from '#store/clients';
import { PositionCell, PositionPointer, ResponderSettings, Volunteer, indexQuery, withoutKeys } from '#store/keys';
import { queryAll } from '#store/query';
import { transact, versionedPut, ConditionFailed, type TxItem } from '#store/tx';
import { config } from '#config';
import { POSITION_CELL_PRECISION, POSITION_MIN_INTERVAL_MS, POSITION_TTL_MS, type Nearby, type Position, type ResponderKind, type Skill, type VolunteerRecord, type VolunteerStatus } from '#domain/responders';

const table = () => config.tableName;
const ttlOf = (iso: string, ms: number) => Math.floor((Date.parse(iso) + ms) / 1000);

// ── standing with a community ─────────────────────────────────────────────────────────────────

function volunteerItem(v: VolunteerRecord) {
  return { ...Volunteer.key({ uid: v.userId }), type: 'volunteer', ...Volunteer.index('volunteersOfCommunity', { communityId: v.communityId, status: v.status, appliedAt: v.appliedAt }), ...v };
}

const asVolunteer = (item: Record<string, unknown> | undefined): VolunteerRecord | null => {
  if (!item) return null;
  const { type: _t, ...rest } = withoutKeys(item);
  return rest as unknown as VolunteerRecord;
};

export async function getVolunteer(userId: string): Promise<VolunteerRecord | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: Volunteer.key({ uid: userId }), ConsistentRead: true }));
  return asVolunteer(out.Item);
}

/**
 * Writes the record as the next version of `before` (null: a first application). The condition
 * is the version read, so two leaders deciding at once, or an applicant re-applying while a
 * decision is made, cannot both win.
 */
export const volunteerPut = (after: VolunteerRecord, before: VolunteerRecord | null): TxItem => versionedPut(table(), volunteerItem(after), before?.version ?? null);

export async function volunteersOf(communityId: string, status: VolunteerStatus): Promise<VolunteerRecord[]> {
  const items = await queryAll({ TableName: table(), ...indexQuery(Volunteer.partition('volunteersOfCommunity', { communityId, status })) });
  return items.map((i) => asVolunteer(i)!);
}

// ── positions ─────────────────────────────────────────────────────────────────────────────────

interface StoredPosition extends Position {
  cell: string;
}

export const cellOf = (p: { lat: number; lng: number }): string => ngeohash.encode(p.lat, p.lng, POSITION_CELL_PRECISION);

/** The cells (precision 6) a circle's bounding box meets: the cells a radius query reads. */
export function cellsAround(p: { lat: number; lng: number }, radiusM: number): string[] {
  // metres per degree on the haversine's sphere (geo/datum), less a margin, and a metre more
  // than the radius: the box holds every point the ranking (rounded metres) counts as inside
  const perDegree = 111_000;
  const r = radiusM + 1;
  const dLat = r / perDegree;
  const dLng = r / (perDegree * Math.cos((p.lat * Math.PI) / 180));
  return ngeohash.bboxes(p.lat - dLat, p.lng - dLng, p.lat + dLat, p.lng + dLng, POSITION_CELL_PRECISION);
}

export async function getPosition(userId: string): Promise<StoredPosition | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: PositionPointer.key({ uid: userId }), ConsistentRead: true }));
  if (!out.Item) return null;
  const { lat, lng, accuracy, at, cell } = out.Item as StoredPosition;
  return { lat, lng, accuracy, at, cell };
}

export class TooSoon extends Error {}

/**
 * The responder's new last position. Fails with TooSoon when the last one is under 30 s old;
 * the old cell's item goes in the same transaction.
 */
export async function putPosition(who: { userId: string; name: string; kind: ResponderKind; skills: Skill[] }, p: Position, previous: StoredPosition | null): Promise<void> {
  if (previous && Date.parse(p.at) - Date.parse(previous.at) < POSITION_MIN_INTERVAL_MS) throw new TooSoon();
  const cell = cellOf(p);
  const ttl = ttlOf(p.at, POSITION_TTL_MS);
  const items: TxItem[] = [
    {
      Put: {
        TableName: table(),
        Item: { ...PositionPointer.key({ uid: who.userId }), type: 'position', ...p, cell, ttl },
        ConditionExpression: previous ? '#at = :prev' : 'attribute_not_exists(PK)',
        ...(previous ? { ExpressionAttributeNames: { '#at': 'at' }, ExpressionAttributeValues: { ':prev': previous.at } } : {}),
      },
    },
    { Put: { TableName: table(), Item: { ...PositionCell.key({ geohash6: cell, uid: who.userId }), type: 'near', userId: who.userId, name: who.name, lat: p.lat, lng: p.lng, kind: who.kind, skills: who.skills, at: p.at, ttl } } },
  ];
  if (previous && previous.cell !== cell) items.push({ Delete: { TableName: table(), Key: PositionCell.key({ geohash6: previous.cell, uid: who.userId }) } });
  try {
    await transact(items);
  } catch (e) {
    // another update landed between our read and write: it is the newer one, and ours is too soon
    if (e instanceof ConditionFailed && e.index === 0) throw new TooSoon();
    throw e;
  }
}

/** Off duty, or the account changed: the position is gone at once (pointer and cell). */
export async function clearPosition(userId: string): Promise<boolean> {
  const p = await getPosition(userId);
  if (!p) return false;
  await transact([
    { Delete: { TableName: table(), Key: PositionPointer.key({ uid: userId }) } },
    { Delete: { TableName: table(), Key: PositionCell.key({ geohash6: p.cell, uid: userId }) } },
  ]);
  return true;
}

/** Responders whose last position lies in one of `cells` (expired ones included: the caller checks the time). */
export async function positionsIn(cells: readonly string[]): Promise<Nearby[]> {
  const lists = await Promise.all(
    cells.map((geohash6) =>
      queryAll({ TableName: table(), KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': PositionCell.pk({ geohash6 }) } }),
    ),
  );
  return lists.flat().map((i) => ({ userId: String(i.userId), name: String(i.name ?? ''), lat: Number(i.lat), lng: Number(i.lng), kind: i.kind as ResponderKind, skills: (i.skills as Skill[]) ?? [], at: String(i.at) }));
}

// ── settings ──────────────────────────────────────────────────────────────────────────────────

export async function getResponderSettings(): Promise<Record<string, unknown> | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: ResponderSettings.key({}) }));
  if (!out.Item) return null;
  const { type: _t, ...rest } = withoutKeys(out.Item);
  return rest;
}

export const responderSettingsPut = (settings: Record<string, unknown>, previousVersion: number | null): TxItem =>
  versionedPut(table(), { ...ResponderSettings.key({}), type: 'responder_settings', ...settings }, previousVersion);
