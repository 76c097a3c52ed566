// Policy operations (SPEC §6.4, §5's last row, §3's order for policies):
// (1) malformed input → VALIDATION; an unknown policy id → NOT_FOUND for
// everyone; (3) authorization on the policy's resource (the "covers" rule);
// then a missing resource item → NOT_FOUND and a built-in → READ_ONLY;
// then state (a taken name → ALREADY_EXISTS).

import { decideDetailed, type Decision } from './decision.js';
import { alreadyExists, invalid, notFound, readOnly, validationError } from './errors.js';
import { authorize, nodesToward, type Caller, type ItemState } from './items.js';
import { matchesFilter, pageOf, parseFilter, parsePageSize, parsePageToken, type TokenCodec } from './listing.js';
import type { DecisionFacts, MemberSet, PolicyDelta, PolicyIndex } from './policy-index.js';
import {
  newPolicy,
  parsePolicyBody,
  policySummary,
  policyView,
  sameCondition,
  sameMembers,
  withFields,
  type Policy,
  type PolicySummary,
  type PolicyView,
} from './policy.js';
import { ANY_RESOURCE, parseResource, type ResourceTarget } from './resources.js';
import type { ItemNode } from './types.js';
import { assertSchema, schemaValidator } from './validate.js';
import { DEFAULT_STRING_CAP } from './input.js';

export interface PolicyState extends ItemState {
  readonly policies: PolicyIndex;
}

/** A caller of policy operations: who asks, the keys their policies are indexed by, and the request's facts. */
export interface PolicyCaller extends Caller {
  readonly members: MemberSet;
  readonly facts: DecisionFacts;
}

export type PolicyRecordChange = { readonly kind: 'putPolicy'; readonly policy: Policy } | { readonly kind: 'deletePolicy'; readonly id: string };

export interface PolicyChange<R> {
  readonly result: R;
  readonly records: readonly PolicyRecordChange[];
  readonly deltas: readonly PolicyDelta[];
  readonly decision: Decision;
  /** The policy before the change (for approval revocation). */
  readonly before?: Policy;
}

// ---------------------------------------------------------------- authorization

/** The §8 decision for `authz.policy.<verb>` on a policy resource (the covers rule). */
export function decidePolicyAction(state: PolicyState, caller: PolicyCaller, action: string, asked: ResourceTarget): Decision {
  const chain = asked.kind === 'any' ? [] : nodesToward(state.root, asked.path);
  const askedNode = asked.kind !== 'any' && chain.length === asked.path.segments.length + 1 ? chain[chain.length - 1] : undefined;
  return decideDetailed({
    principal: caller.principal,
    acl: undefined,
    aclAccess: undefined,
    policies: state.policies.authzEvaluator(caller.members, action, asked, chain, askedNode, caller.facts),
  }).decision;
}

/**
 * Step (3) for a policy operation. A refusal names what the caller gave: the
 * resource of a create or a listing, the id of a policy asked for by id —
 * never the resource of a policy the caller may not read.
 */
function authorizePolicy(state: PolicyState, caller: PolicyCaller, verb: string, asked: ResourceTarget, policyId?: string): Decision {
  const decision = decidePolicyAction(state, caller, `authz.policy.${verb}`, asked);
  if (policyId === undefined) authorize(decision, `${verb} policies on`, asked.text);
  else authorize(decision, `${verb} policy`, policyId);
  return decision;
}

// ---------------------------------------------------------------- binding

/** Where a policy sits in the index: the ordinal of its bound item, and of each directory toward it (permission 0). */
export interface Placement {
  readonly isAlive: boolean;
  /** The bound item's ordinal; undefined for `*` (and for a dead policy). */
  readonly anchor: number | undefined;
  /** parents(R): the ancestors of R's item, or the root for `*`, `/` and `/*`. */
  readonly toward: readonly number[];
}

function placementOf(root: ItemNode, chain: readonly ItemNode[]): Placement {
  const node = chain[chain.length - 1]!;
  return { isAlive: true, anchor: node.ordinal, toward: chain.length === 1 ? [root.ordinal] : node.ancestry };
}

