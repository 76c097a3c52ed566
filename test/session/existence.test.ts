// SPEC §3 — existence is not revealed, and the checks run in order:
// (1) malformed input → VALIDATION; (2) a missing item the operation checks
// → NOT_FOUND for an admin or one who may list its parent, else FORBIDDEN;
// (3) authorization → FORBIDDEN; (4) state → ALREADY_EXISTS, NOT_EMPTY,
// CONFLICT, or VALIDATION for a parent that is a secret.

import { expect, it } from 'vitest';
import type { Session, Store } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { outcomeOf } from './refusals.js';

type Operation = readonly [string, (session: Session, path: string) => Promise<unknown>];

// Every item operation, on a path that names the item itself (create: the item to make).
const OPERATIONS: readonly Operation[] = [
  ['get', (s, path) => s.get(path)],
  ['patch a value', (s, path) => s.patch(path, { value: 'new' })],
  ['patch a description', (s, path) => s.patch(path, { description: 'new' })],
  ['delete', (s, path) => s.delete(path)],
];

describeEachAdapter('§3 existence hiding and check order', (makeStore) => {
  /**
   * /open/           a directory that `lister` may list (ACL read), made after its children
   * /open/s          a secret nobody but admins may touch
   * /open/sub/       a directory nobody but admins may touch
   * /open/sub/s      a secret
   * /closed/         a directory nobody but admins may touch
   * /closed/s        a secret
   * /closed/full/    a non-empty directory
   * /closed/full/x   a secret
   */
  async function world(): Promise<{ store: Store; admin: Session; stranger: Session; lister: Session }> {
    const { store } = await makeStore();
    const admin = store.as(ADMIN);
    await admin.create('/open', { type: 'directory' });
    await admin.create('/open/s', { type: 'secret', value: 'v' });
    await admin.create('/open/sub', { type: 'directory' });
    await admin.create('/open/sub/s', { type: 'secret', value: 'v' });
    await admin.create('/closed', { type: 'directory' });
    await admin.create('/closed/s', { type: 'secret', value: 'v' });
    await admin.create('/closed/full', { type: 'directory' });
    await admin.create('/closed/full/x', { type: 'secret', value: 'v' });
    await admin.putAccess('/open', { entity: { type: 'user', id: 'lister' }, access: 'read' });
    return { store, admin, stranger: store.as({ id: 'stranger' }), lister: store.as({ id: 'lister' }) };
  }

  for (const [name, run] of OPERATIONS) {
    it(`${name}: a caller without rights gets FORBIDDEN whether or not the item exists`, async () => {
      const { stranger } = await world();
      for (const path of ['/closed/s', '/closed/missing', '/closed/full', '/nowhere', '/nowhere/deeper/s', '/open/s', '/closed/s/below']) {
        expect(await outcomeOf(run(stranger, path)), path).toBe('FORBIDDEN');
      }
    });

    it(`${name}: one who may list the parent gets NOT_FOUND for a missing item, FORBIDDEN for an existing one`, async () => {
      const { lister } = await world();
      expect(await outcomeOf(run(lister, '/open/missing'))).toBe('NOT_FOUND');
      expect(await outcomeOf(run(lister, '/open/s'))).toBe('FORBIDDEN');
      expect(await outcomeOf(run(lister, '/open/sub'))).toBe('FORBIDDEN');
      // The list right is on /open only: one level further down, existence is hidden again.
      expect(await outcomeOf(run(lister, '/open/sub/missing'))).toBe('FORBIDDEN');
      expect(await outcomeOf(run(lister, '/open/nowhere/missing'))).toBe('FORBIDDEN');
      expect(await outcomeOf(run(lister, '/closed/missing'))).toBe('FORBIDDEN');
    });

    it(`${name}: an admin gets NOT_FOUND for a missing item`, async () => {
      const { admin } = await world();
      expect(await outcomeOf(run(admin, '/closed/missing'))).toBe('NOT_FOUND');
      expect(await outcomeOf(run(admin, '/nowhere/deeper/s'))).toBe('NOT_FOUND');
    });
  }

  it('a list right on the parent can come from a group entry', async () => {
    const { store, admin } = await world();
    await admin.putAccess('/closed', { entity: { type: 'group', id: 'ops' }, access: 'read' });
    const member = store.as({ id: 'm', kind: 'token', groups: ['ops'] });
    expect(await outcomeOf(member.get('/closed/missing'))).toBe('NOT_FOUND');
    expect(await outcomeOf(member.get('/closed/s'))).toBe('FORBIDDEN');
  });

  it('a read right on a secret is no list right: below a secret, existence stays hidden', async () => {
    const { store, admin } = await world();
    await admin.putAccess('/closed/s', { entity: { type: 'user', id: 'reader' }, access: 'read_write' });
    const reader = store.as({ id: 'reader' });
    expect(await outcomeOf(reader.get('/closed/s'))).toBe('ok');
    expect(await outcomeOf(reader.get('/closed/s/child'))).toBe('FORBIDDEN');
    expect(await outcomeOf(reader.get('/closed/missing'))).toBe('FORBIDDEN');
  });

  it('create: a missing parent is FORBIDDEN unless the caller may list the grandparent, then NOT_FOUND', async () => {
    const { stranger, lister, admin } = await world();
    const body = { type: 'secret', value: 'v' } as const;
    expect(await outcomeOf(stranger.create('/open/missing/x', body))).toBe('FORBIDDEN');
    expect(await outcomeOf(stranger.create('/nowhere/x', body))).toBe('FORBIDDEN');
    expect(await outcomeOf(lister.create('/open/missing/x', body))).toBe('NOT_FOUND');
    expect(await outcomeOf(lister.create('/closed/missing/x', body))).toBe('FORBIDDEN');
    expect(await outcomeOf(admin.create('/open/missing/x', body))).toBe('NOT_FOUND');
  });

  it('create: a list right on `/` makes a missing top-level parent NOT_FOUND', async () => {
    const { store } = await makeStore();
    const admin = store.as(ADMIN);
    await admin.putAccess('/', { entity: { type: 'user', id: 'rootlister' }, access: 'read' });
    const rootLister = store.as({ id: 'rootlister' });
    expect(await outcomeOf(rootLister.create('/nowhere/x', { type: 'directory' }))).toBe('NOT_FOUND');
    expect(await outcomeOf(rootLister.create('/x', { type: 'directory' }))).toBe('FORBIDDEN');
    expect(await outcomeOf(store.as({ id: 'other' }).create('/nowhere/x', { type: 'directory' }))).toBe('FORBIDDEN');
  });

  it('read_write includes the list right: a writer of the grandparent gets NOT_FOUND for a missing parent', async () => {
    const { store, admin } = await world();
    await admin.putAccess('/closed', { entity: { type: 'user', id: 'writer' }, access: 'read_write' });
    const writer = store.as({ id: 'writer' });
    expect(await outcomeOf(writer.create('/closed/missing/x', { type: 'directory' }))).toBe('NOT_FOUND');
    expect(await outcomeOf(writer.get('/closed/missing'))).toBe('NOT_FOUND');
  });

  it('below a secret nothing can be listed: a lister of its directory gets FORBIDDEN, an admin NOT_FOUND', async () => {
    const { lister, admin } = await world();
    expect(await outcomeOf(lister.get('/open/s/below'))).toBe('FORBIDDEN');
    expect(await outcomeOf(admin.get('/open/s/below'))).toBe('NOT_FOUND');
  });

  it('create: an existing parent without a create right is FORBIDDEN, whether or not the path is taken', async () => {
    const { stranger, lister } = await world();
    for (const session of [stranger, lister]) {
      expect(await outcomeOf(session.create('/open/s', { type: 'secret', value: 'v' }))).toBe('FORBIDDEN');
      expect(await outcomeOf(session.create('/open/new', { type: 'secret', value: 'v' }))).toBe('FORBIDDEN');
      expect(await outcomeOf(session.create('/closed/s', { type: 'directory' }))).toBe('FORBIDDEN');
    }
  });

  it('authorization comes before state: a refused caller never sees ALREADY_EXISTS, NOT_EMPTY, CONFLICT or a secret parent', async () => {
    const { lister, stranger } = await world();
    for (const session of [lister, stranger]) {
      expect(await outcomeOf(session.create('/open/s', { type: 'secret', value: 'v' })), 'ALREADY_EXISTS').toBe('FORBIDDEN');
      expect(await outcomeOf(session.delete('/closed/full')), 'NOT_EMPTY').toBe('FORBIDDEN');
      expect(await outcomeOf(session.delete('/open')), 'NOT_EMPTY').toBe('FORBIDDEN');
      expect(await outcomeOf(session.patch('/open/s', { value: 'x' }, { ifVersion: 99 })), 'CONFLICT').toBe('FORBIDDEN');
      expect(await outcomeOf(session.create('/open/s/child', { type: 'directory' })), 'secret parent').toBe('FORBIDDEN');
    }
  });

  it('with the right, state errors follow: ALREADY_EXISTS, NOT_EMPTY, CONFLICT and a secret parent', async () => {
    const { store, admin } = await world();
    await admin.putAccess('/closed', { entity: { type: 'user', id: 'writer' }, access: 'read_write' });
    await admin.putAccess('/closed/s', { entity: { type: 'user', id: 'writer' }, access: 'read_write' });
    const writer = store.as({ id: 'writer' });
    expect(await outcomeOf(writer.create('/closed/s', { type: 'secret', value: 'v' }))).toBe('ALREADY_EXISTS');
    expect(await outcomeOf(writer.delete('/closed'))).toBe('NOT_EMPTY');
    expect(await outcomeOf(writer.patch('/closed/s', { value: 'x' }, { ifVersion: 99 }))).toBe('CONFLICT');
    expect(await outcomeOf(writer.create('/closed/s/child', { type: 'directory' }))).toBe('VALIDATION');
  });

  it('malformed input comes first: VALIDATION for everyone, even on a missing or forbidden item', async () => {
    const { stranger, lister } = await world();
    for (const session of [stranger, lister]) {
      expect(await outcomeOf(session.create('/closed/missing/x', { type: 'file' } as never))).toBe('VALIDATION');
      expect(await outcomeOf(session.create('/open/s', { type: 'secret' } as never))).toBe('VALIDATION');
      expect(await outcomeOf(session.patch('/closed/s', { value: 5 } as never))).toBe('VALIDATION');
      expect(await outcomeOf(session.patch('/nowhere', { value: 'x' }, { ifVersion: 0 }))).toBe('VALIDATION');
      expect(await outcomeOf(session.delete('/'))).toBe('VALIDATION');
    }
  });

  it('create(`/`) is ALREADY_EXISTS for everyone, delete(`/`) VALIDATION for everyone', async () => {
    const { stranger, lister, admin } = await world();
    for (const session of [stranger, lister, admin]) {
      expect(await outcomeOf(session.create('/', { type: 'directory' }))).toBe('ALREADY_EXISTS');
      expect(await outcomeOf(session.delete('/'))).toBe('VALIDATION');
    }
  });

  it('ACL operations by a non-admin are FORBIDDEN on an existing item and on a missing one they may not see', async () => {
    const { stranger, lister } = await world();
    const entity = { type: 'user', id: 'stranger' } as const;
    for (const session of [stranger, lister]) {
      for (const path of ['/open', '/open/s', '/closed/s', '/nowhere', '/closed/missing']) {
        expect(await outcomeOf(session.getAccess(path)), path).toBe('FORBIDDEN');
        expect(await outcomeOf(session.putAccess(path, { entity, access: 'read_write' })), path).toBe('FORBIDDEN');
        expect(await outcomeOf(session.deleteAccess(path, entity)), path).toBe('FORBIDDEN');
      }
    }
  });

  it('ACL operations by an admin on a missing item are NOT_FOUND', async () => {
    const { admin } = await world();
    const entity = { type: 'user', id: 'u' } as const;
    expect(await outcomeOf(admin.getAccess('/nowhere'))).toBe('NOT_FOUND');
    expect(await outcomeOf(admin.putAccess('/nowhere', { entity, access: 'read' }))).toBe('NOT_FOUND');
    expect(await outcomeOf(admin.deleteAccess('/open/nowhere', entity))).toBe('NOT_FOUND');
  });

  it('a policy parent-node list (permission 0) alone does not make a missing item NOT_FOUND; its full list right does', async () => {
    const { store, admin } = await world();
    await admin.create('/closed/full/deep', { type: 'directory' });
    await admin.policies.create({
      name: 'view-deep',
      description: 'view one directory',
      resource: '/closed/full/deep',
      accessLevel: 'SM_View',
      accessType: 'Allow',
      members: { users: [{ id: 'viewer' }], tags: [], tokens: [], serviceIdentities: [] },
    });
    const viewer = store.as({ id: 'viewer' });
    // `/closed` and `/closed/full` are on the path toward the grant (permission 0 only).
    expect(await outcomeOf(viewer.get('/closed/full'))).toBe('ok');
    expect(await outcomeOf(viewer.get('/closed/missing'))).toBe('FORBIDDEN');
    expect(await outcomeOf(viewer.get('/closed/full/missing'))).toBe('FORBIDDEN');
    expect(await outcomeOf(viewer.get('/missing'))).toBe('FORBIDDEN');
    // On `/closed/full/deep` itself the policy gives a full list right (permission 1).
    expect(await outcomeOf(viewer.get('/closed/full/deep/missing'))).toBe('NOT_FOUND');
  });
});
