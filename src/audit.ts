// Audit events (SPEC §11): one per session call but `can`, allowed or refused,
// built from the decision and the error code, never from a value.
// A throwing onAudit never changes an operation's outcome (docs/decisions.md):
// a write is already committed when its event is known, and failing a read
// after the fact would hide that it happened. The failure becomes a process
// warning (code COFFER_AUDIT_FAILED) that names the action, not the event.

import type { PrincipalKind } from './core/types.js';
import { CofferError, decisionOfRefusal } from './core/errors.js';
import type { Decision } from './core/decision.js';

export interface AuditEvent {
  readonly time: string;
  readonly principal: { readonly id: string; readonly kind: PrincipalKind };
  readonly ip: string | null;
  /** The session method: `get`, `policies.update`, `approve`, … */
  readonly action: string;
  /** The path, policy id or request id the call named. */
  readonly target: string;
  readonly outcome: 'allowed' | 'refused';
  /** The decision's reason (`admin`, `acl`, `policy`, `explicit_deny`, …), or for a refusal no decision made, the error code in lower case. */
  readonly reason: string;
  readonly code?: string;
}

export type AuditSink = (event: AuditEvent) => void;

/** The reason of a refusal: the decision's when a decision refused, else the code's. */
export function refusalReason(error: unknown): string {
  const decision = decisionOfRefusal(error);
  if (decision !== undefined) return decision.reason;
  return error instanceof CofferError ? error.code.toLowerCase() : 'error';
}

type EventBase = Omit<AuditEvent, 'outcome' | 'reason' | 'code'>;

export function allowedEvent(base: EventBase, decision: Decision | string): AuditEvent {
  const reason = typeof decision === 'string' ? decision : decision.reason;
  return Object.freeze({ time: base.time, principal: base.principal, ip: base.ip, action: base.action, target: base.target, outcome: 'allowed', reason });
}

export function refusedEvent(base: EventBase, error: unknown): AuditEvent {
  const code = error instanceof CofferError ? error.code : 'INTERNAL';
  return Object.freeze({ time: base.time, principal: base.principal, ip: base.ip, action: base.action, target: base.target, outcome: 'refused', reason: refusalReason(error), code });
}

/** Hands the event to the host; a throwing sink becomes a warning, never a failed operation. */
export function deliver(sink: AuditSink | undefined, event: AuditEvent): void {
  if (sink === undefined) return;
  try {
    sink(event);
  } catch {
    process.emitWarning(`onAudit threw for \`${event.action}\`; the operation's outcome stands`, { code: 'COFFER_AUDIT_FAILED' });
  }
}
