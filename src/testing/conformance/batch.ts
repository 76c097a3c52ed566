// Guarantee: a batch applies every operation or none. Operations apply in
// order, so a later one on the same key wins; a batch holding one invalid
// operation rejects before writing anything.

import { describe, expect, it } from 'vitest';
import type { BatchOperation } from '../../adapter.js';
import { bytesOf, expectSameBytes, keysOf, putKeys, type AdapterHarness } from './harness.js';

// Each row is one operation the contract forbids (cast past the types, as a
// buggy or untyped caller would).
const invalidOperations: ReadonlyArray<{ readonly rule: string; readonly operation: unknown }> = [
  { rule: 'a number key', operation: { type: 'put', key: 42, value: bytesOf('v') } },
  { rule: 'an undefined key', operation: { type: 'put', key: undefined, value: bytesOf('v') } },
  { rule: 'a null key on a del', operation: { type: 'del', key: null } },
  { rule: 'a key with a lone surrogate (no UTF-8 encoding)', operation: { type: 'put', key: 'a\uD800b', value: bytesOf('v') } },
  { rule: 'a string value', operation: { type: 'put', key: 'bad', value: 'text' } },
  { rule: 'an array of numbers as value', operation: { type: 'put', key: 'bad', value: [1, 2, 3] } },
  { rule: 'an ArrayBuffer as value', operation: { type: 'put', key: 'bad', value: new ArrayBuffer(2) } },
  { rule: 'a put without a value', operation: { type: 'put', key: 'bad' } },
  { rule: "a type other than 'put' or 'del'", operation: { type: 'merge', key: 'bad', value: bytesOf('v') } },
  { rule: 'null instead of an operation', operation: null },
];

export function batchGuarantees(harness: AdapterHarness): void {
  describe('a batch applies every operation or none', () => {
    it('every put and del of one batch applies', async () => {
      await putKeys(harness.adapter, ['keep', 'drop']);
      await harness.adapter.batch([
        { type: 'put', key: 'new-1', value: bytesOf('1') },
        { type: 'del', key: 'drop' },
        { type: 'put', key: 'new-2', value: bytesOf('2') },
      ]);
      expect(await keysOf(harness.adapter)).toEqual(['keep', 'new-1', 'new-2']);
    });

    const laterWins: ReadonlyArray<{ readonly rule: string; readonly operations: BatchOperation[]; readonly expected: string | undefined }> = [
      { rule: 'put then put keeps the second value', operations: [put('k', 'first'), put('k', 'second')], expected: 'second' },
      { rule: 'put then del leaves the key absent', operations: [put('k', 'first'), del('k')], expected: undefined },
      { rule: 'del then put leaves the put value', operations: [del('k'), put('k', 'after')], expected: 'after' },
      { rule: 'put, del, put keeps the last value', operations: [put('k', 'one'), del('k'), put('k', 'three')], expected: 'three' },
    ];
    for (const { rule, operations, expected } of laterWins) {
      it(`a later operation on the same key wins: ${rule}`, async () => {
        await harness.adapter.batch([put('k', 'before')]);
        await harness.adapter.batch(operations);
        const value = await harness.adapter.get('k');
        if (expected === undefined) expect(value).toBeUndefined();
        else expectSameBytes(value, bytesOf(expected));
      });
    }

    it('an empty batch resolves and changes nothing', async () => {
      await putKeys(harness.adapter, ['a']);
      await harness.adapter.batch([]);
      expect(await keysOf(harness.adapter)).toEqual(['a']);
    });

    for (const { rule, operation } of invalidOperations) {
      it(`a batch holding ${rule} rejects and writes none of its operations`, async () => {
        await putKeys(harness.adapter, ['existing']);
        const operations = [put('written-first', 'v'), del('existing'), operation, put('written-last', 'v')];
        await expect(harness.adapter.batch(operations as BatchOperation[])).rejects.toThrow();
        expect(await keysOf(harness.adapter)).toEqual(['existing']);
        expectSameBytes(await harness.adapter.get('existing'), bytesOf('existing'));
      });
    }

    it('an adapter still works after rejecting an invalid batch', async () => {
      await expect(harness.adapter.batch([{ type: 'put', key: 7 } as unknown as BatchOperation])).rejects.toThrow();
      await harness.adapter.batch([put('after', 'v')]);
      expectSameBytes(await harness.adapter.get('after'), bytesOf('v'));
    });

    it('batches started without waiting for each other all apply', async () => {
      await Promise.all(
        Array.from({ length: 10 }, (_, index) => harness.adapter.batch([put(`key-${index}`, String(index))])),
      );
      expect(await keysOf(harness.adapter)).toEqual(Array.from({ length: 10 }, (_, index) => `key-${index}`));
    });

    it('a batch of 5,000 operations applies whole', async () => {
      const keys = Array.from({ length: 5000 }, (_, index) => `bulk/${String(index).padStart(5, '0')}`);
      await putKeys(harness.adapter, keys);
      expect(await keysOf(harness.adapter)).toEqual(keys);
    });
  });
}

function put(key: string, text: string): BatchOperation {
  return { type: 'put', key, value: bytesOf(text) };
}

function del(key: string): BatchOperation {
  return { type: 'del', key };
}
