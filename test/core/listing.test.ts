// Policy listing (listing.ts, SPEC §6.4): the `name` filter grammar, page
// sizes, page tokens (capped, decoded by a codec that may reject), and pages
// over the listing order whose tokens name positions, so they survive
// inserts and deletes.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  matchesFilter,
  pageOf,
  parseFilter,
  parsePageSize,
  parsePageToken,
  type NameFilter,
  type OrderedPolicies,
  type PagePosition,
  type TokenCodec,
} from '../../src/core/listing.js';
import { comparePolicies, newPolicy, type Policy } from '../../src/core/policy.js';
import { ANY_RESOURCE } from '../../src/core/resources.js';
import { CofferError, type ErrorDetail } from '../../src/core/errors.js';

function outcome(run: () => unknown): { value: unknown } | { problems: readonly ErrorDetail[] } {
  try {
    return { value: run() };
  } catch (error) {
    if (!(error instanceof CofferError) || error.code !== 'VALIDATION') throw error;
    return { problems: error.details! };
  }
}

const MALFORMED = { pointer: '/filter', message: 'must be `name eq|sw|sm|co value`' };
const EMPTY = { pointer: '/filter', message: 'has an empty value' };
const UNCLOSED = { pointer: '/filter', message: 'has a quoted value without its closing quote' };
const TOO_LONG = { pointer: '/filter', message: 'is longer than 1024 characters' };
const NOT_STRING = { pointer: '/filter', message: 'must be a string such as `name eq value`' };

describe('parseFilter grammar', () => {
  const rows: [unknown, NameFilter | undefined | ErrorDetail][] = [
    [undefined, undefined],
    ['', undefined],
    ['   \t\n ', undefined],
    ['name eq prod', { operator: 'eq', value: 'prod' }],
    ['name sw prod', { operator: 'sw', value: 'prod' }],
    ['name sm prod', { operator: 'sw', value: 'prod' }],
    ['name co prod', { operator: 'co', value: 'prod' }],
    ['NAME EQ Prod', { operator: 'eq', value: 'prod' }],
    ['Name Sm X', { operator: 'sw', value: 'x' }],
    ['nAmE cO x', { operator: 'co', value: 'x' }],
    ['  name   eq   prod  ', { operator: 'eq', value: 'prod' }],
    ['nameeq x', { operator: 'eq', value: 'x' }],
    ['\u00a0name\u3000eq\tx\u2028', { operator: 'eq', value: 'x' }],
    ['name eq two words', { operator: 'eq', value: 'two words' }],
    ['name eq "quoted value"', { operator: 'eq', value: 'quoted value' }],
    ["name eq 'single'", { operator: 'eq', value: 'single' }],
    ['name eq"x"', { operator: 'eq', value: 'x' }],
    ["name co'x'", { operator: 'co', value: 'x' }],
    ['name eq "  padded  "', { operator: 'eq', value: '  padded  ' }],
    ['name eq a"b', { operator: 'eq', value: 'a"b' }],
    ['name eq "a"b"', { operator: 'eq', value: 'a"b' }],
    ['name eq ÄÖ', { operator: 'eq', value: 'äö' }],
    ['name eq', EMPTY],
    ['name eq   ', EMPTY],
    ['name eq ""', EMPTY],
    ["name eq ''", EMPTY],
    ['name eq "x', UNCLOSED],
    ['name eq "', UNCLOSED],
    ['name eq "x\'', UNCLOSED],
    ['name eqx', MALFORMED],
    ['name ne x', MALFORMED],
    ['name', MALFORMED],
    ['nam', MALFORMED],
    ['title eq x', MALFORMED],
    ['eq x', MALFORMED],
    ['name = x', MALFORMED],
    [5, NOT_STRING],
    [null, NOT_STRING],
    [['name eq x'], NOT_STRING],
  ];
  for (const [input, expected] of rows) {
    const shown = typeof input === 'string' ? JSON.stringify(input) : String(input);
    it(`${shown} → ${expected === undefined ? 'no filter' : 'pointer' in expected ? `VALIDATION: ${expected.message}` : `${expected.operator} ${JSON.stringify(expected.value)}`}`, () => {
      if (expected !== undefined && 'pointer' in expected) expect(outcome(() => parseFilter(input))).toEqual({ problems: [expected] });
      else expect(parseFilter(input)).toEqual(expected);
    });
  }

  it('the 1,024 cap applies after trimming; 4× the cap on the raw string', () => {
    const filter = (length: number) => `name eq ${'v'.repeat(length - 8)}`;
    expect(parseFilter(filter(1024))?.value).toHaveLength(1016);
    expect(outcome(() => parseFilter(filter(1025)))).toEqual({ problems: [TOO_LONG] });
    const padded = (raw: number) => `${' '.repeat(raw - 9)}name eq x`;
    expect(parseFilter(padded(4096))).toEqual({ operator: 'eq', value: 'x' });
    expect(outcome(() => parseFilter(padded(4097)))).toEqual({ problems: [TOO_LONG] });
  });
});

