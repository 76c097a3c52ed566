// End to end: the storage failing. A LevelDB directory held by another store
// (this process or another) is STORAGE "in use" and the holder is unharmed;
// a failed write (STORAGE) leaves the store exactly as it was, in memory and
// on disk, and the next operation works.

import path from 'node:path';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openStore, type AuditEvent, type Session, type StorageAdapter, type Store } from '../../src/index.js';
import { levelAdapter } from '../../adapters/level/index.js';
import { ADMIN, E2E_DIR, errorText, expectCoffer, hex, newKey, requireDist, snapshot, useCleanup } from './helpers.js';
import { spawnNode, useChildren } from './processes.js';

const { tempDir, track } = useCleanup();
useChildren();

describe('a directory another store holds open', () => {
  it('refuses a second openStore in the same process with STORAGE "in use"; the first keeps working; after it closes, the second opens', async () => {
    const dir = path.join(tempDir(), 'db');
    const key = newKey();
    const first = await openStore({ adapter: levelAdapter(dir), key });
    await first.as(ADMIN).create('/before', { type: 'secret', value: 'one' });

    const second = levelAdapter(dir);
    const error = await expectCoffer(openStore({ adapter: second, key }), 'STORAGE');
    expect(error.status).toBe(503);
    expect(error.message).toMatch(/in use/i);
    // Again: still in use (the failed attempt did not take or break the lock).
    await expectCoffer(openStore({ adapter: levelAdapter(dir), key }), 'STORAGE');

    // The first store is unharmed: it reads and writes.
    expect((await first.as(ADMIN).get('/before')).value).toBe('one');
    await first.as(ADMIN).create('/during', { type: 'secret', value: 'two' });
    await first.as(ADMIN).patch('/before', { value: 'one, patched' });
    await first.close();

    // The same adapter instance that was refused opens now, on the first store's data.
    const reopened = track(await openStore({ adapter: second, key }));
    expect((await reopened.as(ADMIN).get('/before')).value).toBe('one, patched');
    expect((await reopened.as(ADMIN).get('/during')).value).toBe('two');
  });

  it('counts the same directory reached through a symbolic link or a relative path with a trailing slash as in use', async () => {
    const parent = tempDir();
    const dir = path.join(parent, 'db');
    const key = newKey();
    const first = track(await openStore({ adapter: levelAdapter(dir), key }));
    const link = path.join(parent, 'link');
    fs.symlinkSync(dir, link);
    const viaLink = await expectCoffer(openStore({ adapter: levelAdapter(link), key }), 'STORAGE');
    expect(viaLink.message).toMatch(/in use/i);
    const relative = path.relative(process.cwd(), dir) + path.sep;
    expect((await expectCoffer(openStore({ adapter: levelAdapter(relative), key }), 'STORAGE')).message).toMatch(/in use/i);
    await first.as(ADMIN).create('/still-works', { type: 'directory' });
  });

  it('refuses openStore with STORAGE "in use" while another process holds the store; after that process dies, it opens', async () => {
    requireDist();
    const dir = path.join(tempDir(), 'db');
    const key = newKey();
    const child = spawnNode(path.join(E2E_DIR, 'holder.mjs'), [dir, hex(key)]);
    await child.waitForLine((line) => line === 'ready');

    const error = await expectCoffer(openStore({ adapter: levelAdapter(dir), key }), 'STORAGE');
    expect(error.status).toBe(503);
    expect(error.message).toMatch(/in use/i);

    // The child still holds and writes; a second attempt is still refused.
    child.write('write after-refusal\n');
    await child.waitForLine((line) => line === 'wrote after-refusal');
    await expectCoffer(openStore({ adapter: levelAdapter(dir), key }), 'STORAGE');

    child.kill('SIGKILL');
    const status = await child.exited;
    expect(status.signal).toBe('SIGKILL');

    const store = track(await openStore({ adapter: levelAdapter(dir), key }));
    expect((await store.as(ADMIN).get('/held-by-child')).value).toBe('child value');
    expect((await store.as(ADMIN).get('/after-refusal')).value).toBe('value of after-refusal');
  });
});

