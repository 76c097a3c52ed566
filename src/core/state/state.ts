// The state of a store: four indexes, each the one owner of its facts —
// items (the tree, path → item, the ACL filter), policies (the catalogue),
// grants (what active policies grant, where, to whom) and approvals. The
// state changes only through `apply(deltas)`, after the records that carry
// those deltas were written (or, at open, read).

import type { Delta } from '../change.js';
import type { Policy } from '../policy.js';
import { Approvals } from './approvals.js';
import { Grants } from './grants.js';
import { Items } from './items.js';
import { Policies } from './policies.js';

export class State {
  readonly items = new Items();
  readonly policies = new Policies();
  readonly grants = new Grants();
  readonly approvals = new Approvals();

  /**
   * Applies one change. Items first (the grants place policies on item
   * ordinals and link new items to their parents), then the catalogue, the
   * grants and the approvals. Throws only for records the store never writes
   * (see Items.apply); the store then reloads everything from storage.
   */
  apply(deltas: readonly Delta[]): void {
    if (deltas.length === 0) return;
    this.items.apply(deltas);
    this.policies.apply(deltas);
    this.grants.apply(deltas, this.items);
    this.approvals.apply(deltas);
  }

  /** False once the item a policy's resource was bound to is gone. */
  isAlive(policy: Policy): boolean {
    return this.grants.isAlive(policy);
  }
}
