// The pure operations (src/core/ops/*) driven directly on a State: each
// returns a Change — the records to write, their deltas, the result and the
// audit reason — or throws before any change, in the order of SPEC §3
// (VALIDATION; the missing item: NOT_FOUND / FORBIDDEN; FORBIDDEN /
// APPROVAL_REQUIRED; state). Applying a change's deltas gives the State the
// next operation sees.

import { describe, it, expect } from 'vitest';
import { createItem, deleteItem, getItem, patchItem } from '../../src/core/ops/items.js';
import { deleteAccess, putAccess } from '../../src/core/ops/acl.js';
import { createPolicy, deletePolicy, updatePolicy } from '../../src/core/ops/policies.js';
import { decideApproval, requestApproval } from '../../src/core/ops/approvals.js';
import { deltaOf, type Change } from '../../src/core/change.js';
import { State } from '../../src/core/state/state.js';
import { memberKeysOf } from '../../src/core/state/grants.js';
import { principalAclBits } from '../../src/core/acl.js';
import { parsePrincipal } from '../../src/core/principal.js';
import { refOf, type ApprovalRequest } from '../../src/core/approvals.js';
import { CofferError, type ErrorCode } from '../../src/core/errors.js';
import { policyOf, type Policy } from '../../src/core/policy.js';
import type { Caller } from '../../src/core/decide.js';
import type { AclEntry, ItemRecord, ItemType } from '../../src/core/types.js';

const T0 = Date.UTC(2024, 0, 1);
const NOW = Date.UTC(2024, 5, 1, 12);
const MINUTE = 60_000;
const rw = (id: string): AclEntry => ({ entity: { type: 'user', id }, access: 'read_write' });

const record = (id: string, parentId: string | null, name: string, type: ItemType, over: Partial<ItemRecord> = {}): ItemRecord => {
  return { id, parentId, name, type, createdAt: T0, updatedAt: T0, createdBy: 'coffer', description: undefined, version: type === 'secret' ? 1 : 0, acl: [], ...over };
};
const ROOT = record('root', null, '', 'directory');

function tree(...records: ItemRecord[]): State {
  const state = new State();
  state.apply([ROOT, ...records].map((item) => ({ kind: 'putItem' as const, item })));
  return state;
}

/** /a (alice rw) holding s (v3, alice rw), one (v1), two (v2); /h holding k; /top, a secret. */
const world = () =>
  tree(
    record('a', 'root', 'a', 'directory', { acl: [rw('alice')] }),
    record('s', 'a', 's', 'secret', { version: 3, acl: [rw('alice')] }),
    record('one', 'a', 'one', 'secret'),
    record('two', 'a', 'two', 'secret', { version: 2 }),
    record('h', 'root', 'h', 'directory'),
    record('k', 'h', 'k', 'secret'),
    record('top', 'root', 'top', 'secret'),
  );

const WHO = { admin: { id: 'root-admin', admin: true }, alice: { id: 'alice' }, bob: { id: 'bob' }, carol: { id: 'carol' }, boss: { id: 'boss' } };
type Who = keyof typeof WHO;

/** The caller as a session makes it, from the state as it is now. */
function as(state: State, who: Who, now = NOW): Caller {
  const principal = parsePrincipal(WHO[who]);
  const hasLiveApproval = (policyId: string, itemId: string | undefined) => itemId !== undefined && state.approvals.hasLiveGrant(refOf(principal), policyId, itemId, now);
  return { principal, members: state.grants.membersOf(memberKeysOf(principal)), aclBits: principalAclBits(principal), facts: { now, client: null, hasLiveApproval } };
}

const sequential = (prefix = 'n') => {
  let n = 0;
  return () => `${prefix}${++n}`;
};
const items = (now = NOW) => ({ now, newId: sequential(), maxSecretBytes: 16 });

function refusal(run: () => unknown): CofferError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CofferError);
    return error as CofferError;
  }
  throw new Error('expected a refusal');
}

/** Checks the deltas are the records' deltas, applies them, and returns the change. */
function applied<R>(state: State, change: Change<R>): Change<R> {
  expect(change.deltas).toEqual(change.records.map(deltaOf).filter((d) => d !== undefined));
  state.apply(change.deltas);
  return change;
}

const snapshot = (state: State) => JSON.stringify([[...state.items.all()], state.policies.inOrder(), state.approvals.all()]);
const APPROVAL = { approvers: { userIds: ['boss'] }, validFor: 60, timeToApprove: 30, notificationMedium: 'mail' };
const policies = (now = NOW) => ({ now, newId: sequential('p') });

