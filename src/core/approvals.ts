// Approvals: the request / decision / expiry life cycle of an Allow
// policy's approval block. Requests are stored records; `expired` is never
// stored but read from the clock, so no background timer is needed. The index
// finds a requester's live grant, a caller's requests and a policy's or an
// item's requests by lookup, never by scanning every request.

import type { ApprovalBlock } from './conditions/index.js';
import { conflict, forbidden, notFound, validationError, type ErrorDetail } from './errors.js';
import type { Principal, PrincipalKind } from './types.js';
import { detailsFromAjv, isPlainObject, isWellFormed, schemaValidator } from './validate.js';
import { DEFAULT_STRING_CAP } from './input.js';

/**
 * The statuses a request is stored with; `expired` is never stored but read from the clock.
 * @inline
 */
export type StoredStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn' | 'revoked';
/**
 * A request's status as read at the time of the call: `pending` (waiting for an
 * approver), `approved` (granting access), `rejected`, `withdrawn` (by its
 * requester), `revoked` (by an approver or an admin, or ended because its
 * policy or item changed), or `expired` (pending past `expiresAt`, or approved
 * longer ago than the policy's `validFor`).
 */
export type ApprovalStatus = StoredStatus | 'expired';
export const APPROVAL_STATUSES: readonly ApprovalStatus[] = ['pending', 'approved', 'rejected', 'expired', 'withdrawn', 'revoked'];

export interface PrincipalRef {
  readonly id: string;
  readonly kind: PrincipalKind;
}

/** A stored request. Times are epoch ms; `sequence` orders requests made in the same millisecond. */
export interface ApprovalRequest {
  readonly id: string;
  readonly sequence: number;
  readonly policyId: string;
  readonly path: string;
  readonly itemId: string;
  readonly action: string;
  readonly requester: PrincipalRef;
  readonly justification: string;
  readonly status: StoredStatus;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** The policy's approvers when the request was made. */
  readonly approvers: { readonly userIds: readonly string[]; readonly tags: readonly string[] };
  /** How long an approval grants access, in ms (from the policy's validFor). */
  readonly validForMs: number;
  readonly decidedBy?: PrincipalRef;
  readonly decidedAt?: number;
  /** Set on approval; kept if the request is later revoked. */
  readonly approvedAt?: number;
  readonly comment?: string;
}

/** The API's view, times as ISO strings. */
export interface ApprovalView {
  /** The request's id, as `requestApproval` made it. */
  id: string;
  /** The id of the Allow policy whose approval block the request is under. */
  policyId: string;
  /** The canonical path of the item (for a create: the directory to create in). */
  path: string;
  /** The id of that item: the request is for this item, not for one created later at the same path. */
  itemId: string;
  /** The action asked for, such as `sm.secret.read` (see {@link ApprovalAction}). */
  action: string;
  /** Who asked. */
  requester: {
    /** The requester's principal id. */
    id: string;
    /** The requester's principal kind. */
    kind: PrincipalKind
  };
  /** Why, as the requester gave it (at most 4,096 characters). */
  justification: string;
  /** The status at the time of the call (`expired` is read from the clock, never stored). */
  status: ApprovalStatus;
  /** When the request was made: ISO-8601, UTC. */
  createdAt: string;
  /** When a pending request expires (`createdAt` plus the policy's `timeToApprove`): ISO-8601, UTC. */
  expiresAt: string;
  /** Who approved, rejected, withdrew or revoked it; absent while pending and when the store ended it (its policy or item changed). */
  decidedBy?: {
    /** The deciding principal's id. */
    id: string;
    /** The deciding principal's kind. */
    kind: PrincipalKind
  };
  /** When `decidedBy` decided: ISO-8601, UTC. */
  decidedAt?: string;
  /** When it was approved (kept after a revoke): ISO-8601, UTC. Access lasts until this plus the policy's `validFor`. */
  approvedAt?: string;
  /** The comment of the latest approve, reject or revoke that gave one. */
  comment?: string;
}

// ---------------------------------------------------------------- status

/**
 * The status as read at `now`: a pending request past `expiresAt` (at
 * `expiresAt` itself it is still pending) and an approved one past
 * `approvedAt + validFor` read as `expired`.
 */
export function statusAt(request: ApprovalRequest, now: number): ApprovalStatus {
  if (request.status === 'pending' && now > request.expiresAt) return 'expired';
  if (request.status === 'approved' && now > request.approvedAt! + request.validForMs) return 'expired';
  return request.status;
}

