// The action table as data: for each item operation, the policy action it needs,
// whose ACL step 3 of the decision reads (the item itself or its parent
// directory) and which ACL access that entry must give.

import type { AclAccess } from './types.js';

/** The actions of item operations: list a directory, read a secret, create, update a secret (or a directory: `sm.node.create`), delete. */
export type ItemAction = 'sm.node.list' | 'sm.secret.read' | 'sm.node.create' | 'sm.secret.update' | 'sm.node.delete';

/** Policy management on a policy resource. */
export type PolicyAction = 'authz.policy.create' | 'authz.policy.read' | 'authz.policy.update' | 'authz.policy.delete' | 'authz.policy.list';

/**
 * Actions outside the item table, which permission 2 of an access level
 * grants on `*` (`sm.vault.read`, `sm.secrettemplate.list`,
 * `sm.passwordpolicy.update`, …). Any string of these families is accepted;
 * for another action string, cast it to `Action` on purpose.
 */
export type GlobalAction = `sm.vault.${string}` | `sm.secrettemplate.${string}` | `sm.passwordpolicy.${string}`;

/** What `can()` decides: an item action, a policy action, or one of the global families. */
export type Action = ItemAction | PolicyAction | GlobalAction;

export type ItemOperation = 'list' | 'read' | 'create' | 'patchSecret' | 'patchDirectory' | 'delete';

/** One row of the action table: the policy action an operation needs, and the ACL access (on the item, or for a create on its directory). */
export interface OperationRule {
  readonly action: ItemAction;
  readonly aclAccess: AclAccess;
}

export const OPERATION_RULES: Readonly<Record<ItemOperation, OperationRule>> = Object.freeze({
  list: { action: 'sm.node.list', aclAccess: 'read' },
  read: { action: 'sm.secret.read', aclAccess: 'read' },
  create: { action: 'sm.node.create', aclAccess: 'read_write' },
  patchSecret: { action: 'sm.secret.update', aclAccess: 'read_write' },
  patchDirectory: { action: 'sm.node.create', aclAccess: 'read_write' },
  delete: { action: 'sm.node.delete', aclAccess: 'read_write' },
});

/**
 * `can(action, X)` decides the first operation the action table lists with
 * that action (`sm.node.create` on X: creating X). Undefined for the others.
 */
export function operationOfAction(action: string): ItemOperation | undefined {
  switch (action) {
    case 'sm.node.list':
      return 'list';
    case 'sm.secret.read':
      return 'read';
    case 'sm.node.create':
      return 'create';
    case 'sm.secret.update':
      return 'patchSecret';
    case 'sm.node.delete':
      return 'delete';
    default:
      return undefined;
  }
}
