// readInput (input.ts): every caller input is read once, as a copy of its own
// enumerable data, within the limits of SPEC §2.1 — 32 levels deep, 10,000
// entries per array or object, 200,000 values, strings at most 4× their cap,
// field names of at most 4,096 characters — by an iterative walk that stops
// once more than 100 problems are found.

import { describe, it, expect } from 'vitest';
import { DEFAULT_STRING_CAP, MAX_INPUT_DEPTH, MAX_INPUT_ENTRIES, MAX_INPUT_VALUES, RAW_FACTOR, readInput, type LongStrings } from '../../src/core/input.js';
import { allDetailsOf, CofferError } from '../../src/core/errors.js';
import { problemsOf } from '../support/problems.js';


/** `levels` objects (or arrays) nested in one another, each under key `a` (or index 0). */
function nested(levels: number, kind: 'object' | 'array' = 'object'): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = kind === 'object' ? { a: value } : [value];
  return value;
}

const pointerAt = (levels: number, segment: string) => Array.from({ length: levels }, () => `/${segment}`).join('');

describe('readInput: own enumerable data only', () => {
  it('a field inherited from a prototype is not read', () => {
    const proto = { admin: true, id: 'inherited' };
    const input = Object.assign(Object.create(proto) as Record<string, unknown>, { id: 'own' });
    const copy = readInput(input) as Record<string, unknown>;
    expect(copy.id).toBe('own');
    expect('admin' in copy).toBe(false);
  });

  it('a polluted Object.prototype field is not read (the copy has no prototype at all)', () => {
    const polluted = Object.prototype as Record<string, unknown>;
    polluted.admin = true;
    try {
      const copy = readInput<unknown>({ id: 'u', nested: { x: 1 } }) as Record<string, Record<string, unknown>>;
      expect(Object.keys(copy)).toEqual(['id', 'nested']);
      expect(copy.admin).toBeUndefined();
      expect(copy.nested!.admin).toBeUndefined();
    } finally {
      delete polluted.admin;
    }
  });

  it('non-enumerable fields and symbol keys are not read', () => {
    const input: Record<string | symbol, unknown> = { shown: 1, [Symbol('s')]: 2 };
    Object.defineProperty(input, 'hidden', { value: 3, enumerable: false });
    expect(Reflect.ownKeys(readInput(input) as object)).toEqual(['shown']);
  });

  it('objects become null-prototype copies and arrays real, dense arrays; a hole is undefined, never an inherited index', () => {
    const arrayProto = Array.prototype as unknown as Record<number, unknown>;
    arrayProto[1] = 'polluted';
    try {
      const source = { list: [1, , 3], inner: { b: true } }; // eslint-disable-line no-sparse-arrays
      const copy = readInput(source) as { list: unknown[]; inner: object };
      expect(Object.getPrototypeOf(copy)).toBeNull();
      expect(Object.getPrototypeOf(copy.inner)).toBeNull();
      expect(Array.isArray(copy.list)).toBe(true);
      expect(Object.hasOwn(copy.list, 1)).toBe(true);
      expect(copy.list[1]).toBeUndefined();
      expect(copy.list).not.toBe(source.list);
      expect(copy.inner).not.toBe(source.inner);
    } finally {
      delete arrayProto[1];
    }
  });

  it('a caller changing its object afterwards changes nothing in the copy', () => {
    const source = { a: { b: [1, 2] } };
    const copy = readInput(source);
    source.a.b.push(3);
    (source as Record<string, unknown>).c = 1;
    expect(JSON.parse(JSON.stringify(copy))).toEqual({ a: { b: [1, 2] } });
  });

  it('scalars and byte arrays are kept as they are', () => {
    const bytes = new Uint8Array([1, 2]);
    const rows: unknown[] = ['s', 0, -1.5, true, null, undefined, 10n];
    for (const value of rows) expect(readInput(value)).toBe(value);
    expect(readInput({ bytes }).bytes).toBe(bytes);
  });

  it('a cycle is cut (the repeated object becomes undefined); an object seen twice but not in a cycle is copied twice', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    const list: unknown[] = ['x'];
    list.push(list);
    const shared = { v: 1 };
    const copy = readInput<unknown>({ loop, list, left: shared, right: shared }) as Record<string, Record<string, unknown>>;
    expect(copy.loop!.name).toBe('loop');
    expect(copy.loop!.self).toBeUndefined();
    expect(copy.list).toEqual(['x', undefined]);
    expect(copy.left).toEqual({ v: 1 });
    expect(copy.right).toEqual({ v: 1 });
  });
});

