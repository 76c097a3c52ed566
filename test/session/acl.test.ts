// SPEC §4 — ACLs: admin-only management, one entry per entity, a copy of the
// parent's ACL at creation, evaluation on the item itself only, user entries
// for kind `user`, group entries for any kind, entries adding up, and the
// read / read_write table. Audit reasons (§11) say `acl` when an ACL allowed.

import { expect, it } from 'vitest';
import type { AclEntry, AuditEvent, Session, Store } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { outcomeOf, refusal } from './refusals.js';

const user = (id: string) => ({ type: 'user', id }) as const;
const group = (id: string) => ({ type: 'group', id }) as const;
const entry = (entity: AclEntry['entity'], access: AclEntry['access']): AclEntry => ({ entity, access });

type Target = 'directory' | 'secret';
type Access = 'none' | 'read' | 'read_write';

// What a caller may do with an ACL entry on the target (§4 table, §5 ACL column).
// Each operation runs on a fresh store, against /t (an empty directory, or a secret).
const OPERATIONS: Record<Target, ReadonlyArray<readonly [string, (s: Session) => Promise<unknown>]>> = {
  directory: [
    ['list it', (s) => s.get('/t')],
    ['create a secret in it', (s) => s.create('/t/new', { type: 'secret', value: 'v' })],
    ['create a directory in it', (s) => s.create('/t/newdir', { type: 'directory' })],
    ['patch its description', (s) => s.patch('/t', { description: 'd' })],
    ['delete it when empty', (s) => s.delete('/t')],
  ],
  secret: [
    ['read it', (s) => s.get('/t')],
    ['patch its value', (s) => s.patch('/t', { value: 'new' })],
    ['patch its description', (s) => s.patch('/t', { description: 'd' })],
    ['delete it', (s) => s.delete('/t')],
  ],
};

const ALLOWED: Record<Target, Record<Access, readonly string[]>> = {
  directory: {
    none: [],
    read: ['list it'],
    read_write: ['list it', 'create a secret in it', 'create a directory in it', 'patch its description', 'delete it when empty'],
  },
  secret: {
    none: [],
    read: ['read it'],
    read_write: ['read it', 'patch its value', 'patch its description', 'delete it'],
  },
};

