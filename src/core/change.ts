// What a core operation returns: the records to write, the deltas the state
// applies once they are written, the result for the caller and the reason
// for the audit event. The shell writes `records` as one batch and then
// applies `deltas`; opening a store applies the deltas of every stored record
// the same way, and so will a process reading another's writes.

import type { ApprovalRequest } from './approvals.js';
import type { Reason } from './decision.js';
import type { ErrorCode } from './errors.js';
import type { Policy } from './policy.js';
import type { ItemRecord } from './types.js';

/** A change to the state, applied only after its records were written (or read at open). */
export type Delta =
  | { readonly kind: 'putItem'; readonly item: ItemRecord }
  | { readonly kind: 'deleteItem'; readonly id: string }
  | { readonly kind: 'putPolicy'; readonly policy: Policy }
  | { readonly kind: 'deletePolicy'; readonly id: string }
  | { readonly kind: 'putApproval'; readonly request: ApprovalRequest };

/**
 * A record to write (a put) or remove (null). Secret values are records of
 * their own, one per kept version, and change no state.
 */
export type RecordChange =
  | { readonly kind: 'item'; readonly id: string; readonly item: ItemRecord | null }
  | { readonly kind: 'value'; readonly itemId: string; readonly version: number; readonly value: string | null }
  | { readonly kind: 'policy'; readonly id: string; readonly policy: Policy | null }
  | { readonly kind: 'approval'; readonly id: string; readonly request: ApprovalRequest };

/**
 * Why an audited call was allowed or refused: a decision's reason, who an
 * approval call was allowed for (`requester`, `approver`), a listing of one's
 * own (`listed`), a failed notifier, or the code of a refusal no decision
 * made, in lower case.
 */
export type AuditReason = Reason | 'requester' | 'approver' | 'listed' | 'notify_failed' | Lowercase<ErrorCode>;

export interface Change<R> {
  readonly records: readonly RecordChange[];
  readonly deltas: readonly Delta[];
  readonly result: R;
  readonly reason: AuditReason;
}

/** The delta a record change makes to the state (none for a value). */
export function deltaOf(record: RecordChange): Delta | undefined {
  switch (record.kind) {
    case 'item':
      return record.item === null ? { kind: 'deleteItem', id: record.id } : { kind: 'putItem', item: record.item };
    case 'policy':
      return record.policy === null ? { kind: 'deletePolicy', id: record.id } : { kind: 'putPolicy', policy: record.policy };
    case 'approval':
      return { kind: 'putApproval', request: record.request };
    case 'value':
      return undefined;
  }
}

/** A change whose deltas are those of its records. */
export function changeOf<R>(records: readonly RecordChange[], result: R, reason: AuditReason): Change<R> {
  const deltas: Delta[] = [];
  for (const record of records) {
    const delta = deltaOf(record);
    if (delta !== undefined) deltas.push(delta);
  }
  return { records, deltas, result, reason };
}

/** A change that writes nothing (a read, or a write that changes nothing). */
export function noChange<R>(result: R, reason: AuditReason): Change<R> {
  return { records: [], deltas: [], result, reason };
}
