// Access levels → permissions. The store derives the three
// permissions of a policy from its accessLevel and resource; callers never
// write them. Permission 0 lists the path toward R, 1 acts on R, 2 on `*`.

import { parentsOf, type ResourceTarget } from './resources.js';

/**
 * What a policy grants on its resource: `SM_View` (list directories, read
 * secrets), `SM_CRUD` (also create, update and delete items) or `SM_Manage`
 * (also administer the policies on that resource).
 */
export type AccessLevel = 'SM_View' | 'SM_CRUD' | 'SM_Manage';
export const ACCESS_LEVELS: readonly AccessLevel[] = ['SM_View', 'SM_CRUD', 'SM_Manage'];

export const DELETED_RESOURCE = 'Deleted resource/s';
export const CONSUMER = 'secretmanager';

/**
 * One of the three permissions a policy view shows, derived from its
 * `accessLevel` and `resource` (never written by callers): 0 lists the path
 * toward the resource, 1 acts on the resource, 2 on `*`.
 */
export interface PermissionView {
  /** The permission's id, made with the policy and kept across its updates. */
  id: string;
  /** `<policy name>_<PV|PC|PM>_<0|1|2>`, after the access level and the permission's number. */
  name: string;
  /** A fixed sentence saying what the permission is for. */
  description: string;
  /** Always `secretmanager`. */
  consumer: string;
  /** The actions it grants, such as `sm.node.list` or `sm.secret.read`. */
  actions: string[];
  /** The resources it applies to: the parent paths, the policy's resource, or `*`; `Deleted resource/s` once the resource's item is gone. */
  resources: string[];
  /** Always true: a policy's permissions belong to it alone. */
  isInline: true;
  /** Always false. */
  isReadOnly: false;
}

interface LevelRule {
  readonly suffix: string;
  readonly descriptions: readonly [string, string, string];
  /** Permission 1's actions, on [R]. */
  readonly resourceActions: readonly string[];
  /** Permission 2's actions, on ["*"]. */
  readonly globalActions: readonly string[];
}

const LIST_PARENTS = 'List permission for parent nodes in vault';
const VIEW_GLOBAL = ['sm.secrettemplate.list', 'sm.secrettemplate.read', 'sm.vault.list', 'sm.vault.read'];
const CRUD = ['create', 'delete', 'list', 'read', 'update'];

export const LEVEL_RULES: Readonly<Record<AccessLevel, LevelRule>> = Object.freeze({
  SM_View: {
    suffix: 'PV',
    descriptions: [LIST_PARENTS, 'View permission for nodes and secrets in vault', 'View permission for static secret templates and vault'],
    resourceActions: ['sm.node.list', 'sm.secret.read'],
    globalActions: VIEW_GLOBAL,
  },
  SM_CRUD: {
    suffix: 'PC',
    descriptions: [LIST_PARENTS, 'Create and edit permission for nodes and secrets in vault', 'View permission for static secret templates and vault'],
    resourceActions: ['sm.node.create', 'sm.node.delete', 'sm.node.list', 'sm.secret.read', 'sm.secret.update'],
    globalActions: VIEW_GLOBAL,
  },
  SM_Manage: {
    suffix: 'PM',
    descriptions: [
      LIST_PARENTS,
      'Administrative permission for nodes and secrets in vault',
      'Administrative permission for static secret templates and password policies, View permission for vault.',
    ],
    resourceActions: [
      ...CRUD.map((verb) => `authz.policy.${verb}`),
      'sm.node.create',
      'sm.node.delete',
      'sm.node.list',
      'sm.secret.read',
      'sm.secret.update',
    ],
    globalActions: [...CRUD.map((verb) => `sm.passwordpolicy.${verb}`), ...CRUD.map((verb) => `sm.secrettemplate.${verb}`), 'sm.vault.list', 'sm.vault.read'],
  },
});

// Sets for the decision's membership tests (O(1)).
export const RESOURCE_ACTIONS: Readonly<Record<AccessLevel, ReadonlySet<string>>> = Object.freeze({
  SM_View: new Set(LEVEL_RULES.SM_View.resourceActions),
  SM_CRUD: new Set(LEVEL_RULES.SM_CRUD.resourceActions),
  SM_Manage: new Set(LEVEL_RULES.SM_Manage.resourceActions),
});
export const GLOBAL_ACTIONS: Readonly<Record<AccessLevel, ReadonlySet<string>>> = Object.freeze({
  SM_View: new Set(LEVEL_RULES.SM_View.globalActions),
  SM_CRUD: new Set(LEVEL_RULES.SM_CRUD.globalActions),
  SM_Manage: new Set(LEVEL_RULES.SM_Manage.globalActions),
});

/** The derived permissions, fresh objects for the API. */
export function derivePermissions(
  policyName: string,
  level: AccessLevel,
  target: ResourceTarget,
  permissionIds: readonly string[],
  isAlive: boolean,
): PermissionView[] {
  const rule = LEVEL_RULES[level];
  const resources: string[][] = [isAlive ? parentsOf(target) : [DELETED_RESOURCE], isAlive ? [target.text] : [DELETED_RESOURCE], ['*']];
  const actions: string[][] = [['sm.node.list'], [...rule.resourceActions], [...rule.globalActions]];
  return [0, 1, 2].map((n) => ({
    id: permissionIds[n]!,
    name: `${policyName}_${rule.suffix}_${n}`,
    description: rule.descriptions[n]!,
    consumer: CONSUMER,
    actions: actions[n]!,
    resources: resources[n]!,
    isInline: true,
    isReadOnly: false,
  }));
}

/** The summary's `resources`: the union of the permissions' resources, without repeats, in UTF-16 order. */
export function summaryResources(permissions: readonly PermissionView[]): string[] {
  return [...new Set(permissions.flatMap((p) => p.resources))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