// ---------------------------------------------------------------- injected write failures

interface Faults {
  /** How many of the next batches fail. */
  batches: number;
  /** How many of the next gets fail. */
  gets: number;
  batchCalls: number;
}

function ioError(): Error {
  return Object.assign(new Error('IO error: injected failure'), { code: 'LEVEL_IO_ERROR' });
}

/** Delegates to `inner`, failing `batch` / `get` when `faults` says so (before reaching the inner adapter). */
function faultyAdapter(inner: StorageAdapter, faults: Faults): StorageAdapter {
  return {
    persistent: inner.persistent,
    open: () => inner.open(),
    close: () => inner.close(),
    async get(key) {
      if (faults.gets > 0) {
        faults.gets--;
        throw ioError();
      }
      return inner.get(key);
    },
    async batch(operations) {
      faults.batchCalls++;
      if (faults.batches > 0) {
        faults.batches--;
        throw ioError();
      }
      return inner.batch(operations);
    },
    iterate: (range) => inner.iterate(range),
  };
}

interface Rig {
  dir: string;
  key: Uint8Array;
  faults: Faults;
  audit: AuditEvent[];
  store: Store;
  policyId: string;
  open(): Promise<Store>;
}

const SECRET = 'the-secret-value-0123456789';

async function rig(): Promise<Rig> {
  const dir = path.join(tempDir(), 'db');
  const key = newKey();
  const faults: Faults = { batches: 0, gets: 0, batchCalls: 0 };
  const audit: AuditEvent[] = [];
  const inner = levelAdapter(dir);
  const open = async (): Promise<Store> => track(await openStore({ adapter: faultyAdapter(inner, faults), key, onAudit: (e) => audit.push(e) }));
  const store = await open();
  const admin = store.as(ADMIN);
  await admin.create('/dir', { type: 'directory', description: 'kept' });
  await admin.putAccess('/dir', { entity: { type: 'user', id: 'u' }, access: 'read' });
  await admin.create('/dir/s', { type: 'secret', value: SECRET });
  await admin.patch('/dir/s', { value: SECRET + '-v2' });
  await admin.create('/empty', { type: 'directory' });
  const policy = await admin.policies.create({ name: 'readers', resource: '/dir/*', members: { users: [{ id: 'p' }] } });
  return { dir, key, faults, audit, store, policyId: policy.id, open };
}

type Operation = (admin: Session, r: Rig) => Promise<unknown>;

const operations: Array<[string, string, Operation]> = [
  ['create', 'creating a secret', (a) => a.create('/dir/new', { type: 'secret', value: SECRET + '-new' })],
  ['create', 'creating a directory', (a) => a.create('/dir/sub', { type: 'directory' })],
  ['patch', 'patching a value', (a) => a.patch('/dir/s', { value: SECRET + '-v3' })],
  ['patch', 'patching a value with ifVersion', (a) => a.patch('/dir/s', { value: SECRET + '-v3' }, { ifVersion: 2 })],
  ['patch', 'patching a description', (a) => a.patch('/dir', { description: 'changed' })],
  ['delete', 'deleting a secret', (a) => a.delete('/dir/s')],
  ['delete', 'deleting an empty directory', (a) => a.delete('/empty')],
  ['putAccess', 'putting an ACL entry', (a) => a.putAccess('/dir/s', { entity: { type: 'group', id: 'g' }, access: 'read_write' })],
  ['deleteAccess', 'deleting an ACL entry', (a) => a.deleteAccess('/dir', { type: 'user', id: 'u' })],
  ['policies.create', 'creating a policy', (a) => a.policies.create({ name: 'new one', resource: '/dir/s', members: { users: [{ id: 'q' }] } })],
  ['policies.update', 'updating a policy', (a, r) => a.policies.update(r.policyId, { accessLevel: 'SM_CRUD' })],
  ['policies.delete', 'deleting a policy', (a, r) => a.policies.delete(r.policyId)],
];

