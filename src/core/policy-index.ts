// The policy index (SPEC §6, §8): every policy by id, by name and in listing
// order, and the active ones by member and by the item their resource is
// bound to, so a decision is a few Map lookups — O(member keys × depth) —
// whatever the number of policies or items. The index is changed only by
// `apply`, which the store calls after a batch was written (publish), so a
// failed write leaves it as it was.

import { conditionHolds, type ClientAddress, type CompiledCondition } from './conditions/index.js';
import type { AllowVerdict, PolicyEvaluator } from './decision.js';
import { comparePolicies, type Policy } from './policy.js';
import { GLOBAL_ACTIONS, RESOURCE_ACTIONS } from './permissions.js';
import type { ResourceTarget } from './resources.js';
import type { Placement } from './policy-ops.js';
import type { Acl, ItemNode, Principal } from './types.js';
import { PairTable } from './pair-table.js';
import { aclFilterBits, principalAclBits } from './acl.js';

/** A change to the index, applied at publish. */
export type PolicyDelta =
  | { readonly kind: 'putPolicy'; readonly policy: Policy; readonly placement: Placement }
  | { readonly kind: 'deletePolicy'; readonly id: string }
  | { readonly kind: 'itemDeleted'; readonly itemId: string };

/**
 * One policy placed at one (member, item) of the index, carrying the fields a
 * decision reads, so a hit in the table reads one small object instead of a
 * list holder, a list and the policy. The member's other policies at that item
 * follow by `next` (an immutable list: a change rebuilds the few nodes of it).
 */
interface Placed {
  readonly id: string;
  readonly sortKey: string;
  readonly isDeny: boolean;
  /** The resource names this item itself (`/a/b`), not its subtree (`/a/b/*`). */
  readonly isExact: boolean;
  /** The actions its access level grants on the resource (permission 1). */
  readonly actions: ReadonlySet<string>;
  readonly compiled: CompiledCondition | null;
  readonly policy: Policy;
  readonly next: Placed | undefined;
}

function placed(policy: Policy, isExact: boolean, next: Placed | undefined): Placed {
  return {
    id: policy.id,
    sortKey: policy.sortKey,
    isDeny: policy.accessType === 'Deny',
    isExact,
    actions: RESOURCE_ACTIONS[policy.accessLevel],
    compiled: policy.compiled,
    policy,
    next,
  };
}

/**
 * `list` without the node of policy `id` (a policy is placed once per member
 * and item); the same list when it has none. Copies only the nodes before it
 * and shares the rest: O(its position).
 */
function without(list: Placed | undefined, id: string): Placed | undefined {
  const before: Placed[] = [];
  let node = list;
  while (node !== undefined && node.id !== id) {
    before.push(node);
    node = node.next;
  }
  if (node === undefined) return list;
  let out = node.next;
  for (let i = before.length - 1; i >= 0; i--) out = placed(before[i]!.policy, before[i]!.isExact, out);
  return out;
}

/** The keys under which a principal's policies are indexed. */
export function principalKeys(principal: Principal): string[] {
  const own = principal.kind === 'user' ? ['u:' + principal.id, 'u:*'] : principal.kind === 'token' ? ['t:' + principal.id] : ['s:' + principal.id];
  return [...own, ...principal.groups.map((g) => 'g:' + g)];
}

/**
 * A principal's member keys, and the index's member numbers for them, cached
 * on this object (which a session keeps, so a decision reads them with the
 * session instead of looking them up) until the index changes.
 */
export class MemberSet {
  readonly keys: readonly string[];
  /** The principal's ACL filter bits (see aclFilterBits). */
  readonly aclBits: number;
  /** @internal The index the numbers below were taken from, and its version then. */
  cachedBy: PolicyIndex | undefined = undefined;
  /** @internal */
  cachedAt = -1;
  /** @internal The member numbers of keys that have active policies. */
  numbers: readonly number[] = [];

  constructor(principal: Principal) {
    this.keys = Object.freeze(principalKeys(principal));
    this.aclBits = principalAclBits(principal);
  }
}

function policyKeys(policy: Policy): Set<string> {
  const { users, tags, tokens, serviceIdentities } = policy.members;
  return new Set([
    ...users.map((m) => 'u:' + m.id),
    ...tags.map((m) => 'g:' + m.id),
    ...tokens.map((m) => 't:' + m.id),
    ...serviceIdentities.map((m) => 's:' + m.id),
  ]);
}

