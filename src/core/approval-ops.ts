// Approval operations (SPEC §9) as pure functions over the store's state:
// requestApproval, approve / reject / withdraw / revoke, getApproval,
// listApprovals, and the requests a policy change or an item deletion ends.

import {
  approvalView,
  decideRequest,
  endRequests,
  existingRequest,
  isApprover,
  isRequester,
  newestFirst,
  newRequest,
  parseDecisionOptions,
  parseListQuery,
  parseRequestId,
  refOf,
  requestBodyProblems,
  statusAt,
  visibleRequest,
  type ApprovalDelta,
  type ApprovalIndex,
  type ApprovalRequest,
  type ApprovalView,
  type DecisionVerb,
} from './approvals.js';
import type { ApprovalBlock } from './conditions/index.js';
import type { ItemOperation } from './actions.js';
import type { Decision } from './decision.js';
import { conflict, invalid, validationError } from './errors.js';
import { authorize, decideOperation, existing } from './items.js';
import { checkPath, type ParsedPath } from './paths.js';
import { sameCondition, sameMembers, type Policy } from './policy.js';
import type { PolicyCaller, PolicyState } from './policy-ops.js';
import { isPlainObject } from './validate.js';

export interface ApprovalState extends PolicyState {
  readonly approvals: ApprovalIndex;
}

export interface ApprovalChange<R> {
  readonly result: R;
  readonly requests: readonly ApprovalRequest[];
  readonly decision: Decision | string;
}

export function approvalDeltas(requests: readonly ApprovalRequest[]): ApprovalDelta[] {
  return requests.map((request) => ({ kind: 'putApproval', request }));
}

// ---------------------------------------------------------------- request

export interface NewRequestIds {
  readonly id: string;
  readonly now: number;
}

/** What a new request needs sent to the notifier, besides the request. */
export interface RequestOutcome {
  readonly view: ApprovalView;
  readonly medium: ApprovalBlock['notificationMedium'] | undefined;
  readonly isNew: boolean;
}

// The operation whose §5 row gives an action's ACL entry and policy action. The
// ACL column is the same for the patch of a secret and of a directory
// (read_write on the item), so `sm.secret.update` needs no item type.
const OPERATION_OF_ACTION: Readonly<Record<string, Exclude<ItemOperation, 'create'>>> = {
  'sm.node.list': 'list',
  'sm.secret.read': 'read',
  'sm.secret.update': 'patchSecret',
  'sm.node.delete': 'delete',
};

const REQUEST_VERB = 'request access to';

/**
 * requestApproval({ path, action?, justification }): accepted when the
 * caller's decision for that action on that item is `approval_required`;
 * CONFLICT when it is allowed already, FORBIDDEN otherwise. A create is
 * approved on the directory it creates in. A second request while one is
 * pending for the same requester, policy and item returns the pending one.
 */
export function requestApproval(state: ApprovalState, caller: PolicyCaller, body: unknown, ids: NewRequestIds): ApprovalChange<RequestOutcome> {
  // (1) input
  const problems = requestBodyProblems(body);
  const rawPath = isPlainObject(body) ? body.path : undefined;
  const checked = checkPath(rawPath);
  if ('problems' in checked) problems.push(...checked.problems.filter((p) => !problems.some((q) => q.pointer === p.pointer)));
  if (problems.length > 0 || !('path' in checked)) throw validationError(problems);
  const { justification, action: askedAction } = body as { justification: string; action?: string };
  const path = checked.path;
  // (2) the item must exist (NOT_FOUND only for those who may know).
  const { node, nodes } = existing(state, caller, path, REQUEST_VERB);
  // (3) the decision the approval would change. Which ACL entry and which
  // policy action it reads depend on the action alone, never on the item's
  // type, so a refusal says nothing about what the item is.
  const action = askedAction ?? (node.type === 'secret' ? 'sm.secret.read' : 'sm.node.list');
  let decision: Decision;
  if (action === 'sm.node.create') {
    // A create directly in D: D's ACL, the policies on a child of D (a name no item can have).
    const child: ParsedPath = { segments: [...path.segments, '\u0000'], path: `${path.path}/\u0000` };
    decision = decideOperation(caller, 'create', child, nodes).decision;
  } else {
    decision = decideOperation(caller, OPERATION_OF_ACTION[action]!, path, nodes).decision;
  }
  if (!decision.allowed && decision.effect !== 'approval_required') authorize(decision, REQUEST_VERB, path.path);
  // (4) state: the action must fit the item, and there must be something to approve.
  if (action === 'sm.node.create' && node.type !== 'directory') throw invalid('/path', 'an approval to create is asked on the directory to create in');
  const fits = node.type === 'directory' ? action !== 'sm.secret.read' && action !== 'sm.secret.update' : action !== 'sm.node.list';
  if (!fits) throw invalid('/action', `\`${action}\` does not apply to a ${node.type}`);
  if (decision.allowed) throw conflict(`Nothing to approve: \`${action}\` on \`${path.path}\` is allowed already`);
  // The first of the decision's policies by name then id.
  const policy = state.policies.get(decision.policyIds![0]!)!;
  const block = policy.compiled!.approval!;
  const requester = refOf(caller.principal);
  const pending = state.approvals.forGrant(requester, policy.id, node.id).find((r) => statusAt(r, ids.now) === 'pending');
  if (pending !== undefined) return { result: { view: approvalView(pending, ids.now), medium: undefined, isNew: false }, requests: [], decision };
  const request = newRequest({
    id: ids.id,
    sequence: state.approvals.nextSequence(),
    policyId: policy.id,
    block: block.block,
    validForMs: block.validForMs,
    timeToApproveMs: block.timeToApproveMs,
    path: path.path,
    itemId: node.id,
    action,
    requester,
    justification,
    now: ids.now,
  });
  return { result: { view: approvalView(request, ids.now), medium: block.block.notificationMedium, isNew: true }, requests: [request], decision };
}

