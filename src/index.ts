// 'coffer': the public surface. Re-exports only (types with `export type`).

/**
 * The main entry, `coffer`: {@link openStore} and the {@link Store} and
 * {@link Session} it gives, {@link CofferError} with its codes (docs/errors.md),
 * the storage-adapter contract with {@link createAdapter} (docs/adapters.md),
 * {@link evaluateCondition}, and the types of every input and view.
 * @packageDocumentation
 * @module coffer
 */
export { openStore } from './store.js';
export type { Store } from './store.js';
export type { StoreOptions, KeyProvider, BuiltinMembers, PartialMembers, Notifier, AuditSink } from './options.js';
export type { Session, SessionContext, PolicyOperations } from './session.js';
export { CofferError } from './core/errors.js';
export type { ErrorCode, ErrorDetail, StorageReason } from './core/errors.js';
export type { Decision, Effect, Reason } from './core/decision.js';
export type { Action, ItemAction, PolicyAction, GlobalAction } from './core/actions.js';
export type { PrincipalInput as Principal } from './core/principal.js';
export type { ItemView, DirectoryView, SecretView, ChildView, CreateBody, PatchBody, PatchOptions } from './core/item.js';
export type { AclEntry, AclEntity, AclAccess, EntityType, ItemType, PrincipalKind } from './core/types.js';
export type { AuditEvent, AuditAction, AuditReason } from './audit.js';
export type { StorageAdapter, BatchOperation, RangeOptions, AdapterHooks, CheckedRange, AdapterErrorKind } from './adapter.js';
export { createAdapter, AdapterError, compareUtf8 } from './adapter.js';
export { evaluateCondition } from './core/conditions/index.js';
export type { Condition, ConditionInput, ConditionOutcome, ConditionPart, TimeOfAccess, DateSchedule, DaysSchedule, ApprovalBlock, Weekday, WeekdayInput } from './core/conditions/index.js';
export type { PolicyBody, PolicyPatch, PolicyView, PolicySummary, Members, Member, MemberInput, MembersInput, AccessType } from './core/policy.js';
export type { PolicyList } from './core/ops/policies.js';
export type { PolicyListQuery } from './core/listing.js';
export type { AccessLevel, PermissionView } from './core/permissions.js';
export type { ApprovalView, ApprovalStatus, ApprovalAction, ApprovalRequestBody, ApprovalListQuery, DecisionOptions } from './core/approvals.js';
