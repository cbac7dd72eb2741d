/**
 * The local object store behaves like S3 where security depends on it: the gateway in front of
 * s3rver verifies presigned-URL signatures and lifetimes, Authorization headers, and presigned
 * POST policies (signature, expiry, bucket, key, content type, size). Every refusal below is
 * also shown to leave the bucket exactly as it was (read straight from s3rver).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { phonePhoto, pointIn, GRID, RESIDENT, RESIDENT2 } from '../support/fixtures.ts';

let stack: TestStack;
/** the backend's credentials, for signing what the backend would sign */
let signer: S3Client;
/** reads the bucket behind the gateway's back */
let direct: S3Client;
/** a genuine photo link, as the API hands it out */
let photoLink: string;
let photoKey: string;
let thumbLink: string;

const S3RVER = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const client = (endpoint: string, credentials = S3RVER) =>
  new S3Client({
    endpoint,
    forcePathStyle: true,
    region: process.env.AWS_REGION!,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

beforeAll(async () => {
  stack = await startTestStack();
  signer = client(stack.url);
  direct = client(stack.s3Endpoint);
});
afterAll(async () => {
  signer?.destroy();
  direct?.destroy();
  await stack?.stop();
});

/** every object in the bucket with its ETag, once background processing has settled */
async function bucketState(): Promise<Record<string, string>> {
  await stack.settleUploads();
  const out = await direct.send(new ListObjectsV2Command({ Bucket: stack.bucket }));
  return Object.fromEntries((out.Contents ?? []).map((o) => [o.Key!, o.ETag!]));
}

/** runs a request that must be refused with S3's status and code, and changes nothing stored */
async function expectRefused(request: () => Promise<Response>, status: number, code: string): Promise<string> {
  const before = await bucketState();
  const res = await request();
  const body = await res.text();
  expect(res.status, body).toBe(status);
  expect(body).toContain(`<Code>${code}</Code>`);
  expect(await bucketState()).toEqual(before);
  return body;
}

const withParam = (url: string, name: string, value: string) => {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
};

interface Ticket {
  uploadId: string;
  url: string;
  fields: Record<string, string>;
}

async function ticket(as: string, size: number, contentType = 'image/jpeg'): Promise<Ticket> {
  const r = await stack.api.post('/v1/uploads', { contentType, size }, as);
  expect(r.status, r.text).toBe(201);
  return r.json as Ticket;
}

/** a browser form upload: the fields in order, then the file */
function postForm(url: string, fields: Array<[string, string]> | Record<string, string>, bytes: Buffer, type = 'image/jpeg') {
  const fd = new FormData();
  for (const [k, v] of Array.isArray(fields) ? fields : Object.entries(fields)) fd.append(k, v);
  fd.append('file', new Blob([new Uint8Array(bytes)], { type }), 'photo.jpg');
  return fetch(url, { method: 'POST', body: fd });
}

async function exists(key: string): Promise<boolean> {
  return (await bucketState())[key] !== undefined;
}

describe('uploads and links that S3 would accept still work', () => {
  it('a valid upload goes through the gateway, becomes ready, and its photo link opens', async () => {
    const { api } = stack;
    const id = await api.uploadReady(RESIDENT, await phonePhoto());
    expect((await api.get(`/v1/uploads/${id}`, RESIDENT)).json.status).toBe('ready');
    const r = await api.post('/v1/reports', { category: 'other', description: '消防通道堆放杂物', location: await pointIn(api, GRID), photos: [id] }, RESIDENT);
    expect(r.status, r.text).toBe(201);
    photoLink = r.json.photos[0].url;
    thumbLink = r.json.photos[0].thumbUrl;
    photoKey = decodeURIComponent(new URL(photoLink).pathname.slice(stack.bucket.length + 2));
    const res = await fetch(photoLink);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\//);
  });

  it('answers the browser CORS preflight for a form upload', async () => {
    const res = await fetch(`${stack.url}/${stack.bucket}`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('serves requests signed with the backend credentials in an Authorization header, as S3 would', async () => {
    await signer.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'probe/header-signed.txt', Body: 'signed', ContentType: 'text/plain' }));
    const got = await signer.send(new GetObjectCommand({ Bucket: stack.bucket, Key: 'probe/header-signed.txt' }));
    expect(await got.Body!.transformToString()).toBe('signed');
    const listed = await signer.send(new ListObjectsV2Command({ Bucket: stack.bucket, Prefix: 'probe/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['probe/header-signed.txt']);
  });
});

describe('presigned links', () => {
  it('refuses a link with a bogus signature', async () => {
    const bogus = withParam(photoLink, 'X-Amz-Signature', 'f'.repeat(64));
    await expectRefused(() => fetch(bogus), 403, 'SignatureDoesNotMatch');
  });

  it('refuses a bare X-Amz-Signature parameter without the rest of the signature', async () => {
    await expectRefused(() => fetch(`${stack.url}/${stack.bucket}/${photoKey}?X-Amz-Signature=anything`), 400, 'AuthorizationQueryParametersError');
  });

  it('refuses an expired link', async () => {
    const expired = await getSignedUrl(signer, new GetObjectCommand({ Bucket: stack.bucket, Key: photoKey }), { expiresIn: 60, signingDate: new Date(Date.now() - 3600_000) });
    const body = await expectRefused(() => fetch(expired), 403, 'AccessDenied');
    expect(body).toContain('Request has expired');
  });

  it('refuses an expired link whose X-Amz-Expires was edited longer', async () => {
    const expired = await getSignedUrl(signer, new GetObjectCommand({ Bucket: stack.bucket, Key: photoKey }), { expiresIn: 60, signingDate: new Date(Date.now() - 3600_000) });
    await expectRefused(() => fetch(withParam(expired, 'X-Amz-Expires', '604800')), 403, 'SignatureDoesNotMatch');
    // and a live link made to last longer than it was signed for
    await expectRefused(() => fetch(withParam(photoLink, 'X-Amz-Expires', '86400')), 403, 'SignatureDoesNotMatch');
  });

  it('refuses a link for one object used to read another (the path is signed)', async () => {
    const other = new URL(photoLink);
    other.pathname = new URL(thumbLink).pathname;
    expect(other.toString()).not.toBe(photoLink);
    await expectRefused(() => fetch(other), 403, 'SignatureDoesNotMatch');
  });

  it('refuses a presigned PUT replayed against another key, and stores nothing there', async () => {
    const put = await getSignedUrl(signer, new PutObjectCommand({ Bucket: stack.bucket, Key: 'probe/allowed.txt' }), { expiresIn: 60 });
    const elsewhere = put.replace('/probe/allowed.txt', `/${photoKey}`);
    await expectRefused(() => fetch(elsewhere, { method: 'PUT', body: 'overwritten' }), 403, 'SignatureDoesNotMatch');
    // the genuine one works
    expect((await fetch(put, { method: 'PUT', body: 'allowed' })).status).toBe(200);
    expect(await exists('probe/allowed.txt')).toBe(true);
  });

  it('refuses Signature Version 2 query strings (China regions accept Version 4 only)', async () => {
    await expectRefused(() => fetch(`${stack.url}/${stack.bucket}/${photoKey}?AWSAccessKeyId=S3RVER&Expires=9999999999&Signature=abc`), 400, 'InvalidRequest');
  });
});

describe('the bucket is not public', () => {
  it('refuses an unsigned listing, in both list styles, and one with a made-up signature', async () => {
    await expectRefused(() => fetch(`${stack.url}/${stack.bucket}`), 403, 'AccessDenied');
    await expectRefused(() => fetch(`${stack.url}/${stack.bucket}?list-type=2`), 403, 'AccessDenied');
    await expectRefused(() => fetch(`${stack.url}/${stack.bucket}/?list-type=2&prefix=uploads/`), 403, 'AccessDenied');
    await expectRefused(() => fetch(`${stack.url}/${stack.bucket}?list-type=2&X-Amz-Signature=x`), 400, 'AuthorizationQueryParametersError');
    const forged = new URL(photoLink);
    forged.pathname = `/${stack.bucket}`;
    forged.searchParams.set('list-type', '2');
    await expectRefused(() => fetch(forged), 403, 'SignatureDoesNotMatch');
  });

  it('refuses an unsigned read and an unsigned write', async () => {
    await expectRefused(() => fetch(`${stack.url}/${stack.bucket}/${photoKey}`), 403, 'AccessDenied');
    await expectRefused(() => fetch(`${stack.url}/${stack.bucket}/probe/anonymous.txt`, { method: 'PUT', body: 'x' }), 403, 'AccessDenied');
  });

  it('refuses an Authorization header signed with the wrong secret or an unknown key', async () => {
    for (const [credentials, code] of [
      [{ accessKeyId: 'S3RVER', secretAccessKey: 'guessed' }, 'SignatureDoesNotMatch'],
      [{ accessKeyId: 'SOMEONE', secretAccessKey: 'S3RVER' }, 'InvalidAccessKeyId'],
    ] as const) {
      const wrong = client(stack.url, credentials);
      const before = await bucketState();
      await expect(wrong.send(new ListObjectsV2Command({ Bucket: stack.bucket }))).rejects.toMatchObject({ name: code });
      await expect(wrong.send(new PutObjectCommand({ Bucket: stack.bucket, Key: photoKey, Body: 'overwritten' }))).rejects.toMatchObject({ name: code });
      expect(await bucketState()).toEqual(before);
      wrong.destroy();
    }
  });
  it('refuses a header-signed upload whose body was swapped after signing', async () => {
    const swapping = client(stack.url);
    swapping.middlewareStack.addRelativeTo(
      (next: any) => (args: any) => {
        args.request.body = 'swapped';
        args.request.headers['content-length'] = '7';
        return next(args);
      },
      { relation: 'after', toMiddleware: 'httpSigningMiddleware' },
    );
    const before = await bucketState();
    await expect(swapping.send(new PutObjectCommand({ Bucket: stack.bucket, Key: photoKey, Body: 'genuine' }))).rejects.toMatchObject({ name: 'XAmzContentSHA256Mismatch' });
    expect(await bucketState()).toEqual(before);
    swapping.destroy();
  });
});

describe('presigned POST policies', () => {
  const bytes = Buffer.alloc(100, 7);

  it('refuses a tampered policy (a larger size range written into it)', async () => {
    const t = await ticket(RESIDENT, 100);
    const policy = JSON.parse(Buffer.from(t.fields.Policy!, 'base64').toString());
    policy.conditions = policy.conditions.map((c: unknown) => (Array.isArray(c) && c[0] === 'content-length-range' ? ['content-length-range', 1, 100 * 1024 * 1024] : c));
    const tampered = { ...t.fields, Policy: Buffer.from(JSON.stringify(policy)).toString('base64') };
    await expectRefused(() => postForm(t.url, tampered, Buffer.alloc(200, 7)), 403, 'SignatureDoesNotMatch');
    expect(await exists(t.fields.key!)).toBe(false);
  });

  it('refuses a file bigger than the policy allows, and an empty one', async () => {
    const t = await ticket(RESIDENT, 100);
    await expectRefused(() => postForm(t.url, t.fields, Buffer.alloc(101, 7)), 400, 'EntityTooLarge');
    await expectRefused(() => postForm(t.url, t.fields, Buffer.alloc(0)), 400, 'EntityTooSmall');
    expect(await exists(t.fields.key!)).toBe(false);
  });

  it('refuses a different Content-Type than the policy names', async () => {
    const t = await ticket(RESIDENT, 100);
    const body = await expectRefused(() => postForm(t.url, { ...t.fields, 'Content-Type': 'text/html' }, bytes, 'text/html'), 403, 'AccessDenied');
    expect(body).toContain('Policy Condition failed');
    expect(await exists(t.fields.key!)).toBe(false);
  });

  it("refuses one upload's policy used for another user's key, however the key is smuggled in", async () => {
    const mine = await ticket(RESIDENT, 100);
    const theirs = await ticket(RESIDENT2, 100);
    const target = theirs.fields.key!;
    await expectRefused(() => postForm(mine.url, { ...mine.fields, key: target }, bytes), 403, 'AccessDenied');
    // a second key field, in another case or the same: S3 reads names without regard to case
    for (const name of ['key', 'Key']) {
      await expectRefused(() => postForm(mine.url, [...Object.entries(mine.fields), [name, target]], bytes), 400, 'InvalidArgument');
    }
    expect(await exists(target)).toBe(false);
    // the rightful owner's upload still goes through
    expect((await postForm(theirs.url, theirs.fields, bytes)).status).toBe(204);
    expect((await stack.api.get(`/v1/uploads/${theirs.uploadId}`, RESIDENT2)).status).toBe(200);
  });

  it('refuses a form field the policy does not mention', async () => {
    const t = await ticket(RESIDENT, 100);
    const body = await expectRefused(() => postForm(t.url, { ...t.fields, 'x-amz-meta-note': 'hello' }, bytes), 403, 'AccessDenied');
    expect(body).toContain('Extra input fields: x-amz-meta-note');
    expect(await exists(t.fields.key!)).toBe(false);
  });

  it('refuses an expired policy, and a form with no policy at all', async () => {
    const expired = await createPresignedPost(signer, { Bucket: stack.bucket, Key: 'uploads/Uexpired', Conditions: [['content-length-range', 1, 1000]], Expires: -60 });
    const body = await expectRefused(() => postForm(expired.url, expired.fields, bytes), 403, 'AccessDenied');
    expect(body).toContain('Policy expired');
    await expectRefused(() => postForm(`${stack.url}/${stack.bucket}`, { key: 'uploads/Uanonymous', 'Content-Type': 'image/jpeg' }, bytes), 403, 'AccessDenied');
    expect(await exists('uploads/Uexpired')).toBe(false);
    expect(await exists('uploads/Uanonymous')).toBe(false);
  });

  it('refuses a policy document S3 cannot read (an unknown condition)', async () => {
    const odd = await createPresignedPost(signer, { Bucket: stack.bucket, Key: 'uploads/Uodd', Conditions: [['ends-with', '$key', 'odd'] as never], Expires: 60 });
    await expectRefused(() => postForm(odd.url, odd.fields, bytes), 400, 'InvalidPolicyDocument');
    expect(await exists('uploads/Uodd')).toBe(false);
  });
});
