// Both built-in adapters go beyond the conformance suite's rule for iteration
// during batches: each gives a snapshot. One check, run by each adapter's file.

import { expect } from 'vitest';
import type { StorageAdapter } from '../../src/adapter.js';

const bytes = (text: string) => new TextEncoder().encode(text);

/** Batches landing mid-iteration are not seen by it; they are there afterwards. */
export async function expectSnapshotIteration(adapter: StorageAdapter): Promise<void> {
  await adapter.batch(['a', 'b', 'c', 'd'].map((key) => ({ type: 'put' as const, key, value: bytes(key) })));
  const seen: Array<[string, string]> = [];
  for await (const [key, value] of adapter.iterate()) {
    seen.push([key, new TextDecoder().decode(value)]);
    if (key === 'a') {
      await adapter.batch([
        { type: 'del', key: 'c' },
        { type: 'put', key: 'bb', value: bytes('new') },
        { type: 'put', key: 'd', value: bytes('changed') },
      ]);
    }
  }
  expect(seen).toEqual([['a', 'a'], ['b', 'b'], ['c', 'c'], ['d', 'd']]);
  const after: string[] = [];
  for await (const [key] of adapter.iterate()) after.push(key);
  expect(after).toEqual(['a', 'b', 'bb', 'd']);
}
