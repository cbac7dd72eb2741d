/** Runs THE schedule table on timers, as EventBridge would in the cloud. */
import { SCHEDULES } from '#events/schedules';
import { logger } from '#log';

const modules: Record<string, () => Promise<{ handler: () => Promise<unknown> }>> = {
  assists: () => import('#events/assists'),
  'expire-uploads': () => import('#events/expire-uploads'),
  sweeper: () => import('#events/sweeper'),
};

export function startSchedulePump(opts: { speedup?: number } = {}): { stop(): void; runAll(): Promise<void> } {
  const run = async (name: string, module: string) => {
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
    stop: () => timers.forEach(clearInterval),
    runAll: async () => {
      for (const s of SCHEDULES) await run(s.name, s.module);
    },
  };
}
