// The policy model (policy.ts, SPEC §6.1, §6.4, §9): create and update bodies
// with every problem at once, the stored policy and its partial updates, when
// an update changes nothing or ends approval requests, and the views.

import { describe, it, expect } from 'vitest';
import { newPolicy, NO_MEMBERS, parsePolicyBody, policySummary, policyView, samePolicy, updateEndsRequests, withFields, type Policy } from '../../src/core/policy.js';
import { DELETED_RESOURCE } from '../../src/core/permissions.js';
import type { ErrorDetail } from '../../src/core/errors.js';
import { problemsOf } from '../support/problems.js';


const create = (body: unknown) => parsePolicyBody(body, true);
const update = (body: unknown, currentAccessType: 'Allow' | 'Deny' = 'Allow') => parsePolicyBody(body, false, currentAccessType, 'pol-1');
const NAME_RULE = 'must be 1–128 characters of ASCII letters, digits, space, `_` and `-`';
const approval = { approvers: { userIds: ['boss'] }, validFor: 60, timeToApprove: 30, notificationMedium: 'mail' };

describe('parsePolicyBody: create and update bodies', () => {
  it('a create body needs a name and a resource, and lists both when both are missing', () => {
    expect(problemsOf(() => create({}))).toEqual([
      { pointer: '/name', message: 'is required' },
      { pointer: '/resource', message: 'is required' },
    ]);
    expect(create({ name: 'ops', resource: '/a/' })).toMatchObject({ name: 'ops', resource: { text: '/a', kind: 'exact' } });
  });

  it('an update body may be empty, and gives only the fields present', () => {
    expect(update({})).toEqual({});
    expect(Object.keys(update({ isDraft: true, accessLevel: 'SM_CRUD' }))).toEqual(['isDraft', 'accessLevel']);
  });

  it('lists every problem at once, each at its pointer', () => {
    const problems = problemsOf(() => create({ id: 'x', name: 'bad!', resource: '/a*', permissions: [], isReadOnly: true, consumer: 'c', accessLevel: 'SM_X', extra: 1, condition: { ipAddress: 'nope' } }));
    expect(problems.map((p) => p.pointer).sort()).toEqual(['/accessLevel', '/condition/ipAddress', '/consumer', '/extra', '/id', '/isReadOnly', '/name', '/permissions', '/resource']);
  });

  const names: [string, string | ErrorDetail][] = [
    ['ops', 'ops'],
    ['Prod DB_read-1', 'Prod DB_read-1'],
    ['  padded  ', 'padded'],
    ['a'.repeat(128), 'a'.repeat(128)],
    [` ${'a'.repeat(128)} `, 'a'.repeat(128)],
    ['a'.repeat(129), { pointer: '/name', message: NAME_RULE }],
    ['a'.repeat(513), { pointer: '/name', message: 'is longer than 128 characters' }],
    ['', { pointer: '/name', message: NAME_RULE }],
    ['   ', { pointer: '/name', message: NAME_RULE }],
    ['ops!', { pointer: '/name', message: NAME_RULE }],
    ['café', { pointer: '/name', message: NAME_RULE }],
    ['tab\there', { pointer: '/name', message: NAME_RULE }],
  ];
  for (const [name, expected] of names) {
    it(`name ${JSON.stringify(name.length > 20 ? `${name.slice(0, 3)}…(${name.length})` : name)} → ${typeof expected === 'string' ? 'stored trimmed' : expected.message}`, () => {
      if (typeof expected === 'string') expect(update({ name }).name).toBe(expected);
      else expect(problemsOf(() => update({ name }))).toEqual([expected]);
    });
  }

  const rules: [string, () => unknown, ErrorDetail[]][] = [
    ['an id in a create body', () => create({ id: 'mine', name: 'n', resource: '*' }), [{ pointer: '/id', message: 'is made by the store and cannot be given' }]],
    ["an id in an update body other than the policy's own", () => update({ id: 'pol-2' }), [{ pointer: '/id', message: "must be the policy's own id" }]],
    ['permissions, whatever their value', () => update({ permissions: null }), [{ pointer: '/permissions', message: 'are derived from accessLevel and resource and cannot be written' }]],
    ['isReadOnly: true', () => update({ isReadOnly: true }), [{ pointer: '/isReadOnly', message: 'only built-in policies are read-only' }]],
    ['a consumer other than secretmanager', () => update({ consumer: 'vault' }), [{ pointer: '/consumer', message: 'must be `secretmanager`' }]],
    ['a description over 255 characters', () => update({ description: 'd'.repeat(256) }), [{ pointer: '/description', message: 'must NOT have more than 255 characters' }]],
    ['a description with a lone surrogate', () => update({ description: 'd\uD800' }), [{ pointer: '/description', message: 'is not valid Unicode (it holds a lone surrogate)' }]],
    ['an unknown access type', () => update({ accessType: 'Maybe' }), [{ pointer: '/accessType', message: 'must be one of `Allow`, `Deny`' }]],
    ['isActive that is not a boolean', () => update({ isActive: 'yes' }), [{ pointer: '/isActive', message: 'must be true or false' }]],
    ['a member without an id, an unknown member list', () => update({ members: { users: [{ name: 'x' }], groups: [] } }), [{ pointer: '/members/groups', message: 'is not a known field' }, { pointer: '/members/users/0/id', message: 'is required' }]],
    ['a member id over 255 characters', () => update({ members: { tags: [{ id: 'g'.repeat(256) }] } }), [{ pointer: '/members/tags/0/id', message: 'must NOT have more than 255 characters' }]],
    ['an unknown field in a member', () => update({ members: { tokens: [{ id: 't', role: 'x' }] } }), [{ pointer: '/members/tokens/0/role', message: 'is not a known field' }]],
    ['an approval block on a Deny body', () => create({ name: 'n', resource: '*', accessType: 'Deny', condition: { approval } }), [{ pointer: '/condition/approval', message: 'an approval block is allowed on an Allow policy only' }]],
    ['an approval block added to a Deny policy', () => update({ condition: { approval } }, 'Deny'), [{ pointer: '/condition/approval', message: 'an approval block is allowed on an Allow policy only' }]],
    ['a condition that is not JSON', () => update({ condition: 'not json' }), [{ pointer: '/condition', message: 'is not valid JSON' }]],
    ['a body that is not an object', () => update([]), [{ pointer: '', message: 'must be an object' }]],
  ];
  for (const [rule, run, expected] of rules) {
    it(`VALIDATION for ${rule}`, () => {
      const problems = problemsOf(run);
      expect(problems).toHaveLength(expected.length);
      expect(problems).toEqual(expect.arrayContaining(expected));
    });
  }

  it("accepted as given: the policy's own id, isReadOnly false, consumer secretmanager", () => {
    expect(update({ id: 'pol-1', isReadOnly: false, consumer: 'secretmanager' })).toEqual({});
  });

  it('a Deny policy made an Allow in the same body may take an approval block', () => {
    expect(update({ accessType: 'Allow', condition: { approval } }, 'Deny').condition?.approval).not.toBeNull();
  });

  it('members are copied frozen, names kept, lists left out empty', () => {
    const { members } = update({ members: { users: [{ name: 'Alice', id: 'alice' }], tags: [{ id: 'ops' }] } });
    expect(members).toEqual({ users: [{ id: 'alice', name: 'Alice' }], tags: [{ id: 'ops' }], tokens: [], serviceIdentities: [] });
    expect(Object.keys(members!.users[0]!)).toEqual(['id', 'name']);
    expect(Object.isFrozen(members)).toBe(true);
    expect(Object.isFrozen(members!.users[0])).toBe(true);
  });

  it('a condition given as {} or "" is no condition (null); as an object or its JSON string it is normalised alike', () => {
    expect(update({ condition: {} }).condition).toBeNull();
    expect(update({ condition: '' }).condition).toBeNull();
    const asObject = update({ condition: { ipAddress: '10.0.0.0/8' } }).condition;
    expect(asObject).toEqual({ ipAddress: '10.0.0.0/8', timeOfAccess: null, approval: null });
    expect(update({ condition: JSON.stringify({ ipAddress: '10.0.0.0/8' }) }).condition).toEqual(asObject);
  });
});

