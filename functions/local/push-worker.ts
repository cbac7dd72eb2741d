/**
 * The push queue on one machine: what SQS and its event source mapping do in the cloud, in
 * process. The stream notifier sends it the pushes it owes (notify/push-queue `usePushQueue`);
 * it hands them, as SQS-shaped batches, to the same handler the cloud's mapping calls
 * (events/push), never more than `maxConcurrency` batches of `batchSize` at once
 * (events/consumers PUSH_QUEUE, as infra deploys). A batch is handed over when it is full or its
 * first message has waited `batchWindowMs` (infra deploys 1 s; here PUSH_BATCH_WINDOW_MS, default
 * 0: whatever is there, which keeps tests quick — a benchmark sets the deployed window). WeChat's own failures are retried inside the
 * handler (notify/push); a message the handler answers as failed (a store error) or whose call
 * threw comes back after `redeliveryMs` — the visibility timeout's part — and after
 * `maxReceiveCount` receives is set aside, as SQS moves it to the dead-letter queue (logged).
 *
 * Nothing is lost when the process dies: with a journal file (the stack's data dir) every
 * message is written there before `send` returns (before the stream checkpoint moves past the
 * rows that owed it) and removed once handled. The recovery pass at start queues the journal's
 * messages again — pending and set-aside ones alike, as an operator redrives a DLQ — with their
 * ids, so a push a dead run had claimed is taken again at once (store/inbox `claimPush`).
 * Without a journal (tests) a crash of the process is a crash of the table too.
 *
 * Jobs run in the worker's own async context (the one it was started in), not the sender's: a
 * push is its own invocation, whatever the stream batch that queued it goes through.
 */
import { AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#log';
import { PUSH_QUEUE } from '#events/consumers';
import type { PushQueue } from '#notify/push-queue';
import { pushMessageBody } from '#notify/push-message';
import type { InboxRef } from '#store/inbox';

interface Message {
  id: string;
  body: string;
  receives: number;
  sentAt: number;
  /** not before (ms epoch): a redelivery waits out its visibility timeout */
  visibleAt: number;
}

export interface PushWorkerStats {
  /** waiting, visible or not yet */
  queued: number;
  inFlight: number;
  /** set aside after maxReceiveCount receives (the DLQ's part) */
  setAside: number;
  /** messages handled for good (any outcome but a failure) */
  done: number;
  /** receives answered as failed or thrown */
  failures: number;
  /** sent -> handled for good, ms, in order of completion */
  latenciesMs: number[];
}

export interface PushWorker extends PushQueue {
  /** the same worker for other queues (the webhook queue): messages with a body of the caller's making */
  sendBodies(bodies: readonly string[]): Promise<void>;
  /** resolves once nothing is queued or in flight (set-aside messages excepted) */
  idle(): Promise<void>;
  stats(): PushWorkerStats;
  stop(): Promise<void>;
}

export async function startPushWorker(opts: {
  handler: (e: SQSEvent) => Promise<SQSBatchResponse | void>;
  journalFile?: string | undefined;
  batchSize?: number;
  maxConcurrency?: number;
  maxReceiveCount?: number;
  redeliveryMs?: number;
  batchWindowMs?: number;
}): Promise<PushWorker> {
  const batchSize = opts.batchSize ?? PUSH_QUEUE.batchSize;
  const maxConcurrency = opts.maxConcurrency ?? Number(process.env.PUSH_CONCURRENCY || PUSH_QUEUE.maxConcurrency);
  const maxReceiveCount = opts.maxReceiveCount ?? PUSH_QUEUE.maxReceiveCount;
  const redeliveryMs = opts.redeliveryMs ?? Number(process.env.PUSH_REDELIVERY_MS || 1000);
  const windowMs = opts.batchWindowMs ?? Number(process.env.PUSH_BATCH_WINDOW_MS || 0);
  const context = new AsyncResource('push-worker');

  const queue: Message[] = [];
  const setAside: Message[] = [];
  let inFlight = 0;
  let running = true;
  let timer: NodeJS.Timeout | undefined;
  const invocations = new Set<Promise<void>>();
  const stats = { done: 0, failures: 0, latenciesMs: [] as number[] };
  let idleWaiters: Array<() => void> = [];
  const inFlightMessages = new Map<string, Message>();

  // ---- journal: every message not yet handled for good, written before send() returns
  let writing: Promise<void> = Promise.resolve();
  let dirty = false;
  function journal(): Promise<void> {
    if (!opts.journalFile) return Promise.resolve();
    dirty = true;
    const file = opts.journalFile;
    // a failed write fails its senders (their stream batch is retried), not the writes after it
    writing = writing.catch(() => undefined).then(async () => {
      if (!dirty) return;
      dirty = false;
      const all = [...queue, ...inFlightMessages.values()].map((m) => ({ id: m.id, body: m.body, receives: m.receives, sentAt: m.sentAt }));
      const out = { pending: all, setAside: setAside.map((m) => ({ id: m.id, body: m.body, receives: m.receives, sentAt: m.sentAt })) };
      await writeFile(`${file}.tmp`, JSON.stringify(out));
      await rename(`${file}.tmp`, file);
    });
    return writing;
  }

  // ---- recovery pass: the journal a previous run left
  if (opts.journalFile) {
    const raw = await readFile(opts.journalFile, 'utf8').catch(() => '');
    if (raw) {
      const j = JSON.parse(raw) as { pending?: Omit<Message, 'visibleAt'>[]; setAside?: Omit<Message, 'visibleAt'>[] };
      const left = [...(j.pending ?? []), ...(j.setAside ?? [])];
      for (const m of left) queue.push({ ...m, receives: 0, visibleAt: 0 });
      if (left.length) logger.info('push worker: queued again the pushes a previous run left', { count: left.length });
    }
  }

  const notifyIdle = () => {
    if (queue.length > 0 || inFlight > 0) return;
    const w = idleWaiters;
    idleWaiters = [];
    w.forEach((f) => f());
  };

  function record(m: Message): SQSRecord {
    return {
      messageId: m.id,
      receiptHandle: `${m.id}#${m.receives}`,
      body: m.body,
      attributes: { ApproximateReceiveCount: String(m.receives), SentTimestamp: String(m.sentAt), SenderId: 'local', ApproximateFirstReceiveTimestamp: String(m.sentAt) },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:000000000000:push',
      awsRegion: 'local',
    };
  }

  async function invoke(batch: Message[]): Promise<void> {
    let failed: Set<string>;
    try {
      const answer = await opts.handler({ Records: batch.map(record) });
      failed = new Set((answer?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (e) {
      logger.error('push worker: invocation failed, its messages come back', { error: e as Error, messages: batch.length });
      failed = new Set(batch.map((m) => m.id));
    }
    const now = Date.now();
    for (const m of batch) {
      inFlightMessages.delete(m.id);
      if (!failed.has(m.id)) {
        stats.done++;
        stats.latenciesMs.push(now - m.sentAt);
        if (stats.latenciesMs.length > 100_000) stats.latenciesMs.splice(0, 50_000); // a long `npm start`
        continue;
      }
      stats.failures++;
      if (m.receives >= maxReceiveCount) {
        setAside.push(m);
        logger.error('push worker: a message failed every receive and is set aside (a restart queues it again)', { messageId: m.id, receives: m.receives });
      } else queue.push({ ...m, visibleAt: now + redeliveryMs });
    }
    journal().catch((e: unknown) => logger.error('push worker: journal not written', { error: e as Error }));
  }

  function pump() {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!running) return;
    const now = Date.now();
    let gatherUntil = Infinity;
    while (inFlight < maxConcurrency) {
      // a batch goes when full, or when its first message has waited the window out
      const ready = queue.filter((m) => m.visibleAt <= now);
      if (ready.length === 0) break;
      const since = Math.min(...ready.map((m) => m.visibleAt));
      if (ready.length < batchSize && now - since < windowMs) {
        gatherUntil = since + windowMs;
        break;
      }
      const batch: Message[] = [];
      for (let i = 0; i < queue.length && batch.length < batchSize; ) {
        if (queue[i]!.visibleAt <= now) batch.push(...queue.splice(i, 1));
        else i++;
      }
      if (batch.length === 0) break;
      inFlight++;
      for (const m of batch) {
        m.receives++;
        inFlightMessages.set(m.id, m);
      }
      const p = context.runInAsyncScope(() => invoke(batch)).finally(() => {
        inFlight--;
        invocations.delete(p);
        pump();
        notifyIdle();
      });
      invocations.add(p);
    }
    const next = Math.min(gatherUntil, ...queue.filter((m) => m.visibleAt > now).map((m) => m.visibleAt));
    if (Number.isFinite(next)) timer = context.runInAsyncScope(() => setTimeout(pump, Math.max(0, next - Date.now())));
    notifyIdle();
  }

  context.runInAsyncScope(() => setImmediate(pump));

  async function sendBodies(bodies: readonly string[]) {
    const now = Date.now();
    for (const body of bodies) queue.push({ id: randomUUID(), body, receives: 0, sentAt: now, visibleAt: now });
    await journal(); // written before the stream may checkpoint past the rows that owed these
    context.runInAsyncScope(() => setImmediate(pump));
  }

  return {
    send: (refs: readonly InboxRef[]) => sendBodies(refs.map(pushMessageBody)),
    sendBodies,
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        notifyIdle();
      }),
    stats: () => ({ queued: queue.length, inFlight: inFlightMessages.size, setAside: setAside.length, ...stats, latenciesMs: [...stats.latenciesMs] }),
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await Promise.allSettled([...invocations]);
      await journal().catch((e: unknown) => logger.error('push worker: journal not written', { error: e as Error }));
    },
  };
}
