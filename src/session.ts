// store.as(): one method per operation. Each copies its input at the call,
// asks the pure core for the answer or the Change, has the engine write it
// (one batch, then the state applies it), and emits exactly one audit event,
// allowed or refused. No decision is made here: the core's decide() makes them all.

import { allowedEvent, refusedEvent, type AuditAction, type EventBase } from './audit.js';
import type { StoreEngine } from './engine.js';
import type { Action } from './core/actions.js';
import { refOf, type ApprovalListQuery, type ApprovalRequestBody, type ApprovalView, type DecisionOptions, type PrincipalRef } from './core/approvals.js';
import type { AuditReason, Change } from './core/change.js';
import { CONDITION_CAPS, parseClientAddress, type ClientAddress } from './core/conditions/index.js';
import { decide, type Caller, type Question } from './core/decide.js';
import type { Decision } from './core/decision.js';
import { closed, CofferError, corrupt, internalError, invalid, storageFailure } from './core/errors.js';
import { DEFAULT_STRING_CAP, readInput } from './core/input.js';
import type { CreateBody, ItemView, PatchBody, PatchOptions } from './core/item.js';
import type { PolicyListQuery } from './core/listing.js';
import { principalAclBits } from './core/acl.js';
import { operationOfAction } from './core/actions.js';
import { deleteAccess, getAccess, putAccess } from './core/ops/acl.js';
import { decideApproval, getApproval, listApprovals, requestApproval } from './core/ops/approvals.js';
import { createItem, deleteItem, getItem, patchItem } from './core/ops/items.js';
import { createPolicy, deletePolicy, getPolicy, listPolicies, updatePolicy, type PolicyList } from './core/ops/policies.js';
import { parsePath } from './core/paths.js';
import type { PolicyBody, PolicyPatch, PolicySummary, PolicyView } from './core/policy.js';
import { parsePrincipal } from './core/principal.js';
import { parseResource } from './core/resources.js';
import { memberKeysOf, type DecisionFacts, type MemberNumbers } from './core/state/grants.js';
import type { State } from './core/state/state.js';
import type { AclEntity, AclEntry, Principal } from './core/types.js';
import { checkPath, plainCanonical } from './core/paths.js';
import { isPlainObject } from './core/validate.js';
import { openValue, valueKey } from './records.js';
import { tokenCodec } from './tokens.js';

/** Where a call comes from. */
export interface SessionContext {
  /** The client's IP address, as the host saw it (for IP conditions). */
  readonly ip?: string;
}

/** The policy-admin operations of a session. */
export interface PolicyOperations {
  /** Creates a policy (authz.policy.create on its resource); returns it with the condition as an object. */
  create(body: PolicyBody): Promise<PolicyView>;
  /** A policy by id (authz.policy.read); `conditionJson: true` gives the condition as an object, else as a JSON string. */
  get(id: string, options?: { conditionJson?: boolean }): Promise<PolicyView>;
  /** Changes the fields present (authz.policy.update on the old and, when it changes, the new resource). */
  update(id: string, patch: PolicyPatch): Promise<PolicyView>;
  /** Deletes a policy (authz.policy.delete). */
  delete(id: string): Promise<void>;
  /** One page of policies in listing order (authz.policy.list on `resource`, or `*`). */
  list(query?: PolicyListQuery): Promise<PolicyList>;
  /** Every policy the query lists, page after page (each page is one audited `policies.list`). */
  listAll(query?: Omit<PolicyListQuery, 'pageToken'>): AsyncIterable<PolicySummary>;
}

/**
 * What a principal may do, through `store.as(principal, { ip })`. Every
 * method returns a promise, emits one audit event (but `can`), and rejects
 * with a CofferError.
 */
