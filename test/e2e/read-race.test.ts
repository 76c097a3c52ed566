// A read decides on the state as it is, then reads the value of the version
// it decided on. Writes land meanwhile: a patch writes a new version and keeps
// the one before it, so the read still finds its version; a read that finds
// its version gone (two patches, or a delete, in between) catches up with the
// newest state and decides again. Nothing of this is ever CORRUPT.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CofferError, openStore, type StorageAdapter } from '../../src/index.js';
import { levelAdapter } from '../../adapters/level/index.js';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { ADMIN, newKey, useCleanup } from './helpers.js';

const { tempDir, track } = useCleanup();

/** The value the writer puts at version `n`. */
const valueAt = (n: number): string => `value-${n}-${'x'.repeat(n % 97)}`;

/** Runs `readers` readers against one writer that patches `patches` times (or, with `seconds`, for that long); counts what the readers saw. */
async function race(adapter: StorageAdapter, options: { patches?: number; seconds?: number; readers: number }): Promise<{ reads: number; patches: number; corrupt: number; wrong: string[] }> {
  const store = track(await openStore({ adapter, key: newKey() }));
  const admin = store.as(ADMIN);
  await admin.create('/s', { type: 'secret', value: valueAt(1) });
  let isWriting = true;
  const outcome = { reads: 0, patches: 0, corrupt: 0, wrong: [] as string[] };
  const until = options.seconds === undefined ? Infinity : Date.now() + options.seconds * 1000;
  const writer = (async () => {
    for (let n = 2; (options.patches === undefined || n <= options.patches + 1) && Date.now() < until; n++) {
      await admin.patch('/s', { value: valueAt(n) });
      outcome.patches++;
    }
    isWriting = false;
  })();
  const reader = async (): Promise<void> => {
    const session = store.as(ADMIN);
    while (isWriting) {
      // A turn of the event loop between reads, as a server's requests have (a reader that only
      // ever awaits resolved promises would starve the writer's timers).
      await new Promise((resolve) => setImmediate(resolve));
      try {
        const view = await session.get('/s');
        outcome.reads++;
        if (view.type !== 'secret' || view.value !== valueAt(view.version)) outcome.wrong.push(`version ${view.version} read as ${String(view.value).slice(0, 20)}`);
      } catch (error) {
        if (error instanceof CofferError && error.code === 'CORRUPT') outcome.corrupt++;
        else throw error;
      }
    }
  };
  await Promise.all([writer, ...Array.from({ length: options.readers }, reader)]);
  return outcome;
}

/** An adapter that acknowledges each batch `delayMs` after it was applied (a slow network store). */
function lateAcknowledging(inner: StorageAdapter, delayMs: number): StorageAdapter {
  return {
    persistent: inner.persistent,
    open: () => inner.open(),
    close: () => inner.close(),
    get: (key) => inner.get(key),
    iterate: (range) => inner.iterate(range),
    async batch(operations) {
      await inner.batch(operations);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    },
  };
}

/**
 * A memory adapter whose first read of a value, once `hold()` was called,
 * waits until `release()`: the test runs writes while a read has decided and
 * not yet read its value. `reached` resolves when that read is waiting.
 */
function gatedAdapter(): { adapter: StorageAdapter; hold(): void; release(): void; reached: Promise<void> } {
  const inner = memoryAdapter();
  let gate: Promise<void> | undefined;
  let open!: () => void;
  let reachedValueRead!: () => void;
  const reached = new Promise<void>((resolve) => (reachedValueRead = resolve));
  const adapter: StorageAdapter = {
    persistent: false,
    open: () => inner.open(),
    close: () => inner.close(),
    iterate: (range) => inner.iterate(range),
    batch: (operations) => inner.batch(operations),
    async get(key) {
      if (key.startsWith('v/') && gate !== undefined) {
        const waiting = gate;
        gate = undefined;
        reachedValueRead();
        await waiting;
      }
      return inner.get(key);
    },
  };
  return {
    adapter,
    reached,
    hold: () => {
      gate = new Promise<void>((resolve) => (open = resolve));
    },
    release: () => open(),
  };
}

describe('a read racing writes', () => {
  it('on LevelDB, one writer patching a secret for 3 seconds and four parallel readers: zero CORRUPT, every value the one of its version', async () => {
    const outcome = await race(levelAdapter(path.join(tempDir(), 'db')), { seconds: 3, readers: 4 });
    // Premise: the readers really raced the writer, many times.
    expect(outcome.patches).toBeGreaterThan(100);
    expect(outcome.reads).toBeGreaterThan(100);
    expect(outcome.corrupt).toBe(0);
    expect(outcome.wrong).toEqual([]);
  });

  it('on an adapter that acknowledges each batch 5 ms late, reads during the delay return the version they decided on: zero CORRUPT', async () => {
    const outcome = await race(lateAcknowledging(memoryAdapter(), 5), { patches: 60, readers: 3 });
    expect(outcome.reads).toBeGreaterThan(60);
    expect(outcome.corrupt).toBe(0);
    expect(outcome.wrong).toEqual([]);
  });

  it('a read whose version is dropped before it reads it (two patches in between) catches up and returns the newest value', async () => {
    const gated = gatedAdapter();
    const store = track(await openStore({ adapter: gated.adapter }));
    const admin = store.as(ADMIN);
    await admin.create('/s', { type: 'secret', value: valueAt(1) });
    gated.hold();
    const read = store.as(ADMIN).get('/s');
    await gated.reached; // the read decided on version 1 and waits to read its value
    await admin.patch('/s', { value: valueAt(2) });
    await admin.patch('/s', { value: valueAt(3) }); // drops version 1
    gated.release();
    expect(await read).toMatchObject({ version: 3, value: valueAt(3) });
  });

  it('a read whose secret is deleted before it reads the value decides again: NOT_FOUND for an admin, never CORRUPT', async () => {
    const gated = gatedAdapter();
    const store = track(await openStore({ adapter: gated.adapter }));
    const admin = store.as(ADMIN);
    await admin.create('/s', { type: 'secret', value: 'v' });
    gated.hold();
    const read = store.as(ADMIN).get('/s');
    await gated.reached;
    await admin.delete('/s');
    gated.release();
    await expect(read).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
