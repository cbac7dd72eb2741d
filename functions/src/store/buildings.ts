/**
 * Building tallies: per building and category, the reports of the last 90 days, so a repeat
 * hazard (重复隐患: 3 or more in 90 days) is one GetItem for the report view and one index query
 * per street for the dashboard. The tally is rewritten inside the filing transaction,
 * conditioned on the write count read, so two reports filed at once in one building are both
 * counted (the second's transaction fails and is decided again).
 *
 * Keys: store/entities/buildings.ts.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { doc } from '#store/clients';
import { config } from '#config';
import { BuildingTally, withoutKeys } from '#store/keys';
import { indexQuery } from '#store/entity';
import type { TxItem } from '#store/tx';
import type { Tally } from '#domain/repeats';

export type TallyRecord = Tally;

export async function getTally(buildingId: string, category: string): Promise<TallyRecord | null> {
  const out = await doc.send(new GetCommand({ TableName: config.tableName, Key: BuildingTally.key({ buildingId, category }), ConsistentRead: true }));
  return out.Item ? (withoutKeys(out.Item) as unknown as TallyRecord) : null;
}

/**
 * The tally's next state for the filing transaction. `repeat`: it now holds enough reports to
 * be a repeat hazard, so it enters (or stays in) its street's list; `ttlAt`: when the newest
 * report leaves the window, the item is no longer needed.
 */
export function tallyItem(next: TallyRecord, repeat: boolean, ttlAt: Date): TxItem {
  const item: Record<string, unknown> = {
    ...BuildingTally.key({ buildingId: next.buildingId, category: next.category }),
    type: 'tally',
    ...next,
    ttl: Math.floor(ttlAt.getTime() / 1000),
    ...(repeat ? BuildingTally.index('repeatsOfStreet', { streetId: next.streetId, lastAt: next.lastAt }) : {}),
  };
  return {
    Put: {
      TableName: config.tableName,
      Item: item,
      ...(next.n === 1 ? { ConditionExpression: 'attribute_not_exists(PK)' } : { ConditionExpression: 'n = :seen', ExpressionAttributeValues: { ':seen': next.n - 1 } }),
    },
  };
}

/** Tallies of a street whose latest report is at or after `since`, latest first. */
export async function repeatsOfStreet(streetId: string, since: string, limit: number): Promise<TallyRecord[]> {
  // ISO times sort as text; '9' is above every one of them
  const q = indexQuery(BuildingTally.partition('repeatsOfStreet', { streetId }), ['between', since, '9']);
  const out = await doc.send(
    new QueryCommand({
      TableName: config.tableName,
      ...q,
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((i) => withoutKeys(i) as unknown as TallyRecord);
}