export interface Session {
  /** The policy-admin operations. */
  readonly policies: PolicyOperations;
  /** A directory with the children the caller may see (list right), or a secret with its value (read right). */
  get(path: string): Promise<ItemView>;
  /** Creates a directory or a secret in an existing directory (create right on the path); returns it without its value. */
  create(path: string, body: CreateBody): Promise<ItemView>;
  /** Changes a secret's value and description, or a directory's description (update right); `ifVersion` guards against lost updates. */
  patch(path: string, body: PatchBody, options?: PatchOptions): Promise<ItemView>;
  /** Deletes a secret, or an empty directory (delete right). */
  delete(path: string): Promise<void>;
  /** An item's ACL (admins only). */
  getAccess(path: string): Promise<AclEntry[]>;
  /** Creates or replaces one entity's entry (admins only); resolves to the ACL after the change. */
  putAccess(path: string, entry: AclEntry): Promise<AclEntry[]>;
  /** Removes one entity's entry (admins only); resolves to the ACL after the change. */
  deleteAccess(path: string, entity: AclEntity): Promise<AclEntry[]>;
  /** The decision for an action on a resource, as an operation would make it. Not audited. */
  can(action: Action, resource: string): Promise<Decision>;
  /** Asks for an approval under an Allow policy with an approval block; returns the pending request. */
  requestApproval(body: ApprovalRequestBody): Promise<ApprovalView>;
  /** Approves a pending request (an approver of its policy, or an admin). */
  approve(id: string, options?: DecisionOptions): Promise<ApprovalView>;
  /** Rejects a pending request (an approver of its policy, or an admin). */
  reject(id: string, options?: DecisionOptions): Promise<ApprovalView>;
  /** Withdraws one's own pending request. */
  withdraw(id: string): Promise<ApprovalView>;
  /** Ends an approved request (an approver of its policy, or an admin). */
  revoke(id: string, options?: DecisionOptions): Promise<ApprovalView>;
  /** A request, for its requester, an approver of it, or an admin. */
  getApproval(id: string): Promise<ApprovalView>;
  /** Requests newest first: one's own, those one may decide, or (admins) all. */
  listApprovals(query?: ApprovalListQuery): Promise<ApprovalView[]>;
}

/** Policy bodies: the condition (as a JSON string) and its IP list may be longer than other strings. */
const POLICY_LONG_STRINGS = { '/condition': CONDITION_CAPS.json, '/condition/ipAddress': CONDITION_CAPS.ipAddress } as const;

/** A value read racing many writes catches up at most this many times. */
const MAX_CATCH_UPS = 1000;

function parseContext(context: unknown): { ip: string | null } {
  if (context === undefined || context === null) return { ip: null };
  if (!isPlainObject(context)) throw invalid('/context', 'must be an object such as `{ ip }`');
  const ip = context.ip;
  if (ip !== undefined && ip !== null && typeof ip !== 'string') throw invalid('/context/ip', 'must be a string');
  if (typeof ip === 'string' && ip.length > DEFAULT_STRING_CAP) throw invalid('/context/ip', `is longer than ${DEFAULT_STRING_CAP} characters`);
  return { ip: typeof ip === 'string' ? ip : null };
}

/** An argument as an audit event shows it: a string, at most 4,096 characters of it (refused input can be far longer). */
function shownTarget(value: unknown): string {
  if (typeof value !== 'string') return '';
  return value.length <= DEFAULT_STRING_CAP ? value : `${value.slice(0, DEFAULT_STRING_CAP)}…`;
}

/** The audit target of a path argument: its canonical form when it parses. */
function pathTarget(path: unknown): string {
  const plain = plainCanonical(path);
  if (plain !== undefined) return plain;
  const checked = checkPath(path);
  return 'path' in checked ? checked.path.path : shownTarget(path);
}

interface Outcome<T> {
  readonly result: T;
  readonly reason: AuditReason;
  readonly target?: string;
}

function outcomeOf<T>(change: Change<T>): Outcome<T> {
  return { result: change.result, reason: change.reason };
}

export class CofferSession implements Session {
  /** The principal, as parsed (id, kind, groups, admin). */
  readonly principal: Principal;
  readonly policies: PolicyOperations;
  readonly #engine: StoreEngine;
  readonly #ip: string | null;
  readonly #client: ClientAddress | null;
  readonly #memberKeys: readonly string[];
  readonly #aclBits: number;
  readonly #requester: PrincipalRef;
  /** The principal's member numbers in the grants index, kept while the index is unchanged. */
  #members: MemberNumbers | undefined;
  #readCaller: Caller | undefined;
  #readCallerState: State | undefined;