/** The item an approval must be for: its id, or a function that gives it when an approval block is met. */
export type ItemIdSource = string | undefined | (() => string | undefined);

/** Request facts, or a function that gives them when first needed (most decisions never need them). */
export type FactsSource = DecisionFacts | (() => DecisionFacts);

/** Request facts a decision needs beyond the principal. */
export interface DecisionFacts {
  readonly now: number;
  readonly client: ClientAddress | null;
  /** Step 4: whether the principal holds a live approval under this policy for this item id. */
  readonly hasLiveApproval: (policy: Policy, itemId: string | undefined) => boolean;
}

const NO_IDS: readonly string[] = Object.freeze([]);
const NOTHING_ALLOWS: AllowVerdict = Object.freeze({ policyId: undefined, isPathOnly: false, approvalPolicyIds: NO_IDS });

// Collects steps 2, 4 and 5 in one pass over the candidates, on first use
// (an ACL allow in step 3 then costs no policy lookup at all).
abstract class Verdict implements PolicyEvaluator {
  deny: Placed | undefined;
  allow: Pick<Policy, 'id' | 'sortKey'> | undefined;
  hasFullAllow = false;
  approvals: Placed[] | undefined;
  private isScanned = false;

  private known: DecisionFacts | undefined;

  constructor(
    protected readonly index: PolicyIndex,
    protected readonly members: readonly number[],
    protected readonly action: string,
    private readonly source: FactsSource,
  ) {}

  /** The request facts, asked for only when a candidate has a condition or an approval block. */
  protected get facts(): DecisionFacts {
    return (this.known ??= typeof this.source === 'function' ? this.source() : this.source);
  }

  protected abstract scan(): void;

  private ensure(): void {
    if (this.isScanned) return;
    this.isScanned = true;
    this.scan();
  }

  denyingPolicy(): string | undefined {
    this.ensure();
    return this.deny?.id;
  }

  allowing(): AllowVerdict {
    this.ensure();
    if (this.allow === undefined && this.approvals === undefined) return NOTHING_ALLOWS; // the common refusal: no allocation
    let approvalPolicyIds: readonly string[] = NO_IDS;
    if (this.allow === undefined && this.approvals !== undefined) {
      approvalPolicyIds = [...new Set(this.approvals.sort(comparePolicies).map((p) => p.id))];
    }
    return { policyId: this.allow?.id, isPathOnly: this.allow !== undefined && !this.hasFullAllow, approvalPolicyIds };
  }

  /** A grant of the action on the resource (permissions 1 or 2). */
  protected full(candidate: Placed, approvalItemId: ItemIdSource): void {
    const { isDeny, compiled } = candidate;
    if (compiled !== null && !conditionHolds(compiled, this.facts.client, this.facts.now, isDeny)) return;
    if (isDeny) {
      if (this.deny === undefined || comparePolicies(candidate, this.deny) < 0) this.deny = candidate;
    } else if (compiled?.approval != null && !this.facts.hasLiveApproval(candidate.policy, typeof approvalItemId === 'function' ? approvalItemId() : approvalItemId)) {
      (this.approvals ??= []).push(candidate);
    } else {
      this.hasFullAllow = true;
      if (this.allow === undefined || comparePolicies(candidate, this.allow) < 0) this.allow = candidate;
    }
  }

  /** Permission 1 of each policy in `list` that lists the action (subtree resources only, unless `withExact`). */
  protected resourceGrants(list: Placed | undefined, withExact: boolean, approvalItemId: ItemIdSource): void {
    for (let c = list; c !== undefined; c = c.next) {
      if ((withExact || !c.isExact) && c.actions.has(this.action)) this.full(c, approvalItemId);
    }
  }

  /** Permission 0: listing the path toward R. Deny policies take no part; no approval needed. */
  protected toward(list: Placed | undefined): void {
    for (let c = list; c !== undefined; c = c.next) {
      if (c.isDeny) continue;
      if (c.compiled !== null && !conditionHolds(c.compiled, this.facts.client, this.facts.now, false)) continue;
      if (this.allow === undefined || comparePolicies(c, this.allow) < 0) this.allow = c;
    }
  }
}