/** Binds a resource to the item it names, which must exist (NOT_FOUND). `*` binds to nothing. */
export function bindResource(root: ItemNode, target: ResourceTarget): Placement & { boundItemId: string | null } {
  if (target.kind === 'any') return { isAlive: true, anchor: undefined, toward: [root.ordinal], boundItemId: null };
  const chain = nodesToward(root, target.path);
  if (chain.length !== target.path.segments.length + 1) throw notFound('item', target.path.path);
  return { ...placementOf(root, chain), boundItemId: chain[chain.length - 1]!.id };
}

/** A policy's placement in the tree as it is now: dead when its path no longer holds the bound item. */
export function placementNow(root: ItemNode, policy: Policy): Placement {
  if (policy.boundItemId === null) return { isAlive: true, anchor: undefined, toward: [root.ordinal] };
  const chain = nodesToward(root, policy.resource.path);
  const node = chain.length === policy.resource.path.segments.length + 1 ? chain[chain.length - 1]! : undefined;
  if (node?.id !== policy.boundItemId) return { isAlive: false, anchor: undefined, toward: [] };
  return placementOf(root, chain);
}

// ---------------------------------------------------------------- operations

function parsePolicyId(input: unknown): string {
  if (typeof input !== 'string') throw invalid('/id', 'must be a string');
  if (input.length > DEFAULT_STRING_CAP) throw invalid('/id', `is longer than ${DEFAULT_STRING_CAP} characters`);
  return input;
}

function existingPolicy(state: PolicyState, id: string): Policy {
  const policy = state.policies.get(id);
  if (policy === undefined) throw notFound('policy', id);
  return policy;
}

export interface NewPolicyIds {
  readonly policyId: string;
  readonly permissionIds: readonly [string, string, string];
}

export function createPolicy(state: PolicyState, caller: PolicyCaller, body: unknown, ids: NewPolicyIds): PolicyChange<PolicyView> {
  const fields = parsePolicyBody(body, true);
  const resource = fields.resource!;
  const decision = authorizePolicy(state, caller, 'create', resource);
  const binding = bindResource(state.root, resource);
  if (state.policies.named(fields.name!) !== undefined) throw alreadyExists('Policy', fields.name!);
  const policy = newPolicy(ids.policyId, fields, binding.boundItemId, ids.permissionIds);
  return {
    result: policyView(policy, true, true),
    records: [{ kind: 'putPolicy', policy }],
    deltas: [{ kind: 'putPolicy', policy, placement: binding }],
    decision,
  };
}

const getOptionsSchema = { type: 'object', additionalProperties: false, properties: { conditionJson: { type: 'boolean' } } } as const;

export function getPolicy(state: PolicyState, caller: PolicyCaller, rawId: unknown, options: unknown): { result: PolicyView; decision: Decision } {
  const id = parsePolicyId(rawId);
  if (options !== undefined) assertSchema<{ conditionJson?: boolean }>(schemaValidator('policy-get-options', getOptionsSchema), options, '/options');
  const policy = existingPolicy(state, id);
  const decision = authorizePolicy(state, caller, 'read', policy.resource, id);
  const conditionJson = (options as { conditionJson?: boolean } | undefined)?.conditionJson === true;
  return { result: policyView(policy, state.policies.isAlive(policy), conditionJson), decision };
}

export function updatePolicy(state: PolicyState, caller: PolicyCaller, rawId: unknown, body: unknown): PolicyChange<PolicyView> {
  const id = parsePolicyId(rawId);
  // (1) reads the body alone: what the stored policy is (a Deny, say) is checked after authorization.
  const fields = parsePolicyBody(body, false, 'Allow', id);
  const policy = existingPolicy(state, id);
  const decision = authorizePolicy(state, caller, 'update', policy.resource, id);
  const resourceChanges = fields.resource !== undefined && fields.resource.text !== policy.resource.text;
  if (resourceChanges) authorizePolicy(state, caller, 'update', fields.resource!, id);
  if (policy.isReadOnly) throw readOnly(policy.name);
  // A policy that becomes a Deny cannot keep an approval block (SPEC §7.3).
  const condition = fields.condition !== undefined ? fields.condition : policy.condition;
  if ((fields.accessType ?? policy.accessType) === 'Deny' && condition?.approval != null) {
    throw validationError([{ pointer: '/condition/approval', message: 'is allowed only on an Allow policy' }]);
  }
  // A resource equal to the current string keeps its binding, even a dead one.
  const binding = resourceChanges ? bindResource(state.root, fields.resource!) : undefined;
  if (fields.name !== undefined) {
    const holder = state.policies.named(fields.name);
    if (holder !== undefined && holder.id !== policy.id) throw alreadyExists('Policy', fields.name);
  }
  const updated = withFields(policy, resourceChanges ? fields : { ...fields, resource: undefined }, binding?.boundItemId ?? policy.boundItemId);
  const isAlive = binding !== undefined ? true : state.policies.isAlive(policy);
  if (samePolicy(policy, updated)) return { result: policyView(policy, isAlive, true), records: [], deltas: [], decision, before: policy };
  const placement = binding ?? (isAlive ? placementNow(state.root, updated) : { isAlive: false, anchor: undefined, toward: [] });
  return {
    result: policyView(updated, isAlive, true),
    records: [{ kind: 'putPolicy', policy: updated }],
    deltas: [{ kind: 'putPolicy', policy: updated, placement }],
    decision,
    before: policy,
  };
}

