// The §5 table as data (actions.ts): for each item operation, the policy
// action it needs and the ACL access its entry must give; and which
// operation `can(action, X)` decides (the first §5 lists with that action).

import { describe, it, expect } from 'vitest';
import { OPERATION_RULES, operationOfAction, type ItemOperation } from '../../src/core/actions.js';

describe('the operation table (SPEC §5)', () => {
  const rows: [ItemOperation, string, string][] = [
    ['list', 'sm.node.list', 'read'],
    ['read', 'sm.secret.read', 'read'],
    ['create', 'sm.node.create', 'read_write'],
    ['patchSecret', 'sm.secret.update', 'read_write'],
    ['patchDirectory', 'sm.node.create', 'read_write'],
    ['delete', 'sm.node.delete', 'read_write'],
  ];

  it('has exactly the six item operations', () => {
    expect(Object.keys(OPERATION_RULES).sort()).toEqual(rows.map(([operation]) => operation).sort());
  });

  for (const [operation, action, aclAccess] of rows) {
    it(`${operation} needs ${action} from a policy, or ${aclAccess} from the ACL`, () => {
      expect(OPERATION_RULES[operation]).toEqual({ action, aclAccess });
    });
  }

  it('patching a directory needs the create action (§5: sm.node.create on D)', () => {
    expect(OPERATION_RULES.patchDirectory.action).toBe(OPERATION_RULES.create.action);
  });

  it('the table is frozen', () => {
    expect(Object.isFrozen(OPERATION_RULES)).toBe(true);
  });
});

describe('operationOfAction: what can(action, X) decides', () => {
  const rows: [string, ItemOperation | undefined][] = [
    ['sm.node.list', 'list'],
    ['sm.secret.read', 'read'],
    ['sm.node.create', 'create'], // creating X, not patching a directory
    ['sm.secret.update', 'patchSecret'],
    ['sm.node.delete', 'delete'],
    ['authz.policy.read', undefined],
    ['sm.vault.read', undefined],
    ['sm.secrettemplate.list', undefined],
    ['SM.NODE.LIST', undefined],
    ['', undefined],
    ['toString', undefined],
    ['__proto__', undefined],
  ];
  for (const [action, operation] of rows) {
    it(`${JSON.stringify(action)} → ${operation ?? 'no item operation'}`, () => {
      expect(operationOfAction(action)).toBe(operation);
    });
  }

  it('each operation it names needs that very action', () => {
    for (const [action] of rows) {
      const operation = operationOfAction(action);
      if (operation !== undefined) expect(OPERATION_RULES[operation].action).toBe(action);
    }
  });
});