class ItemVerdict extends Verdict {
  constructor(
    index: PolicyIndex,
    members: readonly number[],
    action: string,
    facts: FactsSource,
    /** The item asked about, or (for a path that does not exist) its deepest existing ancestor. */
    private readonly start: number,
    private readonly startIsTarget: boolean,
    private readonly approvalItemId: ItemIdSource,
  ) {
    super(index, members, action, facts);
  }

  // From the item up to the root through the index's rows (one small array):
  // at each item, a member whose bit is set there is looked up in the anchors table.
  // O(depth × members) word reads, plus one probe per likely hit.
  protected scan(): void {
    const { approvalItemId, members } = this;
    if (members.length === 0) return;
    const { anchors, globals, rows } = this.index;
    if (globals.size > 0) for (const m of members) this.resourceGrants(globals.get(m), true, approvalItemId);
    // On the item itself subtree and exact grants; on each ancestor subtree grants.
    let withExact = this.startIsTarget;
    for (let ordinal = this.start; ; withExact = false) {
      const parent = rows[ordinal * ROW];
      if (parent === undefined || parent === UNKNOWN_ITEM) throw new Error(`policy index: item ${ordinal} has no lineage row`);
      const bits = rows[ordinal * ROW + ANCHOR_BITS]!;
      if (bits !== 0) {
        for (const m of members) if ((bits & memberBit(m)) !== 0) this.resourceGrants(anchors.get(m, ordinal), withExact, approvalItemId);
      }
      if (parent === ROOT_PARENT) break;
      ordinal = parent - ROW_OFFSET;
    }
    // For a listing of the item, the path toward a grant below it.
    if (this.startIsTarget && this.action === 'sm.node.list') for (const m of members) this.toward(this.index.towardAnchors.get(m, this.start));
  }
}

class AuthzVerdict extends Verdict {
  constructor(
    index: PolicyIndex,
    members: readonly number[],
    action: string,
    facts: FactsSource,
    private readonly asked: ResourceTarget,
    private readonly chain: readonly number[],
    private readonly askedNode: number | undefined,
  ) {
    super(index, members, action, facts);
  }

  // Grants whose resource covers the asked one: `*`, a subtree on its path, or the exact item.
  protected scan(): void {
    for (const m of this.members) this.resourceGrants(this.index.globals.get(m), true, undefined);
    if (this.asked.kind === 'any') return;
    for (const node of this.chain) {
      const withExact = this.asked.kind === 'exact' && node === this.askedNode;
      for (const m of this.members) this.resourceGrants(this.index.anchors.get(m, node), withExact, undefined);
    }
  }
}

class GlobalVerdict extends Verdict {
  // Permission 2 of every policy of the member: its resource is `*`.
  protected scan(): void {
    for (const m of this.members) {
      for (const policy of this.index.everything.get(m) ?? []) if (GLOBAL_ACTIONS[policy.accessLevel].has(this.action)) this.full(placed(policy, false, undefined), undefined);
    }
  }
}

const NO_MEMBERS: readonly number[] = Object.freeze([]);

// The index's rows: ROW words per item ordinal. The first is the parent's
// ordinal + ROW_OFFSET (ROOT_PARENT for the root, UNKNOWN_ITEM before the store
// told the index about the item); the third is the item's ACL filter
// (aclFilterBits), so a decision can skip reading an item whose ACL cannot
// name the principal; the fourth is unused (a row is 16 bytes, aligned to cache
// lines). The second has bit `member & 31` set for each
// member with policies anchored at the item (and perhaps for some removed since:
// after a change that brings the removals past both the number of anchors + 64
// and a quarter of the rows' and the anchor table's capacity, the bits are
// rebuilt — O(those capacities), so O(1) amortised per removal). The rows take 16 bytes per ordinal ever
// handed out in the process (ordinals are not reused; a create takes one only
// once it has passed its checks).
const UNKNOWN_ITEM = 0;
const ROOT_PARENT = 1;
const ROW_OFFSET = 2;
const ROW = 4;
const ANCHOR_BITS = 1;
const ACL_BITS = 2;

function memberBit(member: number): number {
  return 1 << (member & 31);
}

