// validate.ts: the one way problems are collected (every problem, one
// VALIDATION, repeats dropped), ajv errors turned into details with JSON
// pointers and plain messages, and RFC 6901 escaping of pointer tokens.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { ErrorObject } from 'ajv';
import { assertSchema, attempt, collectProblems, detailsFromAjv, escapePointer, isPlainObject, isWellFormed, parseAll, schemaValidator } from '../../src/core/validate.js';
import { allDetailsOf, CofferError, conflict, invalid, validationError, type ErrorDetail } from '../../src/core/errors.js';

function caught(run: () => unknown): CofferError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CofferError);
    return error as CofferError;
  }
  throw new Error('expected a CofferError');
}

const testSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'x/y'],
  properties: {
    name: { type: 'string', minLength: 1 },
    'x/y': {},
    level: { enum: ['low', 'high'] },
    note: { type: ['string', 'null'] },
    count: { type: 'integer' },
    flag: { type: 'boolean' },
    ratio: { type: 'number' },
    list: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } },
    inner: { type: 'object' },
  },
} as const;
const validator = schemaValidator('validate-test', testSchema);

function detailsFor(input: unknown, base?: string): ErrorDetail[] {
  expect(validator(input)).toBe(false);
  return detailsFromAjv(validator.errors, base);
}

describe('detailsFromAjv: messages and pointers', () => {
  const rows: { rule: string; input: Record<string, unknown>; expected: ErrorDetail }[] = [
    { rule: 'an unknown field is named in the pointer, escaped', input: { name: 'n', 'x/y': 1, 'a/b~': 1 }, expected: { pointer: '/a~1b~0', message: 'is not a known field' } },
    { rule: 'a missing field is named in the pointer, escaped', input: { name: 'n' }, expected: { pointer: '/x~1y', message: 'is required' } },
    { rule: 'an enum lists the allowed values in backticks', input: { name: 'n', 'x/y': 1, level: 'mid' }, expected: { pointer: '/level', message: 'must be one of `low`, `high`' } },
    { rule: 'a string type reads "a string"', input: { name: 5, 'x/y': 1 }, expected: { pointer: '/name', message: 'must be a string' } },
    { rule: 'a union type reads "a string or null"', input: { name: 'n', 'x/y': 1, note: 5 }, expected: { pointer: '/note', message: 'must be a string or null' } },
    { rule: 'integer reads "an integer"', input: { name: 'n', 'x/y': 1, count: 1.5 }, expected: { pointer: '/count', message: 'must be an integer' } },
    { rule: 'boolean reads "true or false"', input: { name: 'n', 'x/y': 1, flag: 'yes' }, expected: { pointer: '/flag', message: 'must be true or false' } },
    { rule: 'number reads "a number"', input: { name: 'n', 'x/y': 1, ratio: 'r' }, expected: { pointer: '/ratio', message: 'must be a number' } },
    { rule: 'array reads "an array"', input: { name: 'n', 'x/y': 1, list: {} }, expected: { pointer: '/list', message: 'must be an array' } },
    { rule: 'object reads "an object"', input: { name: 'n', 'x/y': 1, inner: [] }, expected: { pointer: '/inner', message: 'must be an object' } },
    { rule: 'a nested problem has the full pointer', input: { name: 'n', 'x/y': 1, list: [{ id: 'a' }, { id: 2 }] }, expected: { pointer: '/list/1/id', message: 'must be a string' } },
    { rule: "another keyword keeps ajv's own message", input: { name: '', 'x/y': 1 }, expected: { pointer: '/name', message: 'must NOT have fewer than 1 characters' } },
  ];
  for (const row of rows) {
    it(row.rule, () => {
      expect(detailsFor(row.input)).toEqual([row.expected]);
    });
  }

  it('the root itself has the pointer of the base', () => {
    expect(detailsFor('text')).toEqual([{ pointer: '', message: 'must be an object' }]);
    expect(detailsFor('text', '/options')).toEqual([{ pointer: '/options', message: 'must be an object' }]);
  });

  it('every pointer is prefixed with the base, and every problem is listed (allErrors)', () => {
    const details = detailsFor({ level: 'x', extra: 1 }, '/condition');
    expect(details).toHaveLength(4);
    expect(details).toEqual(
      expect.arrayContaining([
        { pointer: '/condition/extra', message: 'is not a known field' },
        { pointer: '/condition/name', message: 'is required' },
        { pointer: '/condition/x~1y', message: 'is required' },
        { pointer: '/condition/level', message: 'must be one of `low`, `high`' },
      ]),
    );
  });

  it('no errors give no details; an error without a message reads "is invalid"; an unknown type name is kept', () => {
    expect(detailsFromAjv(null)).toEqual([]);
    expect(detailsFromAjv(undefined)).toEqual([]);
    const bare = { keyword: 'custom', instancePath: '/a', schemaPath: '#', params: {} } as ErrorObject;
    const odd = { keyword: 'type', instancePath: '/b', schemaPath: '#', params: { type: 'string,weird' }, message: 'x' } as ErrorObject;
    expect(detailsFromAjv([bare, odd], '/base')).toEqual([
      { pointer: '/base/a', message: 'is invalid' },
      { pointer: '/base/b', message: 'must be a string or weird' },
    ]);
  });

  it('schemaValidator compiles a schema once per name', () => {
    expect(schemaValidator('validate-test', { type: 'string' })).toBe(validator);
  });

  it('assertSchema throws one VALIDATION listing every problem, pointers under the base', () => {
    expect(() => assertSchema(validator, { name: 'n', 'x/y': 1 })).not.toThrow();
    const details = caught(() => assertSchema(validator, { count: 'c' }, '/q')).details;
    expect(details).toHaveLength(3);
    expect(details).toEqual(
      expect.arrayContaining([
        { pointer: '/q/name', message: 'is required' },
        { pointer: '/q/x~1y', message: 'is required' },
        { pointer: '/q/count', message: 'must be an integer' },
      ]),
    );
  });
});

