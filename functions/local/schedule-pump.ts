/** Runs THE schedule table on timers, as EventBridge would in the cloud. */
import { SCHEDULES } from '#events/schedules';
import { logger } from '#log';

const modules: Record<string, () => Promise<{ handler: () => Promise<unknown> }>> = {
  assists: () => import('#events/assists'),
  'expire-uploads': () => import('#events/expire-uploads'),
  sweeper: () => import('#events/sweeper'),
};

export function startSchedulePump(opts: { speedup?: number } = {}): { stop(): Promise<void>; runAll(): Promise<void> } {
  const running = new Set<Promise<void>>();
  const run = (name: string, module: string): Promise<void> => {
    const p = runOnce(name, module).finally(() => running.delete(p));
    running.add(p);
    return p;
  };
  const runOnce = async (name: string, module: string) => {
    const load = modules[module];
    if (!load) throw new Error(`schedule ${name}: no module ${module}`);
    try {
      const result = await (await load()).handler();
      logger.debug('scheduled job done', { job: name, result: result as Record<string, unknown> });
    } catch (e) {
      logger.error('scheduled job failed', { job: name, error: e as Error });
    }
  };
  const timers = SCHEDULES.map((s) => setInterval(() => void run(s.name, s.module), (s.everyMinutes * 60_000) / (opts.speedup ?? 1)));
  timers.forEach((t) => t.unref());
  return {
    /** no further runs; resolves when the runs under way are over */
    stop: async () => {
      timers.forEach(clearInterval);
      await Promise.all([...running]);
    },
    runAll: async () => {
      for (const s of SCHEDULES) await run(s.name, s.module);
    },
  };
}
