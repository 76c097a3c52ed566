// SPEC §3, §7.3, §9 at the edges: the approval block's own validation,
// requests for missing items (existence not revealed), bad request bodies,
// concurrent requests and decisions, order and approvers kept across a
// reopen and a policy deletion. Both adapters, fake clock.

import { expect, it } from 'vitest';
import type { AccessType, PolicyBody } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { approvalBlock, APPROVER, DAY, gate, LEAD, refused, REQUESTER, STRANGER, world } from './helpers.js';

describeEachAdapter('§7.3 the approval block', (makeStore) => {
  const body = (condition: unknown, accessType: AccessType = 'Allow'): PolicyBody => ({ name: 'Gate X', resource: '/prod/*', accessType, members: { users: [{ id: 'u' }] }, condition: condition as PolicyBody['condition'] });

  it('an approval block on a Deny policy is VALIDATION', async () => {
    const w = await world(makeStore);
    await refused(w.admin.policies.create(body({ approval: approvalBlock() }, 'Deny')), 'VALIDATION');
    const deny = await w.admin.policies.create(body(null, 'Deny'));
    await refused(w.admin.policies.update(deny.id, { condition: { approval: approvalBlock() } }), 'VALIDATION');
  });

  it.each([
    ['validFor 0', { validFor: 0 }],
    ['validFor negative', { validFor: -5 }],
    ['validFor not an integer', { validFor: 1.5 }],
    ['validFor a string', { validFor: '60' }],
    ['timeToApprove 0', { timeToApprove: 0 }],
    ['timeToApprove not an integer', { timeToApprove: 2.5 }],
    ['validFor so large the end is no valid date (days)', { validFor: 1e9, isValidForInDays: true }],
    ['timeToApprove so large the end is no valid date', { timeToApprove: 1e12 }],
    ['validFor beyond the safe integers', { validFor: Number.MAX_SAFE_INTEGER + 2 }],
  ])('an approval block with %s is VALIDATION', async (_, over) => {
    const w = await world(makeStore);
    const error = await refused(w.admin.policies.create(body({ approval: { ...approvalBlock(), ...over } })), 'VALIDATION');
    expect(error.details?.some((d) => d.pointer.startsWith('/condition/approval'))).toBe(true);
  });

  it('isValidForInDays defaults to false (minutes)', async () => {
    const w = await world(makeStore);
    const { isValidForInDays: _, ...withoutDays } = approvalBlock({ validFor: 5 });
    const policy = await w.admin.policies.create({ ...body({ approval: withoutDays }), resource: '/other/*' });
    const u = w.as(REQUESTER);
    const request = await u.requestApproval({ path: '/other/s', justification: 'j' });
    expect(request.policyId).toBe(policy.id);
    await w.as(APPROVER).approve(request.id);
    w.t.clock.advance(5 * 60_000 + 1);
    expect((await u.getApproval(request.id)).status).toBe('expired');
  });

  it('a large but valid validFor in days works', async () => {
    const w = await world(makeStore, { approval: { validFor: 36500, isValidForInDays: true } });
    const u = w.as(REQUESTER);
    const request = await u.requestApproval({ path: '/prod/db', justification: 'j' });
    await w.as(APPROVER).approve(request.id);
    w.t.clock.advance(36500 * DAY);
    expect((await u.get('/prod/db')).value).toBe('value of /prod/db');
    w.t.clock.advance(1);
    await refused(u.get('/prod/db'), 'APPROVAL_REQUIRED');
  });
});