const fields = (body: unknown) => create(body);
const base = (over: Record<string, unknown> = {}) => newPolicy('pol-1', fields({ name: 'Ops', resource: '/a/*', ...over }), 'item-a', ['p0', 'p1', 'p2']);

describe('newPolicy and withFields', () => {
  it('a new policy takes the defaults of SPEC §6.1 and is frozen', () => {
    const policy = base();
    expect(policy).toMatchObject({ id: 'pol-1', name: 'Ops', sortKey: 'ops', description: '', isActive: true, isDraft: false, isReadOnly: false, condition: null, compiled: null, accessLevel: 'SM_View', accessType: 'Allow', boundItemId: 'item-a', permissionIds: ['p0', 'p1', 'p2'] });
    expect(policy.members).toEqual(NO_MEMBERS);
    expect(policy.resource.text).toBe('/a/*');
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.permissionIds)).toBe(true);
  });

  it('a condition is compiled once; an update that keeps it keeps the compiled form', () => {
    const policy = base({ condition: { ipAddress: '10.0.0.0/8' } });
    expect(policy.compiled?.condition).toEqual(policy.condition);
    expect(withFields(policy, update({ isDraft: true }), 'item-a').compiled).toBe(policy.compiled);
    expect(withFields(policy, update({ condition: null }), 'item-a').compiled).toBeNull();
    expect(withFields(policy, update({ condition: { ipAddress: '10.1.0.0/16' } }), 'item-a').compiled?.condition.ipAddress).toBe('10.1.0.0/16');
  });

  it('withFields replaces the fields present and keeps the rest, the id, isReadOnly and the permission ids', () => {
    const policy = base({ description: 'd', accessLevel: 'SM_CRUD' });
    const updated = withFields({ ...policy, isReadOnly: true }, update({ name: 'Renamed', isActive: false }), 'item-b');
    expect(updated).toMatchObject({ id: 'pol-1', name: 'Renamed', sortKey: 'renamed', description: 'd', isActive: false, accessLevel: 'SM_CRUD', isReadOnly: true, boundItemId: 'item-b', permissionIds: ['p0', 'p1', 'p2'] });
  });
});