describeEachAdapter('§4 ACLs', (makeStore) => {
  async function opened(): Promise<{ store: Store; admin: Session; audit: AuditEvent[] }> {
    const t = await makeStore();
    return { store: t.store, admin: t.store.as(ADMIN), audit: t.audit };
  }

  for (const target of ['directory', 'secret'] as const) {
    for (const access of ['none', 'read', 'read_write'] as const) {
      for (const [operation, run] of OPERATIONS[target]) {
        const expected = ALLOWED[target][access].includes(operation) ? 'ok' : 'FORBIDDEN';
        it(`on a ${target}, an ACL entry ${access === 'none' ? 'for someone else' : `\`${access}\``} → ${operation}: ${expected}`, async () => {
          const { store, admin, audit } = await opened();
          if (target === 'directory') await admin.create('/t', { type: 'directory' });
          else await admin.create('/t', { type: 'secret', value: 'v' });
          await admin.putAccess('/t', entry(user('someone-else'), 'read_write'));
          if (access !== 'none') await admin.putAccess('/t', entry(user('u'), access));
          expect(await outcomeOf(run(store.as({ id: 'u' })))).toBe(expected);
          const event = audit[audit.length - 1]!;
          expect(event.principal).toEqual({ id: 'u', kind: 'user' });
          if (expected === 'ok') expect(event).toMatchObject({ outcome: 'allowed', reason: 'acl' });
          else expect(event).toMatchObject({ outcome: 'refused', reason: 'default_deny', code: 'FORBIDDEN' });
        });
      }
    }
  }

  it('what a read_write caller did is really done: created, patched and deleted', async () => {
    const { store, admin } = await opened();
    await admin.create('/t', { type: 'directory' });
    await admin.putAccess('/t', entry(user('u'), 'read_write'));
    const u = store.as({ id: 'u' });
    const created = await u.create('/t/s', { type: 'secret', value: 'v1' });
    expect(created.createdBy).toBe('u');
    // The new secret copied /t's ACL, so u may read and patch it too.
    expect((await u.patch('/t/s', { value: 'v2' })).version).toBe(2);
    expect((await u.get('/t/s')).value).toBe('v2');
    expect((await admin.get('/t/s')).value).toBe('v2');
    await u.delete('/t/s');
    expect((await admin.get('/t')).children).toEqual([]);
    await u.delete('/t');
    expect((await admin.get('/')).children).toEqual([]);
  });

  it('a read_write directory that is not empty is NOT_EMPTY for its writer', async () => {
    const { store, admin } = await opened();
    await admin.create('/t', { type: 'directory' });
    await admin.create('/t/s', { type: 'secret', value: 'v' });
    await admin.putAccess('/t', entry(user('u'), 'read_write'));
    expect(await outcomeOf(store.as({ id: 'u' }).delete('/t'))).toBe('NOT_EMPTY');
  });

  it('only admins may getAccess, putAccess and deleteAccess, even with read_write on the item', async () => {
    const { store, admin } = await opened();
    await admin.create('/t', { type: 'directory' });
    await admin.putAccess('/t', entry(user('u'), 'read_write'));
    await admin.putAccess('/t', entry(group('g'), 'read_write'));
    const before = await admin.getAccess('/t');
    const callers = [
      store.as({ id: 'u' }),
      store.as({ id: 'u', admin: false }),
      store.as({ id: 'x', groups: ['g'] }),
      store.as({ id: 'admin-1' }), // the admin's id without the admin flag
      store.as({ id: 'tok', kind: 'token', groups: ['g'] }),
    ];
    for (const caller of callers) {
      await refusal(caller.getAccess('/t'), 'FORBIDDEN');
      await refusal(caller.putAccess('/t', entry(user('u'), 'read')), 'FORBIDDEN');
      await refusal(caller.putAccess('/t', entry(user('new'), 'read_write')), 'FORBIDDEN');
      await refusal(caller.deleteAccess('/t', user('u')), 'FORBIDDEN');
      await refusal(caller.getAccess('/'), 'FORBIDDEN');
    }
    expect(await admin.getAccess('/t')).toEqual(before);
  });

  it('getAccess returns an array: empty on a new store root and a new item', async () => {
    const { admin } = await opened();
    expect(await admin.getAccess('/')).toEqual([]);
    await admin.create('/s', { type: 'secret', value: 'v' });
    const entries = await admin.getAccess('/s');
    expect(Array.isArray(entries)).toBe(true);
    expect(entries).toEqual([]);
  });

  it('putAccess creates an entry and returns every entry after the change', async () => {
    const { admin } = await opened();
    await admin.create('/t', { type: 'directory' });
    expect(await admin.putAccess('/t', entry(user('a'), 'read'))).toEqual([entry(user('a'), 'read')]);
    const after = await admin.putAccess('/t', entry(group('ops'), 'read_write'));
    expect(after).toHaveLength(2);
    expect(after).toEqual(expect.arrayContaining([entry(user('a'), 'read'), entry(group('ops'), 'read_write')]));
    expect(await admin.getAccess('/t')).toEqual(after);
  });

  it('putAccess replaces the entity’s entry: at most one entry per entity', async () => {
    const { admin } = await opened();
    await admin.create('/t', { type: 'directory' });
    await admin.putAccess('/t', entry(user('a'), 'read'));
    await admin.putAccess('/t', entry(user('b'), 'read'));
    const replaced = await admin.putAccess('/t', entry(user('a'), 'read_write'));
    expect(replaced).toHaveLength(2);
    expect(replaced).toEqual(expect.arrayContaining([entry(user('a'), 'read_write'), entry(user('b'), 'read')]));
    const again = await admin.putAccess('/t', entry(user('a'), 'read_write'));
    expect(again).toEqual(replaced);
    expect(await admin.getAccess('/t')).toEqual(replaced);
  });

  it('a user and a group with one id are two entities', async () => {
    const { admin } = await opened();
    await admin.create('/t', { type: 'directory' });
    await admin.putAccess('/t', entry(user('x'), 'read'));
    const both = await admin.putAccess('/t', entry(group('x'), 'read_write'));
    expect(both).toHaveLength(2);
    const left = await admin.deleteAccess('/t', group('x'));
    expect(left).toEqual([entry(user('x'), 'read')]);
  });

  it('deleteAccess removes the entity’s entry and returns the entries after', async () => {
    const { admin } = await opened();
    await admin.create('/t', { type: 'directory' });
    await admin.putAccess('/t', entry(user('a'), 'read'));
    await admin.putAccess('/t', entry(user('b'), 'read_write'));
    expect(await admin.deleteAccess('/t', user('a'))).toEqual([entry(user('b'), 'read_write')]);
    expect(await admin.deleteAccess('/t', user('b'))).toEqual([]);
    expect(await admin.getAccess('/t')).toEqual([]);
  });

  it('a removed entry grants nothing any more', async () => {
    const { store, admin } = await opened();
    await admin.create('/s', { type: 'secret', value: 'v' });
    await admin.putAccess('/s', entry(user('u'), 'read'));
    const u = store.as({ id: 'u' });
    expect(await outcomeOf(u.get('/s'))).toBe('ok');
    await admin.deleteAccess('/s', user('u'));
    expect(await outcomeOf(u.get('/s'))).toBe('FORBIDDEN');
  });

  it('a new item gets a copy of its parent’s ACL at that moment', async () => {
    const { admin } = await opened();
    await admin.create('/d', { type: 'directory' });
    await admin.putAccess('/d', entry(user('a'), 'read'));
    await admin.putAccess('/d', entry(group('g'), 'read_write'));
    const parentAcl = await admin.getAccess('/d');
    await admin.create('/d/s', { type: 'secret', value: 'v' });
    await admin.create('/d/e', { type: 'directory' });
    expect(await admin.getAccess('/d/s')).toEqual(parentAcl);
    expect(await admin.getAccess('/d/e')).toEqual(parentAcl);
    // A grandchild copies its own parent's ACL, which was itself a copy.
    await admin.putAccess('/d/e', entry(user('c'), 'read'));
    await admin.create('/d/e/x', { type: 'secret', value: 'v' });
    expect(await admin.getAccess('/d/e/x')).toEqual(await admin.getAccess('/d/e'));
  });

  it('a parent ACL change does not reach existing children', async () => {
    const { store, admin } = await opened();
    await admin.create('/d', { type: 'directory' });
    await admin.putAccess('/d', entry(user('a'), 'read'));
    await admin.create('/d/s', { type: 'secret', value: 'v' });
    await admin.putAccess('/d', entry(user('u'), 'read_write'));
    await admin.putAccess('/d', entry(user('a'), 'read_write'));
    await admin.deleteAccess('/d', user('a'));
    expect(await admin.getAccess('/d/s')).toEqual([entry(user('a'), 'read')]);
    expect(await outcomeOf(store.as({ id: 'u' }).get('/d/s'))).toBe('FORBIDDEN');
    expect(await outcomeOf(store.as({ id: 'a' }).get('/d/s'))).toBe('ok');
  });

  it('a path deleted and created again gets its parent’s ACL, not the old item’s', async () => {
    const { store, admin } = await opened();
    await admin.create('/d', { type: 'directory' });
    await admin.create('/d/s', { type: 'secret', value: 'old' });
    await admin.putAccess('/d/s', entry(user('u'), 'read_write'));
    await admin.delete('/d/s');
    await admin.create('/d/s', { type: 'secret', value: 'new' });
    expect(await admin.getAccess('/d/s')).toEqual([]);
    expect(await outcomeOf(store.as({ id: 'u' }).get('/d/s'))).toBe('FORBIDDEN');
  });

  it('a child ACL change does not reach its parent or siblings', async () => {
    const { admin } = await opened();
    await admin.create('/d', { type: 'directory' });
    await admin.create('/d/s1', { type: 'secret', value: 'v' });
    await admin.create('/d/s2', { type: 'secret', value: 'v' });
    await admin.putAccess('/d/s1', entry(user('u'), 'read'));
    expect(await admin.getAccess('/d')).toEqual([]);
    expect(await admin.getAccess('/d/s2')).toEqual([]);
  });

  it('a parent’s ACL never grants anything on a child', async () => {
    const { store, admin } = await opened();
    await admin.create('/d', { type: 'directory' });
    await admin.create('/d/s', { type: 'secret', value: 'v' });
    await admin.create('/d/e', { type: 'directory' });
    await admin.putAccess('/d', entry(user('u'), 'read_write'));
    const u = store.as({ id: 'u' });
    expect(await outcomeOf(u.get('/d'))).toBe('ok');
    expect(await outcomeOf(u.get('/d/s'))).toBe('FORBIDDEN');
    expect(await outcomeOf(u.patch('/d/s', { value: 'x' }))).toBe('FORBIDDEN');
    expect(await outcomeOf(u.delete('/d/s'))).toBe('FORBIDDEN');
    expect(await outcomeOf(u.get('/d/e'))).toBe('FORBIDDEN');
    expect(await outcomeOf(u.create('/d/e/x', { type: 'directory' }))).toBe('FORBIDDEN');
    // …nor does a grandparent's: read_write on `/` gives nothing on /d/s.
    await admin.putAccess('/', entry(user('w'), 'read_write'));
    expect(await outcomeOf(store.as({ id: 'w' }).get('/d/s'))).toBe('FORBIDDEN');
    expect(await outcomeOf(store.as({ id: 'w' }).get('/d'))).toBe('FORBIDDEN');
  });

  it('a user entry matches a principal of kind user only, not a token or service identity with that id', async () => {
    const { store, admin } = await opened();
    await admin.create('/s', { type: 'secret', value: 'v' });
    await admin.putAccess('/s', entry(user('x'), 'read_write'));
    expect(await outcomeOf(store.as({ id: 'x' }).get('/s'))).toBe('ok');
    expect(await outcomeOf(store.as({ id: 'x', kind: 'user' }).get('/s'))).toBe('ok');
    expect(await outcomeOf(store.as({ id: 'x', kind: 'token' }).get('/s'))).toBe('FORBIDDEN');
    expect(await outcomeOf(store.as({ id: 'x', kind: 'serviceIdentity' }).get('/s'))).toBe('FORBIDDEN');
    expect(await outcomeOf(store.as({ id: 'X' }).get('/s'))).toBe('FORBIDDEN');
    // A group named like the user is not the user.
    expect(await outcomeOf(store.as({ id: 'y', groups: ['x'] }).get('/s'))).toBe('FORBIDDEN');
  });

  it('a group entry matches any principal with that group, whatever its kind', async () => {
    const { store, admin } = await opened();
    await admin.create('/s', { type: 'secret', value: 'v' });
    await admin.putAccess('/s', entry(group('ops'), 'read'));
    for (const kind of ['user', 'token', 'serviceIdentity'] as const) {
      expect(await outcomeOf(store.as({ id: `p-${kind}`, kind, groups: ['dev', 'ops'] }).get('/s')), kind).toBe('ok');
      expect(await outcomeOf(store.as({ id: `q-${kind}`, kind, groups: ['dev'] }).get('/s')), kind).toBe('FORBIDDEN');
    }
    // A user whose id is the group's id is not in the group.
    expect(await outcomeOf(store.as({ id: 'ops' }).get('/s'))).toBe('FORBIDDEN');
    expect(await outcomeOf(store.as({ id: 'z', groups: ['OPS'] }).get('/s'))).toBe('FORBIDDEN');
  });

  it('entries add up: a user read and a group read_write give read_write', async () => {
    const { store, admin } = await opened();
    await admin.create('/s', { type: 'secret', value: 'v' });
    await admin.putAccess('/s', entry(user('u'), 'read'));
    await admin.putAccess('/s', entry(group('writers'), 'read_write'));
    const both = store.as({ id: 'u', groups: ['writers'] });
    const readerOnly = store.as({ id: 'u' });
    expect(await outcomeOf(both.patch('/s', { value: 'w' }))).toBe('ok');
    expect(await outcomeOf(readerOnly.patch('/s', { value: 'x' }))).toBe('FORBIDDEN');
    expect(await outcomeOf(readerOnly.get('/s'))).toBe('ok');
  });

  it('entries add up across groups: a weaker entry never takes away a stronger one', async () => {
    const { store, admin } = await opened();
    await admin.create('/d', { type: 'directory' });
    await admin.putAccess('/d', entry(group('a'), 'read_write'));
    await admin.putAccess('/d', entry(group('b'), 'read'));
    await admin.putAccess('/d', entry(user('u'), 'read'));
    const session = store.as({ id: 'u', groups: ['b', 'a'] });
    expect(await outcomeOf(session.create('/d/x', { type: 'directory' }))).toBe('ok');
  });

  it('can() answers with reason `acl` where an ACL entry grants', async () => {
    const { store, admin } = await opened();
    await admin.create('/d', { type: 'directory' });
    await admin.create('/d/s', { type: 'secret', value: 'v' });
    await admin.putAccess('/d', entry(user('u'), 'read_write'));
    await admin.putAccess('/d/s', entry(user('u'), 'read'));
    const u = store.as({ id: 'u' });
    expect(await u.can('sm.node.list', '/d')).toMatchObject({ allowed: true, effect: 'allow', reason: 'acl' });
    expect(await u.can('sm.node.create', '/d/new')).toMatchObject({ allowed: true, effect: 'allow', reason: 'acl' });
    expect(await u.can('sm.secret.read', '/d/s')).toMatchObject({ allowed: true, effect: 'allow', reason: 'acl' });
    expect(await u.can('sm.secret.update', '/d/s')).toMatchObject({ allowed: false, effect: 'deny', reason: 'default_deny' });
    expect(await u.can('sm.node.delete', '/d/s')).toMatchObject({ allowed: false, reason: 'default_deny' });
  });

  it('ACLs survive a reopen', async () => {
    const t = await makeStore();
    const admin = t.store.as(ADMIN);
    await admin.create('/d', { type: 'directory' });
    await admin.putAccess('/d', entry(user('u'), 'read'));
    await admin.putAccess('/d', entry(group('g'), 'read_write'));
    const before = await admin.getAccess('/d');
    const reopened = await t.reopen();
    expect(await reopened.store.as(ADMIN).getAccess('/d')).toEqual(before);
    expect(await outcomeOf(reopened.store.as({ id: 'u' }).get('/d'))).toBe('ok');
  });
});