/** True while an approved request grants access. */
export function isLiveGrant(request: ApprovalRequest, now: number): boolean {
  return request.status === 'approved' && now <= request.approvedAt! + request.validForMs;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function approvalView(request: ApprovalRequest, now: number): ApprovalView {
  const view: ApprovalView = {
    id: request.id,
    policyId: request.policyId,
    path: request.path,
    itemId: request.itemId,
    action: request.action,
    requester: { id: request.requester.id, kind: request.requester.kind },
    justification: request.justification,
    status: statusAt(request, now),
    createdAt: iso(request.createdAt),
    expiresAt: iso(request.expiresAt),
  };
  if (request.decidedBy !== undefined) view.decidedBy = { id: request.decidedBy.id, kind: request.decidedBy.kind };
  if (request.decidedAt !== undefined) view.decidedAt = iso(request.decidedAt);
  if (request.approvedAt !== undefined) view.approvedAt = iso(request.approvedAt);
  if (request.comment !== undefined) view.comment = request.comment;
  return view;
}

// ---------------------------------------------------------------- who may do what

export function refOf(principal: Principal): PrincipalRef {
  return { id: principal.id, kind: principal.kind };
}

export function isRequester(request: ApprovalRequest, principal: Principal): boolean {
  return request.requester.id === principal.id && request.requester.kind === principal.kind;
}

/** An approver: a listed `userIds` entry (a user with that id) or a member of a listed `tags` group. */
export function isApprover(request: ApprovalRequest, principal: Principal): boolean {
  if (principal.kind === 'user' && request.approvers.userIds.includes(principal.id)) return true;
  return principal.groups.some((g) => request.approvers.tags.includes(g));
}

// ---------------------------------------------------------------- input

export const requestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'justification'],
  properties: {
    path: {},
    action: { enum: ['sm.node.list', 'sm.secret.read', 'sm.node.create', 'sm.secret.update', 'sm.node.delete'] },
    justification: { type: 'string', maxLength: 4096 },
  },
} as const;

export const decisionOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { comment: { type: 'string', maxLength: 4096 } },
} as const;

export const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { status: { enum: [...APPROVAL_STATUSES] }, as: { enum: ['requester', 'approver'] } },
} as const;

/** The actions an approval can be asked for. */
export type ApprovalAction = 'sm.node.list' | 'sm.secret.read' | 'sm.node.create' | 'sm.secret.update' | 'sm.node.delete';

/** requestApproval's body: the item (for a create: the directory to create in), the action (default: read a secret, list a directory), why. */
export interface ApprovalRequestBody {
  /** The item's path (for a create: the directory to create in). */
  readonly path: string;
  /** The action to be approved; default `sm.secret.read` for a secret, `sm.node.list` for a directory. */
  readonly action?: ApprovalAction;
  /** At most 4,096 characters. */
  readonly justification: string;
}

/** approve / reject / revoke options. */
export interface DecisionOptions {
  /** At most 4,096 characters; kept with the request. */
  readonly comment?: string;
}

/** listApprovals' query: a status, and whose requests (`requester`: one's own; `approver`: those one may decide). */
export interface ApprovalListQuery {
  /** Only requests with this status (as read at the time of the call); absent: every status. */
  readonly status?: ApprovalStatus;
  /** `requester`: one's own requests; `approver`: those one may decide. Absent: both (an admin: every request). */
  readonly as?: 'requester' | 'approver';
}

/** The body's problems other than the path (which the caller parses with the path rules). */
export function requestBodyProblems(input: unknown): ErrorDetail[] {
  const validator = schemaValidator('approval-request', requestSchema);
  const problems = validator(input) ? [] : detailsFromAjv(validator.errors);
  if (isPlainObject(input) && typeof input.justification === 'string' && !isWellFormed(input.justification)) {
    problems.push({ pointer: '/justification', message: 'is not valid Unicode (it holds a lone surrogate)' });
  }
  return problems;
}

export function parseDecisionOptions(input: unknown): { comment?: string } {
  if (input === undefined) return {};
  const validator = schemaValidator('approval-decision', decisionOptionsSchema);
  if (!validator(input)) throw validationError(detailsFromAjv(validator.errors));
  const comment = (input as { comment?: string }).comment;
  return comment === undefined ? {} : { comment };
}

export function parseListQuery(input: unknown): { status?: ApprovalStatus; as?: 'requester' | 'approver' } {
  if (input === undefined) return {};
  const validator = schemaValidator('approval-list', listQuerySchema);
  if (!validator(input)) throw validationError(detailsFromAjv(validator.errors));
  return input as { status?: ApprovalStatus; as?: 'requester' | 'approver' };
}

