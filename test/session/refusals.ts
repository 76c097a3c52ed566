// Helpers of the session suites for refusals (SPEC §10): a call's outcome as a
// code, the error of an expected refusal, the pointers of a VALIDATION, and a
// check that an error never holds a secret value.

import { inspect } from 'node:util';
import { expect } from 'vitest';
import { CofferError, type ErrorCode } from '../../src/index.js';

/** SPEC §10: the status of each code. */
export const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
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
};

/** A call: a promise, or a function that returns one (or throws at once, as `store.as` may). */
export type Call = Promise<unknown> | (() => unknown);

/** Runs a call to the end: its value, or what it threw or rejected with. */
export async function settle(call: Call): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await (typeof call === 'function' ? call() : call) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** `'ok'`, or the code of the CofferError the call failed with (anything else is a test failure). */
export async function outcomeOf(call: Call): Promise<string> {
  const settled = await settle(call);
  if (settled.ok) return 'ok';
  if (!(settled.error instanceof CofferError)) throw settled.error;
  return settled.error.code;
}

/** Expects the call to fail with a CofferError of `code` and its status; returns the error. */
export async function refusal(call: Call, code: ErrorCode): Promise<CofferError> {
  const settled = await settle(call);
  if (settled.ok) throw new Error(`expected a CofferError ${code}, but the call succeeded with ${JSON.stringify(settled.value)}`);
  const error = settled.error;
  if (!(error instanceof CofferError)) throw new Error(`expected a CofferError ${code}, got ${inspect(error)}`);
  expect(error.code, error.message).toBe(code);
  expect(error.status).toBe(STATUS_OF[code]);
  return error;
}

/** The pointers of a VALIDATION error, after checking that details is `[{ pointer, message }]` and never empty. */
export function pointersOf(error: CofferError): string[] {
  const details = error.details;
  expect(Array.isArray(details), `details must be an array: ${error.message}`).toBe(true);
  expect(details!.length, 'details is never empty').toBeGreaterThan(0);
  for (const detail of details!) {
    expect(Object.keys(detail).sort()).toEqual(['message', 'pointer']);
    expect(typeof detail.pointer).toBe('string');
    expect(detail.pointer === '' || detail.pointer.startsWith('/'), `\`${detail.pointer}\` is a JSON pointer`).toBe(true);
    expect(typeof detail.message).toBe('string');
    expect(detail.message.length).toBeGreaterThan(0);
  }
  return details!.map((d) => d.pointer);
}

/** Everything an error shows: message, stack, details, causes, and its inspection. */
export function everythingShownBy(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const shown = e as { message?: unknown; stack?: unknown; details?: unknown };
    parts.push(String(shown.message), String(shown.stack), JSON.stringify(shown.details ?? null));
  }
  parts.push(inspect(error, { depth: 10, showHidden: true }));
  return parts.join('\n');
}

/** A recognisable secret value: it must never appear outside `get`. */
export const CANARY = 'CANARY-7c1e0f4b9a-secret';
