// The policy index (SPEC §6, §8): every policy by id, by name and in listing
// order, and the active ones by member and by the item their resource is
// bound to, so a decision is a few Map lookups — O(member keys × depth) —
// whatever the number of policies or items. The index is changed only by
// `apply`, which the store calls after a batch was written (publish), so a
// failed write leaves it as it was.

import { conditionHolds, type ClientAddress } from './conditions/index.js';
import type { AllowVerdict, PolicyEvaluator } from './decision.js';
import { comparePolicies, type Policy } from './policy.js';
import { GLOBAL_ACTIONS, RESOURCE_ACTIONS } from './permissions.js';
import type { ResourceTarget } from './resources.js';
import type { Placement } from './policy-ops.js';
import type { ItemNode, Principal } from './types.js';

/** A change to the index, applied at publish. */
export type PolicyDelta =
  | { readonly kind: 'putPolicy'; readonly policy: Policy; readonly placement: Placement }
  | { readonly kind: 'deletePolicy'; readonly id: string }
  | { readonly kind: 'itemDeleted'; readonly itemId: string };

/** One member's policies anchored at one item. */
interface AnchorLists {
  /** Live resources naming this item exactly (`/`, `/a/b`). */
  exact: Policy[] | undefined;
  /** Live resources `/*` or `/a/b/*` on this item. */
  subtree: Policy[] | undefined;
  /** Permission 0 of policies whose R lies below this directory. */
  toward: Policy[] | undefined;
}

type ListName = 'exact' | 'subtree' | 'toward';

/** The keys under which a principal's policies are indexed. */
export function principalKeys(principal: Principal): string[] {
  const own = principal.kind === 'user' ? ['u:' + principal.id, 'u:*'] : principal.kind === 'token' ? ['t:' + principal.id] : ['s:' + principal.id];
  return [...own, ...principal.groups.map((g) => 'g:' + g)];
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
  deny: Policy | undefined;
  allow: Policy | undefined;
  hasFullAllow = false;
  approvals: Policy[] | undefined;
  private isScanned = false;

  constructor(
    protected readonly index: PolicyIndex,
    protected readonly members: readonly number[],
    protected readonly action: string,
    protected readonly facts: DecisionFacts,
  ) {}

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
      approvalPolicyIds = [...new Set(this.approvals)].sort(comparePolicies).map((p) => p.id);
    }
    return { policyId: this.allow?.id, isPathOnly: this.allow !== undefined && !this.hasFullAllow, approvalPolicyIds };
  }

  /** A grant of the action on the resource (permissions 1 or 2). */
  protected full(policy: Policy, approvalItemId: string | undefined): void {
    const isDeny = policy.accessType === 'Deny';
    if (policy.compiled !== null && !conditionHolds(policy.compiled, this.facts.client, this.facts.now, isDeny)) return;
    if (isDeny) {
      if (this.deny === undefined || comparePolicies(policy, this.deny) < 0) this.deny = policy;
    } else if (policy.compiled?.approval != null && !this.facts.hasLiveApproval(policy, approvalItemId)) {
      (this.approvals ??= []).push(policy);
    } else {
      this.hasFullAllow = true;
      if (this.allow === undefined || comparePolicies(policy, this.allow) < 0) this.allow = policy;
    }
  }

  /** Permission 1 of each policy that lists the action. */
  protected resourceGrants(policies: Iterable<Policy> | undefined, approvalItemId: string | undefined): void {
    if (policies === undefined) return;
    for (const policy of policies) if (RESOURCE_ACTIONS[policy.accessLevel].has(this.action)) this.full(policy, approvalItemId);
  }

  /** Permission 0: listing the path toward R. Deny policies take no part; no approval needed. */
  protected toward(policies: readonly Policy[] | undefined): void {
    if (policies === undefined) return;
    for (const policy of policies) {
      if (policy.accessType === 'Deny') continue;
      if (policy.compiled !== null && !conditionHolds(policy.compiled, this.facts.client, this.facts.now, false)) continue;
      if (this.allow === undefined || comparePolicies(policy, this.allow) < 0) this.allow = policy;
    }
  }
}

class ItemVerdict extends Verdict {
  constructor(
    index: PolicyIndex,
    members: readonly number[],
    action: string,
    facts: DecisionFacts,
    private readonly ancestry: readonly number[],
    private readonly target: number | undefined,
    private readonly approvalItemId: string | undefined,
  ) {
    super(index, members, action, facts);
  }

  // O(depth) array reads, then O(members) small-Map reads at each item that anchors policies.
  protected scan(): void {
    const { ancestry, target, approvalItemId, members } = this;
    if (members.length === 0) return;
    const anchors = this.index.anchors;
    if (this.index.globals.size > 0) for (const m of members) this.resourceGrants(this.index.globals.get(m), approvalItemId);
    // Subtree grants on every ancestor.
    for (const ordinal of ancestry) {
      const anchor = anchors[ordinal];
      if (anchor === undefined) continue;
      for (const m of members) this.resourceGrants(anchor.get(m)?.subtree, approvalItemId);
    }
    if (target === undefined) return;
    // On the item itself: subtree and exact grants, and for a listing the path toward a grant below it.
    const anchor = anchors[target];
    if (anchor !== undefined) {
      for (const m of members) {
        const lists = anchor.get(m);
        if (lists === undefined) continue;
        this.resourceGrants(lists.subtree, approvalItemId);
        this.resourceGrants(lists.exact, approvalItemId);
      }
    }
    const toward = this.action === 'sm.node.list' ? this.index.towardAnchors[target] : undefined;
    if (toward !== undefined) for (const m of members) this.toward(toward.get(m)?.toward);
  }
}