describe('item operations: the change they return', () => {
  it("create: the item record (the parent's ACL, shared), its first value, the view, and what the next operation sees", () => {
    const state = world();
    const change = applied(state, createItem(state, as(state, 'admin'), '/a/new', { type: 'secret', value: 'v', description: 'd' }, items()));
    const item = { id: 'n1', parentId: 'a', name: 'new', type: 'secret', createdAt: NOW, updatedAt: NOW, createdBy: 'root-admin', description: 'd', version: 1, acl: [rw('alice')] };
    expect(change.records).toEqual([{ kind: 'item', id: 'n1', item }, { kind: 'value', itemId: 'n1', version: 1, value: 'v' }]);
    expect((change.records[0] as { item: ItemRecord }).item.acl).toBe(state.items.at('/a')!.acl);
    expect(change.result).toEqual({ path: '/a/new', type: 'secret', id: 'n1', createdAt: '2024-06-01T12:00:00.000Z', updatedAt: '2024-06-01T12:00:00.000Z', createdBy: 'root-admin', description: 'd', version: 1 });
    expect(change.reason).toBe('admin');
    expect(state.items.at('/a/new')).toMatchObject(item);
    expect(refusal(() => createItem(state, as(state, 'admin'), '/a/new', { type: 'directory' }, items())).code).toBe('ALREADY_EXISTS');
  });

  it('create: a directory writes no value; an ACL grant on the parent is the reason', () => {
    const state = world();
    const change = createItem(state, as(state, 'alice'), '/a/d', { type: 'directory' }, items());
    expect(change.records.map((r) => r.kind)).toEqual(['item']);
    expect(change.reason).toBe('acl');
  });

  const patches: [string, string, number, { version: number; value: string | null }[]][] = [
    ['a v1 secret writes v2 and drops nothing', '/a/one', 2, [{ version: 2, value: 'new' }]],
    ['a v2 secret writes v3 and drops v1', '/a/two', 3, [{ version: 3, value: 'new' }, { version: 1, value: null }]],
    ['a v3 secret writes v4 and drops v2 (version − 2)', '/a/s', 4, [{ version: 4, value: 'new' }, { version: 2, value: null }]],
  ];
  for (const [rule, path, version, values] of patches) {
    it(`patch with a value: ${rule}`, () => {
      const state = world();
      const change = applied(state, patchItem(state, as(state, 'admin'), path, { value: 'new' }, undefined, items()));
      const id = path.slice(3);
      expect(change.records[0]).toMatchObject({ kind: 'item', id, item: { version, updatedAt: NOW, createdAt: T0 } });
      expect(change.records.slice(1)).toEqual(values.map((v) => ({ kind: 'value', itemId: id, ...v })));
      expect(change.result).toMatchObject({ path, version, updatedAt: '2024-06-01T12:00:00.000Z' });
      expect(state.items.at(path)!.version).toBe(version);
      expect(refusal(() => patchItem(state, as(state, 'admin'), path, {}, { ifVersion: version - 1 }, items())).code).toBe('CONFLICT');
      expect(patchItem(state, as(state, 'admin'), path, {}, { ifVersion: version }, items()).result).toMatchObject({ version });
    });
  }

  it('patch without a value keeps the version and writes only the item; description null removes it', () => {
    const state = world();
    applied(state, patchItem(state, as(state, 'alice'), '/a/s', { description: 'x' }, undefined, items()));
    const change = applied(state, patchItem(state, as(state, 'alice'), '/a/s', { description: null }, { ifVersion: 3 }, items(NOW + 1)));
    expect(change.records).toHaveLength(1);
    expect(change.reason).toBe('acl');
    expect(state.items.at('/a/s')).toMatchObject({ version: 3, description: undefined, updatedAt: NOW + 1 });
  });

  it("delete: removes the item and both kept values, and ends the item's open approval requests", () => {
    const state = world();
    const request = (id: string, itemId: string, status: ApprovalRequest['status']): ApprovalRequest => {
      const approvedAt = status === 'approved' ? { approvedAt: NOW - MINUTE } : {};
      const requester = { id: 'carol', kind: 'user' as const };
      return { id, sequence: Number(id.slice(1)), policyId: 'p', path: '/a/s', itemId, action: 'sm.secret.read', requester, justification: 'j', status, createdAt: NOW - MINUTE, expiresAt: NOW + 30 * MINUTE, approvers: { userIds: ['boss'], tags: [] }, validForMs: 60 * MINUTE, ...approvedAt };
    };
    state.apply(['pending', 'approved', 'rejected'].map((status, i) => ({ kind: 'putApproval' as const, request: request(`r${i + 1}`, 's', status as ApprovalRequest['status']) })));
    state.apply([{ kind: 'putApproval', request: request('r9', 'two', 'pending') }]);
    const change = applied(state, deleteItem(state, as(state, 'admin'), '/a/s', { now: NOW }));
    expect(change.records.map((r) => [r.kind, 'id' in r ? r.id : r.itemId, 'version' in r ? r.version : null])).toEqual([
      ['item', 's', null],
      ['value', 's', 3],
      ['value', 's', 2],
      ['approval', 'r1', null],
      ['approval', 'r2', null],
    ]);
    expect(change.result).toBeUndefined();
    expect(state.items.at('/a/s')).toBeUndefined();
    expect(['r1', 'r2', 'r3', 'r9'].map((id) => state.approvals.get(id)!.status)).toEqual(['revoked', 'revoked', 'rejected', 'pending']);
    expect(refusal(() => getItem(state, as(state, 'admin'), '/a/s')).code).toBe('NOT_FOUND');
    expect(deleteItem(state, as(state, 'admin'), '/a/one', { now: NOW }).records).toEqual([{ kind: 'item', id: 'one', item: null }, { kind: 'value', itemId: 'one', version: 1, value: null }]);
  });
});

