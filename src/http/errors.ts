// The HTTP layer's own refusals (no principal, a method a route does not
// take, a body too large or not JSON, an unknown route) and how every error
// becomes a response: the status and a JSON body `{ code, message, details?,
// policyIds? }` — never the decision behind a refusal, never internals.

import { CofferError, type ErrorCode, type ErrorDetail } from '../core/errors.js';

/** The codes of the HTTP layer, besides CofferError's. */
export type HttpErrorCode = 'UNAUTHENTICATED' | 'METHOD_NOT_ALLOWED' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'REQUEST_TIMEOUT' | 'BAD_REQUEST' | 'NOT_FOUND' | 'VALIDATION';

/** A refusal of the HTTP layer itself. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
    readonly details?: readonly ErrorDetail[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The JSON body of an error response. */
export interface ErrorBody {
  /** A CofferError's code, or one of the HTTP layer's. */
  readonly code: ErrorCode | HttpErrorCode;
  /** One line for people; never a secret value, never internals. */
  readonly message: string;
  /** For VALIDATION: every problem with its JSON pointer (at most 100, then a count). */
  readonly details?: readonly ErrorDetail[];
  /** For APPROVAL_REQUIRED: the policies an approval can be asked under. */
  readonly policyIds?: readonly string[];
}

/** The status, headers and body of the response an error gives. An unexpected error is 500 INTERNAL, with nothing of it shown. */
export function errorResponse(error: unknown): { status: number; headers: Readonly<Record<string, string>>; body: ErrorBody } {
  if (error instanceof HttpError) {
    return { status: error.status, headers: error.headers, body: { code: error.code, message: error.message, ...(error.details !== undefined ? { details: error.details } : {}) } };
  }
  if (error instanceof CofferError) {
    const body: { -readonly [K in keyof ErrorBody]: ErrorBody[K] } = { code: error.code, message: error.message };
    if (error.details !== undefined) body.details = error.details;
    if (error.policyIds !== undefined) body.policyIds = error.policyIds;
    return { status: error.status, headers: {}, body };
  }
  return { status: 500, headers: {}, body: { code: 'INTERNAL', message: 'An unexpected error occurred' } };
}
