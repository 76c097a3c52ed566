// The order every item operation checks in (docs/reference.md, "The order of
// checks"): (1) malformed input → VALIDATION; (2) an item the operation checks
// that does not exist → NOT_FOUND for an admin or a caller who may list its
// parent, else FORBIDDEN; (3) authorization → FORBIDDEN or APPROVAL_REQUIRED;
// (4) state. So a caller without rights learns nothing about what exists, and
// a refusal's text depends only on the operation and the path asked.

import { decide, type Caller } from '../decide.js';
import type { Decision } from '../decision.js';
import { approvalRequired, forbidden, notFound } from '../errors.js';
import type { DecisionFacts } from '../state/grants.js';
import type { State } from '../state/state.js';
import type { ItemNode } from '../types.js';

/** The parent of a canonical, non-root path. */
export function parentPathOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/**
 * "May list" D: D is a directory and the caller has a full list right on it
 * (an ACL read, or a policy's list permission 1 — not only permission 0,
 * which shows the path toward a grant).
 */
export function mayList(state: State, caller: Caller, directory: string): boolean {
  const node = state.items.at(directory);
  if (node === undefined || node.type !== 'directory') return false;
  const { decision, isPathOnly } = decide(state, caller, { kind: 'item', operation: 'list', path: directory });
  return decision.allowed && !isPathOnly;
}

/** Step (2): the item at `path`, or NOT_FOUND for those who may know it is missing and FORBIDDEN (naming `shown`) for the rest. */
export function existing(state: State, caller: Caller, path: string, verb: string, shown = path): ItemNode {
  const node = state.items.at(path);
  if (node !== undefined) return node;
  if (caller.principal.isAdmin || (path !== '/' && mayList(state, caller, parentPathOf(path)))) throw notFound('item', path);
  throw forbidden(verb, shown);
}

/** Step (3): throws FORBIDDEN or APPROVAL_REQUIRED (the decision in its private slot) unless allowed. */
export function authorize(decision: Decision, verb: string, shown: string): void {
  if (decision.allowed) return;
  throw decision.effect === 'approval_required' ? approvalRequired(verb, shown, decision.policyIds ?? [], decision) : forbidden(verb, shown, decision);
}

/** The request facts of a caller, resolved. */
export function factsOf(caller: Caller): DecisionFacts {
  return typeof caller.facts === 'function' ? caller.facts() : caller.facts;
}