describe('ACL and policy operations: the change they return', () => {
  it("putAccess writes the item with its new ACL only (times and version kept); a child created next copies it; deleting an absent entity writes nothing", () => {
    const state = world();
    const change = applied(state, putAccess(state, as(state, 'admin'), '/h', { entity: { type: 'user', id: 'bob' }, access: 'read' }));
    expect(change.records).toEqual([{ kind: 'item', id: 'h', item: { ...record('h', 'root', 'h', 'directory'), acl: [{ entity: { type: 'user', id: 'bob' }, access: 'read' }] } }]);
    expect(change.result).toEqual([{ entity: { type: 'user', id: 'bob' }, access: 'read' }]);
    expect(getItem(state, as(state, 'bob'), '/h').decision.reason).toBe('acl');
    applied(state, createItem(state, as(state, 'admin'), '/h/new', { type: 'directory' }, items()));
    expect(state.items.at('/h/new')!.acl).toEqual(change.result);
    expect(deleteAccess(state, as(state, 'admin'), '/h', { type: 'group', id: 'none' })).toMatchObject({ records: [], deltas: [] });
  });

  it("createPolicy stores a new policy (ids from newId) bound to its item; once applied it grants, and its name is taken", () => {
    const state = world();
    const change = applied(state, createPolicy(state, as(state, 'admin'), { name: 'Readers', resource: '/h/*', members: { users: [{ id: 'carol' }] } }, policies()));
    expect(change.records).toEqual([{ kind: 'policy', id: 'p1', policy: expect.objectContaining({ id: 'p1', name: 'Readers', boundItemId: 'h', permissionIds: ['p2', 'p3', 'p4'] }) }]);
    expect(change.result).toMatchObject({ id: 'p1', resource: '/h/*', condition: null });
    expect(getItem(state, as(state, 'carol'), '/h/k').decision).toEqual({ allowed: true, effect: 'allow', reason: 'policy', policyId: 'p1' });
    expect(refusal(() => createPolicy(state, as(state, 'admin'), { name: 'READERS', resource: '*' }, policies())).code).toBe('ALREADY_EXISTS');
  });

  it('updatePolicy: no change writes nothing; a rename ends no request; deactivating ends the requests under it; deletePolicy ends them too', () => {
    const state = world();
    applied(state, createPolicy(state, as(state, 'admin'), { name: 'Gated', resource: '/a/*', members: { users: [{ id: 'carol' }] }, condition: { approval: APPROVAL } }, policies()));
    applied(state, requestApproval(state, as(state, 'carol'), { path: '/a/one', justification: 'why' }, { now: NOW, newId: () => 'r1' }));
    expect(updatePolicy(state, as(state, 'admin'), 'p1', { name: 'Gated', isActive: true }, policies())).toMatchObject({ records: [], deltas: [] });
    expect(applied(state, updatePolicy(state, as(state, 'admin'), 'p1', { name: 'Gate' }, policies())).records.map((r) => r.kind)).toEqual(['policy']);
    const update = applied(state, updatePolicy(state, as(state, 'admin'), 'p1', { isActive: false }, policies()));
    expect(update.records.map((r) => r.kind)).toEqual(['policy', 'approval']);
    expect(state.approvals.get('r1')!.status).toBe('revoked');
    const removal = applied(state, deletePolicy(state, as(state, 'admin'), 'p1', { now: NOW }));
    expect(removal.records).toEqual([{ kind: 'policy', id: 'p1', policy: null }]); // r1 already ended
    expect(state.policies.get('p1')).toBeUndefined();
  });
});