export class PolicyIndex {
  private readonly byId = new Map<string, Policy>();
  private readonly byName = new Map<string, Policy>();
  /**
   * Every policy in listing order (sortKey, id). Insert and delete O(n) (a
   * memmove); a change of many policies at once (the load at open, a fixture)
   * sorts the whole list once instead (O(n log n)), see `apply`.
   */
  private ordered: Policy[] = [];
  /** True inside an `apply` that re-sorts `ordered` at its end: add and remove leave the list alone. */
  private isOrderDeferred = false;
  private readonly byBoundItem = new Map<string, Set<string>>();
  private readonly placements = new Map<string, Placement>();
  /** Member keys (`u:alice`, `g:ops`, …) as small numbers, so the maps below have number keys. */
  private readonly memberNumbers = new Map<string, number>();
  /** By (member, item ordinal): the member's policies anchored at that item. */
  readonly anchors = new PairTable<Placed>();
  /** By item ordinal: [parent + ROW_OFFSET, anchor bits, ACL bits, 0] (see ROW_OFFSET). Grown by doubling. */
  rows = new Int32Array(ROW * 1024);
  /** Anchors removed (and not put back) since the bits were last rebuilt. */
  private anchorRemovals = 0;
  /** During one `apply`: the (member, item) anchors it removed and has not put back. */
  private readonly removedNow = new Set<string>();
  /** By (member, item ordinal): permission 0 entries (the directories toward each policy's R). */
  readonly towardAnchors = new PairTable<Placed>();
  /** By member: active policies on `*` (permission 1 matches everything). */
  readonly globals = new Map<number, Placed>();
  /** By member: every active policy (permission 2 acts on `*` whatever R is). */
  readonly everything = new Map<number, Set<Policy>>();
  /** Bumped by every `apply`, so cached member lists know they are stale. */
  private version = 0;

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Policy | undefined {
    return this.byId.get(id);
  }

  /** The policy with this name, case-insensitively. */
  named(name: string): Policy | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** False once the item its resource was bound to was deleted. */
  isAlive(policy: Policy): boolean {
    return this.placements.get(policy.id)?.isAlive ?? true;
  }

  /** Policies in listing order, for the listing's scan. */
  inOrder(): readonly Policy[] {
    return this.ordered;
  }

