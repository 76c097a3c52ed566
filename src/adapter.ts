// The storage-adapter contract: string keys ordered by their UTF-8 bytes
// (LevelDB's order), byte values, get, one atomic batch, range iteration,
// open / close, and a `persistent` flag. `createAdapter` is the checked base:
// its public methods check and normalise every argument and the adapter's
// state, then call the hooks an implementor writes — so the memory, LevelDB
// and any third-party adapter share one set of checks and one error shape
// (AdapterError). docs/adapters.md explains it; runAdapterConformance checks it.

/** One write of a batch. */
export type BatchOperation =
  | {
      /** Stores `value` under `key`, replacing what was there. */
      readonly type: 'put';
      /** The key: a well-formed string (no lone surrogate), ordered by its UTF-8 bytes. */
      readonly key: string;
      /** The bytes to store (possibly empty); the adapter keeps its own copy. */
      readonly value: Uint8Array
    }
  | {
      /** Removes `key`; removing a missing key is no error. */
      readonly type: 'del';
      /** The key to remove. */
      readonly key: string
    };

/** A key range. Bounds compare keys by their UTF-8 bytes. */
export interface RangeOptions {
  /** Only keys after this one (exclusive lower bound). */
  readonly gt?: string;
  /** Only keys from this one on (inclusive lower bound). */
  readonly gte?: string;
  /** Only keys before this one (exclusive upper bound). */
  readonly lt?: string;
  /** Only keys up to this one (inclusive upper bound). */
  readonly lte?: string;
  /** Largest key first. */
  readonly reverse?: boolean;
  /** At most this many entries; absent, negative or not an integer = no limit. */
  readonly limit?: number;
}

/**
 * Where coffer keeps its sealed records: an ordered key–value store. Build one
 * with {@link createAdapter} (which checks every argument), or implement it
 * directly and run `runAdapterConformance` from `coffer/testing`.
 */
export interface StorageAdapter {
  /** True when data outlives the process (openStore then requires a key). */
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
 * Why an adapter failed: `not_open` (used while closed), `locked` (another
 * process or adapter holds the storage), `corrupt` (the storage's own files
 * are damaged), `invalid` (a bad argument: a key, a value, a batch), `io`
 * (anything else). coffer maps `locked` and `io` to STORAGE (with that
 * `reason`), `corrupt` to CORRUPT.
 */
export type AdapterErrorKind = 'not_open' | 'locked' | 'corrupt' | 'invalid' | 'io';

/** The one error shape of adapters built with {@link createAdapter}; `cause` keeps the storage's own error. */
export class AdapterError extends Error {
  /** Why the adapter failed: `not_open`, `locked`, `corrupt`, `invalid` or `io` (see {@link AdapterErrorKind}). */
  readonly kind: AdapterErrorKind;

  /**
   * Builds an adapter error; throw one from a hook where you can tell the kind.
   * @param kind - Why the adapter failed.
   * @param message - A one-line message for people.
   * @param options - `cause`: the storage's own error, kept as the error's `cause`.
   */
  constructor(kind: AdapterErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AdapterError';
    this.kind = kind;
  }
}

/** A range after the checks: bounds present only when given, `limit` a count (Infinity: none). */
export interface CheckedRange {
  /** Only keys after this one (exclusive lower bound); absent when not given. */
  readonly gt?: string;
  /** Only keys from this one on (inclusive lower bound); absent when not given. */
  readonly gte?: string;
  /** Only keys before this one (exclusive upper bound); absent when not given. */
  readonly lt?: string;
  /** Only keys up to this one (inclusive upper bound); absent when not given. */
  readonly lte?: string;
  /** True: largest key first. False when the caller did not ask. */
  readonly reverse: boolean;
  /** The most entries to yield: a non-negative integer, or `Infinity` for no limit. */
  readonly limit: number;
}

/**
 * What an implementor writes. Every argument has been checked and the
 * adapter's state is right when a hook is called: `open` only while closed,
 * `close` only while open, the rest only while open; keys are well-formed
 * strings, a batch's operations well-formed, a range normalised. A hook may
 * throw anything: an AdapterError passes through, anything else becomes
 * AdapterError `io` with it as the cause.
 */
export interface AdapterHooks {
  /** True when data outlives the process; becomes the adapter's `persistent`. */
  readonly persistent: boolean;
  /** Opens the storage; called only while closed (also to reopen after a close). */
  open(): Promise<void>;
  /** Releases the storage; called only while open. Every entry must still be there at the next open, persistent or not. */
  close(): Promise<void>;
  /** The value under `key`, or undefined when there is none. Called only while open. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Must apply every operation or none. The values may be the caller's buffers: copy what you keep. */
  batch(operations: readonly BatchOperation[]): Promise<void>;
  /** Entries in range order; the base stops after `limit` entries and when the adapter closes. */
  iterate(range: CheckedRange): AsyncIterable<readonly [string, Uint8Array]>;
}

// Keys must be well-formed UTF-16: a lone surrogate has no UTF-8 encoding, so
// it has no place in byte order (LevelDB would silently store U+FFFD instead).
function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') throw new AdapterError('invalid', 'A key must be a string');
  if (!(key as unknown as { isWellFormed(): boolean }).isWellFormed()) throw new AdapterError('invalid', 'A key must be well-formed UTF-16 (no lone surrogate)');
}

