// End to end: what an attacker with the store's files sees and can do. No
// secret value is in any file in any usual encoding; editing, moving,
// truncating or deleting records with LevelDB itself (on the closed store)
// grants nothing: CORRUPT at open, or CORRUPT on the read.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Level } from 'level';
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/index.js';
import { levelAdapter } from '../../adapters/level/index.js';
import { ADMIN, errorText, expectCoffer, filesUnder, findIn, newKey, snapshot, useCleanup } from './helpers.js';

const { tempDir, track } = useCleanup();

const USER_U = { id: 'user-u' };

// ---------------------------------------------------------------- canaries

function canary(): string {
  return randomBytes(32).toString('hex');
}

describe('no secret value at rest', () => {
  it('writes no secret value, current, patched-over or deleted, to any file in UTF-8, UTF-16LE, hex or base64', async () => {
    const dir = path.join(tempDir(), 'db');
    const key = newKey();
    const values = Array.from({ length: 8 }, canary);
    const descriptions = Array.from({ length: 2 }, canary);
    const store = await openStore({ adapter: levelAdapter(dir), key });
    const admin = store.as(ADMIN);
    // An item id is in its record's storage key, in the clear by design: found in the write-ahead
    // log, it proves the scan reads the data.
    const probe = (await admin.create(`/probe-${canary()}`, { type: 'directory' })).id;
    await admin.create('/team', { type: 'directory', description: descriptions[0]! });
    await admin.putAccess('/team', { entity: { type: 'user', id: USER_U.id }, access: 'read' });
    await admin.create('/team/current', { type: 'secret', value: values[0]! });
    await admin.create('/team/patched', { type: 'secret', value: values[1]! });
    await admin.patch('/team/patched', { value: values[2]! });
    await admin.patch('/team/patched', { value: values[3]! }, { ifVersion: 2 });
    await admin.create('/team/deleted', { type: 'secret', value: values[4]! });
    await admin.delete('/team/deleted');
    await admin.create('/team/old-dir', { type: 'directory' });
    await admin.create('/team/old-dir/s', { type: 'secret', value: values[5]!, description: descriptions[1]! });
    await admin.delete('/team/old-dir/s');
    await admin.delete('/team/old-dir');
    // Values that embed the canary in longer text, and one made of two canaries.
    await admin.create('/team/embedded', { type: 'secret', value: `password=${values[6]!};` });
    await admin.create('/team/unicode', { type: 'secret', value: `ünï ${values[7]!} 😀` });
    // Reads, and failed reads, must not write values anywhere either.
    expect((await store.as(USER_U).get('/team/current')).value).toBe(values[0]);
    await store.close();

    const needles = [...values, ...descriptions];
    // Phase 1: the write-ahead log.
    expect(findIn(dir, [probe]).length).toBeGreaterThan(0);
    expect(findIn(dir, needles)).toEqual([]);

    // Phase 2: reopening turns the log into a table file (.ldb); a write after that
    // goes to a new log.
    const again = await openStore({ adapter: levelAdapter(dir), key });
    expect((await again.as(ADMIN).get('/team/patched')).value).toBe(values[3]);
    const current = await again.as(ADMIN).patch('/team/current', { value: values[0]! });
    await again.close();
    expect(filesUnder(dir).some((file) => file.endsWith('.ldb'))).toBe(true);
    // The patch rewrote the item's record into the new log: its key, whole (a table file may compress keys).
    expect(findIn(dir, [current.id]).length).toBeGreaterThan(0);
    expect(findIn(dir, needles)).toEqual([]);
  });
});

// ---------------------------------------------------------------- tampering

type Raw = Level<string, Uint8Array>;

/** Opens the closed store's directory with level itself, as an attacker would. */
async function withRaw<T>(dir: string, edit: (db: Raw) => Promise<T>): Promise<T> {
  const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
  try {
    return await edit(db);
  } finally {
    await db.close();
  }
}

async function rawGet(db: Raw, key: string): Promise<Uint8Array> {
  const value = await db.get(key);
  if (value === undefined) throw new Error(`no raw record ${key}`);
  return new Uint8Array(value);
}

async function rawKeys(dir: string): Promise<string[]> {
  return withRaw(dir, async (db) => {
    const keys: string[] = [];
    for await (const key of db.keys()) keys.push(key);
    return keys;
  });
}

interface Fixture {
  dir: string;
  key: Uint8Array;
  /** Item ids by path, the root's included. */
  ids: Record<string, string>;
  policyId: string;
}

