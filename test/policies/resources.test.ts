// SPEC §6.2 — policy resources: the five accepted forms, `*` only as the whole
// last segment, the named item must exist, and the binding to the item's id:
// a deleted item leaves the grant dead for ever, even when the path is made
// again, and the policy then shows "Deleted resource/s".

import { beforeEach, expect, it } from 'vitest';
import type { Session, Store } from '../../src/index.js';
import { ADMIN, describeEachAdapter, type TestStore } from '../support/stores.js';
import { grant, pointersOf, refused, tree } from './helpers.js';

const DELETED = 'Deleted resource/s';

describeEachAdapter('§6.2 policy resources', (makeStore) => {
  let t: TestStore;
  let store: Store;
  let admin: Session;
  let user: Session;
  beforeEach(async () => {
    t = await makeStore();
    store = t.store;
    admin = store.as(ADMIN);
    user = store.as({ id: 'u' });
    await tree(admin, ['/a/', '/a/b/', '/a/b/s', '/x/']);
  });

  it.each([['*'], ['/'], ['/*'], ['/a/b'], ['/a/b/*'], ['/a/b/s']])('`%s` is a resource', async (resource) => {
    const p = await admin.policies.create({ name: 'P', resource });
    expect(p.resource).toBe(resource);
    expect((await admin.policies.get(p.id)).resource).toBe(resource);
  });

  it.each([
    ['/a/b*', '`*` glued to a name'],
    ['/a/*/c', '`*` in the middle'],
    ['*/a', '`*` as the first segment of a relative path'],
    ['/*/*', '`*` twice'],
    ['/a/**', '`**`'],
    ['a/b', 'a relative path'],
    ['', 'an empty string'],
    ['/a//b', 'an empty segment'],
    ['/a/../b', 'a `..` segment'],
  ])('`%s` (%s) → VALIDATION at /resource', async (resource) => {
    expect(await pointersOf(admin.policies.create({ name: 'P', resource }))).toEqual(['/resource']);
  });

  it('a non-string resource → VALIDATION at /resource', async () => {
    expect(await pointersOf(admin.policies.create({ name: 'P', resource: 5 as never }))).toEqual(['/resource']);
  });

  it('a resource in an update follows the same rules', async () => {
    const p = await admin.policies.create({ name: 'P', resource: '/a' });
    expect(await pointersOf(admin.policies.update(p.id, { resource: '/a/b*' }))).toEqual(['/resource']);
    expect(await pointersOf(admin.policies.update(p.id, { resource: '/a/*/c' }))).toEqual(['/resource']);
  });

  it.each([['/nope'], ['/nope/*'], ['/a/nope'], ['/a/b/s/deeper'], ['/a/nope/*']])(
    'a resource naming an item that does not exist (`%s`) → NOT_FOUND',
    async (resource) => {
      await refused(admin.policies.create({ name: 'P', resource }), 'NOT_FOUND');
    },
  );

  it('changing a resource to an item that does not exist → NOT_FOUND, and the policy keeps its resource', async () => {
    const p = await admin.policies.create({ name: 'P', resource: '/a' });
    await refused(admin.policies.update(p.id, { resource: '/a/nope' }), 'NOT_FOUND');
    expect((await admin.policies.get(p.id)).resource).toBe('/a');
  });

  it('a resource path is NFC-normalised like any path, so two spellings name one item', async () => {
    await admin.create('/caf\u00e9', { type: 'directory' });
    const p = await grant(admin, 'Cafe', '/cafe\u0301/*', { users: ['u'] });
    expect(p.resource).toBe('/caf\u00e9/*');
    expect(await user.can('sm.node.list', '/caf\u00e9')).toMatchObject({ allowed: true, reason: 'policy', policyId: p.id });
  });

  it('a resource can name a secret as well as a directory', async () => {
    await grant(admin, 'P', '/a/b/s', { users: ['u'] });
    expect((await user.get('/a/b/s')).value).toBe('value of /a/b/s');
  });

  // ---------------------------------------------------------------- binding

  it('an Allow on a deleted-then-recreated path grants nothing', async () => {
    const p = await grant(admin, 'P', '/a/b/s', { users: ['u'] });
    expect(await user.can('sm.secret.read', '/a/b/s')).toMatchObject({ allowed: true, reason: 'policy', policyId: p.id });
    await admin.delete('/a/b/s');
    await admin.create('/a/b/s', { type: 'secret', value: 'again' });
    expect(await user.can('sm.secret.read', '/a/b/s')).toEqual({ allowed: false, effect: 'deny', reason: 'default_deny' });
    await refused(user.get('/a/b/s'), 'FORBIDDEN');
  });

  it('a subtree grant dies with its item: nothing below a recreated path is granted', async () => {
    await grant(admin, 'P', '/a/b/*', { users: ['u'], accessLevel: 'SM_CRUD' });
    await user.create('/a/b/mine', { type: 'secret', value: 'v' });
    await admin.delete('/a/b/mine');
    await admin.delete('/a/b/s');
    await admin.delete('/a/b');
    await tree(admin, ['/a/b/', '/a/b/s']);
    expect(await user.can('sm.node.list', '/a/b')).toMatchObject({ allowed: false, reason: 'default_deny' });
    expect(await user.can('sm.secret.read', '/a/b/s')).toMatchObject({ allowed: false, reason: 'default_deny' });
    expect(await user.can('sm.node.create', '/a/b/new')).toMatchObject({ allowed: false, reason: 'default_deny' });
    await refused(user.create('/a/b/new', { type: 'secret', value: 'v' }), 'FORBIDDEN');
    // Permission 0 (the path toward R) is dead too.
    await refused(user.get('/a'), 'FORBIDDEN');
  });

  it('a dead policy shows permissions 0 and 1 as ["Deleted resource/s"], keeps its resource string, and its summary lists it', async () => {
    const p = await grant(admin, 'P', '/a/b/s', { users: ['u'] });
    await admin.delete('/a/b/s');
    const dead = await admin.policies.get(p.id);
    expect(dead.resource).toBe('/a/b/s');
    expect(dead.permissions.map((perm) => perm.resources)).toEqual([[DELETED], [DELETED], ['*']]);
    await admin.create('/a/b/s', { type: 'secret', value: 'again' });
    const still = await admin.policies.get(p.id);
    expect(still.permissions.map((perm) => perm.resources)).toEqual([[DELETED], [DELETED], ['*']]);
    const listed = await admin.policies.list({ filter: 'name eq P' });
    expect(listed.result.map((s) => s.resources)).toEqual([['*', DELETED]]);
  });

  it('a dead grant stays dead after the store is opened again', async () => {
    const p = await grant(admin, 'P', '/a/b/s', { users: ['u'] });
    await admin.delete('/a/b/s');
    await admin.create('/a/b/s', { type: 'secret', value: 'again' });
    const reopened = await t.reopen();
    const again = reopened.store.as({ id: 'u' });
    expect(await again.can('sm.secret.read', '/a/b/s')).toMatchObject({ allowed: false, reason: 'default_deny' });
    const view = await reopened.store.as(ADMIN).policies.get(p.id);
    expect(view.permissions.map((perm) => perm.resources)).toEqual([[DELETED], [DELETED], ['*']]);
  });

  it('deleting an unrelated item, or a sibling with a similar name, does not kill a grant', async () => {
    const p = await grant(admin, 'P', '/a/b/*', { users: ['u'] });
    await tree(admin, ['/a/bb/']);
    await admin.delete('/a/bb');
    await admin.delete('/x');
    expect(await user.can('sm.secret.read', '/a/b/s')).toMatchObject({ allowed: true, reason: 'policy', policyId: p.id });
    expect((await admin.policies.get(p.id)).permissions.map((perm) => perm.resources)).toEqual([['/', '/a'], ['/a/b/*'], ['*']]);
  });

  it('an update with the same resource string keeps a dead binding dead', async () => {
    const p = await grant(admin, 'P', '/a/b/s', { users: ['u'] });
    await admin.delete('/a/b/s');
    await admin.create('/a/b/s', { type: 'secret', value: 'again' });
    await admin.policies.update(p.id, { resource: '/a/b/s', description: 'touched' });
    expect(await user.can('sm.secret.read', '/a/b/s')).toMatchObject({ allowed: false, reason: 'default_deny' });
    expect((await admin.policies.get(p.id)).permissions[1]!.resources).toEqual([DELETED]);
  });

  it('changing the resource binds it again to the item the new resource names', async () => {
    const p = await grant(admin, 'P', '/a/b/s', { users: ['u'] });
    await admin.delete('/a/b/s');
    await admin.create('/a/b/s', { type: 'secret', value: 'again' });
    await admin.policies.update(p.id, { resource: '/a/b/*' });
    expect(await user.can('sm.secret.read', '/a/b/s')).toMatchObject({ allowed: true, reason: 'policy', policyId: p.id });
    expect((await admin.policies.get(p.id)).permissions.map((perm) => perm.resources)).toEqual([['/', '/a'], ['/a/b/*'], ['*']]);
  });

  it('`*`, `/` and `/*` never die', async () => {
    const star = await grant(admin, 'Star', '*', { users: ['u'] });
    const root = await grant(admin, 'Root', '/', { users: ['v'] });
    const all = await grant(admin, 'All', '/*', { users: ['w'] });
    await admin.delete('/x');
    await admin.delete('/a/b/s');
    await admin.delete('/a/b');
    await admin.delete('/a');
    for (const p of [star, root, all]) {
      const view = await admin.policies.get(p.id);
      expect(view.permissions.flatMap((perm) => perm.resources)).not.toContain(DELETED);
    }
    expect(await store.as({ id: 'v' }).can('sm.node.list', '/')).toMatchObject({ allowed: true, reason: 'policy', policyId: root.id });
    expect(await store.as({ id: 'w' }).can('sm.node.list', '/')).toMatchObject({ allowed: true, reason: 'policy', policyId: all.id });
  });

  // ---------------------------------------------------------------- matching

  it('an item path `/a/b` matches exactly that item, not its children nor its parent', async () => {
    const p = await grant(admin, 'P', '/a/b', { users: ['u'], accessLevel: 'SM_CRUD' });
    expect(await user.can('sm.node.list', '/a/b')).toMatchObject({ allowed: true, reason: 'policy', policyId: p.id });
    expect(await user.can('sm.secret.read', '/a/b/s')).toMatchObject({ allowed: false, reason: 'default_deny' });
    expect(await user.can('sm.node.delete', '/a')).toMatchObject({ allowed: false, reason: 'default_deny' });
    // Creating X needs sm.node.create on X itself, which `/a/b` does not match.
    expect(await user.can('sm.node.create', '/a/b/new')).toMatchObject({ allowed: false, reason: 'default_deny' });
  });

  it('`/a/b/*` matches `/a/b` itself and everything below it, at any depth', async () => {
    await tree(admin, ['/a/b/c/', '/a/b/c/d/', '/a/b/c/d/deep']);
    const p = await grant(admin, 'P', '/a/b/*', { users: ['u'] });
    for (const [action, path] of [
      ['sm.node.list', '/a/b'],
      ['sm.secret.read', '/a/b/s'],
      ['sm.node.list', '/a/b/c/d'],
      ['sm.secret.read', '/a/b/c/d/deep'],
    ] as const) {
      expect(await user.can(action, path)).toMatchObject({ allowed: true, reason: 'policy', policyId: p.id });
    }
    expect(await user.can('sm.node.list', '/x')).toMatchObject({ allowed: false, reason: 'default_deny' });
  });

  it('`/*` matches every item, the root too; `/` matches the root only', async () => {
    const all = await grant(admin, 'All', '/*', { users: ['u'] });
    const root = await grant(admin, 'Root', '/', { users: ['v'] });
    const v = store.as({ id: 'v' });
    expect(await user.can('sm.node.list', '/')).toMatchObject({ allowed: true, reason: 'policy', policyId: all.id });
    expect(await user.can('sm.secret.read', '/a/b/s')).toMatchObject({ allowed: true, reason: 'policy', policyId: all.id });
    expect(await v.can('sm.node.list', '/')).toMatchObject({ allowed: true, reason: 'policy', policyId: root.id });
    expect(await v.can('sm.node.list', '/x')).toMatchObject({ allowed: false, reason: 'default_deny' });
    expect(await v.can('sm.secret.read', '/a/b/s')).toMatchObject({ allowed: false, reason: 'default_deny' });
  });

  it('`*` matches every resource, paths and non-path ones', async () => {
    const p = await grant(admin, 'Star', '*', { users: ['u'] });
    expect(await user.can('sm.node.list', '/a/b')).toMatchObject({ allowed: true, reason: 'policy', policyId: p.id });
    expect(await user.can('sm.secret.read', '/a/b/s')).toMatchObject({ allowed: true, reason: 'policy', policyId: p.id });
    expect(await user.can('sm.vault.read', 'vault-7')).toMatchObject({ allowed: true, reason: 'policy', policyId: p.id });
  });
});
