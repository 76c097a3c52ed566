// The LevelDB StorageAdapter (SPEC §11) on the `level` package, the one module
// that imports it: persistent, keys as UTF-8, values as bytes. LevelDB already
// orders keys by bytes and applies a batch atomically; this module adds checks.

import fs from 'node:fs';
import path from 'node:path';
import { Level } from 'level';
import { checkBatchOperation, checkKey, codedError, type BatchOperation, type RangeOptions, type StorageAdapter } from '../../src/adapter.js';

/**
 * Errors are level's own, with their `code` (docs/adapters.md lists them):
 * an open that fails rejects with code LEVEL_DATABASE_NOT_OPEN and the reason
 * in `cause.code` (LEVEL_LOCKED: another holder; LEVEL_CORRUPTION;
 * LEVEL_IO_ERROR); a read of a damaged table rejects with LEVEL_CORRUPTION.
 *
 * Costs: get O(log N) disk seeks at worst (LevelDB's caches usually answer);
 * batch of m operations O(m) plus one log write; iterate O(log N) to the
 * first entry, then sequential reads; open replays the write-ahead log.
 */
export function levelAdapter(location: string): StorageAdapter {
  const directory = path.resolve(location);
  let database: Level<string, Uint8Array> | undefined;
  // The real path this adapter registered in `heldDirectories`, while it holds it.
  let heldDirectory: string | undefined;
  // open and close run one after another, in call order.
  let transition: Promise<void> = Promise.resolve();

  function enqueue(step: () => Promise<void>): Promise<void> {
    const run = transition.then(step, step);
    transition = run.catch(() => undefined);
    return run;
  }

  function openDatabase(): Level<string, Uint8Array> {
    if (database === undefined) {
      throw codedError(Error, 'Database is not open', 'LEVEL_DATABASE_NOT_OPEN');
    }
    return database;
  }

  async function openStep(): Promise<void> {
    if (database?.status === 'open') return;
    fs.mkdirSync(directory, { recursive: true });
    const realDirectory = fs.realpathSync(directory);
    claimDirectory(realDirectory);
    try {
      refuseOrphanedTables(realDirectory);
      // One Level per adapter: a closed Level opens again on the same files.
      database ??= new Level<string, Uint8Array>(realDirectory, { keyEncoding: 'utf8', valueEncoding: 'view' });
      await database.open();
      heldDirectory = realDirectory;
    } catch (error) {
      heldDirectories.delete(realDirectory);
      throw error;
    }
  }

  async function closeStep(): Promise<void> {
    if (database !== undefined) await database.close();
    if (heldDirectory !== undefined) heldDirectories.delete(heldDirectory);
    heldDirectory = undefined;
  }

  const ITERATOR_BATCH_BYTES = 1 << 20;

  async function* iterate(range: RangeOptions = {}): AsyncGenerator<readonly [string, Uint8Array]> {
    // classic-level fetches min(1000 entries, highWaterMarkBytes) per round trip to
    // its thread; the 16 KiB default means ~50 records a trip when a store opens.
    const iterator = openDatabase().iterator({ ...levelRangeOf(range), highWaterMarkBytes: ITERATOR_BATCH_BYTES } as never);
    // Entries come a batch at a time (nextv), not one promise per entry.
    try {
      // Ask for the next batch before handing out this one, so LevelDB's thread
      // reads while the caller works through the entries (a store's open decodes each).
      let pending = iterator.nextv(1000);
      for (;;) {
        const entries = await pending;
        if (entries.length === 0) break;
        pending = iterator.nextv(1000);
        for (const [key, value] of entries) yield [key, plainBytes(value)] as const;
      }
      // An early break leaves `pending` running; close() below waits for it.
      await pending.catch(() => undefined);
    } finally {
      await iterator.close();
    }
  }

  return {
    persistent: true,
    open: () => enqueue(openStep),
    close: () => enqueue(closeStep),

    async get(key) {
      checkKey(key);
      const value = await openDatabase().get(key);
      return value === undefined ? undefined : plainBytes(value);
    },

    async batch(operations) {
      // level would turn a number key or a string value into bytes: check first,
      // so a bad operation rejects the whole batch and writes nothing.
      if (!Array.isArray(operations)) {
        throw codedError(TypeError, 'A batch must be an array of operations', 'LEVEL_INVALID_BATCH');
      }
      operations.forEach((operation) => checkBatchOperation(operation));
      // Fresh objects: level may annotate the operations it is given.
      await openDatabase().batch(
        (operations as readonly BatchOperation[]).map((operation) =>
          operation.type === 'put'
            ? { type: 'put' as const, key: operation.key, value: operation.value }
            : { type: 'del' as const, key: operation.key },
        ),
      );
    },

    iterate,
  };
}

