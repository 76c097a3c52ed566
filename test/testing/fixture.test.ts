// coffer/testing fixtureStore (SPEC §12): a memory store from one declarative
// object, loaded in one batch through the same core rules as admin calls.

import { describe, it, expect } from 'vitest';
import { fakeClock, fixtureStore, sequentialIds } from '../../src/testing/index.js';
import { CofferError } from '../../src/index.js';

const ADMIN = { id: 'admin', admin: true };

describe('fixtureStore', () => {
  it('builds nested directories and secrets from one object: objects are directories, strings secrets', async () => {
    const store = await fixtureStore({ tree: { app: { db: { password: 's3cret', user: { $value: 'app', $description: 'login' } } }, top: 'x' } });
    const admin = store.as(ADMIN);
    expect((await admin.get('/')).children).toEqual([
      { name: 'app', type: 'directory' },
      { name: 'top', type: 'secret' },
    ]);
    expect((await admin.get('/app/db/password')).value).toBe('s3cret');
    expect(await admin.get('/app/db/user')).toMatchObject({ value: 'app', description: 'login', version: 1 });
  });

  it('sets ACL entries exactly as given, and they grant as ACLs do', async () => {
    const store = await fixtureStore({
      tree: { app: { key: 'k' } },
      acls: { '/app/key': [{ entity: { type: 'user', id: 'svc' }, access: 'read' }] },
    });
    expect((await store.as({ id: 'svc' }).get('/app/key')).value).toBe('k');
    await expect(store.as({ id: 'other' }).get('/app/key')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await store.as(ADMIN).getAccess('/app')).toEqual([]);
  });

  it('creates policies in order, which decide as policies do', async () => {
    const store = await fixtureStore({
      tree: { app: { key: 'k' } },
      policies: [{ name: 'ops', resource: '/app/*', accessLevel: 'SM_CRUD', members: { tags: [{ id: 'ops' }] } }],
    });
    const ops = store.as({ id: 'o', groups: ['ops'] });
    expect(await ops.can('sm.secret.update', '/app/key')).toMatchObject({ allowed: true, reason: 'policy' });
    const { result } = await store.as(ADMIN).policies.list({ filter: 'name eq ops' });
    expect(result).toHaveLength(1);
  });

  it('uses the given clock and id source, so snapshots are stable', async () => {
    const make = () => fixtureStore({ tree: { a: { s: 'v' } }, clock: fakeClock('2024-06-03T12:00:00'), newId: sequentialIds('id') });
    const first = await (await make()).as(ADMIN).get('/a/s');
    const second = await (await make()).as(ADMIN).get('/a/s');
    expect(first).toEqual(second);
    expect(first.createdAt).toBe('2024-06-03T12:00:00.000Z');
    expect(first.id).toMatch(/^id-\d{4}$/);
  });

  it('a fixed time without an offset is read as UTC', async () => {
    const store = await fixtureStore({ tree: { s: 'v' }, clock: '2024-01-02T03:04:05' });
    expect((await store.as(ADMIN).get('/s')).createdAt).toBe('2024-01-02T03:04:05.000Z');
  });

  it('rejects a malformed fixture with the same errors as the operations: a bad name is VALIDATION', async () => {
    const error = await fixtureStore({ tree: { 'bad*name': 'v' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CofferError);
    expect((error as CofferError).code).toBe('VALIDATION');
  });

  it('two policies of one fixture with the same name (any case) are ALREADY_EXISTS', async () => {
    const error = await fixtureStore({ tree: { a: {} }, policies: [{ name: 'Same', resource: '/a' }, { name: 'same', resource: '/a' }] }).catch((e: unknown) => e);
    expect((error as CofferError).code).toBe('ALREADY_EXISTS');
  });

  it('an ACL on a path the tree does not hold is NOT_FOUND', async () => {
    const error = await fixtureStore({ acls: { '/missing': [{ entity: { type: 'user', id: 'u' }, access: 'read' }] } }).catch((e: unknown) => e);
    expect((error as CofferError).code).toBe('NOT_FOUND');
  });

  it('a loaded fixture accepts ordinary writes afterwards', async () => {
    const store = await fixtureStore({ tree: { d: { s: 'v' } }, acls: { '/d': [{ entity: { type: 'group', id: 'g' }, access: 'read_write' }] } });
    const member = store.as({ id: 'm', groups: ['g'] });
    await member.create('/d/n', { type: 'secret', value: 'new' });
    expect((await member.get('/d/n')).value).toBe('new');
    await store.close();
  });
});
