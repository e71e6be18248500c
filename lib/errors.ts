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
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export type ErrorBody = { code: ErrorCode; message: string; [extra: string]: unknown };

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Turns any thrown value into a safe body: known errors keep their code, the rest say `internal`. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) return { code: error.code, message: error.message, ...error.extra };
  console.error('[relay] unexpected error', error);
  return { code: 'internal', message: 'Something went wrong on our side.' };
}