  /** The position of the first policy at or after (sortKey, id). O(log n). */
  positionOf(key: { sortKey: string; id: string }): number {
    let low = 0;
    let high = this.ordered.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (comparePolicies(this.ordered[mid]!, key) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Policies bound to this item (alive or not). */
  boundTo(itemId: string): Policy[] {
    const out: Policy[] = [];
    for (const id of this.byBoundItem.get(itemId) ?? []) {
      const policy = this.byId.get(id);
      if (policy !== undefined) out.push(policy);
    }
    return out;
  }

  apply(deltas: readonly PolicyDelta[]): void {
    this.version++;
    // Many changes against few policies (the load at open: all of them): one sort beats a memmove per insert.
    this.isOrderDeferred = deltas.length > 64 && deltas.length * 16 > this.ordered.length;
    for (const delta of deltas) {
      if (delta.kind === 'putPolicy') {
        this.remove(delta.policy.id);
        this.add(delta.policy, delta.placement);
      } else if (delta.kind === 'deletePolicy') this.remove(delta.id);
      else this.itemDeleted(delta.itemId);
    }
    if (this.isOrderDeferred) {
      this.ordered = [...this.byId.values()].sort(comparePolicies);
      this.isOrderDeferred = false;
    }
    // Counted once per change: an update removes and puts back its anchors, which leaves no stale bit.
    // A rebuild reads every row and table slot; waiting for a quarter as many removals keeps it O(1) amortised per removal.
    this.anchorRemovals += this.removedNow.size;
    this.removedNow.clear();
    if (this.anchorRemovals > Math.max(this.anchors.size + 64, (this.rowCapacity + this.anchors.capacity) / 4)) this.rebuildBits();
  }

  private memberNumber(key: string): number {
    let n = this.memberNumbers.get(key);
    if (n === undefined) this.memberNumbers.set(key, (n = this.memberNumbers.size));
    return n;
  }

  /** A principal's member numbers that have policies, cached on the set until the index changes. */
  private membersOf(set: MemberSet): readonly number[] {
    if (set.cachedBy === this && set.cachedAt === this.version) return set.numbers;
    const members: number[] = [];
    for (const key of set.keys) {
      const n = this.memberNumbers.get(key);
      if (n !== undefined && this.everything.get(n)?.size) members.push(n);
    }
    set.numbers = members.length === 0 ? NO_MEMBERS : members;
    set.cachedBy = this;
    set.cachedAt = this.version;
    return set.numbers;
  }

  // Permission 0 entries live apart: every policy lists each directory toward its
  // R, so mixing them in would make the root and top directories anchor nearly
  // every member, and a read would probe them for nothing.
  private listAt(layer: PairTable<Placed>, ordinal: number, member: number, policy: Policy, isExact: boolean): void {
    layer.set(member, ordinal, placed(policy, isExact, layer.get(member, ordinal)));
    if (layer === this.anchors) {
      this.markAnchor(ordinal, member);
      this.removedNow.delete(`${member}:${ordinal}`); // an update puts back what it removed: no stale bit
    }
  }

  private unlistAt(layer: PairTable<Placed>, ordinal: number, member: number, id: string): void {
    const before = layer.get(member, ordinal);
    const after = without(before, id);
    if (after === before) return;
    if (after !== undefined) layer.set(member, ordinal, after);
    else {
      layer.delete(member, ordinal);
      if (layer === this.anchors) this.removedNow.add(`${member}:${ordinal}`);
    }
  }

  /**
   * The store tells the index every item it publishes or loads: its ordinal and
   * its parent's (undefined for the root), so a decision can walk up from an
   * item without reading the item's ancestry. O(1) amortised.
   */
  noteItem(ordinal: number, parent: number | undefined, acl: Acl): void {
    const at = this.rowOf(ordinal); // first: it may replace this.rows
    this.rows[at] = parent === undefined ? ROOT_PARENT : parent + ROW_OFFSET;
    this.rows[at + ACL_BITS] = aclFilterBits(acl);
  }

  /** False when `member` has no policy anchored at the item (its filter bit is clear); true when it may have. For inspection (bench/decision.mjs counts probes with it); decisions read the rows inline. */
  mayAnchor(member: number, ordinal: number): boolean {
    return (this.rows[ordinal * ROW + ANCHOR_BITS]! & memberBit(member)) !== 0;
  }

  /** How many item ordinals the rows hold before they grow. */
  get rowCapacity(): number {
    return this.rows.length / ROW;
  }

  /**
   * False when the item's ACL cannot give the principal anything (its entities
   * and the principal's share no filter bit). True for an item the index was
   * never told of: then the caller reads the item and decides from its ACL.
   */
  aclMayGrant(set: MemberSet, ordinal: number): boolean {
    const at = ordinal * ROW;
    return at >= this.rows.length || this.rows[at] === UNKNOWN_ITEM || (this.rows[at + ACL_BITS]! & set.aclBits) !== 0;
  }

  private markAnchor(ordinal: number, member: number): void {
    const at = this.rowOf(ordinal); // first: it may replace this.rows
    this.rows[at + ANCHOR_BITS]! |= memberBit(member);
  }

  /** The offset of `ordinal`'s row, growing the rows to hold it. */
  private rowOf(ordinal: number): number {
    const at = ordinal * ROW;
    if (at >= this.rows.length) {
      let length = this.rows.length;
      while (length < at + ROW) length *= 2;
      const rows = new Int32Array(length);
      rows.set(this.rows);
      this.rows = rows;
    }
    return at;
  }

  // Bits of removed anchors may linger (another member can share a bit); clear and set them again.
  private rebuildBits(): void {
    for (let at = ANCHOR_BITS; at < this.rows.length; at += ROW) this.rows[at] = 0;
    this.anchors.forEachKey((member, ordinal) => this.markAnchor(ordinal, member));
    this.anchorRemovals = 0;
  }

  private add(policy: Policy, placement: Placement): void {
    this.byId.set(policy.id, policy);
    this.byName.set(policy.sortKey, policy);
    if (!this.isOrderDeferred) this.ordered.splice(this.positionOf(policy), 0, policy);
    if (policy.boundItemId !== null) {
      let set = this.byBoundItem.get(policy.boundItemId);
      if (set === undefined) this.byBoundItem.set(policy.boundItemId, (set = new Set()));
      set.add(policy.id);
    }
    this.placements.set(policy.id, placement);
    if (!policy.isActive || policy.isDraft) return; // only active, non-draft policies decide
    for (const key of policyKeys(policy)) {
      const m = this.memberNumber(key);
      let all = this.everything.get(m);
      if (all === undefined) this.everything.set(m, (all = new Set()));
      all.add(policy);
      if (policy.resource.kind === 'any') this.globals.set(m, placed(policy, false, this.globals.get(m)));
      this.placeAnchors(m, policy, placement);
    }
  }

  private placeAnchors(m: number, policy: Policy, placement: Placement): void {
    if (!placement.isAlive) return;
    if (placement.anchor !== undefined) this.listAt(this.anchors, placement.anchor, m, policy, policy.resource.kind === 'exact');
    for (const ordinal of placement.toward) this.listAt(this.towardAnchors, ordinal, m, policy, false);
  }

  private unplaceAnchors(m: number, policy: Policy, placement: Placement): void {
    if (placement.anchor !== undefined) this.unlistAt(this.anchors, placement.anchor, m, policy.id);
    for (const ordinal of placement.toward) this.unlistAt(this.towardAnchors, ordinal, m, policy.id);
  }

  private remove(id: string): void {
    const policy = this.byId.get(id);
    if (policy === undefined) return;
    const placement = this.placements.get(id)!;
    for (const key of policyKeys(policy)) {
      const m = this.memberNumbers.get(key);
      if (m === undefined) continue;
      this.everything.get(m)?.delete(policy);
      const global = without(this.globals.get(m), id);
      if (global === undefined) this.globals.delete(m);
      else this.globals.set(m, global);
      this.unplaceAnchors(m, policy, placement);
    }
    this.byId.delete(id);
    if (this.byName.get(policy.sortKey) === policy) this.byName.delete(policy.sortKey);
    if (!this.isOrderDeferred) {
      const at = this.positionOf(policy);
      if (this.ordered[at] === policy) this.ordered.splice(at, 1);
    }
    if (policy.boundItemId !== null) this.byBoundItem.get(policy.boundItemId)?.delete(id);
    this.placements.delete(id);
  }

  // The bound item is gone: its policies grant nothing on items for ever (SPEC §6.2).
  private itemDeleted(itemId: string): void {
    for (const policy of this.boundTo(itemId)) {
      const placement = this.placements.get(policy.id)!;
      if (!placement.isAlive) continue;
      for (const key of policyKeys(policy)) {
        const m = this.memberNumbers.get(key);
        if (m !== undefined) this.unplaceAnchors(m, policy, placement);
      }
      this.placements.set(policy.id, { isAlive: false, anchor: undefined, toward: [] });
    }
  }

  // ---------------------------------------------------------------- decisions

  /**
   * The policies' side of a decision on an item action. `start` is the ordinal
   * of the item itself (`startIsTarget`) or, for a path that does not exist, of
   * its deepest existing ancestor. Cost: O(depth × members) reads of the rows, one table
   * probe per member whose bit is set, plus the candidates found — never
   * O(policies) or O(items).
   */
  itemEvaluator(keys: MemberSet, action: string, start: number, startIsTarget: boolean, approvalItemId: ItemIdSource, facts: FactsSource): PolicyEvaluator {
    return new ItemVerdict(this, this.membersOf(keys), action, facts, start, startIsTarget, approvalItemId);
  }

  /**
   * Policy management (`authz.policy.*`) on a policy resource: grants whose
   * resource covers it (SPEC §6.3). `chain` is the existing nodes toward the
   * asked resource's path; `askedNode` the item of an exact resource, when it exists.
   */
  authzEvaluator(keys: MemberSet, action: string, asked: ResourceTarget, chain: readonly ItemNode[], askedNode: ItemNode | undefined, facts: FactsSource): PolicyEvaluator {
    return new AuthzVerdict(this, this.membersOf(keys), action, facts, asked, chain.map((n) => n.ordinal), askedNode?.ordinal);
  }

  /** Actions §5 does not list (`sm.vault.*`, …): only permission 2, on `*`, grants them. */
  globalEvaluator(keys: MemberSet, action: string, facts: FactsSource): PolicyEvaluator {
    return new GlobalVerdict(this, this.membersOf(keys), action, facts);
  }

  /** SPEC §5: a child leads to what a path-only lister was granted when a live Allow names it or something below it. */
  leadsToGrant(keys: MemberSet, child: ItemNode, facts: DecisionFacts): boolean {
    for (const m of this.membersOf(keys)) {
      for (const list of [this.towardAnchors.get(m, child.ordinal), this.anchors.get(m, child.ordinal)]) {
        for (let c = list; c !== undefined; c = c.next) {
          if (!c.isDeny && (c.compiled === null || conditionHolds(c.compiled, facts.client, facts.now, false))) return true;
        }
      }
    }
    return false;
  }
}
