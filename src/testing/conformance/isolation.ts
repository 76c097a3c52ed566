// Guarantee: stored bytes are the adapter's own. Changing a buffer after its
// batch resolved, or a buffer that get or iterate returned, never changes what
// is stored.

import { describe, it } from 'vitest';
import { bytesOf, entriesOf, expectSameBytes, type AdapterHarness } from './harness.js';

export function isolationGuarantees(harness: AdapterHarness): void {
  describe('stored values are not shared with callers', () => {
    it('changing a buffer after its batch resolved does not change the stored value', async () => {
      const value = bytesOf('original');
      await harness.adapter.batch([{ type: 'put', key: 'k', value }]);
      value.fill(0);
      expectSameBytes(await harness.adapter.get('k'), bytesOf('original'));
    });

    it('a Node Buffer written and changed afterwards does not change the stored value (Buffer#slice is a view, not a copy)', async () => {
      const value = Buffer.from('original');
      await harness.adapter.batch([{ type: 'put', key: 'k', value }]);
      value.fill(0);
      const got = (await harness.adapter.get('k')) as Uint8Array;
      expectSameBytes(got, bytesOf('original'));
      got.fill(1);
      expectSameBytes(await harness.adapter.get('k'), bytesOf('original'));
    });

    it('changing a value returned by get does not change the stored value', async () => {
      await harness.adapter.batch([{ type: 'put', key: 'k', value: bytesOf('original') }]);
      const first = (await harness.adapter.get('k')) as Uint8Array;
      first.fill(0);
      expectSameBytes(await harness.adapter.get('k'), bytesOf('original'));
    });

    it('changing a value yielded by iterate does not change the stored value', async () => {
      await harness.adapter.batch([{ type: 'put', key: 'k', value: bytesOf('original') }]);
      for await (const [, value] of harness.adapter.iterate()) value.fill(0);
      expectSameBytes(await harness.adapter.get('k'), bytesOf('original'));
      const entries = await entriesOf(harness.adapter);
      expectSameBytes(entries[0]?.[1], bytesOf('original'));
    });
  });
}
