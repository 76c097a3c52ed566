// decide() (src/core/decide.ts), question by question: whose ACL a question
// reads (the item; for a create, the directory it is made in; none for a
// missing item), where the policy walk starts, which item an approval must be
// for, and the "covers" rule of policy questions (SPEC §5, §8,
// docs/decisions.md). The combining rule itself is test/core/decision.test.ts's.

import { describe, it, expect } from 'vitest';
import { OPERATION_RULES, type ItemOperation } from '../../src/core/actions.js';
import { decide, type Question } from '../../src/core/decide.js';
import type { FactsSource } from '../../src/core/state/grants.js';
import { parseResource } from '../../src/core/resources.js';
import type { State } from '../../src/core/state/state.js';
import type { Principal } from '../../src/core/types.js';
import { aclEntry, callerOf, idOf, makePolicy, principalOf, putPolicy, stateWith, type PolicyOptions } from './state-fixtures.js';

const user = (id: string, groups: string[] = []) => principalOf(id, 'user', groups);
const APPROVAL = { approval: { approvers: { userIds: ['boss'] }, validFor: 60, isValidForInDays: false, timeToApprove: 30, notificationMedium: 'channel-1' } };

/**
 * /a (u: read), /a/d (group g: read_write), /a/d/s (w: read_write), /a/s (u: read), /b.
 */
function store(): State {
  return stateWith(['/a/', '/a/d/', '/a/d/s', '/a/s', '/b/'], {
    '/a': [aclEntry('user', 'u', 'read')],
    '/a/d': [aclEntry('group', 'g', 'read_write')],
    '/a/d/s': [aclEntry('user', 'w', 'read_write')],
    '/a/s': [aclEntry('user', 'u', 'read')],
  });
}

function withPolicies(state: State, ...specs: [string, string, PolicyOptions][]): State {
  state.apply(specs.map(([name, resource, options], i) => putPolicy(makePolicy(state, `p${i}-${name}`, name, resource, options))));
  return state;
}

const ask = (state: State, who: Principal, question: Question, facts?: FactsSource) => decide(state, callerOf(state, who, facts), question);
const reason = (state: State, who: Principal, question: Question, facts?: FactsSource) => ask(state, who, question, facts).decision.reason;
const item = (operation: ItemOperation, path: string): Question => ({ kind: 'item', operation, path });
const policyQ = (resource: string, action = 'authz.policy.update'): Question => ({ kind: 'policy', action, resource: parseResource(resource) });

describe('decide: admins', () => {
  it('an admin is allowed at once, for every question, before any policy is weighed (a Deny naming the admin is never read)', () => {
    const admin = principalOf('root', 'user', [], true);
    const state = withPolicies(store(), ['Deny all', '*', { users: ['root'], accessType: 'Deny', accessLevel: 'SM_Manage', condition: { ipAddress: '10.0.0.0/8' } }]);
    const facts = () => {
      throw new Error('the request facts were read');
    };
    const questions: Question[] = [item('read', '/a/s'), item('delete', '/nope/deeper'), item('create', '/a/new'), { kind: 'createIn', directory: state.items.ordinalAt('/a')! }, policyQ('/a/*'), { kind: 'global', action: 'sm.vault.read' }];
    for (const question of questions) expect(ask(state, admin, question, facts)).toEqual({ decision: { allowed: true, effect: 'allow', reason: 'admin' }, isPathOnly: false });
  });
});

describe('decide: the ACL a question reads', () => {
  it("an item operation on an existing item reads that item's ACL: read for list and read, read_write for patches and delete", () => {
    const state = store();
    const ops: ItemOperation[] = ['list', 'read', 'patchSecret', 'patchDirectory', 'delete'];
    const want = (access: 'read' | 'read_write', op: ItemOperation) => (OPERATION_RULES[op].aclAccess === 'read' || access === 'read_write' ? 'acl' : 'default_deny');
    expect(ops.map((op) => reason(state, user('u'), item(op, '/a/s')))).toEqual(ops.map((op) => want('read', op)));
    expect(ops.map((op) => reason(state, user('v', ['g']), item(op, '/a/d')))).toEqual(ops.map((op) => want('read_write', op)));
    expect(ops.map((op) => reason(state, user('v'), item(op, '/a/d')))).toEqual(ops.map(() => 'default_deny'));
  });

  it("an ACL names the item only: the directory's entry gives nothing on its children", () => {
    const state = store();
    expect(reason(state, user('v', ['g']), item('read', '/a/d/s'))).toBe('default_deny');
    expect(reason(state, user('u'), item('list', '/a/d'))).toBe('default_deny');
  });

  it("a create reads the ACL of the directory the item is made in (read_write), not the item's own when it exists", () => {
    const state = store();
    expect(reason(state, user('v', ['g']), item('create', '/a/d/new'))).toBe('acl');
    expect(reason(state, user('v', ['g']), item('create', '/a/d/s'))).toBe('acl');
    expect(reason(state, user('w'), item('create', '/a/d/s'))).toBe('default_deny'); // w's read_write is on /a/d/s itself
    expect(reason(state, user('u'), item('create', '/a/new'))).toBe('default_deny'); // read on /a is not enough
  });

  it('a missing path has no ACL, not even its parent directory’s', () => {
    const state = store();
    for (const op of ['list', 'read', 'patchSecret', 'delete'] as const) expect(reason(state, user('v', ['g']), item(op, '/a/d/missing'))).toBe('default_deny');
    expect(reason(state, user('v', ['g']), item('create', '/a/d/missing/deeper'))).toBe('default_deny'); // its directory is missing too
  });

  it('the ACL is read only when aclMayGrant says it may name the caller: with no filter bits an entry that names the caller is never read', () => {
    const state = store();
    const question = item('read', '/a/s');
    const u = user('u');
    expect(decide(state, callerOf(state, u), question).decision.reason).toBe('acl');
    expect(decide(state, callerOf(state, u, undefined, 0), question).decision.reason).toBe('default_deny');
    // Every bit set: every ACL is read, and only a real entry grants.
    expect(decide(state, callerOf(state, u, undefined, -1), question).decision.reason).toBe('acl');
    expect(decide(state, callerOf(state, user('x'), undefined, -1), question).decision.reason).toBe('default_deny');
  });

  it('a Deny policy beats an ACL entry', () => {
    const state = withPolicies(store(), ['No', '/a/s', { users: ['u'], accessType: 'Deny' }]);
    expect(ask(state, user('u'), item('read', '/a/s')).decision).toMatchObject({ reason: 'explicit_deny', policyId: 'p0-No' });
  });
});

