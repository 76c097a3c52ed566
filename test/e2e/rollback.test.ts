// SPEC §11 "editing the files cannot grant access": a sealed record copied
// from an older state of the same store opens (it is bound to its own key),
// so the store keeps a keyed digest of every live record in each batch. A
// record restored, added back or removed on disk no longer matches it: CORRUPT.

import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { Level } from 'level';
import { openStore } from '../../src/index.js';
import { levelAdapter } from '../../adapters/level/index.js';
import { ADMIN, expectCoffer, newKey, useCleanup } from './helpers.js';

const { tempDir } = useCleanup();

async function raw(dir: string, run: (db: Level<string, Uint8Array>) => Promise<void>): Promise<void> {
  const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
  try {
    await run(db);
  } finally {
    await db.close();
  }
}

async function copyOf(dir: string, key: string): Promise<Uint8Array> {
  let value: Uint8Array | undefined;
  await raw(dir, async (db) => {
    value = await db.get(key);
  });
  if (value === undefined) throw new Error(`no ${key}`);
  return value;
}

describe('§11 records restored from an older state', () => {
  it('an ACL record put back after the access was removed makes the store CORRUPT, never a grant', async () => {
    const dir = join(tempDir(), 'db');
    const key = newKey();
    let store = await openStore({ adapter: levelAdapter(dir), key });
    const { id } = await store.as(ADMIN).create('/a', { type: 'secret', value: 'rollback-canary' });
    await store.as(ADMIN).putAccess('/a', { entity: { type: 'user', id: 'u' }, access: 'read' });
    await store.close();
    const granting = await copyOf(dir, `i/${id}`);

    store = await openStore({ adapter: levelAdapter(dir), key });
    await store.as(ADMIN).deleteAccess('/a', { type: 'user', id: 'u' });
    await expectCoffer(store.as({ id: 'u' }).get('/a'), 'FORBIDDEN');
    await store.close();

    await raw(dir, (db) => db.put(`i/${id}`, granting));
    await expectCoffer(openStore({ adapter: levelAdapter(dir), key }), 'CORRUPT');
  });

  it('a deleted secret put back (its item and value records) makes the store CORRUPT', async () => {
    const dir = join(tempDir(), 'db');
    const key = newKey();
    let store = await openStore({ adapter: levelAdapter(dir), key });
    const created = await store.as(ADMIN).create('/gone', { type: 'secret', value: 'deleted-canary' });
    await store.close();
    const item = await copyOf(dir, `i/${created.id}`);
    const value = await copyOf(dir, `v/${created.id}/1`);

    store = await openStore({ adapter: levelAdapter(dir), key });
    await store.as(ADMIN).delete('/gone');
    await store.close();

    await raw(dir, (db) => db.batch([{ type: 'put', key: `i/${created.id}`, value: item }, { type: 'put', key: `v/${created.id}/1`, value }]));
    await expectCoffer(openStore({ adapter: levelAdapter(dir), key }), 'CORRUPT');
  });

  it('a deleted Deny policy put back, or a current one removed, makes the store CORRUPT', async () => {
    const dir = join(tempDir(), 'db');
    const key = newKey();
    let store = await openStore({ adapter: levelAdapter(dir), key });
    await store.as(ADMIN).create('/d', { type: 'directory' });
    const policy = await store.as(ADMIN).policies.create({ name: 'block', resource: '/d/*', accessType: 'Deny', members: { users: [{ id: 'u' }] } });
    await store.close();
    const record = await copyOf(dir, `p/${policy.id}`);

    await raw(dir, (db) => db.del(`p/${policy.id}`));
    await expectCoffer(openStore({ adapter: levelAdapter(dir), key }), 'CORRUPT');
    await raw(dir, (db) => db.put(`p/${policy.id}`, record));
    store = await openStore({ adapter: levelAdapter(dir), key });
    expect((await store.as(ADMIN).policies.get(policy.id)).name).toBe('block');
    await store.close();
  });

  it('a store that only ever had ordinary writes reopens cleanly after every kind of change', async () => {
    const dir = join(tempDir(), 'db');
    const key = newKey();
    let store = await openStore({ adapter: levelAdapter(dir), key });
    const admin = store.as(ADMIN);
    await admin.create('/d', { type: 'directory', description: 'x' });
    await admin.create('/d/s', { type: 'secret', value: 'v' });
    await admin.patch('/d/s', { value: 'w', description: 'y' });
    await admin.putAccess('/d', { entity: { type: 'group', id: 'g' }, access: 'read_write' });
    const p = await admin.policies.create({ name: 'p', resource: '/d/*', members: { users: [{ id: 'u' }] } });
    await admin.policies.update(p.id, { description: 'changed' });
    await admin.create('/d/t', { type: 'secret', value: 'z' });
    await admin.delete('/d/t');
    await admin.policies.delete(p.id);
    await store.close();
    store = await openStore({ adapter: levelAdapter(dir), key });
    expect((await store.as(ADMIN).get('/d/s')).value).toBe('w');
    await store.close();
  });
});