describe('approvals: request, decide, and the grant the next operation sees', () => {
  it('a read that needs an approval → request (pending, expires in timeToApprove) → the same request again → approve → the read is allowed', () => {
    const state = world();
    applied(state, createPolicy(state, as(state, 'admin'), { name: 'Gated', resource: '/a/*', accessLevel: 'SM_CRUD', members: { users: [{ id: 'carol' }] }, condition: { approval: APPROVAL } }, policies()));
    const needed = refusal(() => getItem(state, as(state, 'carol'), '/a/s'));
    expect([needed.code, needed.message, needed.policyIds]).toEqual(['APPROVAL_REQUIRED', 'An approval is needed to read `/a/s`', ['p1']]);
    const asked = applied(state, requestApproval(state, as(state, 'carol'), { path: '/a/s', justification: 'on call' }, { now: NOW, newId: () => 'r1' }));
    expect(asked.records).toEqual([{ kind: 'approval', id: 'r1', request: expect.objectContaining({ status: 'pending', itemId: 's', policyId: 'p1', action: 'sm.secret.read', createdAt: NOW, expiresAt: NOW + 30 * MINUTE }) }]);
    expect(asked.result).toMatchObject({ medium: 'mail', isNew: true, view: { id: 'r1', status: 'pending', requester: { id: 'carol', kind: 'user' } } });
    expect(asked.reason).toBe('approval_required');
    const again = requestApproval(state, as(state, 'carol'), { path: '/a/s', action: 'sm.secret.update', justification: 'x' }, { now: NOW + 1, newId: () => 'r2' });
    expect(again).toMatchObject({ records: [], result: { isNew: false, view: { id: 'r1' } } });
    expect(refusal(() => decideApproval(state, as(state, 'carol'), 'approve', 'r1', undefined, NOW)).code).toBe('FORBIDDEN');
    const approved = applied(state, decideApproval(state, as(state, 'boss'), 'approve', 'r1', { comment: 'ok' }, NOW + MINUTE));
    expect(approved.result).toMatchObject({ status: 'approved', decidedBy: { id: 'boss', kind: 'user' }, comment: 'ok' });
    expect(approved.reason).toBe('approver');
    expect(getItem(state, as(state, 'carol', NOW + 2 * MINUTE), '/a/s').decision.reason).toBe('policy');
    expect(refusal(() => getItem(state, as(state, 'carol', NOW + 62 * MINUTE), '/a/s')).code).toBe('APPROVAL_REQUIRED'); // past validFor
  });

  it('a request can be decided up to its expiresAt, not after; the reason names who decided (approver, requester, admin)', () => {
    const state = world();
    applied(state, createPolicy(state, as(state, 'admin'), { name: 'Gated', resource: '/a/*', members: { users: [{ id: 'carol' }] }, condition: { approval: APPROVAL } }, policies()));
    applied(state, requestApproval(state, as(state, 'carol'), { path: '/a/one', justification: 'j' }, { now: NOW, newId: () => 'r1' }));
    applied(state, requestApproval(state, as(state, 'carol'), { path: '/a/two', justification: 'j' }, { now: NOW, newId: () => 'r2' }));
    const expiresAt = NOW + 30 * MINUTE;
    expect(refusal(() => decideApproval(state, as(state, 'boss'), 'approve', 'r1', undefined, expiresAt + 1)).code).toBe('CONFLICT');
    expect(decideApproval(state, as(state, 'boss'), 'reject', 'r1', undefined, expiresAt).reason).toBe('approver');
    expect(decideApproval(state, as(state, 'carol'), 'withdraw', 'r1', undefined, expiresAt).reason).toBe('requester');
    expect(refusal(() => decideApproval(state, as(state, 'admin'), 'withdraw', 'r1', undefined, NOW)).code).toBe('FORBIDDEN');
    const byAdmin = applied(state, decideApproval(state, as(state, 'admin'), 'approve', 'r2', undefined, NOW));
    expect(byAdmin.reason).toBe('admin');
    expect(refusal(() => decideApproval(state, as(state, 'boss'), 'approve', 'r2', undefined, NOW)).code).toBe('CONFLICT'); // not pending any more
  });
});

