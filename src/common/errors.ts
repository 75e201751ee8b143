/** Stable error codes of the HTTP API. Messages never carry user data. */
export enum ErrorCode {
  InvalidRequest = 'invalid_request',
  InvalidJson = 'invalid_json',
  PayloadTooLarge = 'payload_too_large',
  UriTooLong = 'uri_too_long',
  HeadersTooLarge = 'headers_too_large',
  RequestTimeout = 'request_timeout',
  UnsupportedMediaType = 'unsupported_media_type',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  TokenSpaceExhausted = 'token_space_exhausted',
  RateLimited = 'rate_limited',
  RevealBudgetExceeded = 'reveal_budget_exceeded',
  DatabaseUnavailable = 'database_unavailable',
  NotReady = 'not_ready',
  KeyUnavailable = 'key_unavailable',
  UpstreamNotConfigured = 'upstream_not_configured',
  UpstreamUnreachable = 'upstream_unreachable',
  UpstreamTimeout = 'upstream_timeout',
  Internal = 'internal',
}

export function statusFor(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.InvalidRequest:
    case ErrorCode.InvalidJson:
      return 400;
    case ErrorCode.Unauthenticated:
      return 401;
    case ErrorCode.Forbidden:
      return 403;
    case ErrorCode.NotFound:
      return 404;
    case ErrorCode.Conflict:
    case ErrorCode.TokenSpaceExhausted:
      return 409;
    case ErrorCode.PayloadTooLarge:
      return 413;
    case ErrorCode.UriTooLong:
      return 414;
    case ErrorCode.HeadersTooLarge:
      return 431;
    case ErrorCode.RequestTimeout:
      return 408;
    case ErrorCode.UnsupportedMediaType:
      return 415;
    case ErrorCode.RateLimited:
    case ErrorCode.RevealBudgetExceeded:
      return 429;
    case ErrorCode.DatabaseUnavailable:
    case ErrorCode.NotReady:
    case ErrorCode.KeyUnavailable:
    case ErrorCode.UpstreamNotConfigured:
      return 503;
    case ErrorCode.UpstreamUnreachable:
      return 502;
    case ErrorCode.UpstreamTimeout:
      return 504;
    case ErrorCode.Internal:
      return 500;
  }
}

/** A domain error that maps to one HTTP response. */
export class VaultError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Too many requests: answered 429 with a Retry-After header of whole seconds. */
export class TooManyRequestsError extends VaultError {
  constructor(
    code: ErrorCode.RateLimited | ErrorCode.RevealBudgetExceeded,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message, { retryAfterSeconds });
  }
}
