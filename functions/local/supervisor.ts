/**
 * Keeps the local stack's DynamoDB Local serving. When the Java process dies without being asked
 * to (killed, out of memory, crashed), the supervisor logs one structured line and starts it
 * again on the same port with the same data directory, so clients (which keep the endpoint)
 * are served again within seconds; meanwhile the API answers 503 `unavailable` with Retry-After.
 * A process that keeps dying soon after it started is restarted with growing pauses instead of
 * in a tight loop. An in-memory engine comes back empty: `onRestart` is where the stack puts its
 * table and seed back.
 */
import { logger } from '#log';
import { startDynamoLocal, type DynamoEngine, type JavaExit } from '#local/engines';

export interface SupervisedDynamo extends DynamoEngine {
  /** how many times the engine has been restarted */
  readonly restarts: number;
}

/** a process that lived at least this long was healthy: restart it at once */
const HEALTHY_AFTER_MS = 30_000;
const MAX_PAUSE_MS = 30_000;

export async function superviseDynamoLocal(opts: { dataDir?: string; port?: number; onRestart?: () => Promise<void> }): Promise<SupervisedDynamo> {
  let engine = await startDynamoLocal(opts);
  const { port, endpoint } = engine;
  let startedAt = Date.now();
  let restarts = 0;
  let quickDeaths = 0;
  const stopping = new AbortController();
  let reviving: Promise<void> | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      stopping.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });

  async function revive(dead: DynamoEngine, exit: JavaExit): Promise<void> {
    const lived = Date.now() - startedAt;
    quickDeaths = lived < HEALTHY_AFTER_MS ? quickDeaths + 1 : 0;
    // the first death is restarted at once; a crash loop waits 1 s, 2 s, 4 s… between tries
    const wait = quickDeaths > 1 ? Math.min(MAX_PAUSE_MS, 1_000 * 2 ** (quickDeaths - 2)) : 0;
    logger.warn('DynamoDB Local exited unexpectedly; restarting it', { port, pid: dead.pid, code: exit.code, signal: exit.signal, livedMs: lived, restartInMs: wait });
    await pause(wait);
    for (let attempt = 1; !stopping.signal.aborted; attempt++) {
      const t0 = Date.now();
      try {
        const next = await startDynamoLocal({ ...opts, port });
        if (stopping.signal.aborted) return void (await next.stop());
        engine = next;
        startedAt = Date.now();
        restarts += 1;
        watch(next);
        logger.warn('DynamoDB Local restarted', { port, pid: next.pid, restarts, startMs: Date.now() - t0 });
        await opts.onRestart?.().catch((e: unknown) => logger.error('after the DynamoDB Local restart: preparing its data failed', { error: e as Error }));
        return;
      } catch (e) {
        const retryInMs = Math.min(MAX_PAUSE_MS, 1_000 * 2 ** (attempt - 1));
        logger.error('DynamoDB Local did not restart; trying again', { port, attempt, retryInMs, error: (e as Error).message.split('\n')[0] });
        await pause(retryInMs);
      }
    }
  }

  function watch(e: DynamoEngine): void {
    void e.exited.then((exit) => {
      if (stopping.signal.aborted || e !== engine) return;
      reviving = revive(e, exit).finally(() => (reviving = undefined));
    });
  }
  watch(engine);

  let stopped: Promise<void> | undefined;
  let finalExit: (exit: JavaExit) => void = () => {};
  const exited = new Promise<JavaExit>((resolve) => (finalExit = resolve));
  const stop = () =>
    (stopped ??= (async () => {
      stopping.abort();
      await reviving;
      await engine.stop();
      finalExit(await engine.exited);
    })());
  return {
    endpoint,
    port,
    get pid() {
      return engine.pid;
    },
    get restarts() {
      return restarts;
    },
    /** settles once stop() has stopped the engine: the deaths in between are restarted */
    exited,
    stop,
  };
}
