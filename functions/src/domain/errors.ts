/**
 * Typed domain errors. Handlers throw these (or let the domain throw them); ONE http middleware
 * maps them to the error body of API.md. The status lives here so the mapping cannot drift.
 */
export type ErrorCode =
  | 'invalid_input'
  | 'invalid_json'
  | 'invalid_upload'
  | 'outside_service_area'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'version_conflict'
  | 'invalid_transition'
  | 'upload_not_ready'
  | 'already_rated'
  | 'survey_expired'
  | 'consent_required'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'idempotency_key_reused'
  | 'idempotency_in_flight'
  | 'rate_limited'
  | 'method_not_allowed'
  | 'wechat_code_invalid'
  | 'already_bound'
  | 'upstream_unavailable'
  | 'emergency_first'
  | 'assist_taken'
  | 'already_applied'
  | 'unavailable';

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  invalid_json: 400,
  invalid_upload: 400,
  outside_service_area: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  version_conflict: 409,
  invalid_transition: 409,
  upload_not_ready: 409,
  already_rated: 409,
  survey_expired: 409,
  idempotency_in_flight: 409,
  consent_required: 403,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  rate_limited: 429,
  wechat_code_invalid: 400,
  already_bound: 409,
  upstream_unavailable: 503,
  /** the category's safety question was answered "danger now": call first; nothing filed */
  emergency_first: 422,
  /** an assist offer someone else filled first (or that ended) */
  assist_taken: 409,
  /** a responder application already waiting or approved */
  already_applied: 409,
  /** the store or object storage did not answer (after retries); always with Retry-After */
  unavailable: 503,
};

export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** only where API.md names another status for this code on one endpoint */
    status?: number,
  ) {
    super(message);
    this.name = 'DomainError';
    this.status = status ?? STATUS[code];
  }
}

export const invalidInput = (message: string, details?: unknown) => new DomainError('invalid_input', message, details);
export const forbidden = (message = '无权操作：不在您的管辖范围或角色之内') => new DomainError('forbidden', message);
export const notFound = (what = '记录') => new DomainError('not_found', `${what}不存在`);
export const invalidTransition = (message: string, details?: unknown) => new DomainError('invalid_transition', message, details);
