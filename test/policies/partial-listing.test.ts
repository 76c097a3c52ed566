// SPEC §5 (last paragraph), §6.3 permission 0, §3: a principal who sees the
// path toward a grant through a parent-node list permission sees, when
// listing a directory on that path, only the children that lead to what they
// were granted; a missing item there is FORBIDDEN (permission 0 alone does not
// make it NOT_FOUND); a Deny's permission 0 never hides the path.

import { beforeEach, expect, it } from 'vitest';
import type { Session, Store } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { APPROVAL, grant, refused, tree } from './helpers.js';

const dir = (name: string) => ({ name, type: 'directory' });
const secret = (name: string) => ({ name, type: 'secret' });

describeEachAdapter('§5 listing through permission 0', (makeStore) => {
  let store: Store;
  let admin: Session;
  let u: Session;
  beforeEach(async () => {
    store = (await makeStore()).store;
    admin = store.as(ADMIN);
    u = store.as({ id: 'u' });
    await tree(admin, ['/a/', '/a/b/', '/a/b/s', '/a/b/t', '/a/c/', '/a/c/deep', '/a/d/', '/a/e', '/x/', '/x/y']);
  });

  it('a grant on /a/b/s shows, on each directory toward it, only the child that leads to it', async () => {
    const p = await grant(admin, 'One Secret', '/a/b/s', { users: ['u'] });
    expect(await u.can('sm.node.list', '/')).toEqual({ allowed: true, effect: 'allow', reason: 'policy', policyId: p.id });
    expect((await u.get('/')).children).toEqual([dir('a')]);
    expect((await u.get('/a')).children).toEqual([dir('b')]);
    expect((await u.get('/a/b')).children).toEqual([secret('s')]);
    expect((await u.get('/a/b/s')).value).toBe('value of /a/b/s');
    await refused(u.get('/a/b/t'), 'FORBIDDEN');
  });

  it('a subtree grant on /a/b/* shows the path toward /a/b and everything inside /a/b', async () => {
    await grant(admin, 'Subtree', '/a/b/*', { users: ['u'] });
    expect((await u.get('/')).children).toEqual([dir('a')]);
    expect((await u.get('/a')).children).toEqual([dir('b')]);
    expect((await u.get('/a/b')).children).toEqual([secret('s'), secret('t')]);
  });

  it('several grants show every child that leads to one of them', async () => {
    await grant(admin, 'One Secret', '/a/b/s', { users: ['u'] });
    await grant(admin, 'Deep', '/a/c/deep', { tags: ['g'] });
    await grant(admin, 'X', '/x/*', { users: ['u'] });
    const member = store.as({ id: 'u', groups: ['g'] });
    expect((await member.get('/')).children).toEqual([dir('a'), dir('x')]);
    expect((await member.get('/a')).children).toEqual([dir('b'), dir('c')]);
    expect((await u.get('/a')).children).toEqual([dir('b')]);
  });

  it('a grant on a secret shows that secret in its directory, and nothing else there', async () => {
    await grant(admin, 'E', '/a/e', { users: ['u'] });
    expect((await u.get('/')).children).toEqual([dir('a')]);
    expect((await u.get('/a')).children).toEqual([secret('e')]);
  });

  it('a full grant from another policy shows every child, even when a path-only policy comes first by name', async () => {
    const path = await grant(admin, 'A path only', '/a/b/s', { users: ['u'] });
    await grant(admin, 'Z full', '/a/*', { users: ['u'] });
    // Both decide step 4 for listing /a; the first by name is named.
    expect(await u.can('sm.node.list', '/a')).toEqual({ allowed: true, effect: 'allow', reason: 'policy', policyId: path.id });
    expect((await u.get('/a')).children).toEqual([dir('b'), dir('c'), dir('d'), secret('e')]);
    await refused(u.get('/a/missing'), 'NOT_FOUND');
  });

  it('a full list right on the directory shows every child', async () => {
    await grant(admin, 'One Secret', '/a/b/s', { users: ['u'] });
    await admin.putAccess('/a', { entity: { type: 'user', id: 'u' }, access: 'read' });
    expect((await u.get('/a')).children).toEqual([dir('b'), dir('c'), dir('d'), secret('e')]);
  });

  it('a missing item under a directory seen only through permission 0 is FORBIDDEN, not NOT_FOUND', async () => {
    await grant(admin, 'One Secret', '/a/b/s', { users: ['u'] });
    await refused(u.get('/a/missing'), 'FORBIDDEN');
    await refused(u.get('/a/b/missing'), 'FORBIDDEN');
    await refused(u.get('/missing'), 'FORBIDDEN');
    await refused(u.delete('/a/missing'), 'FORBIDDEN');
    await refused(u.patch('/a/b/missing', { value: 'v' }), 'FORBIDDEN');
    // An existing item hidden from them answers the same.
    await refused(u.get('/a/c'), 'FORBIDDEN');
    await refused(u.get('/a/e'), 'FORBIDDEN');
  });

  it('a missing item under a directory the caller may fully list is NOT_FOUND', async () => {
    await grant(admin, 'Subtree', '/a/b/*', { users: ['u'] });
    await refused(u.get('/a/b/missing'), 'NOT_FOUND');
    await refused(u.get('/a/missing'), 'FORBIDDEN');
  });

  it("a Deny's permission 0 never hides the path toward its resource", async () => {
    const allow = await grant(admin, 'See All', '/*', { users: ['u'] });
    const deny = await grant(admin, 'Hide S', '/a/b/s', { users: ['u'], accessType: 'Deny' });
    expect(await u.can('sm.node.list', '/a')).toEqual({ allowed: true, effect: 'allow', reason: 'policy', policyId: allow.id });
    expect(await u.can('sm.node.list', '/a/b')).toEqual({ allowed: true, effect: 'allow', reason: 'policy', policyId: allow.id });
    expect((await u.get('/')).children).toEqual([dir('a'), dir('x')]);
    expect((await u.get('/a')).children).toEqual([dir('b'), dir('c'), dir('d'), secret('e')]);
    expect((await u.get('/a/b')).children).toEqual([secret('s'), secret('t')]);
    expect(await u.can('sm.secret.read', '/a/b/s')).toEqual({ allowed: false, effect: 'deny', reason: 'explicit_deny', policyId: deny.id });
  });

  it("a Deny's permission 0 grants nothing either", async () => {
    await grant(admin, 'Hide S', '/a/b/s', { users: ['u'], accessType: 'Deny' });
    expect(await u.can('sm.node.list', '/a')).toEqual({ allowed: false, effect: 'deny', reason: 'default_deny' });
    await refused(u.get('/a'), 'FORBIDDEN');
  });

  it('permission 0 dies with the bound item: the path is no longer shown', async () => {
    await grant(admin, 'One Secret', '/a/b/s', { users: ['u'] });
    await admin.delete('/a/b/s');
    await admin.create('/a/b/s', { type: 'secret', value: 'again' });
    expect(await u.can('sm.node.list', '/a')).toEqual({ allowed: false, effect: 'deny', reason: 'default_deny' });
    await refused(u.get('/a'), 'FORBIDDEN');
  });

  it('permission 0 of an inactive policy, or one whose IP condition fails, shows nothing', async () => {
    await grant(admin, 'Off', '/a/b/s', { users: ['u'], isActive: false });
    await grant(admin, 'Office', '/a/c/deep', { users: ['u'], condition: { ipAddress: '10.0.0.0/8' } });
    await refused(u.get('/a'), 'FORBIDDEN');
    const inOffice = store.as({ id: 'u' }, { ip: '10.0.0.1' });
    expect((await inOffice.get('/a')).children).toEqual([dir('c')]);
  });

  it('permission 0 of a policy with an approval block shows the path without an approval', async () => {
    await grant(admin, 'Gated', '/a/c/deep', { users: ['u'], condition: { approval: APPROVAL } });
    expect((await u.get('/')).children).toEqual([dir('a')]);
    expect((await u.get('/a')).children).toEqual([dir('c')]);
    expect((await u.get('/a/c')).children).toEqual([secret('deep')]);
    await refused(u.get('/a/c/deep'), 'APPROVAL_REQUIRED');
  });

  it('a new child that leads to a grant appears; an unrelated new child does not', async () => {
    await grant(admin, 'Subtree', '/a/b/*', { users: ['u'] });
    await tree(admin, ['/a/zz/', '/a/b/new']);
    expect((await u.get('/a')).children).toEqual([dir('b')]);
    expect((await u.get('/a/b')).children).toEqual([secret('new'), secret('s'), secret('t')]);
  });
});
