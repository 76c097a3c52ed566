// SPEC §6.3 — the permissions a policy derives from its accessLevel and
// resource: names, descriptions (verbatim), actions (in the SPEC's order),
// resources parents(R) / [R] / ["*"], the fixed fields, and ids kept across
// updates.

import { beforeEach, expect, it } from 'vitest';
import type { PolicyView, Session } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { UUID_V4, tree, type Level } from './helpers.js';
import { LEVELS } from '../support/permission-table.js';

/** The permissions the SPEC derives, without their ids. */
function expected(name: string, level: Level, resource: string, parents: string[]) {
  const rule = LEVELS[level];
  const resources = [parents, [resource], ['*']];
  return [0, 1, 2].map((n) => ({
    name: `${name}_${rule.suffix}_${n}`,
    description: rule.descriptions[n],
    consumer: 'secretmanager',
    actions: rule.actions[n],
    resources: resources[n],
    isInline: true,
    isReadOnly: false,
  }));
}

const withoutIds = (policy: PolicyView) => policy.permissions.map(({ id: _id, ...rest }) => rest);

describeEachAdapter('§6.3 derived permissions', (makeStore) => {
  let admin: Session;
  beforeEach(async () => {
    admin = (await makeStore()).store.as(ADMIN);
    await tree(admin, ['/a/', '/a/b/', '/a/b/c/', '/a/b/c/s']);
  });

  const resourceCases: [string, string[]][] = [
    ['*', ['/']],
    ['/', ['/']],
    ['/*', ['/']],
    ['/a', ['/']],
    ['/a/*', ['/']],
    ['/a/b', ['/', '/a']],
    ['/a/b/*', ['/', '/a']],
    ['/a/b/c/s', ['/', '/a', '/a/b', '/a/b/c']],
  ];

  for (const level of ['SM_View', 'SM_CRUD', 'SM_Manage'] as const) {
    it.each(resourceCases)(`${level} on \`%s\` derives permissions 0–2 with parents %j, [R] and ["*"]`, async (resource, parents) => {
      const created = await admin.policies.create({ name: 'Derive Me', resource, accessLevel: level });
      expect(withoutIds(created)).toEqual(expected('Derive Me', level, resource, parents));
      expect(withoutIds(await admin.policies.get(created.id))).toEqual(expected('Derive Me', level, resource, parents));
    });
  }

  it('every permission has a distinct UUID id', async () => {
    const p = await admin.policies.create({ name: 'Ids', resource: '/a/b' });
    const ids = p.permissions.map((perm) => perm.id);
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set([...ids, p.id]).size).toBe(4);
  });

  it('a Deny policy derives and shows the same three permissions', async () => {
    const p = await admin.policies.create({ name: 'Denied', resource: '/a/b', accessType: 'Deny', accessLevel: 'SM_CRUD' });
    expect(withoutIds(p)).toEqual(expected('Denied', 'SM_CRUD', '/a/b', ['/', '/a']));
  });

  it('an update derives the permissions again and each keeps its id', async () => {
    const p = await admin.policies.create({ name: 'Before', resource: '/a/b', accessLevel: 'SM_View' });
    const ids = p.permissions.map((perm) => perm.id);
    await admin.policies.update(p.id, { name: 'After', accessLevel: 'SM_Manage', resource: '/a/b/c/*' });
    const updated = await admin.policies.get(p.id);
    expect(updated.permissions.map((perm) => perm.id)).toEqual(ids);
    expect(withoutIds(updated)).toEqual(expected('After', 'SM_Manage', '/a/b/c/*', ['/', '/a', '/a/b']));
    await admin.policies.update(p.id, { accessLevel: 'SM_CRUD', resource: '*' });
    const again = await admin.policies.get(p.id);
    expect(again.permissions.map((perm) => perm.id)).toEqual(ids);
    expect(withoutIds(again)).toEqual(expected('After', 'SM_CRUD', '*', ['/']));
  });

  it('permissions cannot be written: an update with permissions → VALIDATION and they stay derived', async () => {
    const p = await admin.policies.create({ name: 'Fixed', resource: '/a' });
    const forged = p.permissions.map((perm) => ({ ...perm, actions: ['authz.policy.create'] }));
    await expect(admin.policies.update(p.id, { permissions: forged } as never)).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(withoutIds(await admin.policies.get(p.id))).toEqual(expected('Fixed', 'SM_View', '/a', ['/']));
  });

  it("SM_Manage's permission 2 description ends with a full stop, as in the seed", async () => {
    const p = await admin.policies.create({ name: 'Manage', resource: '*', accessLevel: 'SM_Manage' });
    expect(p.permissions[2]!.description).toBe('Administrative permission for static secret templates and password policies, View permission for vault.');
  });
});
