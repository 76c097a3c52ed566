// SPEC §6.5 — the built-in policies: SMAdminPolicy (SM_Manage) and
// SMAuditorPolicy (SM_View) on `*`, read-only (READ_ONLY to one who may manage
// them, FORBIDDEN to anyone else, §3), summary resources ["*", "/"], members
// from openStore({ builtinMembers }).

import { beforeEach, expect, it } from 'vitest';
import type { PolicySummary, Session, Store } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { grant, refused, tree } from './helpers.js';

describeEachAdapter('§6.5 built-in policies', (makeStore) => {
  let store: Store;
  let admin: Session;
  let builtins: Record<'SMAdminPolicy' | 'SMAuditorPolicy', PolicySummary>;
  beforeEach(async () => {
    store = (
      await makeStore({
        builtinMembers: {
          SMAdminPolicy: { users: [{ id: 'boss', name: 'The Boss' }] },
          SMAuditorPolicy: { tags: [{ id: 'auditors' }], tokens: [{ id: 'audit-token' }] },
        },
      })
    ).store;
    admin = store.as(ADMIN);
    await tree(admin, ['/a/', '/a/s']);
    const listed = await admin.policies.list();
    builtins = Object.fromEntries(listed.result.map((s) => [s.name, s])) as typeof builtins;
  });

  it('a new store has exactly SMAdminPolicy and SMAuditorPolicy, active, read-only Allow policies with summary resources ["*", "/"]', async () => {
    const listed = await admin.policies.list();
    expect(listed.result.map((s) => s.name)).toEqual(['SMAdminPolicy', 'SMAuditorPolicy']);
    for (const summary of listed.result) {
      expect(summary).toMatchObject({ isActive: true, isDraft: false, isReadOnly: true, accessType: 'Allow', resources: ['*', '/'] });
    }
    expect(listed.pagination).toEqual({ next: '', prev: '' });
  });

  it('SMAdminPolicy is SM_Manage on `*` and SMAuditorPolicy is SM_View on `*`', async () => {
    const adminPolicy = await admin.policies.get(builtins.SMAdminPolicy.id);
    const auditorPolicy = await admin.policies.get(builtins.SMAuditorPolicy.id);
    expect(adminPolicy).toMatchObject({ name: 'SMAdminPolicy', accessLevel: 'SM_Manage', resource: '*', isReadOnly: true, condition: null, consumer: 'secretmanager' });
    expect(auditorPolicy).toMatchObject({ name: 'SMAuditorPolicy', accessLevel: 'SM_View', resource: '*', isReadOnly: true, condition: null, consumer: 'secretmanager' });
    expect(adminPolicy.permissions.map((p) => p.name)).toEqual(['SMAdminPolicy_PM_0', 'SMAdminPolicy_PM_1', 'SMAdminPolicy_PM_2']);
    expect(auditorPolicy.permissions.map((p) => p.name)).toEqual(['SMAuditorPolicy_PV_0', 'SMAuditorPolicy_PV_1', 'SMAuditorPolicy_PV_2']);
    expect(adminPolicy.permissions.map((p) => p.resources)).toEqual([['/'], ['*'], ['*']]);
    expect(adminPolicy.permissions.every((p) => p.isReadOnly === false && p.isInline === true)).toBe(true);
  });

  it('the members come from openStore({ builtinMembers }), missing lists empty', async () => {
    expect((await admin.policies.get(builtins.SMAdminPolicy.id)).members).toEqual({
      users: [{ id: 'boss', name: 'The Boss' }],
      tags: [],
      tokens: [],
      serviceIdentities: [],
    });
    expect((await admin.policies.get(builtins.SMAuditorPolicy.id)).members).toEqual({
      users: [],
      tags: [{ id: 'auditors' }],
      tokens: [{ id: 'audit-token' }],
      serviceIdentities: [],
    });
  });

  it('a store opened without builtinMembers has built-ins with no members', async () => {
    const plain = (await makeStore()).store.as(ADMIN);
    const listed = await plain.policies.list();
    for (const summary of listed.result) {
      expect((await plain.policies.get(summary.id)).members).toEqual({ users: [], tags: [], tokens: [], serviceIdentities: [] });
    }
  });

  it.each([['SMAdminPolicy'], ['SMAuditorPolicy']] as const)('%s cannot be updated or deleted by an admin: READ_ONLY', async (name) => {
    const id = builtins[name].id;
    await refused(admin.policies.update(id, { description: 'mine now' }), 'READ_ONLY');
    await refused(admin.policies.update(id, { members: { users: [{ id: 'intruder' }] } }), 'READ_ONLY');
    await refused(admin.policies.update(id, { isActive: false }), 'READ_ONLY');
    await refused(admin.policies.delete(id), 'READ_ONLY');
    const after = await admin.policies.get(id);
    expect(after).toMatchObject({ name, isActive: true, isReadOnly: true });
  });

  it.each([['SMAdminPolicy'], ['SMAuditorPolicy']] as const)('%s is FORBIDDEN, not READ_ONLY, to a caller who may not manage policies on `*`', async (name) => {
    const id = builtins[name].id;
    const nobody = store.as({ id: 'nobody' });
    await refused(nobody.policies.update(id, { description: 'x' }), 'FORBIDDEN');
    await refused(nobody.policies.delete(id), 'FORBIDDEN');
    await refused(nobody.policies.get(id), 'FORBIDDEN');
    await grant(admin, 'Partial Manager', '/a/*', { users: ['part'], accessLevel: 'SM_Manage' });
    const partial = store.as({ id: 'part' });
    await refused(partial.policies.update(id, { description: 'x' }), 'FORBIDDEN');
    await refused(partial.policies.delete(id), 'FORBIDDEN');
  });

  it('a malformed update of a built-in is VALIDATION (input is checked first); an empty one is READ_ONLY', async () => {
    await expect(admin.policies.update(builtins.SMAdminPolicy.id, { name: 'bad.name' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await refused(admin.policies.update(builtins.SMAdminPolicy.id, {}), 'READ_ONLY');
  });

  it('a built-in is READ_ONLY to a non-admin who may manage policies on `*`', async () => {
    const boss = store.as({ id: 'boss' });
    await refused(boss.policies.update(builtins.SMAuditorPolicy.id, { description: 'x' }), 'READ_ONLY');
    await refused(boss.policies.delete(builtins.SMAdminPolicy.id), 'READ_ONLY');
  });

  it('a member of SMAdminPolicy may manage policies and read everything', async () => {
    const boss = store.as({ id: 'boss' });
    expect(await boss.can('sm.secret.read', '/a/s')).toEqual({ allowed: true, effect: 'allow', reason: 'policy', policyId: builtins.SMAdminPolicy.id });
    expect(await boss.can('authz.policy.create', '*')).toEqual({ allowed: true, effect: 'allow', reason: 'policy', policyId: builtins.SMAdminPolicy.id });
    expect((await boss.get('/a/s')).value).toBe('value of /a/s');
    expect((await boss.get('/')).children).toEqual([{ name: 'a', type: 'directory' }]);
    const created = await boss.policies.create({ name: 'By Boss', resource: '/a', members: { users: [{ id: 'v' }] } });
    expect((await boss.policies.list()).result.map((s) => s.name)).toEqual(['By Boss', 'SMAdminPolicy', 'SMAuditorPolicy']);
    await boss.policies.update(created.id, { accessLevel: 'SM_CRUD' });
    await boss.policies.delete(created.id);
    await boss.create('/a/new', { type: 'secret', value: 'v' });
    await boss.patch('/a/new', { value: 'w' });
    await boss.delete('/a/new');
  });

  it('a member of SMAuditorPolicy may read but not write, and may not manage policies', async () => {
    const auditor = store.as({ id: 'someone', groups: ['auditors'] });
    expect(await auditor.can('sm.secret.read', '/a/s')).toEqual({ allowed: true, effect: 'allow', reason: 'policy', policyId: builtins.SMAuditorPolicy.id });
    expect((await auditor.get('/a/s')).value).toBe('value of /a/s');
    expect((await auditor.get('/a')).children).toEqual([{ name: 's', type: 'secret' }]);
    for (const [action, path] of [
      ['sm.node.create', '/a/new'],
      ['sm.secret.update', '/a/s'],
      ['sm.node.delete', '/a/s'],
      ['authz.policy.list', '*'],
      ['authz.policy.read', '*'],
    ] as const) {
      expect(await auditor.can(action, path)).toEqual({ allowed: false, effect: 'deny', reason: 'default_deny' });
    }
    await refused(auditor.create('/a/new', { type: 'secret', value: 'v' }), 'FORBIDDEN');
    await refused(auditor.patch('/a/s', { value: 'w' }), 'FORBIDDEN');
    await refused(auditor.delete('/a/s'), 'FORBIDDEN');
    await refused(auditor.policies.list(), 'FORBIDDEN');
    await refused(auditor.policies.get(builtins.SMAuditorPolicy.id), 'FORBIDDEN');
  });

  it('a token listed in SMAuditorPolicy reads as an auditor; a user with that id does not', async () => {
    const token = store.as({ id: 'audit-token', kind: 'token' });
    expect(await token.can('sm.secret.read', '/a/s')).toMatchObject({ allowed: true, reason: 'policy', policyId: builtins.SMAuditorPolicy.id });
    const user = store.as({ id: 'audit-token' });
    expect(await user.can('sm.secret.read', '/a/s')).toMatchObject({ allowed: false, reason: 'default_deny' });
  });

  it('the built-ins cannot be renamed away or shadowed: their names stay taken', async () => {
    await refused(admin.policies.create({ name: 'SMAdminPolicy', resource: '*' }), 'ALREADY_EXISTS');
  });

  it('the built-ins survive reopening the store, with the members given at the new open', async () => {
    const t = await makeStore({ builtinMembers: { SMAdminPolicy: { users: [{ id: 'first' }] } } });
    const first = await t.store.as(ADMIN).policies.list();
    const reopened = await t.reopen({ builtinMembers: { SMAdminPolicy: { users: [{ id: 'second' }] } } });
    const session = reopened.store.as(ADMIN);
    const again = await session.policies.list();
    expect(again.result.map((s) => [s.id, s.name])).toEqual(first.result.map((s) => [s.id, s.name]));
    const adminPolicy = again.result.find((s) => s.name === 'SMAdminPolicy')!;
    expect((await session.policies.get(adminPolicy.id)).members.users).toEqual([{ id: 'second' }]);
    expect(await reopened.store.as({ id: 'second' }).can('sm.node.list', '/')).toMatchObject({ allowed: true, policyId: adminPolicy.id });
    expect(await reopened.store.as({ id: 'first' }).can('sm.node.list', '/')).toMatchObject({ allowed: false, reason: 'default_deny' });
  });
});
