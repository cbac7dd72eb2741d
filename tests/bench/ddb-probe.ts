/**
 * Watches the stack's DynamoDB client from inside the bench process (a middleware on the client
 * every store module sends through — the document client shares its middleware stack), without
 * touching production code:
 * - when each inbox item was written (the notifier's conditional Put returned) and when each
 *   report's creating transaction returned: the stream lag is the difference;
 * - how many calls of which kind, on which key prefix, the system makes (per request, in quiet
 *   windows): where repeated reads show up.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

type Attr = string | { S?: string; N?: string } | undefined;
type Item = Record<string, Attr>;

/** A native value (document client input) or an AttributeValue (low-level input, or after marshalling). */
const str = (v: Attr): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : (v?.S ?? v?.N));

/** `USER#u-1` -> `USER#`; `AREASET` -> `AREASET` */
const prefixOf = (pk: string | undefined) => (pk === undefined ? '?' : (/^[^#]*#?/.exec(pk)?.[0] ?? pk));

export interface Probe {
  /** `${userId}|${inboxId}` -> performance.now() when the inbox item's Put returned */
  inboxAt: Map<string, number>;
  /** reportId -> performance.now() when the transaction creating it (version 1) returned */
  createdAt: Map<string, number>;
  /** `${command} ${what}` -> calls since the last `take()` */
  take(): Map<string, number>;
}

function describe(command: string, input: Record<string, any>): string[] {
  switch (command) {
    case 'GetItemCommand':
    case 'DeleteItemCommand':
    case 'UpdateItemCommand':
      return [`${command.replace('Command', '')} ${prefixOf(str(input.Key?.PK))}`];
    case 'PutItemCommand':
      return [`PutItem ${prefixOf(str(input.Item?.PK))}`];
    case 'QueryCommand': {
      const pk = str(input.ExpressionAttributeValues?.[':pk']);
      return [`Query ${input.IndexName ? `${input.IndexName} ` : ''}${prefixOf(pk)}${input.Select === 'COUNT' ? ' (COUNT)' : ''}`];
    }
    case 'TransactWriteItemsCommand':
      return [`TransactWriteItems (${input.TransactItems?.length ?? 0} items)`];
    case 'BatchGetItemCommand': {
      const keys = Object.values(input.RequestItems ?? {}).flatMap((r: any) => r.Keys ?? []);
      const kinds = [...new Set(keys.map((k: Item) => prefixOf(str(k.PK))))].join(',');
      return [`BatchGetItem ${kinds} (${keys.length} keys)`];
    }
    default:
      return [command.replace('Command', '')];
  }
}

export function attachProbe(client: DynamoDBClient): Probe {
  const inboxAt = new Map<string, number>();
  const createdAt = new Map<string, number>();
  let calls = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName ?? '?';
      const input = args.input as Record<string, any>;
      for (const k of describe(command, input)) calls.set(k, (calls.get(k) ?? 0) + 1);
      const out = await next(args);
      if (command === 'PutItemCommand' && str(input.Item?.type) === 'inbox') {
        const item = input.Item as Item;
        inboxAt.set(`${str(item.PK)!.slice('USER#'.length)}|${str(item.id)}`, performance.now());
      } else if (command === 'TransactWriteItemsCommand') {
        for (const t of input.TransactItems ?? []) {
          const item = t.Put?.Item as Item | undefined;
          // the record's id is its key (REPORT#<id> / REPORT); version 1 is the creating write
          if (item && str(item.type) === 'report' && str(item.SK) === 'REPORT' && str(item.version) === '1') createdAt.set(str(item.PK)!.slice('REPORT#'.length), performance.now());
        }
      }
      return out;
    },
    { step: 'initialize', name: 'benchLoadProbe' },
  );
  return {
    inboxAt,
    createdAt,
    take() {
      const out = calls;
      calls = new Map();
      return out;
    },
  };
}