  constructor(engine: StoreEngine, principal: unknown, context: unknown) {
    this.#engine = engine;
    // Inputs are read through own-data copies: nothing inherited is ever taken as given.
    this.principal = parsePrincipal(readInput(principal, '/principal'));
    this.#ip = parseContext(readInput(context, '/context')).ip;
    // Parsed once per session, never per decision.
    this.#client = parseClientAddress(this.#ip);
    this.#memberKeys = Object.freeze(memberKeysOf(this.principal));
    this.#aclBits = principalAclBits(this.principal);
    this.#requester = refOf(this.principal);
    const tokens = tokenCodec(engine.keys);
    const policyContext = (now: number) => ({ now, newId: engine.options.newId });
    this.policies = {
      create: (body) =>
        this.#audited('policies.create', '', async () => {
          const input = readInput(body, '', POLICY_LONG_STRINGS);
          const change = await engine.write((state, now) => createPolicy(state, this.#caller(state, now), input, policyContext(now)));
          return { ...outcomeOf(change), target: change.result.id };
        }),
      get: (id, options) => this.#audited('policies.get', shownTarget(id), async () => {
        const input = readInput(options, '/options');
        const state = await this.#state();
        return outcomeOf(getPolicy(state, this.#caller(state), id, input));
      }),
      update: (id, patch) =>
        this.#audited('policies.update', shownTarget(id), async () => {
          const input = readInput(patch, '', POLICY_LONG_STRINGS);
          return outcomeOf(await engine.write((state, now) => updatePolicy(state, this.#caller(state, now), id, input, policyContext(now))));
        }),
      delete: (id) => this.#audited('policies.delete', shownTarget(id), async () => outcomeOf(await engine.write((state, now) => deletePolicy(state, this.#caller(state, now), id, { now })))),
      list: (query) =>
        this.#audited('policies.list', query?.resource === undefined ? '*' : shownTarget(query.resource), async () => {
          const input = readInput(query);
          const state = await this.#state();
          return outcomeOf(listPolicies(state, this.#caller(state), input, tokens));
        }),
      listAll: (query) => this.#listAll(query),
    };
  }

  /** What a log may show of a session: who, and from where. */
  toJSON(): { principal: { id: string; kind: Principal['kind'] }; ip: string | null } {
    return { principal: { id: this.principal.id, kind: this.principal.kind }, ip: this.#ip };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Session { principal: ${this.principal.id}${this.principal.kind === 'user' ? '' : ` (${this.principal.kind})`}, ip: ${this.#ip ?? 'none'} }`;
  }

  async *#listAll(query: Omit<PolicyListQuery, 'pageToken'> | undefined): AsyncGenerator<PolicySummary> {
    let pageToken: string | undefined;
    do {
      const page = await this.policies.list({ ...(query ?? {}), ...(pageToken === undefined ? {} : { pageToken }) });
      yield* page.result;
      pageToken = page.pagination.next === '' ? undefined : page.pagination.next;
    } while (pageToken !== undefined);
  }

  /** The state to read, once any rebuild is over. */
  async #state(): Promise<State> {
    const ready = this.#engine.ready;
    if (ready !== undefined) await ready;
    return this.#engine.state();
  }

  /**
   * The caller of one operation on `state`, at `now` — or, for a read, at the
   * clock's time when a decision first needs it (only a policy with a
   * condition or an approval block does). A read's caller is kept while the
   * index and the state are the same: a decision then allocates no caller.
   */
  #caller(state: State, now?: number): Caller {
    const members = state.grants.membersOf(this.#memberKeys, this.#members);
    if (now === undefined && members === this.#members && this.#readCaller !== undefined && this.#readCallerState === state) return this.#readCaller;
    this.#members = members;
    const caller: Caller = {
      principal: this.principal,
      members,
      aclBits: this.#aclBits,
      facts: now === undefined ? () => this.#factsAt(state, this.#engine.now()) : this.#factsAt(state, now),
    };
    if (now === undefined) {
      this.#readCaller = caller;
      this.#readCallerState = state;
    }
    return caller;
  }

  #factsAt(state: State, now: number): DecisionFacts {
    const requester = this.#requester;
    return {
      now,
      client: this.#client,
      hasLiveApproval: (policyId, itemId) => itemId !== undefined && state.approvals.hasLiveGrant(requester, policyId, itemId, now),
    };
  }

