/**
 * Open311 API keys: a city system's right to file (POST requests). The key is shown once; the
 * table keeps the SHA-256 of its secret part, so a leaked table leaks no key. A key is never
 * deleted — revoking stamps `revokedAt` (the audit log and the reports it filed still name it).
 * Writes commit with their audit entry (the caller passes it).
 *
 * Keys: store/entities/apikeys.ts (one partition: a city has a few dozen keys).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { doc } from '#store/clients';
import { partitionItems } from '#store/query';
import { ApiKey as Keys, withoutKeys } from '#store/keys';
import { endOnceItem, transact, type TxItem } from '#store/tx';
import { config } from '#config';

export interface ApiKeyRecord {
  id: string;
  name: string;
  /** hex SHA-256 of the key's secret part */
  secretHash: string;
  /** the creating admin's areas when it was made: the key files only inside them */
  areaIds: string[];
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

const table = () => config.tableName;

const item = (k: ApiKeyRecord) => ({ ...Keys.key({ id: k.id }), type: 'apikey', ...k });
const fromItem = (i: Record<string, unknown>): ApiKeyRecord => {
  const { type: _t, ...rest } = withoutKeys(i);
  return rest as unknown as ApiKeyRecord;
};

export async function putApiKey(k: ApiKeyRecord, audit: TxItem): Promise<void> {
  await transact([{ Put: { TableName: table(), Item: item(k), ConditionExpression: 'attribute_not_exists(PK)' } }, audit]);
}

export async function getApiKey(id: string): Promise<ApiKeyRecord | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: Keys.key({ id }) }));
  return out.Item ? fromItem(out.Item) : null;
}

/** Every key, oldest first (one partition of a few dozen items: read whole). */
export async function listApiKeys(): Promise<ApiKeyRecord[]> {
  return (await partitionItems(Keys.pk({}), Keys.skPrefix)).map(fromItem);
}

/** Revokes once: a second revoke of the same key fails its condition (the flow answers it as done). */
export async function revokeApiKey(id: string, by: string, at: string, audit: TxItem): Promise<void> {
  await transact([endOnceItem(table(), Keys.key({ id }), 'revoked', by, at), audit]);
}
