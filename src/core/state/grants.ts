// The grants index: what the active policies grant, to whom, where. Every
// active, non-draft policy is placed under each of its members at the item its
// resource is bound to (permission 1), at each directory toward it
// (permission 0), and, for `*`, everywhere (globals); permission 2 is found by
// member alone. A decision walks up from an item and probes only the members
// a per-item filter says may have a grant there, so it costs
// O(depth × member keys) word reads plus the candidates found — never
// O(policies) or O(items). Changed only through `apply`; its tables are
// private, checked against a naive oracle in test/core/state-grants.test.ts.

import { conditionHolds, type ClientAddress, type CompiledCondition } from '../conditions/index.js';
import type { Delta } from '../change.js';
import type { AllowVerdict, PolicyEvaluator } from '../decision.js';
import { comparePolicies, type Policy } from '../policy.js';
import { GLOBAL_ACTIONS, RESOURCE_ACTIONS } from '../permissions.js';
import type { ResourceTarget } from '../resources.js';
import type { Principal } from '../types.js';
import { PairTable } from './pair-table.js';
import { ROOT_ORDINAL, type Items } from './items.js';

/**
 * One policy placed at one (member, item), carrying the fields a decision
 * reads, so a hit in the table reads one small object. The member's other
 * policies at that item follow by `next` (an immutable list: a change
 * rebuilds the few nodes before the one it removes).
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

/** `list` without the node of policy `id`; the same list when it has none. Shares the tail: O(its position). */
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

/** The keys a principal's policies are indexed by: `u:<id>` and `u:*` for a user, `t:` a token, `s:` a service identity, `g:` each group. */
export function memberKeysOf(principal: Principal): string[] {
  const own = principal.kind === 'user' ? ['u:' + principal.id, 'u:*'] : principal.kind === 'token' ? ['t:' + principal.id] : ['s:' + principal.id];
  return [...own, ...principal.groups.map((g) => 'g:' + g)];
}

function policyKeys(policy: Policy): Set<string> {
  const { users, tags, tokens, serviceIdentities } = policy.members;
  return new Set([...users.map((m) => 'u:' + m.id), ...tags.map((m) => 'g:' + m.id), ...tokens.map((m) => 't:' + m.id), ...serviceIdentities.map((m) => 's:' + m.id)]);
}

/** A principal's member numbers in one version of the index (a session keeps it until the index changes). */
export interface MemberNumbers {
  readonly version: number;
  /** The numbers of the principal's keys that have active policies. */
  readonly numbers: readonly number[];
}

/** Gives an item's id by ordinal, when an approval block is met (most decisions never ask). */
export interface ItemIds {
  node(ordinal: number): { readonly id: string } | undefined;
}

/** Request facts a decision needs beyond the principal. */
export interface DecisionFacts {
  readonly now: number;
  readonly client: ClientAddress | null;
  /** Step 4: whether the principal holds a live approval under this policy for this item id. */
  readonly hasLiveApproval: (policyId: string, itemId: string | undefined) => boolean;
}

/** Request facts, or a function that gives them when first needed (most decisions never need them). */
export type FactsSource = DecisionFacts | (() => DecisionFacts);

/** Where a policy sits: the ordinal of its bound item and of each directory toward it (permission 0). */
interface Placement {
  /** The bound item's ordinal; undefined for `*` and for a policy whose item was deleted. */
  readonly anchor: number | undefined;
  /** parents(R): the ancestors of R's item, or the root for `*`, `/` and `/*`; empty when dead. */
  readonly toward: readonly number[];
}

const DEAD: Placement = Object.freeze({ anchor: undefined, toward: Object.freeze([]) });

// The rows: ROW words per item ordinal. The first is the parent's ordinal +
// ROW_OFFSET (ROOT_PARENT for the root, UNKNOWN_ITEM before the index heard of
// the item) — a copy of the item index's parent links, kept here so a walk up
// reads one array; the second has bit `member & 31` set for each member with
// policies anchored at the item (and perhaps for some removed since: the bits
// are rebuilt once the removals pass a quarter of the tables' capacity, O(1)
// amortised per removal).
const UNKNOWN_ITEM = 0;
const ROOT_PARENT = 1;
const ROW_OFFSET = 2;
const ROW = 2;
const ANCHOR_BITS = 1;

function memberBit(member: number): number {
  return 1 << (member & 31);
}

