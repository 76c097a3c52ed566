// The public input and output types: precise enough that a typo does not
// compile (each @ts-expect-error below is checked by `npm test`'s typecheck:
// if the line compiled, the directive itself would be an error), and checked
// against the JSON schemas that validate the same inputs at run time, so the
// two cannot drift (json-schema-to-ts derives a type from each schema).

import type { FromSchema } from 'json-schema-to-ts';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  AclEntry,
  Action,
  ApprovalListQuery,
  ApprovalRequestBody,
  AuditEvent,
  CreateBody,
  Decision,
  DecisionOptions,
  ErrorCode,
  ItemView,
  PatchBody,
  PatchOptions,
  PolicyBody,
  PolicyListQuery,
  PolicyPatch,
  Principal,
  Reason,
  Session,
  Store,
} from '../../src/index.js';
import type { CONDITION_SCHEMA } from '../../src/core/conditions/condition.js';
import type { createSchema as itemCreateSchema, patchOptionsSchema, patchSchema } from '../../src/core/item.js';
import type { createSchema as policyCreateSchema, updateSchema as policyUpdateSchema } from '../../src/core/policy.js';
import type { principalSchema } from '../../src/core/principal.js';
import type { entrySchema } from '../../src/core/ops/acl.js';
import type { listQuerySchema as approvalListSchema, decisionOptionsSchema, requestSchema } from '../../src/core/approvals.js';
import type { listQuerySchema as policyListSchema } from '../../src/core/ops/policies.js';
import type { ConditionInput } from '../../src/core/conditions/condition.js';

declare const store: Store;
declare const session: Session;

describe('typos do not compile', () => {
  it('a principal with a misspelt field, or without its id', () => {
    // Checked by the typecheck only: never called (the store and session are declarations).
    const compileOnly = (): void => {
      // @ts-expect-error `idd` and `admn` are not fields of a Principal
      store.as({ idd: 'x', admn: true });
      // @ts-expect-error `admn` is not a field of a Principal
      store.as({ id: 'x', admn: true });
      // @ts-expect-error a kind that does not exist
      store.as({ id: 'x', kind: 'robot' });
      expectTypeOf(store.as).parameter(0).toEqualTypeOf<Principal>();
    };
    expectTypeOf(compileOnly).toBeFunction();
  });

  it('a policy body with a misspelt field, access level, access type or consumer', () => {
    // Checked by the typecheck only: never called (the store and session are declarations).
    const compileOnly = (): void => {
      // @ts-expect-error `resourse`
      void session.policies.create({ name: 'p', resourse: '/a' });
      // @ts-expect-error `SM_Admin` is not an access level
      void session.policies.create({ name: 'p', resource: '/a', accessLevel: 'SM_Admin' });
      // @ts-expect-error `Permit` is not an access type
      void session.policies.create({ name: 'p', resource: '/a', accessType: 'Permit' });
      // @ts-expect-error only `secretmanager`
      void session.policies.create({ name: 'p', resource: '/a', consumer: 'vault' });
      // @ts-expect-error `isReadOnly: true` is for the built-ins only
      void session.policies.create({ name: 'p', resource: '/a', isReadOnly: true });
      // @ts-expect-error a weekday that does not exist
      void session.policies.create({ name: 'p', resource: '/a', condition: { timeOfAccess: { daysSchedule: { fromTime: '09:00:00', toTime: '17:00:00', days: ['FUNDAY'] } } } });
      // @ts-expect-error `acessLevel`
      void session.policies.update('id', { acessLevel: 'SM_View' });
    };
    expectTypeOf(compileOnly).toBeFunction();
  });

  it('an action with a typo; the global families and a deliberate cast compile', () => {
    // Checked by the typecheck only: never called (the store and session are declarations).
    const compileOnly = (): void => {
      // @ts-expect-error `sm.secret.raed`
      void session.can('sm.secret.raed', '/a');
      // @ts-expect-error `authz.policy.reed`
      void session.can('authz.policy.reed', '*');
      void session.can('sm.vault.read', 'my-vault');
      void session.can('sm.passwordpolicy.update', '*');
      void session.can('custom.action' as Action, '*');
    };
    expectTypeOf(compileOnly).toBeFunction();
  });

  it('item bodies, ACL entries and approval bodies with typos', () => {
    // Checked by the typecheck only: never called (the store and session are declarations).
    const compileOnly = (): void => {
      // @ts-expect-error `folder` is not an item type
      void session.create('/a', { type: 'folder' });
      // @ts-expect-error `vlaue`
      void session.patch('/a', { vlaue: 'x' });
      // @ts-expect-error `write` is not an ACL access
      void session.putAccess('/a', { entity: { type: 'user', id: 'u' }, access: 'write' });
      // @ts-expect-error `sm.secret.delete` is not an action an approval is asked for
      void session.requestApproval({ path: '/a', action: 'sm.secret.delete', justification: 'j' });
      // @ts-expect-error `expird` is not a status
      void session.listApprovals({ status: 'expird' });
    };
    expectTypeOf(compileOnly).toBeFunction();
  });
});

