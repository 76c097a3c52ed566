// SPEC §5 (last table row), §6.3 (the covers rule), §3 (order): who may list,
// read, create, update and delete which policy. authz.policy.* is granted only
// by SM_Manage's permission 1, on a policy resource its grant covers.

import { beforeEach, expect, it } from 'vitest';
import type { PolicyView, Session, Store } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { grant, refused, tree } from './helpers.js';

describeEachAdapter('§5 policy management authorization', (makeStore) => {
  let store: Store;
  let admin: Session;
  let manager: Session;
  beforeEach(async () => {
    store = (await makeStore()).store;
    admin = store.as(ADMIN);
    manager = store.as({ id: 'm' });
    await tree(admin, ['/a/', '/a/b/', '/a/b/c/', '/a/d/', '/x/']);
  });

  const manage = (resource: string) => grant(admin, `Manage ${resource.replace(/[^A-Za-z0-9]/g, '_')}`, resource, { users: ['m'], accessLevel: 'SM_Manage' });

  // ---------------------------------------------------------------- covers

  it.each([
    ['/a', true],
    ['/a/b', true],
    ['/a/b/*', true],
    ['/a/*', true],
    ['/a/b/c', true],
    ['*', false],
    ['/', false],
    ['/*', false],
    ['/x', false],
    ['/x/*', false],
  ])('a grant on `/a/*` covers `%s`: %s', async (resource, covered) => {
    const g = await manage('/a/*');
    const decision = await manager.can('authz.policy.create', resource);
    if (covered) expect(decision).toEqual({ allowed: true, effect: 'allow', reason: 'policy', policyId: g.id });
    else expect(decision).toEqual({ allowed: false, effect: 'deny', reason: 'default_deny' });
  });

  it.each([
    ['/a/b', true],
    ['/a/b/*', false],
    ['/a/b/c', false],
    ['/a', false],
    ['/a/*', false],
    ['*', false],
  ])('a grant on `/a/b` covers only `/a/b` (`%s`: %s)', async (resource, covered) => {
    const g = await manage('/a/b');
    const decision = await manager.can('authz.policy.read', resource);
    if (covered) expect(decision).toEqual({ allowed: true, effect: 'allow', reason: 'policy', policyId: g.id });
    else expect(decision).toEqual({ allowed: false, effect: 'deny', reason: 'default_deny' });
  });

  it.each([['*'], ['/'], ['/*'], ['/a'], ['/a/b/*'], ['/x']])('a grant on `*` covers `%s`', async (resource) => {
    const g = await manage('*');
    expect(await manager.can('authz.policy.update', resource)).toEqual({ allowed: true, effect: 'allow', reason: 'policy', policyId: g.id });
  });

  it('a grant on `/*` covers every path resource but not `*`', async () => {
    const g = await manage('/*');
    expect(await manager.can('authz.policy.delete', '/a/b')).toMatchObject({ allowed: true, reason: 'policy', policyId: g.id });
    expect(await manager.can('authz.policy.delete', '/')).toMatchObject({ allowed: true, reason: 'policy', policyId: g.id });
    expect(await manager.can('authz.policy.delete', '/*')).toMatchObject({ allowed: true, reason: 'policy', policyId: g.id });
    expect(await manager.can('authz.policy.delete', '*')).toMatchObject({ allowed: false, reason: 'default_deny' });
  });

  it('a grant on `/` covers only `/`', async () => {
    const g = await manage('/');
    expect(await manager.can('authz.policy.list', '/')).toMatchObject({ allowed: true, reason: 'policy', policyId: g.id });
    expect(await manager.can('authz.policy.list', '/*')).toMatchObject({ allowed: false, reason: 'default_deny' });
    expect(await manager.can('authz.policy.list', '/a')).toMatchObject({ allowed: false, reason: 'default_deny' });
  });

  // ---------------------------------------------------------------- only SM_Manage

  it.each([['SM_View'], ['SM_CRUD']] as const)('%s on `*` grants no policy management', async (accessLevel) => {
    await grant(admin, 'Broad', '*', { users: ['m'], accessLevel });
    for (const verb of ['list', 'read', 'create', 'update', 'delete'] as const) {
      expect(await manager.can(`authz.policy.${verb}`, '*')).toMatchObject({ allowed: false, reason: 'default_deny' });
    }
    await refused(manager.policies.list(), 'FORBIDDEN');
    await refused(manager.policies.create({ name: 'Mine', resource: '/a' }), 'FORBIDDEN');
  });

  it('an ACL grants no policy management', async () => {
    await admin.putAccess('/a', { entity: { type: 'user', id: 'm' }, access: 'read_write' });
    expect(await manager.can('authz.policy.create', '/a')).toMatchObject({ allowed: false, reason: 'default_deny' });
    await refused(manager.policies.create({ name: 'Mine', resource: '/a' }), 'FORBIDDEN');
  });

  it('a caller without any grant may not list, read, create, update or delete policies', async () => {
    const p = await grant(admin, 'Target', '/a', {});
    await refused(manager.policies.list(), 'FORBIDDEN');
    await refused(manager.policies.list({ resource: '/a' }), 'FORBIDDEN');
    await refused(manager.policies.get(p.id), 'FORBIDDEN');
    await refused(manager.policies.create({ name: 'New', resource: '/a' }), 'FORBIDDEN');
    await refused(manager.policies.update(p.id, { description: 'x' }), 'FORBIDDEN');
    await refused(manager.policies.delete(p.id), 'FORBIDDEN');
  });

  // ---------------------------------------------------------------- operations

  it('a manager of `/a/*` may create, read, update and delete policies on resources under /a', async () => {
    await manage('/a/*');
    const created = await manager.policies.create({ name: 'Team', resource: '/a/b/*', members: { users: [{ id: 'v' }] } });
    expect((await manager.policies.get(created.id)).resource).toBe('/a/b/*');
    await manager.policies.update(created.id, { resource: '/a/d', description: 'moved' });
    expect(await manager.policies.get(created.id)).toMatchObject({ resource: '/a/d', description: 'moved' });
    await manager.policies.delete(created.id);
    await refused(admin.policies.get(created.id), 'NOT_FOUND');
  });

  it('a manager of `/a/*` may not create a policy on `*`, `/`, `/*` or outside /a', async () => {
    await manage('/a/*');
    for (const resource of ['*', '/', '/*', '/x', '/x/*']) {
      await refused(manager.policies.create({ name: 'Escalate', resource }), 'FORBIDDEN');
    }
  });

  it('a manager may not read, update or delete a policy whose resource the grant does not cover', async () => {
    await manage('/a/*');
    const outside = await grant(admin, 'Outside', '/x', {});
    await refused(manager.policies.get(outside.id), 'FORBIDDEN');
    await refused(manager.policies.update(outside.id, { description: 'x' }), 'FORBIDDEN');
    await refused(manager.policies.delete(outside.id), 'FORBIDDEN');
    expect((await admin.policies.get(outside.id)).description).toBe(outside.description);
  });

  it('an update needs the grant on the old resource and on the new one', async () => {
    await manage('/a/*');
    const inside = await grant(admin, 'Inside', '/a/b', {});
    const outside = await grant(admin, 'Outside', '/x', {});
    await refused(manager.policies.update(inside.id, { resource: '/x' }), 'FORBIDDEN');
    await refused(manager.policies.update(inside.id, { resource: '*' }), 'FORBIDDEN');
    await refused(manager.policies.update(outside.id, { resource: '/a/b' }), 'FORBIDDEN');
    expect((await admin.policies.get(inside.id)).resource).toBe('/a/b');
    expect((await admin.policies.get(outside.id)).resource).toBe('/x');
    await manager.policies.update(inside.id, { resource: '/a/b/c' });
    expect((await admin.policies.get(inside.id)).resource).toBe('/a/b/c');
  });

  it('a manager may not widen a policy it manages beyond its own grant (`/a/b` → `/a/*` with a grant on `/a/b`)', async () => {
    await manage('/a/b');
    const p = await grant(admin, 'Narrow', '/a/b', {});
    await manager.policies.update(p.id, { description: 'fine' });
    await refused(manager.policies.update(p.id, { resource: '/a/*' }), 'FORBIDDEN');
    await refused(manager.policies.update(p.id, { resource: '/a/b/*' }), 'FORBIDDEN');
  });

  it('a manager may manage its own granting policy when the grant covers it', async () => {
    const g = await manage('/a/*');
    await manager.policies.update(g.id, { description: 'self' });
    expect((await admin.policies.get(g.id)).description).toBe('self');
  });

  it('list without a resource needs the grant on `*`', async () => {
    await manage('/a/*');
    await refused(manager.policies.list(), 'FORBIDDEN');
    await refused(manager.policies.list({ filter: 'name co a' }), 'FORBIDDEN');
    const other = store.as({ id: 'boss' });
    await grant(admin, 'Boss', '*', { users: ['boss'], accessLevel: 'SM_Manage' });
    const listed = await other.policies.list();
    expect(listed.result.map((s) => s.name)).toContain('Manage _a__');
  });

  it('list with a resource needs the grant on that resource', async () => {
    await manage('/a/*');
    const inside = await grant(admin, 'Inside', '/a/b', {});
    const listed = await manager.policies.list({ resource: '/a/b' });
    expect(listed.result.map((s) => s.id)).toContain(inside.id);
    await manager.policies.list({ resource: '/a/*' });
    await refused(manager.policies.list({ resource: '/x' }), 'FORBIDDEN');
    await refused(manager.policies.list({ resource: '*' }), 'FORBIDDEN');
    await refused(manager.policies.list({ resource: '/' }), 'FORBIDDEN');
  });

  it('a manager creating a policy on a missing item under its subtree → NOT_FOUND; a caller without rights → FORBIDDEN', async () => {
    await manage('/a/*');
    await refused(manager.policies.create({ name: 'Ghost', resource: '/a/ghost' }), 'NOT_FOUND');
    await refused(store.as({ id: 'nobody' }).policies.create({ name: 'Ghost', resource: '/a/ghost' }), 'FORBIDDEN');
  });

  it('a manager sees ALREADY_EXISTS for a taken name only once authorized', async () => {
    await manage('/a/*');
    await grant(admin, 'Taken', '/x', {});
    await refused(manager.policies.create({ name: 'taken', resource: '/a' }), 'ALREADY_EXISTS');
    await refused(manager.policies.create({ name: 'taken', resource: '/x' }), 'FORBIDDEN');
  });

  it('a manager by group (tags) may manage policies too', async () => {
    const g = await grant(admin, 'Group Managers', '/a/*', { tags: ['admins-of-a'], accessLevel: 'SM_Manage' });
    const member = store.as({ id: 'someone', groups: ['admins-of-a'] });
    expect(await member.can('authz.policy.create', '/a/b')).toMatchObject({ allowed: true, reason: 'policy', policyId: g.id });
    await member.policies.create({ name: 'By Group', resource: '/a/b' });
  });

  it('a Deny SM_Manage blocks policy management on what it matches', async () => {
    await manage('*');
    const deny = await grant(admin, 'No Policies Here', '/a/*', { users: ['m'], accessLevel: 'SM_Manage', accessType: 'Deny' });
    expect(await manager.can('authz.policy.read', '/a/b')).toEqual({ allowed: false, effect: 'deny', reason: 'explicit_deny', policyId: deny.id });
    await refused(manager.policies.create({ name: 'Blocked', resource: '/a/b' }), 'FORBIDDEN');
    await manager.policies.create({ name: 'Elsewhere', resource: '/x' });
  });

  it('an inactive or draft SM_Manage policy grants no management', async () => {
    const g = await manage('*');
    await admin.policies.update(g.id, { isActive: false });
    await refused(manager.policies.list(), 'FORBIDDEN');
    await admin.policies.update(g.id, { isActive: true, isDraft: true });
    await refused(manager.policies.list(), 'FORBIDDEN');
    await admin.policies.update(g.id, { isDraft: false });
    await manager.policies.list();
  });

  it('a manager of a deleted item manages nothing any more', async () => {
    await tree(admin, ['/gone/']);
    const g = await manage('/gone/*');
    expect(await manager.can('authz.policy.create', '/gone')).toMatchObject({ allowed: true, policyId: g.id });
    await admin.delete('/gone');
    await tree(admin, ['/gone/']);
    expect(await manager.can('authz.policy.create', '/gone')).toMatchObject({ allowed: false, reason: 'default_deny' });
    await refused(manager.policies.create({ name: 'Revived', resource: '/gone' }), 'FORBIDDEN');
  });

  it('a manager with an IP condition manages only from inside the list', async () => {
    await grant(admin, 'Office Managers', '*', { users: ['m'], accessLevel: 'SM_Manage', condition: { ipAddress: '10.0.0.0/8' } });
    await store.as({ id: 'm' }, { ip: '10.2.3.4' }).policies.list();
    await refused(store.as({ id: 'm' }, { ip: '192.168.0.1' }).policies.list(), 'FORBIDDEN');
    await refused(store.as({ id: 'm' }).policies.list(), 'FORBIDDEN');
  });

  it('a manager under an approval block gets APPROVAL_REQUIRED with the policy ids', async () => {
    const g: PolicyView = await grant(admin, 'Gated Managers', '*', {
      users: ['m'],
      accessLevel: 'SM_Manage',
      condition: { approval: { approvers: { userIds: ['boss'] }, validFor: 10, isValidForInDays: false, timeToApprove: 10, notificationMedium: 'x' } },
    });
    expect(await manager.can('authz.policy.list', '*')).toEqual({ allowed: false, effect: 'approval_required', reason: 'approval_required', policyIds: [g.id] });
    const error = await refused(manager.policies.list(), 'APPROVAL_REQUIRED');
    expect(error.status).toBe(403);
    expect(error.policyIds).toEqual([g.id]);
  });

  it('an admin may manage every policy; can() says so with reason admin', async () => {
    expect(await admin.can('authz.policy.delete', '*')).toEqual({ allowed: true, effect: 'allow', reason: 'admin' });
    const p = await admin.policies.create({ name: 'Any', resource: '/x/*' });
    await admin.policies.update(p.id, { resource: '*' });
    await admin.policies.delete(p.id);
  });

  it('can() with an authz.policy action and a malformed policy resource → VALIDATION', async () => {
    await expect(manager.can('authz.policy.read', '/a/*/c')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(manager.can('authz.policy.read', 'a')).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
