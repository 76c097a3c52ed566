// SPEC §6.4 — get, update and delete: the condition as an object or as its
// JSON string, unknown and malformed ids, partial updates, the body id, and
// the fields that cannot change; §3's order for policy operations.

import { randomUUID } from 'node:crypto';
import { beforeEach, expect, it } from 'vitest';
import type { ConditionInput, Session, Store } from '../../src/index.js';
import { ADMIN, describeEachAdapter, type TestStore } from '../support/stores.js';
import { APPROVAL, grant, pointersOf, refused, tree } from './helpers.js';

const NORMALISED = {
  ipAddress: '10.0.0.0/8, 192.168.1.1',
  timeOfAccess: {
    dateSchedule: { fromDate: '2024-01-01 00:00:00', toDate: '2024-12-31 23:59:59', timezone: 'UTC' },
    daysSchedule: { fromTime: '09:00:00', toTime: '17:00:00', timezone: 'Europe/Paris', days: ['MONDAY', 'FRIDAY'] },
  },
  approval: null,
};

/** NORMALISED as a caller may write it: other key order, day names in any case, spaces in the IP list. */
const LOOSE_CONDITION: ConditionInput = {
  timeOfAccess: {
    daysSchedule: { days: ['monday', 'Friday'], toTime: '17:00:00', fromTime: '09:00:00', timezone: 'Europe/Paris' },
    dateSchedule: { toDate: '2024-12-31 23:59:59', fromDate: '2024-01-01 00:00:00' },
  },
  ipAddress: '10.0.0.0/8, 192.168.1.1',
};

