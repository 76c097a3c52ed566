// 'coffer': the public surface (SPEC §12). Re-exports only.
export { openStore } from './store.js';
export type { Store, StoreOptions, KeyProvider, BuiltinMembers } from './store.js';
export type { Session, SessionContext } from './session.js';
export { CofferError } from './core/errors.js';
export type { ErrorCode, ErrorDetail } from './core/errors.js';
export type { Decision, Effect, Reason } from './core/decision.js';
export type { ItemView } from './core/items.js';
export type { AclEntry, AclEntity, AclAccess, ItemType, PrincipalKind } from './core/types.js';
export type { AuditEvent } from './audit.js';
export type { StorageAdapter, BatchOperation, RangeOptions } from './adapter.js';
export { compareUtf8 } from './adapter.js';
export { evaluateCondition } from './core/conditions/index.js';
export type { Condition, ConditionOutcome, ConditionPart } from './core/conditions/index.js';
export type { PolicyView, PolicySummary, Members, Member, AccessType } from './core/policy.js';
export type { PolicyList } from './core/policy-ops.js';
export type { PolicyOperations } from './session.js';
export type { AccessLevel, PermissionView } from './core/permissions.js';
