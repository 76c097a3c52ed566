// Guarantee: iterating while batches commit is safe: no error, keys strictly
// increasing, and every key no batch touched during the iteration is yielded
// exactly once. (Both built-in adapters give more, a snapshot; see docs/adapters.md.)

import { describe, expect, it } from 'vitest';
import { bytesOf, putKeys, type AdapterHarness } from './harness.js';
import { compareUtf8Bytes } from './order.js';

export function concurrencyGuarantees(harness: AdapterHarness): void {
  describe('iteration while batches commit', () => {
    it('an iteration overlapping batches yields every untouched key once, in order', async () => {
      const keys = Array.from({ length: 200 }, (_, index) => `k${String(index).padStart(3, '0')}`);
      await putKeys(harness.adapter, keys);
      const touched = new Set<string>();
      const seen: string[] = [];
      for await (const [key] of harness.adapter.iterate()) {
        seen.push(key);
        if (seen.length % 10 !== 0) continue;
        // Insert next to keys ahead, delete one ahead, overwrite one ahead.
        const index = seen.length;
        const inserted = `k${String(index + 5).padStart(3, '0')}-new`;
        const deleted = `k${String(index + 20).padStart(3, '0')}`;
        const overwritten = `k${String(index + 30).padStart(3, '0')}`;
        for (const key of [inserted, deleted, overwritten]) touched.add(key);
        await harness.adapter.batch([
          { type: 'put', key: inserted, value: bytesOf('new') },
          { type: 'del', key: deleted },
          { type: 'put', key: overwritten, value: bytesOf('overwritten') },
        ]);
      }
      for (let index = 1; index < seen.length; index++) {
        expect(compareUtf8Bytes(seen[index - 1] as string, seen[index] as string), `${seen[index - 1]} before ${seen[index]}`).toBeLessThan(0);
      }
      const untouched = keys.filter((key) => !touched.has(key));
      expect(seen.filter((key) => !touched.has(key))).toEqual(untouched);
    });

    it('several iterations may run at once, interleaved', async () => {
      await putKeys(harness.adapter, ['a', 'b', 'c']);
      const first = harness.adapter.iterate()[Symbol.asyncIterator]();
      const second = harness.adapter.iterate({ reverse: true })[Symbol.asyncIterator]();
      const order: string[] = [];
      for (let step = 0; step < 3; step++) {
        order.push((await first.next()).value?.[0] as string, (await second.next()).value?.[0] as string);
      }
      expect(order).toEqual(['a', 'c', 'b', 'b', 'c', 'a']);
      expect((await first.next()).done).toBe(true);
      expect((await second.next()).done).toBe(true);
    });
  });
}
