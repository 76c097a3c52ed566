// Approval operations: requestApproval, approve / reject / withdraw / revoke,
// getApproval, listApprovals. A request follows the item operations' order of
// checks: (1) input, (2) the item (NOT_FOUND only for those who may know),
// (3) the decision it would change — which reads the same ACL entry and policy
// action whatever the item is — and only then (4) whether the action fits the
// item and whether anything is left to approve.

import type { ItemOperation } from '../actions.js';
import {
  approvalView,
  decideRequest,
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
  type ApprovalRequest,
  type ApprovalView,
  type DecisionVerb,
} from '../approvals.js';
import { changeOf, noChange, type AuditReason, type Change } from '../change.js';
import type { ApprovalBlock } from '../conditions/index.js';
import { decide, type Caller } from '../decide.js';
import { conflict, invalid } from '../errors.js';
import { checkPath } from '../paths.js';
import type { State } from '../state/state.js';
import { collectProblems, isPlainObject } from '../validate.js';
import { authorize, existing } from './steps.js';

/** What a new request needs besides its id and time. */
export interface ApprovalContext {
  readonly now: number;
  readonly newId: () => string;
}

/** A request's view, and for a new one the medium to notify. */
export interface RequestOutcome {
  readonly view: ApprovalView;
  readonly medium: ApprovalBlock['notificationMedium'] | undefined;
  readonly isNew: boolean;
}

// The operation whose row of the action table gives an action's ACL entry and
// policy action. A patch of a secret and of a directory read the same ACL
// entry (read_write on the item), so `sm.secret.update` needs no item type.
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
export function requestApproval(state: State, caller: Caller, body: unknown, context: ApprovalContext): Change<RequestOutcome> {
  // (1) input
  const path = collectProblems((problems) => {
    problems.push(...requestBodyProblems(body));
    const checked = checkPath(isPlainObject(body) ? body.path : undefined);
    if ('problems' in checked) problems.push(...checked.problems.filter((p) => !problems.some((q) => q.pointer === p.pointer)));
    return 'path' in checked ? checked.path.path : '/';
  });
  const { justification, action: askedAction } = body as { justification: string; action?: string };
  // (2) the item must exist.
  const node = existing(state, caller, path, REQUEST_VERB);
  // (3) the decision the approval would change.
  const action = askedAction ?? (node.type === 'secret' ? 'sm.secret.read' : 'sm.node.list');
  const { decision } = decide(
    state,
    caller,
    action === 'sm.node.create' ? { kind: 'createIn', directory: node.ordinal } : { kind: 'item', operation: OPERATION_OF_ACTION[action]!, path },
  );
  if (!decision.allowed && decision.effect !== 'approval_required') authorize(decision, REQUEST_VERB, path);
  // (4) state: the action must fit the item, and there must be something to approve.
  if (action === 'sm.node.create' && node.type !== 'directory') throw invalid('/path', 'an approval to create is asked on the directory to create in');
  const fits = node.type === 'directory' ? action !== 'sm.secret.read' && action !== 'sm.secret.update' : action !== 'sm.node.list';
  if (!fits) throw invalid('/action', `\`${action}\` does not apply to a ${node.type}`);
  if (decision.allowed) throw conflict(`Nothing to approve: \`${action}\` on \`${path}\` is allowed already`);
  // The first of the decision's policies by name then id.
  const policy = state.policies.get(decision.policyIds![0]!)!;
  const block = policy.compiled!.approval!;
  const requester = refOf(caller.principal);
  const pending = state.approvals.forGrant(requester, policy.id, node.id).find((r) => statusAt(r, context.now) === 'pending');
  if (pending !== undefined) return noChange({ view: approvalView(pending, context.now), medium: undefined, isNew: false }, decision.reason);
  const request = newRequest({
    id: context.newId(),
    sequence: state.approvals.nextSequence(),
    policyId: policy.id,
    block: block.block,
    validForMs: block.validForMs,
    timeToApproveMs: block.timeToApproveMs,
    path,
    itemId: node.id,
    action,
    requester,
    justification,
    now: context.now,
  });
  return changeOf([{ kind: 'approval', id: request.id, request }], { view: approvalView(request, context.now), medium: block.block.notificationMedium, isNew: true }, decision.reason);
}

/** approve / reject / withdraw / revoke. */
export function decideApproval(state: State, caller: Caller, verb: DecisionVerb, rawId: unknown, options: unknown, now: number): Change<ApprovalView> {
  const id = parseRequestId(rawId);
  const { comment } = verb === 'withdraw' ? { comment: undefined } : parseDecisionOptions(options);
  const request = existingRequest(state.approvals, id);
  const decided = decideRequest(request, caller.principal, verb, now, comment);
  const principal = caller.principal;
  const reason: AuditReason = principal.isAdmin && !isRequester(request, principal) && !isApprover(request, principal) ? 'admin' : verb === 'withdraw' ? 'requester' : 'approver';
  return changeOf([{ kind: 'approval', id: decided.id, request: decided }], approvalView(decided, now), reason);
}

export function getApproval(state: State, caller: Caller, rawId: unknown, now: number): Change<ApprovalView> {
  const principal = caller.principal;
  const request = visibleRequest(state.approvals, principal, parseRequestId(rawId));
  const reason: AuditReason = isRequester(request, principal) ? 'requester' : isApprover(request, principal) ? 'approver' : 'admin';
  return noChange(approvalView(request, now), reason);
}

/** Newest first; `as` narrows to the caller's own requests or those they may decide. O(those requests). */
export function listApprovals(state: State, caller: Caller, query: unknown, now: number): Change<ApprovalView[]> {
  const { status, as } = parseListQuery(query);
  const principal = caller.principal;
  const approvals = state.approvals;
  let requests: ApprovalRequest[];
  // An admin sees every request: narrowed by the status index when a status is asked.
  if (principal.isAdmin && as === undefined) requests = status === undefined ? approvals.all() : approvals.withStatus(status);
  else {
    const own = as === 'approver' ? [] : approvals.ofRequester(principal);
    const others = as === 'requester' ? [] : (principal.isAdmin ? approvals.all() : approvals.approvableBy(principal)).filter((r) => !isRequester(r, principal));
    requests = [...own, ...others];
  }
  const listed = requests.filter((r) => status === undefined || statusAt(r, now) === status).sort(newestFirst);
  return noChange(
    listed.map((r) => approvalView(r, now)),
    principal.isAdmin ? 'admin' : 'listed',
  );
}
