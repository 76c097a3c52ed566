// Policy listing: the `name` filter, the order (lower-cased name,
// then id), page sizes and page tokens that name a position, so a token stays
// valid while policies are added and removed. Tokens are signed by the shell
// (TokenCodec) so a tampered one is VALIDATION.

import { invalid } from './errors.js';
import type { Policy } from './policy.js';

/** The listing order of the catalogue (state/policies.ts). */
export interface OrderedPolicies {
  inOrder(): readonly Policy[];
  positionOf(key: { readonly sortKey: string; readonly id: string }): number;
}

/** policies.list's query. */
export interface PolicyListQuery {
  /** An item path (the policies that match or cover it) or a pattern / `*` (the policies on exactly that resource). */
  readonly resource?: string;
  /** `name eq|sw|sm|co value`, case-insensitive. */
  readonly filter?: string;
  /** A `next` or `prev` token of an earlier page. */
  readonly pageToken?: string;
  /** 1–1000, default 100. */
  readonly pageSize?: number;
}

export type FilterOperator = 'eq' | 'sw' | 'co';

export interface NameFilter {
  readonly operator: FilterOperator;
  /** Lower-cased: the filter is case-insensitive. */
  readonly value: string;
}

/** A position between policies: the page starts after it (`next`) or ends before it (`prev`). */
export interface PagePosition {
  readonly direction: 'next' | 'prev';
  readonly sortKey: string;
  readonly id: string;
}

