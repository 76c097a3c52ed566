// §2 path rules, properties over many strings (seeded): the one-pass fast path
// and the full parser agree, and keys order by their UTF-8 bytes.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { checkPath, plainCanonical, utf8Length } from '../../src/core/paths.js';
import { compareUtf8 } from '../../src/adapter.js';

const pathChars = fc.constantFrom('a', 'b', 'Z', '0', '/', '.', '*', ' ', '-', '_', 'é', '\u0301', '😀', '\u0000', '\u007f', '\uD800');
const paths = fc.array(pathChars, { maxLength: 24 }).map((cs) => cs.join(''));

describe('§2 paths, properties', () => {
  it('the fast path and the full parser give the same canonical path, or the fast path defers', () => {
    fc.assert(
      fc.property(paths, (input) => {
        const fast = plainCanonical(input);
        const full = checkPath(input);
        if (fast !== undefined) expect('path' in full && full.path.path).toBe(fast);
        // Every plain, valid path is taken by the fast path (no needless slow parse).
        if ('path' in full && /^[\x20-\x29\x2b-\x7e]*$/.test(input)) expect(fast).toBe(full.path.path);
      }),
      { seed: 2024, numRuns: 3000 },
    );
  });

  it('utf8Length is the UTF-8 byte length of any well-formed string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'));
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('compareUtf8 orders keys as their UTF-8 bytes do (LevelDB order), not as JavaScript < does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 8 }), (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { seed: 11, numRuns: 3000 },
    );
    expect(compareUtf8('\uFFFD', '😀')).toBeLessThan(0); // JS '<' says the opposite
    expect('\uFFFD' < '😀').toBe(false);
  });
});
