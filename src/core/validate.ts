// The one ajv instance of the library (every input body passes a schema here).
// Schemas are compiled once per process, on first use, and cached by name.
// ajv's errors become `ErrorDetail`s with JSON pointers into the input.

import { Ajv, type ErrorObject, type ValidateFunction, type AnySchema } from 'ajv';
import * as formatsModule from 'ajv-formats';
import { validationError, type ErrorDetail } from './errors.js';

// ajv-formats is CommonJS; its default export arrives under `default` in ESM.
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as unknown as (ajv: Ajv) => Ajv;

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);

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

/** ajv errors → details, each pointer prefixed with `base` (e.g. `/condition`). */
export function detailsFromAjv(errors: readonly ErrorObject[] | null | undefined, base = ''): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const seen = new Set<string>();
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
    }
    const key = `${pointer}\u0000${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ pointer, message });
    }
  }
  return out;
}

/** Runs `validator` on `input`; throws one VALIDATION listing every problem. */
export function assertSchema<T>(validator: ValidateFunction, input: unknown, base = ''): asserts input is T {
  if (!validator(input)) throw validationError(detailsFromAjv(validator.errors, base));
}

/** RFC 6901 escaping of one reference token. */
export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** True when `value` is a plain object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `text` is well-formed UTF-16 (no lone surrogate). */
export function isWellFormed(text: string): boolean {
  // Node 20 has String.prototype.isWellFormed; keep a fallback for safety.
  const native = (text as unknown as { isWellFormed?: () => boolean }).isWellFormed;
  if (typeof native === 'function') return native.call(text);
  return !/\p{Surrogate}/u.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
}