describe('decide: where the policy walk starts', () => {
  const granted = () =>
    withPolicies(
      store(),
      ['Sub', '/a/d/*', { users: ['x'], accessLevel: 'SM_CRUD' }],
      ['Exact', '/a/d', { users: ['y'], accessLevel: 'SM_CRUD' }],
      ['Above', '/a/*', { users: ['z'] }],
      ['At a', '/a', { users: ['z2'] }],
      ['Deep', '/a/d/s', { users: ['z3'] }],
    );

  it('a create is decided on the would-be child: subtree grants on the directory apply, an exact grant on the directory does not', () => {
    const state = granted();
    expect(reason(state, user('x'), item('create', '/a/d/new'))).toBe('policy');
    expect(reason(state, user('y'), item('create', '/a/d/new'))).toBe('default_deny');
    expect(reason(state, user('y'), item('patchDirectory', '/a/d'))).toBe('policy');
    expect(reason(state, user('y'), item('create', '/a/d'))).toBe('policy'); // creating /a/d itself: the grant on /a/d
  });

  it('a Deny on the directory blocks creating in it only when it is a subtree Deny', () => {
    const state = withPolicies(store(), ['Can', '/a/*', { users: ['x'], accessLevel: 'SM_CRUD' }], ['Not here', '/a/d', { users: ['x'], accessType: 'Deny', accessLevel: 'SM_CRUD' }]);
    expect(reason(state, user('x'), item('create', '/a/d/new'))).toBe('policy');
    const denied = withPolicies(store(), ['Can', '/a/*', { users: ['x'], accessLevel: 'SM_CRUD' }], ['Not below', '/a/d/*', { users: ['x'], accessType: 'Deny', accessLevel: 'SM_CRUD' }]);
    expect(ask(denied, user('x'), item('create', '/a/d/new')).decision).toMatchObject({ reason: 'explicit_deny', policyId: 'p1-Not below' });
  });

  it('a missing path: only subtree grants above it apply; listing the path toward a grant needs the directory to exist', () => {
    const state = granted();
    expect(reason(state, user('z'), item('read', '/a/missing/deeper'))).toBe('policy');
    expect(reason(state, user('z2'), item('read', '/a/missing'))).toBe('default_deny');
    expect(ask(state, user('z3'), item('list', '/a'))).toMatchObject({ decision: { reason: 'policy', policyId: 'p4-Deep' }, isPathOnly: true });
    expect(ask(state, user('z3'), item('list', '/a/missing'))).toMatchObject({ decision: { reason: 'default_deny' }, isPathOnly: false });
    expect(reason(state, user('z3'), item('read', '/a'))).toBe('default_deny'); // permission 0 lists only
  });

  it('createIn a directory is a create of a child there: its ACL, its subtree grants, not its exact ones', () => {
    const state = granted();
    const createIn: Question = { kind: 'createIn', directory: state.items.ordinalAt('/a/d')! };
    expect(['v', 'x', 'y', 'u'].map((id) => reason(state, user(id, id === 'v' ? ['g'] : []), createIn))).toEqual(['acl', 'policy', 'default_deny', 'default_deny']);
  });
});

