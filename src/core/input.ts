// Caller input, read once at the edge: a copy made of own enumerable data
// only, within the limits every input has (docs/reference.md, "Input limits"):
// at most 32 levels deep, 10,000 entries per array or object, 200,000 values
// in all, and no string longer than 4× its cap. The walk is iterative, so no
// input can overflow the stack, and every check is O(1) per value, so the
// copy is linear in the input and stops at the first limit it passes.

import { validationError, type ErrorDetail } from './errors.js';
import { escapePointer } from './validate.js';

/** Objects and arrays nested deeper than this → VALIDATION (nothing coffer takes is deeper than 8). */
export const MAX_INPUT_DEPTH = 32;
/** Entries of one array, or fields of one object. */
export const MAX_INPUT_ENTRIES = 10_000;
/** Values (objects, arrays, strings, numbers…) in one argument. */
export const MAX_INPUT_VALUES = 200_000;
/** The cap of a string that has no cap of its own (in characters, i.e. UTF-16 code units). */
export const DEFAULT_STRING_CAP = 4096;
/** The cap of a principal, group, member or ACL entity id, in characters. */
export const ID_CAP = 255;
/** A string more than this many times its cap is refused on its raw length, before anything parses it. */
export const RAW_FACTOR = 4;

/** Caps (in characters) of the strings of one argument that may be longer than the default: by JSON pointer, or a function of it. */
export type LongStrings = Readonly<Record<string, number>> | ((pointer: string) => number | undefined);

interface Frame {
  readonly source: object;
  readonly target: unknown[] | Record<string, unknown>;
  readonly keys: readonly string[] | null; // null: an array
  readonly pointer: string;
  readonly depth: number;
  index: number;
}

/**
 * A copy of caller input made of own enumerable data only: objects become
 * null-prototype objects, arrays dense arrays, everything else as is. Inputs
 * are read through this copy, so a field inherited from a prototype (or from a
 * polluted `Object.prototype.admin`) is never read as if the caller gave it,
 * and a caller changing its object later changes nothing here. Cycles are cut
 * (the repeated object becomes undefined). Throws VALIDATION, pointers under
 * `base`, for input past the limits above. O(size of input), iterative.
 */
export function readInput<T>(value: T, base = '', longStrings: LongStrings = {}): T {
  const problems: ErrorDetail[] = [];
  let values = 0;
  const onPath = new Set<object>();
  const stack: Frame[] = [];

  // Copies a scalar, or opens a frame for a container; returns the copy (filled in later).
  const visit = (x: unknown, pointer: string, depth: number): unknown => {
    values++;
    if (typeof x === 'string') {
      const cap = (typeof longStrings === 'function' ? longStrings(pointer) : longStrings[pointer]) ?? DEFAULT_STRING_CAP;
      if (x.length > cap * RAW_FACTOR) problems.push({ pointer, message: `is longer than ${cap} characters` });
      return x;
    }
    if (typeof x !== 'object' || x === null) return x;
    if (ArrayBuffer.isView(x)) return x;
    if (onPath.has(x)) return undefined;
    if (depth > MAX_INPUT_DEPTH) {
      problems.push({ pointer, message: `is nested deeper than ${MAX_INPUT_DEPTH} levels` });
      return undefined;
    }
    if (Array.isArray(x)) {
      if (x.length > MAX_INPUT_ENTRIES) {
        problems.push({ pointer, message: `has more than ${MAX_INPUT_ENTRIES} entries` });
        return undefined;
      }
      const target: unknown[] = [];
      onPath.add(x);
      stack.push({ source: x, target, keys: null, pointer, depth, index: 0 });
      return target;
    }
    const keys = Object.keys(x);
    if (keys.length > MAX_INPUT_ENTRIES) {
      problems.push({ pointer, message: `has more than ${MAX_INPUT_ENTRIES} fields` });
      return undefined;
    }
    const target = Object.create(null) as Record<string, unknown>;
    onPath.add(x);
    stack.push({ source: x, target, keys, pointer, depth, index: 0 });
    return target;
  };

  const root = visit(value, base, 1);
  while (stack.length > 0 && problems.length <= 100 && values <= MAX_INPUT_VALUES) {
    const frame = stack[stack.length - 1]!;
    const { source, target, keys } = frame;
    if (keys === null) {
      const list = source as unknown[];
      if (frame.index >= list.length) {
        stack.pop();
        onPath.delete(source);
        continue;
      }
      const i = frame.index++;
      (target as unknown[]).push(Object.hasOwn(list, i) ? visit(list[i], `${frame.pointer}/${i}`, frame.depth + 1) : undefined);
    } else {
      if (frame.index >= keys.length) {
        stack.pop();
        onPath.delete(source);
        continue;
      }
      const key = keys[frame.index++]!;
      if (key.length > DEFAULT_STRING_CAP) {
        problems.push({ pointer: frame.pointer, message: `has a field name longer than ${DEFAULT_STRING_CAP} characters` });
        continue;
      }
      (target as Record<string, unknown>)[key] = visit((source as Record<string, unknown>)[key], `${frame.pointer}/${escapePointer(key)}`, frame.depth + 1);
    }
  }
  if (values > MAX_INPUT_VALUES) problems.push({ pointer: base, message: `holds more than ${MAX_INPUT_VALUES} values` });
  if (problems.length > 0) throw validationError(problems);
  return root as T;
}