describe('the order of checks: a refusal throws before any change', () => {
  const rows: [string, Who, (state: State, caller: Caller) => unknown, ErrorCode][] = [
    ['VALIDATION first: every problem of path and body, even with no rights on a missing parent', 'bob', (s, c) => createItem(s, c, '/nope//x', { type: 'file' }, items()), 'VALIDATION'],
    ['VALIDATION: delete("/") for everyone', 'bob', (s, c) => deleteItem(s, c, '/', { now: NOW }), 'VALIDATION'],
    ['ALREADY_EXISTS: create("/") for everyone', 'bob', (s, c) => createItem(s, c, '/', { type: 'directory' }, items()), 'ALREADY_EXISTS'],
    ['NOT_FOUND: a missing item for a caller who may list its parent', 'alice', (s, c) => patchItem(s, c, '/a/missing', {}, undefined, items()), 'NOT_FOUND'],
    ['NOT_FOUND: a missing parent of a create, for the same caller', 'alice', (s, c) => createItem(s, c, '/a/missing/x', { type: 'directory' }, items()), 'NOT_FOUND'],
    ['FORBIDDEN: a missing item where the caller may not list the parent', 'alice', (s, c) => getItem(s, c, '/h/missing'), 'FORBIDDEN'],
    ['FORBIDDEN: a read right on a secret never makes a missing /secret/x NOT_FOUND', 'alice', (s, c) => getItem(s, c, '/a/s/x'), 'FORBIDDEN'],
    ['FORBIDDEN before state: no rights to create under a secret', 'bob', (s, c) => createItem(s, c, '/top/x', { type: 'directory' }, items()), 'FORBIDDEN'],
    ['FORBIDDEN before state: no rights to delete a non-empty directory', 'bob', (s, c) => deleteItem(s, c, '/h', { now: NOW }), 'FORBIDDEN'],
    ['NOT_FOUND: an ACL operation on a missing item whose parent the caller may list', 'alice', (s, c) => putAccess(s, c, '/a/missing', { entity: { type: 'user', id: 'x' }, access: 'read' }), 'NOT_FOUND'],
    ['FORBIDDEN: only admins manage access, even with read_write', 'alice', (s, c) => putAccess(s, c, '/a', { entity: { type: 'user', id: 'x' }, access: 'read' }), 'FORBIDDEN'],
    ['VALIDATION (state): a parent that is a secret, once allowed', 'admin', (s, c) => createItem(s, c, '/top/x', { type: 'directory' }, items()), 'VALIDATION'],
    ['VALIDATION (state): ifVersion on a directory, once allowed', 'alice', (s, c) => patchItem(s, c, '/a', {}, { ifVersion: 1 }, items()), 'VALIDATION'],
    ['VALIDATION (state): a value on a directory, once allowed', 'admin', (s, c) => patchItem(s, c, '/h', { value: 'v' }, undefined, items()), 'VALIDATION'],
    ['NOT_EMPTY: a directory with children, once allowed', 'admin', (s, c) => deleteItem(s, c, '/h', { now: NOW }), 'NOT_EMPTY'],
    ['CONFLICT: another version, once allowed', 'alice', (s, c) => patchItem(s, c, '/a/s', { value: 'v' }, { ifVersion: 2 }, items()), 'CONFLICT'],
    ['VALIDATION before NOT_FOUND: a bad policy body with an unknown id', 'bob', (s, c) => updatePolicy(s, c, 'nope', { isActive: 'no' }, policies()), 'VALIDATION'],
    ['NOT_FOUND: an unknown policy id, for everyone', 'bob', (s, c) => deletePolicy(s, c, 'nope', { now: NOW }), 'NOT_FOUND'],
    ['FORBIDDEN before a missing resource item', 'bob', (s, c) => createPolicy(s, c, { name: 'x', resource: '/nope/*' }, policies()), 'FORBIDDEN'],
    ['NOT_FOUND: a missing resource item, once allowed', 'admin', (s, c) => createPolicy(s, c, { name: 'x', resource: '/nope/*' }, policies()), 'NOT_FOUND'],
    ['CONFLICT: an approval asked for what is allowed already', 'alice', (s, c) => requestApproval(s, c, { path: '/a/s', justification: 'j' }, { now: NOW, newId: () => 'r' }), 'CONFLICT'],
    ['VALIDATION: an approval request lists every problem', 'bob', (s, c) => requestApproval(s, c, { path: 'rel', action: 'x' }, { now: NOW, newId: () => 'r' }), 'VALIDATION'],
  ];
  for (const [rule, who, run, code] of rows) {
    it(`${rule} → ${code}`, () => {
      const state = world();
      const before = snapshot(state);
      expect(refusal(() => run(state, as(state, who))).code).toBe(code);
      expect(snapshot(state)).toBe(before);
    });
  }

  it('VALIDATION lists the problems of every argument at once', () => {
    const state = world();
    const pointers = refusal(() => createItem(state, as(state, 'bob'), '/nope//x', { type: 'file' }, items())).details!.map((d) => d.pointer);
    expect(pointers).toEqual(['/path', '/type']);
  });

  it('a built-in policy is READ_ONLY to a caller who may manage it and FORBIDDEN to one who may not', () => {
    const state = world();
    const [created] = createPolicy(state, as(state, 'admin'), { name: 'SMAdminPolicy', resource: '*', accessLevel: 'SM_Manage' }, policies()).records;
    state.apply([{ kind: 'putPolicy', policy: policyOf({ ...(created as { policy: Policy }).policy, isReadOnly: true }) }]);
    for (const run of [(c: Caller) => updatePolicy(state, c, 'p1', { isActive: false }, policies()), (c: Caller) => deletePolicy(state, c, 'p1', { now: NOW })]) {
      expect(refusal(() => run(as(state, 'admin'))).code).toBe('READ_ONLY');
      expect(refusal(() => run(as(state, 'bob'))).code).toBe('FORBIDDEN');
    }
  });

  it('APPROVAL_REQUIRED comes before state errors (a taken path, another version)', () => {
    const state = world();
    applied(state, createPolicy(state, as(state, 'admin'), { name: 'Gated', resource: '/a/*', accessLevel: 'SM_CRUD', members: { users: [{ id: 'carol' }] }, condition: { approval: APPROVAL } }, policies()));
    expect(refusal(() => createItem(state, as(state, 'carol'), '/a/s', { type: 'directory' }, items())).code).toBe('APPROVAL_REQUIRED');
    expect(refusal(() => patchItem(state, as(state, 'carol'), '/a/s', {}, { ifVersion: 1 }, items())).code).toBe('APPROVAL_REQUIRED');
  });
});