  // Runs one operation and emits its audit event. `run` starts synchronously,
  // at the call, so it copies its input before anything else can change it.
  async #audited<T>(action: AuditAction, target: string, run: () => Promise<Outcome<T>>): Promise<T> {
    const base = (shown: string): EventBase => ({
      time: new Date(this.#engine.now()).toISOString(),
      principal: { id: this.principal.id, kind: this.principal.kind },
      ip: this.#ip,
      action,
      target: shown,
    });
    try {
      this.#engine.enter(); // CLOSED once close() began; close() lets an entered operation finish
    } catch (error) {
      this.#engine.audit(refusedEvent(base(target), error as CofferError));
      throw error;
    }
    try {
      let outcome: Outcome<T>;
      try {
        outcome = await run();
      } catch (thrown) {
        // Anything but a CofferError is a bug of ours: INTERNAL, with the original as its cause.
        const error = thrown instanceof CofferError ? thrown : internalError(thrown);
        this.#engine.audit(refusedEvent(base(target), error));
        throw error;
      }
      this.#engine.audit(allowedEvent(base(outcome.target ?? target), outcome.reason));
      return outcome.result;
    } finally {
      this.#engine.leave();
    }
  }

  get(path: string): Promise<ItemView> {
    return this.#audited<ItemView>('get', pathTarget(path), async () => {
      // A read decides on the state as it is, then reads the value of the
      // version it decided on. A write may drop that version meanwhile (two
      // patches, a delete): then it catches up with the newest state and
      // decides again — it never reports a value it cannot find as CORRUPT.
      for (let catchUps = 0; catchUps < MAX_CATCH_UPS; catchUps++) {
        const state = await this.#state();
        const { node, view, decision } = getItem(state, this.#caller(state), path);
        if (view.type === 'directory') return { result: view, reason: decision.reason };
        const sealed = await this.#engine.read(valueKey(node.id, node.version));
        if (sealed !== undefined) {
          const value = openValue(this.#engine.keys, node.id, node.version, sealed);
          if (value === undefined) throw corrupt(`The value of \`${node.path}\` fails authentication (edited, truncated or moved)`);
          view.value = value;
          return { result: view, reason: decision.reason };
        }
        const now = this.#engine.state().items.withId(node.id);
        if (now !== undefined && now.version === node.version) throw corrupt(`The value of \`${node.path}\` is missing`);
      }
      throw storageFailure(`The value kept changing while it was read (${MAX_CATCH_UPS} writes); try again`);
    });
  }

