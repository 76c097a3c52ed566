// store.as(): one method per SPEC operation. Each one parses its input, asks
// the pure core for the change or the answer, writes one batch through the
// store's queue, and emits exactly one audit event, allowed or refused.

import { refusedEvent, allowedEvent, type AuditEvent } from './audit.js';
import { openValue, valueKey } from './codec.js';
import type { StoreKeys } from './crypto.js';
import { OPERATION_RULES, operationOfAction, type ItemOperation } from './core/actions.js';
import { parseClientAddress, type ClientAddress } from './core/conditions/index.js';
import { decideDetailed, type Decision } from './core/decision.js';
import { CofferError, corrupt, internalError, invalid, validationError } from './core/errors.js';
import {
  authorize,
  createItem,
  decideOperation,
  itemView,
  deleteAccess,
  deleteItem,
  getAccess,
  getItem,
  nodesToward,
  patchItem,
  putAccess,
  type Change,
  type ItemView,
} from './core/items.js';
import type { PagePosition, TokenCodec } from './core/listing.js';
import { checkPath, parsePath, plainCanonical, type ParsedPath } from './core/paths.js';
import { MemberSet, type DecisionFacts } from './core/policy-index.js';
import { createPolicy, decidePolicyAction, deletePolicy, getPolicy, listPolicies, updatePolicy, type PolicyCaller, type PolicyChange, type PolicyList } from './core/policy-ops.js';
import type { PolicyView } from './core/policy.js';
import { parsePrincipal } from './core/principal.js';
import { parseResource } from './core/resources.js';
import type { AclEntry, ItemNode, Principal } from './core/types.js';
import { isPlainObject } from './core/validate.js';
import { DEFAULT_STRING_CAP, readInput } from './core/input.js';
import { CONDITION_CAPS } from './core/conditions/index.js';
import type { StoreEngine, StoreState, Write } from './store.js';
import { approvalDeltas, decideApproval, getApproval, listApprovals, requestApproval, requestsEndedByItem, requestsEndedByPolicy, type ApprovalChange } from './core/approval-ops.js';
import { refOf, type ApprovalStatus, type ApprovalView } from './core/approvals.js';

/** Policy bodies: the condition (as a JSON string) and its IP list may be longer than other strings. */
const POLICY_LONG_STRINGS = { '/condition': CONDITION_CAPS.json, '/condition/ipAddress': CONDITION_CAPS.ipAddress } as const;

export interface SessionContext {
  /** The client's IP address, as the host saw it. */
  readonly ip?: string;
}

export interface PolicyOperations {
  create(body: unknown): Promise<PolicyView>;
  get(id: string, options?: { conditionJson?: boolean }): Promise<PolicyView>;
  update(id: string, patch: unknown): Promise<PolicyView>;
  delete(id: string): Promise<void>;
  list(query?: { resource?: string; filter?: string; pageToken?: string; pageSize?: number }): Promise<PolicyList>;
}

export interface Session {
  readonly policies: PolicyOperations;
  get(path: string): Promise<ItemView>;
  create(path: string, body: { type: 'directory' | 'secret'; value?: string; description?: string }): Promise<ItemView>;
  patch(path: string, body: { value?: string; description?: string | null }, options?: { ifVersion?: number }): Promise<ItemView>;
  delete(path: string): Promise<void>;
  getAccess(path: string): Promise<AclEntry[]>;
  putAccess(path: string, entry: AclEntry): Promise<AclEntry[]>;
  deleteAccess(path: string, entity: AclEntry['entity']): Promise<AclEntry[]>;
  can(action: string, resource: string): Promise<Decision>;
  requestApproval(body: { path: string; action?: string; justification: string }): Promise<ApprovalView>;
  approve(id: string, options?: { comment?: string }): Promise<ApprovalView>;
  reject(id: string, options?: { comment?: string }): Promise<ApprovalView>;
  withdraw(id: string): Promise<ApprovalView>;
  revoke(id: string, options?: { comment?: string }): Promise<ApprovalView>;
  getApproval(id: string): Promise<ApprovalView>;
  listApprovals(query?: { status?: ApprovalStatus; as?: 'requester' | 'approver' }): Promise<ApprovalView[]>;
}