/** The tables a verdict reads; private to this module. */
interface Tables {
  readonly anchors: PairTable<Placed>;
  readonly toward: PairTable<Placed>;
  readonly globals: Map<number, Placed>;
  readonly everything: Map<number, Set<Policy>>;
  rows: Int32Array;
}

const NO_IDS: readonly string[] = Object.freeze([]);
const NO_MEMBERS: readonly number[] = Object.freeze([]);
const NOTHING_ALLOWS: AllowVerdict = Object.freeze({ policyId: undefined, isPathOnly: false, approvalPolicyIds: NO_IDS });

export class Grants {
  readonly #tables: Tables = {
    anchors: new PairTable<Placed>(),
    toward: new PairTable<Placed>(),
    globals: new Map(),
    everything: new Map(),
    rows: new Int32Array(ROW * 1024),
  };
  readonly #placements = new Map<string, Placement>();
  readonly #policies = new Map<string, Policy>();
  readonly #byBoundItem = new Map<string, Set<string>>();
  readonly #memberNumbers = new Map<string, number>();
  #anchorRemovals = 0;
  #bitRebuilds = 0;
  readonly #removedNow = new Set<string>();
  #version = 0;

  /** The principal's member numbers now; `previous` is returned as is while the index has not changed. */
  membersOf(keys: readonly string[], previous?: MemberNumbers): MemberNumbers {
    if (previous?.version === this.#version) return previous;
    const numbers: number[] = [];
    for (const key of keys) {
      const n = this.#memberNumbers.get(key);
      if (n !== undefined && this.#tables.everything.get(n)?.size) numbers.push(n);
    }
    return Object.freeze({ version: this.#version, numbers: numbers.length === 0 ? NO_MEMBERS : numbers });
  }

  /** For tests and the bench: the sizes of the private tables and how often their filters were rebuilt. Reads only. */
  get stats(): { readonly rowCapacity: number; readonly anchorCapacity: number; readonly anchors: number; readonly bitRebuilds: number } {
    const { rows, anchors } = this.#tables;
    return { rowCapacity: rows.length / ROW, anchorCapacity: anchors.capacity, anchors: anchors.size, bitRebuilds: this.#bitRebuilds };
  }

  /** False once the item a policy's resource was bound to is gone (its grants are dead for ever). */
  isAlive(policy: Policy): boolean {
    return policy.boundItemId === null || this.#placements.get(policy.id)?.anchor !== undefined;
  }

  /**
   * Applies a change: new items (their parent links), deleted items (the
   * policies bound to them die), and policy puts and deletes. `items` has
   * applied the same deltas already.
   */
  apply(deltas: readonly Delta[], items: Items): void {
    this.#version++;
    for (const delta of deltas) {
      switch (delta.kind) {
        case 'putItem': {
          const node = items.withId(delta.item.id);
          if (node !== undefined) this.#noteItem(node.ordinal, node.parent);
          break;
        }
        case 'deleteItem':
          this.#itemDeleted(delta.id);
          break;
        case 'putPolicy':
          this.#remove(delta.policy.id);
          this.#add(delta.policy, placementOf(delta.policy, items));
          break;
        case 'deletePolicy':
          this.#remove(delta.id);
          break;
      }
    }
    // Counted once per change: an update removes and puts back its anchors, which leaves no stale bit.
    this.#anchorRemovals += this.#removedNow.size;
    this.#removedNow.clear();
    const capacity = this.#tables.rows.length / ROW + this.#tables.anchors.capacity;
    if (this.#anchorRemovals > Math.max(this.#tables.anchors.size + 64, capacity / 4)) this.#rebuildBits();
  }

  // ---------------------------------------------------------------- decisions

  /**
   * The policies' side of a decision on an item action. `start` is the item
   * itself (`startIsTarget`) or, for a path that does not exist, its deepest
   * existing ancestor.
   */
  itemVerdict(members: MemberNumbers, action: string, start: number, startIsTarget: boolean, approvalOrdinal: number | undefined, items: ItemIds, facts: FactsSource): PolicyEvaluator {
    return new ItemVerdict(this.#tables, members.numbers, action, facts, start, startIsTarget, approvalOrdinal, items);
  }

  /**
   * Policy management (`authz.policy.*`) on a policy resource: the grants whose
   * resource covers it. `chain` is the ordinals of the existing items toward
   * the asked path, root first; `askedOrdinal` the item of an exact resource.
   */
  authzVerdict(members: MemberNumbers, action: string, asked: ResourceTarget, chain: readonly number[], askedOrdinal: number | undefined, facts: FactsSource): PolicyEvaluator {
    return new AuthzVerdict(this.#tables, members.numbers, action, facts, asked, chain, askedOrdinal);
  }

  /** Actions outside the item table (`sm.vault.*`, …): only permission 2, on `*`, grants them. */
  globalVerdict(members: MemberNumbers, action: string, facts: FactsSource): PolicyEvaluator {
    return new GlobalVerdict(this.#tables, members.numbers, action, facts);
  }

  /** A child leads to what a path-only lister was granted when a live Allow names it or something below it. */
  leadsToGrant(members: MemberNumbers, child: number, facts: DecisionFacts): boolean {
    const { toward, anchors } = this.#tables;
    for (const m of members.numbers) {
      for (const list of [toward.get(m, child), anchors.get(m, child)]) {
        for (let c = list; c !== undefined; c = c.next) {
          if (!c.isDeny && (c.compiled === null || conditionHolds(c.compiled, facts.client, facts.now, false))) return true;
        }
      }
    }
    return false;
  }

  /** For the bench's anatomy of a decision: what a walk from `ordinal` up would probe and find. Reads only. */
  anatomyOf(members: MemberNumbers, ordinal: number): { items: number; probes: number; hits: number; candidates: number } {
    const { rows, anchors } = this.#tables;
    const out = { items: 0, probes: 0, hits: 0, candidates: 0 };
    for (let at = ordinal; ; ) {
      out.items++;
      for (const m of members.numbers) {
        if ((rows[at * ROW + ANCHOR_BITS]! & memberBit(m)) === 0) continue;
        out.probes++;
        const list = anchors.get(m, at);
        if (list !== undefined) out.hits++;
        for (let c = list; c !== undefined; c = c.next) out.candidates++;
      }
      const parent = rows[at * ROW]!;
      if (parent === ROOT_PARENT || parent === UNKNOWN_ITEM) break;
      at = parent - ROW_OFFSET;
    }
    return out;
  }

  // ---------------------------------------------------------------- upkeep

  #noteItem(ordinal: number, parent: number): void {
    const at = this.#rowOf(ordinal);
    if (this.#tables.rows[at] === UNKNOWN_ITEM) this.#tables.rows[at] = parent < 0 ? ROOT_PARENT : parent + ROW_OFFSET;
  }

  #rowOf(ordinal: number): number {
    const at = ordinal * ROW;
    const rows = this.#tables.rows;
    if (at >= rows.length) {
      let length = rows.length;
      while (length < at + ROW) length *= 2;
      const grown = new Int32Array(length);
      grown.set(rows);
      this.#tables.rows = grown;
    }
    return at;
  }

  #memberNumber(key: string): number {
    let n = this.#memberNumbers.get(key);
    if (n === undefined) this.#memberNumbers.set(key, (n = this.#memberNumbers.size));
    return n;
  }

  // Permission 0 entries live apart (`toward`): every policy lists each directory
  // toward its R, so mixing them in would make the root and top directories
  // anchor nearly every member, and a read would probe them for nothing.
  #listAt(layer: PairTable<Placed>, ordinal: number, member: number, policy: Policy, isExact: boolean): void {
    layer.set(member, ordinal, placed(policy, isExact, layer.get(member, ordinal)));
    if (layer === this.#tables.anchors) {
      const at = this.#rowOf(ordinal); // first: it may replace the rows
      this.#tables.rows[at + ANCHOR_BITS]! |= memberBit(member);
      this.#removedNow.delete(`${member}:${ordinal}`); // an update puts back what it removed: no stale bit
    }
  }

  #unlistAt(layer: PairTable<Placed>, ordinal: number, member: number, id: string): void {
    const before = layer.get(member, ordinal);
    const after = without(before, id);
    if (after === before) return;
    if (after !== undefined) layer.set(member, ordinal, after);
    else {
      layer.delete(member, ordinal);
      if (layer === this.#tables.anchors) this.#removedNow.add(`${member}:${ordinal}`);
    }
  }

  // Bits of removed anchors may linger (another member can share a bit); clear and set them again.
  #rebuildBits(): void {
    const { rows, anchors } = this.#tables;
    for (let at = ANCHOR_BITS; at < rows.length; at += ROW) rows[at] = 0;
    anchors.forEachKey((member, ordinal) => {
      this.#tables.rows[ordinal * ROW + ANCHOR_BITS]! |= memberBit(member);
    });
    this.#anchorRemovals = 0;
    this.#bitRebuilds++;
  }

  #add(policy: Policy, placement: Placement): void {
    this.#policies.set(policy.id, policy);
    this.#placements.set(policy.id, placement);
    if (policy.boundItemId !== null) {
      let set = this.#byBoundItem.get(policy.boundItemId);
      if (set === undefined) this.#byBoundItem.set(policy.boundItemId, (set = new Set()));
      set.add(policy.id);
    }
    if (!policy.isActive || policy.isDraft) return; // only active, non-draft policies decide
    const { globals, everything } = this.#tables;
    for (const key of policyKeys(policy)) {
      const m = this.#memberNumber(key);
      let all = everything.get(m);
      if (all === undefined) everything.set(m, (all = new Set()));
      all.add(policy);
      if (policy.resource.kind === 'any') globals.set(m, placed(policy, false, globals.get(m)));
      this.#place(m, policy, placement);
    }
  }

  #place(m: number, policy: Policy, placement: Placement): void {
    if (placement.anchor !== undefined) this.#listAt(this.#tables.anchors, placement.anchor, m, policy, policy.resource.kind === 'exact');
    for (const ordinal of placement.toward) this.#listAt(this.#tables.toward, ordinal, m, policy, false);
  }

  #unplace(m: number, policy: Policy, placement: Placement): void {
    if (placement.anchor !== undefined) this.#unlistAt(this.#tables.anchors, placement.anchor, m, policy.id);
    for (const ordinal of placement.toward) this.#unlistAt(this.#tables.toward, ordinal, m, policy.id);
  }

  #remove(id: string): void {
    const policy = this.#policies.get(id);
    if (policy === undefined) return;
    const placement = this.#placements.get(id)!;
    const { globals, everything } = this.#tables;
    for (const key of policyKeys(policy)) {
      const m = this.#memberNumbers.get(key);
      if (m === undefined) continue;
      everything.get(m)?.delete(policy);
      const global = without(globals.get(m), id);
      if (global === undefined) globals.delete(m);
      else globals.set(m, global);
      this.#unplace(m, policy, placement);
    }
    this.#policies.delete(id);
    if (policy.boundItemId !== null) this.#byBoundItem.get(policy.boundItemId)?.delete(id);
    this.#placements.delete(id);
  }

  // The bound item is gone: its policies grant nothing on items for ever.
  #itemDeleted(itemId: string): void {
    for (const id of this.#byBoundItem.get(itemId) ?? []) {
      const policy = this.#policies.get(id)!;
      const placement = this.#placements.get(id)!;
      if (placement === DEAD) continue;
      if (policy.isActive && !policy.isDraft) {
        for (const key of policyKeys(policy)) {
          const m = this.#memberNumbers.get(key);
          if (m !== undefined) this.#unplace(m, policy, placement);
        }
      }
      this.#placements.set(id, DEAD);
    }
  }
}