describe('refusals name the path asked for, whatever exists', () => {
  const worlds: [string, () => State][] = [
    ['a hidden directory', () => tree(record('h', 'root', 'h', 'directory'))],
    ['a hidden secret', () => tree(record('h', 'root', 'h', 'secret'))],
    ['a missing path', () => tree()],
  ];
  const operations: [string, (state: State, caller: Caller) => unknown, string][] = [
    ['get', (s, c) => getItem(s, c, '/h'), 'Not allowed to read `/h`'],
    ['create under it', (s, c) => createItem(s, c, '/h/x', { type: 'directory' }, items()), 'Not allowed to create `/h/x`'],
    ['patch', (s, c) => patchItem(s, c, '/h', { description: 'd' }, undefined, items()), 'Not allowed to update `/h`'],
    ['delete', (s, c) => deleteItem(s, c, '/h', { now: NOW }), 'Not allowed to delete `/h`'],
    ['putAccess', (s, c) => putAccess(s, c, '/h', { entity: { type: 'user', id: 'bob' }, access: 'read' }), 'Not allowed to manage access to `/h`'],
    ['requestApproval', (s, c) => requestApproval(s, c, { path: '/h', justification: 'j' }, { now: NOW, newId: () => 'r' }), 'Not allowed to request access to `/h`'],
  ];
  for (const [name, run, message] of operations) {
    it(`${name}: one FORBIDDEN, "${message}", for ${worlds.map(([w]) => w).join(', ')}`, () => {
      const shown = worlds.map(([, make]) => {
        const state = make();
        return refusal(() => run(state, as(state, 'bob'))).toJSON();
      });
      expect(shown[0]).toEqual({ name: 'CofferError', code: 'FORBIDDEN', status: 403, message });
      expect(shown[1]).toEqual(shown[0]);
      expect(shown[2]).toEqual(shown[0]);
    });
  }
});