class AuthzVerdict extends Verdict {
  constructor(
    index: PolicyIndex,
    members: readonly number[],
    action: string,
    facts: DecisionFacts,
    private readonly asked: ResourceTarget,
    private readonly chain: readonly number[],
    private readonly askedNode: number | undefined,
  ) {
    super(index, members, action, facts);
  }

  // Grants whose resource covers the asked one: `*`, a subtree on its path, or the exact item.
  protected scan(): void {
    for (const m of this.members) this.resourceGrants(this.index.globals.get(m), undefined);
    if (this.asked.kind === 'any') return;
    for (const node of this.chain) {
      const anchor = this.index.anchors[node];
      if (anchor === undefined) continue;
      for (const m of this.members) {
        const lists = anchor.get(m);
        if (lists === undefined) continue;
        this.resourceGrants(lists.subtree, undefined);
        if (this.asked.kind === 'exact' && node === this.askedNode) this.resourceGrants(lists.exact, undefined);
      }
    }
  }
}

class GlobalVerdict extends Verdict {
  // Permission 2 of every policy of the member: its resource is `*`.
  protected scan(): void {
    for (const m of this.members) {
      for (const policy of this.index.everything.get(m) ?? []) if (GLOBAL_ACTIONS[policy.accessLevel].has(this.action)) this.full(policy, undefined);
    }
  }
}

const NO_MEMBERS: readonly number[] = Object.freeze([]);

