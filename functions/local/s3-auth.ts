/**
 * What S3 checks before a request reaches an object, for the local gateway in front of s3rver
 * (which verifies only Signature Version 2 and lets any Version 4 signature through): AWS
 * Signature Version 4, in a presigned query string or an Authorization header, recomputed with
 * the secret the links were signed with, and S3's clock rules for each.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A refusal in S3's terms: the status and the `<Code>` S3 answers with. */
export class S3Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const accessDenied = (message = 'Access Denied') => new S3Refusal(403, 'AccessDenied', message);
export const signatureMismatch = () =>
  new S3Refusal(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
const unsupportedMechanism = () =>
  // China regions (and every region opened since 2014) accept Signature Version 4 only.
  new S3Refusal(400, 'InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const errorXml = (e: S3Refusal, requestId: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message><RequestId>${requestId}</RequestId></Error>`;

/** Who may sign: the region of the bucket and the secret behind an access key id. */
export interface Signer {
  region: string;
  secretFor(accessKeyId: string): string | undefined;
}

export const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** S3's longest presigned lifetime (seven days) */
const MAX_EXPIRES_SECONDS = 604_800;
/** how far a header-signed request's clock, or a link's start, may be from S3's */
const MAX_SKEW_MS = 15 * 60_000;

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
export const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

export function signingKey(secret: string, date: string, region: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), 's3'), 'aws4_request');
}

/** Compares hex signatures in constant time. */
export function sameSignature(expected: string, provided: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(provided)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(provided, 'hex'));
}

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* unescaped). */
const uriEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new S3Refusal(400, 'InvalidURI', "Couldn't parse the specified URI.");
  }
}

/** S3 signs the path as the SDK encodes it: each segment once, never normalised. */
const canonicalUri = (rawPath: string) => rawPath.split('/').map((segment) => uriEncode(decode(segment))).join('/');

/** The query's parameters, decoded, in their order of appearance ('+' is a space, as S3 reads it). */
function queryPairs(rawQuery: string): Array<[string, string]> {
  return rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const [k, v] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
      return [decode(k.replace(/\+/g, ' ')), decode(v.replace(/\+/g, ' '))];
    });
}

