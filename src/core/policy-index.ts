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
import type { ItemNode, Principal } from './types.js';

/** A change to the index, applied at publish. */
export type PolicyDelta =
  | { readonly kind: 'putPolicy'; readonly policy: Policy; readonly isAlive: boolean; readonly towardIds: readonly string[] }
  | { readonly kind: 'deletePolicy'; readonly id: string }
  | { readonly kind: 'itemDeleted'; readonly itemId: string };

/** The active policies of one member key. */
interface MemberBuckets {
  /** Every policy of the member (permission 2 acts on `*` whatever R is). */
  readonly all: Set<Policy>;
  /** Resource `*`: permission 1 matches everything. */
  readonly global: Set<Policy>;
  /** Live resources `/` or `/a/b`, by the bound item's id. */
  readonly exact: Map<string, Policy[]>;
  /** Live resources `/*` or `/a/b/*`, by the bound item's id. */
  readonly subtree: Map<string, Policy[]>;
  /** Permission 0: by the id of each directory on the path toward R. */
  readonly toward: Map<string, Policy[]>;
}

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

function addTo(map: Map<string, Policy[]>, key: string, policy: Policy): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [policy]);
  else list.push(policy);
}

function removeFrom(map: Map<string, Policy[]>, key: string, id: string): void {
  const list = map.get(key);
  if (list === undefined) return;
  const kept = list.filter((p) => p.id !== id);
  if (kept.length === 0) map.delete(key);
  else map.set(key, kept);
}

/** Request facts a decision needs beyond the principal. */
export interface DecisionFacts {
  readonly now: number;
  readonly client: ClientAddress | null;
  /** Step 4: whether the principal holds a live approval under this policy for this item id. */
  readonly hasLiveApproval: (policy: Policy, itemId: string | undefined) => boolean;
}

// Collects steps 2, 4 and 5 in one pass over the candidates, on first use
// (an ACL allow in step 3 then costs no policy lookup at all).
abstract class Verdict implements PolicyEvaluator {
  deny: Policy | undefined;
  allow: Policy | undefined;
  hasFullAllow = false;
  approvals: Policy[] | undefined;
  private isScanned = false;

  constructor(
    protected readonly buckets: readonly MemberBuckets[],
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
    let approvalPolicyIds: string[] = [];
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
    buckets: readonly MemberBuckets[],
    action: string,
    facts: DecisionFacts,
    private readonly chain: readonly ItemNode[],
    private readonly target: ItemNode | undefined,
    private readonly approvalItemId: string | undefined,
  ) {
    super(buckets, action, facts);
  }

  // O(member buckets × (depth + 2)) Map lookups.
  protected scan(): void {
    const { chain, target, approvalItemId } = this;
    const isList = this.action === 'sm.node.list';
    for (const buckets of this.buckets) {
      if (buckets.global.size > 0) this.resourceGrants(buckets.global, approvalItemId);
      for (const node of chain) this.resourceGrants(buckets.subtree.get(node.id), approvalItemId);
      if (target !== undefined) {
        this.resourceGrants(buckets.exact.get(target.id), approvalItemId);
        if (isList) this.toward(buckets.toward.get(target.id));
      }
    }
  }
}

class AuthzVerdict extends Verdict {
  constructor(
    buckets: readonly MemberBuckets[],
    action: string,
    facts: DecisionFacts,
    private readonly asked: ResourceTarget,
    private readonly chain: readonly ItemNode[],
    private readonly askedNode: ItemNode | undefined,
  ) {
    super(buckets, action, facts);
  }

  // Grants whose resource covers the asked one: `*`, a subtree on its path, or the exact item.
  protected scan(): void {
    for (const buckets of this.buckets) {
      this.resourceGrants(buckets.global, undefined);
      if (this.asked.kind === 'any') continue;
      for (const node of this.chain) this.resourceGrants(buckets.subtree.get(node.id), undefined);
      if (this.asked.kind === 'exact' && this.askedNode !== undefined) this.resourceGrants(buckets.exact.get(this.askedNode.id), undefined);
    }
  }
}

