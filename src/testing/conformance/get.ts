// Guarantee: get returns exactly the bytes last written under a key, as a
// Uint8Array, and undefined for a key that holds nothing.

import { describe, expect, it } from 'vitest';
import { bytesOf, expectSameBytes, type AdapterHarness } from './harness.js';

export function getGuarantees(harness: AdapterHarness): void {
  describe('get returns the bytes last written', () => {
    it('a key never written reads as undefined', async () => {
      expect(await harness.adapter.get('missing')).toBeUndefined();
    });

    it('a value reads back byte for byte, every byte value included', async () => {
      const value = Uint8Array.from({ length: 256 }, (_, index) => index);
      await harness.adapter.batch([{ type: 'put', key: 'all-bytes', value }]);
      expectSameBytes(await harness.adapter.get('all-bytes'), value);
    });

    it('an empty value reads back as an empty Uint8Array, not undefined', async () => {
      await harness.adapter.batch([{ type: 'put', key: 'empty', value: new Uint8Array(0) }]);
      expectSameBytes(await harness.adapter.get('empty'), new Uint8Array(0));
    });

    it('a 256 KiB value reads back byte for byte', async () => {
      const value = Uint8Array.from({ length: 256 * 1024 }, (_, index) => (index * 31 + (index >> 8)) & 0xff);
      await harness.adapter.batch([{ type: 'put', key: 'large', value }]);
      expectSameBytes(await harness.adapter.get('large'), value);
    });

    it('a value written through a view reads back as just the viewed bytes', async () => {
      const backing = Uint8Array.from([9, 9, 1, 2, 3, 9, 9]);
      await harness.adapter.batch([{ type: 'put', key: 'view', value: backing.subarray(2, 5) }]);
      expectSameBytes(await harness.adapter.get('view'), Uint8Array.from([1, 2, 3]));
    });

    it('a put over an existing key replaces its value', async () => {
      await harness.adapter.batch([{ type: 'put', key: 'k', value: bytesOf('first') }]);
      await harness.adapter.batch([{ type: 'put', key: 'k', value: bytesOf('second') }]);
      expectSameBytes(await harness.adapter.get('k'), bytesOf('second'));
    });

    it('a deleted key reads as undefined', async () => {
      await harness.adapter.batch([{ type: 'put', key: 'k', value: bytesOf('v') }]);
      await harness.adapter.batch([{ type: 'del', key: 'k' }]);
      expect(await harness.adapter.get('k')).toBeUndefined();
    });

    it('deleting a key that holds nothing is not an error', async () => {
      await harness.adapter.batch([{ type: 'del', key: 'never-written' }]);
      expect(await harness.adapter.get('never-written')).toBeUndefined();
    });

    it('keys with NUL, non-ASCII and astral characters each hold their own value', async () => {
      const keys = ['', 'a\u0000b', 'a', 'é', 'e\u0301', '\uFFFD', '😀', '/path/with spaces/ü'];
      await harness.adapter.batch(keys.map((key) => ({ type: 'put', key, value: bytesOf(`value of ${key}`) })));
      for (const key of keys) expectSameBytes(await harness.adapter.get(key), bytesOf(`value of ${key}`));
      expect(await harness.adapter.get('a\u0000')).toBeUndefined();
    });
  });
}