// Directories held open by a level adapter in this process, shared by every
// copy of this module (Symbol.for), e.g. coffer loaded twice.
//
// Why: LevelDB's lock is a POSIX fcntl lock. When a second LevelDB in the same
// process opens a directory already held, it fails ("already held by process")
// but closes its own descriptor of LOCK first, and closing any descriptor drops
// every fcntl lock the process holds on that file. The first database then
// runs unlocked and another process can open the same files. Refusing here,
// before LevelDB touches LOCK, keeps the lock in place.
const heldDirectoriesKey = Symbol.for('coffer.adapters.level.heldDirectories');
const heldDirectories: Set<string> = ((globalThis as Record<symbol, unknown>)[heldDirectoriesKey] ??=
  new Set<string>()) as Set<string>;

function claimDirectory(realDirectory: string): void {
  if (heldDirectories.has(realDirectory)) {
    // The same shape level gives when another process holds the lock.
    throw codedError(Error, 'Database failed to open', 'LEVEL_DATABASE_NOT_OPEN', {
      cause: codedError(
        Error,
        `IO error: lock ${path.join(realDirectory, 'LOCK')}: already held by process`,
        'LEVEL_LOCKED',
      ),
    });
  }
  heldDirectories.add(realDirectory);
}

// LevelDB finds its files through CURRENT. Without it, LevelDB creates a new,
// empty database and deletes the old tables as obsolete: refuse instead. Only
// table (.ldb, .sst) and log (.log) files mean data was written; a directory
// with just LOCK, LOG or a MANIFEST is a creation that never finished.
function refuseOrphanedTables(realDirectory: string): void {
  const names = fs.readdirSync(realDirectory);
  if (names.includes('CURRENT')) return;
  if (names.some((name) => /\.(ldb|sst|log)$/.test(name))) {
    throw codedError(Error, 'Database failed to open', 'LEVEL_DATABASE_NOT_OPEN', {
      cause: codedError(
        Error,
        `Corruption: ${path.join(realDirectory, 'CURRENT')} is missing but table or log files remain`,
        'LEVEL_CORRUPTION',
      ),
    });
  }
}

/** level's iterator options for a range; only defined bounds (level reads `gt: undefined` as the key "undefined"). */
function levelRangeOf(range: RangeOptions): { gt?: string; gte?: string; lt?: string; lte?: string; reverse: boolean; limit: number } {
  const options: { gt?: string; gte?: string; lt?: string; lte?: string; reverse: boolean; limit: number } = {
    reverse: range.reverse === true,
    // Absent, negative or not an integer: no limit (level's -1).
    limit: typeof range.limit === 'number' && Number.isInteger(range.limit) && range.limit >= 0 ? range.limit : -1,
  };
  for (const bound of ['gt', 'gte', 'lt', 'lte'] as const) {
    const key = range[bound];
    if (key === undefined) continue;
    checkKey(key);
    options[bound] = key;
  }
  return options;
}

/** A plain Uint8Array view of level's Buffer (no copy): Buffer's slice and toString differ from Uint8Array's. */
function plainBytes(value: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(value) === Uint8Array.prototype
    ? value
    : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}