class GlobalVerdict extends Verdict {
  // Permission 2 of every policy of the member: its resource is `*`.
  protected scan(): void {
    for (const buckets of this.buckets) {
      for (const policy of buckets.all) if (GLOBAL_ACTIONS[policy.accessLevel].has(this.action)) this.full(policy, undefined);
    }
  }
}

export class PolicyIndex {
  private readonly byId = new Map<string, Policy>();
  private readonly byName = new Map<string, Policy>();
  /** Every policy in listing order (sortKey, id). Insert and delete O(n) (a memmove). */
  private readonly ordered: Policy[] = [];
  private readonly byBoundItem = new Map<string, Set<string>>();
  private readonly dead = new Set<string>();
  private readonly towardOf = new Map<string, readonly string[]>();
  private readonly members = new Map<string, MemberBuckets>();
  /** Bumped by every `apply`, so cached bucket lists know they are stale. */
  private version = 0;
  private readonly bucketCache = new WeakMap<readonly string[], { version: number; buckets: readonly MemberBuckets[] }>();

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
    return !this.dead.has(policy.id);
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
    return [...(this.byBoundItem.get(itemId) ?? [])].map((id) => this.byId.get(id)!).filter((p) => p !== undefined);
  }

  apply(deltas: readonly PolicyDelta[]): void {
    this.version++;
    for (const delta of deltas) {
      if (delta.kind === 'putPolicy') {
        this.remove(delta.policy.id);
        this.add(delta.policy, delta.isAlive, delta.towardIds);
      } else if (delta.kind === 'deletePolicy') this.remove(delta.id);
      else this.itemDeleted(delta.itemId);
    }
  }

  private add(policy: Policy, isAlive: boolean, towardIds: readonly string[]): void {
    this.byId.set(policy.id, policy);
    this.byName.set(policy.sortKey, policy);
    this.ordered.splice(this.positionOf(policy), 0, policy);
    if (policy.boundItemId !== null) {
      let set = this.byBoundItem.get(policy.boundItemId);
      if (set === undefined) this.byBoundItem.set(policy.boundItemId, (set = new Set()));
      set.add(policy.id);
    }
    if (!isAlive) this.dead.add(policy.id);
    this.towardOf.set(policy.id, towardIds);
    if (!policy.isActive || policy.isDraft) return; // only active, non-draft policies decide
    for (const key of policyKeys(policy)) {
      let buckets = this.members.get(key);
      if (buckets === undefined) {
        buckets = { all: new Set(), global: new Set(), exact: new Map(), subtree: new Map(), toward: new Map() };
        this.members.set(key, buckets);
      }
      buckets.all.add(policy);
      this.addResourceEntries(buckets, policy, isAlive, towardIds);
    }
  }

  private addResourceEntries(buckets: MemberBuckets, policy: Policy, isAlive: boolean, towardIds: readonly string[]): void {
    if (policy.resource.kind === 'any') buckets.global.add(policy);
    else if (isAlive && policy.boundItemId !== null) addTo(policy.resource.kind === 'exact' ? buckets.exact : buckets.subtree, policy.boundItemId, policy);
    if (isAlive) for (const id of towardIds) addTo(buckets.toward, id, policy);
  }

  private removeResourceEntries(buckets: MemberBuckets, policy: Policy): void {
    if (policy.boundItemId !== null) {
      removeFrom(buckets.exact, policy.boundItemId, policy.id);
      removeFrom(buckets.subtree, policy.boundItemId, policy.id);
    }
    for (const id of this.towardOf.get(policy.id) ?? []) removeFrom(buckets.toward, id, policy.id);
  }

  private remove(id: string): void {
    const policy = this.byId.get(id);
    if (policy === undefined) return;
    for (const key of policyKeys(policy)) {
      const buckets = this.members.get(key);
      if (buckets === undefined) continue;
      buckets.all.delete(policy);
      buckets.global.delete(policy);
      this.removeResourceEntries(buckets, policy);
    }
    this.byId.delete(id);
    if (this.byName.get(policy.sortKey) === policy) this.byName.delete(policy.sortKey);
    const at = this.positionOf(policy);
    if (this.ordered[at] === policy) this.ordered.splice(at, 1);
    if (policy.boundItemId !== null) this.byBoundItem.get(policy.boundItemId)?.delete(id);
    this.dead.delete(id);
    this.towardOf.delete(id);
  }

  // The bound item is gone: its policies grant nothing on items for ever (SPEC §6.2).
  private itemDeleted(itemId: string): void {
    for (const policy of this.boundTo(itemId)) {
      if (this.dead.has(policy.id)) continue;
      for (const key of policyKeys(policy)) {
        const buckets = this.members.get(key);
        if (buckets !== undefined) this.removeResourceEntries(buckets, policy);
      }
      this.dead.add(policy.id);
    }
  }

  // ---------------------------------------------------------------- decisions

  /**
   * The buckets of a principal's member keys that exist, cached per keys array
   * until the index changes. O(keys) on a miss, O(1) on a hit.
   */
  private bucketsFor(keys: readonly string[]): readonly MemberBuckets[] {
    const cached = this.bucketCache.get(keys);
    if (cached !== undefined && cached.version === this.version) return cached.buckets;
    const buckets: MemberBuckets[] = [];
    for (const key of keys) {
      const found = this.members.get(key);
      if (found !== undefined) buckets.push(found);
    }
    this.bucketCache.set(keys, { version: this.version, buckets });
    return buckets;
  }

  /**
   * The policies' side of a decision on an item action. `chain` is the existing
   * nodes from the root toward the path; `target` the item itself when it
   * exists. Cost: O(member buckets × (depth + 2)) Map lookups plus the candidates found.
   */
  itemEvaluator(keys: readonly string[], action: string, chain: readonly ItemNode[], target: ItemNode | undefined, approvalItemId: string | undefined, facts: DecisionFacts): PolicyEvaluator {
    return new ItemVerdict(this.bucketsFor(keys), action, facts, chain, target, approvalItemId);
  }

  /**
   * Policy management (`authz.policy.*`) on a policy resource: grants whose
   * resource covers it (SPEC §6.3). `chain` is the existing nodes toward the
   * asked resource's path; `askedNode` the item of an exact resource, when it exists.
   */
  authzEvaluator(keys: readonly string[], action: string, asked: ResourceTarget, chain: readonly ItemNode[], askedNode: ItemNode | undefined, facts: DecisionFacts): PolicyEvaluator {
    return new AuthzVerdict(this.bucketsFor(keys), action, facts, asked, chain, askedNode);
  }

  /** Actions §5 does not list (`sm.vault.*`, …): only permission 2, on `*`, grants them. */
  globalEvaluator(keys: readonly string[], action: string, facts: DecisionFacts): PolicyEvaluator {
    return new GlobalVerdict(this.bucketsFor(keys), action, facts);
  }

  /** SPEC §5: a child leads to what a path-only lister was granted when a live Allow names it or something below it. */
  leadsToGrant(keys: readonly string[], child: ItemNode, facts: DecisionFacts): boolean {
    for (const key of keys) {
      const buckets = this.members.get(key);
      if (buckets === undefined) continue;
      for (const list of [buckets.toward.get(child.id), buckets.exact.get(child.id), buckets.subtree.get(child.id)]) {
        for (const p of list ?? []) {
          if (p.accessType === 'Allow' && (p.compiled === null || conditionHolds(p.compiled, facts.client, facts.now, false))) return true;
        }
      }
    }
    return false;
  }
}
