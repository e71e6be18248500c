// One error type for the whole app; transports map `code` to an HTTP status or a socket ack.
export const errorStatus = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  // An upload over ATTACHMENT_MAX_BYTES, or a body over the request cap.
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  held_for_review: 403,
  internal: 500,
  // A method no endpoint serves (TRACE, PROPFIND…), refused before Next (server/http/early-errors.ts).
  not_implemented: 501,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export type ErrorBody = { code: ErrorCode; message: string; [extra: string]: unknown };

// server.ts and Next's bundled route handlers load this module separately (runtime.ts): an AppError thrown
// by a service built in one (a busy ConcurrencyLimit) must still be one to the other's `instanceof`, or a
// 503 turns into a 500. The brand is a global symbol, the same in every copy.
const APP_ERROR = Symbol.for('relay.AppError');

export class AppError extends Error {
  readonly [APP_ERROR] = true;

  static [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses (AccountLockedError) keep the ordinary prototype check.
    if (this !== AppError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && APP_ERROR in value;
  }

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The code a client is answered with for a thrown value: a known error's own, `internal` for the rest. */
export const errorCode = (error: unknown): ErrorCode => (error instanceof AppError ? error.code : 'internal');