function canonicalQuery(pairs: Array<[string, string]>): string {
  return pairs
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function canonicalHeaders(headers: IncomingHttpHeaders, signed: string[]): string {
  return signed
    .map((name) => {
      const raw = headers[name];
      const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
      return `${name}:${value.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
}

/** "yyyyMMdd'T'HHmmss'Z'" to a time, or NaN */
function parseAmzDate(s: string | undefined): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s ?? '');
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}

/**
 * Checks a credential scope (`<key id>/<yyyyMMdd>/<region>/s3/aws4_request`) against the request's
 * own date and the bucket's region, and returns the key that signs for it. `malformed` is the
 * code S3 uses for this mechanism's malformed parameters.
 */
export function signingKeyFor(credential: string, amzDate: string, signer: Signer, malformed: (m: string) => S3Refusal): { key: Buffer; scope: string } {
  const [keyId = '', date = '', region = '', service, terminal, ...rest] = credential.split('/');
  if (rest.length || service !== 's3' || terminal !== 'aws4_request' || !/^\d{8}$/.test(date)) {
    throw malformed(`Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
  }
  if (Number.isNaN(parseAmzDate(amzDate))) throw malformed("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  if (date !== amzDate.slice(0, 8)) throw malformed('Invalid credential date. Date is not the same as X-Amz-Date.');
  if (region !== signer.region) throw malformed(`Error parsing the X-Amz-Credential parameter; the region '${region}' is wrong; expecting '${signer.region}'`);
  const secret = signer.secretFor(keyId);
  if (secret === undefined) throw new S3Refusal(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  return { key: signingKey(secret, date, region), scope: `${date}/${region}/s3/aws4_request` };
}

export interface SignedRequest {
  method: string;
  /** the request target as received: path and query, still encoded */
  url: string;
  headers: IncomingHttpHeaders;
}

export type AuthMechanism = 'query' | 'header' | 'none';

/** Which way a request is signed; S3 refuses two ways at once, and Signature Version 2. */
export function authMechanism(req: SignedRequest): AuthMechanism {
  const names = new Set(queryPairs(queryOf(req.url)).map(([k]) => k));
  const auth = req.headers.authorization;
  if (names.has('Signature') || names.has('AWSAccessKeyId') || auth?.startsWith('AWS ')) throw unsupportedMechanism();
  const query = names.has('X-Amz-Algorithm') || names.has('X-Amz-Signature') || names.has('X-Amz-Credential');
  if (query && auth !== undefined) {
    throw new S3Refusal(400, 'InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified');
  }
  return query ? 'query' : auth !== undefined ? 'header' : 'none';
}

const queryOf = (url: string) => (url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
const pathOf = (url: string) => (url.includes('?') ? url.slice(0, url.indexOf('?')) : url);

/** What the signature says about the body: nothing, or the SHA-256 the body must have. */
export interface PayloadClaim {
  sha256?: string;
}

function payloadClaim(hash: string, malformed: (m: string) => S3Refusal): PayloadClaim {
  if (hash === UNSIGNED_PAYLOAD) return {};
  if (/^[0-9a-f]{64}$/.test(hash)) return { sha256: hash };
  if (hash.startsWith('STREAMING-')) throw new S3Refusal(501, 'NotImplemented', 'The local gateway does not verify aws-chunked (streaming) signatures; sign the payload or use UNSIGNED-PAYLOAD.');
  throw malformed('x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, or a valid sha256 value.');
}

function checkSignature(req: SignedRequest, pairs: Array<[string, string]>, signedHeaders: string, payloadHash: string, amzDate: string, scope: { key: Buffer; scope: string }, provided: string) {
  const canonical = [req.method, canonicalUri(pathOf(req.url)), canonicalQuery(pairs), canonicalHeaders(req.headers, signedHeaders.split(';')), signedHeaders, payloadHash].join('\n');
  const stringToSign = [ALGORITHM, amzDate, scope.scope, sha256Hex(canonical)].join('\n');
  if (!sameSignature(createHmac('sha256', scope.key).update(stringToSign, 'utf8').digest('hex'), provided)) throw signatureMismatch();
}

const queryMalformed = (m: string) => new S3Refusal(400, 'AuthorizationQueryParametersError', m);

/**
 * A presigned URL (GET, HEAD, PUT...): every X-Amz-* parameter present, the signature over the
 * request as received (so an edited expiry, key or method fails it), then the link's lifetime.
 * The signature is checked first: only the holder of a genuine link learns that it expired.
 */
export function verifyPresigned(req: SignedRequest, signer: Signer, now: Date): PayloadClaim {
  const pairs = queryPairs(queryOf(req.url));
  const q = new Map(pairs);
  const required = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'];
  if (required.some((k) => !q.has(k))) {
    throw queryMalformed('Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
  }
  if (q.get('X-Amz-Algorithm') !== ALGORITHM) throw queryMalformed(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
  const amzDate = q.get('X-Amz-Date')!;
  const expiresRaw = q.get('X-Amz-Expires')!;
  if (!/^\d+$/.test(expiresRaw)) throw queryMalformed('X-Amz-Expires should be a number');
  const expires = Number(expiresRaw);
  if (expires > MAX_EXPIRES_SECONDS) throw queryMalformed('X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds');
  const signedHeaders = q.get('X-Amz-SignedHeaders')!;
  if (!signedHeaders.split(';').includes('host')) throw queryMalformed('Query-string authentication requires the host header to be signed.');
  const payloadHash = q.get('X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD;
  const claim = payloadClaim(payloadHash, queryMalformed);
  const scope = signingKeyFor(q.get('X-Amz-Credential')!, amzDate, signer, queryMalformed);
  checkSignature(req, pairs, signedHeaders, payloadHash, amzDate, scope, q.get('X-Amz-Signature')!);
  const signedAt = parseAmzDate(amzDate);
  if (signedAt - now.getTime() > MAX_SKEW_MS) throw accessDenied('Request is not valid yet');
  if (now.getTime() > signedAt + expires * 1000) throw accessDenied('Request has expired');
  return claim;
}

const headerMalformed = (m: string) => new S3Refusal(400, 'AuthorizationHeaderMalformed', m);

/**
 * An Authorization header (`AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`):
 * the signature over the request, and the request's clock within S3's 15 minutes. The payload
 * hash is part of what is signed; when it is a real hash, the caller checks the body against it.
 */
export function verifyAuthorizationHeader(req: SignedRequest, signer: Signer, now: Date): PayloadClaim {
  const auth = req.headers.authorization ?? '';
  if (!auth.startsWith(`${ALGORITHM} `)) throw unsupportedMechanism();
  const parts = new Map(
    auth
      .slice(ALGORITHM.length + 1)
      .split(',')
      .map((p) => p.trim().split('=', 2) as [string, string | undefined]),
  );
  const credential = parts.get('Credential');
  const signedHeaders = parts.get('SignedHeaders');
  const signature = parts.get('Signature');
  if (!credential || !signedHeaders || !signature || parts.size !== 3) {
    throw headerMalformed('The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.');
  }
  if (!signedHeaders.split(';').includes('host')) throw headerMalformed('The authorization header is malformed; the host header must be signed.');
  const payloadHash = req.headers['x-amz-content-sha256'];
  if (typeof payloadHash !== 'string') throw new S3Refusal(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  const claim = payloadClaim(payloadHash, (m) => new S3Refusal(400, 'InvalidArgument', m));
  const amzDate = req.headers['x-amz-date'];
  if (typeof amzDate !== 'string' || Number.isNaN(parseAmzDate(amzDate))) throw accessDenied('AWS authentication requires a valid Date or x-amz-date header');
  const scope = signingKeyFor(credential, amzDate, signer, headerMalformed);
  checkSignature(req, queryPairs(queryOf(req.url)), signedHeaders, payloadHash, amzDate, scope, signature);
  if (Math.abs(now.getTime() - parseAmzDate(amzDate)) > MAX_SKEW_MS) {
    throw new S3Refusal(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
  }
  return claim;
}