  create(path: string, body: CreateBody): Promise<ItemView> {
    return this.#audited('create', pathTarget(path), async () => {
      const { options } = this.#engine;
      const input = readInput(body, '', { '/value': options.maxSecretBytes });
      const context = (now: number) => ({ now, newId: options.newId, maxSecretBytes: options.maxSecretBytes });
      return outcomeOf(await this.#engine.write((state, now) => createItem(state, this.#caller(state, now), path, input, context(now))));
    });
  }

  patch(path: string, body: PatchBody, options?: PatchOptions): Promise<ItemView> {
    return this.#audited('patch', pathTarget(path), async () => {
      const { maxSecretBytes, newId } = this.#engine.options;
      const input = readInput(body, '', { '/value': maxSecretBytes });
      const given = readInput(options, '/options');
      return outcomeOf(await this.#engine.write((state, now) => patchItem(state, this.#caller(state, now), path, input, given, { now, newId, maxSecretBytes })));
    });
  }

  delete(path: string): Promise<void> {
    return this.#audited('delete', pathTarget(path), async () => outcomeOf(await this.#engine.write((state, now) => deleteItem(state, this.#caller(state, now), path, { now }))));
  }

  getAccess(path: string): Promise<AclEntry[]> {
    return this.#audited('getAccess', pathTarget(path), async () => {
      const state = await this.#state();
      return outcomeOf(getAccess(state, this.#caller(state), path));
    });
  }

  putAccess(path: string, entry: AclEntry): Promise<AclEntry[]> {
    return this.#audited('putAccess', pathTarget(path), async () => {
      const input = readInput(entry);
      return outcomeOf(await this.#engine.write((state, now) => putAccess(state, this.#caller(state, now), path, input)));
    });
  }

  deleteAccess(path: string, entity: AclEntity): Promise<AclEntry[]> {
    return this.#audited('deleteAccess', pathTarget(path), async () => {
      const input = readInput(entity, '/entity');
      return outcomeOf(await this.#engine.write((state, now) => deleteAccess(state, this.#caller(state, now), path, input)));
    });
  }

  // ---------------------------------------------------------------- approvals

  requestApproval(body: ApprovalRequestBody): Promise<ApprovalView> {
    const target = pathTarget(isPlainObject(body) ? body.path : undefined);
    return this.#audited('requestApproval', target, async () => {
      const input = readInput(body);
      const { newId } = this.#engine.options;
      const change = await this.#engine.write((state, now) => requestApproval(state, this.#caller(state, now), input, { now, newId }));
      const { view, medium, isNew } = change.result;
      if (isNew && medium !== undefined) {
        const failure = await this.#engine.notify(view, medium);
        if (failure !== undefined) {
          // Its own event: the request stands.
          this.#engine.audit({
            time: new Date(this.#engine.now()).toISOString(),
            principal: { id: this.principal.id, kind: this.principal.kind },
            ip: this.#ip,
            action: 'notify',
            target: view.id,
            outcome: 'refused',
            reason: 'notify_failed',
          });
        }
      }
      return { result: view, reason: change.reason, target: view.id };
    });
  }

  approve(id: string, options?: DecisionOptions): Promise<ApprovalView> {
    return this.#decideRequest('approve', id, options);
  }

  reject(id: string, options?: DecisionOptions): Promise<ApprovalView> {
    return this.#decideRequest('reject', id, options);
  }

  withdraw(id: string): Promise<ApprovalView> {
    return this.#decideRequest('withdraw', id, undefined);
  }

  revoke(id: string, options?: DecisionOptions): Promise<ApprovalView> {
    return this.#decideRequest('revoke', id, options);
  }

  #decideRequest(verb: 'approve' | 'reject' | 'withdraw' | 'revoke', id: unknown, options: unknown): Promise<ApprovalView> {
    return this.#audited(verb, shownTarget(id), async () => {
      const input = readInput(options);
      return outcomeOf(await this.#engine.write((state, now) => decideApproval(state, this.#caller(state, now), verb, id, input, now)));
    });
  }

  getApproval(id: string): Promise<ApprovalView> {
    return this.#audited('getApproval', shownTarget(id), async () => {
      const state = await this.#state();
      return outcomeOf(getApproval(state, this.#caller(state), id, this.#engine.now()));
    });
  }

  listApprovals(query?: ApprovalListQuery): Promise<ApprovalView[]> {
    return this.#audited('listApprovals', '', async () => {
      const input = readInput(query);
      const state = await this.#state();
      return outcomeOf(listApprovals(state, this.#caller(state), input, this.#engine.now()));
    });
  }

  // ---------------------------------------------------------------- can

  /** The decision for `action` on `resource`; no audit event. O(member keys × depth) lookups. */
  async can(action: Action, resource: string): Promise<Decision> {
    // While the state is rebuilt (after a bug), wait for it like any operation.
    if (this.#engine.ready !== undefined) return this.#canOnceReady(action, resource);
    // Synchronous from here: close() cannot come in between, so no enter/leave is needed.
    if (this.#engine.isClosing) throw closed();
    try {
      const state = this.#engine.state();
      return decide(state, this.#caller(state), questionOf(action, resource)).decision;
    } catch (error) {
      throw error instanceof CofferError ? error : internalError(error);
    }
  }

  async #canOnceReady(action: Action, resource: string): Promise<Decision> {
    this.#engine.enter(); // CLOSED once close() began
    try {
      await this.#state();
      const state = this.#engine.state();
      return decide(state, this.#caller(state), questionOf(action, resource)).decision;
    } catch (error) {
      throw error instanceof CofferError ? error : internalError(error);
    } finally {
      this.#engine.leave();
    }
  }
}

/**
 * What can(action, resource) asks: an item action decides the first
 * operation the action table lists with it (`sm.node.create` on X: creating
 * X); `authz.policy.*` a policy resource; any other action a `*` resource only.
 */
function questionOf(action: unknown, resource: unknown): Question {
  if (typeof action !== 'string' || action === '') throw invalid('/action', 'must be a non-empty string');
  if (action.length > DEFAULT_STRING_CAP) throw invalid('/action', `is longer than ${DEFAULT_STRING_CAP} characters`);
  const operation = operationOfAction(action);
  if (operation !== undefined) return { kind: 'item', operation, path: plainCanonical(resource) ?? parsePath(resource, '/resource').path };
  if (action.startsWith('authz.policy.')) return { kind: 'policy', action, resource: parseResource(resource) };
  if (typeof resource !== 'string' || resource === '') throw invalid('/resource', 'must be a non-empty string');
  if (resource.length > DEFAULT_STRING_CAP) throw invalid('/resource', `is longer than ${DEFAULT_STRING_CAP} characters`);
  return { kind: 'global', action };
}
