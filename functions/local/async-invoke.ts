/**
 * Lambda's asynchronous invocation, as S3 notifications use it: a failed invocation is retried
 * twice with back-off, then given up (in the cloud, to the on-failure queue). The local stack
 * delivers S3 events through this so a handler meets the same retries here as in the cloud.
 * Lambda waits about a minute, then two; locally the waits are LOCAL_ASYNC_RETRY_MS (ms,
 * comma-separated), 1 s and 2 s unless set.
 */
const delays = (): number[] =>
  (process.env.LOCAL_ASYNC_RETRY_MS ?? '1000,2000')
    .split(',')
    .map((x) => Number(x.trim()))
    .filter((n) => Number.isFinite(n) && n >= 0);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function asAsyncInvocation<E>(name: string, handler: (event: E) => Promise<void>): (event: E) => Promise<void> {
  return async (event) => {
    const waits = delays();
    for (let attempt = 0; ; attempt++) {
      try {
        return await handler(event);
      } catch (e) {
        if (attempt >= waits.length) {
          console.error(JSON.stringify({ level: 'ERROR', message: 'async invocation failed after its retries', function: name, attempts: attempt + 1, error: (e as Error).message }));
          return;
        }
        await sleep(waits[attempt]!);
      }
    }
  };
}
