// The combining rule of a decision, as one ordered function: deny beats
// everything below it; the first step that answers wins. decide.ts resolves
// what it reads (the ACL, the policies' verdict) for every question.

import { aclGrants } from './acl.js';
import type { Acl, AclAccess, Principal } from './types.js';

/** What a decision does: allow, deny, or ask for an approval first. */
export type Effect = 'allow' | 'deny' | 'approval_required';
/** Which step decided. */
export type Reason = 'admin' | 'explicit_deny' | 'acl' | 'policy' | 'approval_required' | 'default_deny';

/**
 * The answer of `can()`, and what every operation decides by. `policyId` is
 * the first deciding policy by name then id; `policyIds`, for
 * `approval_required`, every policy that would grant after an approval.
 */
export type Decision =
  /** Step 1: an admin; step 3: an ACL entry. */
  | {
      /** True: the action is allowed. */
      readonly allowed: true;
      /** `allow`. */
      readonly effect: 'allow';
      /** `admin` (the principal is an admin) or `acl` (an ACL entry on the item grants it). */
      readonly reason: 'admin' | 'acl';
      /** Absent: no policy decided. */
      readonly policyId?: undefined;
      /** Absent: only an approval_required decision lists policies. */
      readonly policyIds?: undefined
    }
  /** Step 4: an Allow policy. */
  | {
      /** True: the action is allowed. */
      readonly allowed: true;
      /** `allow`. */
      readonly effect: 'allow';
      /** `policy`: an Allow policy grants it. */
      readonly reason: 'policy';
      /** The id of the granting Allow policy (the first by name, then id). */
      readonly policyId: string;
      /** Absent: only an approval_required decision lists policies. */
      readonly policyIds?: undefined
    }
  /** Step 2: a Deny policy. */
  | {
      /** False: the action is refused. */
      readonly allowed: false;
      /** `deny`. */
      readonly effect: 'deny';
      /** `explicit_deny`: a Deny policy whose conditions hold matches. */
      readonly reason: 'explicit_deny';
      /** The id of the denying policy (the first by name, then id). */
      readonly policyId: string;
      /** Absent: only an approval_required decision lists policies. */
      readonly policyIds?: undefined
    }
  /** Step 5: Allow policies that grant only with an approval. */
  | {
      /** False: the action needs an approval first. */
      readonly allowed: false;
      /** `approval_required`: ask with `requestApproval`. */
      readonly effect: 'approval_required';
      /** `approval_required`. */
      readonly reason: 'approval_required';
      /** Every Allow policy that would grant after an approval, by name then id. */
      readonly policyIds: readonly string[];
      /** Absent: see `policyIds`. */
      readonly policyId?: undefined
    }
  /** Step 6: nothing grants it. */
  | {
      /** False: the action is refused. */
      readonly allowed: false;
      /** `deny`. */
      readonly effect: 'deny';
      /** `default_deny`: no admin right, ACL entry or policy grants it. */
      readonly reason: 'default_deny';
      /** Absent: no policy decided. */
      readonly policyId?: undefined;
      /** Absent: only an approval_required decision lists policies. */
      readonly policyIds?: undefined
    };

/** What the Allow policies say (steps 4 and 5). */
export interface AllowVerdict {
  /** Step 4: the first Allow policy (by name then id) that grants, if any. */
  readonly policyId: string | undefined;
  /** True when every step-4 grant is a parent-node list permission (0), which only shows the path toward a grant. */
  readonly isPathOnly: boolean;
  /** Step 5: Allow policies that would grant but need a live approval, by name then id. */
  readonly approvalPolicyIds: readonly string[];
}

/** The policies' side of a decision; the policy index answers it (lazily, so an ACL allow costs no policy lookup). */
export interface PolicyEvaluator {
  /** Step 2: the first matching Deny policy whose conditions hold, by name then id. */
  denyingPolicy(): string | undefined;
  /** Steps 4–5. */
  allowing(): AllowVerdict;
}

export interface DecisionRequest {
  readonly principal: Principal;
  /** The ACL of the item the action table names (the item, or for a create its directory); undefined when no ACL applies (missing item, non-item action). */
  readonly acl: Acl | undefined;
  readonly aclAccess: AclAccess | undefined;
  readonly policies: PolicyEvaluator;
}

/** A decision and, for an allow, whether it only shows the path toward a grant. */
export interface DetailedDecision {
  readonly decision: Decision;
  readonly isPathOnly: boolean;
}

// Fresh objects per decision: a caller may keep and change what `can` returned.
const ADMIN = (): Decision => ({ allowed: true, effect: 'allow', reason: 'admin' });
const ACL = (): Decision => ({ allowed: true, effect: 'allow', reason: 'acl' });
const DEFAULT_DENY = (): Decision => ({ allowed: false, effect: 'deny', reason: 'default_deny' });

/** The combining rule, one step per line. Cost: the policy index's lookups plus O(ACL entries). */
export function decideDetailed(request: DecisionRequest): DetailedDecision {
  const { principal, acl, aclAccess, policies } = request;
  // 1. Admins may do everything.
  if (principal.isAdmin) return { decision: ADMIN(), isPathOnly: false };
  // 2. A matching Deny whose conditions hold wins over everything below.
  const denyId = policies.denyingPolicy();
  if (denyId !== undefined) return { decision: { allowed: false, effect: 'deny', reason: 'explicit_deny', policyId: denyId }, isPathOnly: false };
  // 3. An ACL entry on the item the action table names.
  if (acl !== undefined && aclAccess !== undefined && aclGrants(acl, principal, aclAccess)) return { decision: ACL(), isPathOnly: false };
  // 4. An Allow policy that grants (with a live approval where it asks for one).
  const allow = policies.allowing();
  if (allow.policyId !== undefined) return { decision: { allowed: true, effect: 'allow', reason: 'policy', policyId: allow.policyId }, isPathOnly: allow.isPathOnly };
  // 5. Allow policies that would grant, but only after an approval.
  if (allow.approvalPolicyIds.length > 0) {
    return { decision: { allowed: false, effect: 'approval_required', reason: 'approval_required', policyIds: [...allow.approvalPolicyIds] }, isPathOnly: false };
  }
  // 6. Nothing grants it.
  return { decision: DEFAULT_DENY(), isPathOnly: false };
}
