/** Reading a whole query, page after page (small partitions read in full: a report's items, a user's grants, the api keys). */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { doc } from '#store/clients';
import { config } from '#config';

export async function queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** Every item of partition `pk` whose sort key begins with `skPrefix`. */
export const partitionItems = (pk: string, skPrefix: string): Promise<Record<string, unknown>[]> =>
  queryAll({ TableName: config.tableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)', ExpressionAttributeValues: { ':pk': pk, ':sk': skPrefix } });
