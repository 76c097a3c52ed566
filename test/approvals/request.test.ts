// SPEC §9 requestApproval: accepted only when the decision for the action on
// the item is approval_required; its result; the policy it picks; a second
// request while one is pending; bad input. Both adapters, fake clock.

import { beforeEach, expect, it, vi } from 'vitest';
import type { ApprovalView } from '../../src/index.js';
import { describeEachAdapter } from '../support/stores.js';
import { ADMIN } from '../support/stores.js';
import { allow, APPROVER, failure, gate, MINUTE, plus, refused, REQUESTER, world, type World } from './helpers.js';

const REQUEST_KEYS = ['action', 'createdAt', 'expiresAt', 'id', 'itemId', 'justification', 'path', 'policyId', 'requester', 'status'];

describeEachAdapter('§9 requestApproval', (makeStore) => {
  let w: World;
  beforeEach(async () => {
    w = await world(makeStore);
  });

  it('a request is accepted when the decision for that action on that item is approval_required', async () => {
    const u = w.as(REQUESTER);
    expect(await u.can('sm.secret.read', '/prod/db')).toMatchObject({ allowed: false, effect: 'approval_required', policyIds: [w.gate.id] });
    const request = await u.requestApproval({ path: '/prod/db', justification: 'incident 42' });
    expect(request.status).toBe('pending');
  });

  it('a request returns exactly { id, policyId, path, itemId, action, requester, justification, status, createdAt, expiresAt }', async () => {
    const item = await w.admin.get('/prod/db');
    const request = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'incident 42' });
    expect(Object.keys(request).sort()).toEqual(REQUEST_KEYS);
    expect(request).toEqual({
      id: expect.any(String),
      policyId: w.gate.id,
      path: '/prod/db',
      itemId: item.id,
      action: 'sm.secret.read',
      requester: { id: 'u', kind: 'user' },
      justification: 'incident 42',
      status: 'pending',
      createdAt: '2024-06-03T12:00:00.000Z',
      expiresAt: '2024-06-03T12:30:00.000Z',
    });
    expect(request.id.length).toBeGreaterThan(0);
  });

  it('expiresAt is createdAt plus timeToApprove minutes, on the store clock', async () => {
    w = await world(makeStore, { approval: { timeToApprove: 90 }, start: '2024-01-31T23:45:10.250Z' });
    w.t.clock.advance(1234);
    const request = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' });
    expect(request.createdAt).toBe('2024-01-31T23:45:11.484Z');
    expect(request.expiresAt).toBe(plus(request.createdAt, 90 * MINUTE));
  });

  it('the requester carries the principal kind (a service identity)', async () => {
    w = await world(makeStore, { users: [], serviceIdentities: ['svc-billing'] });
    const request = await w.as({ id: 'svc-billing', kind: 'serviceIdentity' }).requestApproval({ path: '/prod/db', justification: 'j' });
    expect(request.requester).toEqual({ id: 'svc-billing', kind: 'serviceIdentity' });
  });

  it('the default action is read for a secret', async () => {
    const request = await w.as(REQUESTER).requestApproval({ path: '/prod/api', justification: 'j' });
    expect(request.action).toBe('sm.secret.read');
  });

  it('the default action is list for a directory', async () => {
    const dir = await w.admin.get('/prod/sub');
    const request = await w.as(REQUESTER).requestApproval({ path: '/prod/sub', justification: 'j' });
    expect(request).toMatchObject({ action: 'sm.node.list', path: '/prod/sub', itemId: dir.id });
  });

  it('an explicit action is kept (sm.secret.update under SM_CRUD)', async () => {
    w = await world(makeStore, { accessLevel: 'SM_CRUD' });
    const request = await w.as(REQUESTER).requestApproval({ path: '/prod/db', action: 'sm.secret.update', justification: 'j' });
    expect(request.action).toBe('sm.secret.update');
  });

  it('the path is returned in its canonical form (trailing slash dropped)', async () => {
    const request = await w.as(REQUESTER).requestApproval({ path: '/prod/sub/', justification: 'j' });
    expect(request.path).toBe('/prod/sub');
  });

  it('a request when an ACL already allows the action is a CONFLICT', async () => {
    await w.admin.putAccess('/prod/db', { entity: { type: 'user', id: 'u' }, access: 'read' });
    const u = w.as(REQUESTER);
    expect(await u.can('sm.secret.read', '/prod/db')).toMatchObject({ allowed: true, reason: 'acl' });
    await refused(u.requestApproval({ path: '/prod/db', justification: 'j' }), 'CONFLICT');
  });

  it('a request when another Allow policy already allows the action is a CONFLICT', async () => {
    await allow(w.admin, 'Plain Read', '/prod/db', ['u']);
    await refused(w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' }), 'CONFLICT');
  });

  it('a request by an admin (always allowed) is a CONFLICT', async () => {
    await refused(w.as(ADMIN).requestApproval({ path: '/prod/db', justification: 'j' }), 'CONFLICT');
  });

  it('a request while a live approval already allows the action is a CONFLICT', async () => {
    const u = w.as(REQUESTER);
    const request = await u.requestApproval({ path: '/prod/db', justification: 'j' });
    await w.as(APPROVER).approve(request.id);
    await refused(u.requestApproval({ path: '/prod/db', justification: 'again' }), 'CONFLICT');
  });

  it('a request when the decision is default deny is FORBIDDEN', async () => {
    await refused(w.as({ id: 'nobody' }).requestApproval({ path: '/prod/db', justification: 'j' }), 'FORBIDDEN');
    // a member, but outside the policy's resource
    await refused(w.as(REQUESTER).requestApproval({ path: '/other/s', justification: 'j' }), 'FORBIDDEN');
  });

  it('a request when a Deny policy denies the action is FORBIDDEN', async () => {
    await w.admin.policies.create({ name: 'No DB', resource: '/prod/db', accessType: 'Deny', members: { users: [{ id: 'u' }] } });
    await refused(w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' }), 'FORBIDDEN');
  });

  it('a request for an action the policy does not grant is FORBIDDEN (SM_View grants no update)', async () => {
    await refused(w.as(REQUESTER).requestApproval({ path: '/prod/db', action: 'sm.secret.update', justification: 'j' }), 'FORBIDDEN');
  });

  it('a request picks the first of the decision policies by name then id', async () => {
    const zulu = await gate(w.admin, 'zulu gate', { resource: '/prod/db' });
    const alpha = await gate(w.admin, 'Alpha gate', { resource: '/prod/db' });
    const beta = await gate(w.admin, 'beta gate', { resource: '/prod/*' });
    const u = w.as(REQUESTER);
    const decision = await u.can('sm.secret.read', '/prod/db');
    // 'Alpha gate' < 'beta gate' < 'prod gate' < 'zulu gate' (lower-cased)
    expect(decision.policyIds).toEqual([alpha.id, beta.id, w.gate.id, zulu.id]);
    const request = await u.requestApproval({ path: '/prod/db', justification: 'j' });
    expect(request.policyId).toBe(alpha.id);
  });

  it('a second request while one is pending returns the pending one, and the notifier is not called again', async () => {
    const notify = vi.fn();
    w = await world(makeStore, { notify });
    const u = w.as(REQUESTER);
    const first = await u.requestApproval({ path: '/prod/db', justification: 'first' });
    w.t.clock.advance(5 * MINUTE);
    const second = await u.requestApproval({ path: '/prod/db', justification: 'second' });
    expect(second).toEqual(first);
    expect(notify).toHaveBeenCalledTimes(1);
    expect(await w.admin.listApprovals()).toHaveLength(1);
  });

  it('a second request for another action on the same item under the same policy returns the pending one', async () => {
    w = await world(makeStore, { accessLevel: 'SM_CRUD' });
    const u = w.as(REQUESTER);
    const first = await u.requestApproval({ path: '/prod/db', justification: 'read' });
    const second = await u.requestApproval({ path: '/prod/db', action: 'sm.secret.update', justification: 'update' });
    expect(second.id).toBe(first.id);
  });

  it('requests for another item, or by another requester, are new requests', async () => {
    const a = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' });
    const b = await w.as(REQUESTER).requestApproval({ path: '/prod/api', justification: 'j' });
    const c = await w.as({ id: 'u2' }).requestApproval({ path: '/prod/db', justification: 'j' });
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
  });

  it('a request after the pending one was decided, or expired, is a new request', async () => {
    const u = w.as(REQUESTER);
    const first = await u.requestApproval({ path: '/prod/db', justification: 'j' });
    await w.as(APPROVER).reject(first.id);
    const second = await u.requestApproval({ path: '/prod/db', justification: 'j' });
    expect(second.id).not.toBe(first.id);
    expect(second.status).toBe('pending');
    w.t.clock.advance(30 * MINUTE + 1);
    const third = await u.requestApproval({ path: '/prod/db', justification: 'j' });
    expect(third.id).not.toBe(second.id);
    expect(third.status).toBe('pending');
  });

  it('a request with an unknown field is VALIDATION', async () => {
    const error = await refused(w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j', urgent: true } as never), 'VALIDATION');
    expect(error.status).toBe(400);
    expect(error.details?.length ?? 0).toBeGreaterThan(0);
    expect(await w.admin.listApprovals()).toEqual([]);
  });

  it.each([['/prod//db'], ['prod/db'], ['/prod/*'], ['/prod/./db'], [''], [42]])('a request with a malformed path (%j) is VALIDATION, before any permission check', async (path) => {
    // a stranger who may do nothing still gets VALIDATION
    const error = await refused(w.as({ id: 'nobody' }).requestApproval({ path, justification: 'j' } as never), 'VALIDATION');
    expect(error.details?.length ?? 0).toBeGreaterThan(0);
    await refused(w.as(REQUESTER).requestApproval({ path, justification: 'j' } as never), 'VALIDATION');
  });

  it('a request that is refused stores nothing', async () => {
    await failure(w.as({ id: 'nobody' }).requestApproval({ path: '/prod/db', justification: 'j' }));
    await failure(w.as(ADMIN).requestApproval({ path: '/prod/db', justification: 'j' }));
    const all: ApprovalView[] = await w.admin.listApprovals();
    expect(all).toEqual([]);
  });
});
