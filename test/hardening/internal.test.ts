// Issue 11 — what a failure is called: an unexpected error inside an
// operation (a bug, or a host callback throwing) is INTERNAL (500) with the
// original error as its cause, never STORAGE; a storage failure is STORAGE
// with reason `io`, and a LevelDB directory another store holds open is
// STORAGE with reason `locked`.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { CofferError, openStore, type AuditEvent, type StorageAdapter, type Store } from '../../src/index.js';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { levelAdapter } from '../../adapters/level/index.js';
import { describeEachAdapter } from '../support/stores.js';
import { settle } from '../session/refusals.js';
import { ADMIN } from './helpers.js';

const KEY = new Uint8Array(32).fill(0x5a);

/** The CofferError a call fails with (a test failure when it succeeds or throws anything else). */
async function failureOf(call: Promise<unknown>): Promise<CofferError> {
  const settled = await settle(call);
  expect(settled.ok).toBe(false);
  const error = (settled as { error: unknown }).error;
  expect(error).toBeInstanceOf(CofferError);
  return error as CofferError;
}

describeEachAdapter('INTERNAL', (makeStore) => {
  /** A store whose newId throws a plain Error once `armed` is set (openStore itself needs ids). */
  async function world() {
    const fuse = { armed: false };
    const t = await makeStore({
      newId: () => {
        if (fuse.armed) throw new Error('boom');
        return randomUUID();
      },
    });
    const admin = t.store.as(ADMIN);
    await admin.create('/d', { type: 'directory' });
    return { ...t, admin, fuse };
  }

  it('an unexpected error inside create is INTERNAL, status 500, with the original error as cause and audited as INTERNAL', async () => {
    const { admin, fuse, audit } = await world();
    fuse.armed = true;
    const before = audit.length;
    const error = await failureOf(admin.create('/d/x', { type: 'secret', value: 'v' }));
    expect(error.code).toBe('INTERNAL');
    expect(error.status).toBe(500);
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).message).toBe('boom');
    expect(error.message).not.toContain('boom');
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ code: 'INTERNAL', status: 500 });
    const events = audit.slice(before);
    expect(events).toEqual([expect.objectContaining({ action: 'create', outcome: 'refused', code: 'INTERNAL' })]);
  });

  it('after an INTERNAL the store is unchanged and keeps working', async () => {
    const { admin, fuse } = await world();
    fuse.armed = true;
    expect((await failureOf(admin.policies.create({ name: 'P', resource: '/d', accessLevel: 'SM_View', members: { users: [{ id: 'u' }] } }))).code).toBe('INTERNAL');
    expect((await failureOf(admin.create('/d/x', { type: 'directory' }))).code).toBe('INTERNAL');
    fuse.armed = false;
    expect((await admin.get('/d')).children).toEqual([]);
    expect((await admin.create('/d/x', { type: 'secret', value: 'v' })).path).toBe('/d/x');
  });
});

// ---------------------------------------------------------------- STORAGE reasons

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close().catch(() => undefined);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempLocation(): string {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-hardening-'));
  dirs.push(dir);
  return join(dir, 'db');
}

/** An adapter whose batch rejects with a plain Error once `failing` is set. */
function failingWrites(inner: StorageAdapter): StorageAdapter & { failing: boolean } {
  const adapter = {
    persistent: inner.persistent,
    failing: false,
    open: () => inner.open(),
    close: () => inner.close(),
    get: (key: string) => inner.get(key),
    batch: async (operations: Parameters<StorageAdapter['batch']>[0]) => {
      if (adapter.failing) throw new Error('disk full');
      return inner.batch(operations);
    },
    iterate: (range?: Parameters<StorageAdapter['iterate']>[0]) => inner.iterate(range),
  };
  return adapter;
}

for (const kind of ['memory', 'level'] as const) {
  it(`a failing write on the ${kind} adapter is STORAGE (503) with reason 'io', audited as STORAGE`, async () => {
    const adapter = failingWrites(kind === 'memory' ? memoryAdapter() : levelAdapter(tempLocation()));
    const audit: AuditEvent[] = [];
    const store = await openStore({ adapter, key: KEY, onAudit: (e) => audit.push(e) });
    stores.push(store);
    adapter.failing = true;
    const error = await failureOf(store.as(ADMIN).create('/x', { type: 'directory' }));
    expect({ code: error.code, status: error.status, reason: error.reason }).toEqual({ code: 'STORAGE', status: 503, reason: 'io' });
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ code: 'STORAGE', reason: 'io' });
    expect(audit.at(-1)).toMatchObject({ action: 'create', outcome: 'refused', code: 'STORAGE' });
  });
}

it("a LevelDB directory held by another open store gives STORAGE with reason 'locked'", async () => {
  const location = tempLocation();
  const holder = await openStore({ adapter: levelAdapter(location), key: KEY });
  stores.push(holder);
  const error = await failureOf(openStore({ adapter: levelAdapter(location), key: KEY }));
  expect({ code: error.code, status: error.status, reason: error.reason }).toEqual({ code: 'STORAGE', status: 503, reason: 'locked' });
  await holder.close();
  const again = await openStore({ adapter: levelAdapter(location), key: KEY });
  stores.push(again);
  expect((await again.as(ADMIN).get('/')).type).toBe('directory');
});