function parseContext(context: unknown): { ip: string | null } {
  if (context === undefined || context === null) return { ip: null };
  if (!isPlainObject(context)) throw invalid('/context', 'must be an object such as `{ ip }`');
  const ip = context.ip;
  if (ip !== undefined && ip !== null && typeof ip !== 'string') throw invalid('/context/ip', 'must be a string');
  if (typeof ip === 'string' && ip.length > DEFAULT_STRING_CAP) throw invalid('/context/ip', `is longer than ${DEFAULT_STRING_CAP} characters`);
  return { ip: typeof ip === 'string' ? ip : null };
}

/** The audit target of a path argument: its canonical form when it parses. */
function pathTarget(path: unknown): string {
  const checked = checkPath(path);
  if ('path' in checked) return checked.path.path;
  return typeof path === 'string' ? path : '';
}

/**
 * An item change as a store write. A deleted item kills the policies bound to
 * it and ends the approval requests for it, in the same batch.
 */
function itemWrite<R>(state: StoreState, change: Change<R>, now: number): Write<R> {
  const deltas = change.records.flatMap((r) => (r.kind === 'deleteItem' ? [{ kind: 'itemDeleted' as const, itemId: r.node.id }] : []));
  const ended = deltas.flatMap((d) => requestsEndedByItem(state, d.itemId, now));
  return {
    root: change.state.root,
    records: [...change.records, ...ended.map((request) => ({ kind: 'putApproval' as const, request }))],
    deltas,
    approvalDeltas: approvalDeltas(ended),
    result: change.result,
    decision: change.decision,
  };
}

/** A policy change as a store write; an update that changes what it grants, or a deletion, ends its requests. */
function policyWrite<R>(state: StoreState, change: PolicyChange<R>, now: number): Write<R> {
  const put = change.records.find((r) => r.kind === 'putPolicy');
  const ended =
    change.before === undefined || change.records.length === 0 ? [] : requestsEndedByPolicy(state, change.before, put?.kind === 'putPolicy' ? put.policy : undefined, now);
  return {
    records: [...change.records, ...ended.map((request) => ({ kind: 'putApproval' as const, request }))],
    deltas: change.deltas,
    approvalDeltas: approvalDeltas(ended),
    result: change.result,
    decision: change.decision,
  };
}

function approvalWrite<R>(change: ApprovalChange<R>): Write<R> {
  return {
    records: change.requests.map((request) => ({ kind: 'putApproval' as const, request })),
    deltas: [],
    approvalDeltas: approvalDeltas(change.requests),
    result: change.result,
    decision: change.decision,
  };
}

/** Page tokens: a position, signed with a key derived from the store key (tamper-evident). */
function tokenCodec(keys: StoreKeys): TokenCodec {
  return {
    encode(position) {
      const body = Buffer.from(JSON.stringify([position.direction === 'next' ? 'n' : 'p', position.sortKey, position.id])).toString('base64url');
      return `${body}.${keys.sign(body)}`;
    },
    decode(token) {
      const [body, signature, extra] = token.split('.');
      if (body === undefined || signature === undefined || extra !== undefined || !keys.verify(body, signature)) return undefined;
      try {
        const [d, sortKey, id] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown[];
        if ((d !== 'n' && d !== 'p') || typeof sortKey !== 'string' || typeof id !== 'string') return undefined;
        return { direction: d === 'n' ? 'next' : 'prev', sortKey, id } satisfies PagePosition;
      } catch {
        return undefined;
      }
    },
  };
}

export class CofferSession implements Session {
  readonly principal: Principal;
  readonly policies: PolicyOperations;
  readonly #store: StoreEngine;
  readonly #ip: string | null;
  readonly #client: ClientAddress | null;
  readonly #members: MemberSet;
  readonly #requester: { readonly id: string; readonly kind: Principal['kind'] };
  #lastFacts: DecisionFacts | undefined;

