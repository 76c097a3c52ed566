// SPEC §6.1 — the policy model: name rules and case-insensitive uniqueness,
// description length, unknown fields, consumer, isReadOnly and permissions in
// a body, the defaults, member names kept as given, and every problem of a
// body listed with its JSON pointer (§10).

import { beforeEach, expect, it } from 'vitest';
import type { Session } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { pointersOf, refused, tree } from './helpers.js';

describeEachAdapter('§6.1 policy model', (makeStore) => {
  let admin: Session;
  beforeEach(async () => {
    admin = (await makeStore()).store.as(ADMIN);
    await tree(admin, ['/a/', '/a/b/']);
  });

  const create = (fields: Record<string, unknown>) => admin.policies.create({ name: 'P', resource: '/a', ...fields });

  // ---------------------------------------------------------------- defaults

  it('a body with only a name and a resource gets the defaults: active, not a draft, not read-only, Allow, SM_View, secretmanager, empty member lists, no condition', async () => {
    const created = await admin.policies.create({ name: 'Defaults', resource: '/a' });
    expect(created).toMatchObject({
      name: 'Defaults',
      isActive: true,
      isDraft: false,
      isReadOnly: false,
      accessType: 'Allow',
      accessLevel: 'SM_View',
      consumer: 'secretmanager',
      resource: '/a',
      condition: null,
      members: { users: [], tags: [], tokens: [], serviceIdentities: [] },
    });
    const stored = await admin.policies.get(created.id);
    expect(stored).toMatchObject({ isActive: true, isDraft: false, isReadOnly: false, accessType: 'Allow', accessLevel: 'SM_View', consumer: 'secretmanager', condition: null });
    expect(stored.members).toEqual({ users: [], tags: [], tokens: [], serviceIdentities: [] });
  });

  it('create returns the stored policy (what get with conditionJson returns)', async () => {
    const created = await create({ name: 'Same', description: 'd', condition: { ipAddress: '10.0.0.0/8' } });
    expect(await admin.policies.get(created.id, { conditionJson: true })).toEqual(created);
  });

  it('the id is a random UUID made by the store', async () => {
    const one = await create({ name: 'One' });
    const two = await create({ name: 'Two' });
    expect(one.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(two.id).not.toBe(one.id);
  });

  // ---------------------------------------------------------------- name

  it.each([
    ['a single letter', 'a'],
    ['letters, digits, space, `_` and `-`', 'Az 09_-x'],
    ['128 characters', 'n'.repeat(128)],
    ['only `-` and `_`', '-_-'],
  ])('a name of %s is accepted', async (_, name) => {
    const created = await create({ name });
    expect(created.name).toBe(name);
    expect((await admin.policies.get(created.id)).name).toBe(name);
  });

  it('a name is stored trimmed, and the derived permission names use the trimmed name', async () => {
    const created = await create({ name: '  Spaced Out  ' });
    expect(created.name).toBe('Spaced Out');
    const stored = await admin.policies.get(created.id);
    expect(stored.name).toBe('Spaced Out');
    expect(stored.permissions.map((p) => p.name)).toEqual(['Spaced Out_PV_0', 'Spaced Out_PV_1', 'Spaced Out_PV_2']);
  });

  it.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['129 characters', 'n'.repeat(129)],
    ['a full stop (`bad.name`)', 'bad.name'],
    ['a non-ASCII letter', 'café'],
    ['a slash', 'a/b'],
    ['a tab', 'tab\there'],
    ['an exclamation mark', 'hey!'],
  ])('a name that is %s → VALIDATION at /name', async (_, name) => {
    expect(await pointersOf(create({ name }))).toEqual(['/name']);
  });

  it('a missing or non-string name → VALIDATION at /name', async () => {
    expect(await pointersOf(admin.policies.create({ resource: '/a' } as never))).toContain('/name');
    expect(await pointersOf(create({ name: 42 }))).toContain('/name');
  });

  it('a name in an update follows the same rules', async () => {
    const p = await create({ name: 'Renamed' });
    expect(await pointersOf(admin.policies.update(p.id, { name: 'bad.name' }))).toEqual(['/name']);
    expect(await pointersOf(admin.policies.update(p.id, { name: 'n'.repeat(129) }))).toEqual(['/name']);
    await admin.policies.update(p.id, { name: '  New Name ' });
    expect((await admin.policies.get(p.id)).name).toBe('New Name');
  });

  it.each([['alpha'], ['ALPHA'], ['  Alpha  '], ['aLpHa']])('a name unique only case-insensitively (`%s` after `Alpha`) → ALREADY_EXISTS', async (name) => {
    await create({ name: 'Alpha' });
    await refused(create({ name }), 'ALREADY_EXISTS');
  });

  it('a name equal to a built-in policy name in another case → ALREADY_EXISTS', async () => {
    await refused(create({ name: 'smadminpolicy' }), 'ALREADY_EXISTS');
    await refused(create({ name: 'SMAUDITORPOLICY' }), 'ALREADY_EXISTS');
  });

  it("renaming a policy to another policy's name in any case → ALREADY_EXISTS", async () => {
    await create({ name: 'Alpha' });
    const beta = await create({ name: 'Beta' });
    await refused(admin.policies.update(beta.id, { name: 'ALPHA' }), 'ALREADY_EXISTS');
    await refused(admin.policies.update(beta.id, { name: ' alpha ' }), 'ALREADY_EXISTS');
    expect((await admin.policies.get(beta.id)).name).toBe('Beta');
  });

  it('a policy may be renamed to its own name in another case', async () => {
    const p = await create({ name: 'Alpha' });
    await admin.policies.update(p.id, { name: 'ALPHA' });
    expect((await admin.policies.get(p.id)).name).toBe('ALPHA');
  });

  it('the name of a deleted policy is free again', async () => {
    const p = await create({ name: 'Reused' });
    await admin.policies.delete(p.id);
    const again = await create({ name: 'reused' });
    expect(again.name).toBe('reused');
  });

  // ---------------------------------------------------------------- description

  it('a description of 255 characters is accepted and kept', async () => {
    const description = 'd'.repeat(255);
    const p = await create({ description });
    expect((await admin.policies.get(p.id)).description).toBe(description);
  });

  it('a description of 256 characters → VALIDATION at /description (create and update)', async () => {
    expect(await pointersOf(create({ description: 'd'.repeat(256) }))).toEqual(['/description']);
    const p = await create({ name: 'Short' });
    expect(await pointersOf(admin.policies.update(p.id, { description: 'd'.repeat(256) }))).toEqual(['/description']);
  });

  it('a non-string description → VALIDATION at /description', async () => {
    expect(await pointersOf(create({ description: 5 }))).toEqual(['/description']);
  });

  // ---------------------------------------------------------------- unknown fields and fixed fields

  it('an unknown top-level field → VALIDATION naming it', async () => {
    expect(await pointersOf(create({ colour: 'red' }))).toEqual(['/colour']);
  });

  it('an unknown field in an update body → VALIDATION naming it', async () => {
    const p = await create({});
    expect(await pointersOf(admin.policies.update(p.id, { colour: 'red' } as never))).toEqual(['/colour']);
  });

  it('an unknown field inside members, or an unknown member list → VALIDATION naming it', async () => {
    expect(await pointersOf(create({ members: { users: [{ id: 'u', email: 'u@example.com' }] } }))).toEqual(['/members/users/0/email']);
    expect(await pointersOf(create({ members: { groups: [{ id: 'g' }] } }))).toEqual(['/members/groups']);
  });

  it('a member without a string id → VALIDATION at its id', async () => {
    expect(await pointersOf(create({ members: { users: [{ name: 'no id' }] } }))).toEqual(['/members/users/0/id']);
    expect(await pointersOf(create({ members: { tags: [{ id: 'ok' }, { id: 7 }] } }))).toEqual(['/members/tags/1/id']);
  });

  it('consumer `secretmanager` is accepted; any other consumer → VALIDATION at /consumer', async () => {
    const p = await create({ consumer: 'secretmanager' });
    expect(p.consumer).toBe('secretmanager');
    expect(await pointersOf(create({ name: 'Other', consumer: 'identity' }))).toEqual(['/consumer']);
    expect(await pointersOf(admin.policies.update(p.id, { consumer: 'authz' as never }))).toEqual(['/consumer']);
  });

  it('isReadOnly: true → VALIDATION at /isReadOnly (create and update)', async () => {
    expect(await pointersOf(create({ isReadOnly: true }))).toEqual(['/isReadOnly']);
    const p = await create({ name: 'Writable' });
    expect(await pointersOf(admin.policies.update(p.id, { isReadOnly: true as never }))).toEqual(['/isReadOnly']);
    expect((await admin.policies.get(p.id)).isReadOnly).toBe(false);
  });

  it('isReadOnly: false is accepted and changes nothing', async () => {
    const p = await create({ isReadOnly: false });
    expect(p.isReadOnly).toBe(false);
    await admin.policies.update(p.id, { isReadOnly: false });
    expect((await admin.policies.get(p.id)).isReadOnly).toBe(false);
  });

  it('permissions in a body → VALIDATION at /permissions (create and update), even an empty list', async () => {
    expect(await pointersOf(create({ permissions: [] }))).toEqual(['/permissions']);
    const p = await create({ name: 'Derived' });
    const derived = (await admin.policies.get(p.id)).permissions;
    expect(await pointersOf(admin.policies.update(p.id, { permissions: derived } as never))).toEqual(['/permissions']);
  });

  it.each([
    ['accessLevel', 'SM_Admin'],
    ['accessType', 'Maybe'],
    ['isActive', 'yes'],
    ['isDraft', 1],
  ])('an invalid %s → VALIDATION at its pointer', async (field, value) => {
    expect(await pointersOf(create({ [field]: value }))).toEqual([`/${field}`]);
  });

  it('a body that is not an object → VALIDATION', async () => {
    await pointersOf(admin.policies.create(null as never));
    await pointersOf(admin.policies.create('{"name":"P"}' as never));
    await pointersOf(admin.policies.create([] as never));
  });

  it('every problem of a body is listed, each with its pointer', async () => {
    const pointers = await pointersOf(
      admin.policies.create({
        name: 'bad.name',
        description: 'd'.repeat(256),
        accessLevel: 'SM_Admin',
        accessType: 'Perhaps',
        resource: '/a/*/c',
        consumer: 'identity',
        isReadOnly: true,
        permissions: [],
        members: { users: [{ name: 'nobody' }] },
        extra: 1,
      } as never),
    );
    expect(pointers).toEqual(
      expect.arrayContaining([
        '/name',
        '/description',
        '/accessLevel',
        '/accessType',
        '/resource',
        '/consumer',
        '/isReadOnly',
        '/permissions',
        '/members/users/0/id',
        '/extra',
      ]),
    );
  });

  it('nothing is stored when a body is refused', async () => {
    await pointersOf(create({ name: 'Refused', accessLevel: 'nope' }));
    const listed = await admin.policies.list({ filter: 'name eq Refused' });
    expect(listed.result).toEqual([]);
  });

  // ---------------------------------------------------------------- members

  it('member names are kept as given, and no name is made up for a member without one', async () => {
    const members = {
      users: [{ id: 'u1', name: 'Alice Example' }, { id: 'u2' }],
      tags: [{ id: 'g1', name: 'Ops' }],
      tokens: [{ id: 't1', name: 'CI token' }],
      serviceIdentities: [{ id: 's1' }],
    };
    const p = await create({ members });
    const stored = await admin.policies.get(p.id);
    expect(stored.members).toEqual(members);
    expect(Object.keys(stored.members.users[1]!)).toEqual(['id']);
    expect(Object.keys(stored.members.serviceIdentities[0]!)).toEqual(['id']);
  });

  it('members with some lists left out get empty lists for the others', async () => {
    const p = await create({ members: { tags: [{ id: 'g1' }] } });
    expect((await admin.policies.get(p.id)).members).toEqual({ users: [], tags: [{ id: 'g1' }], tokens: [], serviceIdentities: [] });
  });

  it('a returned policy is a copy: changing it changes nothing stored', async () => {
    const p = await create({ members: { users: [{ id: 'u1' }] } });
    p.members.users.push({ id: 'intruder' });
    p.name = 'Changed';
    const again = await admin.policies.get(p.id);
    again.permissions[0]!.resources.push('/x');
    const stored = await admin.policies.get(p.id);
    expect(stored.name).toBe('P');
    expect(stored.members.users).toEqual([{ id: 'u1' }]);
    expect(stored.permissions[0]!.resources).toEqual(['/']);
  });
});
