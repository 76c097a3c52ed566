// Policy operations: create, get, update, delete, list. The order of checks:
// (1) malformed input → VALIDATION; an unknown policy id → NOT_FOUND for
// everyone (ids are random: this reveals nothing); (3) authorization on the
// policy's resource by the "covers" rule; then a missing resource item →
// NOT_FOUND and a built-in → READ_ONLY; then state (a taken name →
// ALREADY_EXISTS). An update that changes what a policy grants, and a
// delete, end the approval requests under it in the same change.

import { changeOf, noChange, type Change, type RecordChange } from '../change.js';
import { decide, type Caller } from '../decide.js';
import type { Decision } from '../decision.js';
import { alreadyExists, invalid, notFound, readOnly, validationError } from '../errors.js';
import { DEFAULT_STRING_CAP } from '../input.js';
import { matchesFilter, pageOf, parseFilter, parsePageSize, parsePageToken, type TokenCodec } from '../listing.js';
import { newPolicy, parsePolicyBody, policySummary, policyView, samePolicy, updateEndsRequests, withFields, type Policy, type PolicySummary, type PolicyView } from '../policy.js';
import { ANY_RESOURCE, parseResource, type ResourceTarget } from '../resources.js';
import type { State } from '../state/state.js';
import { assertSchema, attempt, collectProblems, detailsFromAjv, parseAll, schemaValidator } from '../validate.js';
import { endedRequests } from '../approvals.js';
import { authorize } from './steps.js';

/** What a policy write needs besides the caller: the time and new ids. */
export interface PolicyContext {
  readonly now: number;
  readonly newId: () => string;
}

/** One page of a listing: the summaries and the tokens of the pages around it (`""` where there is none). */
export interface PolicyList {
  /** The policies of this page, by name (case-insensitive) then id. */
  result: PolicySummary[];
  /** Tokens to pass as `pageToken` for the neighbouring pages. */
  pagination: {
    /** The token of the next page, or `""` when no more policies follow. */
    next: string;
    /** The token of the previous page, or `""` when no policies come before. */
    prev: string
  };
}

/**
 * Step (3) for a policy operation. A refusal names what the caller gave: the
 * resource of a create or a listing, the id of a policy asked for by id —
 * never the resource of a policy the caller may not read.
 */
function authorizePolicy(state: State, caller: Caller, verb: string, asked: ResourceTarget, policyId?: string): Decision {
  const { decision } = decide(state, caller, { kind: 'policy', action: `authz.policy.${verb}`, resource: asked });
  if (policyId === undefined) authorize(decision, `${verb} policies on`, asked.text);
  else authorize(decision, `${verb} policy`, policyId);
  return decision;
}

/** The id of the item a resource names, which must exist (NOT_FOUND); null for `*`. */
function boundItemOf(state: State, target: ResourceTarget): string | null {
  if (target.kind === 'any') return null;
  const node = state.items.at(target.path.path);
  if (node === undefined) throw notFound('item', target.path.path);
  return node.id;
}

function parsePolicyId(input: unknown): string {
  if (typeof input !== 'string') throw invalid('/id', 'must be a string');
  if (input.length > DEFAULT_STRING_CAP) throw invalid('/id', `is longer than ${DEFAULT_STRING_CAP} characters`);
  return input;
}

function existingPolicy(state: State, id: string): Policy {
  const policy = state.policies.get(id);
  if (policy === undefined) throw notFound('policy', id);
  return policy;
}

/** The approval requests a policy change ends (`after` undefined: a delete). */
function endedBy(state: State, before: Policy, after: Policy | undefined, now: number): RecordChange[] {
  if (after !== undefined && !updateEndsRequests(before, after)) return [];
  return endedRequests(state.approvals.ofPolicy(before.id), now).map((request) => ({ kind: 'approval', id: request.id, request }));
}

export function createPolicy(state: State, caller: Caller, body: unknown, context: PolicyContext): Change<PolicyView> {
  const fields = parsePolicyBody(body, true);
  const resource = fields.resource!;
  const decision = authorizePolicy(state, caller, 'create', resource);
  const boundItemId = boundItemOf(state, resource);
  if (state.policies.named(fields.name!) !== undefined) throw alreadyExists('Policy', fields.name!);
  const policy = newPolicy(context.newId(), fields, boundItemId, [context.newId(), context.newId(), context.newId()]);
  return changeOf([{ kind: 'policy', id: policy.id, policy }], policyView(policy, true, true), decision.reason);
}

export const getOptionsSchema = { type: 'object', additionalProperties: false, properties: { conditionJson: { type: 'boolean' } } } as const;

/** `{ conditionJson? }`: true → the condition as an object, else as a JSON string. */
function parseGetOptions(input: unknown): boolean {
  if (input === undefined) return false;
  assertSchema<{ conditionJson?: boolean }>(schemaValidator('policy-get-options', getOptionsSchema), input, '/options');
  return input.conditionJson === true;
}