  constructor(store: StoreEngine, principal: unknown, context: unknown) {
    this.#store = store;
    // Inputs are read through own-data copies: nothing inherited is ever taken as given.
    this.principal = parsePrincipal(readInput(principal, '/principal'));
    this.#ip = parseContext(readInput(context, '/context')).ip;
    // Parsed once per session, never per decision.
    this.#client = parseClientAddress(this.#ip);
    this.#members = new MemberSet(this.principal);
    this.#requester = refOf(this.principal);
    const tokens = tokenCodec(store.keys);
    this.policies = {
      create: (body) =>
        this.audited('policies.create', '', async () => {
          const { newId } = this.#store.options;
          const write = await this.#store.write((state, now) =>
            policyWrite(state, createPolicy(state, this.callerAt(now), readInput(body, '', POLICY_LONG_STRINGS), { policyId: newId(), permissionIds: [newId(), newId(), newId()] }), now),
          );
          return { ...write, target: write.result.id };
        }),
      get: (id, options) => this.audited('policies.get', String(id), async () => getPolicy(this.#store.state(), this.callerAt(this.#store.now()), id, readInput(options, '/options'))),
      update: (id, patch) =>
        this.audited('policies.update', String(id), async () => this.#store.write((state, now) => policyWrite(state, updatePolicy(state, this.callerAt(now), id, readInput(patch, '', POLICY_LONG_STRINGS)), now))),
      delete: (id) =>
        this.audited('policies.delete', String(id), async () => this.#store.write((state, now) => policyWrite(state, deletePolicy(state, this.callerAt(now), id), now))),
      list: (query) =>
        this.audited('policies.list', typeof query?.resource === 'string' ? query.resource : '*', async () =>
          listPolicies(this.#store.state(), this.callerAt(this.#store.now()), readInput(query), tokens),
        ),
    };
  }

  /** What a log may show of a session: who, and from where. */
  toJSON(): { principal: { id: string; kind: Principal['kind'] }; ip: string | null } {
    return { principal: { id: this.principal.id, kind: this.principal.kind }, ip: this.#ip };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Session { principal: ${this.principal.id}${this.principal.kind === 'user' ? '' : ` (${this.principal.kind})`}, ip: ${this.#ip ?? 'none'} }`;
  }

  /** What a decision at `now` needs besides the principal: the time, the client address, live approvals. */
  private factsAt(now: number): DecisionFacts {
    // Reused within one millisecond: nothing in it but the time can differ (the approval index is one object).
    if (this.#lastFacts?.now === now) return this.#lastFacts;
    const approvals = this.#store.state().approvals;
    const requester = this.#requester;
    this.#lastFacts = {
      now,
      client: this.#client,
      hasLiveApproval: (policy, itemId) => itemId !== undefined && approvals.hasLiveGrant(requester, policy.id, itemId, now),
    };
    return this.#lastFacts;
  }

  private callerAt(now: number): PolicyCaller {
    const state = this.#store.state();
    const facts = this.factsAt(now);
    const index = state.policies;
    const members = this.#members;
    return {
      principal: this.principal,
      members,
      facts,
      policiesFor: (action: string, path: ParsedPath, nodes: readonly ItemNode[]) => {
        const depth = path.segments.length;
        const target = nodes.length === depth + 1 ? nodes[depth] : undefined;
        // An approval for a create is given on the directory it creates in (SPEC §9).
        const approvalItemId = action === 'sm.node.create' ? (nodes.length >= depth ? nodes[depth - 1]?.id : undefined) : target?.id;
        return index.itemEvaluator(members, action, (target ?? nodes[nodes.length - 1]!).ordinal, target !== undefined, approvalItemId, facts);
      },
    };
  }

  // Runs one operation and emits its audit event.
  private async audited<T>(action: string, target: string, run: () => Promise<{ result: T; decision: Decision | string; target?: string }>): Promise<T> {
    const base = (shown: string): Omit<AuditEvent, 'outcome' | 'reason' | 'code'> => ({
      time: new Date(this.#store.now()).toISOString(),
      principal: { id: this.principal.id, kind: this.principal.kind },
      ip: this.#ip,
      action,
      target: shown,
    });
    // Entered synchronously, at the call: close() lets this operation finish.
    try {
      this.#store.enter();
    } catch (error) {
      this.#store.audit(refusedEvent(base(target), error));
      throw error;
    }
    try {
      let outcome: { result: T; decision: Decision | string; target?: string };
      try {
        outcome = await run();
      } catch (thrown) {
        // Anything but a CofferError is a bug of ours: INTERNAL, with the original as its cause.
        const error = thrown instanceof CofferError ? thrown : internalError(thrown);
        this.#store.audit(refusedEvent(base(target), error));
        throw error;
      }
      this.#store.audit(allowedEvent(base(outcome.target ?? target), outcome.decision));
      return outcome.result;
    } finally {
      this.#store.leave();
    }
  }

  get(path: string): Promise<ItemView> {
    const canonical = plainCanonical(path);
    return this.audited('get', canonical ?? pathTarget(path), async () => {
      // A concurrent patch may replace the value between reading the state and
      // the value record; then the value seals a newer version: read again.
      for (let attempt = 0; ; attempt++) {
        const state = this.#store.state();
        // An existing secret at a plain path: one lookup, the same decision (§8) as the walk.
        const known = canonical === undefined ? undefined : this.#store.itemAt(canonical);
        let node: ItemNode;
        let view: ItemView;
        let decision: Decision;
        if (known?.type === 'secret') {
          node = known;
          decision = this.decideOn(known.ordinal, 'read', known);
          authorize(decision, 'read', canonical!);
          view = itemView(known, canonical!);
        } else {
          const caller = this.callerAt(this.#store.now());
          ({ node, view, decision } = getItem(state, caller, path, (_, _parent, child) => state.policies.leadsToGrant(this.#members, child, caller.facts)));
          if (node.type === 'directory') return { result: view, decision };
        }
        const sealed = await this.#store.read(valueKey(node.id));
        const value = sealed === undefined ? undefined : openValue(this.#store.keys, node.id, node.version, sealed);
        if (value !== undefined) {
          view.value = value; // the view is a fresh object: no spread (a spread plus a field can cost a hidden class per object)
          return { result: view, decision };
        }
        if (this.#store.state().root === state.root || attempt >= 3) throw corrupt(`The value of \`${view.path}\` is missing or fails authentication`);
      }
    });
  }

  create(path: string, body: unknown): Promise<ItemView> {
    return this.audited('create', pathTarget(path), async () => {
      const { options } = this.#store;
      return this.#store.write((state, now) =>
        itemWrite(state, createItem(state, this.callerAt(now), { path, body: readInput(body, '', { '/value': options.maxSecretBytes }), maxSecretBytes: options.maxSecretBytes, now, newId: options.newId(), newOrdinal: () => this.#store.newOrdinal() }), now),
      );
    });
  }

  patch(path: string, body: unknown, options?: unknown): Promise<ItemView> {
    return this.audited('patch', pathTarget(path), async () =>
      this.#store.write((state, now) =>
        itemWrite(state, patchItem(state, this.callerAt(now), { path, body: readInput(body, '', { '/value': this.#store.options.maxSecretBytes }), options: readInput(options, '/options'), maxSecretBytes: this.#store.options.maxSecretBytes, now }), now),
      ),
    );
  }

  delete(path: string): Promise<void> {
    return this.audited('delete', pathTarget(path), async () => this.#store.write((state, now) => itemWrite(state, deleteItem(state, this.callerAt(now), path), now)));
  }

  getAccess(path: string): Promise<AclEntry[]> {
    return this.audited('getAccess', pathTarget(path), async () => getAccess(this.#store.state(), this.callerAt(this.#store.now()), path));
  }

  putAccess(path: string, entry: unknown): Promise<AclEntry[]> {
    return this.audited('putAccess', pathTarget(path), async () => this.#store.write((state, now) => itemWrite(state, putAccess(state, this.callerAt(now), path, readInput(entry)), now)));
  }

  deleteAccess(path: string, entity: unknown): Promise<AclEntry[]> {
    return this.audited('deleteAccess', pathTarget(path), async () =>
      this.#store.write((state, now) => itemWrite(state, deleteAccess(state, this.callerAt(now), path, readInput(entity, '/entity')), now)),
    );
  }

  // ---------------------------------------------------------------- approvals (SPEC §9)

  requestApproval(body: unknown): Promise<ApprovalView> {
    const target = pathTarget(isPlainObject(body) ? body.path : undefined);
    return this.audited('requestApproval', target, async () => {
      const write = await this.#store.write((state, now) => approvalWrite(requestApproval(state, this.callerAt(now), readInput(body), { id: this.#store.options.newId(), now })));
      const { view, medium, isNew } = write.result;
      if (isNew && medium !== undefined) {
        const failure = await this.#store.notify(view, medium);
        if (failure !== undefined) {
          this.#store.audit({
            time: new Date(this.#store.now()).toISOString(),
            principal: { id: this.principal.id, kind: this.principal.kind },
            ip: this.#ip,
            action: 'notify',
            target: view.id,
            outcome: 'refused',
            reason: 'notify_failed',
          });
        }
      }
      return { result: view, decision: write.decision, target: view.id };
    });
  }

  approve(id: string, options?: unknown): Promise<ApprovalView> {
    return this.decideRequest('approve', id, options);
  }

  reject(id: string, options?: unknown): Promise<ApprovalView> {
    return this.decideRequest('reject', id, options);
  }

  withdraw(id: string): Promise<ApprovalView> {
    return this.decideRequest('withdraw', id, undefined);
  }

  revoke(id: string, options?: unknown): Promise<ApprovalView> {
    return this.decideRequest('revoke', id, options);
  }

  private decideRequest(verb: 'approve' | 'reject' | 'withdraw' | 'revoke', id: unknown, options: unknown): Promise<ApprovalView> {
    return this.audited(verb, String(id), async () => this.#store.write((state, now) => approvalWrite(decideApproval(state, this.callerAt(now), verb, id, readInput(options), now))));
  }

  getApproval(id: string): Promise<ApprovalView> {
    return this.audited('getApproval', String(id), async () => {
      const now = this.#store.now();
      return getApproval(this.#store.state(), this.callerAt(now), id, now);
    });
  }

  listApprovals(query?: unknown): Promise<ApprovalView[]> {
    return this.audited('listApprovals', '', async () => {
      const now = this.#store.now();
      return listApprovals(this.#store.state(), this.callerAt(now), readInput(query), now);
    });
  }

  /**
   * §8 for an operation on an existing item (not a create: its ACL is the
   * parent's), by ordinal. The item itself is read only when its ACL may name
   * the principal (step 3) or a policy asks for an approval (its id).
   */
  private decideOn(ordinal: number, operation: Exclude<ItemOperation, 'create'>, known?: ItemNode): Decision {
    const rule = OPERATION_RULES[operation];
    const index = this.#store.state().policies;
    // The clock and the facts are read only if a policy has a condition or an approval block.
    const facts = (): DecisionFacts => this.factsAt(this.#store.now());
    const node = known ?? (index.aclMayGrant(this.#members, ordinal) ? this.#store.nodeAt(ordinal) : undefined);
    return decideDetailed({
      principal: this.principal,
      acl: node?.acl, // undefined: no entry of the item's ACL can match the principal
      aclAccess: rule.aclAccess,
      policies: index.itemEvaluator(this.#members, rule.action, ordinal, true, () => (known ?? this.#store.nodeAt(ordinal))?.id, facts),
    }).decision;
  }

  /** SPEC §8: the decision for `action` on `resource`; no audit event. Cost: O(member keys × depth) lookups. */
  async can(action: string, resource: string): Promise<Decision> {
    this.#store.enter(); // CLOSED once close() began
    try {
      return this.decideNow(action, resource);
    } catch (error) {
      throw error instanceof CofferError ? error : internalError(error);
    } finally {
      this.#store.leave();
    }
  }

  private decideNow(action: string, resource: string): Decision {
    const state = this.#store.state();
    if (typeof action !== 'string' || action === '') throw invalid('/action', 'must be a non-empty string');
    if (action.length > DEFAULT_STRING_CAP) throw invalid('/action', `is longer than ${DEFAULT_STRING_CAP} characters`);
    const operation = operationOfAction(action);
    // The common case — an existing item at a plain path, not a create — in one
    // lookup: its ACL and ancestry are all the decision needs (same §8 steps).
    if (operation !== undefined && operation !== 'create') {
      const canonical = plainCanonical(resource);
      const ordinal = canonical === undefined ? undefined : this.#store.ordinalAt(canonical);
      if (ordinal !== undefined) return this.decideOn(ordinal, operation);
    }
    const caller = this.callerAt(this.#store.now());
    if (operation !== undefined) {
      const path = parsePath(resource, '/resource');
      return decideOperation(caller, operation, path, nodesToward(state.root, path)).decision;
    }
    if (action.startsWith('authz.policy.')) return decidePolicyAction(state, caller, action, parseResource(resource));
    if (typeof resource !== 'string' || resource === '') throw validationError([{ pointer: '/resource', message: 'must be a non-empty string' }]);
    if (resource.length > DEFAULT_STRING_CAP) throw invalid('/resource', `is longer than ${DEFAULT_STRING_CAP} characters`);
    // Actions §5 does not list: no ACL grants them, only a `*` resource matches.
    return decideDetailed({ principal: this.principal, acl: undefined, aclAccess: undefined, policies: state.policies.globalEvaluator(this.#members, action, caller.facts) }).decision;
  }
}
