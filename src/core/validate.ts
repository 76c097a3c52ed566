// The one ajv instance of the library (every input body passes a schema
// here), and the one way problems are collected: a parser pushes every
// problem it finds, with a JSON pointer, and one VALIDATION lists them all.
// Schemas are compiled once per process, on first use, and cached by name.

import { Ajv, type ErrorObject, type ValidateFunction, type AnySchema } from 'ajv';
import { allDetailsOf, CofferError, validationError, type ErrorDetail } from './errors.js';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });

const compiled = new Map<string, ValidateFunction>();

/** Compiles `schema` once under `name`; later calls return the same function. */
export function schemaValidator(name: string, schema: AnySchema): ValidateFunction {
  let fn = compiled.get(name);
  if (fn === undefined) {
    fn = ajv.compile(schema);
    compiled.set(name, fn);
  }
  return fn;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  null: 'null',
  object: 'an object',
  array: 'an array',
  integer: 'an integer',
  boolean: 'true or false',
  number: 'a number',
};

/** ajv errors → details, each pointer prefixed with `base` (e.g. `/condition`). */
export function detailsFromAjv(errors: readonly ErrorObject[] | null | undefined, base = ''): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const e of errors ?? []) {
    let pointer = base + e.instancePath;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') {
      const extra = String((e.params as { additionalProperty?: unknown }).additionalProperty);
      pointer = `${pointer}/${escapePointer(extra)}`;
      message = 'is not a known field';
    } else if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty?: unknown }).missingProperty);
      pointer = `${pointer}/${escapePointer(missing)}`;
      message = 'is required';
    } else if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues ?? [];
      message = `must be one of ${allowed.map((v) => `\`${String(v)}\``).join(', ')}`;
    } else if (e.keyword === 'type') {
      // `must be string,null` → `must be a string or null`
      const types = String((e.params as { type?: unknown }).type ?? '').split(',');
      message = `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}`;
    }
    out.push({ pointer, message });
  }
  return out;
}

/** The problems without repeats (same pointer and message), in their first order. */
function withoutRepeats(problems: readonly ErrorDetail[]): ErrorDetail[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.pointer}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Runs `parse` with a list it pushes every problem into; when the list is not
 * empty afterwards, throws one VALIDATION with them all (repeats dropped),
 * else returns what `parse` returned.
 */
export function collectProblems<T>(parse: (problems: ErrorDetail[]) => T): T {
  const problems: ErrorDetail[] = [];
  const value = parse(problems);
  if (problems.length > 0) throw validationError(withoutRepeats(problems));
  return value;
}

/** Runs a parser that may throw VALIDATION; its details join `problems` and the result is undefined. */
export function attempt<T>(problems: ErrorDetail[], parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof CofferError) || error.code !== 'VALIDATION') throw error;
    problems.push(...allDetailsOf(error));
    return undefined;
  }
}

/** Runs every parser and throws one VALIDATION with all their problems, else returns their values. */
export function parseAll<T extends unknown[]>(...parsers: { [K in keyof T]: () => T[K] }): T {
  return collectProblems((problems) => parsers.map((parse) => attempt(problems, parse)) as T);
}

/** Runs `validator` on `input`; throws one VALIDATION listing every problem. */
export function assertSchema<T>(validator: ValidateFunction, input: unknown, base = ''): asserts input is T {
  if (!validator(input)) throw validationError(detailsFromAjv(validator.errors, base));
}

/** RFC 6901 escaping of one reference token. O(length). */
export function escapePointer(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** True when `value` is a plain object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `text` is well-formed UTF-16 (no lone surrogate). O(length). */
export function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}
