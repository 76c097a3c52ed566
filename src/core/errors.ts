// CofferError: the one error class of the library. Every error the library
// throws is built here, so codes, statuses and message style stay in one
// place. Messages are one line for people; the `code` is the contract.
// INVARIANT: no constructor here takes a secret value, so none can leak one.
// The decision behind a refusal rides along in a private slot: the audit
// event reads it, but no log, JSON or HTTP body can (docs/errors.md).

import type { Decision } from './decision.js';

/** The stable codes of {@link CofferError}; `code` is the contract, the message is for people. */
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
  | 'CORRUPT'
  | 'INTERNAL';

/** The HTTP-style status of each code. */
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
  INTERNAL: 500,
});

/** One problem in a malformed input: a JSON pointer into the input and a sentence. */
export interface ErrorDetail {
  /** A JSON pointer (RFC 6901) into the input, such as `/condition/ipAddress`; `""` for the input as a whole. */
  readonly pointer: string;
  /** One sentence saying what is wrong there; never holds a secret value. */
  readonly message: string;
}

/** Why the storage failed: another holder has the store open (`locked`), or anything else (`io`). */
export type StorageReason = 'locked' | 'io';

/**
 * The optional fields of a {@link CofferError}, as its constructor takes them.
 * @inline
 */
export interface CofferErrorOptions {
  /** For `VALIDATION`: every problem (the error keeps at most 100, then one entry counting the rest). */
  readonly details?: readonly ErrorDetail[];
  /** For `APPROVAL_REQUIRED`: the policies that would grant after an approval. */
  readonly policyIds?: readonly string[];
  /** For `STORAGE`: `locked` or `io`. */
  readonly reason?: StorageReason;
  /** The original error, kept as the error's `cause`. */
  readonly cause?: unknown;
}

/** At most this many problems are listed in `details`; one more entry says how many were left out. */
export const MAX_DETAILS = 100;

// Set in the class's static block: the only ways to reach the private slots.
let attachDecision: (error: CofferError, decision: Decision) => void;
let readDecision: (error: CofferError) => Decision | undefined;
let readAllDetails: (error: CofferError) => readonly ErrorDetail[] | undefined;

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * The one error class of coffer: a stable `code`, an HTTP-style `status`, a
 * one-line `message` that never holds a secret value, and where it applies
 * `details` (every problem of a malformed input, with JSON pointers),
 * `policyIds` (the policies an approval is needed under) or `reason` (for
 * `STORAGE`). The original error, when there is one, is `cause`.
 */
export class CofferError extends Error {
  /** The contract: see docs/errors.md for every code. */
  readonly code: ErrorCode;
  /** The HTTP status that fits the code (400, 403, 404, 409, 500, 503). */
  readonly status: number;
  // `declare`: own properties only when present (no `policyIds: undefined` in every log).
  /** For `VALIDATION`: every problem (at most 100, then one entry with pointer `""` counting the rest). */
  declare readonly details?: readonly ErrorDetail[];
  /** For `APPROVAL_REQUIRED`: the policies that would grant after an approval, by name then id. */
  declare readonly policyIds?: readonly string[];
  /** For `STORAGE`: `locked` when another process or store holds the storage, else `io`. */
  declare readonly reason?: StorageReason;
  #decision: Decision | undefined;
  /** Every problem, before `details` was capped (a parser that collects another's problems counts them all). */
  #allDetails: readonly ErrorDetail[] | undefined;

  static {
    attachDecision = (error, decision) => {
      error.#decision = decision;
    };
    readDecision = (error) => error.#decision;
    readAllDetails = (error) => error.#allDetails;
  }

  /**
   * Builds an error whose `status` follows from its `code`. coffer makes the
   * errors it throws itself; a host mostly reads them.
   * @param code - The stable code (see docs/errors.md).
   * @param message - One line for people; never a secret value.
   * @param options - `details`, `policyIds`, `reason` and `cause`, where they apply.
   */
  constructor(code: ErrorCode, message: string, options: CofferErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CofferError';
    this.code = code;
    this.status = STATUS_OF_CODE[code];
    if (options.details !== undefined) {
      this.#allDetails = options.details;
      this.details = Object.freeze(capDetails(options.details).map((d) => Object.freeze({ pointer: d.pointer, message: d.message })));
    }
    if (options.policyIds !== undefined) this.policyIds = Object.freeze([...options.policyIds]);
    if (options.reason !== undefined) this.reason = options.reason;
  }

