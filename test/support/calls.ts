// Test support shared by the policy and approval suites: catching a
// CofferError from a call, and building an item tree as an admin.

import { expect } from 'vitest';
import { CofferError, type Session } from '../../src/index.js';

export type Code = CofferError['code'];

/** The value every secret made by `tree` holds. */
export const valueOf = (path: string) => `value of ${path}`;

/** The CofferError a call rejects with (fails the test when it resolves or throws something else). */
export async function failure(call: Promise<unknown> | (() => Promise<unknown>)): Promise<CofferError> {
  try {
    await (typeof call === 'function' ? call() : call);
  } catch (error) {
    if (error instanceof CofferError) return error;
    throw error;
  }
  throw new Error('expected the call to be refused, but it succeeded');
}

/** Asserts the call is refused with `code`, and returns the error. */
export async function refused(call: Promise<unknown> | (() => Promise<unknown>), code: Code): Promise<CofferError> {
  const error = await failure(call);
  expect({ code: error.code, message: error.message }).toMatchObject({ code });
  return error;
}

/** Creates items in order: a path ending in `/` is a directory, else a secret holding `valueOf(path)`. */
export async function tree(admin: Session, paths: readonly string[]): Promise<void> {
  for (const entry of paths) {
    if (entry.endsWith('/')) await admin.create(entry.slice(0, -1), { type: 'directory' });
    else await admin.create(entry, { type: 'secret', value: valueOf(entry) });
  }
}