export interface TokenCodec {
  encode(position: PagePosition): string;
  /** The position, or undefined for a malformed or tampered token. */
  decode(token: string): PagePosition | undefined;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** The cap of a filter, in characters (after trimming; 4× this on the raw string). */
export const FILTER_CAP = 1024;
/** The cap of a page token, in characters. */
export const PAGE_TOKEN_CAP = 4096;

const OPERATORS: Readonly<Record<string, FilterOperator>> = { eq: 'eq', sw: 'sw', sm: 'sw', co: 'co' };

function isSpace(unit: number): boolean {
  // What String.prototype.trim removes among ASCII, and the other spaces a filter may hold.
  return unit === 0x20 || (unit >= 0x09 && unit <= 0x0d) || unit === 0xa0 || unit === 0xfeff || (unit >= 0x2000 && unit <= 0x200a) || unit === 0x2028 || unit === 0x2029 || unit === 0x202f || unit === 0x205f || unit === 0x3000 || unit === 0x1680;
}

/**
 * Parses a filter; an empty (or all-space) filter is no filter. The grammar:
 * `name`, optional spaces, an operator (`eq`, `sw`, `sm`, `co`; any case),
 * then either spaces and the value (the rest, trimmed), or a quoted value
 * right away (`name eq"x"`). A value wrapped in "…" or '…' loses its quotes.
 * Read by index in one pass: O(length), no regex.
 */
export function parseFilter(input: unknown): NameFilter | undefined {
  if (input === undefined) return undefined;
  if (typeof input !== 'string') throw invalid('/filter', 'must be a string such as `name eq value`');
  if (input.length > FILTER_CAP * 4) throw invalid('/filter', `is longer than ${FILTER_CAP} characters`);
  const text = input.trim();
  if (text === '') return undefined;
  if (text.length > FILTER_CAP) throw invalid('/filter', `is longer than ${FILTER_CAP} characters`);
  const malformed = () => invalid('/filter', 'must be `name eq|sw|sm|co value`');
  if (text.slice(0, 4).toLowerCase() !== 'name') throw malformed();
  let at = 4;
  while (at < text.length && isSpace(text.charCodeAt(at))) at++;
  const operator = OPERATORS[text.slice(at, at + 2).toLowerCase()];
  if (operator === undefined) throw malformed();
  at += 2;
  const next = text.charCodeAt(at);
  // After the operator: the end, spaces then the value, or a quote opening the value.
  if (at < text.length && !isSpace(next) && next !== 0x22 && next !== 0x27) throw malformed();
  let value = text.slice(at).trim();
  const quote = value[0];
  if (quote === '"' || quote === "'") {
    if (value.length < 2 || value[value.length - 1] !== quote) throw invalid('/filter', 'has a quoted value without its closing quote');
    value = value.slice(1, -1);
  }
  if (value === '') throw invalid('/filter', 'has an empty value');
  return { operator, value: value.toLowerCase() };
}

export function matchesFilter(policy: Policy, filter: NameFilter | undefined): boolean {
  if (filter === undefined) return true;
  const name = policy.sortKey;
  switch (filter.operator) {
    case 'eq':
      return name === filter.value;
    case 'sw':
      return name.startsWith(filter.value);
    case 'co':
      return name.includes(filter.value);
  }
}

export function parsePageSize(input: unknown): number {
  if (input === undefined) return DEFAULT_PAGE_SIZE;
  if (typeof input !== 'number' || !Number.isInteger(input) || input < 1 || input > MAX_PAGE_SIZE) {
    throw invalid('/pageSize', `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return input;
}

export function parsePageToken(input: unknown, tokens: TokenCodec): PagePosition | undefined {
  if (input === undefined || input === '') return undefined;
  if (typeof input !== 'string') throw invalid('/pageToken', 'must be a string from a previous page');
  if (input.length > PAGE_TOKEN_CAP) throw invalid('/pageToken', `is longer than ${PAGE_TOKEN_CAP} characters`);
  const position = tokens.decode(input);
  if (position === undefined) throw invalid('/pageToken', 'is malformed or was altered');
  return position;
}

export interface Page {
  readonly policies: Policy[];
  readonly next: string;
  readonly prev: string;
}

/**
 * One page of the policies that `keep`, from `position`. Cost: O(log n) to
 * find the position, then a scan until the page is full and one more match
 * is seen on each side (O(n) in the worst case, when few policies match).
 */
export function pageOf(index: OrderedPolicies, keep: (policy: Policy) => boolean, size: number, position: PagePosition | undefined, tokens: TokenCodec): Page {
  const all = index.inOrder();
  const page: Policy[] = [];
  if (position === undefined || position.direction === 'next') {
    let at = position === undefined ? 0 : index.positionOf(position);
    // `next` starts strictly after the position's policy.
    if (position !== undefined && all[at] !== undefined && all[at]!.sortKey === position.sortKey && all[at]!.id === position.id) at++;
    let i = at;
    for (; i < all.length && page.length < size; i++) if (keep(all[i]!)) page.push(all[i]!);
    const hasMore = hasMatch(all, keep, i, 1);
    const hasBefore = hasMatch(all, keep, at - 1, -1);
    // An empty page (its policies deleted since the token was made): the way back ends where it starts.
    return finish(page, hasMore, hasBefore, tokens, { before: all[at] ?? END, after: START });
  }
  // `prev` ends strictly before the position.
  const end = index.positionOf(position) - 1;
  let i = end;
  for (; i >= 0 && page.length < size; i--) if (keep(all[i]!)) page.push(all[i]!);
  page.reverse();
  const hasBefore = hasMatch(all, keep, i, -1);
  const hasMore = hasMatch(all, keep, end + 1, 1);
  // An empty page: the way forward starts where it ends.
  return finish(page, hasMore, hasBefore, tokens, { before: END, after: all[end] ?? START });
}

// Positions before and after every policy: names are ASCII letters, digits, space, `_` and `-`,
// so every sort key is above '' and below '{' (the character after 'z').
const START = Object.freeze({ sortKey: '', id: '' });
const END = Object.freeze({ sortKey: '{', id: '' });

function hasMatch(all: readonly Policy[], keep: (policy: Policy) => boolean, from: number, step: 1 | -1): boolean {
  for (let i = from; i >= 0 && i < all.length; i += step) if (keep(all[i]!)) return true;
  return false;
}

type Point = { readonly sortKey: string; readonly id: string };

/**
 * The page and its tokens: `next` starts after its last policy, `prev` ends
 * before its first. An empty page has neither: `empty.after` is where the next
 * page starts after, `empty.before` where the previous one ends before.
 */
function finish(page: Policy[], hasMore: boolean, hasBefore: boolean, tokens: TokenCodec, empty: { before: Point; after: Point }): Page {
  const after = page[page.length - 1] ?? empty.after;
  const before = page[0] ?? empty.before;
  return {
    policies: page,
    next: hasMore ? tokens.encode({ direction: 'next', sortKey: after.sortKey, id: after.id }) : '',
    prev: hasBefore ? tokens.encode({ direction: 'prev', sortKey: before.sortKey, id: before.id }) : '',
  };
}
