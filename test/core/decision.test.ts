// SPEC §8 as one ordered function: each row names the step that must decide.

import { describe, it, expect } from 'vitest';
import { decideDetailed, type AllowVerdict, type PolicyEvaluator } from '../../src/core/decision.js';
import type { Acl, Principal } from '../../src/core/types.js';

const user: Principal = { id: 'u', kind: 'user', groups: ['g'], isAdmin: false };
const admin: Principal = { ...user, isAdmin: true };
const readAcl: Acl = [{ entity: { type: 'user', id: 'u' }, access: 'read' }];

function policies(deny: string | undefined, allow: Partial<AllowVerdict> = {}): PolicyEvaluator & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    denyingPolicy: () => (asked.push('deny'), deny),
    allowing: () => (asked.push('allow'), { policyId: undefined, isPathOnly: false, approvalPolicyIds: [], ...allow }),
  };
}

describe('§8 decision order', () => {
  const rows = [
    { rule: '1. an admin is allowed before anything else is asked', principal: admin, acl: undefined, p: policies('deny-1'), expected: { allowed: true, effect: 'allow', reason: 'admin' }, asked: [] },
    { rule: '2. a matching Deny wins over an ACL grant', principal: user, acl: readAcl, p: policies('deny-1', { policyId: 'allow-1' }), expected: { allowed: false, effect: 'deny', reason: 'explicit_deny', policyId: 'deny-1' }, asked: ['deny'] },
    { rule: '3. an ACL grant allows before the Allow policies are asked', principal: user, acl: readAcl, p: policies(undefined, { policyId: 'allow-1' }), expected: { allowed: true, effect: 'allow', reason: 'acl' }, asked: ['deny'] },
    { rule: '4. an Allow policy allows and names itself', principal: user, acl: undefined, p: policies(undefined, { policyId: 'allow-1' }), expected: { allowed: true, effect: 'allow', reason: 'policy', policyId: 'allow-1' }, asked: ['deny', 'allow'] },
    { rule: '5. policies that need an approval give approval_required with their ids', principal: user, acl: undefined, p: policies(undefined, { approvalPolicyIds: ['a-1', 'a-2'] }), expected: { allowed: false, effect: 'approval_required', reason: 'approval_required', policyIds: ['a-1', 'a-2'] }, asked: ['deny', 'allow'] },
    { rule: '6. nothing grants it: default deny', principal: user, acl: undefined, p: policies(undefined), expected: { allowed: false, effect: 'deny', reason: 'default_deny' }, asked: ['deny', 'allow'] },
  ] as const;

  for (const row of rows) {
    it(row.rule, () => {
      const { decision } = decideDetailed({ principal: row.principal, acl: row.acl, aclAccess: 'read', policies: row.p });
      expect(decision).toEqual(row.expected);
      expect(row.p.asked).toEqual(row.asked);
    });
  }

  it('an ACL read entry does not give read_write', () => {
    const { decision } = decideDetailed({ principal: user, acl: readAcl, aclAccess: 'read_write', policies: policies(undefined) });
    expect(decision.reason).toBe('default_deny');
  });

  it('an allow by permission 0 alone is marked path-only (it only shows the path toward a grant)', () => {
    const { decision, isPathOnly } = decideDetailed({ principal: user, acl: undefined, aclAccess: 'read', policies: policies(undefined, { policyId: 'p', isPathOnly: true }) });
    expect(decision.allowed).toBe(true);
    expect(isPathOnly).toBe(true);
  });

  it('each decision is a fresh object the caller may change', () => {
    const first = decideDetailed({ principal: admin, acl: undefined, aclAccess: 'read', policies: policies(undefined) }).decision as { reason: string };
    first.reason = 'changed';
    expect(decideDetailed({ principal: admin, acl: undefined, aclAccess: 'read', policies: policies(undefined) }).decision.reason).toBe('admin');
  });
});
