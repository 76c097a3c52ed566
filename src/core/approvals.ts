// Approvals (SPEC §9): the request / decision / expiry life cycle of an Allow
// policy's approval block. Requests are stored records; `expired` is never
// stored but read from the clock, so no background timer is needed. The index
// finds a requester's live grant, a caller's requests and a policy's or an
// item's requests by lookup, never by scanning every request.

import type { ApprovalBlock } from './conditions/index.js';
import { conflict, forbidden, notFound, validationError, type ErrorDetail } from './errors.js';
import type { Principal, PrincipalKind } from './types.js';
import { detailsFromAjv, isPlainObject, isWellFormed, schemaValidator } from './validate.js';
import { DEFAULT_STRING_CAP } from './input.js';

export type StoredStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn' | 'revoked';
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
  /** The policy's approvers when the request was made (SPEC §9). */
  readonly approvers: { readonly userIds: readonly string[]; readonly tags: readonly string[] };
  /** How long an approval grants access, in ms (from the policy's validFor). */
  readonly validForMs: number;
  readonly decidedBy?: PrincipalRef;
  readonly decidedAt?: number;
  /** Set on approval; kept if the request is later revoked. */
  readonly approvedAt?: number;
  readonly comment?: string;
}

/** The API's view (SPEC §9), times as ISO strings. */
export interface ApprovalView {
  id: string;
  policyId: string;
  path: string;
  itemId: string;
  action: string;
  requester: { id: string; kind: PrincipalKind };
  justification: string;
  status: ApprovalStatus;
  createdAt: string;
  expiresAt: string;
  decidedBy?: { id: string; kind: PrincipalKind };
  decidedAt?: string;
  approvedAt?: string;
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

const requestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'justification'],
  properties: {
    path: {},
    action: { enum: ['sm.node.list', 'sm.secret.read', 'sm.node.create', 'sm.secret.update', 'sm.node.delete'] },
    justification: { type: 'string', maxLength: 4096 },
  },
} as const;

const decisionOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { comment: { type: 'string', maxLength: 4096 } },
} as const;

const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { status: { enum: [...APPROVAL_STATUSES] }, as: { enum: ['requester', 'approver'] } },
} as const;

export interface RequestBody {
  readonly path: unknown;
  readonly action?: string;
  readonly justification: string;
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

// ---------------------------------------------------------------- index

export type ApprovalDelta = { readonly kind: 'putApproval'; readonly request: ApprovalRequest };

function requesterKey(ref: PrincipalRef): string {
  return `${ref.kind}:${ref.id}`;
}

function grantKey(requester: PrincipalRef, policyId: string, itemId: string): string {
  return `${requesterKey(requester)}\u0000${policyId}\u0000${itemId}`;
}

function addTo<K>(map: Map<K, Set<string>>, key: K, id: string): void {
  let set = map.get(key);
  if (set === undefined) map.set(key, (set = new Set()));
  set.add(id);
}

/**
 * Requests by id, and the lookups the SPEC's operations need. Changed only by
 * `apply`, at publish. Costs: a live-grant check O(requests of that requester
 * for that policy and item); a listing O(the caller's own and approvable
 * requests); ending a policy's or an item's requests O(its requests).
 */
export class ApprovalIndex {
  private readonly byId = new Map<string, ApprovalRequest>();
  private readonly byGrant = new Map<string, Set<string>>();
  private readonly byRequester = new Map<string, Set<string>>();
  private readonly byApproverUser = new Map<string, Set<string>>();
  private readonly byApproverTag = new Map<string, Set<string>>();
  private readonly byPolicy = new Map<string, Set<string>>();
  private readonly byItem = new Map<string, Set<string>>();
  /** By stored status; `expired` is read from the clock, so it is found among `pending` and `approved`. */
  private readonly byStatus = new Map<StoredStatus, Set<string>>();
  private lastSequence = 0;

  get(id: string): ApprovalRequest | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  nextSequence(): number {
    return this.lastSequence + 1;
  }

