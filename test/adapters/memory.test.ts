// The memory adapter runs the shared conformance suite as a third party
// would, then the memory-only rules: snapshots, instances apart, and its cost
// model counted in key comparisons (no timings).

import { describe, expect, it, vi } from 'vitest';
import { memoryAdapter } from '../../adapters/memory/index.js';
import type { BatchOperation, StorageAdapter } from '../../src/adapter.js';
import { compareUtf8 } from '../../src/adapter.js';
import { runAdapterConformance } from '../../src/testing/conformance/index.js';
import { expectSnapshotIteration } from '../support/snapshot-iteration.js';

// Counts every key comparison the adapter makes; the behaviour is unchanged.
const comparisons = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/adapter.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/adapter.js')>();
  return {
    ...actual,
    compareUtf8: (left: string, right: string): number => {
      comparisons.count += 1;
      return actual.compareUtf8(left, right);
    },
  };
});

runAdapterConformance('memory adapter', memoryAdapter);

async function openMemoryAdapter(): Promise<StorageAdapter> {
  const adapter = memoryAdapter();
  await adapter.open();
  return adapter;
}

async function keysOf(adapter: StorageAdapter, range?: Parameters<StorageAdapter['iterate']>[0]): Promise<string[]> {
  const keys: string[] = [];
  for await (const [key] of adapter.iterate(range)) keys.push(key);
  return keys;
}

const value = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('memory adapter', () => {
  it('is not persistent', () => {
    expect(memoryAdapter().persistent).toBe(false);
  });

  it('rejects operations before its first open() with an AdapterError of kind not_open', async () => {
    const adapter = memoryAdapter();
    await expect(adapter.get('a')).rejects.toMatchObject({ name: 'AdapterError', kind: 'not_open' });
    await expect(adapter.batch([])).rejects.toMatchObject({ name: 'AdapterError', kind: 'not_open' });
    await expect(keysOf(adapter)).rejects.toMatchObject({ name: 'AdapterError', kind: 'not_open' });
  });

  it('two adapters never share data', async () => {
    const first = await openMemoryAdapter();
    const second = await openMemoryAdapter();
    await first.batch([{ type: 'put', key: 'a', value: value('1') }]);
    expect(await second.get('a')).toBeUndefined();
  });

  it('an iteration sees the store as it was when the iteration began (snapshot)', async () => {
    const adapter = await openMemoryAdapter();
    await expectSnapshotIteration(adapter);
  });

  it('an iteration started while a batch is pending sees all of it or none of it', async () => {
    const adapter = await openMemoryAdapter();
    await adapter.batch([{ type: 'put', key: 'x', value: value('old') }]);
    const pending = adapter.batch([
      { type: 'put', key: 'x', value: value('new') },
      { type: 'put', key: 'y', value: value('new') },
    ]);
    const during = await keysOf(adapter);
    await pending;
    expect([['x'], ['x', 'y']]).toContainEqual(during);
  });

  it('matches a Map model over 3,000 seeded random operations in 60 batches', async () => {
    const adapter = await openMemoryAdapter();
    const model = new Map<string, string>();
    let state = 12345;
    // Park–Miller LCG: deterministic, good enough to pick keys.
    const nextInteger = (bound: number): number => {
      state = (state * 48271) % 2147483647;
      return state % bound;
    };
    const keyPool = Array.from({ length: 400 }, (_, index) => ['k', 'é', '😀', '\uFFFD'][index % 4] + String(index));
    for (let round = 0; round < 60; round++) {
      const operations: BatchOperation[] = [];
      for (let step = 0; step < 50; step++) {
        const key = keyPool[nextInteger(keyPool.length)] as string;
        if (nextInteger(3) === 0) {
          operations.push({ type: 'del', key });
          model.delete(key);
        } else {
          const text = `${round}.${step}`;
          operations.push({ type: 'put', key, value: value(text) });
          model.set(key, text);
        }
      }
      await adapter.batch(operations);
      const lower = keyPool[nextInteger(keyPool.length)] as string;
      const expected = [...model.keys()].sort(compareUtf8);
      expect(await keysOf(adapter)).toEqual(expected);
      expect(await keysOf(adapter, { gte: lower, limit: 7 })).toEqual(
        expected.filter((key) => compareUtf8(key, lower) >= 0).slice(0, 7),
      );
      expect(await keysOf(adapter, { lt: lower, reverse: true, limit: 7 })).toEqual(
        expected.filter((key) => compareUtf8(key, lower) < 0).reverse().slice(0, 7),
      );
    }
    for (const [key, text] of model) expect(new TextDecoder().decode(await adapter.get(key))).toBe(text);
  });

  describe('cost, counted in key comparisons over 50,000 keys', () => {
    // An AVL tree of 50,000 keys is at most 1.44·log2(50,002) ≈ 22 levels deep.
    const depthBound = 23;

    async function fiftyThousandKeys(): Promise<StorageAdapter> {
      const adapter = await openMemoryAdapter();
      const keys = Array.from({ length: 50_000 }, (_, index) => `item/${String(index).padStart(5, '0')}`);
      comparisons.count = 0;
      await adapter.batch(keys.map((key) => ({ type: 'put', key, value: new Uint8Array(1) })));
      // A put is one descent: at most depth + 1 comparisons each.
      expect(comparisons.count).toBeLessThanOrEqual(50_000 * (depthBound + 1));
      return adapter;
    }

    it('a range with limit 10 costs O(log N + 10), not O(N)', async () => {
      const adapter = await fiftyThousandKeys();
      comparisons.count = 0;
      const keys = await keysOf(adapter, { gte: 'item/25000', lt: 'item/40000', limit: 10 });
      expect(keys).toHaveLength(10);
      // One descent to the start, then about one bound check per entry.
      expect(comparisons.count).toBeLessThanOrEqual(2 * depthBound + 2 * 10);

      comparisons.count = 0;
      await keysOf(adapter, { lte: 'item/25000', reverse: true, limit: 10 });
      expect(comparisons.count).toBeLessThanOrEqual(2 * depthBound + 2 * 10);
    });

    it('a get, a put and a del each cost O(log N)', async () => {
      const adapter = await fiftyThousandKeys();
      comparisons.count = 0;
      await adapter.get('item/31337');
      expect(comparisons.count).toBeLessThanOrEqual(depthBound + 1);

      comparisons.count = 0;
      await adapter.batch([{ type: 'put', key: 'item/31337x', value: new Uint8Array(1) }]);
      expect(comparisons.count).toBeLessThanOrEqual(depthBound + 1);

      comparisons.count = 0;
      await adapter.batch([{ type: 'del', key: 'item/12345' }]);
      expect(comparisons.count).toBeLessThanOrEqual(depthBound + 1);
    });
  });
});
