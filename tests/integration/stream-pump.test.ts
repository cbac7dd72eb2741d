/**
 * The local stream pump reads DynamoDB Local's stream the way an event source mapping does:
 * records matching none of the consumer's filters never reach the handler; a partial batch
 * response (`batchItemFailures`) has the records before the failed one checkpointed and the
 * stream read again from it; each consumer has its own pump and checkpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('stream pump', () => {
  it('drops filtered records and retries from the record a handler answers as failed', async () => {
    const { startStreamPump } = await import('../../functions/local/stream-pump.ts');
    const { doc } = await import('../../functions/src/store/clients.ts');
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const run = `run-${Date.now()}`;
    const calls: string[][] = [];
    let failOnce = true;
    const pump = await startStreamPump({
      name: 'probe',
      intervalMs: 50,
      filters: [{ eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['probe'] }, run: { S: [run] } } } }],
      handler: async (e: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
        const ns = e.Records.map((r) => String(unmarshall(r.dynamodb!.NewImage as never).n));
        calls.push(ns);
        const third = e.Records.find((r) => unmarshall(r.dynamodb!.NewImage as never).n === 3);
        if (third && failOnce) {
          failOnce = false;
          return { batchItemFailures: [{ itemIdentifier: third.dynamodb!.SequenceNumber! }] };
        }
        return { batchItemFailures: [] };
      },
    });
    try {
      await pump.drain(); // everything before this run is behind the pump
      calls.length = 0;
      for (let n = 1; n <= 5; n++) {
        await doc.send(new PutCommand({ TableName: stack.tableName, Item: { PK: `PROBE#${run}`, SK: `N#${n}`, type: 'probe', run, n } }));
        // filtered out: another type, and a change of a probe
        await doc.send(new PutCommand({ TableName: stack.tableName, Item: { PK: `PROBE#${run}`, SK: `X#${n}`, type: 'other', run, n: 100 + n } }));
      }
      await doc.send(new PutCommand({ TableName: stack.tableName, Item: { PK: `PROBE#${run}`, SK: 'N#1', type: 'probe', run, n: 1, again: true } }));
      await pump.drain();
      const seen = calls.flat();
      // nothing but inserted probes reached the handler
      expect(seen.every((n) => Number(n) <= 5)).toBe(true);
      // 1 and 2 were handed over once; 3 failed once and came back, with everything after it
      expect(seen.filter((n) => n === '1')).toHaveLength(1);
      expect(seen.filter((n) => n === '2')).toHaveLength(1);
      expect(seen.filter((n) => n === '3')).toHaveLength(2);
      expect([...new Set(seen)].sort()).toEqual(['1', '2', '3', '4', '5']);
      const retry = calls.findIndex((c, i) => i > 0 && c.includes('3'));
      expect(calls[retry]![0]).toBe('3');
    } finally {
      await pump.stop();
    }
  });
});
