// SPEC §3 — items: directories and secrets, their fields, versions, limits,
// the results of get/create/patch/delete, and the plain-data rule of §12.

import { expect, it } from 'vitest';
import type { ItemView, Session } from '../../src/index.js';
import { ADMIN, describeEachAdapter, type TestStore } from '../support/stores.js';
import { outcomeOf, pointersOf, refusal } from './refusals.js';

const START = '2024-06-03T12:00:00.000Z';
const KIB_64 = 64 * 1024;

describeEachAdapter('§3 items', (makeStore) => {
  async function opened(options?: Parameters<typeof makeStore>[0]): Promise<TestStore & { admin: Session }> {
    const t = await makeStore(options);
    return { ...t, admin: t.store.as(ADMIN) };
  }

  it('the root exists in a new store: a directory with an id, times and no children', async () => {
    const { admin } = await opened();
    const root = await admin.get('/');
    expect(root.path).toBe('/');
    expect(root.type).toBe('directory');
    expect(typeof root.id).toBe('string');
    expect(root.id.length).toBeGreaterThan(0);
    expect(root.children).toEqual([]);
    expect(root).not.toHaveProperty('value');
    expect(root).not.toHaveProperty('version');
  });

  it('a directory is created with path, type, id, times from the store clock and its creator', async () => {
    const { admin } = await opened();
    const dir = await admin.create('/d', { type: 'directory', description: 'a place' });
    expect(dir).toEqual({
      path: '/d',
      type: 'directory',
      id: expect.any(String),
      createdAt: START,
      updatedAt: START,
      createdBy: ADMIN.id,
      description: 'a place',
    });
    expect(await admin.get('/d')).toEqual({ ...dir, children: [] });
  });

  it('a secret is created at version 1 and create returns it without its value', async () => {
    const { admin } = await opened();
    const secret = await admin.create('/s', { type: 'secret', value: 'hunter2' });
    expect(secret).toEqual({ path: '/s', type: 'secret', id: expect.any(String), createdAt: START, updatedAt: START, createdBy: ADMIN.id, version: 1 });
    expect(secret).not.toHaveProperty('value');
    expect(await admin.get('/s')).toEqual({ ...secret, value: 'hunter2' });
  });

  it('a secret may hold the empty string', async () => {
    const { admin } = await opened();
    await admin.create('/empty', { type: 'secret', value: '' });
    const got = await admin.get('/empty');
    expect(got.value).toBe('');
    expect(got.version).toBe(1);
  });

  it.each([
    ['missing', { type: 'secret' }],
    ['null', { type: 'secret', value: null }],
    ['a number', { type: 'secret', value: 42 }],
    ['an array', { type: 'secret', value: ['x'] }],
    ['an object', { type: 'secret', value: { toString: 'x' } }],
    ['a lone high surrogate', { type: 'secret', value: 'abc\uD800' }],
    ['a lone low surrogate', { type: 'secret', value: '\uDC00abc' }],
  ])('a secret value that is %s is VALIDATION naming /value', async (_what, body) => {
    const { admin } = await opened();
    const error = await refusal(admin.create('/s', body as never), 'VALIDATION');
    // One field may carry more than one problem (a type and a requirement), all at /value.
    expect(new Set(pointersOf(error))).toEqual(new Set(['/value']));
    expect(await outcomeOf(admin.get('/s'))).toBe('NOT_FOUND');
  });

  it('a lone surrogate in a patched value is VALIDATION naming /value, and the secret keeps its value', async () => {
    const { admin } = await opened();
    await admin.create('/s', { type: 'secret', value: 'ok' });
    const error = await refusal(admin.patch('/s', { value: 'x\uDBFF' }), 'VALIDATION');
    expect(pointersOf(error)).toEqual(['/value']);
    expect(await admin.get('/s')).toMatchObject({ value: 'ok', version: 1 });
  });

  it.each([
    { what: '65536 ASCII bytes', value: 'x'.repeat(KIB_64), expected: 'ok' },
    { what: '65537 ASCII bytes', value: 'x'.repeat(KIB_64 + 1), expected: 'VALIDATION' },
    { what: '65536 bytes of 2-byte characters (32768 characters)', value: 'é'.repeat(KIB_64 / 2), expected: 'ok' },
    { what: '65537 bytes of 2-byte characters and one ASCII', value: 'é'.repeat(KIB_64 / 2) + 'x', expected: 'VALIDATION' },
    { what: '65536 bytes of 3-byte characters and one ASCII', value: '€'.repeat(21845) + 'x', expected: 'ok' },
    { what: '65538 bytes of 3-byte characters (21846 characters)', value: '€'.repeat(21846), expected: 'VALIDATION' },
    { what: '65536 bytes of 4-byte characters (32768 UTF-16 units)', value: '😀'.repeat(KIB_64 / 4), expected: 'ok' },
    { what: '65540 bytes of 4-byte characters (32770 UTF-16 units)', value: '😀'.repeat(KIB_64 / 4 + 1), expected: 'VALIDATION' },
  ])('by default a value of $what is $expected: the limit is 64 KiB of UTF-8', async ({ value, expected }) => {
    const { admin } = await opened();
    expect(await outcomeOf(admin.create('/s', { type: 'secret', value }))).toBe(expected);
    await admin.create('/t', { type: 'secret', value: 'small' });
    expect(await outcomeOf(admin.patch('/t', { value }))).toBe(expected);
    if (expected === 'ok') {
      expect((await admin.get('/s')).value).toBe(value);
      expect((await admin.get('/t')).value).toBe(value);
    } else {
      expect(await outcomeOf(admin.get('/s'))).toBe('NOT_FOUND');
      expect((await admin.get('/t')).value).toBe('small');
    }
  });

  it('maxSecretBytes changes the limit, counted in UTF-8 bytes', async () => {
    const { admin } = await opened({ maxSecretBytes: 10 });
    await admin.create('/ten', { type: 'secret', value: 'x'.repeat(10) });
    await admin.create('/five-e', { type: 'secret', value: 'é'.repeat(5) });
    const tooLong = await refusal(admin.create('/eleven', { type: 'secret', value: 'x'.repeat(11) }), 'VALIDATION');
    expect(pointersOf(tooLong)).toEqual(['/value']);
    await refusal(admin.create('/six-e', { type: 'secret', value: 'é'.repeat(5) + 'x' }), 'VALIDATION');
    await refusal(admin.patch('/ten', { value: '€€€€' }), 'VALIDATION');
    await admin.patch('/ten', { value: '€€€x' });
    expect((await admin.get('/ten')).value).toBe('€€€x');
  });

  it('a larger maxSecretBytes allows a value over 64 KiB', async () => {
    const { admin } = await opened({ maxSecretBytes: 200_000 });
    const value = 'z'.repeat(150_000);
    await admin.create('/big', { type: 'secret', value });
    expect((await admin.get('/big')).value).toBe(value);
  });

  it('the version goes +1 on every patch with a value, even an equal one, and stays on a description-only patch', async () => {
    const { admin, clock } = await opened();
    await admin.create('/s', { type: 'secret', value: 'a' });
    const steps: Array<[{ value?: string; description?: string }, number, string]> = [
      [{ value: 'b' }, 2, 'b'],
      [{ value: 'b' }, 3, 'b'],
      [{ description: 'only words' }, 3, 'b'],
      [{ value: 'c', description: 'both' }, 4, 'c'],
      [{}, 4, 'c'],
      [{ value: '' }, 5, ''],
    ];
    for (const [body, version, value] of steps) {
      clock.advance(1000);
      const patched = await admin.patch('/s', body);
      expect(patched.version, JSON.stringify(body)).toBe(version);
      expect(patched).not.toHaveProperty('value');
      expect(patched.updatedAt).toBe(new Date(clock.now()).toISOString());
      expect(patched.createdAt).toBe(START);
      expect(await admin.get('/s')).toMatchObject({ version, value });
    }
  });

  it('a patch with ifVersion equal to the current version applies it', async () => {
    const { admin } = await opened();
    await admin.create('/s', { type: 'secret', value: 'a' });
    expect((await admin.patch('/s', { value: 'b' }, { ifVersion: 1 })).version).toBe(2);
    expect((await admin.patch('/s', { description: 'd' }, { ifVersion: 2 })).version).toBe(2);
    expect((await admin.patch('/s', { value: 'c' }, { ifVersion: 2 })).version).toBe(3);
  });

  it.each([[2], [5], [1000]])('a patch with ifVersion %i when the version is 1 is CONFLICT and changes nothing', async (ifVersion) => {
    const { admin } = await opened();
    const before = await admin.create('/s', { type: 'secret', value: 'a' });
    await refusal(admin.patch('/s', { value: 'b' }, { ifVersion }), 'CONFLICT');
    await refusal(admin.patch('/s', { description: 'x' }, { ifVersion }), 'CONFLICT');
    expect(await admin.get('/s')).toEqual({ ...before, value: 'a' });
  });

  it('a stale ifVersion is CONFLICT after the secret moved on', async () => {
    const { admin } = await opened();
    await admin.create('/s', { type: 'secret', value: 'a' });
    await admin.patch('/s', { value: 'b' });
    await refusal(admin.patch('/s', { value: 'c' }, { ifVersion: 1 }), 'CONFLICT');
    expect(await admin.get('/s')).toMatchObject({ value: 'b', version: 2 });
  });

  it('a directory is patched with a description; its updatedAt moves and it has no version', async () => {
    const { admin, clock } = await opened();
    const dir = await admin.create('/d', { type: 'directory' });
    clock.advance(60_000);
    const patched = await admin.patch('/d', { description: 'team secrets' });
    expect(patched).toEqual({ ...dir, description: 'team secrets', updatedAt: '2024-06-03T12:01:00.000Z' });
    expect(patched).not.toHaveProperty('version');
    expect(await admin.get('/d')).toEqual({ ...patched, children: [] });
  });

  it('a directory is never given a value', async () => {
    const { admin } = await opened();
    expect(pointersOf(await refusal(admin.create('/d', { type: 'directory', value: 'x' } as never), 'VALIDATION'))).toContain('/value');
    await admin.create('/d', { type: 'directory' });
    expect(pointersOf(await refusal(admin.patch('/d', { value: 'x' }), 'VALIDATION'))).toContain('/value');
    expect(await admin.get('/d')).not.toHaveProperty('value');
  });

  it('every item gets a new id, and a path deleted and created again is a new item with a new id', async () => {
    const { admin } = await opened();
    const ids = new Set<string>([(await admin.get('/')).id]);
    for (const name of ['a', 'b', 'c']) {
      ids.add((await admin.create(`/${name}`, { type: 'directory' })).id);
      ids.add((await admin.create(`/${name}/s`, { type: 'secret', value: name })).id);
    }
    expect(ids.size).toBe(7);
    const first = await admin.create('/again', { type: 'secret', value: 'one' });
    await admin.delete('/again');
    const second = await admin.create('/again', { type: 'secret', value: 'two' });
    expect(second.id).not.toBe(first.id);
    expect(ids.has(second.id)).toBe(false);
    expect(second.version).toBe(1);
    expect((await admin.get('/again')).value).toBe('two');
    await admin.delete('/again');
    const third = await admin.create('/again', { type: 'directory' });
    expect([first.id, second.id]).not.toContain(third.id);
  });

  it('create(`/`) is ALREADY_EXISTS for an admin and for a caller without any right', async () => {
    const { store, admin } = await opened();
    await refusal(admin.create('/', { type: 'directory' }), 'ALREADY_EXISTS');
    await refusal(admin.create('/', { type: 'secret', value: 'v' }), 'ALREADY_EXISTS');
    await refusal(store.as({ id: 'nobody' }).create('/', { type: 'directory' }), 'ALREADY_EXISTS');
    await refusal(store.as({ id: 't', kind: 'token' }).create('/', { type: 'directory' }), 'ALREADY_EXISTS');
  });

  it('delete(`/`) is VALIDATION naming /path for everyone, and the root stays', async () => {
    const { store, admin } = await opened();
    await admin.putAccess('/', { entity: { type: 'user', id: 'rw' }, access: 'read_write' });
    for (const session of [admin, store.as({ id: 'nobody' }), store.as({ id: 'rw' })]) {
      expect(pointersOf(await refusal(session.delete('/'), 'VALIDATION'))).toEqual(['/path']);
    }
    expect((await admin.get('/')).type).toBe('directory');
  });

  it('creating under a missing parent is NOT_FOUND for an admin', async () => {
    const { admin } = await opened();
    await refusal(admin.create('/nope/s', { type: 'secret', value: 'v' }), 'NOT_FOUND');
    await refusal(admin.create('/nope/deeper/s', { type: 'directory' }), 'NOT_FOUND');
    expect((await admin.get('/')).children).toEqual([]);
  });

  it('creating under a secret is VALIDATION naming /path', async () => {
    const { admin } = await opened();
    await admin.create('/s', { type: 'secret', value: 'v' });
    expect(pointersOf(await refusal(admin.create('/s/child', { type: 'secret', value: 'v' }), 'VALIDATION'))).toContain('/path');
    expect(pointersOf(await refusal(admin.create('/s/child', { type: 'directory' }), 'VALIDATION'))).toContain('/path');
  });

  it('creating on a taken path is ALREADY_EXISTS, whatever the types', async () => {
    const { admin } = await opened();
    await admin.create('/d', { type: 'directory' });
    await admin.create('/s', { type: 'secret', value: 'v' });
    await refusal(admin.create('/d', { type: 'directory' }), 'ALREADY_EXISTS');
    await refusal(admin.create('/d', { type: 'secret', value: 'x' }), 'ALREADY_EXISTS');
    await refusal(admin.create('/s', { type: 'directory' }), 'ALREADY_EXISTS');
    expect((await admin.get('/s')).value).toBe('v');
  });

  it('a directory with children is NOT_EMPTY on delete, and deletes once empty', async () => {
    const { admin } = await opened();
    await admin.create('/d', { type: 'directory' });
    await admin.create('/d/e', { type: 'directory' });
    await admin.create('/d/e/s', { type: 'secret', value: 'v' });
    await refusal(admin.delete('/d'), 'NOT_EMPTY');
    await refusal(admin.delete('/d/e'), 'NOT_EMPTY');
    expect(await admin.delete('/d/e/s')).toBeUndefined();
    await refusal(admin.delete('/d'), 'NOT_EMPTY');
    expect(await admin.delete('/d/e')).toBeUndefined();
    expect(await admin.delete('/d')).toBeUndefined();
    expect((await admin.get('/')).children).toEqual([]);
  });

  it('a deleted item is gone: get, patch and delete are NOT_FOUND for an admin', async () => {
    const { admin } = await opened();
    await admin.create('/s', { type: 'secret', value: 'v' });
    await admin.delete('/s');
    await refusal(admin.get('/s'), 'NOT_FOUND');
    await refusal(admin.patch('/s', { value: 'w' }), 'NOT_FOUND');
    await refusal(admin.delete('/s'), 'NOT_FOUND');
    await refusal(admin.getAccess('/s'), 'NOT_FOUND');
  });

  it('children are sorted by name in UTF-16 code-unit order, and stay so after a reopen', async () => {
    const t = await opened();
    // UTF-16 puts U+1F600 (a surrogate pair, D83D…) before U+FFFD; UTF-8 byte order would not.
    const names = ['b', 'a', 'B', '\uFFFD', '😀', 'é', 'Z', '10', '9', 'a b', 'ab', '\uE000'];
    for (const [i, name] of names.entries()) {
      await t.admin.create(`/${name}`, i % 2 === 0 ? { type: 'directory' } : { type: 'secret', value: name });
    }
    const expected = [...names].sort().map((name) => ({ name, type: names.indexOf(name) % 2 === 0 ? 'directory' : 'secret' }));
    expect(expected.map((c) => c.name)).toEqual(['10', '9', 'B', 'Z', 'a', 'a b', 'ab', 'b', 'é', '😀', '\uE000', '\uFFFD']);
    expect((await t.admin.get('/')).children).toEqual(expected);
    const reopened = await t.reopen();
    expect((await reopened.store.as(ADMIN).get('/')).children).toEqual(expected);
  });

  it('a tree whose names sort around `/` survives a reopen whole', async () => {
    const t = await opened();
    const paths = ['/a', '/a b', '/a-b', '/a.b', '/a!', '/a/x', '/a/x y', '/a.b/y', '/a\u0080', '/a\u0080/z', '/a/x/deep'];
    for (const path of paths) {
      const isDirectory = paths.some((other) => other.startsWith(`${path}/`));
      await t.admin.create(path, isDirectory ? { type: 'directory' } : { type: 'secret', value: path });
    }
    const listings = async (admin: Session) => Promise.all(['/', '/a', '/a/x', '/a.b', '/a\u0080'].map((p) => admin.get(p)));
    const before = await listings(t.admin);
    const admin = (await t.reopen()).store.as(ADMIN);
    expect(await listings(admin)).toEqual(before);
    expect((await admin.get('/a/x/deep')).value).toBe('/a/x/deep');
  });

  it('a directory deleted and created again has no children', async () => {
    const { admin } = await opened();
    await admin.create('/d', { type: 'directory' });
    await admin.create('/d/s', { type: 'secret', value: 'v' });
    await admin.delete('/d/s');
    await admin.delete('/d');
    await admin.create('/d', { type: 'directory' });
    expect((await admin.get('/d')).children).toEqual([]);
    await refusal(admin.get('/d/s'), 'NOT_FOUND');
  });

  it('items, values, versions and descriptions survive a reopen', async () => {
    const t = await opened();
    await t.admin.create('/d', { type: 'directory', description: 'dir' });
    await t.admin.create('/d/s', { type: 'secret', value: 'v1', description: 'sec' });
    await t.admin.patch('/d/s', { value: 'v2' });
    const before = [await t.admin.get('/d'), await t.admin.get('/d/s')];
    const admin = (await t.reopen()).store.as(ADMIN);
    expect([await admin.get('/d'), await admin.get('/d/s')]).toEqual(before);
  });

  it('results are plain JSON data with ISO-8601 UTC times', async () => {
    const { admin, clock } = await opened();
    const results: unknown[] = [];
    results.push(await admin.create('/d', { type: 'directory', description: 'x' }));
    clock.advance(1234);
    results.push(await admin.create('/d/s', { type: 'secret', value: 'v' }));
    results.push(await admin.patch('/d/s', { value: 'w' }));
    results.push(await admin.get('/d'), await admin.get('/d/s'), await admin.get('/'));
    results.push(await admin.putAccess('/d', { entity: { type: 'group', id: 'g' }, access: 'read' }));
    results.push(await admin.getAccess('/d'), await admin.deleteAccess('/d', { type: 'group', id: 'g' }));
    for (const result of results) {
      expect(JSON.parse(JSON.stringify(result))).toStrictEqual(result);
    }
    const secret = results[4] as ItemView;
    expect(secret.createdAt).toBe('2024-06-03T12:00:01.234Z');
    expect(new Date(secret.createdAt).toISOString()).toBe(secret.createdAt);
  });

  it('mutating a returned object does not change the store', async () => {
    const { admin } = await opened();
    await admin.create('/d', { type: 'directory' });
    const created = await admin.create('/d/s', { type: 'secret', value: 'v', description: 'orig' });
    const pristine = { dir: await admin.get('/d'), secret: await admin.get('/d/s'), acl: await admin.getAccess('/d') };

    (created as { path: string }).path = '/elsewhere';
    (created as { version?: number }).version = 99;
    const dir = await admin.get('/d');
    dir.children!.push({ name: 'ghost', type: 'secret' });
    dir.children![0]!.name = 'renamed';
    (dir as { id: string }).id = 'stolen';
    const secret = await admin.get('/d/s');
    secret.value = 'changed';
    secret.description = 'changed';
    const acl = await admin.putAccess('/d', { entity: { type: 'user', id: 'u' }, access: 'read' });
    (acl[0] as { access: string }).access = 'read_write';
    (acl[0]!.entity as { id: string }).id = 'someone-else';
    acl.push({ entity: { type: 'user', id: 'intruder' }, access: 'read_write' });

    expect(await admin.get('/d')).toEqual(pristine.dir);
    expect(await admin.get('/d/s')).toEqual(pristine.secret);
    expect(await admin.getAccess('/d')).toEqual([{ entity: { type: 'user', id: 'u' }, access: 'read' }]);
    expect(pristine.acl).toEqual([]);
  });

  it('unknown fields in an item body are VALIDATION naming each field', async () => {
    const { admin } = await opened();
    const create = await refusal(admin.create('/s', { type: 'secret', value: 'v', colour: 'blue', size: 3 } as never), 'VALIDATION');
    expect(pointersOf(create).sort()).toEqual(['/colour', '/size']);
    await admin.create('/s', { type: 'secret', value: 'v' });
    const patch = await refusal(admin.patch('/s', { value: 'w', version: 7 } as never), 'VALIDATION');
    expect(pointersOf(patch)).toEqual(['/version']);
    const options = await refusal(admin.patch('/s', { value: 'w' }, { ifVersion: 1, force: true } as never), 'VALIDATION');
    expect(pointersOf(options).some((p) => p.endsWith('/force'))).toBe(true);
    expect(await admin.get('/s')).toMatchObject({ value: 'v', version: 1 });
  });

  it('an unknown item type is VALIDATION naming /type', async () => {
    const { admin } = await opened();
    for (const type of ['file', 'Secret', '', undefined, 1]) {
      expect(pointersOf(await refusal(admin.create('/x', { type, value: 'v' } as never), 'VALIDATION'))).toContain('/type');
    }
  });

  it('delete resolves to nothing', async () => {
    const { admin } = await opened();
    await admin.create('/s', { type: 'secret', value: 'v' });
    await admin.create('/d', { type: 'directory' });
    expect(await admin.delete('/s')).toBeUndefined();
    expect(await admin.delete('/d')).toBeUndefined();
  });
});
