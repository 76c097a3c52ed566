// The problems a VALIDATION refusal lists, for tests of the pure core's parsers.

import { expect } from 'vitest';
import { allDetailsOf, CofferError, type ErrorDetail } from '../../src/core/errors.js';

/** Every detail (uncapped) of the VALIDATION `run` throws. Fails when it throws anything else or nothing. */
export function problemsOf(run: () => unknown): ErrorDetail[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CofferError);
    expect((error as CofferError).code).toBe('VALIDATION');
    return [...allDetailsOf(error as CofferError)];
  }
  throw new Error('expected a VALIDATION');
}
