/**
 * Browser form uploads (presigned POST), checked the way S3 checks them before it stores
 * anything: the policy's signature, its expiration, and every condition — bucket, key, content
 * type, the file's size — plus S3's rule that no form field may go unmentioned by the policy.
 * s3rver checks none of this. What passes is rebuilt into a fresh form holding only what was
 * checked, so s3rver's own multipart parser cannot read a different key than the one verified.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
 */
import { createHmac } from 'node:crypto';
import { accessDenied, ALGORITHM, S3Refusal, sameSignature, signatureMismatch, signingKeyFor, type Signer } from '#local/s3-auth';

/** S3: the form's fields and boundaries, without the file, may not exceed 20 KB. */
export const FORM_FIELDS_MAX_BYTES = 20 * 1024;

/** fields that authenticate the form or name the bucket; S3 does not store them with the object */
const AUTH_FIELDS = new Set(['policy', 'x-amz-signature', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-security-token', 'bucket']);

const invalidArgument = (m: string) => new S3Refusal(400, 'InvalidArgument', m);
const invalidPolicy = (m: string) => new S3Refusal(400, 'InvalidPolicyDocument', `Invalid Policy: ${m}`);
const conditionFailed = (c: unknown) => accessDenied(`Invalid according to Policy: Policy Condition failed: ${JSON.stringify(c)}`);

interface Form {
  /** by lower-cased name (S3 reads form field names without regard to case) */
  fields: Map<string, { name: string; value: string }>;
  file: Blob;
  fileName: string;
}

/** The fields before the file (S3 ignores whatever follows it), and the one file. */
async function parseForm(body: Buffer, contentType: string | undefined): Promise<Form> {
  if (!contentType?.toLowerCase().startsWith('multipart/form-data')) {
    throw new S3Refusal(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold: Bucket POST must be of the enclosure-type multipart/form-data');
  }
  let entries: FormData;
  try {
    entries = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new S3Refusal(400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
  }
  const fields = new Map<string, { name: string; value: string }>();
  let file: { blob: Blob; name: string } | undefined;
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (lower === 'file') {
      if (file) throw invalidArgument('POST requires exactly one file upload per request.');
      file = typeof value === 'string' ? { blob: new Blob([value]), name: 'file' } : { blob: value, name: value.name };
      continue;
    }
    if (file) continue;
    if (typeof value !== 'string') throw invalidArgument(`POST requires exactly one file upload per request; "${name}" is a second file.`);
    if (fields.has(lower)) throw invalidArgument(`The form field "${name}" appears more than once.`);
    fields.set(lower, { name, value });
  }
  if (!file) throw invalidArgument('POST requires exactly one file upload per request.');
  return { fields, file: file.blob, fileName: file.name };
}

interface Policy {
  expiration: string;
  conditions: unknown[];
}

function decodePolicy(base64: string): Policy {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('the policy is not base64-encoded JSON.');
  }
  const p = doc as Partial<Policy> | null;
  if (typeof p?.expiration !== 'string' || !Array.isArray(p.conditions)) throw invalidPolicy('a policy needs "expiration" and "conditions".');
  return p as Policy;
}

/** One condition checked against the form; returns the field it covers. */
function checkCondition(c: unknown, value: (field: string) => string | undefined, size: number): string | undefined {
  if (c && typeof c === 'object' && !Array.isArray(c)) {
    const entries = Object.entries(c);
    if (entries.length !== 1 || typeof entries[0]![1] !== 'string') throw invalidPolicy(`Invalid Simple-Condition: ${JSON.stringify(c)}`);
    const [field, expected] = entries[0] as [string, string];
    if (value(field.toLowerCase()) !== expected) throw conditionFailed(c);
    return field.toLowerCase();
  }
  if (!Array.isArray(c) || c.length !== 3 || typeof c[0] !== 'string') throw invalidPolicy(`Invalid Condition: ${JSON.stringify(c)}`);
  const op = c[0].toLowerCase();
  if (op === 'content-length-range') {
    const [min, max] = [Number(c[1]), Number(c[2])];
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) throw invalidPolicy(`Invalid content-length-range: ${JSON.stringify(c)}`);
    if (size < min) throw new S3Refusal(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size');
    if (size > max) throw new S3Refusal(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    return undefined;
  }
  const [, ref, expected] = c;
  if ((op !== 'eq' && op !== 'starts-with') || typeof ref !== 'string' || !ref.startsWith('$') || typeof expected !== 'string') {
    throw invalidPolicy(`Invalid Condition: ${JSON.stringify(c)}`);
  }
  const field = ref.slice(1).toLowerCase();
  const actual = value(field);
  const ok =
    op === 'eq'
      ? actual === expected
      : // a Content-Type may list several types; S3 wants each to match
        (field === 'content-type' ? (actual ?? '').split(',').map((t) => t.trim()) : [actual ?? '']).every((v) => v.startsWith(expected));
  if (!ok) throw conditionFailed(c);
  return field;
}

/**
 * Verifies a presigned POST to `bucket` and returns the form to store (the object's key, its
 * content type and metadata, then the file), or throws the refusal S3 would answer with.
 */
export async function verifyPostUpload(body: Buffer, contentType: string | undefined, bucket: string, signer: Signer, now: Date): Promise<FormData> {
  const form = await parseForm(body, contentType);
  const field = (name: string) => form.fields.get(name)?.value;
  const policy64 = field('policy');
  if (policy64 === undefined) throw accessDenied('Access Denied: the bucket does not accept anonymous uploads');
  if (field('x-amz-algorithm') !== ALGORITHM) {
    throw new S3Refusal(400, 'InvalidRequest', `The authorization mechanism you have provided is not supported. Please use ${ALGORITHM}.`);
  }
  for (const required of ['x-amz-credential', 'x-amz-date', 'x-amz-signature', 'key']) {
    if (!field(required)) throw invalidArgument(`Bucket POST must contain a field named '${required}'. If it is specified, please check the order of the fields.`);
  }
  const scope = signingKeyFor(field('x-amz-credential')!, field('x-amz-date')!, signer, invalidArgument);
  if (!sameSignature(createHmac('sha256', scope.key).update(policy64, 'utf8').digest('hex'), field('x-amz-signature')!)) throw signatureMismatch();

  const policy = decodePolicy(policy64);
  const expiration = Date.parse(policy.expiration);
  if (Number.isNaN(expiration)) throw invalidPolicy(`Invalid 'expiration' value: '${policy.expiration}'`);
  if (now.getTime() > expiration) throw accessDenied('Invalid according to Policy: Policy expired.');
  const formBucket = field('bucket');
  if (formBucket !== undefined && formBucket !== bucket) throw accessDenied(`Invalid according to Policy: the form names bucket "${formBucket}", the request bucket "${bucket}".`);
  const valueOf = (name: string) => (name === 'bucket' ? bucket : field(name));
  const covered = new Set<string>();
  for (const c of policy.conditions) {
    const f = checkCondition(c, valueOf, form.file.size);
    if (f) covered.add(f);
  }
  const extra = [...form.fields.values()].filter(({ name }) => {
    const lower = name.toLowerCase();
    return lower !== 'policy' && lower !== 'x-amz-signature' && !lower.startsWith('x-ignore-') && !covered.has(lower);
  });
  if (extra.length) throw accessDenied(`Invalid according to Policy: Extra input fields: ${extra.map((f) => f.name).join(', ')}`);

  const out = new FormData();
  for (const [lower, { name, value }] of form.fields) {
    if (AUTH_FIELDS.has(lower) || lower.startsWith('x-ignore-')) continue;
    // s3rver takes the key only from a field named exactly "key"
    out.append(lower === 'key' ? 'key' : name, value);
  }
  out.append('file', form.file, form.fileName);
  return out;
}
