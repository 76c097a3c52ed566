// SPEC §9: a create under a policy with an approval block is approved on the
// directory it creates in; that approval covers creating items directly in
// that directory, and nowhere else. Both adapters, fake clock.

import { beforeEach, expect, it } from 'vitest';
import { describeEachAdapter } from '../support/stores.js';
import { APPROVER, gate, refused, REQUESTER, world, type World } from './helpers.js';

describeEachAdapter('§9 approvals for creates on the directory', (makeStore) => {
  let w: World;
  beforeEach(async () => {
    w = await world(makeStore, { accessLevel: 'SM_CRUD' });
  });

  it('a create request on a directory is accepted when a create directly in it would be approval_required', async () => {
    const u = w.as(REQUESTER);
    expect(await u.can('sm.node.create', '/prod/new')).toMatchObject({ effect: 'approval_required', policyIds: [w.gate.id] });
    const error = await refused(u.create('/prod/new', { type: 'secret', value: 'v' }), 'APPROVAL_REQUIRED');
    expect(error.policyIds).toEqual([w.gate.id]);
    const dir = await w.admin.get('/prod');
    const request = await u.requestApproval({ path: '/prod', action: 'sm.node.create', justification: 'new key' });
    expect(request).toMatchObject({ path: '/prod', itemId: dir.id, action: 'sm.node.create', policyId: w.gate.id, status: 'pending' });
  });

  it('after approval, creating items directly in the directory works', async () => {
    const u = w.as(REQUESTER);
    const request = await u.requestApproval({ path: '/prod', action: 'sm.node.create', justification: 'new key' });
    await w.as(APPROVER).approve(request.id);
    expect(await u.can('sm.node.create', '/prod/new')).toMatchObject({ allowed: true, effect: 'allow', reason: 'policy', policyId: w.gate.id });
    const created = await u.create('/prod/new', { type: 'secret', value: 'fresh' });
    expect(created).toMatchObject({ path: '/prod/new', type: 'secret', createdBy: expect.anything() });
    await u.create('/prod/newdir', { type: 'directory' });
    expect((await w.admin.get('/prod/new')).value).toBe('fresh');
  });

  it('after approval on a directory, creating in a subdirectory still needs an approval', async () => {
    const u = w.as(REQUESTER);
    const request = await u.requestApproval({ path: '/prod', action: 'sm.node.create', justification: 'new key' });
    await w.as(APPROVER).approve(request.id);
    expect(await u.can('sm.node.create', '/prod/sub/new')).toMatchObject({ effect: 'approval_required' });
    await refused(u.create('/prod/sub/new', { type: 'secret', value: 'v' }), 'APPROVAL_REQUIRED');
  });

  it('an approval to create in a subdirectory does not allow creating in its parent', async () => {
    const u = w.as(REQUESTER);
    const request = await u.requestApproval({ path: '/prod/sub', action: 'sm.node.create', justification: 'deep' });
    await w.as(APPROVER).approve(request.id);
    await u.create('/prod/sub/new', { type: 'secret', value: 'v' });
    await refused(u.create('/prod/other', { type: 'secret', value: 'v' }), 'APPROVAL_REQUIRED');
  });

  it('a create request on a directory in which a create would be default-denied is FORBIDDEN', async () => {
    // resource '/other' (exactly): creating /other/x matches no grant, even
    // though sm.node.create on /other itself (a patch of it) needs approval.
    await gate(w.admin, 'Other Gate', { resource: '/other', accessLevel: 'SM_CRUD' });
    const u = w.as(REQUESTER);
    expect(await u.can('sm.node.create', '/other/x')).toMatchObject({ allowed: false, effect: 'deny', reason: 'default_deny' });
    await refused(u.requestApproval({ path: '/other', action: 'sm.node.create', justification: 'j' }), 'FORBIDDEN');
  });

  it('a create request on a directory where the caller may already create is a CONFLICT', async () => {
    await w.admin.putAccess('/prod', { entity: { type: 'user', id: 'u' }, access: 'read_write' });
    await refused(w.as(REQUESTER).requestApproval({ path: '/prod', action: 'sm.node.create', justification: 'j' }), 'CONFLICT');
  });

  it('a create request under an SM_View policy (which grants no create) is FORBIDDEN', async () => {
    const view = await world(makeStore);
    await refused(view.as(REQUESTER).requestApproval({ path: '/prod', action: 'sm.node.create', justification: 'j' }), 'FORBIDDEN');
  });

  it('patching a directory (sm.node.create on it, §5) is approved on the directory it sits in, like a create of it (docs/decisions.md)', async () => {
    const u = w.as(REQUESTER);
    await refused(u.patch('/prod/sub', { description: 'd' }), 'APPROVAL_REQUIRED');
    // An approval to create in /prod/sub does not cover patching /prod/sub itself.
    const inside = await u.requestApproval({ path: '/prod/sub', action: 'sm.node.create', justification: 'inside' });
    await w.as(APPROVER).approve(inside.id);
    await refused(u.patch('/prod/sub', { description: 'd' }), 'APPROVAL_REQUIRED');
    // An approval to create in /prod does.
    const parent = await u.requestApproval({ path: '/prod', action: 'sm.node.create', justification: 'parent' });
    await w.as(APPROVER).approve(parent.id);
    expect(await u.patch('/prod/sub', { description: 'd' })).toMatchObject({ path: '/prod/sub', description: 'd' });
  });
});
