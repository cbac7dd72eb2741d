/**
 * Photo processing under storage faults (issue: nothing sticks). A transient S3 error is retried
 * as Lambda retries an asynchronous invocation; an error that persists ends in `failed` with a
 * reason and the original (which may carry GPS) deleted; an upload whose processing never ended
 * is failed by the expiry job. Never `uploaded` forever.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { phonePhoto, pointIn, GRID, RESIDENT } from '../support/fixtures.ts';

let stack: TestStack;
let s3: S3Client;
/** how many of the next GetObject calls on originals fail with a 503 from storage */
let failGets = 0;
let failedGets = 0;

beforeAll(async () => {
  process.env.LOCAL_ASYNC_RETRY_MS = '50,100';
  stack = await startTestStack();
  const clients = await import('../../functions/src/store/clients.ts');
  // A fault at the edge of the SDK: the request never reaches storage and fails the way S3 does
  // when it is briefly unavailable.
  clients.s3.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: string };
      if (context.commandName === 'GetObjectCommand' && input.Key?.startsWith('uploads/') && failGets > 0) {
        failGets--;
        failedGets++;
        throw Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectStorageFaults' },
  );
  s3 = new S3Client({ endpoint: stack.s3Endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
});
afterEach(() => {
  failGets = 0;
  failedGets = 0;
});
afterAll(async () => {
  await stack?.stop();
});

const originalExists = (id: string) =>
  s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: `uploads/${id}` })).then(
    () => true,
    (e: { name?: string }) => (e.name === 'NotFound' ? false : Promise.reject(e)),
  );

async function statusOf(id: string) {
  await stack.settleUploads();
  return (await stack.api.get(`/v1/uploads/${id}`, RESIDENT)).json;
}

describe('photo processing faults', () => {
  it('a transient storage error is retried and the photo becomes ready', async () => {
    failGets = 1;
    const id = await stack.api.upload(RESIDENT, await phonePhoto());
    const s = await statusOf(id);
    expect(failedGets).toBe(1);
    expect(s.status).toBe('ready');
    expect(await originalExists(id)).toBe(false);
    const r = await stack.api.post('/v1/reports', { category: 'other', description: '楼道堆物', location: await pointIn(stack.api, GRID), photos: [id] }, RESIDENT);
    expect(r.status, r.text).toBe(201);
  });

  it('an error on every attempt ends in failed (processing_failed) with the original deleted', async () => {
    failGets = 100;
    const id = await stack.api.upload(RESIDENT, await phonePhoto());
    const s = await statusOf(id);
    // the first delivery and the event source's two retries
    expect(failedGets).toBe(3);
    expect(s).toMatchObject({ status: 'failed', reason: 'processing_failed' });
    expect(await originalExists(id)).toBe(false);
    // and it is refused on a report as the failed upload it is, not "not ready" forever
    const r = await stack.api.post('/v1/reports', { category: 'other', description: '楼道堆物', location: await pointIn(stack.api, GRID), photos: [id] }, RESIDENT);
    expect(r.status).toBe(400);
  });

  it('an upload whose processing never ended is failed by the expiry job and its original deleted', async () => {
    const { handler: expire } = await import('../../functions/src/events/expire-uploads.ts');
    const { doc } = await import('../../functions/src/store/clients.ts');
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    // An upload mid-processing (`uploaded`, its link long expired) whose processing then dies on
    // every attempt before it can record an outcome: the table refuses this upload's updates.
    const id = await stack.api.upload(RESIDENT, await phonePhoto());
    await stack.settleUploads();
    const key = { PK: `UPLOAD#${id}`, SK: 'UPLOAD' };
    await doc.send(new UpdateCommand({ TableName: stack.tableName, Key: key, UpdateExpression: 'SET #s = :u, GSI3PK = :q, GSI3SK = :k REMOVE reason', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':u': 'uploaded', ':q': 'UPLOADS#pending', ':k': `2000-01-01T00:00:00.000Z#${id}` } }));
    let refused = 0;
    const name = 'refuseUploadUpdates';
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        // the document client hands the base client marshalled keys ({ S: ... })
        const input = args.input as { Key?: { PK?: string | { S?: string } } };
        const pk = input.Key?.PK;
        if (/^Update(Item)?Command$/.test(String(context.commandName)) && (pk === key.PK || (typeof pk === 'object' && pk?.S === key.PK))) {
          refused++;
          throw Object.assign(new Error('connection reset'), { name: 'TimeoutError' });
        }
        return next(args);
      },
      { step: 'initialize', name },
    );
    try {
      await s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: `uploads/${id}`, Body: await phonePhoto(), ContentType: 'image/jpeg' }));
      await stack.settleUploads();
    } finally {
      doc.middlewareStack.remove(name);
    }
    // three processing attempts (and maybe WeChat's late image verdict) were refused
    expect(refused).toBeGreaterThanOrEqual(3);
    expect(await originalExists(id)).toBe(true);
    expect((await stack.api.get(`/v1/uploads/${id}`, RESIDENT)).json.status).toBe('uploaded');
    // the expiry job still sees it (it never left the unfinished queue), fails it, deletes the original
    expect((await expire(new Date())).expired).toBeGreaterThanOrEqual(1);
    expect((await stack.api.get(`/v1/uploads/${id}`, RESIDENT)).json).toMatchObject({ status: 'failed', reason: 'processing_failed' });
    expect(await originalExists(id)).toBe(false);
  });
});