describe('outputs are discriminated unions', () => {
  it('an item view is a directory (children, no value) or a secret (version, value)', () => {
    const view = { type: 'secret', version: 1 } as ItemView;
    if (view.type === 'directory') {
      expectTypeOf(view.children).toEqualTypeOf<{ name: string; type: 'directory' | 'secret' }[] | undefined>();
      expectTypeOf(view.value).toEqualTypeOf<undefined>();
    } else {
      expectTypeOf(view.version).toEqualTypeOf<number>();
      expectTypeOf(view.value).toEqualTypeOf<string | undefined>();
    }
    // `.value` reads compile on the union.
    expectTypeOf(view.value).toEqualTypeOf<string | undefined>();
  });

  it('a decision narrows by reason: policyId for policy and explicit_deny, policyIds for approval_required', () => {
    const decision = { allowed: false, effect: 'deny', reason: 'default_deny' } as Decision;
    if (decision.reason === 'policy' || decision.reason === 'explicit_deny') expectTypeOf(decision.policyId).toEqualTypeOf<string>();
    if (decision.reason === 'approval_required') {
      expectTypeOf(decision.policyIds).toEqualTypeOf<readonly string[]>();
      expectTypeOf(decision.allowed).toEqualTypeOf<false>();
    }
    if (decision.allowed) expectTypeOf(decision.effect).toEqualTypeOf<'allow'>();
    expectTypeOf(decision.reason).toEqualTypeOf<Reason>();
  });

  it('an audit event has a closed code and reason', () => {
    expectTypeOf<AuditEvent['code']>().toEqualTypeOf<ErrorCode | undefined>();
    expectTypeOf<'admin'>().toMatchTypeOf<AuditEvent['reason']>();
    expectTypeOf<'validation'>().toMatchTypeOf<AuditEvent['reason']>();
    // @ts-expect-error not a reason
    const reason: AuditEvent['reason'] = 'because';
    void reason;
  });
});

// Each public input type has the fields its schema has, no more, no fewer.
type Keys<T> = keyof NonNullable<T>;