// ---------------------------------------------------------------- decisions on a request

export function decideApproval(state: ApprovalState, caller: PolicyCaller, verb: DecisionVerb, rawId: unknown, options: unknown, now: number): ApprovalChange<ApprovalView> {
  const id = parseRequestId(rawId);
  const { comment } = verb === 'withdraw' ? { comment: undefined } : parseDecisionOptions(options);
  const request = existingRequest(state.approvals, id);
  const decided = decideRequest(request, caller.principal, verb, now, comment);
  const reason = caller.principal.isAdmin && !isRequester(request, caller.principal) && !isApprover(request, caller.principal) ? 'admin' : verb === 'withdraw' ? 'requester' : 'approver';
  return { result: approvalView(decided, now), requests: [decided], decision: reason };
}

export function getApproval(state: ApprovalState, caller: PolicyCaller, rawId: unknown, now: number): { result: ApprovalView; decision: string } {
  const request = visibleRequest(state.approvals, caller.principal, parseRequestId(rawId));
  const principal = caller.principal;
  const reason = isRequester(request, principal) ? 'requester' : isApprover(request, principal) ? 'approver' : 'admin';
  return { result: approvalView(request, now), decision: reason };
}

/** Newest first; `as` narrows to the caller's own requests or those they may decide. O(those requests). */
export function listApprovals(state: ApprovalState, caller: PolicyCaller, query: unknown, now: number): { result: ApprovalView[]; decision: string } {
  const { status, as } = parseListQuery(query);
  const principal = caller.principal;
  let requests: ApprovalRequest[];
  // An admin sees every request: narrowed by the status index when a status is asked.
  if (principal.isAdmin && as === undefined) requests = status === undefined ? state.approvals.all() : state.approvals.withStatus(status);
  else {
    const own = as === 'approver' ? [] : state.approvals.ofRequester(principal);
    const others = as === 'requester' ? [] : (principal.isAdmin ? state.approvals.all() : state.approvals.approvableBy(principal)).filter((r) => !isRequester(r, principal));
    requests = [...own, ...others];
  }
  const listed = requests.filter((r) => status === undefined || statusAt(r, now) === status).sort(newestFirst);
  return { result: listed.map((r) => approvalView(r, now)), decision: principal.isAdmin ? 'admin' : 'listed' };
}

// ---------------------------------------------------------------- ending requests

/**
 * True when an update ends the policy's requests (SPEC §9): deactivated, made
 * a draft, or its members, resource, accessLevel, accessType or condition changed.
 */
export function updateEndsRequests(before: Policy, after: Policy): boolean {
  return (
    (before.isActive && !after.isActive) ||
    (!before.isDraft && after.isDraft) ||
    !sameMembers(before.members, after.members) ||
    before.resource.text !== after.resource.text ||
    before.boundItemId !== after.boundItemId ||
    before.accessLevel !== after.accessLevel ||
    before.accessType !== after.accessType ||
    !sameCondition(before.condition, after.condition)
  );
}

/** The requests a policy update (or, with `after` undefined, a deletion) ends. */
export function requestsEndedByPolicy(state: ApprovalState, before: Policy, after: Policy | undefined, now: number): ApprovalRequest[] {
  if (after !== undefined && !updateEndsRequests(before, after)) return [];
  return endRequests(state.approvals.ofPolicy(before.id), now);
}

/** The requests for a deleted item end with it. */
export function requestsEndedByItem(state: ApprovalState, itemId: string, now: number): ApprovalRequest[] {
  return endRequests(state.approvals.ofItem(itemId), now);
}
