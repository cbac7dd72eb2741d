/**
 * THE event source mappings of the events functions: what each stream consumer is handed
 * (Lambda event filter patterns on the table's stream), in what batches, and how the push queue
 * retries. infra/ builds the mappings from this table; the local stream pump and push worker
 * apply the same filters, batch sizes and redrive count. Pure data plus the matcher: reading it
 * loads nothing and reads no configuration (infra imports it at synth).
 *
 * Timing, with pushes off the stream (the notifier's batch writes inbox items and queues the
 * pushes; it never waits for WeChat):
 * - events-stream: per outbox row a story Query, a BatchGet of the recipients and one
 *   conditional Put per recipient, reports side by side — 100 rows take well under 10 s even
 *   throttled (the SDK's own retries), against a 60 s function timeout. A 1 s window gathers a
 *   busy minute's rows into few invocations and keeps an inbox item within ~1 s of its change.
 * - events-kpi: one counter write per area per batch, so big batches are cheap; same window.
 * - events-push: up to 10 messages per invocation, gathered for up to 1 s (so a burst fills
 *   batches instead of taking one invocation slot per message while WeChat is slow), sent side by
 *   side; at most 5 invocations at once (50 pushes in flight); the worst push is 4 attempts of
 *   a 5 s WeChat timeout plus 2.1 s of back-off, a token fetch and (once per container) the
 *   template check (~32 s), under the 60 s function timeout; the queue's visibility timeout is 6 x that (AWS's advice for SQS event
 *   sources), so a message comes back only after the invocation that held it is surely over.
 */

/** A Lambda event filter pattern (the subset used here: value lists, `{ exists }`, nesting). */
export type FilterPattern = { readonly [key: string]: FilterPattern | readonly FilterValue[] };
type FilterValue = string | number | boolean | null | { readonly exists: boolean };

export interface StreamConsumer {
  /** entry name (functions/src/entry/<name>.ts) */
  name: string;
  description: string;
  /** records matching ANY pattern are handed over; the rest are dropped before the function */
  filters: readonly FilterPattern[];
  batchSize: number;
  maxBatchingWindowSeconds: number;
}

export const STREAM_CONSUMERS: readonly StreamConsumer[] = [
  {
    name: 'events-stream',
    description: 'DynamoDB stream: outbox rows -> inbox items, pushes queued',
    filters: [
      // a version's timeline item that carries its outbox row (store/report-items eventItem)
      { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['event'] }, outbox: { M: { kind: { S: [{ exists: true }] } } } } } },
      // an assist step that tells someone (store/assists stepPut)
      { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['assist_step'] }, outbox: { M: { kind: { S: [{ exists: true }] } } } } } },
      // OUTBOX# rows of the layout before, until none is written any more
      { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['outbox'] } } } },
    ],
    batchSize: 100,
    maxBatchingWindowSeconds: 1,
  },
  {
    name: 'events-kpi',
    description: 'DynamoDB stream: KPI counters per area; Open311 report changes to the webhook queue',
    // flows/kpi counts changes of report records (store/report-items isReportItem), assist
    // steps and responders' standing; removals change no counter. By the item's type, not its key: keys are typed only in the
    // store's entity declarations (tests/unit/store/key-design.test.ts).
    filters: [
      { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { type: { S: ['report'] } } } },
      // the responders' measures (domain/assist-kpi): assist steps, and responders' standing
      { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['assist_step'] } } } },
      { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { type: { S: ['volunteer'] } } } },
    ],
    batchSize: 100,
    maxBatchingWindowSeconds: 1,
  },
];

/** The WeChat push queue (SQS, standard) and its consumer. */
export const PUSH_QUEUE = {
  consumer: 'events-push',
  description: 'SQS push queue: one WeChat subscribe message per queued inbox item',
  /** messages per invocation, handled side by side */
  batchSize: 10,
  /** how long a batch is gathered before the invocation */
  maxBatchingWindowSeconds: 1,
  /** at most this many invocations at once: 50 pushes in flight keep within WeChat's limits */
  maxConcurrency: 5,
  /** receives before a message moves to the dead-letter queue (each is a thrown error or a lost invocation) */
  maxReceiveCount: 5,
  /** visibility timeout = 6 x the consumer's timeout (60 s, infra SIZING) */
  visibilityTimeoutSeconds: 360,
} as const;

/** The webhook queue (SQS, standard) of city systems' Open311 webhooks, and its consumer. */
export const WEBHOOK_QUEUE = {
  consumer: 'events-webhooks',
  description: 'SQS webhook queue: signed calls to city systems for changes of the Open311 requests they filed',
  batchSize: 10,
  maxBatchingWindowSeconds: 1,
  /** calls in flight at most 50, as pushes: receivers are city systems, not a cloud */
  maxConcurrency: 5,
  maxReceiveCount: 5,
  /** 6 x the consumer's timeout (60 s): a call's worst is 3 attempts of a 5 s timeout and 5 s of back-off */
  visibilityTimeoutSeconds: 360,
} as const;

const isPattern = (v: unknown): v is FilterPattern => typeof v === 'object' && v !== null && !Array.isArray(v);

function matchesValue(value: unknown, present: boolean, allowed: readonly FilterValue[]): boolean {
  return allowed.some((a) => {
    if (a !== null && typeof a === 'object') return a.exists === present;
    return present && value === a;
  });
}

/** Lambda's rule: every key of the pattern matches (nested objects recursively, value lists by any). */
export function matchesFilter(event: unknown, pattern: FilterPattern): boolean {
  for (const [key, want] of Object.entries(pattern)) {
    const has = isPattern(event) && Object.hasOwn(event, key);
    const value = has ? (event as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(want)) {
      if (!matchesValue(value, has && value !== undefined, want as readonly FilterValue[])) return false;
    } else if (!has || !matchesFilter(value, want as FilterPattern)) return false;
  }
  return true;
}

/** A record is handed over when it matches any of the consumer's filters (no filters: all). */
export const passesFilters = (event: unknown, filters: readonly FilterPattern[]): boolean => filters.length === 0 || filters.some((f) => matchesFilter(event, f));

export function streamConsumer(name: string): StreamConsumer {
  const c = STREAM_CONSUMERS.find((x) => x.name === name);
  if (!c) throw new Error(`no stream consumer ${name}`);
  return c;
}
