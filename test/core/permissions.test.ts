// Access levels → permissions (permissions.ts, SPEC §6.3): three derived
// permissions per policy — 0 lists parents(R), 1 acts on R, 2 on `*` — with
// the seed's names, descriptions and actions; a dead resource shows
// "Deleted resource/s"; the summary's resources are their sorted union.

import { describe, it, expect } from 'vitest';
import { ACCESS_LEVELS, CONSUMER, DELETED_RESOURCE, derivePermissions, GLOBAL_ACTIONS, LEVEL_RULES, RESOURCE_ACTIONS, summaryResources, type AccessLevel } from '../../src/core/permissions.js';
import { parseResource } from '../../src/core/resources.js';
import { LEVELS } from '../support/permission-table.js';

const ids = ['perm-0', 'perm-1', 'perm-2'];

describe('derivePermissions (SPEC §6.3)', () => {
  it('the access levels are SM_View, SM_CRUD, SM_Manage, in that order', () => {
    expect(ACCESS_LEVELS).toEqual(['SM_View', 'SM_CRUD', 'SM_Manage']);
  });

  for (const level of ACCESS_LEVELS) {
    const rule = LEVELS[level];
    const spec = { suffix: rule.suffix, descriptions: rule.descriptions, resourceActions: rule.actions[1], globalActions: rule.actions[2] };
    it(`${level}: names <policy>_${spec.suffix}_<n>, the seed's descriptions and actions, resources parents(R), [R], ["*"]`, () => {
      const permissions = derivePermissions('ops', level, parseResource('/a/b/*'), ids, true);
      expect(permissions).toEqual(
        [0, 1, 2].map((n) => ({
          id: ids[n],
          name: `ops_${spec.suffix}_${n}`,
          description: spec.descriptions[n],
          consumer: 'secretmanager',
          actions: [['sm.node.list'], spec.resourceActions, spec.globalActions][n],
          resources: [['/', '/a'], ['/a/b/*'], ['*']][n],
          isInline: true,
          isReadOnly: false,
        })),
      );
      expect(Object.keys(permissions[0]!)).toEqual(['id', 'name', 'description', 'consumer', 'actions', 'resources', 'isInline', 'isReadOnly']);
    });

    it(`${level}: the decision's action sets are the permissions' actions`, () => {
      expect([...RESOURCE_ACTIONS[level]].sort()).toEqual([...spec.resourceActions].sort());
      expect([...GLOBAL_ACTIONS[level]].sort()).toEqual([...spec.globalActions].sort());
    });
  }

  it('a dead resource shows "Deleted resource/s" in permissions 0 and 1; permission 2 keeps "*"', () => {
    const permissions = derivePermissions('p', 'SM_View', parseResource('/a/b'), ids, false);
    expect(permissions.map((p) => p.resources)).toEqual([[DELETED_RESOURCE], [DELETED_RESOURCE], ['*']]);
    expect(DELETED_RESOURCE).toBe('Deleted resource/s');
  });

  it('permission 0 lists ["/"] for *, / and /*', () => {
    for (const resource of ['*', '/', '/*']) expect(derivePermissions('p', 'SM_CRUD', parseResource(resource), ids, true)[0]!.resources).toEqual(['/']);
  });

  it('each call gives fresh arrays: changing one result changes neither the next nor the level table', () => {
    const first = derivePermissions('p', 'SM_Manage', parseResource('/a'), ids, true);
    first[1]!.actions.push('changed');
    first[0]!.resources.push('changed');
    const second = derivePermissions('p', 'SM_Manage', parseResource('/a'), ids, true);
    expect(second[1]!.actions).toEqual(LEVELS.SM_Manage.actions[1]);
    expect(second[0]!.resources).toEqual(['/']);
    expect(LEVEL_RULES.SM_Manage.resourceActions).toEqual(LEVELS.SM_Manage.actions[1]);
    expect(Object.isFrozen(LEVEL_RULES)).toBe(true);
  });

  it('the consumer is secretmanager', () => {
    expect(CONSUMER).toBe('secretmanager');
  });
});

describe('summaryResources: the union of the resources, without repeats, in UTF-16 order', () => {
  const rows: [string, boolean, string[]][] = [
    ['*', true, ['*', '/']],
    ['/', true, ['*', '/']],
    ['/*', true, ['*', '/', '/*']],
    ['/a/b', true, ['*', '/', '/a', '/a/b']],
    ['/a/b/*', true, ['*', '/', '/a', '/a/b/*']],
    ['/Z/a', true, ['*', '/', '/Z', '/Z/a']],
    ['/a/b', false, ['*', DELETED_RESOURCE]],
  ];
  for (const [resource, alive, expected] of rows) {
    it(`${resource}${alive ? '' : ' (dead)'} → ${JSON.stringify(expected)}`, () => {
      expect(summaryResources(derivePermissions('p', 'SM_View', parseResource(resource), ids, alive))).toEqual(expected);
    });
  }
});
