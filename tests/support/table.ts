/**
 * Raw reads of the test file's own table, for assertions the public API cannot make ("nothing
 * was written", "exactly one report exists"). Reads the endpoint and table name that
 * startTestStack() put into the environment, so call these only after it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';

export type Item = Record<string, any>;

let client: { doc: DynamoDBDocumentClient; endpoint: string } | undefined;

function doc(): DynamoDBDocumentClient {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint || !process.env.TABLE_NAME) throw new Error('table helpers need startTestStack() first');
  if (!client || client.endpoint !== endpoint) {
    const raw = new DynamoDBClient({
      endpoint,
      region: process.env.AWS_REGION ?? 'cn-north-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    client = { doc: DynamoDBDocumentClient.from(raw), endpoint };
  }
  return client.doc;
}

const table = () => process.env.TABLE_NAME!;

/** Every item in the table (a Scan: fine in tests, never in the app). */
export async function scanAll(): Promise<Item[]> {
  const out: Item[] = [];
  let start: Record<string, any> | undefined;
  do {
    const page = await doc().send(new ScanCommand({ TableName: table(), ExclusiveStartKey: start, ConsistentRead: true }));
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** A stable fingerprint of the whole table: every item, keys sorted, in key order. */
export function fingerprint(items: Item[]): string[] {
  const canon = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canon);
    if (v instanceof Set) return [...v].map(canon).sort();
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return items.map((i) => JSON.stringify(canon(i))).sort();
}

/** Ids of the reports in the table (one item with SK REPORT per report). */
export function reportIds(items: Item[]): string[] {
  return items.filter((i) => String(i.PK).startsWith('REPORT#') && i.SK === 'REPORT').map((i) => String(i.PK).slice('REPORT#'.length));
}

export async function rawItem(PK: string, SK: string): Promise<Item | undefined> {
  const out = await doc().send(new GetCommand({ TableName: table(), Key: { PK, SK }, ConsistentRead: true }));
  return out.Item;
}

export const rawReport = (id: string) => rawItem(`REPORT#${id}`, 'REPORT');
