// CofferError: the one error class of the library (SPEC §10). Every error the
// library throws is built here, so codes, statuses and message style stay in
// one place. Messages are one line for people; the `code` is the contract.
// INVARIANT: no constructor here takes a secret value, so none can leak one.

export type ErrorCode =
  | 'VALIDATION'
  | 'FORBIDDEN'
  | 'APPROVAL_REQUIRED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'NOT_EMPTY'
  | 'CONFLICT'
  | 'READ_ONLY'
  | 'WRONG_KEY'
  | 'CLOSED'
  | 'STORAGE'
  | 'CORRUPT';

export const STATUS_OF_CODE: Readonly<Record<ErrorCode, number>> = Object.freeze({
  VALIDATION: 400,
  FORBIDDEN: 403,
  APPROVAL_REQUIRED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  NOT_EMPTY: 409,
  CONFLICT: 409,
  READ_ONLY: 409,
  WRONG_KEY: 403,
  CLOSED: 503,
  STORAGE: 503,
  CORRUPT: 500,
});

/** One problem in a malformed input: a JSON pointer into the input and a sentence. */
export interface ErrorDetail {
  readonly pointer: string;
  readonly message: string;
}

export interface CofferErrorOptions {
  readonly details?: readonly ErrorDetail[];
  readonly policyIds?: readonly string[];
  readonly cause?: unknown;
}

export class CofferError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: readonly ErrorDetail[];
  readonly policyIds?: readonly string[];

  constructor(code: ErrorCode, message: string, options: CofferErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CofferError';
    this.code = code;
    this.status = STATUS_OF_CODE[code];
    if (options.details !== undefined) this.details = Object.freeze(options.details.map((d) => Object.freeze({ ...d })));
    if (options.policyIds !== undefined) this.policyIds = Object.freeze([...options.policyIds]);
  }
}

export function isCofferError(value: unknown): value is CofferError {
  return value instanceof CofferError;
}

// ---------------------------------------------------------------- constructors

/** VALIDATION with every problem; `details` is never empty. */
export function validationError(details: readonly ErrorDetail[]): CofferError {
  const list = details.length > 0 ? details : [{ pointer: '', message: 'the input is malformed' }];
  const first = list[0]!;
  const more = list.length > 1 ? ` (and ${list.length - 1} more)` : '';
  const where = first.pointer === '' ? '' : ` at \`${first.pointer}\``;
  return new CofferError('VALIDATION', `Invalid input${where}: ${first.message}${more}`, { details: list });
}

export function invalid(pointer: string, message: string): CofferError {
  return validationError([{ pointer, message }]);
}

export function forbidden(action: string, target: string): CofferError {
  return new CofferError('FORBIDDEN', `Not allowed to ${action} \`${target}\``);
}

export function approvalRequired(action: string, target: string, policyIds: readonly string[]): CofferError {
  return new CofferError('APPROVAL_REQUIRED', `An approval is needed to ${action} \`${target}\``, { policyIds });
}

export function notFound(what: string, target: string): CofferError {
  return new CofferError('NOT_FOUND', `No ${what} \`${target}\``);
}

export function alreadyExists(what: string, target: string): CofferError {
  return new CofferError('ALREADY_EXISTS', `${what} \`${target}\` already exists`);
}

export function notEmpty(path: string): CofferError {
  return new CofferError('NOT_EMPTY', `Directory \`${path}\` is not empty`);
}

export function conflict(message: string): CofferError {
  return new CofferError('CONFLICT', message);
}

export function readOnly(target: string): CofferError {
  return new CofferError('READ_ONLY', `Policy \`${target}\` is built in and read-only`);
}

export function wrongKey(): CofferError {
  return new CofferError('WRONG_KEY', 'The key does not open this store');
}

export function closed(): CofferError {
  return new CofferError('CLOSED', 'The store is closed');
}

export function storageFailure(message: string, cause?: unknown): CofferError {
  return new CofferError('STORAGE', message, { cause });
}

export function corrupt(message: string, cause?: unknown): CofferError {
  return new CofferError('CORRUPT', message, { cause });
}
