/**
 * The category table: the one in force (CATEGORIES / CURRENT) and every edit (V#<n>). An edit
 * writes both and its audit entry in one transaction, conditioned on the version it replaces,
 * so two admins editing at once cannot both win.
 *
 * Keys: store/entities/categories.ts.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { doc } from '#store/clients';
import { config } from '#config';
import { CategoryTableCurrent, CategoryTableVersion } from '#store/keys';
import { transact, type TxItem } from '#store/tx';
import type { Category } from '#domain/categories';

export interface StoredTable {
  /** the edit number (1, 2, …) */
  n: number;
  items: Category[];
  editedBy: string;
  editedAt: string;
}

export async function getCurrentTable(): Promise<StoredTable | null> {
  const out = await doc.send(new GetCommand({ TableName: config.tableName, Key: CategoryTableCurrent.key({}), ConsistentRead: true }));
  if (!out.Item) return null;
  return { n: Number(out.Item.n), items: out.Item.items as Category[], editedBy: String(out.Item.editedBy), editedAt: String(out.Item.editedAt) };
}

/** Writes edit `next.n`, replacing edit `next.n - 1` (or the built-in table when n = 1). */
export async function saveTable(next: StoredTable, extra: TxItem[]): Promise<void> {
  const body = { type: 'categories', ...next };
  await transact([
    {
      Put: {
        TableName: config.tableName,
        Item: { ...CategoryTableCurrent.key({}), ...body },
        ...(next.n === 1 ? { ConditionExpression: 'attribute_not_exists(PK)' } : { ConditionExpression: 'n = :seen', ExpressionAttributeValues: { ':seen': next.n - 1 } }),
      },
    },
    { Put: { TableName: config.tableName, Item: { ...CategoryTableVersion.key({ version: next.n }), ...body }, ConditionExpression: 'attribute_not_exists(PK)' } },
    ...extra,
  ]);
}
