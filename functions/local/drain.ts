/**
 * A graceful stop for the local gateway: stop accepting connections, let the requests in flight
 * finish (within a bound), then cut whatever is left. server.close() alone would wait for
 * keep-alive clients that may never hang up; closeAllConnections() alone cuts requests halfway.
 */
import type { Server, ServerResponse } from 'node:http';

export interface Drain {
  /** requests being served right now */
  readonly inflight: number;
  /** Stops accepting, waits up to graceMs for the requests in flight; resolves with how many were cut. */
  close(graceMs: number): Promise<{ cut: number }>;
}

export function trackRequests(server: Server): Drain {
  const inflight = new Set<ServerResponse>();
  let draining = false;
  let onIdle: (() => void) | undefined;
  // before the gateway's own listener, so a response can still be told to close its connection
  server.prependListener('request', (_req, res: ServerResponse) => {
    inflight.add(res);
    // while draining, a keep-alive client is told not to send its next request on this connection
    if (draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      inflight.delete(res);
      if (inflight.size === 0) onIdle?.();
    });
  });
  return {
    get inflight() {
      return inflight.size;
    },
    async close(graceMs) {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inflight.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          onIdle = resolve;
          timer = setTimeout(resolve, graceMs);
        });
        clearTimeout(timer);
      }
      const cut = inflight.size;
      // what is left: idle keep-alive connections, and requests that outlived the grace period
      server.closeAllConnections();
      await closed;
      return { cut };
    },
  };
}
