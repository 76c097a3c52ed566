// Audit events: one per session call but `can`, allowed or refused, built
// from the decision's reason and the error's code — never from a value.
// A throwing onAudit never changes an operation's outcome (docs/decisions.md):
// a write is already committed when its event is known, and failing a read
// after the fact would hide that it happened. The failure becomes a process
// warning (code COFFER_AUDIT_FAILED) that names the action, not the event.

import type { AuditReason } from './core/change.js';
import { CofferError, decisionOfRefusal, type ErrorCode } from './core/errors.js';
import type { PrincipalKind } from './core/types.js';

export type { AuditReason } from './core/change.js';

/** The session method an event is about (`notify`: a failed notifier, after `requestApproval`). */
export type AuditAction =
  | 'get'
  | 'create'
  | 'patch'
  | 'delete'
  | 'getAccess'
  | 'putAccess'
  | 'deleteAccess'
  | 'policies.create'
  | 'policies.get'
  | 'policies.update'
  | 'policies.delete'
  | 'policies.list'
  | 'requestApproval'
  | 'approve'
  | 'reject'
  | 'withdraw'
  | 'revoke'
  | 'getApproval'
  | 'listApprovals'
  | 'notify';

/** One audited call. Never holds a secret value. */
export interface AuditEvent {
  /** ISO-8601, UTC, from the store's clock. */
  readonly time: string;
  /** Who made the call: the session principal's id and kind. */
  readonly principal: {
    /** The principal's id. */
    readonly id: string;
    /** `user`, `token` or `serviceIdentity`. */
    readonly kind: PrincipalKind
  };
  /** The client IP the session was made with, or null. */
  readonly ip: string | null;
  /** The session method called (`policies.create`, `get`, …). */
  readonly action: AuditAction;
  /** The path, policy id or request id the call named (`''` where it named none). */
  readonly target: string;
  /** `allowed` when the call succeeded; `refused` when it rejected (for any reason), or for `notify` when the notifier failed. */
  readonly outcome: 'allowed' | 'refused';
  /** The decision's reason (`admin`, `acl`, `policy`, `explicit_deny`, …), or for a refusal no decision made, the error code in lower case. */
  readonly reason: AuditReason;
  /** The error's code, on a refusal. */
  readonly code?: ErrorCode;
}

/** The part of an event known before the call runs. */
export type EventBase = Omit<AuditEvent, 'outcome' | 'reason' | 'code'>;

/** The reason of a refusal: the decision's when a decision refused, else the code's. */
export function refusalReason(error: CofferError): AuditReason {
  return decisionOfRefusal(error)?.reason ?? (error.code.toLowerCase() as Lowercase<ErrorCode>);
}

export function allowedEvent(base: EventBase, reason: AuditReason): AuditEvent {
  return Object.freeze({ time: base.time, principal: base.principal, ip: base.ip, action: base.action, target: base.target, outcome: 'allowed', reason });
}

export function refusedEvent(base: EventBase, error: CofferError): AuditEvent {
  return Object.freeze({ time: base.time, principal: base.principal, ip: base.ip, action: base.action, target: base.target, outcome: 'refused', reason: refusalReason(error), code: error.code });
}

/** Hands the event to the host; a throwing sink becomes a warning, never a failed operation. */
export function deliver(sink: ((event: AuditEvent) => void) | undefined, event: AuditEvent): void {
  if (sink === undefined) return;
  try {
    sink(event);
  } catch {
    process.emitWarning(`onAudit threw for \`${event.action}\`; the operation's outcome stands`, { code: 'COFFER_AUDIT_FAILED' });
  }
}
