// The three permissions each access level derives, written out by hand from
// the contract's table (names, descriptions word for word, actions in order):
// the oracle the core and store permission tests compare with.

import type { AccessLevel } from '../../src/core/permissions.js';

const LIST_PARENTS = 'List permission for parent nodes in vault';
const VIEW_GLOBAL = ['sm.secrettemplate.list', 'sm.secrettemplate.read', 'sm.vault.list', 'sm.vault.read'];

/** Per access level: the permission-name suffix, the three descriptions and the three action lists. */
export const LEVELS: Record<AccessLevel, { suffix: string; descriptions: [string, string, string]; actions: [string[], string[], string[]] }> = {
  SM_View: {
    suffix: 'PV',
    descriptions: [LIST_PARENTS, 'View permission for nodes and secrets in vault', 'View permission for static secret templates and vault'],
    actions: [['sm.node.list'], ['sm.node.list', 'sm.secret.read'], VIEW_GLOBAL],
  },
  SM_CRUD: {
    suffix: 'PC',
    descriptions: [LIST_PARENTS, 'Create and edit permission for nodes and secrets in vault', 'View permission for static secret templates and vault'],
    actions: [['sm.node.list'], ['sm.node.create', 'sm.node.delete', 'sm.node.list', 'sm.secret.read', 'sm.secret.update'], VIEW_GLOBAL],
  },
  SM_Manage: {
    suffix: 'PM',
    descriptions: [
      LIST_PARENTS,
      'Administrative permission for nodes and secrets in vault',
      'Administrative permission for static secret templates and password policies, View permission for vault.',
    ],
    actions: [
      ['sm.node.list'],
      [
        'authz.policy.create',
        'authz.policy.delete',
        'authz.policy.list',
        'authz.policy.read',
        'authz.policy.update',
        'sm.node.create',
        'sm.node.delete',
        'sm.node.list',
        'sm.secret.read',
        'sm.secret.update',
      ],
      [
        'sm.passwordpolicy.create',
        'sm.passwordpolicy.delete',
        'sm.passwordpolicy.list',
        'sm.passwordpolicy.read',
        'sm.passwordpolicy.update',
        'sm.secrettemplate.create',
        'sm.secrettemplate.delete',
        'sm.secrettemplate.list',
        'sm.secrettemplate.read',
        'sm.secrettemplate.update',
        'sm.vault.list',
        'sm.vault.read',
      ],
    ],
  },
};