export class PolicyIndex {
  private readonly byId = new Map<string, Policy>();
  private readonly byName = new Map<string, Policy>();
  /** Every policy in listing order (sortKey, id). Insert and delete O(n) (a memmove). */
  private readonly ordered: Policy[] = [];
  private readonly byBoundItem = new Map<string, Set<string>>();
  private readonly placements = new Map<string, Placement>();
  /** Member keys (`u:alice`, `g:ops`, …) as small numbers, so the maps below have number keys. */
  private readonly memberNumbers = new Map<string, number>();
  /** By item ordinal: each member's policies anchored at that item. An array read, no hashing. */
  readonly anchors: (Map<number, AnchorLists> | undefined)[] = [];
  /** By item ordinal: permission 0 entries (the directories toward each policy's R). */
  readonly towardAnchors: (Map<number, AnchorLists> | undefined)[] = [];
  /** By member: active policies on `*` (permission 1 matches everything). */
  readonly globals = new Map<number, Policy[]>();
  /** By member: every active policy (permission 2 acts on `*` whatever R is). */
  readonly everything = new Map<number, Set<Policy>>();
  /** Bumped by every `apply`, so cached member lists know they are stale. */
  private version = 0;
  private readonly memberCache = new WeakMap<readonly string[], { version: number; members: readonly number[] }>();

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
    for (const delta of deltas) {
      if (delta.kind === 'putPolicy') {
        this.remove(delta.policy.id);
        this.add(delta.policy, delta.placement);
      } else if (delta.kind === 'deletePolicy') this.remove(delta.id);
      else this.itemDeleted(delta.itemId);
    }
  }

  private memberNumber(key: string): number {
    let n = this.memberNumbers.get(key);
    if (n === undefined) this.memberNumbers.set(key, (n = this.memberNumbers.size));
    return n;
  }

  /** A principal's member numbers that have policies, cached per keys array until the index changes. */
  private membersOf(keys: readonly string[]): readonly number[] {
    const cached = this.memberCache.get(keys);
    if (cached !== undefined && cached.version === this.version) return cached.members;
    const members: number[] = [];
    for (const key of keys) {
      const n = this.memberNumbers.get(key);
      if (n !== undefined && this.everything.get(n)?.size) members.push(n);
    }
    const result = members.length === 0 ? NO_MEMBERS : members;
    this.memberCache.set(keys, { version: this.version, members: result });
    return result;
  }

  // Permission 0 entries live apart: every policy lists each directory toward its
  // R, so mixing them in would make the root and top directories anchor nearly
  // every member, and a read would probe them for nothing.
  private layerOf(name: ListName): (Map<number, AnchorLists> | undefined)[] {
    return name === 'toward' ? this.towardAnchors : this.anchors;
  }

  private listAt(ordinal: number, member: number, name: ListName, policy: Policy): void {
    const layer = this.layerOf(name);
    // Grow densely: a write far past the end would turn the array into a slow dictionary.
    while (layer.length <= ordinal) layer.push(undefined);
    let anchor = layer[ordinal];
    if (anchor === undefined) layer[ordinal] = anchor = new Map();
    let lists = anchor.get(member);
    if (lists === undefined) anchor.set(member, (lists = { exact: undefined, subtree: undefined, toward: undefined }));
    (lists[name] ??= []).push(policy);
  }

  private unlistAt(ordinal: number, member: number, name: ListName, id: string): void {
    const layer = this.layerOf(name);
    const anchor = layer[ordinal];
    const lists = anchor?.get(member);
    if (anchor === undefined || lists === undefined || lists[name] === undefined) return;
    const kept = lists[name]!.filter((p) => p.id !== id);
    lists[name] = kept.length === 0 ? undefined : kept;
    if (lists.exact === undefined && lists.subtree === undefined && lists.toward === undefined) anchor.delete(member);
    if (anchor.size === 0) layer[ordinal] = undefined;
  }

  private add(policy: Policy, placement: Placement): void {
    this.byId.set(policy.id, policy);
    this.byName.set(policy.sortKey, policy);
    this.ordered.splice(this.positionOf(policy), 0, policy);
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
      if (policy.resource.kind === 'any') {
        const list = this.globals.get(m);
        if (list === undefined) this.globals.set(m, [policy]);
        else list.push(policy);
      }
      this.placeAnchors(m, policy, placement);
    }
  }

  private placeAnchors(m: number, policy: Policy, placement: Placement): void {
    if (!placement.isAlive) return;
    if (placement.anchor !== undefined) this.listAt(placement.anchor, m, policy.resource.kind === 'exact' ? 'exact' : 'subtree', policy);
    for (const ordinal of placement.toward) this.listAt(ordinal, m, 'toward', policy);
  }

  private unplaceAnchors(m: number, policy: Policy, placement: Placement): void {
    if (placement.anchor !== undefined) {
      this.unlistAt(placement.anchor, m, 'exact', policy.id);
      this.unlistAt(placement.anchor, m, 'subtree', policy.id);
    }
    for (const ordinal of placement.toward) this.unlistAt(ordinal, m, 'toward', policy.id);
  }

  private remove(id: string): void {
    const policy = this.byId.get(id);
    if (policy === undefined) return;
    const placement = this.placements.get(id)!;
    for (const key of policyKeys(policy)) {
      const m = this.memberNumbers.get(key);
      if (m === undefined) continue;
      this.everything.get(m)?.delete(policy);
      const list = this.globals.get(m);
      if (list !== undefined) {
        const kept = list.filter((p) => p.id !== id);
        if (kept.length === 0) this.globals.delete(m);
        else this.globals.set(m, kept);
      }
      this.unplaceAnchors(m, policy, placement);
    }
    this.byId.delete(id);
    if (this.byName.get(policy.sortKey) === policy) this.byName.delete(policy.sortKey);
    const at = this.positionOf(policy);
    if (this.ordered[at] === policy) this.ordered.splice(at, 1);
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
   * The policies' side of a decision on an item action. `chain` is the existing
   * nodes from the root toward the path; `target` the item itself when it
   * exists. Cost: O(depth) array reads plus O(members) Map reads at each
   * anchoring item plus the candidates found — never O(policies).
   */
  itemEvaluator(keys: readonly string[], action: string, ancestry: readonly number[], target: number | undefined, approvalItemId: string | undefined, facts: DecisionFacts): PolicyEvaluator {
    return new ItemVerdict(this, this.membersOf(keys), action, facts, ancestry, target, approvalItemId);
  }

  /**
   * Policy management (`authz.policy.*`) on a policy resource: grants whose
   * resource covers it (SPEC §6.3). `chain` is the existing nodes toward the
   * asked resource's path; `askedNode` the item of an exact resource, when it exists.
   */
  authzEvaluator(keys: readonly string[], action: string, asked: ResourceTarget, chain: readonly ItemNode[], askedNode: ItemNode | undefined, facts: DecisionFacts): PolicyEvaluator {
    return new AuthzVerdict(this, this.membersOf(keys), action, facts, asked, chain.map((n) => n.ordinal), askedNode?.ordinal);
  }

  /** Actions §5 does not list (`sm.vault.*`, …): only permission 2, on `*`, grants them. */
  globalEvaluator(keys: readonly string[], action: string, facts: DecisionFacts): PolicyEvaluator {
    return new GlobalVerdict(this, this.membersOf(keys), action, facts);
  }

  /** SPEC §5: a child leads to what a path-only lister was granted when a live Allow names it or something below it. */
  leadsToGrant(keys: readonly string[], child: ItemNode, facts: DecisionFacts): boolean {
    const anchor = this.anchors[child.ordinal];
    const toward = this.towardAnchors[child.ordinal];
    if (anchor === undefined && toward === undefined) return false;
    for (const m of this.membersOf(keys)) {
      for (const list of [toward?.get(m)?.toward, anchor?.get(m)?.exact, anchor?.get(m)?.subtree]) {
        for (const p of list ?? []) {
          if (p.accessType === 'Allow' && (p.compiled === null || conditionHolds(p.compiled, facts.client, facts.now, false))) return true;
        }
      }
    }
    return false;
  }
}
