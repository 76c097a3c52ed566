// The approval index (see approvals.ts for the request life cycle): requests
// by id, and the lookups the operations need — a requester's live grant, a
// caller's requests, those an approver may decide, a policy's or an item's
// requests, requests by stored status — each a lookup, never a scan of every
// request. Changed only through `apply`.

import type { Delta } from '../change.js';
import { isLiveGrant, type ApprovalRequest, type ApprovalStatus, type PrincipalRef, type StoredStatus } from '../approvals.js';
import type { Principal } from '../types.js';

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
 * Requests by id, and the lookups the operations need. Changed only by
 * `apply`. Costs: a live-grant check O(requests of that requester
 * for that policy and item); a listing O(the caller's own and approvable
 * requests); ending a policy's or an item's requests O(its requests).
 */
export class Approvals {
  readonly #byId = new Map<string, ApprovalRequest>();
  readonly #byGrant = new Map<string, Set<string>>();
  readonly #byRequester = new Map<string, Set<string>>();
  readonly #byApproverUser = new Map<string, Set<string>>();
  readonly #byApproverTag = new Map<string, Set<string>>();
  readonly #byPolicy = new Map<string, Set<string>>();
  readonly #byItem = new Map<string, Set<string>>();
  /** By stored status; `expired` is read from the clock, so it is found among `pending` and `approved`. */
  readonly #byStatus = new Map<StoredStatus, Set<string>>();
  #lastSequence = 0;

  get(id: string): ApprovalRequest | undefined {
    return this.#byId.get(id);
  }

  get size(): number {
    return this.#byId.size;
  }

  nextSequence(): number {
    return this.#lastSequence + 1;
  }

  /** Applies the approval deltas of a change (others are skipped). */
  apply(deltas: readonly Delta[]): void {
    for (const delta of deltas) {
      if (delta.kind !== 'putApproval') continue;
      const { request } = delta;
      const before = this.#byId.get(request.id);
      const isNew = before === undefined;
      if (before !== undefined && before.status !== request.status) this.#byStatus.get(before.status)?.delete(request.id);
      addTo(this.#byStatus, request.status, request.id);
      this.#byId.set(request.id, request);
      this.#lastSequence = Math.max(this.#lastSequence, request.sequence);
      if (!isNew) continue; // the keys below never change for a request
      addTo(this.#byGrant, grantKey(request.requester, request.policyId, request.itemId), request.id);
      addTo(this.#byRequester, requesterKey(request.requester), request.id);
      for (const user of request.approvers.userIds) addTo(this.#byApproverUser, user, request.id);
      for (const tag of request.approvers.tags) addTo(this.#byApproverTag, tag, request.id);
      addTo(this.#byPolicy, request.policyId, request.id);
      addTo(this.#byItem, request.itemId, request.id);
    }
  }

  #resolve(ids: Iterable<string> | undefined): ApprovalRequest[] {
    const out: ApprovalRequest[] = [];
    for (const id of ids ?? []) out.push(this.#byId.get(id)!);
    return out;
  }

  /** The requests of this requester under this policy for this item. */
  forGrant(requester: PrincipalRef, policyId: string, itemId: string): ApprovalRequest[] {
    return this.#resolve(this.#byGrant.get(grantKey(requester, policyId, itemId)));
  }

  /** Step 4 of the decision: a live approval for that requester, policy and item id. */
  hasLiveGrant(requester: PrincipalRef, policyId: string, itemId: string, now: number): boolean {
    const ids = this.#byGrant.get(grantKey(requester, policyId, itemId));
    if (ids === undefined) return false;
    for (const id of ids) if (isLiveGrant(this.#byId.get(id)!, now)) return true;
    return false;
  }

  ofPolicy(policyId: string): ApprovalRequest[] {
    return this.#resolve(this.#byPolicy.get(policyId));
  }

  ofItem(itemId: string): ApprovalRequest[] {
    return this.#resolve(this.#byItem.get(itemId));
  }

  ofRequester(principal: Principal): ApprovalRequest[] {
    return this.#resolve(this.#byRequester.get(requesterKey(principal)));
  }

  /** Requests whose approvers include the principal (by user id, or by a group). */
  approvableBy(principal: Principal): ApprovalRequest[] {
    const ids = new Set<string>();
    if (principal.kind === 'user') for (const id of this.#byApproverUser.get(principal.id) ?? []) ids.add(id);
    for (const group of principal.groups) for (const id of this.#byApproverTag.get(group) ?? []) ids.add(id);
    return this.#resolve(ids);
  }

  all(): ApprovalRequest[] {
    return [...this.#byId.values()];
  }

  /**
   * The requests that may read as `status` at some time: those stored with it,
   * and for `expired` the pending and approved ones (the clock decides). O(them).
   */
  withStatus(status: ApprovalStatus): ApprovalRequest[] {
    if (status === 'expired') return [...this.#resolve(this.#byStatus.get('pending')), ...this.#resolve(this.#byStatus.get('approved'))];
    return this.#resolve(this.#byStatus.get(status));
  }
}
