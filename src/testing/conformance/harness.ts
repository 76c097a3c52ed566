// The conformance suite's fixture: a fresh adapter from the host's `make()`,
// opened before each test and closed after it, plus the few reads and byte
// checks every guarantee file shares.

import { afterEach, beforeEach, expect } from 'vitest';
import type { RangeOptions, StorageAdapter } from '../../adapter.js';

/** Makes a fresh, not yet opened adapter on empty storage, for one conformance test. */
export type MakeAdapter = () => StorageAdapter | Promise<StorageAdapter>;

/** The adapter of the running test (a getter: a new one per test). */
export interface AdapterHarness {
  readonly adapter: StorageAdapter;
}

/** Registers the hooks that give each test a fresh, open adapter and close it afterwards. */
export function useAdapter(make: MakeAdapter): AdapterHarness {
  let current: StorageAdapter | undefined;
  beforeEach(async () => {
    current = await make();
    await current.open();
  });
  afterEach(async () => {
    // close() is idempotent, so tests that closed it themselves are fine.
    await current?.close();
    current = undefined;
  });
  return {
    get adapter(): StorageAdapter {
      if (current === undefined) throw new Error('The adapter exists only inside a test');
      return current;
    },
  };
}

/** UTF-8 bytes of `text`: handy, distinct values that say which key they belong to. */
export function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Writes every key with `bytesOf(key)` as its value, in one batch. */
export async function putKeys(adapter: StorageAdapter, keys: readonly string[]): Promise<void> {
  await adapter.batch(keys.map((key) => ({ type: 'put', key, value: bytesOf(key) })));
}

/** Every entry of the range, in the order the adapter yields them. */
export async function entriesOf(
  adapter: StorageAdapter,
  range?: RangeOptions,
): Promise<Array<readonly [string, Uint8Array]>> {
  const entries: Array<readonly [string, Uint8Array]> = [];
  for await (const entry of adapter.iterate(range)) entries.push(entry);
  return entries;
}

/** The keys of the range, in the order the adapter yields them. */
export async function keysOf(adapter: StorageAdapter, range?: RangeOptions): Promise<string[]> {
  return (await entriesOf(adapter, range)).map(([key]) => key);
}

/** Asserts `actual` is a Uint8Array holding exactly `expected`'s bytes (names the first difference). */
export function expectSameBytes(actual: unknown, expected: Uint8Array): void {
  expect(actual).toBeInstanceOf(Uint8Array);
  const bytes = actual as Uint8Array;
  expect(bytes.length, 'length').toBe(expected.length);
  let firstDifference = -1;
  for (let index = 0; index < bytes.length; index++) {
    if (bytes[index] !== expected[index]) {
      firstDifference = index;
      break;
    }
  }
  expect(firstDifference, 'index of the first differing byte').toBe(-1);
}