describe('readInput: limits (SPEC §2.1)', () => {
  it(`${MAX_INPUT_DEPTH} levels of objects or arrays are read; ${MAX_INPUT_DEPTH + 1} are VALIDATION at the pointer of the too-deep one`, () => {
    expect(MAX_INPUT_DEPTH).toBe(32);
    expect(() => readInput(nested(32))).not.toThrow();
    expect(() => readInput(nested(32, 'array'))).not.toThrow();
    expect(problemsOf(() => readInput(nested(33)))).toEqual([{ pointer: pointerAt(32, 'a'), message: 'is nested deeper than 32 levels' }]);
    expect(problemsOf(() => readInput(nested(33, 'array'), '/body'))).toEqual([{ pointer: '/body' + pointerAt(32, '0'), message: 'is nested deeper than 32 levels' }]);
  });

  it('the walk is iterative: a 100,000-deep object or array is VALIDATION, not a RangeError', () => {
    for (const kind of ['object', 'array'] as const) {
      const problems = problemsOf(() => readInput(nested(100_000, kind)));
      expect(problems).toHaveLength(1);
      expect(problems[0]!.message).toBe('is nested deeper than 32 levels');
    }
  });

  it(`${MAX_INPUT_ENTRIES} entries of an array or fields of an object are read; one more is VALIDATION at that array or object`, () => {
    expect(MAX_INPUT_ENTRIES).toBe(10_000);
    const fields = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    expect(readInput({ list: new Array(10_000).fill(0) }).list).toHaveLength(10_000);
    expect(Object.keys(readInput({ map: fields(10_000) }).map)).toHaveLength(10_000);
    expect(problemsOf(() => readInput({ list: new Array(10_001).fill(0) }))).toEqual([{ pointer: '/list', message: 'has more than 10000 entries' }]);
    expect(problemsOf(() => readInput({ map: fields(10_001) }))).toEqual([{ pointer: '/map', message: 'has more than 10000 fields' }]);
  });

  it(`${MAX_INPUT_VALUES} values in all are read; one more is VALIDATION at the argument itself`, () => {
    expect(MAX_INPUT_VALUES).toBe(200_000);
    // The root array, 20 arrays under it, and their numbers: 1 + 20 + 19 × 9,999 + last.
    const input = (last: number) => [...Array.from({ length: 19 }, () => new Array(9_999).fill(0)), new Array(last).fill(0)];
    expect(() => readInput(input(9_998))).not.toThrow();
    expect(problemsOf(() => readInput(input(9_999), '/query'))).toEqual([{ pointer: '/query', message: 'holds more than 200000 values' }]);
  });

  it('a string is refused on its raw length past 4× its cap (4,096 by default), at its pointer', () => {
    const cap = DEFAULT_STRING_CAP * RAW_FACTOR;
    expect(readInput({ s: 'x'.repeat(cap) }).s).toHaveLength(16_384);
    expect(problemsOf(() => readInput({ s: 'x'.repeat(cap + 1) }))).toEqual([{ pointer: '/s', message: 'is longer than 4096 characters' }]);
    expect(problemsOf(() => readInput('x'.repeat(cap + 1), '/path'))).toEqual([{ pointer: '/path', message: 'is longer than 4096 characters' }]);
  });

  it('longStrings raises the cap of the strings it names, by pointer (base included) or by a function of the pointer', () => {
    const byPointer: LongStrings = { '/body/value': 100 };
    expect(() => readInput({ value: 'v'.repeat(400), other: 'o'.repeat(16_384) }, '/body', byPointer)).not.toThrow();
    expect(problemsOf(() => readInput({ value: 'v'.repeat(401) }, '/body', byPointer))).toEqual([{ pointer: '/body/value', message: 'is longer than 100 characters' }]);
    const byFunction: LongStrings = (pointer) => (pointer.startsWith('/ids/') ? 10 : undefined);
    expect(() => readInput({ ids: ['i'.repeat(40)], name: 'n'.repeat(16_384) }, '', byFunction)).not.toThrow();
    expect(problemsOf(() => readInput({ ids: ['ok', 'i'.repeat(41)] }, '', byFunction))).toEqual([{ pointer: '/ids/1', message: 'is longer than 10 characters' }]);
  });

  it('a field name longer than 4,096 characters is VALIDATION at its object; 4,096 is fine; names are escaped in pointers', () => {
    expect(Object.keys(readInput({ ['k'.repeat(4096)]: 1 }))).toHaveLength(1);
    expect(problemsOf(() => readInput({ inner: { ['k'.repeat(4097)]: 1 } }))).toEqual([{ pointer: '/inner', message: 'has a field name longer than 4096 characters' }]);
    expect(problemsOf(() => readInput({ 'a/b~c': 'x'.repeat(16_385) }))).toEqual([{ pointer: '/a~1b~0c', message: 'is longer than 4096 characters' }]);
  });

  it('lists every problem it finds, and stops reading once more than 100 are found', () => {
    let reads = 0;
    const input: Record<string, unknown> = {};
    for (let i = 0; i < 300; i++) {
      Object.defineProperty(input, `f${i}`, { enumerable: true, get: () => (reads++, 'x'.repeat(16_385)) });
    }
    let thrown: unknown;
    try {
      readInput(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CofferError);
    const error = thrown as CofferError;
    expect(reads).toBe(101);
    expect(allDetailsOf(error)).toHaveLength(101);
    expect(allDetailsOf(error)[0]).toEqual({ pointer: '/f0', message: 'is longer than 4096 characters' });
    expect(error.details).toHaveLength(101); // 100 listed, then one entry counting the rest
    expect(error.details![100]).toEqual({ pointer: '', message: 'and 1 more problem not listed' });
  });

  it('several different problems are reported together, each at its own pointer', () => {
    const problems = problemsOf(() => readInput({ a: 'x'.repeat(16_385), b: nested(40), c: new Array(10_001).fill(0) }, '/q'));
    expect(problems).toEqual([
      { pointer: '/q/a', message: 'is longer than 4096 characters' },
      { pointer: '/q/b' + pointerAt(31, 'a'), message: 'is nested deeper than 32 levels' },
      { pointer: '/q/c', message: 'has more than 10000 entries' },
    ]);
  });
});
