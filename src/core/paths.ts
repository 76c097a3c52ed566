// Path rules: absolute, `/`-separated, NFC, segments of 1–255 UTF-8
// bytes without `.`/`..`/control characters/`*`, depth ≤ 64, length ≤ 4096
// bytes. A parsed path is the list of its NFC segments; `/` is the empty list.

import { validationError, type ErrorDetail } from './errors.js';
import { RAW_FACTOR } from './input.js';
import { isWellFormed } from './validate.js';

export const MAX_SEGMENT_BYTES = 255;
export const MAX_DEPTH = 64;
export const MAX_PATH_BYTES = 4096;

/** A valid, normalised path: its segments and its canonical string. */
export interface ParsedPath {
  readonly segments: readonly string[];
  /** Canonical form: `/` for the root, else `/a/b` (NFC, no trailing slash). */
  readonly path: string;
}

export const ROOT_PATH: ParsedPath = Object.freeze({ segments: Object.freeze([]) as readonly string[], path: '/' });

// U+0000–U+001F and U+007F, and `*` (reserved for policy resource patterns).
const FORBIDDEN_CHARACTER = /[\u0000-\u001f\u007f*]/;

/** UTF-8 length of a well-formed string without allocating. O(length). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4; // a surrogate pair: one 4-byte code point
      i++;
    } else bytes += 3;
  }
  return bytes;
}

// The common case — printable ASCII without `*`, which is already NFC,
// well-formed, and one byte per character — in one pass without regexes or
// normalisation. Undefined when the path is not plain or breaks a rule: the
// full check then names every problem. O(length).
function plainPath(input: string): ParsedPath | undefined {
  const n = input.length;
  if (n === 0 || input.charCodeAt(0) !== 0x2f) return undefined;
  if (n === 1) return ROOT_PATH;
  const end = input.charCodeAt(n - 1) === 0x2f ? n - 1 : n; // one trailing `/` is ignored
  if (end > MAX_PATH_BYTES) return undefined;
  const segments: string[] = [];
  let start = 1;
  for (let i = 1; i <= end; i++) {
    const c = i === end ? 0x2f : input.charCodeAt(i);
    if (c === 0x2f) {
      const length = i - start;
      if (length === 0 || length > MAX_SEGMENT_BYTES) return undefined;
      if (input.charCodeAt(start) === 0x2e && (length === 1 || (length === 2 && input.charCodeAt(start + 1) === 0x2e))) return undefined;
      if (segments.push(input.slice(start, i)) > MAX_DEPTH) return undefined;
      start = i + 1;
    } else if (c < 0x20 || c > 0x7e || c === 0x2a) return undefined;
  }
  return { segments, path: end === n ? input : input.slice(0, end) };
}

/**
 * The canonical form of a plain path (printable ASCII, no `*`, every rule of
 * the path rules kept), without splitting it; undefined for anything else, which the full
 * parse then handles. For lookups that need no segments. O(length), no allocation
 * but the slice of a trailing `/`.
 */
export function plainCanonical(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const n = input.length;
  if (n === 0 || input.charCodeAt(0) !== 0x2f) return undefined;
  if (n === 1) return '/';
  const end = input.charCodeAt(n - 1) === 0x2f ? n - 1 : n;
  if (end > MAX_PATH_BYTES) return undefined;
  let start = 1;
  let depth = 0;
  for (let i = 1; i <= end; i++) {
    const c = i === end ? 0x2f : input.charCodeAt(i);
    if (c === 0x2f) {
      const length = i - start;
      if (length === 0 || length > MAX_SEGMENT_BYTES || ++depth > MAX_DEPTH) return undefined;
      if (input.charCodeAt(start) === 0x2e && (length === 1 || (length === 2 && input.charCodeAt(start + 1) === 0x2e))) return undefined;
      start = i + 1;
    } else if (c < 0x20 || c > 0x7e || c === 0x2a) return undefined;
  }
  return end === n ? input : input.slice(0, end);
}

/**
 * Every problem of `input` as a path, or the parsed path. `pointer` names the
 * argument in error details (`/path`, `/resource`, …). O(length).
 */
export function checkPath(input: unknown, pointer = '/path'): { path: ParsedPath } | { problems: ErrorDetail[] } {
  if (typeof input !== 'string') return { problems: [{ pointer, message: 'must be a string' }] };
  // O(1) first: a path of more than 4 × 4096 UTF-16 units cannot be valid (NFC can shrink text, never by more).
  if (input.length > MAX_PATH_BYTES * RAW_FACTOR) return { problems: [{ pointer, message: `is longer than ${MAX_PATH_BYTES} bytes` }] };
  const plain = plainPath(input);
  if (plain !== undefined) return { path: plain };
  if (!isWellFormed(input)) return { problems: [{ pointer, message: 'is not valid Unicode (it holds a lone surrogate)' }] };
  if (!input.startsWith('/')) return { problems: [{ pointer, message: 'must be absolute (start with `/`)' }] };
  const text = input.normalize('NFC');
  if (text === '/') return { path: ROOT_PATH };
  // One trailing slash is ignored; a second one leaves an empty segment.
  const body = text.endsWith('/') ? text.slice(1, -1) : text.slice(1);
  const segments = body.split('/');
  const problems: ErrorDetail[] = [];
  for (const [index, segment] of segments.entries()) {
    const where = `segment ${index + 1}`;
    if (segment === '') problems.push({ pointer, message: `${where} is empty (\`//\`)` });
    else if (segment === '.' || segment === '..') problems.push({ pointer, message: `${where} is \`${segment}\`, which is not allowed` });
    else if (FORBIDDEN_CHARACTER.test(segment)) problems.push({ pointer, message: `${where} holds a control character or \`*\`` });
    else if (utf8Length(segment) > MAX_SEGMENT_BYTES) problems.push({ pointer, message: `${where} is longer than ${MAX_SEGMENT_BYTES} bytes` });
  }
  if (segments.length > MAX_DEPTH) problems.push({ pointer, message: `is deeper than ${MAX_DEPTH} segments` });
  const path = '/' + segments.join('/');
  if (utf8Length(path) > MAX_PATH_BYTES) problems.push({ pointer, message: `is longer than ${MAX_PATH_BYTES} bytes` });
  if (problems.length > 0) return { problems };
  return { path: { segments: Object.freeze(segments), path } };
}

/** Parses a path or throws VALIDATION naming every problem. */
export function parsePath(input: unknown, pointer = '/path'): ParsedPath {
  const result = checkPath(input, pointer);
  if ('problems' in result) throw validationError(result.problems);
  return result.path;
}
