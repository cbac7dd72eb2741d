/**
 * Area snapshots: one import = one version, written whole, then switched to by flipping the
 * CURRENT pointer (so routing never sees half an import). Previous versions stay readable:
 * a report keeps the version it was routed with.
 */
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { doc } from '#store/clients';
import { keys } from '#store/keys';
import { config } from '#config';
import type { Area, AreaSnapshot } from '#geo/areas';

const table = () => config.tableName;

export async function saveSnapshot(s: AreaSnapshot): Promise<void> {
  const items = s.areas.map((a) => ({ PutRequest: { Item: { ...keys.areaSetItem(s.version, a.id), type: 'area', area: a } } }));
  for (let i = 0; i < items.length; i += 25) {
    let batch: Record<string, (typeof items)[number][]> | undefined = { [table()]: items.slice(i, i + 25) };
    while (batch && Object.keys(batch).length > 0) {
      const out = await doc.send(new BatchWriteCommand({ RequestItems: batch }));
      batch = out.UnprocessedItems as typeof batch;
    }
  }
  await doc.send(
    new PutCommand({ TableName: table(), Item: { ...keys.areaSetPointer(), type: 'areaset', version: s.version, count: s.areas.length } }),
  );
}

export async function currentVersion(): Promise<string | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: keys.areaSetPointer(), ConsistentRead: true }));
  return (out.Item?.version as string | undefined) ?? null;
}

export async function loadSnapshot(version: string): Promise<AreaSnapshot> {
  const areas: Area[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.areaSetItem(version, '').PK },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) areas.push(item.area as Area);
    start = page.LastEvaluatedKey;
  } while (start);
  return { version, areas };
}
