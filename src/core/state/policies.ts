// The policy catalogue: every policy by id, by name (case-insensitively) and
// in listing order (lower-cased name, then id). It owns these lookups alone
// and changes only through `apply`. What a policy grants, and to whom, is the
// grants index's (grants.ts).
// Costs: by id or name O(1); a put or delete O(n) for the listing order (a
// memmove), or one O(n log n) sort for a change of many (the load at open).

import type { Delta } from '../change.js';
import { comparePolicies, type Policy } from '../policy.js';

export class Policies {
  readonly #byId = new Map<string, Policy>();
  readonly #byName = new Map<string, Policy>();
  /** INVARIANT: every policy, in (sortKey, id) order. */
  #ordered: Policy[] = [];

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): Policy | undefined {
    return this.#byId.get(id);
  }

  /** The policy with this name, case-insensitively. */
  named(name: string): Policy | undefined {
    return this.#byName.get(name.toLowerCase());
  }

  /** Every policy in listing order (a read-only view; do not keep it across a change). */
  inOrder(): readonly Policy[] {
    return this.#ordered;
  }

  /** The position of the first policy at or after (sortKey, id). O(log n). */
  positionOf(key: { readonly sortKey: string; readonly id: string }): number {
    let low = 0;
    let high = this.#ordered.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (comparePolicies(this.#ordered[mid]!, key) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Applies the policy deltas of a change (others are skipped). */
  apply(deltas: readonly Delta[]): void {
    let count = 0;
    for (const delta of deltas) if (delta.kind === 'putPolicy' || delta.kind === 'deletePolicy') count++;
    if (count === 0) return;
    // Many changes against few policies (the load at open: all of them): one sort beats a memmove per insert.
    const sortOnce = count > 64 && count * 16 > this.#ordered.length;
    for (const delta of deltas) {
      if (delta.kind === 'putPolicy') {
        this.#remove(delta.policy.id, sortOnce);
        this.#add(delta.policy, sortOnce);
      } else if (delta.kind === 'deletePolicy') this.#remove(delta.id, sortOnce);
    }
    if (sortOnce) this.#ordered = [...this.#byId.values()].sort(comparePolicies);
  }

  #add(policy: Policy, sortOnce: boolean): void {
    this.#byId.set(policy.id, policy);
    this.#byName.set(policy.sortKey, policy);
    if (!sortOnce) this.#ordered.splice(this.positionOf(policy), 0, policy);
  }

  #remove(id: string, sortOnce: boolean): void {
    const policy = this.#byId.get(id);
    if (policy === undefined) return;
    this.#byId.delete(id);
    if (this.#byName.get(policy.sortKey) === policy) this.#byName.delete(policy.sortKey);
    if (!sortOnce) {
      const at = this.positionOf(policy);
      if (this.#ordered[at] === policy) this.#ordered.splice(at, 1);
    }
  }
}