describe('samePolicy and updateEndsRequests', () => {
  const policy = base({ description: 'd', members: { users: [{ id: 'u', name: 'U' }] }, condition: { ipAddress: '10.0.0.0/8' } });
  const changed = (body: unknown, bound = 'item-a') => withFields(policy, update(body), bound);
  const rows: [string, () => Policy, boolean, boolean][] = [
    // rule, updated policy, same?, ends requests?
    ['nothing given', () => changed({}), true, false],
    ['every field given as it is (after normalisation)', () => changed({ name: ' Ops ', description: 'd', isActive: true, isDraft: false, accessLevel: 'SM_View', accessType: 'Allow', members: { users: [{ name: 'U', id: 'u' }] }, condition: '{"ipAddress":"10.0.0.0/8"}' }), true, false],
    ['a new name', () => changed({ name: 'Other' }), false, false],
    ['a name in another case', () => changed({ name: 'OPS' }), false, false],
    ['a new description', () => changed({ description: 'e' }), false, false],
    ['deactivated', () => changed({ isActive: false }), false, true],
    ['made a draft', () => changed({ isDraft: true }), false, true],
    ['other members', () => changed({ members: { users: [{ id: 'v' }] } }), false, true],
    // Who the members are is unchanged: a display name is not who they are (docs/decisions.md).
    ["a member's name changed: a change that keeps the requests", () => changed({ members: { users: [{ id: 'u', name: 'Ursula' }] } }), false, false],
    ['another resource', () => changed({ resource: '/b/*' }, 'item-b'), false, true],
    ['the same resource string bound to another item', () => changed({}, 'item-a2'), false, true],
    ['another access level', () => changed({ accessLevel: 'SM_Manage' }), false, true],
    ['another access type', () => changed({ accessType: 'Deny' }), false, true],
    ['another condition', () => changed({ condition: { ipAddress: '10.0.0.0/16' } }), false, true],
    ['the condition removed', () => changed({ condition: null }), false, true],
  ];
  for (const [rule, make, same, ends] of rows) {
    it(`${rule}: ${same ? 'changes nothing' : 'is a change'}, ${ends ? 'ends' : 'keeps'} the approval requests`, () => {
      const updated = make();
      expect(samePolicy(policy, updated)).toBe(same);
      expect(updateEndsRequests(policy, updated)).toBe(ends);
    });
  }

  it('activating or un-drafting a policy ends nothing', () => {
    const inactive = withFields(policy, update({ isActive: false, isDraft: true }), 'item-a');
    expect(updateEndsRequests(inactive, withFields(inactive, update({ isActive: true, isDraft: false }), 'item-a'))).toBe(false);
  });
});

