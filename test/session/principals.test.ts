// SPEC §1 — principals: a principal without a string id, or with a field of
// the wrong type, is VALIDATION, thrown by `store.as` at once or by every call
// of its session; `kind` defaults to `user`; only `admin: true` is an admin.

import { expect, it } from 'vitest';
import type { Store } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { outcomeOf, pointersOf, refusal } from './refusals.js';

const MALFORMED: ReadonlyArray<readonly [string, unknown]> = [
  ['no principal', undefined],
  ['null', null],
  ['a string', 'admin-1'],
  ['a number', 7],
  ['an array', [{ id: 'u' }]],
  ['no id', {}],
  ['no id but admin', { admin: true }],
  ['a numeric id', { id: 42 }],
  ['a null id', { id: null }],
  ['an object id', { id: { id: 'u' } }],
  ['an array id', { id: ['u'] }],
  ['an unknown kind', { id: 'u', kind: 'robot' }],
  ['a kind in the wrong case', { id: 'u', kind: 'Token' }],
  ['a numeric kind', { id: 'u', kind: 1 }],
  ['groups as a string', { id: 'u', groups: 'ops' }],
  ['a numeric group', { id: 'u', groups: [1] }],
  ['a null group', { id: 'u', groups: [null] }],
  ['groups as an object', { id: 'u', groups: { ops: true } }],
  ['admin as a string', { id: 'u', admin: 'true' }],
  ['admin as a number', { id: 'u', admin: 1 }],
  ['admin as null', { id: 'u', admin: null }],
];

/** What a session made for `principal` gets: VALIDATION thrown by `store.as`, or by its call. */
async function outcomeFor(store: Store, principal: unknown, call: 'get' | 'create'): Promise<string> {
  return outcomeOf(() => {
    const session = store.as(principal as never);
    return call === 'get' ? session.get('/') : session.create('/made', { type: 'directory' });
  });
}

describeEachAdapter('§1 principals', (makeStore) => {
  for (const [what, principal] of MALFORMED) {
    it(`a principal that is ${what} is VALIDATION and does nothing`, async () => {
      const { store } = await makeStore();
      expect(await outcomeFor(store, principal, 'get')).toBe('VALIDATION');
      expect(await outcomeFor(store, principal, 'create')).toBe('VALIDATION');
      expect((await store.as(ADMIN).get('/')).children).toEqual([]);
    });
  }

  it('the VALIDATION for a malformed principal lists its problems with pointers', async () => {
    const { store } = await makeStore();
    const error = await refusal(() => store.as({ id: 5, kind: 'robot', groups: 'g', admin: 'yes' } as never).get('/'), 'VALIDATION');
    const pointers = pointersOf(error);
    for (const field of ['id', 'kind', 'groups', 'admin']) {
      expect(pointers.some((p) => p.endsWith(`/${field}`)), `${field} in ${JSON.stringify(pointers)}`).toBe(true);
    }
  });

  it('a principal with wrong-typed admin never acts as an admin', async () => {
    const { store } = await makeStore();
    for (const admin of ['true', 1, 'yes', [true], { value: true }]) {
      expect(await outcomeFor(store, { id: 'mallory', admin }, 'create')).toBe('VALIDATION');
    }
    expect((await store.as(ADMIN).get('/')).children).toEqual([]);
  });

  it('kind defaults to user: a principal without kind matches a user ACL entry and is audited as a user', async () => {
    const { store, audit } = await makeStore();
    const admin = store.as(ADMIN);
    await admin.create('/s', { type: 'secret', value: 'v' });
    await admin.putAccess('/s', { entity: { type: 'user', id: 'u' }, access: 'read' });
    expect((await store.as({ id: 'u' }).get('/s')).value).toBe('v');
    expect(audit[audit.length - 1]!.principal).toEqual({ id: 'u', kind: 'user' });
  });

  it('admin: false and a missing admin flag are both non-admins', async () => {
    const { store } = await makeStore();
    await store.as(ADMIN).create('/s', { type: 'secret', value: 'v' });
    expect(await outcomeOf(store.as({ id: 'u', admin: false }).get('/s'))).toBe('FORBIDDEN');
    expect(await outcomeOf(store.as({ id: 'u' }).get('/s'))).toBe('FORBIDDEN');
    expect(await outcomeOf(store.as({ id: 'u', admin: true }).get('/s'))).toBe('ok');
  });

  it('any kind of principal may be an admin', async () => {
    const { store } = await makeStore();
    await store.as(ADMIN).create('/s', { type: 'secret', value: 'v' });
    for (const kind of ['user', 'token', 'serviceIdentity'] as const) {
      expect((await store.as({ id: `a-${kind}`, kind, admin: true }).get('/s')).value).toBe('v');
    }
  });

  it('extra fields on a principal are the host’s business and grant nothing', async () => {
    const { store } = await makeStore();
    await store.as(ADMIN).create('/s', { type: 'secret', value: 'v' });
    const principal = { id: 'u', displayName: 'U', isAdmin: true, roles: ['admin'] };
    expect(await outcomeOf(() => store.as(principal).get('/s'))).toBe('FORBIDDEN');
  });

  it('a session keeps the principal it was made with, even if the host mutates the object later', async () => {
    const { store } = await makeStore();
    await store.as(ADMIN).create('/s', { type: 'secret', value: 'v' });
    const principal: { id: string; admin?: boolean; groups: string[] } = { id: 'u', groups: [] };
    const session = store.as(principal);
    principal.admin = true;
    principal.groups.push('ops');
    principal.id = 'admin-1';
    expect(await outcomeOf(session.get('/s'))).toBe('FORBIDDEN');
  });
});