// The storage keys of the layout (docs/storage.md): records by kind and id, values by item id and version.
const itemKey = (f: Fixture, path: string): string => `i/${f.ids[path]!}`;
const valueKey = (f: Fixture, path: string, version = 1): string => `v/${f.ids[path]!}/${version}`;
const policyKey = (id: string): string => `p/${id}`;

/**
 * A closed store: secret `/a` granting user u read, secret `/b` granting
 * nobody, a directory `/d` granting u read_write with a secret `/d/x`, and a policy.
 */
async function fixture(): Promise<Fixture> {
  const dir = path.join(tempDir(), 'db');
  const key = newKey();
  const store = await openStore({ adapter: levelAdapter(dir), key });
  const admin = store.as(ADMIN);
  const ids: Record<string, string> = {};
  ids['/a'] = (await admin.create('/a', { type: 'secret', value: 'value of a' })).id;
  await admin.putAccess('/a', { entity: { type: 'user', id: USER_U.id }, access: 'read' });
  ids['/b'] = (await admin.create('/b', { type: 'secret', value: 'value of b' })).id;
  ids['/d'] = (await admin.create('/d', { type: 'directory' })).id;
  await admin.putAccess('/d', { entity: { type: 'user', id: USER_U.id }, access: 'read_write' });
  ids['/d/x'] = (await admin.create('/d/x', { type: 'secret', value: 'value of x' })).id;
  const policy = await admin.policies.create({ name: 'nobody', resource: '/b', accessLevel: 'SM_View', members: { users: [{ id: 'someone-else' }] } });
  ids['/'] = (await admin.get('/')).id;
  // Sanity: u reads /a, not /b.
  expect((await store.as(USER_U).get('/a')).value).toBe('value of a');
  await expectCoffer(store.as(USER_U).get('/b'), 'FORBIDDEN');
  await store.close();
  return { dir, key, ids, policyId: policy.id };
}

/** openStore must reject with CORRUPT; a second attempt too (nothing was repaired, the lock was released). */
async function expectCorruptAtOpen(f: Fixture): Promise<void> {
  const error = await expectCoffer(openStore({ adapter: levelAdapter(f.dir), key: f.key }), 'CORRUPT');
  expect(error.status).toBe(500);
  expect(errorText(error)).not.toMatch(/value of [abx]/);
  await expectCoffer(openStore({ adapter: levelAdapter(f.dir), key: f.key }), 'CORRUPT');
}

async function openFixture(f: Fixture): Promise<Store> {
  return track(await openStore({ adapter: levelAdapter(f.dir), key: f.key }));
}

