// The one decision procedure: every item operation, every policy operation,
// can() and approval requests ask `decide`. It resolves the question to the
// facts the combining rule reads — whose ACL (the item, or for a create the
// directory it is made in), where the policy walk starts, which item an
// approval must be for — and runs the rule (decision.ts). The common case, an
// existing item, is one path → ordinal lookup; the item itself is read only
// when its ACL may name the caller or an approval block asks for its id.

import { OPERATION_RULES, type ItemOperation } from './actions.js';
import { decideDetailed, type DetailedDecision, type PolicyEvaluator } from './decision.js';
import type { ResourceTarget } from './resources.js';
import type { FactsSource, MemberNumbers } from './state/grants.js';
import { ROOT_ORDINAL } from './state/items.js';
import type { State } from './state/state.js';
import type { Principal } from './types.js';

/** Who asks: the principal, its member numbers in the grants index, its ACL filter bits, and the request's facts. */
export interface Caller {
  readonly principal: Principal;
  readonly members: MemberNumbers;
  /** principalAclBits(principal): what an ACL entry that matches would have set. */
  readonly aclBits: number;
  readonly facts: FactsSource;
}

/** What is being decided. */
export type Question =
  /** An item operation on a canonical path (create: creating the item at that path). */
  | { readonly kind: 'item'; readonly operation: ItemOperation; readonly path: string }
  /** Creating a new item directly in the directory with this ordinal (an approval for creates is given there). */
  | { readonly kind: 'createIn'; readonly directory: number }
  /** Policy management (`authz.policy.*`) on a policy resource. */
  | { readonly kind: 'policy'; readonly action: string; readonly resource: ResourceTarget }
  /** An action the item table does not list (`sm.vault.*`, …): only a `*` resource matches it. */
  | { readonly kind: 'global'; readonly action: string };

/** Decides a question (docs/decisions.md, "The decision"). O(depth × member keys) lookups. */
export function decide(state: State, caller: Caller, question: Question): DetailedDecision {
  switch (question.kind) {
    case 'item':
      return decideItem(state, caller, question.operation, question.path);
    case 'createIn':
      return decideOnItem(state, caller, 'create', question.directory, false, question.directory, question.directory);
    case 'policy':
      return decidePolicy(state, caller, question.action, question.resource);
    case 'global':
      return combine(caller, undefined, undefined, state.grants.globalVerdict(caller.members, question.action, caller.facts));
  }
}

/** The deepest existing item on a canonical path (the root at least). O(depth) lookups. */
export function deepestExisting(state: State, path: string): number {
  let at = path;
  for (;;) {
    const ordinal = state.items.ordinalAt(at);
    if (ordinal !== undefined) return ordinal;
    if (at === '/') return ROOT_ORDINAL;
    const slash = at.lastIndexOf('/');
    at = slash === 0 ? '/' : at.slice(0, slash);
  }
}

function parentPathOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

function decideItem(state: State, caller: Caller, operation: ItemOperation, path: string): DetailedDecision {
  const { items } = state;
  const target = items.ordinalAt(path);
  if (operation === 'create') {
    // Creating X: the ACL of the directory X is made in; the policies on X (on its
    // directory's subtree grants while X does not exist); an approval for it is
    // given on the directory.
    const directory = path === '/' ? undefined : items.ordinalAt(parentPathOf(path));
    const start = target ?? (directory !== undefined ? directory : deepestExisting(state, path));
    return decideOnItem(state, caller, operation, start, target !== undefined, directory, directory);
  }
  // An approval for patching a directory (sm.node.create on it) is given where a create of it would be: on its directory.
  if (target !== undefined) return decideOnItem(state, caller, operation, target, true, target, operation === 'patchDirectory' ? items.node(target)!.parent : target);
  // A path that does not exist: no ACL; only subtree grants above it can match.
  return decideOnItem(state, caller, operation, deepestExisting(state, path), false, undefined, undefined);
}

function decideOnItem(
  state: State,
  caller: Caller,
  operation: ItemOperation,
  start: number,
  startIsTarget: boolean,
  aclOrdinal: number | undefined,
  approvalOrdinal: number | undefined,
): DetailedDecision {
  const rule = OPERATION_RULES[operation];
  const { items } = state;
  // The ACL is read only when its filter says it may name the caller.
  const acl = aclOrdinal !== undefined && items.aclMayGrant(aclOrdinal, caller.aclBits) ? items.node(aclOrdinal)?.acl : undefined;
  return combine(caller, acl, rule.aclAccess, state.grants.itemVerdict(caller.members, rule.action, start, startIsTarget, approvalOrdinal, items, caller.facts));
}

function decidePolicy(state: State, caller: Caller, action: string, asked: ResourceTarget): DetailedDecision {
  let chain: number[] = [];
  let askedOrdinal: number | undefined;
  if (asked.kind !== 'any') {
    const target = state.items.ordinalAt(asked.path.path);
    if (target !== undefined && asked.kind === 'exact') askedOrdinal = target;
    const deepest = target ?? deepestExisting(state, asked.path.path);
    chain = [...state.items.ancestorsOf(deepest), deepest];
  }
  return combine(caller, undefined, undefined, state.grants.authzVerdict(caller.members, action, asked, chain, askedOrdinal, caller.facts));
}

function combine(caller: Caller, acl: Parameters<typeof decideDetailed>[0]['acl'], aclAccess: Parameters<typeof decideDetailed>[0]['aclAccess'], policies: PolicyEvaluator): DetailedDecision {
  return decideDetailed({ principal: caller.principal, acl, aclAccess, policies });
}
