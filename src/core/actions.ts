// The §5 table as data: for each item operation, the policy action it needs,
// whose ACL step 3 of the decision reads (the item itself or its parent
// directory) and which ACL access that entry must give.

import type { AclAccess } from './types.js';

export type ItemAction = 'sm.node.list' | 'sm.secret.read' | 'sm.node.create' | 'sm.secret.update' | 'sm.node.delete';

export type ItemOperation = 'list' | 'read' | 'create' | 'patchSecret' | 'patchDirectory' | 'delete';

export interface OperationRule {
  readonly action: ItemAction;
  /** `parent`: the ACL of the directory the item is created in. */
  readonly aclOn: 'item' | 'parent';
  readonly aclAccess: AclAccess;
  /** A verb for messages: "Not allowed to <verb> `/a`". */
  readonly verb: string;
}

export const OPERATION_RULES: Readonly<Record<ItemOperation, OperationRule>> = Object.freeze({
  list: { action: 'sm.node.list', aclOn: 'item', aclAccess: 'read', verb: 'list' },
  read: { action: 'sm.secret.read', aclOn: 'item', aclAccess: 'read', verb: 'read' },
  create: { action: 'sm.node.create', aclOn: 'parent', aclAccess: 'read_write', verb: 'create' },
  patchSecret: { action: 'sm.secret.update', aclOn: 'item', aclAccess: 'read_write', verb: 'update' },
  patchDirectory: { action: 'sm.node.create', aclOn: 'item', aclAccess: 'read_write', verb: 'update' },
  delete: { action: 'sm.node.delete', aclOn: 'item', aclAccess: 'read_write', verb: 'delete' },
});

/**
 * `can(action, X)` decides the first operation §5 lists with that action
 * (`sm.node.create` on X: creating X). Undefined for actions §5 does not list.
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