describe('the input types match the schemas that check the same inputs', () => {
  it('item bodies and options', () => {
    expectTypeOf<Keys<CreateBody>>().toEqualTypeOf<Keys<FromSchema<typeof itemCreateSchema>>>();
    expectTypeOf<CreateBody['type']>().toEqualTypeOf<FromSchema<typeof itemCreateSchema>['type']>();
    expectTypeOf<Keys<PatchBody>>().toEqualTypeOf<Keys<FromSchema<typeof patchSchema>>>();
    expectTypeOf<Keys<PatchOptions>>().toEqualTypeOf<Keys<FromSchema<typeof patchOptionsSchema>>>();
  });

  it('principals and ACL entries', () => {
    // The principal schema lets a host's own extra fields through (they are ignored), so its fields are compared one by one.
    type Schema = FromSchema<typeof principalSchema>;
    expectTypeOf<Keys<Principal>>().toEqualTypeOf<'id' | 'kind' | 'groups' | 'admin'>();
    expectTypeOf<Principal['id']>().toEqualTypeOf<Schema['id']>();
    expectTypeOf<NonNullable<Principal['kind']>>().toEqualTypeOf<NonNullable<Schema['kind']>>();
    expectTypeOf<NonNullable<Principal['admin']>>().toEqualTypeOf<NonNullable<Schema['admin']>>();
    expectTypeOf<NonNullable<Principal['groups']>[number]>().toEqualTypeOf<NonNullable<Schema['groups']>[number]>();
    expectTypeOf<Keys<AclEntry>>().toEqualTypeOf<Keys<FromSchema<typeof entrySchema>>>();
    expectTypeOf<AclEntry['access']>().toEqualTypeOf<FromSchema<typeof entrySchema>['access']>();
    expectTypeOf<AclEntry['entity']['type']>().toEqualTypeOf<FromSchema<typeof entrySchema>['entity']['type']>();
  });

  it('policy bodies, patches and listing queries', () => {
    type Created = FromSchema<typeof policyCreateSchema>;
    // The schema also knows `id` and `permissions`, to refuse them with a clear message; the type leaves them out.
    expectTypeOf<Keys<PolicyBody>>().toEqualTypeOf<Exclude<Keys<Created>, 'id' | 'permissions'>>();
    expectTypeOf<NonNullable<PolicyBody['accessLevel']>>().toEqualTypeOf<NonNullable<Created['accessLevel']>>();
    expectTypeOf<NonNullable<PolicyBody['accessType']>>().toEqualTypeOf<NonNullable<Created['accessType']>>();
    expectTypeOf<Keys<PolicyBody['members']>>().toEqualTypeOf<Keys<Created['members']>>();
    expectTypeOf<Keys<PolicyPatch>>().toEqualTypeOf<Exclude<Keys<FromSchema<typeof policyUpdateSchema>>, 'permissions'>>();
    expectTypeOf<Keys<PolicyListQuery>>().toEqualTypeOf<Keys<FromSchema<typeof policyListSchema>>>();
  });

  it('conditions', () => {
    type Schema = FromSchema<typeof CONDITION_SCHEMA>;
    expectTypeOf<Keys<ConditionInput>>().toEqualTypeOf<Keys<Schema>>();
    expectTypeOf<Keys<ConditionInput['timeOfAccess']>>().toEqualTypeOf<Keys<Schema['timeOfAccess']>>();
    expectTypeOf<Keys<NonNullable<ConditionInput['timeOfAccess']>['daysSchedule']>>().toEqualTypeOf<Keys<NonNullable<Schema['timeOfAccess']>['daysSchedule']>>();
    expectTypeOf<Keys<NonNullable<ConditionInput['timeOfAccess']>['dateSchedule']>>().toEqualTypeOf<Keys<NonNullable<Schema['timeOfAccess']>['dateSchedule']>>();
    expectTypeOf<Keys<ConditionInput['approval']>>().toEqualTypeOf<Keys<Schema['approval']>>();
  });

  it('approval bodies and queries', () => {
    expectTypeOf<Keys<ApprovalRequestBody>>().toEqualTypeOf<Keys<FromSchema<typeof requestSchema>>>();
    expectTypeOf<NonNullable<ApprovalRequestBody['action']>>().toEqualTypeOf<NonNullable<FromSchema<typeof requestSchema>['action']>>();
    expectTypeOf<Keys<DecisionOptions>>().toEqualTypeOf<Keys<FromSchema<typeof decisionOptionsSchema>>>();
    expectTypeOf<Keys<ApprovalListQuery>>().toEqualTypeOf<Keys<FromSchema<typeof approvalListSchema>>>();
    expectTypeOf<NonNullable<ApprovalListQuery['status']>>().toEqualTypeOf<NonNullable<FromSchema<typeof approvalListSchema>['status']>>();
  });
});