/** Where a policy sits in the tree as it is now: dead when its bound item is gone. O(depth). */
function placementOf(policy: Policy, items: Items): Placement {
  if (policy.boundItemId === null) return { anchor: undefined, toward: [ROOT_ORDINAL] };
  const node = items.withId(policy.boundItemId);
  if (node === undefined) return DEAD;
  return { anchor: node.ordinal, toward: node.ordinal === ROOT_ORDINAL ? [ROOT_ORDINAL] : items.ancestorsOf(node.ordinal) };
}

// ---------------------------------------------------------------- verdicts

// Collects steps 2, 4 and 5 of a decision in one pass over the candidates,
// on first use (an admin never asks).
abstract class Verdict implements PolicyEvaluator {
  deny: Placed | undefined;
  allow: Pick<Policy, 'id' | 'sortKey'> | undefined;
  hasFullAllow = false;
  approvals: Placed[] | undefined;
  // Plain fields, not #private: a verdict is made per decision and never leaves this module.
  private isScanned = false;
  private known: DecisionFacts | undefined;

  constructor(
    protected readonly tables: Tables,
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
    if (this.allow === undefined && this.approvals !== undefined) approvalPolicyIds = [...new Set(this.approvals.sort(comparePolicies).map((p) => p.id))];
    return { policyId: this.allow?.id, isPathOnly: this.allow !== undefined && !this.hasFullAllow, approvalPolicyIds };
  }

