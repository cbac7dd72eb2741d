/**
 * The object-storage side of the local gateway: the bucket's path-style URLs, checked the way S3
 * checks them (s3-auth.ts, s3-post-policy.ts), then passed to s3rver.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { config } from '#config';
import { s3Public } from '#store/clients';
import { accessDenied, authMechanism, errorXml, S3Refusal, sha256Hex, verifyAuthorizationHeader, verifyPresigned, type Signer } from '#local/s3-auth';
import { FORM_FIELDS_MAX_BYTES, verifyPostUpload } from '#local/s3-post-policy';

/**
 * Path-style bucket URLs pass through to s3rver after the checks S3 makes and s3rver does not.
 * The cloud bucket blocks public access, so only CORS preflights, presigned URLs, header-signed
 * requests and presigned form uploads get through, each verified against the credentials the
 * backend signs with. The backend's own SDK calls go to s3rver directly, not through here.
 */
export async function proxyToS3(req: IncomingMessage, res: ServerResponse, target: URL, url: URL, bucket: string) {
  try {
    // CORS preflights carry no credentials, in S3 as here; s3rver answers from the bucket's rules.
    if (req.method === 'OPTIONS') return forwardToS3(req, res, target);
    const now = new Date();
    const signer = await s3Signer();
    if (req.method === 'POST' && url.pathname === `/${bucket}` && url.search === '') {
      const body = await readUpTo(req, config.uploadMaxBytes + FORM_FIELDS_MAX_BYTES);
      if (!body) throw new S3Refusal(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
      const form = await verifyPostUpload(body, req.headers['content-type'], bucket, signer, now);
      const rebuilt = new Response(form);
      return forwardToS3(req, res, target, { body: Buffer.from(await rebuilt.arrayBuffer()), contentType: rebuilt.headers.get('content-type')! });
    }
    const signed = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers };
    const mechanism = authMechanism(signed);
    if (mechanism === 'none') throw accessDenied();
    const claim = mechanism === 'query' ? verifyPresigned(signed, signer, now) : verifyAuthorizationHeader(signed, signer, now);
    if (claim.sha256 === undefined) return forwardToS3(req, res, target);
    // a signed payload hash: S3 stores the body only if it has that hash
    const body = await readUpTo(req, config.uploadMaxBytes);
    if (!body) throw new S3Refusal(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    if (sha256Hex(body) !== claim.sha256) throw new S3Refusal(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    return forwardToS3(req, res, target, { body });
  } catch (e) {
    if (!(e instanceof S3Refusal)) throw e;
    const requestId = randomUUID();
    res.writeHead(e.status, {
      'content-type': 'application/xml',
      'x-amz-request-id': requestId,
      // the bucket's CORS rule (engines.ts) allows any origin, and S3 applies it to refusals too,
      // so a browser can read why its upload was refused
      ...(req.headers.origin ? { 'access-control-allow-origin': '*', vary: 'Origin' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : errorXml(e, requestId));
  }
}

/** The body, or null when it is larger than `limit` (read on to the end, so the refusal can be sent). */
async function readUpTo(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size <= limit ? Buffer.concat(chunks) : null;
}

/** Passes the request to s3rver: streamed as received, or with a body the checks produced. */
function forwardToS3(req: IncomingMessage, res: ServerResponse, target: URL, replaced?: { body: Buffer; contentType?: string }) {
  // s3rver reads a Host that is not an IP address as a virtual-hosted bucket name; pinned to its
  // own address, it sees exactly the path-style bucket and key that were checked here.
  const headers = { ...req.headers, host: target.host };
  if (replaced) {
    delete headers['transfer-encoding'];
    delete headers.expect;
    headers['content-length'] = String(replaced.body.length);
    if (replaced.contentType) headers['content-type'] = replaced.contentType;
  }
  const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  upstream.on('error', () => {
    if (res.headersSent) return void res.end();
    res.writeHead(502, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error: { code: 'storage_unavailable', message: '对象存储不可用' } }));
  });
  if (replaced) upstream.end(replaced.body);
  else req.pipe(upstream);
}

/** The identity the backend signs links and upload policies with (clients.ts), read once. */
let signer: Promise<Signer> | undefined;
const s3Signer = () =>
  (signer ??= Promise.resolve(s3Public.config.credentials()).then((c) => ({
    region: config.region,
    secretFor: (id: string) => (id === c.accessKeyId ? c.secretAccessKey : undefined),
  })));
