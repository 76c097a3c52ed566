// SPEC §7.3, §8, §9: what a live approval does to the decision. It lets its
// policy apply, for every action the policy grants, to the requester on that
// item (its id) until it expires; the policy's IP and time conditions are
// still checked at every use. Both adapters, fake clock.

import { expect, it } from 'vitest';
import type { ApprovalAction, Session } from '../../src/index.js';
import { describeEachAdapter } from '../support/stores.js';
import { APPROVER, gate, OTHER_MEMBER, refused, REQUESTER, world, type World } from './helpers.js';

/** Requests `path` as `session` and has the approver approve it. */
async function approved(w: World, session: Session, path: string, action?: ApprovalAction) {
  const request = await session.requestApproval({ path, justification: 'j', ...(action === undefined ? {} : { action }) });
  return w.as(APPROVER).approve(request.id);
}

describeEachAdapter('§8/§9 the decision with an approval', (makeStore) => {
  it('before approval a read is APPROVAL_REQUIRED with the policy ids, and can says approval_required', async () => {
    const w = await world(makeStore);
    const u = w.as(REQUESTER);
    expect(await u.can('sm.secret.read', '/prod/db')).toEqual({ allowed: false, effect: 'approval_required', reason: 'approval_required', policyIds: [w.gate.id] });
    const error = await refused(u.get('/prod/db'), 'APPROVAL_REQUIRED');
    expect(error.status).toBe(403);
    expect(error.policyIds).toEqual([w.gate.id]);
  });

  it('a pending request grants nothing', async () => {
    const w = await world(makeStore);
    const u = w.as(REQUESTER);
    await u.requestApproval({ path: '/prod/db', justification: 'j' });
    await refused(u.get('/prod/db'), 'APPROVAL_REQUIRED');
  });

  it('after approval get works, and can says allowed with reason policy and the policy id', async () => {
    const w = await world(makeStore);
    const u = w.as(REQUESTER);
    await approved(w, u, '/prod/db');
    expect(await u.can('sm.secret.read', '/prod/db')).toEqual({ allowed: true, effect: 'allow', reason: 'policy', policyId: w.gate.id });
    expect((await u.get('/prod/db')).value).toBe('value of /prod/db');
  });

  it('permission 0 (the path toward the resource) needs no approval', async () => {
    const w = await world(makeStore, { resource: '/prod/sub/deep' });
    const u = w.as(REQUESTER);
    expect(await u.can('sm.node.list', '/prod')).toMatchObject({ allowed: true, reason: 'policy', policyId: w.gate.id });
    expect(await u.can('sm.secret.read', '/prod/sub/deep')).toMatchObject({ effect: 'approval_required' });
  });

  it('an approval for a directory lets the requester list it', async () => {
    const w = await world(makeStore);
    const u = w.as(REQUESTER);
    await refused(u.get('/prod/sub'), 'APPROVAL_REQUIRED');
    await approved(w, u, '/prod/sub');
    const dir = await u.get('/prod/sub');
    expect(dir.children).toEqual([{ name: 'deep', type: 'secret' }]);
  });

  it('an approval for a directory does not reach its children', async () => {
    const w = await world(makeStore);
    const u = w.as(REQUESTER);
    await approved(w, u, '/prod/sub');
    await refused(u.get('/prod/sub/deep'), 'APPROVAL_REQUIRED');
  });

  it('the approval block gates permission 2 too (sm.vault.read on *): approval_required', async () => {
    const w = await world(makeStore);
    expect(await w.as(REQUESTER).can('sm.vault.read', 'vault')).toEqual({ allowed: false, effect: 'approval_required', reason: 'approval_required', policyIds: [w.gate.id] });
  });

  it('the approval covers only that item: another item under the same policy still needs one', async () => {
    const w = await world(makeStore);
    const u = w.as(REQUESTER);
    await approved(w, u, '/prod/db');
    await refused(u.get('/prod/api'), 'APPROVAL_REQUIRED');
    expect(await u.can('sm.secret.read', '/prod/sub/deep')).toMatchObject({ effect: 'approval_required' });
  });

  it('the approval covers every action the policy grants on that item (SM_CRUD: read and patch)', async () => {
    const w = await world(makeStore, { accessLevel: 'SM_CRUD' });
    const u = w.as(REQUESTER);
    await approved(w, u, '/prod/db'); // asked for read
    expect((await u.get('/prod/db')).value).toBe('value of /prod/db');
    const patched = await u.patch('/prod/db', { value: 'rotated' });
    expect(patched.version).toBe(2);
    expect((await u.get('/prod/db')).value).toBe('rotated');
    expect(await u.can('sm.secret.update', '/prod/db')).toMatchObject({ allowed: true, reason: 'policy', policyId: w.gate.id });
    expect(await u.can('sm.node.delete', '/prod/db')).toMatchObject({ allowed: true, reason: 'policy', policyId: w.gate.id });
    // and nothing on another item
    await refused(u.patch('/prod/api', { value: 'x' }), 'APPROVAL_REQUIRED');
  });

  it('the approval covers only the actions the policy grants (SM_View: no patch)', async () => {
    const w = await world(makeStore);
    const u = w.as(REQUESTER);
    await approved(w, u, '/prod/db');
    await refused(u.patch('/prod/db', { value: 'x' }), 'FORBIDDEN');
  });

  it("another user's approval does not help", async () => {
    const w = await world(makeStore);
    await approved(w, w.as(REQUESTER), '/prod/db');
    const u2 = w.as(OTHER_MEMBER);
    expect(await u2.can('sm.secret.read', '/prod/db')).toMatchObject({ effect: 'approval_required' });
    await refused(u2.get('/prod/db'), 'APPROVAL_REQUIRED');
  });

  it('an approval of a user does not help a token or a service identity with the same id', async () => {
    const w = await world(makeStore, { users: ['u'], tokens: ['u'], serviceIdentities: ['u'] });
    await approved(w, w.as(REQUESTER), '/prod/db');
    await refused(w.as({ id: 'u', kind: 'token' }).get('/prod/db'), 'APPROVAL_REQUIRED');
    await refused(w.as({ id: 'u', kind: 'serviceIdentity' }).get('/prod/db'), 'APPROVAL_REQUIRED');
  });

  it('an approval under one policy does not make another approval policy apply', async () => {
    const w = await world(makeStore, { accessLevel: 'SM_View' });
    const crud = await gate(w.admin, 'Zeta Crud Gate', { accessLevel: 'SM_CRUD' });
    const u = w.as(REQUESTER);
    const request = await u.requestApproval({ path: '/prod/db', justification: 'j' });
    expect(request.policyId).toBe(w.gate.id); // 'Prod Gate' < 'Zeta Crud Gate'
    await w.as(APPROVER).approve(request.id);
    expect((await u.get('/prod/db')).value).toBe('value of /prod/db');
    expect(await u.can('sm.secret.update', '/prod/db')).toMatchObject({ effect: 'approval_required', policyIds: [crud.id] });
  });

  it('an IP condition still applies at every use: a session without that IP is refused even with a live approval', async () => {
    const w = await world(makeStore, { condition: { ipAddress: '10.0.0.0/8' } });
    const inside = w.as(REQUESTER, '10.1.2.3');
    expect(await inside.can('sm.secret.read', '/prod/db')).toMatchObject({ effect: 'approval_required' });
    // outside the list, the policy does not match: nothing to approve
    await refused(w.as(REQUESTER, '192.168.1.1').requestApproval({ path: '/prod/db', justification: 'j' }), 'FORBIDDEN');
    await approved(w, inside, '/prod/db');
    expect((await inside.get('/prod/db')).value).toBe('value of /prod/db');
    for (const outside of [w.as(REQUESTER), w.as(REQUESTER, '192.168.1.1'), w.as(REQUESTER, 'not-an-ip')]) {
      expect(await outside.can('sm.secret.read', '/prod/db')).toMatchObject({ allowed: false, effect: 'deny', reason: 'default_deny' });
      await refused(outside.get('/prod/db'), 'FORBIDDEN');
    }
    // and the approval is still there for the next use from inside
    expect((await w.as(REQUESTER, '10.9.9.9').get('/prod/db')).value).toBe('value of /prod/db');
  });

  it('a time condition still applies at every use: outside the window the approval does not help', async () => {
    // 2024-06-03 is a Monday; window 09:00–17:00 UTC on weekdays; approval valid 2 days
    const w = await world(makeStore, {
      approval: { validFor: 2, isValidForInDays: true },
      condition: { timeOfAccess: { daysSchedule: { fromTime: '09:00:00', toTime: '17:00:00', timezone: 'UTC', days: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] } } },
    });
    const u = w.as(REQUESTER);
    await approved(w, u, '/prod/db');
    expect((await u.get('/prod/db')).value).toBe('value of /prod/db');
    w.t.clock.set('2024-06-03T18:00:00Z');
    expect(await u.can('sm.secret.read', '/prod/db')).toMatchObject({ allowed: false, reason: 'default_deny' });
    await refused(u.get('/prod/db'), 'FORBIDDEN');
    expect((await u.getApproval((await u.listApprovals())[0]!.id)).status).toBe('approved');
    w.t.clock.set('2024-06-04T10:00:00Z');
    expect((await u.get('/prod/db')).value).toBe('value of /prod/db');
  });

  it('outside the time window there is nothing to approve: a request is FORBIDDEN', async () => {
    const w = await world(makeStore, {
      condition: { timeOfAccess: { daysSchedule: { fromTime: '09:00:00', toTime: '17:00:00', timezone: 'UTC', days: ['MONDAY'] } } },
      start: '2024-06-03T20:00:00Z',
    });
    const u = w.as(REQUESTER);
    expect(await u.can('sm.secret.read', '/prod/db')).toMatchObject({ reason: 'default_deny' });
    await refused(u.requestApproval({ path: '/prod/db', justification: 'j' }), 'FORBIDDEN');
  });

  it('a Deny policy still wins over a live approval', async () => {
    const w = await world(makeStore);
    const u = w.as(REQUESTER);
    await approved(w, u, '/prod/db');
    const deny = await w.admin.policies.create({ name: 'No DB', resource: '/prod/db', accessType: 'Deny', members: { users: [{ id: 'u' }] } });
    expect(await u.can('sm.secret.read', '/prod/db')).toMatchObject({ allowed: false, reason: 'explicit_deny', policyId: deny.id });
    await refused(u.get('/prod/db'), 'FORBIDDEN');
  });

  it('an approved request, the item deleted and recreated at the same path: no access (APPROVAL_REQUIRED again) and the old request reads revoked', async () => {
    const w = await world(makeStore);
    const u = w.as(REQUESTER);
    const grant = await approved(w, u, '/prod/db');
    expect((await u.get('/prod/db')).value).toBe('value of /prod/db');
    await w.admin.delete('/prod/db');
    const again = await w.admin.create('/prod/db', { type: 'secret', value: 'new value' });
    expect(again.id).not.toBe(grant.itemId);
    expect(await u.can('sm.secret.read', '/prod/db')).toMatchObject({ effect: 'approval_required', policyIds: [w.gate.id] });
    await refused(u.get('/prod/db'), 'APPROVAL_REQUIRED');
    expect((await u.getApproval(grant.id)).status).toBe('revoked');
    // a new request is for the new item
    const fresh = await u.requestApproval({ path: '/prod/db', justification: 'j' });
    expect(fresh).toMatchObject({ status: 'pending', itemId: again.id });
  });
});
