// Stores on a watched adapter, for the session suites that must see what
// reaches storage: every batch is recorded, writes can be made to fail
// (STORAGE) and reads to return damaged bytes (CORRUPT). Runs on both the
// memory and the LevelDB adapter, each store in its own temp dir, removed after.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe } from 'vitest';
import { openStore, type AuditEvent, type BatchOperation, type StorageAdapter, type Store, type StoreOptions } from '../../src/index.js';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { levelAdapter } from '../../adapters/level/index.js';
import { fakeClock, type FakeClock } from '../../src/testing/index.js';

export interface WatchedAdapter extends StorageAdapter {
  /** Every batch the store wrote, in order. */
  readonly batches: (readonly BatchOperation[])[];
  /** When true, every batch rejects as a full disk would, writing nothing. */
  failWrites: boolean;
  /** When true, every value read with get() comes back with its last byte flipped. */
  damageReads: boolean;
}

export function watched(inner: StorageAdapter): WatchedAdapter {
  const adapter: WatchedAdapter = {
    persistent: inner.persistent,
    batches: [],
    failWrites: false,
    damageReads: false,
    open: () => inner.open(),
    close: () => inner.close(),
    async get(key) {
      const value = await inner.get(key);
      if (!adapter.damageReads || value === undefined || value.length === 0) return value;
      const damaged = Uint8Array.from(value); // a real copy (Buffer#slice would share memory)
      damaged[damaged.length - 1]! ^= 0xff;
      return damaged;
    },
    async batch(operations) {
      if (adapter.failWrites) throw Object.assign(new Error('IO error: no space left on device'), { code: 'LEVEL_IO_ERROR' });
      adapter.batches.push(operations);
      return inner.batch(operations);
    },
    iterate: (range) => inner.iterate(range),
  };
  return adapter;
}

export interface WatchedStore {
  readonly store: Store;
  readonly adapter: WatchedAdapter;
  readonly clock: FakeClock;
  readonly audit: AuditEvent[];
  /** Closes the store and opens it again on the same adapter and key. */
  reopen(extra?: Partial<StoreOptions>): Promise<Store>;
}

/** Registers `body` once per adapter kind; `open` makes a fresh watched store. */
export function describeEachWatchedAdapter(name: string, body: (open: (options?: Partial<StoreOptions>) => Promise<WatchedStore>) => void): void {
  for (const kind of ['memory', 'level'] as const) {
    describe(`${name} (${kind})`, () => {
      const dirs: string[] = [];
      const stores: Store[] = [];
      afterEach(async () => {
        for (const store of stores.splice(0)) await store.close().catch(() => undefined);
        for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
      });
      body(async (options = {}) => {
        let inner: StorageAdapter;
        if (kind === 'memory') inner = memoryAdapter();
        else {
          const dir = mkdtempSync(join(tmpdir(), 'coffer-session-'));
          dirs.push(dir);
          inner = levelAdapter(join(dir, 'db'));
        }
        const adapter = watched(inner);
        const clock = fakeClock('2024-06-03T12:00:00Z');
        const key = new Uint8Array(randomBytes(32));
        const audit: AuditEvent[] = [];
        const start = async (extra: Partial<StoreOptions> = {}): Promise<Store> => {
          const store = await openStore({ adapter, key, clock: clock.now, onAudit: (e) => audit.push(e), ...options, ...extra });
          stores.push(store);
          return store;
        };
        const store = await start();
        return {
          store,
          adapter,
          clock,
          audit,
          reopen: async (extra) => {
            await store.close();
            return start(extra);
          },
        };
      });
    });
  }
}

/** True when `needle` appears in any put value or key of the batches, as UTF-8 bytes. */
export function batchesHold(batches: readonly (readonly BatchOperation[])[], needle: string): boolean {
  const bytes = Buffer.from(needle, 'utf8');
  for (const batch of batches) {
    for (const operation of batch) {
      if (operation.key.includes(needle)) return true;
      if (operation.type === 'put' && Buffer.from(operation.value).includes(bytes)) return true;
    }
  }
  return false;
}
