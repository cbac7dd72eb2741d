/**
 * Write-cost bookkeeping. DynamoDB Local reports 1 WCU per transactional item; AWS bills 2
 * (prepare + commit). We keep both figures so the README's cost per lifecycle is AWS's.
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';

interface Tally {
  reportedWcu: number;
  awsWcu: number;
  transactions: number;
  items: number;
}

const empty = (): Tally => ({ reportedWcu: 0, awsWcu: 0, transactions: 0, items: 0 });
let tally = empty();

export const capacity = {
  recordTransaction(consumed: ConsumedCapacity[], items: number) {
    const units = consumed.reduce((s, c) => s + (c.CapacityUnits ?? c.WriteCapacityUnits ?? 0), 0);
    tally.reportedWcu += units;
    tally.awsWcu += units * 2;
    tally.transactions += 1;
    tally.items += items;
  },
  recordWrite(consumed: ConsumedCapacity | undefined) {
    const units = consumed?.CapacityUnits ?? consumed?.WriteCapacityUnits ?? 0;
    tally.reportedWcu += units;
    tally.awsWcu += units;
    tally.items += 1;
  },
  snapshot: (): Tally => ({ ...tally }),
  reset() {
    tally = empty();
  },
};
