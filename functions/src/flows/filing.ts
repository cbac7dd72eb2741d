/**
 * Filing a report (POST /v1/reports): who may file what, and the Idempotency-Key. With a key,
 * the first request holds a lock; duplicates wait for its result and answer with the same
 * report; a different body under the same key is 422. The report's own transaction completes
 * the idempotency record, so "report written" and "response stored" never disagree.
 */
import { createHash, randomUUID } from 'node:crypto';
import { DomainError, invalidInput } from '#domain/errors';
import { isResidentSide } from '#domain/roles';
import { createReport, type CreateInput } from '#flows/reports';
import { limitItem } from '#flows/limits';
import { isKeyPrincipal } from '#flows/apikeys';
import * as idem from '#store/idempotency';
import type { UserRecord } from '#store/users';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
/** how long a duplicate waits for the first request before answering 409 idempotency_in_flight */
const WAIT_MS = 25_000;

function checkFiler(user: UserRecord, input: CreateInput): void {
  // A city system's Open311 API key files as itself (flows/open311), and nothing else does.
  if (isKeyPrincipal(user) !== (input.source === 'open311')) throw invalidInput('来源 open311 只能通过 Open311 接口和 API key 上报', { field: 'source' });
  if (input.source === 'open311') return;
  if (isResidentSide(user.role)) {
    if (input.source !== 'app' || input.caller) throw invalidInput('居民上报的来源只能是 app', { field: 'source' });
    if (!user.consentVersion) throw new DomainError('consent_required', '请先阅读并同意隐私政策');
    return;
  }
  // The dispatch centre files on behalf of callers: phone hotline or 110 hand-over.
  if (input.source === 'app') throw invalidInput('调度中心代为上报须注明来源 phone 或 110', { field: 'source' });
  if (!input.caller) throw invalidInput('代为上报须填写来电人姓名和电话', { field: 'caller' });
}

const hashBody = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Filed {
  reportId: string;
  /** a duplicate of an earlier request answered from its stored result */
  replayed: boolean;
}

export async function fileReport(user: UserRecord, input: CreateInput, key: string | undefined, now: Date): Promise<Filed> {
  checkFiler(user, input);
  // The count commits with the report (a refused report is not counted); it is looked up again
  // on every attempt, so losing the race for the last unit answers 429.
  const counted = () => limitItem(user.id, isKeyPrincipal(user) ? 'open311' : 'reports', now);
  if (key === undefined) return { reportId: (await createReport(user, input, now, [], async () => [await counted()])).id, replayed: false };
  if (!IDEMPOTENCY_KEY.test(key)) throw invalidInput('Idempotency-Key 须为 1-128 个可见 ASCII 字符');
  const hash = hashBody(input);
  const owner = randomUUID();
  for (let waited = 0, delay = 25; ; ) {
    const lock = await idem.acquire(user.id, key, hash, owner, new Date());
    if (lock.acquired) break;
    const existing = lock.existing;
    if (existing.bodyHash !== hash) throw new DomainError('idempotency_key_reused', '同一 Idempotency-Key 已用于不同的请求内容');
    if (existing.status === 'done' && existing.response) return { reportId: (existing.response.body as { reportId: string }).reportId, replayed: true };
    if (waited > WAIT_MS) throw new DomainError('idempotency_in_flight', '相同请求仍在处理中，请稍后重试');
    await sleep(delay);
    waited += delay;
    delay = Math.min(250, delay * 2);
  }
  try {
    // only a new request counts against the limit: a retry of the same one is answered above
    const r = await createReport(user, input, now, [], async (id) => [await counted(), idem.completeItem(user.id, key, owner, { statusCode: 201, body: { reportId: id } })]);
    return { reportId: r.id, replayed: false };
  } catch (e) {
    await idem.release(user.id, key, owner);
    throw e;
  }
}
