// pair-table.ts: the policy index's (member, item ordinal) hash table — open
// addressing on one Int32Array, linear probing, backward-shift deletion, grown
// at load 1/2. It must behave exactly like a Map keyed by the pair, through
// collisions, probe runs that wrap past the end of the array, and grows.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { PairTable } from '../../src/core/state/pair-table.js';

/** The model's key for (a, b). */
const keyOf = (a: number, b: number) => `${a},${b}`;

/** Every key of a table, as model keys, sorted. */
function keysOf<V>(table: PairTable<V>): string[] {
  const out: string[] = [];
  table.forEachKey((a, b) => out.push(keyOf(a, b)));
  return out.sort();
}

/** The table agrees with the model on size, on every key of `space`, and forEachKey visits exactly the model's keys. */
function expectSameAs<V>(table: PairTable<V>, model: Map<string, V>, space: readonly (readonly [number, number])[]): void {
  expect(table.size).toBe(model.size);
  const wrong = space.filter(([a, b]) => table.get(a, b) !== model.get(keyOf(a, b))).map(([a, b]) => keyOf(a, b));
  expect(wrong, 'keys whose value differs from the model').toEqual([]);
  expect(keysOf(table)).toEqual([...model.keys()].sort());
}

function spaceOf(maxA: number, maxB: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a <= maxA; a++) for (let b = 0; b <= maxB; b++) out.push([a, b]);
  return out;
}

type Step = { readonly kind: 'set'; readonly a: number; readonly b: number; readonly value: number } | { readonly kind: 'delete' | 'get'; readonly a: number; readonly b: number };

/** Random steps over a in 0..maxA, b in 0..maxB; sets weighted so the table fills (and grows) despite deletes. */
function stepsOver(maxA: number, maxB: number, minLength: number, maxLength: number): fc.Arbitrary<Step[]> {
  const a = fc.integer({ min: 0, max: maxA });
  const b = fc.integer({ min: 0, max: maxB });
  const step: fc.Arbitrary<Step> = fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('set' as const), a, b, value: fc.integer() }), weight: 5 },
    { arbitrary: fc.record({ kind: fc.constant('delete' as const), a, b }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('get' as const), a, b }), weight: 2 },
  );
  return fc.array(step, { minLength, maxLength, size: 'max' });
}

/** Asserts `actual === expected`, calling expect only on a mismatch (the model runs compare millions of times). */
function same<T>(actual: T, expected: T, message: () => string): void {
  if (actual !== expected) expect(actual, message()).toBe(expected);
}

/** Runs `steps` on a table and a Map side by side, comparing each answer and the size after every step; returns the most slots the table had. */
function runAgainstModel(steps: readonly Step[], space: readonly (readonly [number, number])[]): number {
  const table = new PairTable<number>();
  const model = new Map<string, number>();
  steps.forEach((step, i) => {
    const key = keyOf(step.a, step.b);
    if (step.kind === 'set') {
      table.set(step.a, step.b, step.value);
      model.set(key, step.value);
    } else if (step.kind === 'delete') {
      same(table.delete(step.a, step.b), model.delete(key), () => `step ${i}: delete ${key}`);
    }
    same(table.get(step.a, step.b), model.get(key), () => `step ${i}: get ${key} after ${step.kind}`);
    same(table.size, model.size, () => `step ${i}: size`);
    // A whole-table comparison now and then: a delete's shift may have lost a key other than its own.
    if (i % 64 === 63) expectSameAs(table, model, space);
  });
  expectSameAs(table, model, space);
  return slotsOf(table).length / 2; // the table never shrinks
}

/** The private key array, read only to find where a key landed (layout: [a + 1, b] per slot). */
const slotsOf = (table: PairTable<unknown>) => (table as unknown as { keys: Int32Array }).keys;

/** The slot (a, b) occupies in `table`, or -1. */
function slotOf(table: PairTable<unknown>, a: number, b: number): number {
  const keys = slotsOf(table);
  for (let i = 0; i < keys.length / 2; i++) if (keys[i * 2] === a + 1 && keys[i * 2 + 1] === b) return i;
  return -1;
}

