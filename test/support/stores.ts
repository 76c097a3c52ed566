// Test support: the session suites run on both adapters. `describeEachAdapter`
// registers a describe block per adapter; each test gets a fresh store (LevelDB
// in its own temp dir, removed afterwards) driven by a fake clock.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe } from 'vitest';
import { openStore, type Store, type StoreOptions } from '../../src/index.js';
import type { AuditEvent } from '../../src/audit.js';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { levelAdapter } from '../../adapters/level/index.js';
import { fakeClock, type FakeClock } from '../../src/testing/index.js';

export const ADMIN = Object.freeze({ id: 'admin-1', admin: true });

export interface TestStore {
  readonly store: Store;
  readonly clock: FakeClock;
  readonly audit: AuditEvent[];
  /** Closes and opens the store again on the same storage (LevelDB: the same directory and key). */
  reopen(extra?: Partial<StoreOptions>): Promise<TestStore>;
}

export type StoreFactory = (options?: Partial<StoreOptions> & { start?: string }) => Promise<TestStore>;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const opened: Store[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close().catch(() => undefined);
});

async function make(kind: 'memory' | 'level', options: Partial<StoreOptions> & { start?: string } = {}): Promise<TestStore> {
  const { start, ...rest } = options;
  const clock = fakeClock(start ?? '2024-06-03T12:00:00Z');
  const key = new Uint8Array(randomBytes(32));
  let location: string | undefined;
  const adapter = kind === 'memory' ? memoryAdapter() : levelAdapter((location = join(mkdtempSync(join(tmpdir(), 'coffer-test-')), 'db')));
  if (location !== undefined) dirs.push(join(location, '..'));
  const audit: AuditEvent[] = [];
  const open = async (extra: Partial<StoreOptions> = {}): Promise<TestStore> => {
    const store = await openStore({ adapter, key, clock: clock.now, onAudit: (e) => audit.push(e), ...rest, ...extra });
    opened.push(store);
    return {
      store,
      clock,
      audit,
      reopen: async (more) => {
        await store.close();
        return open(more);
      },
    };
  };
  return open();
}

/** Registers `body` once per adapter: `describe('<name> on memory')` and `describe('<name> on level')`. */
export function describeEachAdapter(name: string, body: (makeStore: StoreFactory) => void): void {
  for (const kind of ['memory', 'level'] as const) {
    describe(`${name} (${kind})`, () => body((options) => make(kind, options)));
  }
}
