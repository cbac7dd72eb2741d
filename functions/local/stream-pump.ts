/**
 * Feeds DynamoDB Local's stream to the same handler a Lambda event source mapping calls in the
 * cloud, in batches of the same shape. One pump per consumer, each with its own iterators and
 * checkpoints — as two mappings read the same stream on their own, so a slow consumer never
 * delays the other. Checkpoints per shard so a restart neither loses nor (beyond the last batch)
 * repeats records; handlers are idempotent either way.
 *
 * As a mapping does: records that match none of the consumer's filter patterns
 * (events/consumers, the same patterns infra deploys) are dropped before the handler and count
 * as handled; a handler that answers `batchItemFailures` has the records before the first
 * failed one checkpointed and the stream read again from it (an identifier not in the batch
 * fails the whole batch, as Lambda treats it); a handler that throws has the whole batch read
 * again. Unlike a mapping (5 retries, then the on-failure queue) the pump retries until the
 * batch succeeds: locally a stuck batch is there to be seen in the log, not set aside.
 *
 * Batching as the mapping does it: up to `batchSize` matching records per call (the consumer's
 * size in events/consumers; a mapping counts records after its filters), gathered for up to
 * `batchWindowMs` after the first one (infra deploys 1 s; here STREAM_BATCH_WINDOW_MS, default 0:
 * hand over whatever one read returns, which keeps tests quick — a benchmark sets the deployed
 * window to be priced as it runs). The shard is read up to READ_LIMIT records at a time and
 * what matches is handed over in batches, checkpointed after each: a consumer that wants few
 * records does not pay a read per batch of them.
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
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { dynamo } from '#store/clients';
import { config } from '#config';
import { logger } from '#log';
import { passesFilters, type FilterPattern } from '#events/consumers';

export interface Pump {
  stop(): Promise<void>;
  /** resolves once every record written so far has been handled (tests) */
  drain(): Promise<void>;
}

type Checkpoints = Record<string, string>;

/** DynamoDB Streams' most records per GetRecords. */
const READ_LIMIT = 1000;
const SHARDS_TTL_MS = 5000;

export async function startStreamPump(opts: {
  handler: (e: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
  /** the consumer's filter patterns (none: every record) */
  filters?: readonly FilterPattern[];
  /** names the pump in the log */
  name?: string;
  checkpointFile?: string;
  intervalMs?: number;
  batchSize?: number;
  batchWindowMs?: number;
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
  const batchSize = opts.batchSize ?? 100;
  const windowMs = opts.batchWindowMs ?? Number(process.env.STREAM_BATCH_WINDOW_MS ?? 0);
  const filters = opts.filters ?? [];
  const name = opts.name ?? 'stream pump';
  /** records read but not handed over yet (a window still open), per shard */
  const gathering = new Map<string, { records: _Record[]; since: number }>();
  let checkpoints: Checkpoints = {};
  if (opts.checkpointFile) checkpoints = JSON.parse(await readFile(opts.checkpointFile, 'utf8').catch(() => '{}')) as Checkpoints;
  const iterators = new Map<string, string | null>();
  /** the stream's shards, described at most every SHARDS_TTL_MS (a shard opens every few hours) */
  let shards: { at: number; ids: string[] } | null = null;
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

  async function checkpoint(shardId: string, sequence: string) {
    checkpoints[shardId] = sequence;
    if (opts.checkpointFile) await writeFile(opts.checkpointFile, JSON.stringify(checkpoints));
  }

  /** Read the shard again after its checkpoint. */
  function rewind(shardId: string) {
    iterators.delete(shardId);
    gathering.delete(shardId);
  }

  async function shardIds(): Promise<string[]> {
    if (shards && Date.now() - shards.at < SHARDS_TTL_MS) return shards.ids;
    const desc = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    shards = { at: Date.now(), ids: (desc.StreamDescription?.Shards ?? []).map((x) => x.ShardId!) };
    return shards.ids;
  }

  /** Records handed over, whether any are still being gathered, and whether a batch failed. */
  async function pollOnce(): Promise<{ handled: number; gathering: boolean; failed: boolean }> {
    let handled = 0;
    let failed = false;
    for (const id of await shardIds()) {
      const held = gathering.get(id);
      let it = iterators.get(id);
      if (it !== null) {
        it ??= await iteratorFor(id);
        try {
          const out = await streams.send(new GetRecordsCommand({ ShardIterator: it, Limit: Math.max(1, READ_LIMIT - (held?.records.length ?? 0)) }));
          const records = out.Records ?? [];
          if (records.length > 0) gathering.set(id, { records: [...(held?.records ?? []), ...records], since: held?.since ?? Date.now() });
          iterators.set(id, out.NextShardIterator ?? null);
        } catch (e) {
          if (!(e instanceof ExpiredIteratorException)) throw e;
          rewind(id); // read again from the checkpoint
          continue;
        }
      }
      const batch = gathering.get(id);
      if (!batch) continue;
      const closed = iterators.get(id) === null;
      const matching = batch.records.filter((r) => passesFilters(r, filters)) as unknown as DynamoDBStreamEvent['Records'];
      if (matching.length < batchSize && batch.records.length < READ_LIMIT && Date.now() - batch.since < windowMs && !closed) continue;
      let retry = false;
      for (let i = 0; i < matching.length && !retry; i += batchSize) {
        const records = matching.slice(i, i + batchSize);
        const answer = await opts.handler({ Records: records });
        const failure = answer?.batchItemFailures?.[0]?.itemIdentifier;
        if (failure !== undefined) {
          failed = retry = true;
          const at = batch.records.findIndex((r) => r.dynamodb?.SequenceNumber === failure);
          logger.warn(`${name}: batch answered a failed record, reading again from it`, { shardId: id, records: records.length, failedAt: at });
          // everything before the failed record is done; an unknown identifier fails the whole batch
          if (at > 0) await checkpoint(id, batch.records[at - 1]!.dynamodb!.SequenceNumber!);
          rewind(id);
        } else await checkpoint(id, records[records.length - 1]!.dynamodb!.SequenceNumber!);
      }
      if (retry) continue;
      gathering.delete(id);
      await checkpoint(id, batch.records[batch.records.length - 1]!.dynamodb!.SequenceNumber!);
      handled += batch.records.length;
    }
    return { handled, gathering: gathering.size > 0, failed };
  }

  const loop = (async () => {
    while (running) {
      let handled = 0;
      let waiting = false;
      let failed: boolean;
      try {
        ({ handled, gathering: waiting, failed } = await pollOnce());
      } catch (e) {
        logger.error(`${name}: batch failed, will retry`, { error: e as Error });
        // from the checkpoints again: the failed batch comes back whole (and maybe longer)
        iterators.clear();
        gathering.clear();
        failed = true;
      }
      if (failed) await new Promise((r) => setTimeout(r, interval)); // not idle: a batch waits for its retry
      else if (waiting) await new Promise((r) => setTimeout(r, Math.min(interval, 50)));
      else if (handled === 0) {
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