describe('PairTable', () => {
  it('an empty table has size 0, finds nothing and deletes nothing', () => {
    const table = new PairTable<string>();
    expect(table.size).toBe(0);
    expect(table.get(0, 0)).toBeUndefined();
    expect(table.get(3, 7)).toBeUndefined();
    expect(table.delete(3, 7)).toBe(false);
    expect(keysOf(table)).toEqual([]);
  });

  it('set stores a value under (a, b); a second set of the same pair overwrites it without growing the size', () => {
    const table = new PairTable<string>();
    table.set(2, 5, 'first');
    expect(table.get(2, 5)).toBe('first');
    expect(table.size).toBe(1);
    table.set(2, 5, 'second');
    expect(table.get(2, 5)).toBe('second');
    expect(table.size).toBe(1);
    expect(keysOf(table)).toEqual([keyOf(2, 5)]);
  });

  it('delete answers true when the pair was there and false when not, and size follows', () => {
    const table = new PairTable<number>();
    table.set(1, 1, 10);
    table.set(1, 2, 20);
    expect(table.size).toBe(2);
    expect(table.delete(1, 1)).toBe(true);
    expect(table.size).toBe(1);
    expect(table.get(1, 1)).toBeUndefined();
    expect(table.get(1, 2)).toBe(20);
    expect(table.delete(1, 1)).toBe(false);
    expect(table.delete(9, 9)).toBe(false);
    expect(table.size).toBe(1);
    table.set(1, 1, 11); // a deleted pair can come back
    expect(table.get(1, 1)).toBe(11);
    expect(table.size).toBe(2);
  });

  it('(0, 0) is a key like any other: the empty-slot mark is a + 1, not a', () => {
    const table = new PairTable<string>();
    expect(table.get(0, 0)).toBeUndefined();
    table.set(0, 0, 'zero');
    expect(table.get(0, 0)).toBe('zero');
    expect(table.size).toBe(1);
    expect(keysOf(table)).toEqual([keyOf(0, 0)]);
    expect(table.delete(0, 0)).toBe(true);
    expect(table.get(0, 0)).toBeUndefined();
    expect(table.size).toBe(0);
  });

  it('keys up to the Int32 range work: a up to 2^31 - 2 (its tag a + 1 must fit), b up to 2^31 - 1', () => {
    const table = new PairTable<string>();
    const pairs: [number, number][] = [
      [2 ** 31 - 2, 2 ** 31 - 1],
      [2 ** 31 - 2, 0],
      [0, 2 ** 31 - 1],
      [65_535, 1_000_000],
      [1_000_000, 65_535],
    ];
    for (const [a, b] of pairs) table.set(a, b, keyOf(a, b));
    expect(table.size).toBe(pairs.length);
    for (const [a, b] of pairs) expect(table.get(a, b)).toBe(keyOf(a, b));
    expect(keysOf(table)).toEqual(pairs.map(([a, b]) => keyOf(a, b)).sort());
    for (const [a, b] of pairs) expect(table.delete(a, b)).toBe(true);
    expect(table.size).toBe(0);
  });

  it('a key outside the range (negative, fractional, a = 2^31 - 1, b = 2^31) is refused with a RangeError, not stored wrongly', () => {
    const table = new PairTable<string>();
    for (const [a, b] of [[-1, 0], [0, -1], [0.5, 1], [1, 2.5], [2 ** 31 - 1, 0], [0, 2 ** 31], [Number.NaN, 0]] as [number, number][]) {
      expect(() => table.set(a, b, 'x')).toThrow(RangeError);
    }
    expect(table.size).toBe(0);
  });

  it('(a, b) and (b, a) are different keys', () => {
    const table = new PairTable<string>();
    table.set(3, 8, 'a=3');
    expect(table.get(8, 3)).toBeUndefined();
    table.set(8, 3, 'a=8');
    expect(table.get(3, 8)).toBe('a=3');
    expect(table.get(8, 3)).toBe('a=8');
    expect(table.size).toBe(2);
    expect(table.delete(8, 3)).toBe(true);
    expect(table.get(3, 8)).toBe('a=3');
    expect(table.get(8, 3)).toBeUndefined();
  });

  it('keeps every key and value through many grows (10 000 pairs from a table of 16 slots)', () => {
    const table = new PairTable<number>();
    for (let a = 0; a < 100; a++) for (let b = 0; b < 100; b++) table.set(a, b, a * 1000 + b);
    expect(table.size).toBe(10_000);
    for (let a = 0; a < 100; a++) for (let b = 0; b < 100; b++) same(table.get(a, b), a * 1000 + b, () => keyOf(a, b));
    expect(table.get(100, 0)).toBeUndefined();
    expect(table.get(0, 100)).toBeUndefined();
    let visited = 0;
    const seen = new Set<string>();
    table.forEachKey((a, b) => {
      same(a >= 0 && a < 100 && b >= 0 && b < 100, true, () => `visited ${keyOf(a, b)}`);
      seen.add(keyOf(a, b));
      visited++;
    });
    expect(visited).toBe(10_000);
    expect(seen.size).toBe(10_000); // each key once
  });

  it('backward-shift deletion: after deleting every other key of a full run of inserts, the rest are all found and the deleted are not', () => {
    const table = new PairTable<number>();
    const pairs: [number, number][] = [];
    // A dense block of small keys: many share home slots and long probe runs.
    for (let a = 0; a < 30; a++) for (let b = 0; b < 40; b++) pairs.push([a, b]);
    pairs.forEach(([a, b], i) => table.set(a, b, i));
    pairs.forEach(([a, b], i) => {
      if (i % 2 === 0) expect(table.delete(a, b), keyOf(a, b)).toBe(true);
    });
    expect(table.size).toBe(pairs.length / 2);
    pairs.forEach(([a, b], i) => expect(table.get(a, b), keyOf(a, b)).toBe(i % 2 === 0 ? undefined : i));
    expect(keysOf(table)).toEqual(pairs.filter((_, i) => i % 2 === 1).map(([a, b]) => keyOf(a, b)).sort());
    // Deleting the rest in reverse order empties the table.
    for (let i = pairs.length - 1; i >= 0; i -= 2) expect(table.delete(pairs[i]![0], pairs[i]![1])).toBe(true);
    expect(table.size).toBe(0);
    expect(keysOf(table)).toEqual([]);
  });

  it('backward-shift deletion across the end of the array: entries that wrapped to slot 0, 1 move back to the last slot', () => {
    // White box: find three keys whose home is the last of the 16 initial slots,
    // by inserting candidates one at a time into fresh tables.
    const last = slotsOf(new PairTable()).length / 2 - 1;
    const homeLast: [number, number][] = [];
    for (let a = 0; a < 64 && homeLast.length < 3; a++) {
      for (let b = 0; b < 64 && homeLast.length < 3; b++) {
        const probe = new PairTable<number>();
        probe.set(a, b, 0);
        if (slotOf(probe, a, b) === last) homeLast.push([a, b]);
      }
    }
    expect(homeLast).toHaveLength(3);
    const table = new PairTable<string>();
    for (const [a, b] of homeLast) table.set(a, b, keyOf(a, b));
    // The premise: the run starts at the last slot and wraps to 0 and 1 (3 keys stay below the grow threshold).
    expect(homeLast.map(([a, b]) => slotOf(table, a, b))).toEqual([last, 0, 1]);
    const [first, second, third] = homeLast as [[number, number], [number, number], [number, number]];
    expect(table.delete(...first)).toBe(true);
    expect(table.get(...first)).toBeUndefined();
    expect(table.get(...second)).toBe(keyOf(...second));
    expect(table.get(...third)).toBe(keyOf(...third));
    // The wrapped entries shifted back: the run is again contiguous from the home slot.
    expect([slotOf(table, ...second), slotOf(table, ...third)]).toEqual([last, 0]);
    expect(table.delete(...second)).toBe(true);
    expect(table.get(...third)).toBe(keyOf(...third));
    expect(slotOf(table, ...third)).toBe(last);
    expect(table.size).toBe(1);
  });

  it('behaves like a Map over a tiny key space with heavy churn: collisions and wrapping runs (property, seeded)', () => {
    const space = spaceOf(5, 5);
    fc.assert(
      fc.property(stepsOver(5, 5, 1, 300), (steps) => {
        runAgainstModel(steps, space);
      }),
      { seed: 0x5eed_0001, numRuns: 150 },
    );
  });

  it('behaves like a Map over a key space of 41 × 61 with sequences long enough to grow it several times (property, seeded)', () => {
    const space = spaceOf(40, 60);
    let grownPast = 0;
    fc.assert(
      fc.property(stepsOver(40, 60, 600, 1200), (steps) => {
        grownPast = Math.max(grownPast, runAgainstModel(steps, space));
      }),
      { seed: 0x5eed_0002, numRuns: 60 },
    );
    // Premise: some runs reached sizes that needed several grows (16 → 32 → … → 512 slots or more).
    expect(grownPast).toBeGreaterThanOrEqual(512);
  });
});
