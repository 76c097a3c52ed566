// Guarantee: keys are ordered by their UTF-8 bytes (LevelDB's order), which is
// code-point order, not JavaScript's UTF-16 `<`. The two differ only for
// astral characters (surrogate pairs) against U+E000–U+FFFF.

import { describe, expect, it } from 'vitest';
import { keysOf, putKeys, type AdapterHarness } from './harness.js';

/** The reference order: compares the UTF-8 encodings byte by byte. */
export function compareUtf8Bytes(left: string, right: string): number {
  const encoder = new TextEncoder();
  const leftBytes = encoder.encode(left);
  const rightBytes = encoder.encode(right);
  const length = Math.min(leftBytes.length, rightBytes.length);
  for (let index = 0; index < length; index++) {
    const difference = (leftBytes[index] as number) - (rightBytes[index] as number);
    if (difference !== 0) return difference;
  }
  return leftBytes.length - rightBytes.length;
}

// Sorted by UTF-8 bytes. JavaScript's sort would put '😀' and '𝄞' (surrogate
// pairs, D835/D83D…) before '\uE000' and '\uFFFD'.
const orderedKeys = ['', 'a', 'a\u0000', 'a\u0001', 'ab', 'b', 'z', '~', 'é', '\u07FF', '\u0800', '\uD7FF', '\uE000', '\uFFFD', '\uFFFF', '𐀀', '𝄞', '😀', '\u{10FFFF}'];

export function orderGuarantees(harness: AdapterHarness): void {
  describe('keys are ordered by their UTF-8 bytes', () => {
    it('iteration yields keys in UTF-8 byte order, whatever order they were written in', async () => {
      // The reference list really is byte order, and really differs from UTF-16 order.
      expect([...orderedKeys].sort(compareUtf8Bytes)).toEqual(orderedKeys);
      expect([...orderedKeys].sort()).not.toEqual(orderedKeys);
      await putKeys(harness.adapter, [...orderedKeys].reverse());
      expect(await keysOf(harness.adapter)).toEqual(orderedKeys);
    });

    it('astral characters sort after U+E000–U+FFFF, unlike JavaScript string comparison', async () => {
      await putKeys(harness.adapter, ['😀', '\uFFFD', '\uE000', 'é']);
      expect(await keysOf(harness.adapter)).toEqual(['é', '\uE000', '\uFFFD', '😀']);
    });

    it('the empty string is a key, and it sorts first', async () => {
      await putKeys(harness.adapter, ['b', '', 'a']);
      expect(await keysOf(harness.adapter)).toEqual(['', 'a', 'b']);
    });

    it('a key sorts right before the keys it is a prefix of', async () => {
      await putKeys(harness.adapter, ['ab', 'a\u0000', 'a', 'a\u0001', 'b']);
      expect(await keysOf(harness.adapter)).toEqual(['a', 'a\u0000', 'a\u0001', 'ab', 'b']);
    });

    it('keys that differ only by Unicode normalisation are distinct keys', async () => {
      // 'é' precomposed (U+00E9) and decomposed (e + U+0301): an adapter must not normalise.
      await putKeys(harness.adapter, ['\u00E9', 'e\u0301']);
      expect(await keysOf(harness.adapter)).toEqual(['e\u0301', '\u00E9']);
    });

    it('reverse iteration yields exactly the reverse of that order', async () => {
      await putKeys(harness.adapter, orderedKeys);
      expect(await keysOf(harness.adapter, { reverse: true })).toEqual([...orderedKeys].reverse());
    });

    it('300 seeded random keys across every UTF-8 length come back in byte order', async () => {
      const keys = randomKeys(300, 20240601);
      await putKeys(harness.adapter, keys);
      const expected = [...new Set(keys)].sort(compareUtf8Bytes);
      expect(await keysOf(harness.adapter)).toEqual(expected);
    });
  });
}

// Code points from each UTF-8 length and around each boundary that matters.
const codePointPool = [
  0x00, 0x01, 0x2f, 0x41, 0x61, 0x7e, 0x7f, 0x80, 0xe9, 0x7ff, 0x800, 0x4e2d, 0xd7ff, 0xe000, 0xf8ff,
  0xfffd, 0xffff, 0x10000, 0x1d11e, 0x1f600, 0x10ffff,
];

/** `count` keys of 0–4 characters drawn from `codePointPool` (a seeded mulberry32: same keys every run). */
function randomKeys(count: number, seed: number): string[] {
  let state = seed >>> 0;
  const nextRandom = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
  const keys: string[] = [];
  for (let index = 0; index < count; index++) {
    const length = Math.floor(nextRandom() * 5);
    let key = '';
    for (let position = 0; position < length; position++) {
      key += String.fromCodePoint(codePointPool[Math.floor(nextRandom() * codePointPool.length)] as number);
    }
    keys.push(key);
  }
  return keys;
}