describeEachAdapter('§6.4 policy operations', (makeStore) => {
  let t: TestStore;
  let store: Store;
  let admin: Session;
  beforeEach(async () => {
    t = await makeStore();
    store = t.store;
    admin = store.as(ADMIN);
    await tree(admin, ['/a/', '/a/b/', '/x/']);
  });

  // ---------------------------------------------------------------- get: the condition

  it('get with conditionJson: true returns the condition as the normalised object', async () => {
    const p = await admin.policies.create({ name: 'Cond', resource: '/a', condition: LOOSE_CONDITION });
    const got = await admin.policies.get(p.id, { conditionJson: true });
    expect(got.condition).toEqual(NORMALISED);
    expect(Object.keys(got.condition as object)).toEqual(['ipAddress', 'timeOfAccess', 'approval']);
    expect(p.condition).toEqual(NORMALISED);
  });

  it('get without conditionJson returns the condition as JSON.stringify of the normalised object', async () => {
    const p = await admin.policies.create({ name: 'Cond', resource: '/a', condition: LOOSE_CONDITION });
    expect((await admin.policies.get(p.id)).condition).toBe(JSON.stringify(NORMALISED));
    expect((await admin.policies.get(p.id, { conditionJson: false })).condition).toBe(JSON.stringify(NORMALISED));
    expect((await admin.policies.get(p.id, {})).condition).toBe(JSON.stringify(NORMALISED));
  });

  it('a condition given as a JSON string is stored as the same normalised condition', async () => {
    const p = await admin.policies.create({ name: 'Str', resource: '/a', condition: JSON.stringify({ ipAddress: '10.1.1.1', approval: APPROVAL }) });
    expect(p.condition).toEqual({ ipAddress: '10.1.1.1', timeOfAccess: null, approval: APPROVAL });
    expect((await admin.policies.get(p.id)).condition).toBe(JSON.stringify({ ipAddress: '10.1.1.1', timeOfAccess: null, approval: APPROVAL }));
  });

  it.each([
    ['absent', undefined],
    ['null', null],
    ['an empty object', {}],
    ['an empty string', ''],
  ])('a condition that is %s is no condition: null either way', async (_, condition) => {
    const body: Record<string, unknown> = { name: 'NoCond', resource: '/a' };
    if (condition !== undefined) body.condition = condition;
    const p = await admin.policies.create(body as never);
    expect(p.condition).toBeNull();
    expect((await admin.policies.get(p.id)).condition).toBeNull();
    expect((await admin.policies.get(p.id, { conditionJson: true })).condition).toBeNull();
  });

  it('an invalid condition → VALIDATION with pointers under /condition', async () => {
    const pointers = await pointersOf(admin.policies.create({ name: 'Bad', resource: '/a', condition: { ipAddress: '010.1.1.1', colour: 1 } as never }));
    expect(pointers.length).toBeGreaterThan(0);
    for (const pointer of pointers) expect(pointer.startsWith('/condition')).toBe(true);
    expect(await pointersOf(admin.policies.create({ name: 'Bad', resource: '/a', condition: '{not json' }))).toEqual([expect.stringMatching(/^\/condition/)]);
  });

  it.each([['a number', 5], ['an array', []], ['true', true]])('a condition that is %s → VALIDATION at /condition', async (_, condition) => {
    const pointers = await pointersOf(admin.policies.create({ name: 'Bad', resource: '/a', condition: condition as never }));
    for (const pointer of pointers) expect(pointer.startsWith('/condition')).toBe(true);
  });

  it('an approval block on a Deny policy → VALIDATION under /condition', async () => {
    const pointers = await pointersOf(admin.policies.create({ name: 'Bad', resource: '/a', accessType: 'Deny', condition: { approval: APPROVAL } }));
    for (const pointer of pointers) expect(pointer.startsWith('/condition')).toBe(true);
  });

  // ---------------------------------------------------------------- ids

  it.each([
    ['a UUID that names no policy', () => randomUUID()],
    ['a string that is not a UUID', () => 'not-a-policy'],
    ['an empty string', () => ''],
  ])('an id that is %s → NOT_FOUND in get, update and delete', async (_, makeId) => {
    const id = makeId();
    await refused(admin.policies.get(id), 'NOT_FOUND');
    await refused(admin.policies.update(id, { description: 'x' }), 'NOT_FOUND');
    await refused(admin.policies.delete(id), 'NOT_FOUND');
  });

  it('an unknown id → NOT_FOUND for everyone, also a caller with no rights at all', async () => {
    const nobody = store.as({ id: 'nobody' });
    const id = randomUUID();
    await refused(nobody.policies.get(id), 'NOT_FOUND');
    await refused(nobody.policies.update(id, { description: 'x' }), 'NOT_FOUND');
    await refused(nobody.policies.delete(id), 'NOT_FOUND');
  });

  it.each([
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an object', { id: 'x' }],
  ])('an id that is %s → VALIDATION in get, update and delete', async (_, id) => {
    const raw = id as unknown as string;
    await pointersOf(admin.policies.get(raw));
    await pointersOf(admin.policies.update(raw, { description: 'x' }));
    await pointersOf(admin.policies.delete(raw));
  });

  it('a deleted policy is gone: get, update and delete → NOT_FOUND', async () => {
    const p = await admin.policies.create({ name: 'Gone', resource: '/a' });
    await admin.policies.delete(p.id);
    await refused(admin.policies.get(p.id), 'NOT_FOUND');
    await refused(admin.policies.update(p.id, { description: 'x' }), 'NOT_FOUND');
    await refused(admin.policies.delete(p.id), 'NOT_FOUND');
  });

  it('delete resolves to nothing and the policy no longer grants', async () => {
    const p = await grant(admin, 'Gone', '/a', { users: ['u'] });
    const u = store.as({ id: 'u' });
    expect(await u.can('sm.node.list', '/a')).toMatchObject({ allowed: true, reason: 'policy', policyId: p.id });
    expect(await admin.policies.delete(p.id)).toBeUndefined();
    expect(await u.can('sm.node.list', '/a')).toEqual({ allowed: false, effect: 'deny', reason: 'default_deny' });
  });

  // ---------------------------------------------------------------- update

  it('an update is partial: fields present replace, fields absent stay', async () => {
    const p = await admin.policies.create({
      name: 'Partial',
      description: 'first',
      resource: '/a',
      accessLevel: 'SM_CRUD',
      accessType: 'Allow',
      isActive: true,
      condition: { ipAddress: '10.0.0.1' },
      members: { users: [{ id: 'u1', name: 'U One' }], tags: [{ id: 'g1' }] },
    });
    await admin.policies.update(p.id, { description: 'second' });
    const after = await admin.policies.get(p.id, { conditionJson: true });
    expect(after).toEqual({ ...p, description: 'second' });
  });

  it.each([
    ['name', { name: 'Renamed' }],
    ['isActive', { isActive: false }],
    ['isDraft', { isDraft: true }],
    ['accessLevel', { accessLevel: 'SM_Manage' }],
    ['accessType', { accessType: 'Deny' }],
    ['resource', { resource: '/a/b/*' }],
    ['members', { members: { users: [], tags: [], tokens: [{ id: 't9' }], serviceIdentities: [] } }],
  ] as const)('an update of %s changes that field only', async (field, patch) => {
    const p = await admin.policies.create({ name: 'Partial', description: 'kept', resource: '/a', members: { users: [{ id: 'u1' }] } });
    await admin.policies.update(p.id, patch);
    const after = await admin.policies.get(p.id, { conditionJson: true });
    const value = (patch as Record<string, unknown>)[field];
    const members = field === 'members' ? value : p.members;
    expect(after).toMatchObject({ ...p, permissions: expect.any(Array), [field]: value, members });
  });

  it("an update's members replace the members as a whole", async () => {
    const p = await admin.policies.create({ name: 'Members', resource: '/a', members: { users: [{ id: 'u1' }], tags: [{ id: 'g1' }] } });
    await admin.policies.update(p.id, { members: { users: [{ id: 'u2', name: 'Two' }] } });
    expect((await admin.policies.get(p.id)).members).toEqual({ users: [{ id: 'u2', name: 'Two' }], tags: [], tokens: [], serviceIdentities: [] });
  });

  it('an update can set a condition and remove it with null', async () => {
    const p = await admin.policies.create({ name: 'Cond', resource: '/a' });
    await admin.policies.update(p.id, { condition: { ipAddress: '10.0.0.0/8' } });
    expect((await admin.policies.get(p.id, { conditionJson: true })).condition).toEqual({ ipAddress: '10.0.0.0/8', timeOfAccess: null, approval: null });
    await admin.policies.update(p.id, { condition: null });
    expect((await admin.policies.get(p.id)).condition).toBeNull();
  });

  it("a body id equal to the policy's id is accepted", async () => {
    const p = await admin.policies.create({ name: 'Mine', resource: '/a' });
    await admin.policies.update(p.id, { id: p.id, description: 'ok' });
    expect((await admin.policies.get(p.id)).description).toBe('ok');
  });

  it("a body id other than the policy's id → VALIDATION at /id, and nothing changes", async () => {
    const p = await admin.policies.create({ name: 'Mine', resource: '/a' });
    const other = await admin.policies.create({ name: 'Other', resource: '/a' });
    expect(await pointersOf(admin.policies.update(p.id, { id: other.id, description: 'no' }))).toEqual(['/id']);
    expect(await pointersOf(admin.policies.update(p.id, { id: randomUUID() }))).toEqual(['/id']);
    expect((await admin.policies.get(p.id)).description).toBe(p.description);
  });

  it('an update with an unknown field, permissions or isReadOnly: true changes nothing', async () => {
    const p = await admin.policies.create({ name: 'Stay', resource: '/a' });
    await pointersOf(admin.policies.update(p.id, { description: 'no', colour: 1 } as never));
    await pointersOf(admin.policies.update(p.id, { description: 'no', permissions: [] } as never));
    await pointersOf(admin.policies.update(p.id, { description: 'no', isReadOnly: true as never }));
    expect(await admin.policies.get(p.id, { conditionJson: true })).toEqual(p);
  });

  it('an empty update body changes nothing', async () => {
    const p = await admin.policies.create({ name: 'Same', resource: '/a' });
    await admin.policies.update(p.id, {});
    expect(await admin.policies.get(p.id, { conditionJson: true })).toEqual(p);
  });

  it('an update that turns an Allow with an approval block into a Deny → VALIDATION', async () => {
    const p = await admin.policies.create({ name: 'Appr', resource: '/a', condition: { approval: APPROVAL } });
    await pointersOf(admin.policies.update(p.id, { accessType: 'Deny' }));
    expect((await admin.policies.get(p.id)).accessType).toBe('Allow');
  });

  it('adding an approval block to a Deny policy → VALIDATION', async () => {
    const p = await admin.policies.create({ name: 'Deny', resource: '/a', accessType: 'Deny' });
    const pointers = await pointersOf(admin.policies.update(p.id, { condition: { approval: APPROVAL } }));
    for (const pointer of pointers) expect(pointer.startsWith('/condition')).toBe(true);
    expect((await admin.policies.get(p.id)).condition).toBeNull();
  });

  it('a policy reads back the same after the store is opened again', async () => {
    const p = await admin.policies.create({
      name: 'Durable',
      description: 'kept',
      resource: '/a/b/*',
      accessLevel: 'SM_CRUD',
      accessType: 'Allow',
      condition: { ipAddress: '10.0.0.0/8', approval: APPROVAL },
      members: { users: [{ id: 'u1', name: 'One' }], tags: [{ id: 'g' }], tokens: [], serviceIdentities: [{ id: 's' }] },
    });
    const reopened = await t.reopen();
    expect(await reopened.store.as(ADMIN).policies.get(p.id, { conditionJson: true })).toEqual(p);
  });

  it('each policy operation emits one audit event naming the policy id', async () => {
    const before = t.audit.length;
    const p = await admin.policies.create({ name: 'Audited', resource: '/a' });
    await admin.policies.get(p.id);
    await admin.policies.update(p.id, { description: 'x' });
    await admin.policies.list();
    await admin.policies.delete(p.id);
    await refused(admin.policies.get(p.id), 'NOT_FOUND');
    const events = t.audit.slice(before);
    expect(events.map((e) => e.action)).toEqual(['policies.create', 'policies.get', 'policies.update', 'policies.list', 'policies.delete', 'policies.get']);
    for (const event of [events[0], events[1], events[2], events[4]]) expect(event).toMatchObject({ target: p.id, outcome: 'allowed', reason: 'admin' });
    expect(events[5]).toMatchObject({ target: p.id, outcome: 'refused', code: 'NOT_FOUND' });
  });

  // ---------------------------------------------------------------- §3 order

  it('malformed input comes first: VALIDATION even for an unknown id or a caller without rights', async () => {
    const nobody = store.as({ id: 'nobody' });
    await pointersOf(admin.policies.update(randomUUID(), { name: 'bad.name' }));
    const p = await admin.policies.create({ name: 'Target', resource: '/a' });
    await pointersOf(nobody.policies.update(p.id, { name: 'bad.name' }));
    await pointersOf(nobody.policies.create({ name: 'bad.name', resource: '/a' }));
  });

  it('an unknown id comes before authorization, authorization before a missing resource item and a taken name', async () => {
    const nobody = store.as({ id: 'nobody' });
    await refused(nobody.policies.update(randomUUID(), { resource: '/nope' }), 'NOT_FOUND');
    await refused(nobody.policies.create({ name: 'P', resource: '/nope' }), 'FORBIDDEN');
    await refused(admin.policies.create({ name: 'P', resource: '/nope' }), 'NOT_FOUND');
    await admin.policies.create({ name: 'Taken', resource: '/a' });
    await refused(nobody.policies.create({ name: 'Taken', resource: '/a' }), 'FORBIDDEN');
    // A missing resource item comes before the state check (a taken name).
    await refused(admin.policies.create({ name: 'Taken', resource: '/nope' }), 'NOT_FOUND');
    await refused(admin.policies.create({ name: 'Taken', resource: '/a' }), 'ALREADY_EXISTS');
  });
});