  /** The id of the item an approval must be for (undefined: none can apply). */
  protected approvalItemId(): string | undefined {
    return undefined;
  }

  /** A grant of the action on the resource (permissions 1 or 2). */
  protected full(candidate: Placed): void {
    const { isDeny, compiled } = candidate;
    if (compiled !== null && !conditionHolds(compiled, this.facts.client, this.facts.now, isDeny)) return;
    if (isDeny) {
      if (this.deny === undefined || comparePolicies(candidate, this.deny) < 0) this.deny = candidate;
    } else if (compiled?.approval != null && !this.facts.hasLiveApproval(candidate.id, this.approvalItemId())) {
      (this.approvals ??= []).push(candidate);
    } else {
      this.hasFullAllow = true;
      if (this.allow === undefined || comparePolicies(candidate, this.allow) < 0) this.allow = candidate;
    }
  }

  /** Permission 1 of each policy in `list` that lists the action (subtree resources only, unless `withExact`). */
  protected resourceGrants(list: Placed | undefined, withExact: boolean): void {
    for (let c = list; c !== undefined; c = c.next) {
      if ((withExact || !c.isExact) && c.actions.has(this.action)) this.full(c);
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
    tables: Tables,
    members: readonly number[],
    action: string,
    facts: FactsSource,
    private readonly start: number,
    private readonly startIsTarget: boolean,
    private readonly approvalOrdinal: number | undefined,
    private readonly items: ItemIds,
  ) {
    super(tables, members, action, facts);
  }

  protected override approvalItemId(): string | undefined {
    return this.approvalOrdinal === undefined ? undefined : this.items.node(this.approvalOrdinal)?.id;
  }

  // From the item up to the root through the rows: at each item, a member whose
  // bit is set there is looked up in the anchors table.
  // O(depth × members) word reads, plus one probe per likely hit.
  protected scan(): void {
    const { members } = this;
    if (members.length === 0) return;
    const { anchors, globals, rows } = this.tables;
    if (globals.size > 0) for (const m of members) this.resourceGrants(globals.get(m), true);
    // On the item itself subtree and exact grants; on each ancestor subtree grants.
    let withExact = this.startIsTarget;
    for (let ordinal = this.start; ; withExact = false) {
      const at = ordinal * ROW;
      const parent = at < rows.length ? rows[at]! : UNKNOWN_ITEM;
      // INVARIANT: every live item has a row (apply notes each new item); an unknown one has no grants.
      if (parent === UNKNOWN_ITEM) break;
      const bits = rows[at + ANCHOR_BITS]!;
      if (bits !== 0) {
        for (const m of members) if ((bits & memberBit(m)) !== 0) this.resourceGrants(anchors.get(m, ordinal), withExact);
      }
      if (parent === ROOT_PARENT) break;
      ordinal = parent - ROW_OFFSET;
    }
    // For a listing of the item, the path toward a grant below it.
    if (this.startIsTarget && this.action === 'sm.node.list') for (const m of members) this.toward(this.tables.toward.get(m, this.start));
  }
}

class AuthzVerdict extends Verdict {
  constructor(
    tables: Tables,
    members: readonly number[],
    action: string,
    facts: FactsSource,
    private readonly asked: ResourceTarget,
    private readonly chain: readonly number[],
    private readonly askedOrdinal: number | undefined,
  ) {
    super(tables, members, action, facts);
  }

  // Grants whose resource covers the asked one: `*`, a subtree on its path, or the exact item.
  protected scan(): void {
    for (const m of this.members) this.resourceGrants(this.tables.globals.get(m), true);
    if (this.asked.kind === 'any') return;
    for (const ordinal of this.chain) {
      const withExact = this.asked.kind === 'exact' && ordinal === this.askedOrdinal;
      for (const m of this.members) this.resourceGrants(this.tables.anchors.get(m, ordinal), withExact);
    }
  }
}

class GlobalVerdict extends Verdict {
  // Permission 2 of every policy of the member: its resource is `*`.
  protected scan(): void {
    for (const m of this.members) {
      for (const policy of this.tables.everything.get(m) ?? []) if (GLOBAL_ACTIONS[policy.accessLevel].has(this.action)) this.full(placed(policy, false, undefined));
    }
  }
}
