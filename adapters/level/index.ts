// The LevelDB StorageAdapter on the `level` package, the one module that
// imports it: persistent, keys as UTF-8, values as bytes. LevelDB orders keys
// by bytes and applies a batch atomically; the checked base (createAdapter)
// checks the arguments; this module maps level's errors and guards the lock.

/**
 * `coffer/adapters/level`: {@link levelAdapter}, a persistent storage adapter
 * on LevelDB (the `level` package) in one directory. See docs/adapters.md.
 * @packageDocumentation
 * @module coffer/adapters/level
 */

import fs from 'node:fs';
import path from 'node:path';
import { Level } from 'level';
import { AdapterError, createAdapter, type StorageAdapter } from '../../src/adapter.js';

/**
 * A LevelDB adapter (persistent) in `location`, a directory created on open if
 * missing. Errors are AdapterErrors (docs/adapters.md): `locked` when another
 * process or adapter holds the directory, `corrupt` when LevelDB reports its
 * files damaged (or CURRENT is gone while tables remain), `not_open` while
 * closed, `io` otherwise — level's own error is the `cause`.
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

  function db(): Level<string, Uint8Array> {
    if (database === undefined) throw new AdapterError('not_open', 'The adapter is not open');
    return database;
  }

  // classic-level fetches min(1000 entries, highWaterMarkBytes) per round trip to
  // its thread; the 16 KiB default means ~50 records a trip when a store opens.
  const ITERATOR_BATCH_BYTES = 1 << 20;

  return createAdapter({
    persistent: true,

    async open() {
      try {
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
      } catch (error) {
        throw levelError(error, 'opening');
      }
    },

    async close() {
      try {
        if (database !== undefined) await database.close();
      } catch (error) {
        throw levelError(error, 'closing');
      } finally {
        if (heldDirectory !== undefined) heldDirectories.delete(heldDirectory);
        heldDirectory = undefined;
      }
    },

    async get(key) {
      try {
        return await db().get(key);
      } catch (error) {
        throw levelError(error, 'reading');
      }
    },

    async batch(operations) {
      try {
        // Fresh objects: level may annotate the operations it is given.
        await db().batch(operations.map((o) => (o.type === 'put' ? { type: 'put' as const, key: o.key, value: o.value } : { type: 'del' as const, key: o.key })));
      } catch (error) {
        throw levelError(error, 'writing');
      }
    },

    async *iterate(range) {
      const options = { reverse: range.reverse, limit: Number.isFinite(range.limit) ? range.limit : -1, highWaterMarkBytes: ITERATOR_BATCH_BYTES } as Record<string, unknown>;
      // Only defined bounds: level reads `{ gt: undefined }` as the key "undefined".
      for (const bound of ['gt', 'gte', 'lt', 'lte'] as const) if (range[bound] !== undefined) options[bound] = range[bound];
      const iterator = db().iterator(options as never);
      try {
        // Entries come a batch at a time (nextv), not one promise per entry; the
        // next batch is asked for before this one is handed out, so LevelDB's
        // thread reads while the caller works (a store's open decodes each entry).
        let pending = iterator.nextv(1000);
        for (;;) {
          const entries = await pending;
          if (entries.length === 0) break;
          pending = iterator.nextv(1000);
          for (const entry of entries) yield entry;
        }
        // An early break leaves `pending` running; close() below waits for it.
        await pending.catch(() => undefined);
      } catch (error) {
        throw levelError(error, 'reading');
      } finally {
        await iterator.close();
      }
    },
  });
}

/** level's error → an AdapterError, by the codes on it and its cause. */
function levelError(error: unknown, doing: string): AdapterError {
  if (error instanceof AdapterError) return error;
  const codes = new Set<string>();
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.add(code);
  }
  const kind = codes.has('LEVEL_LOCKED')
    ? 'locked'
    : codes.has('LEVEL_CORRUPTION')
      ? 'corrupt'
      : codes.has('LEVEL_ITERATOR_NOT_OPEN') || (codes.size === 1 && codes.has('LEVEL_DATABASE_NOT_OPEN'))
        ? 'not_open'
        : 'io';
  const message = error instanceof Error ? error.message : 'LevelDB failed';
  return new AdapterError(kind, `LevelDB failed while ${doing}: ${message}`, { cause: error });
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
    throw new AdapterError('locked', `IO error: lock ${path.join(realDirectory, 'LOCK')}: already held by process`);
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
    throw new AdapterError('corrupt', `Corruption: ${path.join(realDirectory, 'CURRENT')} is missing but table or log files remain`);
  }
}