/** A parser that notes it ran, then throws `error` or returns its name. */
const step = (ran: string[], name: string, error?: Error) => (): string => {
  ran.push(name);
  if (error !== undefined) throw error;
  return name;
};

describe('collectProblems, attempt, parseAll', () => {
  it('collectProblems returns the value when no problem was pushed', () => {
    expect(collectProblems(() => 42)).toBe(42);
  });

  it('collectProblems throws one VALIDATION with every problem, repeats (same pointer and message) dropped, first order kept', () => {
    const error = caught(() =>
      collectProblems((problems) => {
        problems.push({ pointer: '/b', message: 'one' }, { pointer: '/a', message: 'two' }, { pointer: '/b', message: 'one' }, { pointer: '/b', message: 'three' });
        return 1;
      }),
    );
    expect(error.code).toBe('VALIDATION');
    expect(error.details).toEqual([
      { pointer: '/b', message: 'one' },
      { pointer: '/a', message: 'two' },
      { pointer: '/b', message: 'three' },
    ]);
  });

  it("attempt returns the parser's value, or adds every detail of its VALIDATION (uncapped) and returns undefined", () => {
    const problems: ErrorDetail[] = [];
    expect(attempt(problems, () => 'ok')).toBe('ok');
    const many = Array.from({ length: 150 }, (_, i) => ({ pointer: `/p${i}`, message: 'bad' }));
    expect(
      attempt(problems, () => {
        throw validationError(many);
      }),
    ).toBeUndefined();
    expect(problems).toEqual(many);
  });

  it('attempt lets any other error through: another code, or not a CofferError', () => {
    expect(() => attempt([], step([], 'a', conflict('c')))).toThrow(CofferError);
    expect(() => attempt([], step([], 'a', new TypeError('t')))).toThrow(TypeError);
  });

  it('parseAll runs every parser and throws one VALIDATION with all their problems in order, or returns every value', () => {
    expect(parseAll(() => 1, () => 'two')).toEqual([1, 'two']);
    const ran: string[] = [];
    const error = caught(() =>
      parseAll(
        step(ran, 'path', invalid('/path', 'must be a string')),
        step(ran, 'body'),
        step(ran, 'options', validationError([{ pointer: '/options/a', message: 'x' }, { pointer: '/options/b', message: 'y' }])),
      ),
    );
    expect(ran).toEqual(['path', 'body', 'options']);
    expect(allDetailsOf(error)).toEqual([
      { pointer: '/path', message: 'must be a string' },
      { pointer: '/options/a', message: 'x' },
      { pointer: '/options/b', message: 'y' },
    ]);
  });

  it('parseAll stops at an error that is not VALIDATION', () => {
    const ran: string[] = [];
    expect(() => parseAll(step(ran, 'a', conflict('c')), step(ran, 'b'))).toThrow('c');
    expect(ran).toEqual(['a']);
  });
});

describe('escapePointer and the small checks', () => {
  const rows: [string, string][] = [
    ['', ''],
    ['plain', 'plain'],
    ['~', '~0'],
    ['/', '~1'],
    ['~1', '~01'],
    ['/~', '~1~0'],
    ['a/b/c', 'a~1b~1c'],
  ];
  for (const [token, escaped] of rows) {
    it(`escapes ${JSON.stringify(token)} as ${JSON.stringify(escaped)} (RFC 6901)`, () => {
      expect(escapePointer(token)).toBe(escaped);
    });
  }

  it('an escaped token holds no `/` and unescapes (~1 then ~0) to the token (property, seeded)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('~', '/', '0', '1', 'a'), { maxLength: 16 }).map((cs) => cs.join('')), (token) => {
        const escaped = escapePointer(token);
        expect(escaped).not.toContain('/');
        expect(escaped.replaceAll('~1', '/').replaceAll('~0', '~')).toBe(token);
      }),
      { seed: 6901, numRuns: 1000 },
    );
  });

  it('isPlainObject is true for objects only (not arrays, not null)', () => {
    expect([{}, Object.create(null)].map(isPlainObject)).toEqual([true, true]);
    expect([[], null, 'x', 1, undefined].map(isPlainObject)).toEqual([false, false, false, false, false]);
  });

  it('isWellFormed refuses a lone surrogate and accepts a pair', () => {
    expect(isWellFormed('a😀')).toBe(true);
    expect(isWellFormed('a\uD800')).toBe(false);
    expect(isWellFormed('\uDC00a')).toBe(false);
  });
});
