// The storage-adapter contract (SPEC §11): string keys ordered by their UTF-8
// bytes (LevelDB's order), byte values, get, one atomic batch, range iteration,
// open / close, and a `persistent` flag. docs/adapters.md explains it for
// third parties; runAdapterConformance (coffer/testing) checks it.

/** One write of a batch. */
export type BatchOperation =
  | { readonly type: 'put'; readonly key: string; readonly value: Uint8Array }
  | { readonly type: 'del'; readonly key: string };

/** A key range. Bounds compare keys by their UTF-8 bytes. */
export interface RangeOptions {
  readonly gt?: string;
  readonly gte?: string;
  readonly lt?: string;
  readonly lte?: string;
  /** Newest-last order reversed: largest key first. */
  readonly reverse?: boolean;
  /** At most this many entries; absent or negative = no limit. */
  readonly limit?: number;
}

export interface StorageAdapter {
  /** True when data outlives the process (a key is then required, §11). */
  readonly persistent: boolean;
  /** Opens (or reopens after close) the same storage. Idempotent while open. */
  open(): Promise<void>;
  /** Releases the storage; a later open() sees the same data. Idempotent. */
  close(): Promise<void>;
  /** The value under `key`, or undefined. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Applies every operation or none. Later operations on one key win. */
  batch(operations: readonly BatchOperation[]): Promise<void>;
  /** Entries in the range, in UTF-8 byte order of their keys (reversed on request). */
  iterate(range?: RangeOptions): AsyncIterable<readonly [string, Uint8Array]>;
}

/**
 * Compares two strings by their UTF-8 bytes, which is code-point order.
 * JavaScript's `<` compares UTF-16 code units and differs only when one side
 * has a surrogate (U+10000 and above) and the other a unit in U+E000–U+FFFF.
 * O(length of the common prefix).
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800–DFFF) stand for code points above FFFF: they sort after E000–FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys && (x >= 0xe000 || y >= 0xe000)) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

// ---------------------------------------------------------------- helpers for adapter authors

/** An error with a level-style `code` (and `cause`), as level's own errors have; the store maps these codes. */
export function codedError(
  Kind: ErrorConstructor | TypeErrorConstructor,
  message: string,
  code: string,
  options?: { cause: unknown },
): Error & { code: string } {
  return Object.assign(new Kind(message, options), { code });
}

// Keys must be well-formed UTF-16: a lone surrogate has no UTF-8 encoding, so
// it has no place in byte order (LevelDB would silently store U+FFFD instead).
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Throws `LEVEL_INVALID_KEY` unless `key` is a well-formed string. */
export function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') throw codedError(TypeError, 'A key must be a string', 'LEVEL_INVALID_KEY');
  if (LONE_SURROGATE.test(key)) throw codedError(TypeError, 'A key must be well-formed UTF-16 (no lone surrogate)', 'LEVEL_INVALID_KEY');
}

/** Throws `LEVEL_INVALID_BATCH` / `LEVEL_INVALID_KEY` / `LEVEL_INVALID_VALUE` unless `operation` is a well-formed put or del. */
export function checkBatchOperation(operation: unknown): asserts operation is BatchOperation {
  if (typeof operation !== 'object' || operation === null) throw codedError(TypeError, 'A batch operation must be an object', 'LEVEL_INVALID_BATCH');
  const { type, key, value } = operation as { type?: unknown; key?: unknown; value?: unknown };
  if (type !== 'put' && type !== 'del') throw codedError(TypeError, "A batch operation's type must be 'put' or 'del'", 'LEVEL_INVALID_BATCH');
  checkKey(key);
  if (type === 'put' && !(value instanceof Uint8Array)) throw codedError(TypeError, 'A value must be a Uint8Array', 'LEVEL_INVALID_VALUE');
}