describe('decide: which item an approval is for', () => {
  const gated = () => withPolicies(store(), ['Gate', '/a/*', { users: ['ap'], accessLevel: 'SM_CRUD', condition: APPROVAL }]);
  /** Facts where the caller holds a live approval for `path` only; the ids asked are recorded. */
  const approvedFor = (path: string, asked: (string | undefined)[]) => ({ now: 0, client: null, hasLiveApproval: (_: string, itemId: string | undefined) => (asked.push(itemId), itemId === idOf(path)) });

  it("patchDirectory's approval is given on the directory it sits in (docs/decisions.md), not on the directory patched", () => {
    const state = gated();
    const asked: (string | undefined)[] = [];
    expect(reason(state, user('ap'), item('patchDirectory', '/a/d'), approvedFor('/a', asked))).toBe('policy');
    expect(asked).toEqual([idOf('/a')]);
    expect(ask(state, user('ap'), item('patchDirectory', '/a/d'), approvedFor('/a/d', []))).toMatchObject({ decision: { reason: 'approval_required', policyIds: ['p0-Gate'] } });
  });

  it('patchSecret and read are approved on the item itself; a create and createIn on the directory it is made in', () => {
    const state = gated();
    expect(reason(state, user('ap'), item('patchSecret', '/a/d/s'), approvedFor('/a/d/s', []))).toBe('policy');
    expect(reason(state, user('ap'), item('patchSecret', '/a/d/s'), approvedFor('/a/d', []))).toBe('approval_required');
    expect(reason(state, user('ap'), item('read', '/a/s'), approvedFor('/a/s', []))).toBe('policy');
    expect(reason(state, user('ap'), item('create', '/a/d/new'), approvedFor('/a/d', []))).toBe('policy');
    expect(reason(state, user('ap'), item('create', '/a/d/new'), approvedFor('/a/d/new', []))).toBe('approval_required');
    expect(reason(state, user('ap'), { kind: 'createIn', directory: state.items.ordinalAt('/a/d')! }, approvedFor('/a/d', []))).toBe('policy');
  });

  it('a missing item has no id to approve: an approval never applies there', () => {
    const asked: (string | undefined)[] = [];
    expect(reason(gated(), user('ap'), item('read', '/a/missing'), approvedFor('/a', asked))).toBe('approval_required');
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((id) => id === undefined)).toBe(true);
  });
});

describe('decide: policy and global questions', () => {
  const managed = () =>
    withPolicies(
      store(),
      ['Sub', '/a/*', { users: ['m1'], accessLevel: 'SM_Manage' }],
      ['Exact', '/a/d', { users: ['m2'], accessLevel: 'SM_Manage' }],
      ['All', '*', { users: ['m3', 'm4'], accessLevel: 'SM_Manage' }],
      ['Not a', '/a/*', { users: ['m4'], accessLevel: 'SM_Manage', accessType: 'Deny' }],
      ['Crud', '*', { users: ['c'], accessLevel: 'SM_CRUD' }],
    );
  const ASKED = ['/a', '/a/d', '/a/d/*', '/a/*', '/a/missing', '/a/missing/*', '/b', '/', '/*', '*'];

  it('policy questions use the covers rule: /a/* covers /a and all below; /a/d covers only /a/d; * covers all', () => {
    const state = managed();
    const allowed = (who: string) => ASKED.filter((r) => ask(state, user(who), policyQ(r)).decision.allowed);
    expect(allowed('m1')).toEqual(['/a', '/a/d', '/a/d/*', '/a/*', '/a/missing', '/a/missing/*']);
    expect(allowed('m2')).toEqual(['/a/d']);
    expect(allowed('m3')).toEqual(ASKED);
    expect(allowed('c')).toEqual([]); // SM_CRUD lists no authz.policy action
  });

  it('a Deny is matched by the same covers rule: a Deny on /a/* blocks managing a policy on anything it covers', () => {
    const state = managed();
    const reasons = ASKED.map((r) => reason(state, user('m4'), policyQ(r)));
    expect(reasons).toEqual(['explicit_deny', 'explicit_deny', 'explicit_deny', 'explicit_deny', 'explicit_deny', 'explicit_deny', 'policy', 'policy', 'policy', 'policy']);
  });

  it("global actions are permission 2's, on `*`: any policy of the member grants its level's, whatever its own resource", () => {
    const state = withPolicies(store(), ['View d', '/a/d', { tags: ['viewers'] }], ['Manage b', '/b/*', { users: ['mgr'], accessLevel: 'SM_Manage' }], ['No vault', '/b', { users: ['nv'], accessType: 'Deny' }], ['Vault', '*', { users: ['nv'] }]);
    const global = (who: Principal, action: string) => reason(state, who, { kind: 'global', action });
    expect(global(user('v', ['viewers']), 'sm.vault.read')).toBe('policy');
    expect(global(user('v', ['viewers']), 'sm.passwordpolicy.update')).toBe('default_deny');
    expect(global(user('mgr'), 'sm.passwordpolicy.update')).toBe('policy');
    expect(global(user('nv'), 'sm.vault.read')).toBe('explicit_deny');
    expect(global(user('mgr'), 'sm.unknown.action')).toBe('default_deny');
    expect(global(user('nobody'), 'sm.vault.read')).toBe('default_deny');
  });
});
