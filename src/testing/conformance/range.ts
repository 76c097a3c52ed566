// Guarantee: iterate yields exactly the entries inside gt/gte/lt/lte, bounds
// compared by UTF-8 bytes, in order or reversed, at most `limit` of them
// (0 → none; absent or negative → all), each key with its own value.

import { describe, expect, it } from 'vitest';
import type { RangeOptions } from '../../adapter.js';
import { bytesOf, entriesOf, expectSameBytes, keysOf, putKeys, type AdapterHarness } from './harness.js';

// In UTF-8 byte order. '😀' (U+1F600) sorts after '\uFFFD' although JavaScript's
// `<` says otherwise, so bounds around it catch an adapter comparing UTF-16.
const keys = ['a', 'b', 'c', 'd', 'é', '\uFFFD', '😀'];

// Each row: a rule, the range, and the keys it must yield in that order.
const rows: ReadonlyArray<{ readonly rule: string; readonly range: RangeOptions; readonly expected: readonly string[] }> = [
  { rule: 'no options yields every entry', range: {}, expected: keys },
  { rule: 'gt excludes its bound', range: { gt: 'b' }, expected: ['c', 'd', 'é', '\uFFFD', '😀'] },
  { rule: 'gte includes its bound', range: { gte: 'b' }, expected: ['b', 'c', 'd', 'é', '\uFFFD', '😀'] },
  { rule: 'lt excludes its bound', range: { lt: 'c' }, expected: ['a', 'b'] },
  { rule: 'lte includes its bound', range: { lte: 'c' }, expected: ['a', 'b', 'c'] },
  { rule: 'gt with lt keeps what lies strictly between', range: { gt: 'a', lt: 'd' }, expected: ['b', 'c'] },
  { rule: 'gte with lte keeps both bounds', range: { gte: 'b', lte: 'd' }, expected: ['b', 'c', 'd'] },
  { rule: 'gt with lte', range: { gt: 'a', lte: 'c' }, expected: ['b', 'c'] },
  { rule: 'gte with lt', range: { gte: 'b', lt: 'd' }, expected: ['b', 'c'] },
  { rule: 'a gt bound that is not a key starts after where it would sort', range: { gt: 'bb' }, expected: ['c', 'd', 'é', '\uFFFD', '😀'] },
  { rule: 'a lt bound that is not a key stops where it would sort', range: { lt: 'bb' }, expected: ['a', 'b'] },
  { rule: 'the empty string as gte bound includes everything', range: { gte: '' }, expected: keys },
  { rule: 'the empty string as lt bound excludes everything', range: { lt: '' }, expected: [] },
  { rule: "lte 'e' stops before 'é' (two bytes, C3 A9)", range: { lte: 'e' }, expected: ['a', 'b', 'c', 'd'] },
  { rule: "gt 'é' keeps what sorts after it", range: { gt: 'é' }, expected: ['\uFFFD', '😀'] },
  { rule: "gt '\\uFFFF' keeps '😀': astral characters sort after the BMP", range: { gt: '\uFFFF' }, expected: ['😀'] },
  { rule: "lt '\\uE000' stops before '\\uFFFD' and '😀'", range: { lt: '\uE000' }, expected: ['a', 'b', 'c', 'd', 'é'] },
  { rule: "gte '\\uFFFD' with lt '😀' keeps only '\\uFFFD'", range: { gte: '\uFFFD', lt: '😀' }, expected: ['\uFFFD'] },
  { rule: 'reverse yields every entry largest first', range: { reverse: true }, expected: [...keys].reverse() },
  { rule: 'reverse respects gt and lt', range: { gt: 'a', lt: 'd', reverse: true }, expected: ['c', 'b'] },
  { rule: 'reverse respects gte and lte', range: { gte: 'b', lte: 'd', reverse: true }, expected: ['d', 'c', 'b'] },
  { rule: 'reverse with a non-ASCII lower bound', range: { gte: '\uFFFD', reverse: true }, expected: ['😀', '\uFFFD'] },
  { rule: 'limit keeps the first entries', range: { limit: 2 }, expected: ['a', 'b'] },
  { rule: 'limit 0 yields nothing', range: { limit: 0 }, expected: [] },
  { rule: 'limit with reverse keeps the largest entries', range: { limit: 2, reverse: true }, expected: ['😀', '\uFFFD'] },
  { rule: 'limit counts from the lower bound', range: { gt: 'a', limit: 2 }, expected: ['b', 'c'] },
  { rule: 'limit with reverse counts down from the upper bound', range: { lt: 'd', reverse: true, limit: 2 }, expected: ['c', 'b'] },
  { rule: 'a limit above the count yields every entry', range: { limit: 100 }, expected: keys },
  { rule: 'a negative limit means no limit', range: { limit: -1 }, expected: keys },
  // Callers build ranges from optional values: undefined must mean "no bound", not a key.
  { rule: 'bounds and limit given as undefined are absent', range: { gt: undefined, gte: undefined, lt: undefined, lte: undefined, limit: undefined }, expected: keys },
  { rule: 'an undefined bound next to a real one is ignored', range: { gt: undefined, lte: 'b', reverse: undefined }, expected: ['a', 'b'] },
  { rule: 'an equal gt and lt make an empty range', range: { gt: 'c', lt: 'c' }, expected: [] },
  { rule: 'gte and lt on one key make an empty range', range: { gte: 'c', lt: 'c' }, expected: [] },
  { rule: 'gte and lte on one key yield just that key', range: { gte: 'c', lte: 'c' }, expected: ['c'] },
  { rule: 'a lower bound above the upper bound makes an empty range', range: { gt: 'd', lt: 'b' }, expected: [] },
  { rule: 'an inverted range stays empty in reverse', range: { gte: 'd', lte: 'b', reverse: true }, expected: [] },
  { rule: 'a range past the last key is empty', range: { gt: '😀' }, expected: [] },
  { rule: 'a range before the first key is empty', range: { lt: 'a' }, expected: [] },
];