function flipped(bytes: Uint8Array, at: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

describe('tampering with the files grants nothing', () => {
  it('(a) an item record with one byte flipped, anywhere in it, makes openStore reject with CORRUPT', async () => {
    const f = await fixture();
    const original = await withRaw(f.dir, (db) => rawGet(db, itemKey(f, '/a')));
    // Header (format byte), nonce, tag, ciphertext start, last byte.
    for (const at of [0, 1, 12, 13, 28, 29, 40, original.length - 1]) {
      await withRaw(f.dir, (db) => db.put(itemKey(f, '/a'), flipped(original, at)));
      await expectCorruptAtOpen(f);
    }
    // Restored, the store opens and u reads /a again: the failures changed nothing.
    await withRaw(f.dir, (db) => db.put(itemKey(f, '/a'), original));
    const store = await openFixture(f);
    expect((await store.as(USER_U).get('/a')).value).toBe('value of a');
  });

  it('(a) a directory record with one byte flipped makes openStore reject with CORRUPT', async () => {
    const f = await fixture();
    const original = await withRaw(f.dir, (db) => rawGet(db, itemKey(f, '/d')));
    await withRaw(f.dir, (db) => db.put(itemKey(f, '/d'), flipped(original, Math.floor(original.length / 2))));
    await expectCorruptAtOpen(f);
  });

  it('(b) swapping the records of two items with different ACLs makes openStore reject with CORRUPT: u never reads /b', async () => {
    const f = await fixture();
    await withRaw(f.dir, async (db) => {
      const a = await rawGet(db, itemKey(f, '/a'));
      const b = await rawGet(db, itemKey(f, '/b'));
      await db.batch([
        { type: 'put', key: itemKey(f, '/a'), value: b },
        { type: 'put', key: itemKey(f, '/b'), value: a },
      ]);
    });
    await expectCorruptAtOpen(f);
  });

  it('(b) copying an item record that grants u over another item, or to a path that never existed, makes openStore reject with CORRUPT', async () => {
    const f = await fixture();
    const [a, b] = await withRaw(f.dir, async (db) => [await rawGet(db, itemKey(f, '/a')), await rawGet(db, itemKey(f, '/b'))] as const);
    await withRaw(f.dir, (db) => db.put(itemKey(f, '/b'), a));
    await expectCorruptAtOpen(f);
    await withRaw(f.dir, (db) => db.put(itemKey(f, '/b'), b));
    await withRaw(f.dir, (db) => db.put('i/never-an-item', a));
    await expectCorruptAtOpen(f);
    await withRaw(f.dir, (db) => db.del('i/never-an-item'));
    // Put back, u reads /a and not /b, as before.
    const store = await openFixture(f);
    expect((await store.as(USER_U).get('/a')).value).toBe('value of a');
    await expectCoffer(store.as(USER_U).get('/b'), 'FORBIDDEN');
  });

  it('(c) a value record moved to another secret\'s key makes reading that secret CORRUPT, never the other value', async () => {
    const f = await fixture();
    await withRaw(f.dir, async (db) => db.put(valueKey(f, '/a'), await rawGet(db, valueKey(f, '/b'))));
    // Values are read on demand: the store opens.
    const store = await openFixture(f);
    const error = await expectCoffer(store.as(USER_U).get('/a'), 'CORRUPT');
    expect(error.status).toBe(500);
    expect(errorText(error)).not.toContain('value of b');
    await expectCoffer(store.as(ADMIN).get('/a'), 'CORRUPT');
    // u still cannot read /b, and /b itself is intact.
    await expectCoffer(store.as(USER_U).get('/b'), 'FORBIDDEN');
    expect((await store.as(ADMIN).get('/b')).value).toBe('value of b');
    // A patch with a new value repairs /a (it writes a new sealed value).
    await store.as(ADMIN).patch('/a', { value: 'repaired' });
    expect((await store.as(USER_U).get('/a')).value).toBe('repaired');
  });

  it('(c) a value record of an older version put back over the current one makes reading the secret CORRUPT, not the old value', async () => {
    const f = await fixture();
    const old = await withRaw(f.dir, (db) => rawGet(db, valueKey(f, '/a', 1)));
    {
      const store = await openStore({ adapter: levelAdapter(f.dir), key: f.key });
      await store.as(ADMIN).patch('/a', { value: 'value of a, version 2' });
      await store.close();
    }
    await withRaw(f.dir, (db) => db.put(valueKey(f, '/a', 2), old));
    const store = await openFixture(f);
    const error = await expectCoffer(store.as(USER_U).get('/a'), 'CORRUPT');
    expect(errorText(error)).not.toContain('value of a');
  });

  it('(c) a value record deleted or truncated makes reading the secret CORRUPT', async () => {
    const f = await fixture();
    const x = await withRaw(f.dir, (db) => rawGet(db, valueKey(f, '/d/x')));
    await withRaw(f.dir, async (db) => {
      await db.del(valueKey(f, '/a'));
      await db.put(valueKey(f, '/d/x'), x.subarray(0, x.length - 1));
    });
    const store = await openFixture(f);
    await expectCoffer(store.as(USER_U).get('/a'), 'CORRUPT');
    await expectCoffer(store.as(USER_U).get('/d/x'), 'CORRUPT');
    expect((await store.as(ADMIN).get('/b')).value).toBe('value of b');
  });

  it('(d) a truncated policy record makes openStore reject with CORRUPT', async () => {
    const f = await fixture();
    const key = policyKey(f.policyId);
    const original = await withRaw(f.dir, (db) => rawGet(db, key));
    for (const length of [0, 1, 29, Math.floor(original.length / 2), original.length - 1]) {
      await withRaw(f.dir, (db) => db.put(key, original.subarray(0, length)));
      await expectCorruptAtOpen(f);
    }
    await withRaw(f.dir, (db) => db.put(key, original));
    const store = await openFixture(f);
    expect((await store.as(ADMIN).policies.get(f.policyId)).name).toBe('nobody');
  });

  it('(d) a policy record moved to another policy id, or a built-in policy deleted, makes openStore reject with CORRUPT', async () => {
    const f = await fixture();
    const original = await withRaw(f.dir, (db) => rawGet(db, policyKey(f.policyId)));
    const other = '00000000-0000-4000-8000-000000000000';
    await withRaw(f.dir, (db) => db.put(policyKey(other), original));
    await expectCorruptAtOpen(f);
    await withRaw(f.dir, (db) => db.del(policyKey(other)));
    // A built-in policy record removed: the store does not silently run without it.
    const builtinKeys = await withRaw(f.dir, async (db) => {
      const keys: string[] = [];
      for await (const k of db.keys({ gte: 'p/', lt: 'p0' })) if (k !== policyKey(f.policyId)) keys.push(k);
      return keys;
    });
    expect(builtinKeys).toHaveLength(2);
    await withRaw(f.dir, (db) => db.del(builtinKeys[0]!));
    await expectCorruptAtOpen(f);
  });

  it('(e) deleting !keycheck while data remains makes openStore reject with CORRUPT, and writes no new store over the data', async () => {
    const f = await fixture();
    const check = await withRaw(f.dir, (db) => rawGet(db, '!keycheck'));
    await withRaw(f.dir, (db) => db.del('!keycheck'));
    const before = await rawKeys(f.dir);
    await expectCorruptAtOpen(f);
    // And with another key: still CORRUPT (not a new store under the attacker's key).
    await expectCoffer(openStore({ adapter: levelAdapter(f.dir), key: newKey() }), 'CORRUPT');
    expect(await rawKeys(f.dir)).toEqual(before);
    // Put back, the store opens with all its data.
    await withRaw(f.dir, (db) => db.put('!keycheck', check));
    const store = await openFixture(f);
    expect((await store.as(USER_U).get('/a')).value).toBe('value of a');
  });

  it('(e) a !keycheck that is corrupted, not just wrong, does not pass as a new store', async () => {
    const f = await fixture();
    await withRaw(f.dir, async (db) => db.put('!keycheck', new Uint8Array(0)));
    const before = await rawKeys(f.dir);
    const error = await openStore({ adapter: levelAdapter(f.dir), key: f.key }).then(
      () => undefined,
      (e: unknown) => e as { code?: string },
    );
    // An unreadable key check cannot tell a wrong key from damage: either answer refuses.
    expect(['CORRUPT', 'WRONG_KEY']).toContain(error?.code);
    expect(await rawKeys(f.dir)).toEqual(before);
  });

  it('(f) a !revision replaced with garbage, or with another sealed record, makes openStore reject with CORRUPT', async () => {
    const f = await fixture();
    const original = await withRaw(f.dir, (db) => rawGet(db, '!revision'));
    await withRaw(f.dir, (db) => db.put('!revision', new Uint8Array(randomBytes(original.length))));
    await expectCorruptAtOpen(f);
    await withRaw(f.dir, async (db) => db.put('!revision', await rawGet(db, '!format')));
    await expectCorruptAtOpen(f);
    await withRaw(f.dir, (db) => db.del('!revision'));
    await expectCorruptAtOpen(f);
    await withRaw(f.dir, (db) => db.put('!revision', original));
    await openFixture(f);
  });

  it('a !format deleted or edited makes openStore reject with CORRUPT', async () => {
    const f = await fixture();
    const original = await withRaw(f.dir, (db) => rawGet(db, '!format'));
    await withRaw(f.dir, (db) => db.put('!format', flipped(original, original.length - 1)));
    await expectCorruptAtOpen(f);
    await withRaw(f.dir, (db) => db.del('!format'));
    await expectCorruptAtOpen(f);
  });

  it('a parent directory record deleted while its child remains, or the root record deleted, makes openStore reject with CORRUPT', async () => {
    const f = await fixture();
    const d = await withRaw(f.dir, (db) => rawGet(db, itemKey(f, '/d')));
    await withRaw(f.dir, (db) => db.del(itemKey(f, '/d')));
    await expectCorruptAtOpen(f);
    await withRaw(f.dir, (db) => db.put(itemKey(f, '/d'), d));
    await withRaw(f.dir, (db) => db.del(itemKey(f, '/')));
    await expectCorruptAtOpen(f);
  });

  it('an item record copied under a key that is not its id\'s makes openStore reject with CORRUPT', async () => {
    const f = await fixture();
    const a = await withRaw(f.dir, (db) => rawGet(db, itemKey(f, '/a')));
    await withRaw(f.dir, (db) => db.put(`${itemKey(f, '/a')}x`, a));
    await expectCorruptAtOpen(f);
  });

  it('a failed open repairs and damages nothing: with the record put back, the store matches its snapshot', async () => {
    const f = await fixture();
    const store = await openStore({ adapter: levelAdapter(f.dir), key: f.key });
    const before = await snapshot(store);
    await store.close();
    const original = await withRaw(f.dir, (db) => rawGet(db, itemKey(f, '/b')));
    await withRaw(f.dir, (db) => db.put(itemKey(f, '/b'), flipped(original, 5)));
    await expectCorruptAtOpen(f);
    await withRaw(f.dir, (db) => db.put(itemKey(f, '/b'), original));
    expect(await snapshot(await openFixture(f))).toEqual(before);
    expect(fs.existsSync(f.dir)).toBe(true);
  });
});
