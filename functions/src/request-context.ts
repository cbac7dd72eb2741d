/**
 * Who is asking, from where — available to the audit log anywhere below a handler without
 * threading it through every call (AsyncLocalStorage follows the request's async chain).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestInfo {
  requestId: string;
  sourceIp: string;
  userId: string | null;
}

const storage = new AsyncLocalStorage<RequestInfo>();

export const runInRequest = <T>(info: RequestInfo, fn: () => Promise<T>): Promise<T> => storage.run(info, fn);

/** The current request, or a marker for work the service does by itself (streams, schedules). */
export const currentRequest = (): RequestInfo => storage.getStore() ?? { requestId: 'system', sourceIp: '', userId: null };