describeEachAdapter('§9 requests at the edges', (makeStore) => {
  it('a request for a missing item is FORBIDDEN to a caller who may not list its parent, NOT_FOUND to one who may', async () => {
    const w = await world(makeStore);
    await refused(w.as(REQUESTER).requestApproval({ path: '/prod/missing', justification: 'j' }), 'FORBIDDEN');
    await refused(w.as(STRANGER).requestApproval({ path: '/prod/missing', justification: 'j' }), 'FORBIDDEN');
    await refused(w.as(ADMIN).requestApproval({ path: '/prod/missing', justification: 'j' }), 'NOT_FOUND');
    await w.admin.putAccess('/prod', { entity: { type: 'user', id: 'u' }, access: 'read' });
    await refused(w.as(REQUESTER).requestApproval({ path: '/prod/missing', justification: 'j' }), 'NOT_FOUND');
  });

  it.each([
    ['an unknown action', { path: '/prod/db', action: 'sm.bogus', justification: 'j' }],
    ['a non-string action', { path: '/prod/db', action: 7, justification: 'j' }],
    ['a non-string justification', { path: '/prod/db', justification: 42 }],
    ['a body that is not an object', 'please'],
    ['no body', undefined],
  ])('a request with %s is VALIDATION', async (_, input) => {
    const w = await world(makeStore);
    await refused(w.as(REQUESTER).requestApproval(input as never), 'VALIDATION');
  });

  it('two concurrent requests for the same item make one request', async () => {
    const w = await world(makeStore);
    const u = w.as(REQUESTER);
    const [a, b] = await Promise.all([u.requestApproval({ path: '/prod/db', justification: 'a' }), u.requestApproval({ path: '/prod/db', justification: 'b' })]);
    expect(a.id).toBe(b.id);
    expect(await w.admin.listApprovals()).toHaveLength(1);
  });

  it('a concurrent approve and reject: one wins, the other is a CONFLICT', async () => {
    const w = await world(makeStore);
    const request = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' });
    const results = await Promise.allSettled([w.as(APPROVER).approve(request.id), w.as(LEAD).reject(request.id)]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected.map((r) => (r.reason as { code?: string }).code)).toEqual(['CONFLICT']);
    const final = await w.admin.getApproval(request.id);
    expect(final.status).toBe((fulfilled[0] as PromiseFulfilledResult<{ status: string }>).value.status);
  });

  it('a pending request survives a reopen, and asking again then returns it', async () => {
    const w = await world(makeStore);
    const first = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' });
    await w.reopen();
    const again = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'again' });
    expect(again).toEqual(first);
  });

  it.each([
    ['with a trailing slash', (p: string) => `${p}/`],
    ['in another Unicode spelling (NFD)', (p: string) => p.normalize('NFD')],
  ])('an update giving the same item-path resource %s revokes nothing', async (_, spell) => {
    const w = await world(makeStore);
    const path = '/prod/caf\u00e9';
    await w.admin.create(path, { type: 'secret', value: 'v' });
    const exact = await gate(w.admin, 'A Cafe Gate', { resource: path });
    const u = w.as(REQUESTER);
    const request = await u.requestApproval({ path, justification: 'j' });
    expect(request.policyId).toBe(exact.id);
    await w.as(APPROVER).approve(request.id);
    await w.admin.policies.update(exact.id, { resource: spell(path) });
    expect((await u.getApproval(request.id)).status).toBe('approved');
    expect((await u.get(path)).value).toBe('v');
  });

  it('the newest-first order of requests made at the same time survives a reopen', async () => {
    const w = await world(makeStore);
    const u = w.as(REQUESTER);
    const made: string[] = [];
    for (const path of ['/prod/db', '/prod/api', '/prod/sub', '/prod/sub/deep']) made.push((await u.requestApproval({ path, justification: path })).id);
    const expected = [...made].reverse();
    expect((await u.listApprovals()).map((r) => r.id)).toEqual(expected);
    await w.reopen();
    expect((await w.as(REQUESTER).listApprovals()).map((r) => r.id)).toEqual(expected);
  });

  it('the approvers kept with a request still list it as approver after its policy is deleted', async () => {
    const w = await world(makeStore);
    const request = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' });
    await w.admin.policies.delete(w.gate.id);
    for (const who of [APPROVER, LEAD]) {
      const listed = await w.as(who).listApprovals({ as: 'approver' });
      expect(listed.map((r) => [r.id, r.status])).toEqual([[request.id, 'revoked']]);
    }
    expect((await w.as(REQUESTER).listApprovals({ as: 'requester', status: 'revoked' })).map((r) => r.id)).toEqual([request.id]);
  });

  it('an approver of one policy is not an approver of another policy', async () => {
    const w = await world(makeStore);
    await gate(w.admin, 'Other Gate', { resource: '/other/*', approval: { approvers: { userIds: ['boss2'], tags: [] } } });
    const request = await w.as(REQUESTER).requestApproval({ path: '/other/s', justification: 'j' });
    await refused(w.as(APPROVER).approve(request.id), 'FORBIDDEN');
    await refused(w.as(LEAD).approve(request.id), 'FORBIDDEN');
    await refused(w.as(APPROVER).getApproval(request.id), 'NOT_FOUND');
    expect(await w.as(APPROVER).listApprovals()).toEqual([]);
    expect((await w.as({ id: 'boss2' }).approve(request.id)).status).toBe('approved');
  });
});