export function rangeGuarantees(harness: AdapterHarness): void {
  describe('iterate yields exactly the entries in the range', () => {
    for (const { rule, range, expected } of rows) {
      it(`${rule} (${describeRange(range)})`, async () => {
        await putKeys(harness.adapter, [...keys].reverse());
        expect(await keysOf(harness.adapter, range)).toEqual(expected);
      });
    }

    it('each entry carries its own key and value', async () => {
      await putKeys(harness.adapter, keys);
      const entries = await entriesOf(harness.adapter, { gte: 'c' });
      expect(entries.map(([key]) => key)).toEqual(['c', 'd', 'é', '\uFFFD', '😀']);
      for (const [key, value] of entries) expectSameBytes(value, bytesOf(key));
    });

    it('an empty store yields nothing, whatever the range', async () => {
      expect(await keysOf(harness.adapter)).toEqual([]);
      expect(await keysOf(harness.adapter, { gte: 'a', reverse: true, limit: 5 })).toEqual([]);
    });

    it('a range over 1,000 keys with a limit yields the right slice', async () => {
      const many = Array.from({ length: 1000 }, (_, index) => `item/${String(index).padStart(4, '0')}`);
      await putKeys(harness.adapter, many);
      expect(await keysOf(harness.adapter, { gt: 'item/0500', limit: 3 })).toEqual(['item/0501', 'item/0502', 'item/0503']);
      expect(await keysOf(harness.adapter, { lt: 'item/0500', limit: 3, reverse: true })).toEqual(['item/0499', 'item/0498', 'item/0497']);
    });

    it('leaving an iteration early (break) lets the next one and close() proceed', async () => {
      await putKeys(harness.adapter, keys);
      for await (const [key] of harness.adapter.iterate()) {
        expect(key).toBe('a');
        break;
      }
      expect(await keysOf(harness.adapter, { limit: 1, reverse: true })).toEqual(['😀']);
      await harness.adapter.close();
    });
  });
}

/** The range as it reads in a test name; JSON would drop undefined bounds. */
function describeRange(range: RangeOptions): string {
  const parts = Object.entries(range).map(([option, bound]) => `${option}: ${bound === undefined ? 'undefined' : JSON.stringify(bound)}`);
  return `{ ${parts.join(', ')} }`;
}
