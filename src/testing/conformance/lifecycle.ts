// Guarantee: open and close are idempotent; a closed adapter opens again on
// the same storage (reopen = close() then open() on the same instance, for
// every adapter, persistent or not); while closed, every operation rejects
// with an error whose `kind` is `not_open` (an AdapterError, as createAdapter
// throws).

import { describe, expect, it } from 'vitest';
import { bytesOf, entriesOf, expectSameBytes, keysOf, putKeys, type AdapterHarness } from './harness.js';

const notOpen = { kind: 'not_open' };

export function lifecycleGuarantees(harness: AdapterHarness): void {
  describe('open and close', () => {
    it('persistent is a boolean', () => {
      expect(typeof harness.adapter.persistent).toBe('boolean');
    });

    it('open() on an open adapter resolves and keeps the data', async () => {
      await putKeys(harness.adapter, ['a']);
      await harness.adapter.open();
      expect(await keysOf(harness.adapter)).toEqual(['a']);
    });

    it('close() twice resolves both times', async () => {
      await harness.adapter.close();
      await harness.adapter.close();
    });

    it('after close() then open() on the same adapter, every entry is still there', async () => {
      await harness.adapter.batch([
        { type: 'put', key: 'a', value: bytesOf('1') },
        { type: 'put', key: 'é', value: bytesOf('2') },
        { type: 'put', key: 'gone', value: bytesOf('3') },
      ]);
      await harness.adapter.batch([{ type: 'del', key: 'gone' }]);
      await harness.adapter.close();
      await harness.adapter.open();
      expect(await keysOf(harness.adapter)).toEqual(['a', 'é']);
      expectSameBytes(await harness.adapter.get('é'), bytesOf('2'));
      expect(await harness.adapter.get('gone')).toBeUndefined();
    });

    it('an adapter survives several close and open cycles, taking writes in between', async () => {
      for (let cycle = 0; cycle < 3; cycle++) {
        await putKeys(harness.adapter, [`cycle-${cycle}`]);
        await harness.adapter.close();
        await harness.adapter.open();
      }
      expect(await keysOf(harness.adapter)).toEqual(['cycle-0', 'cycle-1', 'cycle-2']);
    });

    it('get on a closed adapter rejects with kind not_open', async () => {
      await putKeys(harness.adapter, ['a']);
      await harness.adapter.close();
      await expect(harness.adapter.get('a')).rejects.toMatchObject(notOpen);
    });

    it('batch on a closed adapter rejects with kind not_open and writes nothing', async () => {
      await harness.adapter.close();
      await expect(harness.adapter.batch([{ type: 'put', key: 'a', value: bytesOf('v') }])).rejects.toMatchObject(notOpen);
      await harness.adapter.open();
      expect(await harness.adapter.get('a')).toBeUndefined();
    });

    it('iterate on a closed adapter rejects with kind not_open', async () => {
      await putKeys(harness.adapter, ['a']);
      await harness.adapter.close();
      await expect(entriesOf(harness.adapter)).rejects.toMatchObject(notOpen);
    });

    it('an iteration in progress when the adapter closes ends or rejects instead of hanging', async () => {
      await putKeys(harness.adapter, ['a', 'b', 'c']);
      const iterator = harness.adapter.iterate()[Symbol.asyncIterator]();
      expect((await iterator.next()).value?.[0]).toBe('a');
      await harness.adapter.close();
      // Either outcome is allowed; hanging is not (the test would time out).
      await iterator.next().then(
        () => undefined,
        () => undefined,
      );
      await iterator.return?.();
      await harness.adapter.open();
      expect(await keysOf(harness.adapter)).toEqual(['a', 'b', 'c']);
    });
  });
}