  /** What a log or an HTTP body may hold: name, code, status, message, and details / policyIds / reason when present. */
  toJSON(): {
    /** Always `CofferError`. */
    name: string;
    /** The stable code. */
    code: ErrorCode;
    /** The HTTP-style status of the code. */
    status: number;
    /** The one-line message. */
    message: string;
    /** For `VALIDATION`: the problems, at most 100 plus one counting the rest. */
    details?: ErrorDetail[];
    /** For `APPROVAL_REQUIRED`: the policies that would grant after an approval. */
    policyIds?: string[];
    /** For `STORAGE`: `locked` or `io`. */
    reason?: StorageReason
  } {
    const out: ReturnType<CofferError['toJSON']> = { name: this.name, code: this.code, status: this.status, message: this.message };
    if (this.details !== undefined) out.details = this.details.map((d) => ({ pointer: d.pointer, message: d.message }));
    if (this.policyIds !== undefined) out.policyIds = [...this.policyIds];
    if (this.reason !== undefined) out.reason = this.reason;
    return out;
  }

  /** `util.inspect`: the stack, the public fields and the cause; never the decision behind a refusal. */
  [INSPECT](depth: number, options: { stylize?: unknown }, inspect?: (value: unknown, options: unknown) => string): string {
    const { name: _name, message: _message, ...fields } = this.toJSON();
    const shown: Record<string, unknown> = { ...fields };
    if (this.cause !== undefined) shown.cause = this.cause;
    const body = typeof inspect === 'function' ? inspect(shown, { ...options, depth: depth < 0 ? 0 : depth }) : JSON.stringify(fields);
    return `${this.stack ?? `${this.name}: ${this.message}`} ${body}`;
  }
}

/** The decision that refused an operation (FORBIDDEN, APPROVAL_REQUIRED), when a decision did. */
export function decisionOfRefusal(error: unknown): Decision | undefined {
  return error instanceof CofferError ? readDecision(error) : undefined;
}

/** Every problem of a VALIDATION, uncapped (what `details` lists is capped at MAX_DETAILS). */
export function allDetailsOf(error: CofferError): readonly ErrorDetail[] {
  return readAllDetails(error) ?? error.details ?? [];
}

/** Keeps the first MAX_DETAILS problems and says how many more there were. */
function capDetails(details: readonly ErrorDetail[]): readonly ErrorDetail[] {
  if (details.length <= MAX_DETAILS) return details;
  const left = details.length - MAX_DETAILS;
  return [...details.slice(0, MAX_DETAILS), { pointer: '', message: `and ${left} more problem${left === 1 ? '' : 's'} not listed` }];
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

export function forbidden(action: string, target: string, decision?: Decision): CofferError {
  const error = new CofferError('FORBIDDEN', `Not allowed to ${action} \`${target}\``);
  if (decision !== undefined) attachDecision(error, decision);
  return error;
}

export function approvalRequired(action: string, target: string, policyIds: readonly string[], decision?: Decision): CofferError {
  const error = new CofferError('APPROVAL_REQUIRED', `An approval is needed to ${action} \`${target}\``, { policyIds });
  if (decision !== undefined) attachDecision(error, decision);
  return error;
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

export function storageFailure(message: string, cause?: unknown, reason: StorageReason = 'io'): CofferError {
  return new CofferError('STORAGE', message, { cause, reason });
}

export function corrupt(message: string, cause?: unknown): CofferError {
  return new CofferError('CORRUPT', message, { cause });
}

/** An unexpected failure inside coffer (a bug): the original error is the cause, its text is not shown. */
export function internalError(cause: unknown): CofferError {
  return new CofferError('INTERNAL', 'An unexpected error occurred inside coffer', { cause });
}