/**
 * A reference parser written from SPEC §6.4 with regular expressions (its own
 * way, not the one-pass scan): the filter as a whole, or the VALIDATION message.
 */
function referenceFilter(input: string): NameFilter | undefined | string {
  if (input.length > 4096) return TOO_LONG.message;
  const text = input.trim();
  if (text === '') return undefined;
  if (text.length > 1024) return TOO_LONG.message;
  const match = /^[Nn][Aa][Mm][Ee]\s*([Ee][Qq]|[Ss][Ww]|[Ss][Mm]|[Cc][Oo])(?:$|(?=[\s"'])([\s\S]*))$/.exec(text);
  if (match === null) return MALFORMED.message;
  const operator = { eq: 'eq', sw: 'sw', sm: 'sw', co: 'co' }[match[1]!.toLowerCase()] as NameFilter['operator'];
  let value = (match[2] ?? '').trim();
  const quoted = /^(["'])([\s\S]*)\1$/.exec(value);
  if (quoted !== null && value.length >= 2) value = quoted[2]!;
  else if (value.startsWith('"') || value.startsWith("'")) return UNCLOSED.message;
  if (value === '') return EMPTY.message;
  return { operator, value: value.toLowerCase() };
}

describe('parseFilter agrees with a reference parser (property, seeded)', () => {
  const pieces = fc.constantFrom(' ', '  ', '\t', '\u00a0', '"', "'", 'name', 'NAME', 'Name ', 'eq', 'EQ', 'sw', 'sm', 'co', 'Co', 'ne', 'n', 'a', 'm', 'e', 'q', 'x', 'Y', 'z');
  const spaces = fc.array(fc.constantFrom(' ', '\t', '\u00a0', '\u3000'), { maxLength: 2 }).map((parts) => parts.join(''));
  const join = (parts: string[]) => parts.join('');
  // Mostly filter-shaped (a field, an operator, then anything), some entirely random.
  const shaped = fc
    .tuple(spaces, fc.constantFrom('name', 'NAME', 'Name', 'nam', 'title'), spaces, fc.constantFrom('eq', 'EQ', 'sw', 'sM', 'Co', 'ne', 'e'), fc.constantFrom('', ' ', '  ', '"', "'", 'x'), fc.array(pieces, { maxLength: 8 }).map(join))
    .map(join);
  const filters = fc.oneof({ arbitrary: shaped, weight: 3 }, { arbitrary: fc.array(pieces, { maxLength: 14 }).map(join), weight: 1 });

  it('on random strings of spaces, quotes and letters: the same filter or the same refusal', () => {
    fc.assert(
      fc.property(filters, (input) => {
        const got = outcome(() => parseFilter(input));
        const expected = referenceFilter(input);
        if (typeof expected === 'string') expect(got).toEqual({ problems: [{ pointer: '/filter', message: expected }] });
        else expect(got).toEqual({ value: expected });
      }),
      { seed: 1024, numRuns: 5000 },
    );
  });

  it('also on long, repetitive inputs near the caps (no regex in the parser to backtrack)', () => {
    fc.assert(
      fc.property(fc.constantFrom(' ', '"', "'", 'name eq', 'x'), fc.integer({ min: 500, max: 1100 }), fc.boolean(), (piece, times, prefixed) => {
        const input = (prefixed ? 'name eq ' : '') + piece.repeat(times);
        const got = outcome(() => parseFilter(input));
        const expected = referenceFilter(input);
        if (typeof expected === 'string') expect(got).toEqual({ problems: [{ pointer: '/filter', message: expected }] });
        else expect(got).toEqual({ value: expected });
      }),
      { seed: 4096, numRuns: 300 },
    );
  });
});

const policy = (name: string, id = `id-${name}`): Policy => newPolicy(id, { name, resource: ANY_RESOURCE }, null, ['p0', 'p1', 'p2']);

describe('matchesFilter', () => {
  const rows: [string, NameFilter | undefined, boolean][] = [
    ['Prod-DB', undefined, true],
    ['Prod-DB', { operator: 'eq', value: 'prod-db' }, true],
    ['Prod-DB', { operator: 'eq', value: 'prod' }, false],
    ['Prod-DB', { operator: 'sw', value: 'prod' }, true],
    ['Prod-DB', { operator: 'sw', value: 'db' }, false],
    ['Prod-DB', { operator: 'co', value: 'd-d' }, true],
    ['Prod-DB', { operator: 'co', value: 'x' }, false],
  ];
  for (const [name, filter, expected] of rows) {
    it(`${name} ${filter === undefined ? '(no filter)' : `${filter.operator} ${filter.value}`}: ${expected} — compared case-insensitively`, () => {
      expect(matchesFilter(policy(name), filter)).toBe(expected);
    });
  }
});

describe('parsePageSize and parsePageToken', () => {
  it('a page size is an integer from 1 to 1000, default 100', () => {
    expect([undefined, 1, 1000, 37].map(parsePageSize)).toEqual([100, 1, 1000, 37]);
    for (const bad of [0, 1001, 1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, '10', null]) {
      expect(outcome(() => parsePageSize(bad))).toEqual({ problems: [{ pointer: '/pageSize', message: 'must be an integer from 1 to 1000' }] });
    }
  });

  const position: PagePosition = { direction: 'next', sortKey: 'b', id: 'id-b' };
  const decoded: string[] = [];
  const codec = (accepts: boolean): TokenCodec => ({
    encode: () => 'unused',
    decode: (token) => (decoded.push(token), accepts ? position : undefined),
  });

  it('absent or empty is no token; a string up to 4,096 characters is decoded', () => {
    expect(parsePageToken(undefined, codec(true))).toBeUndefined();
    expect(parsePageToken('', codec(true))).toBeUndefined();
    expect(parsePageToken('t'.repeat(4096), codec(true))).toBe(position);
  });

  it('a longer token is VALIDATION without being decoded; so is a non-string and a token the codec rejects', () => {
    decoded.length = 0;
    expect(outcome(() => parsePageToken('t'.repeat(4097), codec(true)))).toEqual({ problems: [{ pointer: '/pageToken', message: 'is longer than 4096 characters' }] });
    expect(outcome(() => parsePageToken(42, codec(true)))).toEqual({ problems: [{ pointer: '/pageToken', message: 'must be a string from a previous page' }] });
    expect(decoded).toEqual([]);
    expect(outcome(() => parsePageToken('tampered', codec(false)))).toEqual({ problems: [{ pointer: '/pageToken', message: 'is malformed or was altered' }] });
    expect(decoded).toEqual(['tampered']);
  });
});

/** A fake catalogue: a sorted array, positions by a linear scan. */
class FakeCatalogue implements OrderedPolicies {
  list: Policy[] = [];
  constructor(names: string[]) {
    for (const name of names) this.add(name);
  }
  add(name: string): void {
    this.list = [...this.list, policy(name)].sort(comparePolicies);
  }
  remove(name: string): void {
    this.list = this.list.filter((p) => p.name !== name);
  }
  inOrder(): readonly Policy[] {
    return this.list;
  }
  positionOf(key: { sortKey: string; id: string }): number {
    const at = this.list.findIndex((p) => comparePolicies(p, key) >= 0);
    return at < 0 ? this.list.length : at;
  }
}

const tokens: TokenCodec = { encode: (p) => JSON.stringify(p), decode: (t) => JSON.parse(t) as PagePosition };
const names = (page: { policies: Policy[] }) => page.policies.map((p) => p.name);
const all = () => true;

describe('pageOf', () => {
  it('pages follow the listing order; next and prev are "" where there is no such page', () => {
    const catalogue = new FakeCatalogue(['e', 'B', 'a', 'D', 'c']);
    const first = pageOf(catalogue, all, 2, undefined, tokens);
    expect(names(first)).toEqual(['a', 'B']);
    expect(first.prev).toBe('');
    const second = pageOf(catalogue, all, 2, tokens.decode(first.next), tokens);
    expect(names(second)).toEqual(['c', 'D']);
    const third = pageOf(catalogue, all, 2, tokens.decode(second.next), tokens);
    expect(names(third)).toEqual(['e']);
    expect(third.next).toBe('');
    const back = pageOf(catalogue, all, 2, tokens.decode(third.prev), tokens);
    expect(names(back)).toEqual(['c', 'D']);
    expect(names(pageOf(catalogue, all, 2, tokens.decode(back.prev), tokens))).toEqual(['a', 'B']);
    expect(pageOf(catalogue, all, 10, undefined, tokens)).toMatchObject({ next: '', prev: '' });
  });

  it('tokens name the first and last policy of the page', () => {
    const page = pageOf(new FakeCatalogue(['a', 'b', 'c', 'd']), all, 2, { direction: 'next', sortKey: 'a', id: 'id-a' }, tokens);
    expect(names(page)).toEqual(['b', 'c']);
    expect(tokens.decode(page.next)).toEqual({ direction: 'next', sortKey: 'c', id: 'id-c' });
    expect(tokens.decode(page.prev)).toEqual({ direction: 'prev', sortKey: 'b', id: 'id-b' });
  });

  it('only policies `keep` accepts are listed, and a token is given only when another match lies that way', () => {
    const catalogue = new FakeCatalogue(['a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
    const isA = (p: Policy) => p.name.startsWith('a');
    const first = pageOf(catalogue, isA, 2, undefined, tokens);
    expect(names(first)).toEqual(['a1', 'a2']);
    const last = pageOf(catalogue, isA, 2, tokens.decode(first.next), tokens);
    expect(names(last)).toEqual(['a3']);
    expect(last.next).toBe(''); // b3 follows, but does not match
  });

  it('a position survives inserts and deletes: next starts strictly after it, prev ends strictly before it, even once its policy is gone', () => {
    const catalogue = new FakeCatalogue(['a', 'c', 'e', 'g']);
    const first = pageOf(catalogue, all, 2, undefined, tokens);
    expect(names(first)).toEqual(['a', 'c']);
    catalogue.remove('c');
    catalogue.add('b'); // before the position: not shown again
    catalogue.add('d'); // after it: shown
    const second = pageOf(catalogue, all, 2, tokens.decode(first.next), tokens);
    expect(names(second)).toEqual(['d', 'e']);
    catalogue.remove('d'); // the prev token's own policy
    catalogue.add('cc');
    expect(names(pageOf(catalogue, all, 3, tokens.decode(second.prev), tokens))).toEqual(['a', 'b', 'cc']);
    expect(names(pageOf(catalogue, all, 2, tokens.decode(second.next), tokens))).toEqual(['g']);
  });

  it('a page left empty by deletes after its position still has a prev token back to the policies before it', () => {
    const catalogue = new FakeCatalogue(['a', 'b', 'c', 'd']);
    const first = pageOf(catalogue, all, 2, undefined, tokens);
    catalogue.remove('c');
    catalogue.remove('d');
    const empty = pageOf(catalogue, all, 2, tokens.decode(first.next), tokens);
    expect(names(empty)).toEqual([]);
    expect(empty.prev).not.toBe(''); // SPEC §6.4: "" only where there is no such page, and [a, b] lies before
    expect(names(pageOf(catalogue, all, 2, tokens.decode(empty.prev), tokens))).toEqual(['a', 'b']);
  });

  it('a prev page left empty by deletes before its position still has a next token on to the policies after it', () => {
    const catalogue = new FakeCatalogue(['a', 'b', 'c', 'd']);
    const last = pageOf(catalogue, all, 2, { direction: 'next', sortKey: 'b', id: 'id-b' }, tokens);
    catalogue.remove('a');
    catalogue.remove('b');
    const empty = pageOf(catalogue, all, 2, tokens.decode(last.prev), tokens);
    expect(names(empty)).toEqual([]);
    expect(empty.next).not.toBe('');
    expect(names(pageOf(catalogue, all, 2, tokens.decode(empty.next), tokens))).toEqual(['c', 'd']);
  });

  it('walking next from the start lists every kept policy once, in order (property, seeded)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-dA-D]{1,3}$/), { maxLength: 30 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 3 }), (given, size, drop) => {
        const catalogue = new FakeCatalogue(given);
        const keep = (p: Policy) => p.name.length !== drop;
        const seen: string[] = [];
        let position: PagePosition | undefined;
        for (let pages = 0; pages <= given.length + 1; pages++) {
          const page = pageOf(catalogue, keep, size, position, tokens);
          seen.push(...names(page));
          if (page.next === '') break;
          position = tokens.decode(page.next);
        }
        expect(seen).toEqual(catalogue.inOrder().filter(keep).map((p) => p.name));
      }),
      { seed: 77, numRuns: 500 },
    );
  });
});
