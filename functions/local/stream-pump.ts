/**
 * Feeds DynamoDB Local's stream to the same handler a Lambda event source mapping calls in the
 * cloud, in batches of the same shape. Checkpoints per shard so a restart neither loses nor
 * (beyond the last batch) repeats records; handlers are idempotent either way.
 */
import { readFile, writeFile } from 'node:fs/promises';
import {
  DynamoDBStreamsClient,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ExpiredIteratorException,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { dynamo } from '#store/clients';
import { config } from '#config';
import { logger } from '#log';

export interface Pump {
  stop(): Promise<void>;
  /** resolves once every record written so far has been handled (tests) */
  drain(): Promise<void>;
}

type Checkpoints = Record<string, string>;

export async function startStreamPump(opts: {
  handler: (e: DynamoDBStreamEvent) => Promise<void>;
  checkpointFile?: string;
  intervalMs?: number;
}): Promise<Pump> {
  const streams = new DynamoDBStreamsClient({
    region: config.region,
    endpoint: config.dynamoEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const table = await dynamo.send(new DescribeTableCommand({ TableName: config.tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${config.tableName} has no stream`);
  const interval = opts.intervalMs ?? 200;
  let checkpoints: Checkpoints = {};
  if (opts.checkpointFile) checkpoints = JSON.parse(await readFile(opts.checkpointFile, 'utf8').catch(() => '{}')) as Checkpoints;
  const iterators = new Map<string, string | null>();
  let running = true;
  let idleWaiters: Array<() => void> = [];

  async function iteratorFor(shardId: string): Promise<string | undefined> {
    const after = checkpoints[shardId];
    const out = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
        ...(after ? { SequenceNumber: after } : {}),
      }),
    );
    return out.ShardIterator;
  }

  async function pollOnce(): Promise<number> {
    const desc = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    let handled = 0;
    for (const shard of desc.StreamDescription?.Shards ?? []) {
      const id = shard.ShardId!;
      if (iterators.get(id) === null) continue; // closed and drained
      let it = iterators.get(id) ?? (await iteratorFor(id));
      let records: _Record[];
      try {
        const out = await streams.send(new GetRecordsCommand({ ShardIterator: it, Limit: 100 }));
        records = out.Records ?? [];
        it = out.NextShardIterator;
      } catch (e) {
        if (e instanceof ExpiredIteratorException) {
          iterators.delete(id);
          continue;
        }
        throw e;
      }
      if (records.length > 0) {
        // Same retry semantics as an event source mapping: the batch is retried until it succeeds.
        await opts.handler({ Records: records as unknown as DynamoDBStreamEvent['Records'] });
        checkpoints[id] = records[records.length - 1]!.dynamodb!.SequenceNumber!;
        if (opts.checkpointFile) await writeFile(opts.checkpointFile, JSON.stringify(checkpoints));
        handled += records.length;
      }
      iterators.set(id, it ?? null);
    }
    return handled;
  }

  const loop = (async () => {
    while (running) {
      let handled = 0;
      try {
        handled = await pollOnce();
      } catch (e) {
        logger.error('stream pump: batch failed, will retry', { error: e as Error });
        iterators.clear();
      }
      if (handled === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        waiters.forEach((w) => w());
        await new Promise((r) => setTimeout(r, interval));
      }
    }
  })();

  return {
    async stop() {
      running = false;
      await loop;
      streams.destroy();
    },
    drain: () =>
      new Promise<void>((resolve) => {
        // two idle rounds: the first may have started before the caller's last write
        let rounds = 0;
        const wait = () => {
          rounds += 1;
          if (rounds >= 2) resolve();
          else idleWaiters.push(wait);
        };
        idleWaiters.push(wait);
      }),
  };
}