export function parseRequestId(input: unknown): string {
  if (typeof input !== 'string') throw validationError([{ pointer: '/id', message: 'must be a string' }]);
  if (input.length > DEFAULT_STRING_CAP) throw validationError([{ pointer: '/id', message: `is longer than ${DEFAULT_STRING_CAP} characters` }]);
  return input;
}

// ---------------------------------------------------------------- operations

/** Newest first: by createdAt, then the later-made first. */
export function newestFirst(a: ApprovalRequest, b: ApprovalRequest): number {
  return b.createdAt - a.createdAt || b.sequence - a.sequence;
}

export interface NewRequest {
  readonly id: string;
  readonly sequence: number;
  readonly policyId: string;
  readonly block: ApprovalBlock;
  readonly validForMs: number;
  readonly timeToApproveMs: number;
  readonly path: string;
  readonly itemId: string;
  readonly action: string;
  readonly requester: PrincipalRef;
  readonly justification: string;
  readonly now: number;
}

export function newRequest(r: NewRequest): ApprovalRequest {
  return Object.freeze({
    id: r.id,
    sequence: r.sequence,
    policyId: r.policyId,
    path: r.path,
    itemId: r.itemId,
    action: r.action,
    requester: r.requester,
    justification: r.justification,
    status: 'pending',
    createdAt: r.now,
    expiresAt: r.now + r.timeToApproveMs,
    approvers: Object.freeze({ userIds: Object.freeze([...(r.block.approvers.userIds ?? [])]), tags: Object.freeze([...(r.block.approvers.tags ?? [])]) }),
    validForMs: r.validForMs,
  });
}

/** An existing request, or NOT_FOUND. */
export function existingRequest(index: { get(id: string): ApprovalRequest | undefined }, id: string): ApprovalRequest {
  const request = index.get(id);
  if (request === undefined) throw notFound('approval request', id);
  return request;
}

/** getApproval: the requester, an approver of it, or an admin; anyone else NOT_FOUND. */
export function visibleRequest(index: { get(id: string): ApprovalRequest | undefined }, principal: Principal, id: string): ApprovalRequest {
  const request = existingRequest(index, id);
  if (principal.isAdmin || isRequester(request, principal) || isApprover(request, principal)) return request;
  throw notFound('approval request', id);
}

export type DecisionVerb = 'approve' | 'reject' | 'withdraw' | 'revoke';

/**
 * Who may do `verb` to the request, then whether its state allows it:
 * approve / reject by an approver or an admin, never the requester, while
 * pending and not past expiresAt; withdraw by the requester alone while
 * pending; revoke by an approver or an admin, never the requester, while approved.
 */
export function decideRequest(request: ApprovalRequest, principal: Principal, verb: DecisionVerb, now: number, comment: string | undefined): ApprovalRequest {
  const own = isRequester(request, principal);
  if (verb === 'withdraw') {
    if (!own) throw forbidden('withdraw', request.id);
  } else if (own || !(principal.isAdmin || isApprover(request, principal))) {
    throw forbidden(verb, request.id);
  }
  const status = statusAt(request, now);
  const needed = verb === 'revoke' ? 'approved' : 'pending';
  if (status !== needed) throw conflict(`Request \`${request.id}\` is ${status}, not ${needed}`);
  const decided = { id: principal.id, kind: principal.kind };
  switch (verb) {
    case 'approve':
      return Object.freeze({ ...request, status: 'approved', decidedBy: decided, decidedAt: now, approvedAt: now, ...(comment !== undefined ? { comment } : {}) });
    case 'reject':
      return Object.freeze({ ...request, status: 'rejected', decidedBy: decided, decidedAt: now, ...(comment !== undefined ? { comment } : {}) });
    case 'withdraw':
      return Object.freeze({ ...request, status: 'withdrawn', decidedBy: decided, decidedAt: now });
    case 'revoke':
      return Object.freeze({ ...request, status: 'revoked', decidedBy: decided, decidedAt: now, ...(comment !== undefined ? { comment } : {}) });
  }
}

/** Ends requests that are still open or granting (pending or approved, not expired): `revoked`. */
export function endedRequests(requests: readonly ApprovalRequest[], now: number): ApprovalRequest[] {
  const ended: ApprovalRequest[] = [];
  for (const request of requests) {
    const status = statusAt(request, now);
    if (status === 'pending' || status === 'approved') ended.push(Object.freeze({ ...request, status: 'revoked' }));
  }
  return ended;
}