export function getPolicy(state: State, caller: Caller, rawId: unknown, rawOptions: unknown): Change<PolicyView> {
  const [id, conditionJson] = parseAll(
    () => parsePolicyId(rawId),
    () => parseGetOptions(rawOptions),
  );
  const policy = existingPolicy(state, id);
  const decision = authorizePolicy(state, caller, 'read', policy.resource, policy.id);
  return noChange(policyView(policy, state.isAlive(policy), conditionJson), decision.reason);
}

export function updatePolicy(state: State, caller: Caller, rawId: unknown, body: unknown, context: PolicyContext): Change<PolicyView> {
  const id = parsePolicyId(rawId);
  // (1) reads the body alone: what the stored policy is (a Deny, say) is checked after authorization.
  const fields = parsePolicyBody(body, false, 'Allow', id);
  const policy = existingPolicy(state, id);
  const decision = authorizePolicy(state, caller, 'update', policy.resource, id);
  const resourceChanges = fields.resource !== undefined && fields.resource.text !== policy.resource.text;
  if (resourceChanges) authorizePolicy(state, caller, 'update', fields.resource!, id);
  if (policy.isReadOnly) throw readOnly(policy.name);
  // A policy that becomes a Deny cannot keep an approval block.
  const condition = fields.condition !== undefined ? fields.condition : policy.condition;
  if ((fields.accessType ?? policy.accessType) === 'Deny' && condition?.approval != null) {
    throw validationError([{ pointer: '/condition/approval', message: 'is allowed only on an Allow policy' }]);
  }
  // A resource equal to the current string keeps its binding, even a dead one.
  const boundItemId = resourceChanges ? boundItemOf(state, fields.resource!) : policy.boundItemId;
  if (fields.name !== undefined) {
    const holder = state.policies.named(fields.name);
    if (holder !== undefined && holder.id !== policy.id) throw alreadyExists('Policy', fields.name);
  }
  const updated = withFields(policy, resourceChanges ? fields : { ...fields, resource: undefined }, boundItemId);
  const isAlive = resourceChanges ? true : state.isAlive(policy);
  if (samePolicy(policy, updated)) return noChange(policyView(policy, isAlive, true), decision.reason);
  const records: RecordChange[] = [{ kind: 'policy', id, policy: updated }, ...endedBy(state, policy, updated, context.now)];
  return changeOf(records, policyView(updated, isAlive, true), decision.reason);
}

export function deletePolicy(state: State, caller: Caller, rawId: unknown, context: Pick<PolicyContext, 'now'>): Change<undefined> {
  const id = parsePolicyId(rawId);
  const policy = existingPolicy(state, id);
  const decision = authorizePolicy(state, caller, 'delete', policy.resource, id);
  if (policy.isReadOnly) throw readOnly(policy.name);
  return changeOf([{ kind: 'policy', id, policy: null }, ...endedBy(state, policy, undefined, context.now)], undefined, decision.reason);
}

export const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { resource: {}, filter: {}, pageToken: {}, pageSize: {} },
} as const;

/**
 * policies.list: the policies whose resource matches or covers an item path,
 * or whose resource is exactly a pattern; by name filter; a page of them in
 * listing order from a position token.
 */
export function listPolicies(state: State, caller: Caller, query: unknown, tokens: TokenCodec): Change<PolicyList> {
  const { asked, filter, size, position } = collectProblems((problems) => {
    const validator = schemaValidator('policy-list-query', listQuerySchema);
    if (query !== undefined && !validator(query)) problems.push(...detailsFromAjv(validator.errors));
    const q = (query ?? {}) as Record<string, unknown>;
    return {
      asked: q.resource === undefined ? undefined : attempt(problems, () => parseResource(q.resource)),
      filter: attempt(problems, () => parseFilter(q.filter)),
      size: attempt(problems, () => parsePageSize(q.pageSize)),
      position: attempt(problems, () => parsePageToken(q.pageToken, tokens)),
    };
  });
  const decision = authorizePolicy(state, caller, 'list', asked ?? ANY_RESOURCE);
  let keep: (policy: Policy) => boolean;
  if (asked === undefined) keep = (p) => matchesFilter(p, filter);
  else if (asked.kind === 'exact') {
    // An item path: the live policies whose resource matches it or covers it.
    const item = state.items.at(asked.path.path);
    if (item === undefined) throw notFound('item', asked.path.path);
    const chainIds = new Set([...state.items.ancestorsOf(item.ordinal).map((o) => state.items.node(o)!.id), item.id]);
    keep = (p) =>
      matchesFilter(p, filter) &&
      (p.resource.kind === 'any' || (state.isAlive(p) && p.boundItemId !== null && (p.resource.kind === 'subtree' ? chainIds.has(p.boundItemId) : p.boundItemId === item.id)));
  } else keep = (p) => matchesFilter(p, filter) && p.resource.text === asked.text; // a pattern: exactly that string
  const page = pageOf(state.policies, keep, size!, position, tokens);
  return noChange({ result: page.policies.map((p) => policySummary(p, state.isAlive(p))), pagination: { next: page.next, prev: page.prev } }, decision.reason);
}
