/**
 * Assists in the table: the assist and its offers in one partition, each step on the report's
 * timeline (in the report's partition, so the report's one Query reads them), the daily offer
 * counters, and the points ledger. Keys: store/entities/responders.
 *
 * Every change is a TransactWriteItems the flow assembles from the pieces here: the assist
 * conditioned on the version it was decided from, each offer on the state it was in, and the
 * step (with its outbox row, which the stream notifier turns into inbox items and pushes).
 */
import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { doc } from '#store/clients';
import { Assist, AssistStepItem, LimitCounter, Offer, PointsEntry, indexQuery, withoutKeys } from '#store/keys';
import { queryAll } from '#store/query';
import { decodeCursor, encodeCursor } from '#store/cursor';
import type { Page } from '#store/reports';
import { versionedPut, type TxItem } from '#store/tx';
import { config } from '#config';
import { listOf, type AssistRecord, type AssistStep, type OfferList, type OfferRecord } from '#domain/assists';

const table = () => config.tableName;
const hourOf = (iso: string) => `${iso.slice(0, 13)}:00:00.000Z`;

function assistItem(a: AssistRecord) {
  return {
    ...Assist.key({ id: a.id }),
    type: 'assist',
    ...(a.state === 'open' && a.widenAt ? Assist.index('assistsToWiden', { hour: hourOf(a.widenAt), widenAt: a.widenAt }) : {}),
    ...a,
  };
}

/** The assist as decided from `before` (null: a new one). */
export const assistPut = (after: AssistRecord, before: AssistRecord | null): TxItem => versionedPut(table(), assistItem(after), before?.version ?? null);

function offerItem(o: OfferRecord) {
  return { ...Offer.key({ assistId: o.assistId, uid: o.userId }), type: 'offer', ...Offer.index('offersOfVolunteer', { uid: o.userId, list: listOf(o.state), offeredAt: o.offeredAt }), ...o };
}

/** The offer as decided from `before` (null: a new one); conditioned on the state it was in. */
export function offerPut(after: OfferRecord, before: OfferRecord | null): TxItem {
  return {
    Put: {
      TableName: table(),
      Item: offerItem(after),
      ConditionExpression: before ? '#state = :s' : 'attribute_not_exists(PK)',
      ...(before ? { ExpressionAttributeNames: { '#state': 'state' }, ExpressionAttributeValues: { ':s': before.state } } : {}),
    },
  };
}

/** What a step's outbox row says; the notifier writes one inbox item per recipient (id `inboxId`). */
export interface StepOutbox {
  kind: string;
  title: string;
  body: string;
  to: { userId: string; reason: string }[];
  /** a recipient told in other words than `title` (the requester, beside the responders offered) */
  titles?: Record<string, string>;
}

const stepKey = (s: AssistStep, by: string) => `${s.step}.${by}`;