function checkOperation(operation: unknown): BatchOperation {
  if (typeof operation !== 'object' || operation === null) throw new AdapterError('invalid', 'A batch operation must be an object');
  const { type, key, value } = operation as { type?: unknown; key?: unknown; value?: unknown };
  if (type !== 'put' && type !== 'del') throw new AdapterError('invalid', "A batch operation's type must be 'put' or 'del'");
  checkKey(key);
  if (type === 'del') return { type, key };
  if (!(value instanceof Uint8Array)) throw new AdapterError('invalid', 'A value must be a Uint8Array');
  return { type, key, value };
}

function checkRange(range: unknown): CheckedRange {
  const given = (typeof range === 'object' && range !== null ? range : {}) as RangeOptions;
  const out: { -readonly [K in keyof CheckedRange]: CheckedRange[K] } = {
    reverse: given.reverse === true,
    limit: typeof given.limit === 'number' && Number.isInteger(given.limit) && given.limit >= 0 ? given.limit : Infinity,
  };
  for (const bound of ['gt', 'gte', 'lt', 'lte'] as const) {
    const key = given[bound];
    if (key === undefined) continue;
    checkKey(key);
    out[bound] = key;
  }
  return out;
}

/** A plain Uint8Array view of the bytes (no copy): Buffer's slice and toString differ from Uint8Array's. */
function plainBytes(value: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(value) === Uint8Array.prototype ? value : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

function asAdapterError(error: unknown): AdapterError {
  return error instanceof AdapterError ? error : new AdapterError('io', error instanceof Error ? error.message : 'The storage failed', { cause: error });
}

function notOpen(): AdapterError {
  return new AdapterError('not_open', 'The adapter is not open');
}

/**
 * A StorageAdapter from an implementor's hooks. The public methods check every
 * argument (a bad key, value or operation rejects with AdapterError `invalid`
 * and writes nothing), run open and close one at a time in call order, reject
 * use while closed (`not_open`), end an iteration whose adapter closed under
 * it, apply `limit`, and hand out plain Uint8Arrays.
 */
export function createAdapter(hooks: AdapterHooks): StorageAdapter {
  let isOpen = false;
  // Counts opens: an iteration started before a close must not go on after a reopen.
  let generation = 0;
  let transition: Promise<void> = Promise.resolve();

  function enqueue(step: () => Promise<void>): Promise<void> {
    const run = transition.then(step, step);
    transition = run.catch(() => undefined);
    return run;
  }

  async function* iterate(range?: RangeOptions): AsyncGenerator<readonly [string, Uint8Array]> {
    if (!isOpen) throw notOpen();
    const checked = checkRange(range);
    if (checked.limit === 0) return;
    const started = generation;
    let count = 0;
    try {
      for await (const [key, value] of hooks.iterate(checked)) {
        // An iterator does not outlive the close of its adapter (as in LevelDB).
        if (!isOpen || generation !== started) throw notOpen();
        yield [key, plainBytes(value)] as const;
        if (++count >= checked.limit) return;
      }
    } catch (error) {
      throw asAdapterError(error);
    }
  }

  return {
    persistent: hooks.persistent,
    open: () =>
      enqueue(async () => {
        if (isOpen) return;
        try {
          await hooks.open();
        } catch (error) {
          throw asAdapterError(error);
        }
        isOpen = true;
        generation++;
      }),
    close: () =>
      enqueue(async () => {
        if (!isOpen) return;
        isOpen = false;
        try {
          await hooks.close();
        } catch (error) {
          throw asAdapterError(error);
        }
      }),
    async get(key) {
      if (!isOpen) throw notOpen();
      checkKey(key);
      try {
        const value = await hooks.get(key);
        return value === undefined ? undefined : plainBytes(value);
      } catch (error) {
        throw asAdapterError(error);
      }
    },
    async batch(operations) {
      if (!isOpen) throw notOpen();
      // Check everything before touching anything: a bad operation writes nothing.
      if (!Array.isArray(operations)) throw new AdapterError('invalid', 'A batch must be an array of operations');
      const checked = operations.map(checkOperation);
      if (checked.length === 0) return;
      try {
        await hooks.batch(checked);
      } catch (error) {
        throw asAdapterError(error);
      }
    },
    iterate,
  };
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
