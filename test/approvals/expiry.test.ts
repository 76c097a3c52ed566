// SPEC §7.3, §9: a pending request reads `expired` past expiresAt (still
// pending at expiresAt itself); an approved one past approvedAt + validFor,
// validFor in minutes or in 24-hour days. Statuses are read from the clock:
// the tests only move the fake clock and read, no timer runs.

import { expect, it } from 'vitest';
import { describeEachAdapter } from '../support/stores.js';
import { APPROVER, DAY, MINUTE, plus, refused, REQUESTER, world } from './helpers.js';

describeEachAdapter('§9 expiry, read from the clock', (makeStore) => {
  it('a pending request at exactly expiresAt is still pending, and approve works', async () => {
    const w = await world(makeStore, { approval: { timeToApprove: 30 } });
    const request = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' });
    w.t.clock.set(request.expiresAt);
    expect((await w.as(REQUESTER).getApproval(request.id)).status).toBe('pending');
    expect((await w.admin.listApprovals({ status: 'pending' })).map((r) => r.id)).toEqual([request.id]);
    const approved = await w.as(APPROVER).approve(request.id);
    expect(approved).toMatchObject({ status: 'approved', approvedAt: request.expiresAt, decidedAt: request.expiresAt });
  });

  it.each([
    ['one millisecond', 1],
    ['one second', 1000],
  ])('a pending request %s past expiresAt reads expired, and approve is a CONFLICT', async (_, ms) => {
    const w = await world(makeStore, { approval: { timeToApprove: 30 } });
    const request = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' });
    w.t.clock.advance(30 * MINUTE + ms);
    const read = await w.as(REQUESTER).getApproval(request.id);
    expect(read).toEqual({ ...request, status: 'expired' });
    expect((await w.admin.listApprovals({ status: 'expired' })).map((r) => r.id)).toEqual([request.id]);
    expect(await w.admin.listApprovals({ status: 'pending' })).toEqual([]);
    await refused(w.as(APPROVER).approve(request.id), 'CONFLICT');
    await refused(w.as(APPROVER).reject(request.id), 'CONFLICT');
  });

  it('a pending request past expiresAt cannot be withdrawn (CONFLICT)', async () => {
    const w = await world(makeStore);
    const request = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' });
    w.t.clock.set(Date.parse(request.expiresAt) + 1);
    await refused(w.as(REQUESTER).withdraw(request.id), 'CONFLICT');
    expect((await w.as(REQUESTER).getApproval(request.id)).status).toBe('expired');
  });

  it('a pending request at exactly expiresAt can still be withdrawn', async () => {
    const w = await world(makeStore);
    const request = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' });
    w.t.clock.set(request.expiresAt);
    expect((await w.as(REQUESTER).withdraw(request.id)).status).toBe('withdrawn');
  });

  it('an expired pending request reads expired after a reopen too (nothing was stored by a timer)', async () => {
    const w = await world(makeStore);
    const request = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' });
    w.t.clock.advance(31 * MINUTE);
    await w.reopen();
    expect((await w.as(REQUESTER).getApproval(request.id)).status).toBe('expired');
    // the clock going back shows it pending again: the status is read, not stored
    w.t.clock.set(request.expiresAt);
    expect((await w.as(REQUESTER).getApproval(request.id)).status).toBe('pending');
  });

  it('an approved grant in minutes is live at exactly approvedAt + validFor and expired just after', async () => {
    const w = await world(makeStore, { approval: { validFor: 45, isValidForInDays: false } });
    const u = w.as(REQUESTER);
    const request = await u.requestApproval({ path: '/prod/db', justification: 'j' });
    w.t.clock.advance(10 * MINUTE);
    const approved = await w.as(APPROVER).approve(request.id);
    expect(approved.approvedAt).toBe(plus(request.createdAt, 10 * MINUTE));

    w.t.clock.set(plus(approved.approvedAt!, 45 * MINUTE));
    expect((await u.getApproval(request.id)).status).toBe('approved');
    expect(await u.can('sm.secret.read', '/prod/db')).toMatchObject({ allowed: true, reason: 'policy', policyId: w.gate.id });
    expect((await u.get('/prod/db')).value).toBe('value of /prod/db');

    w.t.clock.advance(1);
    expect(await u.getApproval(request.id)).toEqual({ ...approved, status: 'expired' });
    expect(await u.can('sm.secret.read', '/prod/db')).toMatchObject({ allowed: false, effect: 'approval_required', policyIds: [w.gate.id] });
    const error = await refused(u.get('/prod/db'), 'APPROVAL_REQUIRED');
    expect(error.policyIds).toEqual([w.gate.id]);
    expect((await w.admin.listApprovals({ status: 'expired' })).map((r) => r.id)).toEqual([request.id]);
    expect(await w.admin.listApprovals({ status: 'approved' })).toEqual([]);
  });

  it('an approved grant in days counts 24-hour days: live at approvedAt + validFor days, expired just after', async () => {
    const w = await world(makeStore, { approval: { validFor: 3, isValidForInDays: true } });
    const u = w.as(REQUESTER);
    const request = await u.requestApproval({ path: '/prod/db', justification: 'j' });
    const approved = await w.as(APPROVER).approve(request.id);

    w.t.clock.set(plus(approved.approvedAt!, 3 * DAY));
    expect((await u.getApproval(request.id)).status).toBe('approved');
    expect((await u.get('/prod/db')).value).toBe('value of /prod/db');

    w.t.clock.advance(1);
    expect((await u.getApproval(request.id)).status).toBe('expired');
    await refused(u.get('/prod/db'), 'APPROVAL_REQUIRED');
  });

  it('days are 24 hours even across a daylight-saving change of the clock (validFor 1 day from 2024-03-09 12:00 UTC)', async () => {
    const w = await world(makeStore, { approval: { validFor: 1, isValidForInDays: true }, start: '2024-03-09T12:00:00Z' });
    const u = w.as(REQUESTER);
    const request = await u.requestApproval({ path: '/prod/db', justification: 'j' });
    await w.as(APPROVER).approve(request.id);
    w.t.clock.set('2024-03-10T12:00:00.000Z');
    expect((await u.getApproval(request.id)).status).toBe('approved');
    w.t.clock.set('2024-03-10T12:00:00.001Z');
    expect((await u.getApproval(request.id)).status).toBe('expired');
  });

  it('a grant counted in minutes is not counted in days (validFor 2, minutes)', async () => {
    const w = await world(makeStore, { approval: { validFor: 2 } });
    const u = w.as(REQUESTER);
    const request = await u.requestApproval({ path: '/prod/db', justification: 'j' });
    await w.as(APPROVER).approve(request.id);
    w.t.clock.advance(2 * MINUTE + 1);
    expect((await u.getApproval(request.id)).status).toBe('expired');
  });

  it('the validity runs from approvedAt, not from createdAt', async () => {
    const w = await world(makeStore, { approval: { validFor: 10, timeToApprove: 30 } });
    const u = w.as(REQUESTER);
    const request = await u.requestApproval({ path: '/prod/db', justification: 'j' });
    w.t.clock.advance(25 * MINUTE);
    await w.as(APPROVER).approve(request.id);
    w.t.clock.advance(9 * MINUTE); // 34 minutes after createdAt: past expiresAt, inside validFor
    expect((await u.getApproval(request.id)).status).toBe('approved');
    expect((await u.get('/prod/db')).value).toBe('value of /prod/db');
  });

  it('after a grant expired the requester may ask again, and gets a new pending request', async () => {
    const w = await world(makeStore);
    const u = w.as(REQUESTER);
    const first = await u.requestApproval({ path: '/prod/db', justification: 'j' });
    await w.as(APPROVER).approve(first.id);
    w.t.clock.advance(61 * MINUTE);
    const second = await u.requestApproval({ path: '/prod/db', justification: 'again' });
    expect(second.id).not.toBe(first.id);
    expect(second.status).toBe('pending');
    expect((await u.getApproval(first.id)).status).toBe('expired');
  });

  it('an expired approved grant cannot be revoked (CONFLICT)', async () => {
    const w = await world(makeStore);
    const request = await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' });
    await w.as(APPROVER).approve(request.id);
    w.t.clock.advance(61 * MINUTE);
    await refused(w.as(APPROVER).revoke(request.id), 'CONFLICT');
    expect((await w.admin.getApproval(request.id)).status).toBe('expired');
  });
});
