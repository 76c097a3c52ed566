// SPEC §9: getApproval (the requester, an approver, an admin — also after the
// policy or item is gone; anyone else NOT_FOUND) and listApprovals (newest
// first; as requester / approver / both; an admin sees all; status as read
// now). Both adapters, fake clock.

import { beforeEach, expect, it } from 'vitest';
import type { ApprovalView } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { APPROVER, gate, LEAD, MINUTE, OTHER_MEMBER, refused, REQUESTER, STRANGER, world, type World } from './helpers.js';

const ids = (list: readonly ApprovalView[]) => list.map((r) => r.id);

describeEachAdapter('§9 getApproval', (makeStore) => {
  let w: World;
  let request: ApprovalView;
  beforeEach(async () => {
    w = await world(makeStore);
    request = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' });
  });

  it('the requester, an approver (user or tag) and an admin may read a request', async () => {
    for (const who of [REQUESTER, APPROVER, LEAD, ADMIN]) expect(await w.as(who).getApproval(request.id)).toEqual(request);
  });

  it('anyone else gets NOT_FOUND (another member of the policy, a stranger, the requester id as another kind)', async () => {
    for (const who of [OTHER_MEMBER, STRANGER, { id: 'u', kind: 'token' }, { id: 'boss', groups: [] , kind: 'serviceIdentity' }]) {
      const error = await refused(w.as(who).getApproval(request.id), 'NOT_FOUND');
      expect(error.status).toBe(404);
    }
  });

  it('an unknown id is NOT_FOUND, for an admin too', async () => {
    await refused(w.as(ADMIN).getApproval('00000000-0000-4000-8000-000000000000'), 'NOT_FOUND');
    await refused(w.as(REQUESTER).getApproval('no-such-request'), 'NOT_FOUND');
  });

  it.each([[42], [null], [undefined], [{}], [['x']]])('a non-string id (%j) is VALIDATION', async (id) => {
    await refused(w.as(ADMIN).getApproval(id as never), 'VALIDATION');
    await refused(w.as(REQUESTER).getApproval(id as never), 'VALIDATION');
  });

  it('the requester, an approver and an admin may still read a request after its policy is deleted', async () => {
    await w.admin.policies.delete(w.gate.id);
    for (const who of [REQUESTER, APPROVER, LEAD, ADMIN]) expect(await w.as(who).getApproval(request.id)).toEqual({ ...request, status: 'revoked' });
    await refused(w.as(STRANGER).getApproval(request.id), 'NOT_FOUND');
  });

  it('the approvers kept with the request may still read it after the policy changed its approvers', async () => {
    await w.admin.policies.update(w.gate.id, { condition: { approval: { approvers: { userIds: ['someone-else'] }, validFor: 60, isValidForInDays: false, timeToApprove: 30, notificationMedium: 'x' } } });
    expect((await w.as(APPROVER).getApproval(request.id)).status).toBe('revoked');
    expect((await w.as(LEAD).getApproval(request.id)).status).toBe('revoked');
  });

  it('the requester, an approver and an admin may still read a request after its item is deleted', async () => {
    await w.admin.delete('/prod/db');
    for (const who of [REQUESTER, APPROVER, LEAD, ADMIN]) expect(await w.as(who).getApproval(request.id)).toMatchObject({ id: request.id, path: '/prod/db', status: 'revoked' });
    await refused(w.as(OTHER_MEMBER).getApproval(request.id), 'NOT_FOUND');
  });

  it('what getApproval returns cannot change what the store holds', async () => {
    const read = await w.as(REQUESTER).getApproval(request.id);
    read.status = 'approved';
    read.requester.id = 'boss';
    expect(await w.as(REQUESTER).getApproval(request.id)).toEqual(request);
  });
});

