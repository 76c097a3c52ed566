// SPEC §9: what ends requests. Deactivating, deleting, making a draft of, or
// changing the members, resource, accessLevel, accessType or condition of the
// policy ends every pending or approved request under it (`revoked`);
// deleting the item ends the requests for it. An update that sets a field to
// the value it already has (after normalisation) revokes nothing. The endings
// are written with the change (they survive a reopen). Both adapters.

import { beforeEach, expect, it } from 'vitest';
import type { ApprovalView, Session } from '../../src/index.js';
import { describeEachAdapter } from '../support/stores.js';
import { approvalBlock, APPROVER, gate, OTHER_MEMBER, refused, REQUESTER, world, type World } from './helpers.js';

interface Requests {
  /** u on /prod/db, approved */
  approved: ApprovalView;
  /** u on /prod/api, pending */
  pending: ApprovalView;
  /** u2 on /prod/db, pending */
  pending2: ApprovalView;
  /** u2 on /prod/api, rejected */
  rejected: ApprovalView;
  /** u under another policy (/other/*), approved */
  elsewhere: ApprovalView;
}

async function someRequests(w: World): Promise<Requests> {
  const u = w.as(REQUESTER);
  const u2 = w.as(OTHER_MEMBER);
  const boss = w.as(APPROVER);
  await gate(w.admin, 'Other Gate', { resource: '/other/*' });
  const approved = await boss.approve((await u.requestApproval({ path: '/prod/db', justification: 'a' })).id);
  const pending = await u.requestApproval({ path: '/prod/api', justification: 'p' });
  const pending2 = await u2.requestApproval({ path: '/prod/db', justification: 'p2' });
  const rejected = await boss.reject((await u2.requestApproval({ path: '/prod/api', justification: 'r' })).id);
  const elsewhere = await boss.approve((await u.requestApproval({ path: '/other/s', justification: 'e' })).id);
  expect(approved.policyId).toBe(w.gate.id);
  expect(elsewhere.policyId).not.toBe(w.gate.id);
  return { approved, pending, pending2, rejected, elsewhere };
}

async function statuses(admin: Session, requests: Requests): Promise<Record<keyof Requests, string>> {
  const out: Partial<Record<keyof Requests, string>> = {};
  for (const [name, request] of Object.entries(requests) as [keyof Requests, ApprovalView][]) out[name] = (await admin.getApproval(request.id)).status;
  return out as Record<keyof Requests, string>;
}

const ENDED = { approved: 'revoked', pending: 'revoked', pending2: 'revoked', rejected: 'rejected', elsewhere: 'approved' };
const UNTOUCHED = { approved: 'approved', pending: 'pending', pending2: 'pending', rejected: 'rejected', elsewhere: 'approved' };