describe('policyView and policySummary', () => {
  const policy = base({ description: 'd', accessLevel: 'SM_CRUD', members: { tags: [{ id: 'ops', name: 'Ops' }] }, condition: { ipAddress: '10.0.0.0/8' } });

  it('a view has the seed fields in order; the condition as an object or its JSON string; null either way when none', () => {
    const view = policyView(policy, true, true);
    expect(Object.keys(view)).toEqual(['id', 'name', 'description', 'isActive', 'isDraft', 'isReadOnly', 'condition', 'permissions', 'members', 'accessLevel', 'resource', 'consumer', 'accessType']);
    expect(view).toMatchObject({ id: 'pol-1', name: 'Ops', description: 'd', accessLevel: 'SM_CRUD', resource: '/a/*', consumer: 'secretmanager', accessType: 'Allow' });
    expect(view.condition).toEqual({ ipAddress: '10.0.0.0/8', timeOfAccess: null, approval: null });
    expect(policyView(policy, true, false).condition).toBe('{"ipAddress":"10.0.0.0/8","timeOfAccess":null,"approval":null}');
    expect(policyView(base(), true, true).condition).toBeNull();
    expect(policyView(base(), true, false).condition).toBeNull();
    expect(view.members).toEqual({ users: [], tags: [{ id: 'ops', name: 'Ops' }], tokens: [], serviceIdentities: [] });
    expect(view.permissions.map((p) => [p.id, p.name, p.resources])).toEqual([
      ['p0', 'Ops_PC_0', ['/']],
      ['p1', 'Ops_PC_1', ['/a/*']],
      ['p2', 'Ops_PC_2', ['*']],
    ]);
  });

  it('a view is fresh: changing it changes neither the policy nor the next view', () => {
    const view = policyView(policy, true, true);
    view.members.tags.push({ id: 'x' });
    (view.members.tags[0] as { name: string }).name = 'changed';
    (view.condition as { ipAddress: string }).ipAddress = 'changed';
    const next = policyView(policy, true, true);
    expect(next.members.tags).toEqual([{ id: 'ops', name: 'Ops' }]);
    expect((next.condition as { ipAddress: string }).ipAddress).toBe('10.0.0.0/8');
    expect(policy.condition!.ipAddress).toBe('10.0.0.0/8');
  });

  it('a dead policy shows Deleted resource/s in permissions 0 and 1 but keeps its resource string', () => {
    const view = policyView(policy, false, true);
    expect(view.resource).toBe('/a/*');
    expect(view.permissions.map((p) => p.resources)).toEqual([[DELETED_RESOURCE], [DELETED_RESOURCE], ['*']]);
  });

  it('a summary: id, name, description, isActive, isDraft, isReadOnly, resources, accessType', () => {
    const summary = policySummary(policy, true);
    expect(Object.keys(summary)).toEqual(['id', 'name', 'description', 'isActive', 'isDraft', 'isReadOnly', 'resources', 'accessType']);
    expect(summary.resources).toEqual(['*', '/', '/a/*']);
    expect(policySummary(policy, false).resources).toEqual(['*', DELETED_RESOURCE]);
  });
});