describeEachAdapter('§9 listApprovals', (makeStore) => {
  let w: World;
  beforeEach(async () => {
    // u2 is both a member and an approver of the second gate
    w = await world(makeStore);
    await gate(w.admin, 'Other Gate', { resource: '/other/*', users: ['u', 'u2', 'lead-1'], approval: { approvers: { userIds: ['u2'], tags: [] } } });
  });

  it('returns an array, newest first by createdAt', async () => {
    const u = w.as(REQUESTER);
    const a = await u.requestApproval({ path: '/prod/db', justification: 'a' });
    w.t.clock.advance(MINUTE);
    const b = await u.requestApproval({ path: '/prod/api', justification: 'b' });
    w.t.clock.advance(MINUTE);
    const c = await u.requestApproval({ path: '/other/s', justification: 'c' });
    const list = await u.listApprovals();
    expect(Array.isArray(list)).toBe(true);
    expect(ids(list)).toEqual([c.id, b.id, a.id]);
    expect(list[2]).toEqual(a);
  });

  it('on equal createdAt the later-created comes first', async () => {
    const u = w.as(REQUESTER);
    const made: string[] = [];
    for (const path of ['/prod/db', '/prod/api', '/prod/sub', '/prod/sub/deep', '/prod']) made.push((await u.requestApproval({ path, justification: path })).id);
    w.t.clock.advance(MINUTE);
    const later = (await w.as(OTHER_MEMBER).requestApproval({ path: '/prod/db', justification: 'x' })).id;
    expect(ids(await u.listApprovals())).toEqual([...made].reverse());
    expect(ids(await w.admin.listApprovals())).toEqual([later, ...[...made].reverse()]);
  });

  it("as: 'requester' lists only the caller's own requests", async () => {
    const mine = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'a' });
    await w.as(OTHER_MEMBER).requestApproval({ path: '/prod/db', justification: 'b' });
    w.t.clock.advance(1);
    const mine2 = await w.as(REQUESTER).requestApproval({ path: '/other/s', justification: 'c' });
    expect(ids(await w.as(REQUESTER).listApprovals({ as: 'requester' }))).toEqual([mine2.id, mine.id]);
    expect(await w.as(APPROVER).listApprovals({ as: 'requester' })).toEqual([]);
    expect(await w.as(ADMIN).listApprovals({ as: 'requester' })).toEqual([]);
  });

  it("as: 'approver' lists every request under a policy whose approvers include the caller, whatever its status", async () => {
    const u = w.as(REQUESTER);
    const boss = w.as(APPROVER);
    const pending = await u.requestApproval({ path: '/prod/db', justification: 'p' });
    w.t.clock.advance(1);
    const rejected = await boss.reject((await u.requestApproval({ path: '/prod/api', justification: 'r' })).id);
    w.t.clock.advance(1);
    const withdrawn = await w.as(OTHER_MEMBER).withdraw((await w.as(OTHER_MEMBER).requestApproval({ path: '/prod/db', justification: 'w' })).id);
    w.t.clock.advance(1);
    const approved = await w.as(LEAD).approve((await u.requestApproval({ path: '/prod/sub', justification: 'a' })).id);
    w.t.clock.advance(1);
    const otherPolicy = await u.requestApproval({ path: '/other/s', justification: 'o' });
    const expected = [approved.id, withdrawn.id, rejected.id, pending.id];
    expect(ids(await boss.listApprovals({ as: 'approver' }))).toEqual(expected);
    expect(ids(await w.as(LEAD).listApprovals({ as: 'approver' }))).toEqual(expected);
    expect(ids(await w.as(OTHER_MEMBER).listApprovals({ as: 'approver' }))).toEqual([otherPolicy.id]);
    expect(await w.as(STRANGER).listApprovals({ as: 'approver' })).toEqual([]);
    expect(await w.as(STRANGER).listApprovals()).toEqual([]);
  });

  it("as: 'approver' leaves out the caller's own requests; without as, the caller's own and those they approve", async () => {
    // u2 approves Other Gate and may request under both gates
    const u2 = w.as(OTHER_MEMBER);
    const own = await u2.requestApproval({ path: '/other/s', justification: 'own' });
    w.t.clock.advance(1);
    const ownProd = await u2.requestApproval({ path: '/prod/db', justification: 'own prod' });
    w.t.clock.advance(1);
    const theirs = await w.as(REQUESTER).requestApproval({ path: '/other/s', justification: 'theirs' });
    w.t.clock.advance(1);
    const leads = await w.as(LEAD).requestApproval({ path: '/other/s', justification: 'lead' });
    expect(ids(await u2.listApprovals({ as: 'approver' }))).toEqual([leads.id, theirs.id]);
    expect(ids(await u2.listApprovals({ as: 'requester' }))).toEqual([ownProd.id, own.id]);
    expect(ids(await u2.listApprovals())).toEqual([leads.id, theirs.id, ownProd.id, own.id]);
  });

  it('an admin sees all requests', async () => {
    const a = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'a' });
    w.t.clock.advance(1);
    const b = await w.as(OTHER_MEMBER).requestApproval({ path: '/other/s', justification: 'b' });
    w.t.clock.advance(1);
    const c = await w.as({ id: 'lead-1', groups: ['leads'] }).requestApproval({ path: '/other/s', justification: 'c' });
    await w.admin.policies.delete(w.gate.id);
    expect(ids(await w.as(ADMIN).listApprovals())).toEqual([c.id, b.id, a.id]);
  });

  it('status filters by the status as read now, expired included', async () => {
    const u = w.as(REQUESTER);
    const expiring = await u.requestApproval({ path: '/prod/db', justification: 'e' }); // expires 12:30
    w.t.clock.advance(20 * MINUTE);
    const stillPending = await u.requestApproval({ path: '/prod/api', justification: 'p' }); // expires 12:50
    const approved = await w.as(APPROVER).approve((await u.requestApproval({ path: '/prod/sub', justification: 'a' })).id);
    const rejected = await w.as(APPROVER).reject((await u.requestApproval({ path: '/prod/sub/deep', justification: 'r' })).id);
    w.t.clock.advance(15 * MINUTE); // 12:35
    const listed = async (status: ApprovalView['status']) => ids(await u.listApprovals({ status }));
    expect(await listed('expired')).toEqual([expiring.id]);
    expect(await listed('pending')).toEqual([stillPending.id]);
    expect(await listed('approved')).toEqual([approved.id]);
    expect(await listed('rejected')).toEqual([rejected.id]);
    expect(await listed('withdrawn')).toEqual([]);
    expect(await listed('revoked')).toEqual([]);
    for (const r of await u.listApprovals({ status: 'expired' })) expect(r.status).toBe('expired');
    w.t.clock.advance(60 * MINUTE); // the approval (valid 60 minutes) has run out too
    expect(await listed('expired')).toEqual([approved.id, stillPending.id, expiring.id]);
    expect(ids(await w.as(APPROVER).listApprovals({ as: 'approver', status: 'expired' }))).toEqual([approved.id, stillPending.id, expiring.id]);
    expect(await listed('approved')).toEqual([]);
  });

  it.each([
    ['an unknown status', { status: 'done' }],
    ['a status in another case', { status: 'Pending' }],
    ['an unknown as', { as: 'admin' }],
    ['a non-string as', { as: 1 }],
  ])('%s is VALIDATION', async (_, query) => {
    const error = await refused(w.as(REQUESTER).listApprovals(query as never), 'VALIDATION');
    expect(error.details?.length ?? 0).toBeGreaterThan(0);
  });
});
