// SPEC §9: who may approve, reject, withdraw and revoke a request; deciding a
// request that is not pending or past expiresAt; what a decided request
// carries. Both adapters, fake clock.

import { beforeEach, expect, it } from 'vitest';
import type { ApprovalView, Session } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { APPROVER, LEAD, MINUTE, OTHER_MEMBER, refused, REQUESTER, STRANGER, world, type World } from './helpers.js';

describeEachAdapter('§9 who may decide a request', (makeStore) => {
  let w: World;
  let u: Session;
  let request: ApprovalView;
  beforeEach(async () => {
    w = await world(makeStore);
    u = w.as(REQUESTER);
    request = await u.requestApproval({ path: '/prod/db', justification: 'incident 42' });
    w.t.clock.advance(MINUTE);
  });

  // ---------------------------------------------------------------- approve

  it('a listed userIds entry may approve; the request carries decidedBy, decidedAt, approvedAt (= decidedAt) and the comment', async () => {
    const approved = await w.as(APPROVER).approve(request.id, { comment: 'go ahead' });
    expect(approved).toEqual({
      ...request,
      status: 'approved',
      decidedBy: { id: 'boss', kind: 'user' },
      decidedAt: '2024-06-03T12:01:00.000Z',
      approvedAt: '2024-06-03T12:01:00.000Z',
      comment: 'go ahead',
    });
    expect(await u.getApproval(request.id)).toEqual(approved);
  });

  it('an approval without a comment has no comment', async () => {
    const approved = await w.as(APPROVER).approve(request.id);
    expect('comment' in approved).toBe(false);
    expect(approved.approvedAt).toBe(approved.decidedAt);
  });

  it('a member of a listed tags group may approve', async () => {
    const approved = await w.as(LEAD).approve(request.id);
    expect(approved).toMatchObject({ status: 'approved', decidedBy: { id: 'lead-1', kind: 'user' } });
  });

  it('one approval is enough: the requester reads at once', async () => {
    await w.as(LEAD).approve(request.id);
    expect((await u.get('/prod/db')).value).toBe('value of /prod/db');
  });

  it('an admin may approve any request', async () => {
    const approved = await w.as(ADMIN).approve(request.id, { comment: 'admin says yes' });
    expect(approved).toMatchObject({ status: 'approved', decidedBy: { id: 'admin-1', kind: 'user' }, comment: 'admin says yes' });
  });

  it.each([
    ['a stranger', STRANGER],
    ['another member of the policy', OTHER_MEMBER],
    ['a member of an unlisted group', { id: 'x', groups: ['devs'] }],
    ['a token whose id is not listed', { id: 'tok', kind: 'token' }],
  ])('%s may not approve (FORBIDDEN)', async (_, who) => {
    const error = await refused(w.as(who).approve(request.id), 'FORBIDDEN');
    expect(error.status).toBe(403);
    expect((await w.admin.getApproval(request.id)).status).toBe('pending');
  });

  it('the requester never approves their own request, even when listed as an approver (FORBIDDEN)', async () => {
    w = await world(makeStore, { approval: { approvers: { userIds: ['u', 'boss'], tags: ['self'] } } });
    const mine = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'me' });
    await refused(w.as(REQUESTER).approve(mine.id), 'FORBIDDEN');
    await refused(w.as({ id: 'u', groups: ['self'] }).approve(mine.id), 'FORBIDDEN');
    expect((await w.admin.getApproval(mine.id)).status).toBe('pending');
  });

  // ---------------------------------------------------------------- reject

  it('a listed approver may reject; the request carries decidedBy, decidedAt and the comment, and no approvedAt', async () => {
    const rejected = await w.as(APPROVER).reject(request.id, { comment: 'not now' });
    expect(rejected).toEqual({
      ...request,
      status: 'rejected',
      decidedBy: { id: 'boss', kind: 'user' },
      decidedAt: '2024-06-03T12:01:00.000Z',
      comment: 'not now',
    });
    await refused(u.get('/prod/db'), 'APPROVAL_REQUIRED');
  });

  it('a member of a listed tags group may reject, and so may an admin', async () => {
    expect((await w.as(LEAD).reject(request.id)).status).toBe('rejected');
    const second = await u.requestApproval({ path: '/prod/db', justification: 'again' });
    expect(await w.as(ADMIN).reject(second.id)).toMatchObject({ status: 'rejected', decidedBy: { id: 'admin-1', kind: 'user' } });
  });

  it('someone not an approver may not reject (FORBIDDEN)', async () => {
    await refused(w.as(STRANGER).reject(request.id), 'FORBIDDEN');
    await refused(w.as(OTHER_MEMBER).reject(request.id), 'FORBIDDEN');
  });

  it('a requester may not reject their own request, even when listed as an approver (FORBIDDEN)', async () => {
    await refused(u.reject(request.id), 'FORBIDDEN');
    w = await world(makeStore, { approval: { approvers: { userIds: ['u'] } } });
    const mine = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'me' });
    await refused(w.as(REQUESTER).reject(mine.id), 'FORBIDDEN');
    expect((await w.admin.getApproval(mine.id)).status).toBe('pending');
  });

  // ---------------------------------------------------------------- withdraw

  it('the requester may withdraw a pending request', async () => {
    const withdrawn = await u.withdraw(request.id);
    expect(withdrawn).toMatchObject({ id: request.id, status: 'withdrawn' });
    expect((await w.as(APPROVER).getApproval(request.id)).status).toBe('withdrawn');
  });

  it('an admin may not withdraw a request (FORBIDDEN)', async () => {
    await refused(w.as(ADMIN).withdraw(request.id), 'FORBIDDEN');
    expect((await u.getApproval(request.id)).status).toBe('pending');
  });

  it('an approver or a stranger may not withdraw a request (FORBIDDEN)', async () => {
    await refused(w.as(APPROVER).withdraw(request.id), 'FORBIDDEN');
    await refused(w.as(STRANGER).withdraw(request.id), 'FORBIDDEN');
    await refused(w.as(OTHER_MEMBER).withdraw(request.id), 'FORBIDDEN');
  });

  it('a request that is no longer pending cannot be withdrawn (CONFLICT)', async () => {
    await w.as(APPROVER).approve(request.id);
    await refused(u.withdraw(request.id), 'CONFLICT');
    expect((await u.getApproval(request.id)).status).toBe('approved');
  });

  // ---------------------------------------------------------------- revoke

  it('an approver may revoke an approved request, and access ends', async () => {
    await w.as(LEAD).approve(request.id);
    expect((await u.get('/prod/db')).value).toBe('value of /prod/db');
    const revoked = await w.as(APPROVER).revoke(request.id);
    expect(revoked).toMatchObject({ id: request.id, status: 'revoked' });
    await refused(u.get('/prod/db'), 'APPROVAL_REQUIRED');
    expect(await u.can('sm.secret.read', '/prod/db')).toMatchObject({ effect: 'approval_required' });
  });

  it('an admin may revoke any approved request', async () => {
    await w.as(APPROVER).approve(request.id);
    expect((await w.as(ADMIN).revoke(request.id)).status).toBe('revoked');
  });

  it('a requester may not revoke their own approved request, even when listed as an approver (FORBIDDEN)', async () => {
    w = await world(makeStore, { approval: { approvers: { userIds: ['u', 'boss'] } } });
    const mine = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'me' });
    await w.as(APPROVER).approve(mine.id);
    await refused(w.as(REQUESTER).revoke(mine.id), 'FORBIDDEN');
    expect((await w.admin.getApproval(mine.id)).status).toBe('approved');
  });

  it('someone not an approver may not revoke (FORBIDDEN)', async () => {
    await w.as(APPROVER).approve(request.id);
    await refused(w.as(STRANGER).revoke(request.id), 'FORBIDDEN');
    await refused(w.as(OTHER_MEMBER).revoke(request.id), 'FORBIDDEN');
    expect((await u.getApproval(request.id)).status).toBe('approved');
  });

  it('a request that is not approved cannot be revoked (CONFLICT)', async () => {
    await refused(w.as(APPROVER).revoke(request.id), 'CONFLICT');
    await w.as(APPROVER).reject(request.id);
    await refused(w.as(APPROVER).revoke(request.id), 'CONFLICT');
  });

  // ---------------------------------------------------------------- state

  it.each([
    ['approved', async (w: World, id: string) => void (await w.as(APPROVER).approve(id))],
    ['rejected', async (w: World, id: string) => void (await w.as(APPROVER).reject(id))],
    ['withdrawn', async (w: World, id: string) => void (await w.as(REQUESTER).withdraw(id))],
    ['revoked', async (w: World, id: string) => void (await w.as(APPROVER).approve(id), await w.as(LEAD).revoke(id))],
  ])('deciding a request that is %s is a CONFLICT', async (status, settle) => {
    await settle(w, request.id);
    const before = await w.admin.getApproval(request.id);
    expect(before.status).toBe(status);
    await refused(w.as(APPROVER).approve(request.id), 'CONFLICT');
    await refused(w.as(LEAD).reject(request.id), 'CONFLICT');
    await refused(w.as(ADMIN).approve(request.id), 'CONFLICT');
    expect(await w.admin.getApproval(request.id)).toEqual(before);
  });

  it('deciding a request after expiresAt is a CONFLICT', async () => {
    w.t.clock.set(Date.parse(request.expiresAt) + 1);
    await refused(w.as(APPROVER).approve(request.id), 'CONFLICT');
    await refused(w.as(APPROVER).reject(request.id), 'CONFLICT');
    await refused(w.as(ADMIN).approve(request.id), 'CONFLICT');
    expect((await w.admin.getApproval(request.id)).status).toBe('expired');
  });

  it('decision options with an unknown field are VALIDATION', async () => {
    await refused(w.as(APPROVER).approve(request.id, { comment: 'ok', urgent: true } as never), 'VALIDATION');
    expect((await w.admin.getApproval(request.id)).status).toBe('pending');
  });
});