/** True when an update changed nothing (after normalisation). */
export function samePolicy(a: Policy, b: Policy): boolean {
  return (
    a.name === b.name &&
    a.description === b.description &&
    a.isActive === b.isActive &&
    a.isDraft === b.isDraft &&
    a.accessLevel === b.accessLevel &&
    a.accessType === b.accessType &&
    a.resource.text === b.resource.text &&
    a.boundItemId === b.boundItemId &&
    sameCondition(a.condition, b.condition) &&
    sameMembers(a.members, b.members)
  );
}

export function deletePolicy(state: PolicyState, caller: PolicyCaller, rawId: unknown): PolicyChange<undefined> {
  const id = parsePolicyId(rawId);
  const policy = existingPolicy(state, id);
  const decision = authorizePolicy(state, caller, 'delete', policy.resource, id);
  if (policy.isReadOnly) throw readOnly(policy.name);
  return { result: undefined, records: [{ kind: 'deletePolicy', id }], deltas: [{ kind: 'deletePolicy', id }], decision, before: policy };
}

const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { resource: {}, filter: {}, pageToken: {}, pageSize: {} },
} as const;

export interface PolicyList {
  result: PolicySummary[];
  pagination: { next: string; prev: string };
}

export function listPolicies(state: PolicyState, caller: PolicyCaller, query: unknown, tokens: TokenCodec): { result: PolicyList; decision: Decision } {
  if (query !== undefined) assertSchema<Record<string, unknown>>(schemaValidator('policy-list-query', listQuerySchema), query);
  const q = (query ?? {}) as Record<string, unknown>;
  const details: { pointer: string; message: string }[] = [];
  const attempt = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      const d = (error as { details?: { pointer: string; message: string }[] }).details;
      if (d === undefined) throw error;
      details.push(...d);
      return undefined;
    }
  };
  const asked = q.resource === undefined ? undefined : attempt(() => parseResource(q.resource));
  const filter = attempt(() => parseFilter(q.filter));
  const size = attempt(() => parsePageSize(q.pageSize));
  const position = attempt(() => parsePageToken(q.pageToken, tokens));
  if (details.length > 0) throw validationError(details);

  const decision = authorizePolicy(state, caller, 'list', asked ?? ANY_RESOURCE);
  const index = state.policies;
  let keep: (policy: Policy) => boolean;
  if (asked === undefined) keep = (p) => matchesFilter(p, filter);
  else if (asked.kind === 'exact') {
    // An item path: the live policies whose resource matches it or covers it.
    const chain = nodesToward(state.root, asked.path);
    if (chain.length !== asked.path.segments.length + 1) throw notFound('item', asked.path.path);
    const item = chain[chain.length - 1]!;
    const chainIds = new Set(chain.map((n) => n.id));
    keep = (p) =>
      matchesFilter(p, filter) &&
      (p.resource.kind === 'any' ||
        (index.isAlive(p) && p.boundItemId !== null && (p.resource.kind === 'subtree' ? chainIds.has(p.boundItemId) : p.boundItemId === item.id)));
  } else keep = (p) => matchesFilter(p, filter) && p.resource.text === asked.text; // a pattern: exactly that string
  const page = pageOf(index, keep, size!, position, tokens);
  return {
    result: { result: page.policies.map((p) => policySummary(p, index.isAlive(p))), pagination: { next: page.next, prev: page.prev } },
    decision,
  };
}
