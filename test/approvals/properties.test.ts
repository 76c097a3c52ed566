// SPEC §7.3, §9 as properties (fast-check): for any timeToApprove, validFor
// (minutes or 24-hour days) and any instant near the boundaries, a pending
// request is pending up to expiresAt inclusive and expired after it, and an
// approved grant is live up to approvedAt + validFor inclusive and expired
// after it. Each run uses its own item and policy in one store per adapter.

import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { approvalBlock, APPROVER, DAY, failure, MINUTE, REQUESTER, world } from './helpers.js';

// at most one minute back: never before createdAt / approvedAt (timeToApprove and validFor are at least a minute)
const offset = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -60_000, max: 120_000 }));

describeEachAdapter('§9 expiry properties', (makeStore) => {
  it('a pending request is pending up to expiresAt inclusive, expired after it, and approvable exactly while pending', async () => {
    const w = await world(makeStore);
    const admin = w.as(ADMIN);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 100_000 }), offset, async (timeToApprove, delta) => {
        run += 1;
        const path = `/other/p${run}`;
        await admin.create(path, { type: 'secret', value: 'v' });
        await admin.policies.create({ name: `Pending ${run}`, resource: path, members: { users: [{ id: 'u' }] }, condition: { approval: approvalBlock({ timeToApprove }) } });
        const request = await w.as(REQUESTER).requestApproval({ path, justification: 'j' });
        expect(Date.parse(request.expiresAt) - Date.parse(request.createdAt)).toBe(timeToApprove * MINUTE);
        w.t.clock.set(Date.parse(request.expiresAt) + delta);
        const status = (await w.as(REQUESTER).getApproval(request.id)).status;
        expect(status).toBe(delta <= 0 ? 'pending' : 'expired');
        if (delta <= 0) expect((await w.as(APPROVER).approve(request.id)).status).toBe('approved');
        else expect((await failure(w.as(APPROVER).approve(request.id))).code).toBe('CONFLICT');
      }),
      { numRuns: 30 },
    );
  });

  it('an approved grant is live up to approvedAt + validFor inclusive (minutes or 24-hour days) and expired after it', async () => {
    const w = await world(makeStore);
    const admin = w.as(ADMIN);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5000 }), fc.boolean(), fc.integer({ min: 0, max: 29 * MINUTE }), offset, async (validFor, inDays, wait, delta) => {
        run += 1;
        const path = `/other/g${run}`;
        await admin.create(path, { type: 'secret', value: `value ${run}` });
        await admin.policies.create({
          name: `Grant ${run}`,
          resource: path,
          members: { users: [{ id: 'u' }] },
          condition: { approval: approvalBlock({ validFor, isValidForInDays: inDays }) },
        });
        const u = w.as(REQUESTER);
        const request = await u.requestApproval({ path, justification: 'j' });
        w.t.clock.advance(wait);
        const approved = await w.as(APPROVER).approve(request.id);
        expect(approved.approvedAt).toBe(approved.decidedAt);
        const end = Date.parse(approved.approvedAt!) + validFor * (inDays ? DAY : MINUTE);
        w.t.clock.set(end + delta);
        const live = delta <= 0;
        expect((await u.getApproval(request.id)).status).toBe(live ? 'approved' : 'expired');
        const decision = await u.can('sm.secret.read', path);
        expect(decision.allowed).toBe(live);
        expect(decision.effect).toBe(live ? 'allow' : 'approval_required');
        if (live) expect((await u.get(path)).value).toBe(`value ${run}`);
        else expect((await failure(u.get(path))).code).toBe('APPROVAL_REQUIRED');
      }),
      { numRuns: 30 },
    );
  });
});