/** A step on the report's timeline; `by` tells apart steps of one kind (a round, a responder). */
export function stepPut(s: AssistStep, by: string, outbox: StepOutbox | null): TxItem {
  const key = stepKey(s, by);
  return {
    Put: {
      TableName: table(),
      Item: {
        ...AssistStepItem.key({ reportId: s.reportId, at: s.at, assistId: s.assistId, step: key }),
        type: 'assist_step',
        ...s,
        ...(outbox?.to.length ? { outbox: { ...outbox, inboxId: `${s.assistId}.${key}` } } : {}),
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

export const isAssistStepItem = (item: Record<string, unknown>): boolean => item.type === 'assist_step';

export function stepOf(item: Record<string, unknown>): AssistStep {
  const { type: _t, outbox: _o, ...rest } = withoutKeys(item);
  return rest as unknown as AssistStep;
}

/** The assist and its offers (one Query of its partition, read strongly). */
export async function getAssist(id: string): Promise<{ assist: AssistRecord; offers: OfferRecord[] } | null> {
  const items = await queryAll({ TableName: table(), KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': Assist.pk({ id }) }, ConsistentRead: true });
  const a = items.find((i) => Assist.owns(i));
  if (!a) return null;
  const strip = (i: Record<string, unknown>) => {
    const { type: _t, ...rest } = withoutKeys(i);
    return rest;
  };
  return { assist: strip(a) as unknown as AssistRecord, offers: items.filter((i) => Offer.owns(i)).map((i) => strip(i) as unknown as OfferRecord) };
}

/** A responder's offers in one list, newest first. */
export async function offersOf(userId: string, list: OfferList, limit: number, cursor?: string): Promise<Page<OfferRecord>> {
  const scope = `offers:${userId}:${list}`;
  const out = await doc.send(
    new QueryCommand({
      TableName: table(),
      ...indexQuery(Offer.partition('offersOfVolunteer', { uid: userId, list })),
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: decodeCursor(cursor, scope),
    }),
  );
  return {
    items: (out.Items ?? []).map((i) => {
      const { type: _t, ...rest } = withoutKeys(i);
      return rest as unknown as OfferRecord;
    }),
    cursor: encodeCursor(out.LastEvaluatedKey, scope),
  };
}

/** How many a responder holds now (accepted or arrived): their busyness for recommendations. */
export async function heldCount(userId: string): Promise<number> {
  const out = await doc.send(new QueryCommand({ TableName: table(), ...indexQuery(Offer.partition('offersOfVolunteer', { uid: userId, list: 'mine' })), Select: 'COUNT' }));
  return out.Count ?? 0;
}

/** Ids of open assists whose round is due to widen, from the hour of `hourIso` up to `nowIso`. */
export async function dueToWiden(hourIso: string, nowIso: string): Promise<string[]> {
  const items = await queryAll({ TableName: table(), ...indexQuery(Assist.partition('assistsToWiden', { hour: hourOf(hourIso) }), ['<=', nowIso]) });
  return items.map((i) => Assist.idOf(i.PK)!).filter(Boolean);
}

// ── offers per responder per China day ────────────────────────────────────────────────────────

const offersKey = (userId: string, day: string) => LimitCounter.key({ uid: userId, action: 'offers', window: day });

/** Today's offers of each responder (missing: none yet). */
export async function offersToday(userIds: readonly string[], day: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < userIds.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = { [table()]: { Keys: userIds.slice(i, i + 100).map((u) => offersKey(u, day)) } };
    while (request && Object.keys(request).length) {
      const res = await doc.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of res.Responses?.[table()] ?? []) out.set(String(LimitCounter.idOf(item.PK)), Number(item.n ?? 0));
      request = res.UnprocessedKeys as typeof request;
    }
  }
  return out;
}

/** One more offer today, in the offer's transaction; fails its condition at the cap. */
export function offerCountItem(userId: string, day: string, cap: number): TxItem {
  return {
    Update: {
      TableName: table(),
      Key: offersKey(userId, day),
      UpdateExpression: 'ADD n :one SET #type = :type, #ttl = :ttl',
      ConditionExpression: 'attribute_not_exists(n) OR n < :max',
      ExpressionAttributeNames: { '#type': 'type', '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':one': 1, ':max': cap, ':type': 'limit', ':ttl': Math.floor(Date.parse(`${day}T00:00:00+08:00`) / 1000) + 2 * 86_400 },
    },
  };
}

// ── points ledger ─────────────────────────────────────────────────────────────────────────────

export interface PointsRecord {
  userId: string;
  at: string;
  assistId: string;
  reportId: string;
  points: number;
  hours: number;
  reason: string;
}

/** An entry, once per assist and responder: the ledger is only ever appended to. */
export function pointsPut(e: PointsRecord): TxItem {
  return { Put: { TableName: table(), Item: { ...PointsEntry.key({ uid: e.userId, at: e.at, assistId: e.assistId }), type: 'points', ...e }, ConditionExpression: 'attribute_not_exists(PK)' } };
}

export async function pointsOf(userId: string): Promise<PointsRecord[]> {
  const items = await queryAll({ TableName: table(), KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': PointsEntry.pk({ uid: userId }) }, ScanIndexForward: false });
  return items.map((i) => {
    const { type: _t, ...rest } = withoutKeys(i);
    return rest as unknown as PointsRecord;
  });
}

export async function getOffer(assistId: string, userId: string): Promise<OfferRecord | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: Offer.key({ assistId, uid: userId }), ConsistentRead: true }));
  if (!out.Item) return null;
  const { type: _t, ...rest } = withoutKeys(out.Item);
  return rest as unknown as OfferRecord;
}
