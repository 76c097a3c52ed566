// Nothing fails after the commit — and if something does, memory and disk
// agree again before anything reads. Each write below is run with a fault
// injected at each step: the adapter's batch fails (nothing is written, the
// state is unchanged), or one of the four indexes throws part-way through
// applying the change after its batch was written (the store then rebuilds
// its state from storage). Afterwards the state in memory must equal the
// state read back by a fresh open of the same storage.

import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore, type Session, type StorageAdapter, type Store } from '../../src/index.js';
import { Approvals } from '../../src/core/state/approvals.js';
import { Grants } from '../../src/core/state/grants.js';
import { Items } from '../../src/core/state/items.js';
import { Policies } from '../../src/core/state/policies.js';
import { levelAdapter } from '../../adapters/level/index.js';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { fakeClock } from '../../src/testing/index.js';
import { ADMIN, newKey, useCleanup } from './helpers.js';
import { stateOf as stateOfStore } from '../support/state.js';

const { tempDir } = useCleanup();

const APPROVAL = { approvers: { userIds: ['boss'] }, validFor: 60, timeToApprove: 60, notificationMedium: 'pager' };
const PEOPLE = [{ id: 'u' }, { id: 'v', groups: ['g'] }, { id: 'boss' }] as const;
const PATHS = ['/', '/d', '/d/s', '/d/t', '/d/new', '/e', '/e/x'] as const;

const stateOf = (store: Store) => stateOfStore(store, PEOPLE, PATHS);

interface World {
  store: Store;
  adapter: StorageAdapter;
  key: Uint8Array;
  admin: Session;
  ids: Record<string, string>;
}

async function world(kind: 'memory' | 'level'): Promise<World> {
  const adapter = kind === 'memory' ? memoryAdapter() : levelAdapter(path.join(tempDir(), 'db'));
  const key = newKey();
  const clock = fakeClock('2024-06-03T12:00:00Z');
  const store = await openStore({ adapter, key, clock: clock.now });
  const admin = store.as(ADMIN);
  await admin.create('/d', { type: 'directory' });
  await admin.create('/d/s', { type: 'secret', value: 'one' });
  await admin.create('/d/t', { type: 'secret', value: 'two' });
  await admin.create('/e', { type: 'directory' });
  await admin.putAccess('/d', { entity: { type: 'user', id: 'u' }, access: 'read' });
  const view = await admin.policies.create({ name: 'v reads d', resource: '/d/*', members: { tags: [{ id: 'g' }] } });
  const gate = await admin.policies.create({ name: 'gated', resource: '/d/*', members: { users: [{ id: 'boss' }, { id: 'u' }] }, condition: { approval: APPROVAL } });
  const request = await store.as({ id: 'u' }).requestApproval({ path: '/d/t', justification: 'j' });
  return { store, adapter, key, admin, ids: { view: view.id, gate: gate.id, request: request.id } };
}

/** The writes each fault is injected into: every kind of change. */
const WRITES: ReadonlyArray<readonly [string, (w: World) => Promise<unknown>]> = [
  ['create a secret', (w) => w.admin.create('/d/new', { type: 'secret', value: 'new' })],
  ['create a directory', (w) => w.admin.create('/e/x', { type: 'directory' })],
  ['patch a value', (w) => w.admin.patch('/d/s', { value: 'changed' })],
  ['delete a secret with a request on it', (w) => w.admin.delete('/d/t')],
  ['put an ACL entry', (w) => w.admin.putAccess('/e', { entity: { type: 'group', id: 'g' }, access: 'read_write' })],
  ['create a policy', (w) => w.admin.policies.create({ name: 'late', resource: '/e/*', members: { users: [{ id: 'v' }] } })],
  ['update a policy so its requests end', (w) => w.admin.policies.update(w.ids.gate!, { members: { users: [{ id: 'u' }] } })],
  ['delete a policy', (w) => w.admin.policies.delete(w.ids.view!)],
  ['approve a request', (w) => w.store.as({ id: 'boss' }).approve(w.ids.request!)],
  ['delete a directory that is bound to a policy', async (w) => {
    await w.admin.delete('/d/s');
    await w.admin.delete('/d/t');
    return w.admin.delete('/d');
  }],
];

const INDEXES = [
  ['items', Items.prototype],
  ['policies', Policies.prototype],
  ['grants', Grants.prototype],
  ['approvals', Approvals.prototype],
] as const;

afterEach(() => {
  vi.restoreAllMocks();
});

/** The store's state must equal what a fresh open of its storage reads. */
async function expectMemoryMatchesDisk(w: World): Promise<void> {
  const inMemory = await stateOf(w.store);
  await w.store.close();
  const reopened = await openStore({ adapter: w.adapter, key: w.key, clock: fakeClock('2024-06-03T12:00:00Z').now });
  try {
    expect(inMemory).toEqual(await stateOf(reopened));
  } finally {
    await reopened.close();
  }
}

describe('faults injected into every step of a write', () => {
  for (const kind of ['memory', 'level'] as const) {
    describe(kind, () => {
      for (const [name, write] of WRITES) {
        it(`${name}: a failed batch writes nothing and changes nothing (STORAGE)`, async () => {
          const w = await world(kind);
          const before = await stateOf(w.store);
          vi.spyOn(w.adapter, 'batch').mockRejectedValue(new Error('injected: disk full'));
          await expect(write(w)).rejects.toMatchObject({ code: 'STORAGE' });
          expect(await stateOf(w.store)).toEqual(before);
          vi.restoreAllMocks();
          await expectMemoryMatchesDisk(w);
        });

        // Memory runs every step of every index; LevelDB the first and a late step of each.
        const steps = kind === 'memory' ? [0, 1, 2, 3] : [0, 2];
        for (const [index, prototype] of INDEXES) {
          it(`${name}: the ${index} index throwing after 0–${steps[steps.length - 1]} deltas of the change leaves memory and disk agreeing`, async () => {
            for (const step of steps) {
              const w = await world(kind);
              const original = prototype.apply as (this: unknown, ...args: unknown[]) => void;
              const spy = vi.spyOn(prototype as { apply(...args: unknown[]): void }, 'apply').mockImplementationOnce(function (this: unknown, ...args: unknown[]) {
                const [deltas, ...rest] = args as [readonly unknown[], ...unknown[]];
                original.call(this, deltas.slice(0, step), ...rest);
                throw new Error(`injected into ${index} after ${step} deltas`);
              });
              const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
              // The batch was written: the operation stands, and the store says it rebuilt its state.
              await write(w);
              expect(spy).toHaveBeenCalled();
              expect(warned.mock.calls.some(([, options]) => (options as { code?: string } | undefined)?.code === 'COFFER_STATE_REBUILT')).toBe(true);
              vi.restoreAllMocks();
              await expectMemoryMatchesDisk(w);
            }
          });
        }
      }
    });
  }
});
