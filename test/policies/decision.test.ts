// SPEC §8 — the decision, through session.can() and through real operations
// (get, create, patch, delete): admin, explicit deny (fail-closed IP), ACL,
// Allow policies, approval_required, default deny; which policies take part
// and whom their members match; actions §5 does not list; time conditions
// on the store's clock.

import { beforeEach, describe, expect, it } from 'vitest';
import type { Action, Session, Store } from '../../src/index.js';
import { ADMIN, describeEachAdapter, type TestStore } from '../support/stores.js';
import { APPROVAL, byNameThenId, grant, refused, tree } from './helpers.js';

const DEFAULT_DENY = { allowed: false, effect: 'deny', reason: 'default_deny' };
const allowedBy = (policyId: string) => ({ allowed: true, effect: 'allow', reason: 'policy', policyId });
const deniedBy = (policyId: string) => ({ allowed: false, effect: 'deny', reason: 'explicit_deny', policyId });

describeEachAdapter('§8 decisions', (makeStore) => {
  let t: TestStore;
  let store: Store;
  let admin: Session;
  let u: Session;
  beforeEach(async () => {
    t = await makeStore({ start: '2024-06-03T12:00:00Z' }); // a Monday
    store = t.store;
    admin = store.as(ADMIN);
    u = store.as({ id: 'u' });
    await tree(admin, ['/a/', '/a/b/', '/a/b/s', '/a/b/c/', '/a/b/c/s2', '/x/', '/x/t']);
  });

  /** The audit event of the last call of `action`. */
  const lastEvent = (action: string) => [...t.audit].reverse().find((e) => e.action === action)!;

  // ---------------------------------------------------------------- step 1

  it('an admin is allowed everything with reason admin, whatever the policies say', async () => {
    await grant(admin, 'Deny Admin', '*', { users: ['admin-1'], accessType: 'Deny', accessLevel: 'SM_Manage' });
    for (const [action, resource] of [
      ['sm.secret.read', '/a/b/s'],
      ['sm.node.create', '/a/new'],
      ['sm.node.delete', '/x/t'],
      ['authz.policy.create', '*'],
      ['sm.vault.read', 'vault'],
    ] as const) {
      expect(await admin.can(action, resource)).toEqual({ allowed: true, effect: 'allow', reason: 'admin' });
    }
    expect((await admin.get('/a/b/s')).value).toBe('value of /a/b/s');
    expect(lastEvent('get')).toMatchObject({ outcome: 'allowed', reason: 'admin' });
  });

  // ---------------------------------------------------------------- step 2

  it('a Deny beats an ACL grant and a broader Allow', async () => {
    await admin.putAccess('/a/b/s', { entity: { type: 'user', id: 'u' }, access: 'read_write' });
    const broad = await grant(admin, 'Broad', '*', { users: ['u'], accessLevel: 'SM_Manage' });
    const deny = await grant(admin, 'Block', '/a/b/s', { users: ['u'], accessType: 'Deny' });
    expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(deniedBy(deny.id));
    const error = await refused(u.get('/a/b/s'), 'FORBIDDEN');
    expect(error.status).toBe(403);
    expect(lastEvent('get')).toMatchObject({ outcome: 'refused', reason: 'explicit_deny', code: 'FORBIDDEN' });
    // SM_View's Deny does not list sm.secret.update: the ACL still grants the patch.
    expect(await u.can('sm.secret.update', '/a/b/s')).toEqual({ allowed: true, effect: 'allow', reason: 'acl' });
    expect(await u.can('sm.secret.read', '/x/t')).toEqual(allowedBy(broad.id));
  });

  it('a Deny on /a/* blocks /a/b/c and everything below it', async () => {
    await grant(admin, 'Everything', '*', { users: ['u'], accessLevel: 'SM_CRUD' });
    const deny = await grant(admin, 'No A', '/a/*', { users: ['u'], accessType: 'Deny', accessLevel: 'SM_CRUD' });
    expect(await u.can('sm.node.list', '/a/b/c')).toEqual(deniedBy(deny.id));
    expect(await u.can('sm.secret.read', '/a/b/c/s2')).toEqual(deniedBy(deny.id));
    expect(await u.can('sm.node.list', '/a')).toEqual(deniedBy(deny.id));
    expect(await u.can('sm.node.create', '/a/b/c/new')).toEqual(deniedBy(deny.id));
    await refused(u.get('/a/b/c'), 'FORBIDDEN');
    await refused(u.get('/a/b/c/s2'), 'FORBIDDEN');
    await refused(u.create('/a/b/c/new', { type: 'directory' }), 'FORBIDDEN');
    await refused(u.patch('/a/b/s', { value: 'x' }), 'FORBIDDEN');
    await refused(u.delete('/a/b/c/s2'), 'FORBIDDEN');
    expect((await u.get('/x/t')).value).toBe('value of /x/t');
  });

  it('a Deny refuses only the actions its access level lists', async () => {
    const allow = await grant(admin, 'Crud All', '*', { users: ['u'], accessLevel: 'SM_CRUD' });
    const deny = await grant(admin, 'No Reading A', '/a/*', { users: ['u'], accessType: 'Deny', accessLevel: 'SM_View' });
    expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(deniedBy(deny.id));
    expect(await u.can('sm.secret.update', '/a/b/s')).toEqual(allowedBy(allow.id));
    expect(await u.can('sm.node.create', '/a/b/new')).toEqual(allowedBy(allow.id));
    await u.patch('/a/b/s', { value: 'changed' });
    expect(lastEvent('patch')).toMatchObject({ outcome: 'allowed', reason: 'policy' });
    await refused(u.get('/a/b/s'), 'FORBIDDEN');
  });

  it('a Deny with an IP list and no request IP denies (fail closed)', async () => {
    const allow = await grant(admin, 'Read All', '*', { users: ['u'] });
    const deny = await grant(admin, 'Office Only', '/a/*', { users: ['u'], accessType: 'Deny', condition: { ipAddress: '10.0.0.0/8' } });
    expect(await store.as({ id: 'u' }).can('sm.secret.read', '/a/b/s')).toEqual(deniedBy(deny.id));
    await refused(store.as({ id: 'u' }).get('/a/b/s'), 'FORBIDDEN');
    expect(await store.as({ id: 'u' }).can('sm.secret.read', '/x/t')).toEqual(allowedBy(allow.id));
  });

  it.each([
    ['an IP inside the list', '10.1.2.3'],
    ['an IPv4-mapped IPv6 address inside the list', '::ffff:10.1.2.3'],
    ['an address that does not parse', 'not-an-ip'],
    ['an IPv4 address with a leading zero', '010.1.2.3'],
    ['an address with a zone id', 'fe80::1%eth0'],
  ])('a Deny with an IP list denies a request from %s', async (_, ip) => {
    await grant(admin, 'Read All', '*', { users: ['u'] });
    const deny = await grant(admin, 'Office Only', '/a/*', { users: ['u'], accessType: 'Deny', condition: { ipAddress: '10.0.0.0/8' } });
    expect(await store.as({ id: 'u' }, { ip }).can('sm.secret.read', '/a/b/s')).toEqual(deniedBy(deny.id));
  });

  it.each([['192.168.1.1'], ['11.0.0.1'], ['2001:db8::1']])('a Deny with an IP list does not deny a request from outside it (%s)', async (ip) => {
    const allow = await grant(admin, 'Read All', '*', { users: ['u'] });
    await grant(admin, 'Office Only', '/a/*', { users: ['u'], accessType: 'Deny', condition: { ipAddress: '10.0.0.0/8' } });
    const session = store.as({ id: 'u' }, { ip });
    expect(await session.can('sm.secret.read', '/a/b/s')).toEqual(allowedBy(allow.id));
    expect((await session.get('/a/b/s')).value).toBe('value of /a/b/s');
  });

  it('the first of several matching Deny policies by name then id decides', async () => {
    const zulu = await grant(admin, 'zulu deny', '*', { users: ['u'], accessType: 'Deny' });
    const alpha = await grant(admin, 'Alpha deny', '/a/*', { users: ['u'], accessType: 'Deny' });
    expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(deniedBy(alpha.id));
    expect(await u.can('sm.secret.read', '/x/t')).toEqual(deniedBy(zulu.id));
  });

  // ---------------------------------------------------------------- steps 3 and 4

  it('an ACL grant (step 3) decides before Allow policies (step 4)', async () => {
    await grant(admin, 'Read All', '*', { users: ['u'] });
    await admin.putAccess('/a/b/s', { entity: { type: 'user', id: 'u' }, access: 'read' });
    expect(await u.can('sm.secret.read', '/a/b/s')).toEqual({ allowed: true, effect: 'allow', reason: 'acl' });
    await u.get('/a/b/s');
    expect(lastEvent('get')).toMatchObject({ outcome: 'allowed', reason: 'acl' });
  });

  it('a create is decided by the ACL of the parent directory', async () => {
    await admin.putAccess('/a/b', { entity: { type: 'group', id: 'writers' }, access: 'read_write' });
    const writer = store.as({ id: 'w', groups: ['writers'] });
    expect(await writer.can('sm.node.create', '/a/b/new')).toEqual({ allowed: true, effect: 'allow', reason: 'acl' });
    await writer.create('/a/b/new', { type: 'secret', value: 'v' });
    expect(lastEvent('create')).toMatchObject({ outcome: 'allowed', reason: 'acl' });
    expect(await writer.can('sm.node.create', '/a/new')).toEqual(DEFAULT_DENY);
  });

  it("can('sm.node.create', X) decides creating X: the ACL of X's parent counts, not X's own", async () => {
    await admin.putAccess('/a/b/c', { entity: { type: 'user', id: 'u' }, access: 'read_write' });
    expect(await u.can('sm.node.create', '/a/b/c')).toEqual(DEFAULT_DENY);
    await admin.putAccess('/a/b', { entity: { type: 'user', id: 'u' }, access: 'read_write' });
    expect(await u.can('sm.node.create', '/a/b/c')).toEqual({ allowed: true, effect: 'allow', reason: 'acl' });
  });

  it('an Allow policy grants with reason policy and its id; the first by name then id decides', async () => {
    const beta = await grant(admin, 'Beta', '/a/*', { users: ['u'] });
    const alpha = await grant(admin, 'alpha', '*', { users: ['u'] });
    expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(allowedBy(alpha.id));
    await admin.policies.delete(alpha.id);
    expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(allowedBy(beta.id));
  });

  it('Allow with an IP condition grants only to requests from inside the list', async () => {
    const allow = await grant(admin, 'Office', '/a/*', { users: ['u'], condition: { ipAddress: '10.0.0.0/8, 2001:db8::/32' } });
    expect(await store.as({ id: 'u' }, { ip: '10.9.9.9' }).can('sm.secret.read', '/a/b/s')).toEqual(allowedBy(allow.id));
    expect(await store.as({ id: 'u' }, { ip: '2001:db8::7' }).can('sm.secret.read', '/a/b/s')).toEqual(allowedBy(allow.id));
    expect(await store.as({ id: 'u' }, { ip: '::ffff:10.0.0.1' }).can('sm.secret.read', '/a/b/s')).toEqual(allowedBy(allow.id));
    expect(await store.as({ id: 'u' }, { ip: '192.168.0.1' }).can('sm.secret.read', '/a/b/s')).toEqual(DEFAULT_DENY);
    expect(await store.as({ id: 'u' }).can('sm.secret.read', '/a/b/s')).toEqual(DEFAULT_DENY);
    expect(await store.as({ id: 'u' }, { ip: 'garbage' }).can('sm.secret.read', '/a/b/s')).toEqual(DEFAULT_DENY);
    expect((await store.as({ id: 'u' }, { ip: '10.0.0.1' }).get('/a/b/s')).value).toBe('value of /a/b/s');
    await refused(store.as({ id: 'u' }, { ip: '192.168.0.1' }).get('/a/b/s'), 'FORBIDDEN');
  });

  it('real operations follow the policy: SM_CRUD on /a/b/* creates, patches and deletes below /a/b only', async () => {
    const crud = await grant(admin, 'Crud B', '/a/b/*', { users: ['u'], accessLevel: 'SM_CRUD' });
    expect(await u.can('sm.node.create', '/a/b/new')).toEqual(allowedBy(crud.id));
    await u.create('/a/b/new', { type: 'secret', value: 'v1' });
    expect(lastEvent('create')).toMatchObject({ outcome: 'allowed', reason: 'policy' });
    expect((await u.patch('/a/b/new', { value: 'v2' })).version).toBe(2);
    await u.patch('/a/b', { description: 'dir' });
    await u.delete('/a/b/new');
    expect(lastEvent('delete')).toMatchObject({ outcome: 'allowed', reason: 'policy' });
    expect(await u.can('sm.node.create', '/a/new')).toEqual(DEFAULT_DENY);
    await refused(u.create('/a/new', { type: 'secret', value: 'v' }), 'FORBIDDEN');
    expect(lastEvent('create')).toMatchObject({ outcome: 'refused', reason: 'default_deny', code: 'FORBIDDEN' });
    await refused(u.delete('/x/t'), 'FORBIDDEN');
  });

  it('SM_View reads and lists but may not create, patch or delete', async () => {
    const view = await grant(admin, 'View B', '/a/b/*', { users: ['u'] });
    expect(await u.can('sm.node.list', '/a/b')).toEqual(allowedBy(view.id));
    expect(await u.can('sm.secret.update', '/a/b/s')).toEqual(DEFAULT_DENY);
    expect(await u.can('sm.node.delete', '/a/b/s')).toEqual(DEFAULT_DENY);
    expect(await u.can('sm.node.create', '/a/b/new')).toEqual(DEFAULT_DENY);
    expect((await u.get('/a/b')).children).toEqual([
      { name: 'c', type: 'directory' },
      { name: 's', type: 'secret' },
    ]);
    await refused(u.patch('/a/b/s', { value: 'x' }), 'FORBIDDEN');
    await refused(u.create('/a/b/new', { type: 'secret', value: 'x' }), 'FORBIDDEN');
    await refused(u.delete('/a/b/s'), 'FORBIDDEN');
  });

  // ---------------------------------------------------------------- step 5

  describe('approval blocks', () => {
    it('an Allow with an approval block → approval_required with policyIds ordered by name then id', async () => {
      const beta = await grant(admin, 'beta gate', '/a/*', { users: ['u'], condition: { approval: APPROVAL } });
      const alpha = await grant(admin, 'Alpha gate', '*', { users: ['u'], condition: { approval: APPROVAL } });
      const gamma = await grant(admin, 'Gamma gate', '/a/b/s', { users: ['u'], condition: { approval: APPROVAL } });
      const expected = byNameThenId([beta, alpha, gamma]);
      expect(expected).toEqual([alpha.id, beta.id, gamma.id]);
      expect(await u.can('sm.secret.read', '/a/b/s')).toEqual({ allowed: false, effect: 'approval_required', reason: 'approval_required', policyIds: expected });
    });

    it('an operation refused for want of an approval throws APPROVAL_REQUIRED with err.policyIds', async () => {
      const beta = await grant(admin, 'beta gate', '/a/*', { users: ['u'], accessLevel: 'SM_CRUD', condition: { approval: APPROVAL } });
      const alpha = await grant(admin, 'Alpha gate', '*', { users: ['u'], accessLevel: 'SM_CRUD', condition: { approval: APPROVAL } });
      const expected = [alpha.id, beta.id];
      for (const call of [
        () => u.get('/a/b/s'),
        () => u.get('/a/b'),
        () => u.create('/a/b/new', { type: 'secret', value: 'v' }),
        () => u.patch('/a/b/s', { value: 'v' }),
        () => u.delete('/a/b/s'),
      ]) {
        const error = await refused(call, 'APPROVAL_REQUIRED');
        expect(error.status).toBe(403);
        expect(error.policyIds).toEqual(expected);
      }
      expect(lastEvent('delete')).toMatchObject({ outcome: 'refused', reason: 'approval_required', code: 'APPROVAL_REQUIRED' });
    });

    it('only policies whose other conditions hold, and that are active and not drafts, are named', async () => {
      const live = await grant(admin, 'Live', '/a/*', { users: ['u'], condition: { approval: APPROVAL } });
      await grant(admin, 'Wrong IP', '/a/*', { users: ['u'], condition: { approval: APPROVAL, ipAddress: '10.0.0.0/8' } });
      await grant(admin, 'Inactive', '/a/*', { users: ['u'], isActive: false, condition: { approval: APPROVAL } });
      await grant(admin, 'Draft', '/a/*', { users: ['u'], isDraft: true, condition: { approval: APPROVAL } });
      await grant(admin, 'Not Mine', '/a/*', { users: ['v'], condition: { approval: APPROVAL } });
      expect(await store.as({ id: 'u' }, { ip: '192.168.0.1' }).can('sm.secret.read', '/a/b/s')).toEqual({
        allowed: false,
        effect: 'approval_required',
        reason: 'approval_required',
        policyIds: [live.id],
      });
    });

    it('a policy that matches a principal twice (by id and by group) is named once', async () => {
      const gate = await grant(admin, 'Twice', '/a/*', { users: ['u'], tags: ['g'], condition: { approval: APPROVAL } });
      const member = store.as({ id: 'u', groups: ['g'] });
      expect(await member.can('sm.secret.read', '/a/b/s')).toEqual({ allowed: false, effect: 'approval_required', reason: 'approval_required', policyIds: [gate.id] });
    });

    it('an Allow without an approval block wins over approval_required (step 4 before 5)', async () => {
      await grant(admin, 'Alpha gate', '/a/*', { users: ['u'], condition: { approval: APPROVAL } });
      const plain = await grant(admin, 'Zed plain', '*', { users: ['u'] });
      expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(allowedBy(plain.id));
    });

    it('a Deny wins over approval_required, and an ACL grant too', async () => {
      await grant(admin, 'Alpha gate', '/a/*', { users: ['u'], condition: { approval: APPROVAL } });
      expect((await u.can('sm.secret.read', '/x/t')).reason).toBe('default_deny');
      const deny = await grant(admin, 'No S', '/a/b/s', { users: ['u'], accessType: 'Deny' });
      expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(deniedBy(deny.id));
      await admin.putAccess('/a/b/c/s2', { entity: { type: 'user', id: 'u' }, access: 'read' });
      expect(await u.can('sm.secret.read', '/a/b/c/s2')).toEqual({ allowed: true, effect: 'allow', reason: 'acl' });
    });

    it('permission 0 of a policy with an approval block lists the path toward R without an approval', async () => {
      const gate = await grant(admin, 'Gate', '/a/b/s', { users: ['u'], condition: { approval: APPROVAL } });
      expect(await u.can('sm.node.list', '/a')).toEqual(allowedBy(gate.id));
      expect(await u.can('sm.node.list', '/a/b')).toEqual(allowedBy(gate.id));
      expect((await u.get('/a')).children).toEqual([{ name: 'b', type: 'directory' }]);
      expect(await u.can('sm.secret.read', '/a/b/s')).toMatchObject({ effect: 'approval_required', policyIds: [gate.id] });
    });
  });

  // ---------------------------------------------------------------- step 6 and participation

  it('nothing granting → default_deny, with no policy ids', async () => {
    const decision = await u.can('sm.secret.read', '/a/b/s');
    expect(decision).toEqual(DEFAULT_DENY);
    expect(decision.policyId).toBeUndefined();
    expect(decision.policyIds).toBeUndefined();
    await refused(u.get('/a/b/s'), 'FORBIDDEN');
    expect(lastEvent('get')).toMatchObject({ outcome: 'refused', reason: 'default_deny', code: 'FORBIDDEN' });
  });

  it('inactive and draft Allow policies take no part', async () => {
    const off = await grant(admin, 'Off', '*', { users: ['u'], isActive: false });
    const draft = await grant(admin, 'Draft', '*', { users: ['u'], isDraft: true });
    expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(DEFAULT_DENY);
    await admin.policies.update(draft.id, { isDraft: false });
    expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(allowedBy(draft.id));
    await admin.policies.update(draft.id, { isActive: false });
    await admin.policies.update(off.id, { isActive: true });
    expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(allowedBy(off.id));
  });

  it('inactive and draft Deny policies take no part', async () => {
    const allow = await grant(admin, 'Allow All', '*', { users: ['u'] });
    const off = await grant(admin, 'Off Deny', '*', { users: ['u'], accessType: 'Deny', isActive: false });
    await grant(admin, 'Draft Deny', '*', { users: ['u'], accessType: 'Deny', isDraft: true });
    expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(allowedBy(allow.id));
    await admin.policies.update(off.id, { isActive: true });
    expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(deniedBy(off.id));
  });

  it('a policy that changes takes effect at once: members, access level, access type', async () => {
    const p = await grant(admin, 'Changing', '/a/*', { users: ['v'] });
    expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(DEFAULT_DENY);
    await admin.policies.update(p.id, { members: { users: [{ id: 'u' }] } });
    expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(allowedBy(p.id));
    expect(await u.can('sm.secret.update', '/a/b/s')).toEqual(DEFAULT_DENY);
    await admin.policies.update(p.id, { accessLevel: 'SM_CRUD' });
    expect(await u.can('sm.secret.update', '/a/b/s')).toEqual(allowedBy(p.id));
    await admin.policies.update(p.id, { accessType: 'Deny' });
    expect(await u.can('sm.secret.update', '/a/b/s')).toEqual(deniedBy(p.id));
  });

  // ---------------------------------------------------------------- members

  describe('members', () => {
    it('users match a user principal by id', async () => {
      const p = await grant(admin, 'Users', '*', { users: ['u'] });
      expect(await u.can('sm.node.list', '/a')).toEqual(allowedBy(p.id));
      expect(await store.as({ id: 'v' }).can('sm.node.list', '/a')).toEqual(DEFAULT_DENY);
      expect(await store.as({ id: 'U' }).can('sm.node.list', '/a')).toEqual(DEFAULT_DENY);
    });

    it('users `{ id: "*" }` matches every user, but no token and no service identity', async () => {
      const p = await grant(admin, 'Everyone', '*', { users: ['*'] });
      expect(await store.as({ id: 'anyone' }).can('sm.node.list', '/a')).toEqual(allowedBy(p.id));
      expect(await store.as({ id: 'someone-else', kind: 'user' }).can('sm.node.list', '/a')).toEqual(allowedBy(p.id));
      expect(await store.as({ id: 'anyone', kind: 'token' }).can('sm.node.list', '/a')).toEqual(DEFAULT_DENY);
      expect(await store.as({ id: 'anyone', kind: 'serviceIdentity' }).can('sm.node.list', '/a')).toEqual(DEFAULT_DENY);
    });

    it('a Deny for every user does not deny tokens', async () => {
      const allow = await grant(admin, 'Tokens', '*', { tokens: ['t1'] });
      const deny = await grant(admin, 'No Users', '*', { users: ['*'], accessType: 'Deny' });
      expect(await store.as({ id: 't1', kind: 'token' }).can('sm.node.list', '/a')).toEqual(allowedBy(allow.id));
      expect(await store.as({ id: 'someone' }).can('sm.node.list', '/a')).toEqual(deniedBy(deny.id));
    });

    it('tags match the groups of a principal, of any kind', async () => {
      const p = await grant(admin, 'Group', '*', { tags: ['g1'] });
      expect(await store.as({ id: 'x1', groups: ['g0', 'g1'] }).can('sm.node.list', '/a')).toEqual(allowedBy(p.id));
      expect(await store.as({ id: 't', kind: 'token', groups: ['g1'] }).can('sm.node.list', '/a')).toEqual(allowedBy(p.id));
      expect(await store.as({ id: 'x2', groups: ['g2'] }).can('sm.node.list', '/a')).toEqual(DEFAULT_DENY);
      expect(await store.as({ id: 'g1' }).can('sm.node.list', '/a')).toEqual(DEFAULT_DENY);
    });

    it('tokens match a principal of kind token with that id only', async () => {
      const p = await grant(admin, 'Token', '*', { tokens: ['t1'] });
      expect(await store.as({ id: 't1', kind: 'token' }).can('sm.node.list', '/a')).toEqual(allowedBy(p.id));
      expect(await store.as({ id: 't1' }).can('sm.node.list', '/a')).toEqual(DEFAULT_DENY);
      expect(await store.as({ id: 't1', kind: 'serviceIdentity' }).can('sm.node.list', '/a')).toEqual(DEFAULT_DENY);
    });

    it('serviceIdentities match a principal of kind serviceIdentity with that id only', async () => {
      const p = await grant(admin, 'Service', '*', { serviceIdentities: ['s1'] });
      expect(await store.as({ id: 's1', kind: 'serviceIdentity' }).can('sm.node.list', '/a')).toEqual(allowedBy(p.id));
      expect(await store.as({ id: 's1' }).can('sm.node.list', '/a')).toEqual(DEFAULT_DENY);
      expect(await store.as({ id: 's1', kind: 'token' }).can('sm.node.list', '/a')).toEqual(DEFAULT_DENY);
    });

    it('a policy with no members grants nobody', async () => {
      await grant(admin, 'Nobody', '*', {});
      expect(await u.can('sm.node.list', '/a')).toEqual(DEFAULT_DENY);
    });
  });

  // ---------------------------------------------------------------- actions §5 does not list

  describe('actions §5 does not list', () => {
    it('sm.vault.read is granted by permission 2 on `*`, whatever R is, on any non-empty resource string', async () => {
      const p = await grant(admin, 'Narrow View', '/a/b', { users: ['u'] });
      for (const resource of ['vault-1', '/x/t', '/a/b', 'anything at all', '*']) {
        expect(await u.can('sm.vault.read', resource)).toEqual(allowedBy(p.id));
      }
      expect(await u.can('sm.secrettemplate.list', 'tpl')).toEqual(allowedBy(p.id));
      expect(await u.can('sm.passwordpolicy.read', 'pp')).toEqual(DEFAULT_DENY);
      expect(await u.can('sm.secrettemplate.create', 'tpl')).toEqual(DEFAULT_DENY);
    });

    it('SM_Manage grants the password policy and template actions too', async () => {
      const p = await grant(admin, 'Manager', '/a', { users: ['u'], accessLevel: 'SM_Manage' });
      for (const action of ['sm.passwordpolicy.create', 'sm.passwordpolicy.update', 'sm.secrettemplate.delete', 'sm.vault.list'] as const) {
        expect(await u.can(action, 'thing')).toEqual(allowedBy(p.id));
      }
    });

    it('an action no permission lists is not granted', async () => {
      await grant(admin, 'Manager', '*', { users: ['u'], accessLevel: 'SM_Manage' });
      expect(await u.can('made.up.action' as Action, 'thing')).toEqual(DEFAULT_DENY);
    });

    it('no ACL grants them', async () => {
      await admin.putAccess('/a', { entity: { type: 'user', id: 'u' }, access: 'read_write' });
      expect(await u.can('sm.vault.read', '/a')).toEqual(DEFAULT_DENY);
    });

    it("a Deny's permission 2 on `*` denies them everywhere", async () => {
      await grant(admin, 'View All', '*', { users: ['u'] });
      const deny = await grant(admin, 'Deny X', '/x', { users: ['u'], accessType: 'Deny' });
      expect(await u.can('sm.vault.read', 'vault-1')).toEqual(deniedBy(deny.id));
    });

    it('an empty resource → VALIDATION', async () => {
      await expect(u.can('sm.vault.read', '')).rejects.toMatchObject({ code: 'VALIDATION' });
    });
  });

  it('can() with a malformed item path → VALIDATION', async () => {
    await expect(u.can('sm.secret.read', '/a/*')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(u.can('sm.node.list', 'a/b')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(u.can('sm.node.list', '/a//b')).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  // ---------------------------------------------------------------- time conditions

  describe('time conditions on the store clock', () => {
    const weekdays = { daysSchedule: { fromTime: '09:00:00', toTime: '17:00:00', timezone: 'UTC', days: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] } };

    it.each([
      ['2024-06-03T12:00:00Z', true, 'Monday noon'],
      ['2024-06-03T09:00:00Z', true, 'the first second of the window'],
      ['2024-06-03T08:59:59Z', false, 'a second before the window'],
      ['2024-06-03T17:00:00.900Z', true, 'the last second, truncated to whole seconds'],
      ['2024-06-03T17:00:01Z', false, 'a second after the window'],
      ['2024-06-08T12:00:00Z', false, 'Saturday noon'],
      ['2024-06-07T16:59:59Z', true, 'Friday afternoon'],
    ])('a daysSchedule 09:00–17:00 UTC on weekdays at %s grants: %s (%s)', async (now, granted) => {
      const p = await grant(admin, 'Office Hours', '/a/*', { users: ['u'], condition: { timeOfAccess: weekdays } });
      t.clock.set(now);
      expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(granted ? allowedBy(p.id) : DEFAULT_DENY);
    });

    it('a real operation is decided at the store clock, which the test moves', async () => {
      await grant(admin, 'Office Hours', '/a/*', { users: ['u'], condition: { timeOfAccess: weekdays } });
      expect((await u.get('/a/b/s')).value).toBe('value of /a/b/s');
      t.clock.set('2024-06-03T20:00:00Z');
      await refused(u.get('/a/b/s'), 'FORBIDDEN');
      t.clock.advance(13 * 3600 * 1000); // Tuesday 09:00
      expect((await u.get('/a/b/s')).value).toBe('value of /a/b/s');
    });

    it('a daysSchedule is read in its timezone', async () => {
      const p = await grant(admin, 'New York Hours', '/a/*', {
        users: ['u'],
        condition: { timeOfAccess: { daysSchedule: { fromTime: '09:00:00', toTime: '17:00:00', timezone: 'America/New_York', days: ['MONDAY'] } } },
      });
      t.clock.set('2024-06-03T12:00:00Z'); // 08:00 EDT
      expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(DEFAULT_DENY);
      t.clock.set('2024-06-03T14:00:00Z'); // 10:00 EDT
      expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(allowedBy(p.id));
      t.clock.set('2024-06-03T22:00:00Z'); // 18:00 EDT
      expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(DEFAULT_DENY);
    });

    it.each([
      ['2024-06-03T23:00:00Z', true, 'Monday late'],
      ['2024-06-04T01:00:00Z', true, 'Tuesday early, the day before is Monday'],
      ['2024-06-04T23:00:00Z', false, 'Tuesday late'],
      ['2024-06-03T01:00:00Z', false, 'Monday early, the day before is Sunday'],
      ['2024-06-03T12:00:00Z', false, 'Monday noon'],
    ])('a window past midnight (22:00–02:00, MONDAY) at %s grants: %s (%s)', async (now, granted) => {
      const p = await grant(admin, 'Night', '/a/*', {
        users: ['u'],
        condition: { timeOfAccess: { daysSchedule: { fromTime: '22:00:00', toTime: '02:00:00', days: ['MONDAY'] } } },
      });
      t.clock.set(now);
      expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(granted ? allowedBy(p.id) : DEFAULT_DENY);
    });

    it.each([
      ['2024-05-31T23:59:59Z', false],
      ['2024-06-01T00:00:00Z', true],
      ['2024-06-30T23:59:59Z', true],
      ['2024-07-01T00:00:00Z', false],
    ])('a dateSchedule for June 2024 (UTC) at %s grants: %s', async (now, granted) => {
      const p = await grant(admin, 'June', '/a/*', {
        users: ['u'],
        condition: { timeOfAccess: { dateSchedule: { fromDate: '2024-06-01 00:00:00', toDate: '2024-06-30 23:59:59', timezone: 'UTC' } } },
      });
      t.clock.set(now);
      expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(granted ? allowedBy(p.id) : DEFAULT_DENY);
    });

    it('with both schedules, both must hold', async () => {
      const p = await grant(admin, 'Both', '/a/*', {
        users: ['u'],
        condition: { timeOfAccess: { dateSchedule: { fromDate: '2024-06-01 00:00:00', toDate: '2024-06-30 23:59:59' }, ...weekdays } },
      });
      t.clock.set('2024-06-03T12:00:00Z');
      expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(allowedBy(p.id));
      t.clock.set('2024-06-08T12:00:00Z'); // in June, but Saturday
      expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(DEFAULT_DENY);
      t.clock.set('2024-07-01T12:00:00Z'); // a Monday, but July
      expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(DEFAULT_DENY);
    });

    it('a Deny with a time condition denies only inside its window', async () => {
      const allow = await grant(admin, 'Always', '*', { users: ['u'] });
      const deny = await grant(admin, 'Not At Night', '/a/*', {
        users: ['u'],
        accessType: 'Deny',
        condition: { timeOfAccess: { daysSchedule: { fromTime: '20:00:00', toTime: '06:00:00' } } },
      });
      t.clock.set('2024-06-03T12:00:00Z');
      expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(allowedBy(allow.id));
      t.clock.set('2024-06-03T23:30:00Z');
      expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(deniedBy(deny.id));
      t.clock.set('2024-06-04T05:59:59Z');
      expect(await u.can('sm.secret.read', '/a/b/s')).toEqual(deniedBy(deny.id));
    });

    it('IP and time conditions of one policy must both hold', async () => {
      const p = await grant(admin, 'Office', '/a/*', { users: ['u'], condition: { ipAddress: '10.0.0.0/8', timeOfAccess: weekdays } });
      const inside = store.as({ id: 'u' }, { ip: '10.0.0.5' });
      const outside = store.as({ id: 'u' }, { ip: '172.16.0.5' });
      expect(await inside.can('sm.secret.read', '/a/b/s')).toEqual(allowedBy(p.id));
      expect(await outside.can('sm.secret.read', '/a/b/s')).toEqual(DEFAULT_DENY);
      t.clock.set('2024-06-08T12:00:00Z');
      expect(await inside.can('sm.secret.read', '/a/b/s')).toEqual(DEFAULT_DENY);
    });
  });
});
