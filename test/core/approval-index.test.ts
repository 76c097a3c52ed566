// The approval index answers listings from indexes, never from every request:
// by requester, by approver user and group, and by stored status (SPEC §9, issue 6).

import { describe, it, expect } from 'vitest';
import { newRequest, statusAt, type ApprovalRequest } from '../../src/core/approvals.js';
import { Approvals as ApprovalIndex } from '../../src/core/state/approvals.js';
import type { Principal } from '../../src/core/types.js';

const block = { approvers: { userIds: ['boss'], tags: ['leads'] }, validFor: 30, isValidForInDays: false, timeToApprove: 60, notificationMedium: 'c' };
const make = (id: string, requester: string, now: number): ApprovalRequest =>
  newRequest({ id, sequence: Number(id.slice(1)), policyId: 'p', block, validForMs: 30 * 60_000, timeToApproveMs: 60 * 60_000, path: '/s', itemId: 'i', action: 'sm.secret.read', requester: { id: requester, kind: 'user' }, justification: 'j', now });
const principal = (id: string, groups: string[] = []): Principal => ({ id, kind: 'user', groups, isAdmin: false });

describe('approval index', () => {
  it('finds requests by stored status, and moves a request when its status changes', () => {
    const index = new ApprovalIndex();
    const a = make('r1', 'u1', 0);
    const b = make('r2', 'u2', 0);
    index.apply([{ kind: 'putApproval', request: a }, { kind: 'putApproval', request: b }]);
    expect(index.withStatus('pending').map((r) => r.id).sort()).toEqual(['r1', 'r2']);
    index.apply([{ kind: 'putApproval', request: { ...a, status: 'rejected' } }]);
    expect(index.withStatus('pending').map((r) => r.id)).toEqual(['r2']);
    expect(index.withStatus('rejected').map((r) => r.id)).toEqual(['r1']);
  });

  it('looks for expired requests among the pending and approved ones only; the clock decides', () => {
    const index = new ApprovalIndex();
    const pending = make('r1', 'u1', 0);
    const approved = { ...make('r2', 'u2', 0), status: 'approved' as const, approvedAt: 0, decidedAt: 0 };
    const withdrawn = { ...make('r3', 'u3', 0), status: 'withdrawn' as const };
    index.apply([pending, approved, withdrawn].map((request) => ({ kind: 'putApproval' as const, request })));
    const candidates = index.withStatus('expired');
    expect(candidates.map((r) => r.id).sort()).toEqual(['r1', 'r2']);
    const later = 2 * 60 * 60_000;
    expect(candidates.filter((r) => statusAt(r, later) === 'expired').map((r) => r.id).sort()).toEqual(['r1', 'r2']);
    expect(candidates.filter((r) => statusAt(r, 0) === 'expired')).toEqual([]);
  });

  it("finds a requester's requests and the requests an approver (by id or by group) may decide", () => {
    const index = new ApprovalIndex();
    index.apply([make('r1', 'u1', 0), make('r2', 'u2', 0)].map((request) => ({ kind: 'putApproval' as const, request })));
    expect(index.ofRequester(principal('u1')).map((r) => r.id)).toEqual(['r1']);
    expect(index.approvableBy(principal('boss')).map((r) => r.id).sort()).toEqual(['r1', 'r2']);
    expect(index.approvableBy(principal('x', ['leads'])).map((r) => r.id).sort()).toEqual(['r1', 'r2']);
    expect(index.approvableBy(principal('x', ['other']))).toEqual([]);
  });
});