describe('a failed write (STORAGE) leaves the store as it was', () => {
  for (const [action, doing, operation] of operations) {
    it(`${doing}: rejects with STORAGE, changes nothing in memory or on disk, and works next time`, async () => {
      const r = await rig();
      const before = await snapshot(r.store);

      r.faults.batches = 1;
      const auditFrom = r.audit.length;
      const error = await expectCoffer(operation(r.store.as(ADMIN), r), 'STORAGE');
      expect(error.status).toBe(503);
      expect(errorText(error)).not.toContain(SECRET);
      expect(r.faults.batches).toBe(0); // the failure was hit
      // One audit event, refused with STORAGE, holding no value.
      expect(r.audit.slice(auditFrom)).toMatchObject([{ action, outcome: 'refused', code: 'STORAGE' }]);
      expect(JSON.stringify(r.audit)).not.toContain(SECRET);

      // In memory: exactly as before.
      expect(await snapshot(r.store)).toEqual(before);
      // On disk: exactly as before.
      await r.store.close();
      const reopened = await r.open();
      expect(await snapshot(reopened)).toEqual(before);

      // The next operation works, and acts on the state before the failure.
      await operation(reopened.as(ADMIN), r);
      const after = await snapshot(reopened);
      expect(after).not.toEqual(before);
      if (doing.startsWith('patching a value')) expect(after.items['/dir/s']).toMatchObject({ version: 3, value: SECRET + '-v3' });
      await reopened.close();
      const again = track(await openStore({ adapter: levelAdapter(r.dir), key: r.key }));
      expect(await snapshot(again)).toEqual(after);
    });
  }

  it('a failed patch queued before another: the other applies on the state before the failure (version +1, not +2)', async () => {
    const r = await rig();
    const admin = r.store.as(ADMIN);
    r.faults.batches = 1;
    const failing = admin.patch('/dir/s', { value: 'lost' });
    const following = admin.patch('/dir/s', { value: 'kept' }, { ifVersion: 2 });
    await expectCoffer(failing, 'STORAGE');
    expect((await following).version).toBe(3);
    expect((await admin.get('/dir/s')).value).toBe('kept');
    await r.store.close();
    const reopened = await r.open();
    expect(await reopened.as(ADMIN).get('/dir/s')).toMatchObject({ version: 3, value: 'kept' });
  });

  it('a failed create leaves the path free: the item is absent, and creating it again works with version 1', async () => {
    const r = await rig();
    const admin = r.store.as(ADMIN);
    r.faults.batches = 1;
    await expectCoffer(admin.create('/dir/n', { type: 'secret', value: 'x' }), 'STORAGE');
    await expectCoffer(admin.get('/dir/n'), 'NOT_FOUND');
    expect((await admin.get('/dir')).children?.map((c) => c.name)).toEqual(['s']);
    expect((await admin.create('/dir/n', { type: 'secret', value: 'y' })).version).toBe(1);
  });

  it('a failed read rejects with STORAGE and the next read works', async () => {
    const r = await rig();
    r.faults.gets = 1;
    const error = await expectCoffer(r.store.as({ id: 'u' }).get('/dir/s'), 'STORAGE');
    expect(errorText(error)).not.toContain(SECRET);
    expect((await r.store.as({ id: 'u' }).get('/dir/s')).value).toBe(SECRET + '-v2');
  });

  it('a storage failure while openStore loads rejects with STORAGE and releases the directory', async () => {
    const r = await rig();
    await r.store.close();
    r.faults.gets = 1;
    await expectCoffer(r.open(), 'STORAGE');
    // A new adapter on the directory opens: the failed open closed what it opened.
    const store = track(await openStore({ adapter: levelAdapter(r.dir), key: r.key }));
    expect((await store.as(ADMIN).get('/dir/s')).value).toBe(SECRET + '-v2');
  });
});