describeEachAdapter('§9 ending requests', (makeStore) => {
  let w: World;
  let requests: Requests;
  beforeEach(async () => {
    w = await world(makeStore);
    requests = await someRequests(w);
  });

  const ENDING_UPDATES: [string, () => Record<string, unknown>][] = [
    ['deactivating the policy', () => ({ isActive: false })],
    ['making a draft of the policy', () => ({ isDraft: true })],
    ['changing its members (adding one)', () => ({ members: { users: [{ id: 'u' }, { id: 'u2' }, { id: 'u3' }] } })],
    ['changing its members (adding a tag)', () => ({ members: { users: [{ id: 'u' }, { id: 'u2' }], tags: [{ id: 'ops' }] } })],
    ['changing its resource', () => ({ resource: '/*' })],
    ['changing its accessLevel', () => ({ accessLevel: 'SM_CRUD' })],
    ['changing its accessType', () => ({ accessType: 'Deny', condition: null })],
    ['changing its condition (validFor)', () => ({ condition: { approval: approvalBlock({ validFor: 120 }) } })],
    ['changing its condition (the approvers)', () => ({ condition: { approval: approvalBlock({ approvers: { userIds: ['boss', 'boss2'], tags: ['leads'] } }) } })],
    ['changing its condition (notificationMedium)', () => ({ condition: { approval: approvalBlock({ notificationMedium: ['ops-channel'] }) } })],
    ['changing its condition (adding an IP list)', () => ({ condition: { ipAddress: '0.0.0.0/0', approval: approvalBlock() } })],
    ['changing its condition (removing it)', () => ({ condition: null })],
  ];

  it.each(ENDING_UPDATES)('%s ends every pending or approved request under it (revoked), and survives a reopen', async (_, patch) => {
    await w.admin.policies.update(w.gate.id, patch());
    expect(await statuses(w.admin, requests)).toEqual(ENDED);
    await w.reopen();
    expect(await statuses(w.admin, requests)).toEqual(ENDED);
  });

  it('deleting the policy ends every pending or approved request under it (revoked), and survives a reopen', async () => {
    await w.admin.policies.delete(w.gate.id);
    expect(await statuses(w.admin, requests)).toEqual(ENDED);
    await w.reopen();
    expect(await statuses(w.admin, requests)).toEqual(ENDED);
  });

  it('a deactivated and reactivated policy does not bring its approvals back', async () => {
    const u = w.as(REQUESTER);
    expect((await u.get('/prod/db')).value).toBe('value of /prod/db');
    await w.admin.policies.update(w.gate.id, { isActive: false });
    await refused(u.get('/prod/db'), 'FORBIDDEN');
    await w.admin.policies.update(w.gate.id, { isActive: true });
    await refused(u.get('/prod/db'), 'APPROVAL_REQUIRED');
    expect((await u.getApproval(requests.approved.id)).status).toBe('revoked');
  });

  it('after a members change the requester may ask again and gets a new request', async () => {
    await w.admin.policies.update(w.gate.id, { members: { users: [{ id: 'u' }] } });
    const u = w.as(REQUESTER);
    await refused(u.get('/prod/db'), 'APPROVAL_REQUIRED');
    const fresh = await u.requestApproval({ path: '/prod/api', justification: 'again' });
    expect(fresh.id).not.toBe(requests.pending.id);
    expect(fresh.status).toBe('pending');
  });

  const SAME_VALUE_UPDATES: [string, () => Record<string, unknown>][] = [
    ['an empty update', () => ({})],
    ['the same name', () => ({ name: 'Prod Gate' })],
    ['the same name with spaces around it (stored trimmed)', () => ({ name: '  Prod Gate ' })],
    ['the same isActive and isDraft', () => ({ isActive: true, isDraft: false })],
    ['the same resource string', () => ({ resource: '/prod/*' })],
    ['the same accessLevel and accessType', () => ({ accessLevel: 'SM_View', accessType: 'Allow' })],
    ['the same members', () => ({ members: { users: [{ id: 'u' }, { id: 'u2' }], tags: [], tokens: [], serviceIdentities: [] } })],
    ['the same members with the empty lists left out', () => ({ members: { users: [{ id: 'u' }, { id: 'u2' }] } })],
    ['the same condition as an object', () => ({ condition: { approval: approvalBlock() } })],
    ['the same condition as a JSON string', () => ({ condition: JSON.stringify({ approval: approvalBlock() }) })],
    [
      'the same condition as a JSON string with nulls and other key orders',
      () => {
        const b = approvalBlock();
        const reordered = { timeToApprove: b.timeToApprove, notificationMedium: b.notificationMedium, validFor: b.validFor, isValidForInDays: b.isValidForInDays, approvers: b.approvers };
        return { condition: JSON.stringify({ timeOfAccess: null, approval: reordered, ipAddress: null }) };
      },
    ],
    ['the same condition with an empty ipAddress (null)', () => ({ condition: { ipAddress: '', approval: approvalBlock() } })],
    ['the body id with a same-value field', () => ({ id: w.gate.id, accessLevel: 'SM_View' })],
    ['a description only', () => ({ description: 'a new description' })],
    ['a new name (a rename grants nothing new)', () => ({ name: 'Renamed Gate' })],
  ];

  it.each(SAME_VALUE_UPDATES)('an update with %s revokes nothing', async (_, patch) => {
    await w.admin.policies.update(w.gate.id, patch());
    expect(await statuses(w.admin, requests)).toEqual(UNTOUCHED);
    expect((await w.as(REQUESTER).get('/prod/db')).value).toBe('value of /prod/db');
    await w.reopen();
    expect(await statuses(w.admin, requests)).toEqual(UNTOUCHED);
    expect((await w.as(REQUESTER).get('/prod/db')).value).toBe('value of /prod/db');
  });

  it('an update with the same time condition after normalisation (days in lower case, timezone left out) revokes nothing', async () => {
    const days = { fromTime: '00:00:00', toTime: '23:59:59', timezone: 'UTC', days: ['MONDAY', 'TUESDAY'] };
    const timed = await gate(w.admin, 'A Timed Gate', { resource: '/prod/sub/*', condition: { timeOfAccess: { daysSchedule: days } } });
    const u = w.as(REQUESTER);
    const request = await w.as(APPROVER).approve((await u.requestApproval({ path: '/prod/sub/deep', justification: 't' })).id);
    expect(request.policyId).toBe(timed.id);
    const sameButSpelledOtherwise = { timeOfAccess: { daysSchedule: { fromTime: '00:00:00', toTime: '23:59:59', days: ['monday', 'Tuesday'] } }, approval: approvalBlock() };
    await w.admin.policies.update(timed.id, { condition: JSON.stringify(sameButSpelledOtherwise) });
    expect((await u.getApproval(request.id)).status).toBe('approved');
    expect((await u.get('/prod/sub/deep')).value).toBe('value of /prod/sub/deep');
    await w.admin.policies.update(timed.id, { condition: { ...sameButSpelledOtherwise, timeOfAccess: { daysSchedule: { ...days, days: ['MONDAY'] } } } });
    expect((await u.getApproval(request.id)).status).toBe('revoked');
  });

  it('a refused policy update revokes nothing', async () => {
    await refused(w.admin.policies.update(w.gate.id, { accessLevel: 'SM_Nope' as never }), 'VALIDATION');
    await refused(w.as(REQUESTER).policies.update(w.gate.id, { isActive: false }), 'FORBIDDEN');
    expect(await statuses(w.admin, requests)).toEqual(UNTOUCHED);
  });

  it('deleting the item ends its requests (revoked), not those for other items, and survives a reopen', async () => {
    await w.admin.delete('/prod/db');
    const expected = { ...UNTOUCHED, approved: 'revoked', pending2: 'revoked' };
    expect(await statuses(w.admin, requests)).toEqual(expected);
    await w.reopen();
    expect(await statuses(w.admin, requests)).toEqual(expected);
  });

  it('deleting a directory ends the requests for it', async () => {
    const u = w.as(REQUESTER);
    const forDeep = await u.requestApproval({ path: '/prod/sub/deep', justification: 'd' });
    const forSub = await w.as(APPROVER).approve((await u.requestApproval({ path: '/prod/sub', justification: 's' })).id);
    await w.admin.delete('/prod/sub/deep');
    expect((await u.getApproval(forDeep.id)).status).toBe('revoked');
    expect((await u.getApproval(forSub.id)).status).toBe('approved');
    await w.admin.delete('/prod/sub');
    expect((await u.getApproval(forSub.id)).status).toBe('revoked');
    await w.reopen();
    expect((await w.as(REQUESTER).getApproval(forSub.id)).status).toBe('revoked');
    expect((await w.as(REQUESTER).getApproval(forDeep.id)).status).toBe('revoked');
  });

  it('approvals, rejections and withdrawals survive a reopen', async () => {
    await w.as(REQUESTER).withdraw(requests.pending.id);
    const before = await statuses(w.admin, requests);
    expect(before).toEqual({ ...UNTOUCHED, pending: 'withdrawn' });
    const full = await w.admin.getApproval(requests.approved.id);
    await w.reopen();
    expect(await statuses(w.admin, requests)).toEqual(before);
    expect(await w.admin.getApproval(requests.approved.id)).toEqual(full);
    expect((await w.as(REQUESTER).get('/prod/db')).value).toBe('value of /prod/db');
  });
});