  apply(deltas: readonly ApprovalDelta[]): void {
    for (const { request } of deltas) {
      const before = this.byId.get(request.id);
      const isNew = before === undefined;
      if (before !== undefined && before.status !== request.status) this.byStatus.get(before.status)?.delete(request.id);
      addTo(this.byStatus, request.status, request.id);
      this.byId.set(request.id, request);
      this.lastSequence = Math.max(this.lastSequence, request.sequence);
      if (!isNew) continue; // the keys below never change for a request
      addTo(this.byGrant, grantKey(request.requester, request.policyId, request.itemId), request.id);
      addTo(this.byRequester, requesterKey(request.requester), request.id);
      for (const user of request.approvers.userIds) addTo(this.byApproverUser, user, request.id);
      for (const tag of request.approvers.tags) addTo(this.byApproverTag, tag, request.id);
      addTo(this.byPolicy, request.policyId, request.id);
      addTo(this.byItem, request.itemId, request.id);
    }
  }

  private resolve(ids: Iterable<string> | undefined): ApprovalRequest[] {
    const out: ApprovalRequest[] = [];
    for (const id of ids ?? []) out.push(this.byId.get(id)!);
    return out;
  }

  /** The requests of this requester under this policy for this item. */
  forGrant(requester: PrincipalRef, policyId: string, itemId: string): ApprovalRequest[] {
    return this.resolve(this.byGrant.get(grantKey(requester, policyId, itemId)));
  }

  /** Step 4 of the decision: a live approval for that requester, policy and item id. */
  hasLiveGrant(requester: PrincipalRef, policyId: string, itemId: string, now: number): boolean {
    const ids = this.byGrant.get(grantKey(requester, policyId, itemId));
    if (ids === undefined) return false;
    for (const id of ids) if (isLiveGrant(this.byId.get(id)!, now)) return true;
    return false;
  }

  ofPolicy(policyId: string): ApprovalRequest[] {
    return this.resolve(this.byPolicy.get(policyId));
  }

  ofItem(itemId: string): ApprovalRequest[] {
    return this.resolve(this.byItem.get(itemId));
  }

  ofRequester(principal: Principal): ApprovalRequest[] {
    return this.resolve(this.byRequester.get(requesterKey(principal)));
  }

  /** Requests whose approvers include the principal (by user id, or by a group). */
  approvableBy(principal: Principal): ApprovalRequest[] {
    const ids = new Set<string>();
    if (principal.kind === 'user') for (const id of this.byApproverUser.get(principal.id) ?? []) ids.add(id);
    for (const group of principal.groups) for (const id of this.byApproverTag.get(group) ?? []) ids.add(id);
    return this.resolve(ids);
  }

  all(): ApprovalRequest[] {
    return [...this.byId.values()];
  }

  /**
   * The requests that may read as `status` at some time: those stored with it,
   * and for `expired` the pending and approved ones (the clock decides). O(them).
   */
  withStatus(status: ApprovalStatus): ApprovalRequest[] {
    if (status === 'expired') return [...this.resolve(this.byStatus.get('pending')), ...this.resolve(this.byStatus.get('approved'))];
    return this.resolve(this.byStatus.get(status));
  }
}

// ---------------------------------------------------------------- operations

/** Newest first: by createdAt, then the later-made first (SPEC §9). */
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
export function existingRequest(index: ApprovalIndex, id: string): ApprovalRequest {
  const request = index.get(id);
  if (request === undefined) throw notFound('approval request', id);
  return request;
}

/** getApproval: the requester, an approver of it, or an admin; anyone else NOT_FOUND. */
export function visibleRequest(index: ApprovalIndex, principal: Principal, id: string): ApprovalRequest {
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
export function endRequests(requests: readonly ApprovalRequest[], now: number): ApprovalRequest[] {
  const ended: ApprovalRequest[] = [];
  for (const request of requests) {
    const status = statusAt(request, now);
    if (status === 'pending' || status === 'approved') ended.push(Object.freeze({ ...request, status: 'revoked' }));
  }
  return ended;
}
