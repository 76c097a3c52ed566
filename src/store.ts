// openStore (SPEC §12): checks the options, resolves the key, opens the
// adapter, checks the key, loads the state (tree and indexes) and hands out
// sessions. The store engine runs every write through one queue: compute the
// change from the published state, write it as one adapter batch, publish
// the new state only after the batch resolved — nothing to roll back.

import { randomUUID } from 'node:crypto';
import type { StorageAdapter } from './adapter.js';
import { deliver, type AuditEvent, type AuditSink } from './audit.js';
import { approvalText, decodeApproval, itemText, policyText, type AnyRecordChange, type ApprovalRecordChange, decodePolicy, encodeChanges, FORMAT_VERSION, ItemDecoder, KEYS, keyCheckOpens, keyCheckValue, openRecord, prefixRange, sealRecord } from './codec.js';
import { KEY_BYTES, randomKey, StoreKeys, type RecordDigest } from './crypto.js';
import { closed, CofferError, corrupt, storageFailure, validationError, wrongKey, type ErrorDetail } from './core/errors.js';
import { DEFAULT_MAX_SECRET_BYTES, type RecordChange } from './core/items.js';
import type { Decision } from './core/decision.js';
import { newPolicy, NO_MEMBERS, membersSchema, policyOf, type Members, type Policy } from './core/policy.js';
import { PolicyIndex, type PolicyDelta } from './core/policy-index.js';
import { placementNow, type PolicyRecordChange, type PolicyState } from './core/policy-ops.js';
import { ANY_RESOURCE } from './core/resources.js';
import { ApprovalIndex, approvalView, type ApprovalDelta, type ApprovalView } from './core/approvals.js';
import { detailsFromAjv, schemaValidator } from './core/validate.js';
import { checkPath, plainCanonical } from './core/paths.js';
import { findItem, freezeTree, newRoot } from './core/tree.js';
import { setChild } from './core/children.js';
import type { ItemNode } from './core/types.js';
import { isPlainObject } from './core/validate.js';
import { WriteQueue } from './write-queue.js';
import { CofferSession, type Session, type SessionContext } from './session.js';

export type KeyProvider = () => Promise<Uint8Array>;

export interface StoreOptions {
  readonly adapter: StorageAdapter;
  /** 32 bytes, or a provider; optional only on a non-persistent adapter. */
  readonly key?: Uint8Array | KeyProvider;
  /** Epoch milliseconds; default `Date.now`. Called unbound. */
  readonly clock?: () => number;
  readonly onAudit?: AuditSink;
  readonly maxSecretBytes?: number;
  /** Members of the built-in policies (SPEC §6.5); no caller can change them. */
  readonly builtinMembers?: BuiltinMembers;
  /** Called with each new approval request and its policy's notificationMedium (SPEC §9). */
  readonly notify?: Notifier;
  /** A source of new ids (default `crypto.randomUUID`), for hosts' snapshot tests. */
  readonly newId?: () => string;
}

export interface Store {
  /** A session acting as `principal`; throws VALIDATION for a malformed principal and CLOSED after close. */
  as(principal: unknown, context?: SessionContext): Session;
  /** Waits for queued writes, then releases the adapter; later calls → CLOSED. */
  close(): Promise<void>;
}

export type Notifier = (request: ApprovalView, medium: string | string[]) => void | Promise<void>;

export interface BuiltinMembers {
  readonly SMAdminPolicy?: Partial<Members>;
  readonly SMAuditorPolicy?: Partial<Members>;
}

/**
 * The in-memory state. The tree is immutable and replaced on publish; the
 * policy index is changed in place by `apply`, at publish, after the batch.
 */
export interface StoreState extends PolicyState {
  readonly approvals: ApprovalIndex;
}

/** What one write changes: the new tree (if any), the records to write, the index deltas. */
export interface Write<R> {
  readonly root?: ItemNode;
  readonly records: readonly (RecordChange | PolicyRecordChange | ApprovalRecordChange)[];
  readonly deltas: readonly PolicyDelta[];
  readonly approvalDeltas?: readonly ApprovalDelta[];
  readonly result: R;
  readonly decision: Decision | string;
}

const BUILTINS = [
  { name: 'SMAdminPolicy', description: 'Grants administrative access to "Secret Manager" module', accessLevel: 'SM_Manage' },
  { name: 'SMAuditorPolicy', description: 'Grants view access to "Secret Manager" module', accessLevel: 'SM_View' },
] as const;

const builtinMembersSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { SMAdminPolicy: membersSchema, SMAuditorPolicy: membersSchema },
} as const;

const ROOT_CREATOR = 'coffer';

// A memory adapter opened without a key gets a random one, kept per adapter so
// that a store closed and opened again on the same adapter can still read it.
const generatedKeys = new WeakMap<StorageAdapter, Uint8Array>();

/** Maps an adapter failure to STORAGE (or CORRUPT for LevelDB's corruption errors). */
export function adapterError(error: unknown, doing: string): CofferError {
  if (error instanceof CofferError) return error;
  const codes = new Set<string>();
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.add(code);
  }
  if (codes.has('LEVEL_CORRUPTION')) return corrupt(`The storage is corrupt (while ${doing})`, error);
  if (codes.has('LEVEL_LOCKED')) return storageFailure(`The store is in use: another process or store holds it open (while ${doing})`, error, 'locked');
  return storageFailure(`The storage failed while ${doing}`, error);
}

interface CheckedOptions {
  readonly adapter: StorageAdapter;
  readonly clock: () => number;
  readonly onAudit: AuditSink | undefined;
  readonly maxSecretBytes: number;
  readonly newId: () => string;
  readonly builtinMembers: { readonly SMAdminPolicy: Members; readonly SMAuditorPolicy: Members };
  readonly notify: Notifier | undefined;
}

function fullMembers(input: Partial<Members> | undefined): Members {
  return Object.freeze({
    users: input?.users ?? [],
    tags: input?.tags ?? [],
    tokens: input?.tokens ?? [],
    serviceIdentities: input?.serviceIdentities ?? [],
  });
}

function checkOptions(input: unknown): CheckedOptions {
  if (!isPlainObject(input)) throw validationError([{ pointer: '', message: 'options must be an object' }]);
  const problems: ErrorDetail[] = [];
  const adapter = input.adapter as StorageAdapter | undefined;
  const isAdapter =
    typeof adapter === 'object' &&
    adapter !== null &&
    ['open', 'close', 'get', 'batch', 'iterate'].every((m) => typeof (adapter as unknown as Record<string, unknown>)[m] === 'function');
  if (!isAdapter) problems.push({ pointer: '/adapter', message: 'must be a storage adapter (open, close, get, batch, iterate)' });
  const key = input.key;
  if (key !== undefined && typeof key !== 'function' && !(key instanceof Uint8Array)) problems.push({ pointer: '/key', message: 'must be a Uint8Array of 32 bytes or a key provider' });
  if (key instanceof Uint8Array && key.length !== KEY_BYTES) problems.push({ pointer: '/key', message: `must be ${KEY_BYTES} bytes, not ${key.length}` });
  if (key === undefined && isAdapter && adapter.persistent !== false) problems.push({ pointer: '/key', message: 'is required on a persistent adapter' });
  for (const name of ['clock', 'onAudit', 'notify', 'newId'] as const) {
    if (input[name] !== undefined && typeof input[name] !== 'function') problems.push({ pointer: `/${name}`, message: 'must be a function' });
  }
  const max = input.maxSecretBytes;
  if (max !== undefined && !(typeof max === 'number' && Number.isInteger(max) && max >= 1)) problems.push({ pointer: '/maxSecretBytes', message: 'must be a positive integer' });
  const builtin = input.builtinMembers;
  if (builtin !== undefined) {
    const validator = schemaValidator('builtin-members', builtinMembersSchema);
    if (!validator(builtin)) problems.push(...detailsFromAjv(validator.errors, '/builtinMembers'));
  }
  if (problems.length > 0) throw validationError(problems);
  const members = (builtin ?? {}) as BuiltinMembers;
  return {
    builtinMembers: { SMAdminPolicy: fullMembers(members.SMAdminPolicy), SMAuditorPolicy: fullMembers(members.SMAuditorPolicy) },
    adapter: adapter!,
    clock: (input.clock as (() => number) | undefined) ?? Date.now,
    onAudit: input.onAudit as AuditSink | undefined,
    notify: input.notify as Notifier | undefined,
    maxSecretBytes: (max as number | undefined) ?? DEFAULT_MAX_SECRET_BYTES,
    newId: (input.newId as (() => string) | undefined) ?? randomUUID,
  };
}

async function resolveKey(options: Record<string, unknown>, adapter: StorageAdapter): Promise<Uint8Array> {
  const key = options.key;
  if (key === undefined) {
    let generated = generatedKeys.get(adapter);
    if (generated === undefined) {
      generated = randomKey();
      generatedKeys.set(adapter, generated);
    }
    return generated;
  }
  if (key instanceof Uint8Array) return key;
  let provided: unknown;
  try {
    provided = await (key as KeyProvider)();
  } catch (cause) {
    throw new CofferError('VALIDATION', 'The key provider failed', { details: [{ pointer: '/key', message: 'the key provider threw' }], cause });
  }
  if (!(provided instanceof Uint8Array) || provided.length !== KEY_BYTES) {
    throw validationError([{ pointer: '/key', message: `the key provider must return ${KEY_BYTES} bytes` }]);
  }
  return provided;
}

/** Opens a store on `options.adapter` (SPEC §12). */
export async function openStore(options: StoreOptions): Promise<Store> {
  const checked = checkOptions(options);
  const masterKey = await resolveKey(options as unknown as Record<string, unknown>, checked.adapter);
  const keys = new StoreKeys(masterKey);
  const { adapter } = checked;
  try {
    await adapter.open();
  } catch (error) {
    throw adapterError(error, 'opening');
  }
  try {
    const loaded = await loadOrCreate(adapter, keys, checked);
    return new StoreEngine(adapter, keys, checked, loaded.state, loaded.revision, loaded.digest, loaded.ordinals, loaded.nodes);
  } catch (error) {
    // Release what was opened (LevelDB's lock) so the right key can open it next.
    await adapter.close().catch(() => undefined);
    throw adapterError(error, 'loading');
  }
}

interface Loaded {
  readonly state: StoreState;
  /** Every item's ordinal by canonical path, and every item by ordinal (see StoreEngine.itemAt). */
  readonly ordinals: Map<string, number>;
  readonly nodes: (ItemNode | undefined)[];
  readonly revision: number;
  readonly digest: RecordDigest;
}

async function loadOrCreate(adapter: StorageAdapter, keys: StoreKeys, options: CheckedOptions): Promise<Loaded> {
  const check = await adapter.get(KEYS.keyCheck);
  if (check === undefined) {
    for await (const _ of adapter.iterate({ limit: 1 })) throw corrupt('The storage holds data but no coffer key check: it is not a coffer store');
    return createNew(adapter, keys, options);
  }
  if (!keyCheckOpens(keys, check)) throw wrongKey();
  const format = await adapter.get(KEYS.format);
  if (format === undefined) throw corrupt('The format record is missing');
  const version = openRecord(keys, KEYS.format, format);
  if (version !== FORMAT_VERSION) throw corrupt(`The storage format \`${String(version)}\` is not one this version of coffer reads`);
  const revisionValue = await adapter.get(KEYS.revision);
  if (revisionValue === undefined) throw corrupt('The revision record is missing');
  const bookkeeping = openRecord(keys, KEYS.revision, revisionValue) as { revision?: unknown; digest?: unknown } | null;
  const revision = bookkeeping?.revision;
  const stored = bookkeeping?.digest;
  if (typeof revision !== 'number' || !Number.isInteger(revision) || typeof stored !== 'string') throw corrupt('The revision record does not decode');
  // Every record read below adds its share; the sum must be the stored digest.
  const digest = keys.emptyDigest();
  const { root, ordinals, nodes } = await loadTree(adapter, keys, digest);
  const policies = await loadPolicies(adapter, keys, root, options, digest);
  for (const node of nodes) policies.noteItem(node!.ordinal, parentOrdinal(node!), node!.acl);
  const approvals = new ApprovalIndex();
  const deltas: ApprovalDelta[] = [];
  for await (const [key, value] of adapter.iterate(prefixRange(KEYS.approvalPrefix))) deltas.push({ kind: 'putApproval', request: decodeApproval(keys, key, value, digest) });
  approvals.apply(deltas);
  if (!digest.equals(Buffer.from(stored, 'base64'))) {
    throw corrupt('The records do not match the store digest: a record was restored from an older state, added or removed');
  }
  return { state: { root, policies, approvals }, ordinals, nodes, revision, digest };
}

/** Reads every policy record and indexes it; the built-ins get the members of this open. O(policies × depth). */
async function loadPolicies(adapter: StorageAdapter, keys: StoreKeys, root: ItemNode, options: CheckedOptions, digest: RecordDigest): Promise<PolicyIndex> {
  const index = new PolicyIndex();
  const deltas: PolicyDelta[] = [];
  for await (const [key, value] of adapter.iterate(prefixRange(KEYS.policyPrefix))) {
    let policy = decodePolicy(keys, key, value, digest);
    const builtin = policy.isReadOnly ? BUILTINS.find((b) => b.name === policy.name) : undefined;
    if (builtin !== undefined) policy = policyOf({ ...policy, members: options.builtinMembers[builtin.name] });
    deltas.push({ kind: 'putPolicy', policy, placement: placementNow(root, policy) });
  }
  index.apply(deltas);
  for (const builtin of BUILTINS) if (index.named(builtin.name)?.isReadOnly !== true) throw corrupt(`The built-in policy \`${builtin.name}\` is missing`);
  return index;
}

/** The built-in policies of a new store (SPEC §6.5): read-only, active Allow policies on `*`. */
function builtinPolicies(options: CheckedOptions): Policy[] {
  return BUILTINS.map((b) =>
    Object.freeze({
      ...newPolicy(options.newId(), { name: b.name, description: b.description, accessLevel: b.accessLevel, resource: ANY_RESOURCE, members: NO_MEMBERS }, null, [options.newId(), options.newId(), options.newId()]),
      isReadOnly: true,
    }),
  );
}

async function createNew(adapter: StorageAdapter, keys: StoreKeys, options: CheckedOptions): Promise<Loaded> {
  const root = newRoot(options.newId(), options.clock(), ROOT_CREATOR);
  const revision = 1;
  const builtins = builtinPolicies(options);
  const digest = keys.emptyDigest();
  const changes: AnyRecordChange[] = [{ kind: 'putItem', path: '/', node: root }, ...builtins.map((policy) => ({ kind: 'putPolicy' as const, policy }))];
  // INVARIANT: the key check is in the same batch as everything else, so a
  // crash while creating leaves either a whole new store or an empty one.
  await adapter.batch([
    { type: 'put', key: KEYS.format, value: sealRecord(keys, KEYS.format, FORMAT_VERSION) },
    { type: 'put', key: KEYS.keyCheck, value: keyCheckValue(keys) },
    ...encodeChanges(keys, changes, revision, digest, () => undefined),
  ]);
  const policies = new PolicyIndex();
  policies.noteItem(root.ordinal, undefined, root.acl);
  policies.apply(
    builtins.map((policy) => {
      const name = policy.name as 'SMAdminPolicy' | 'SMAuditorPolicy';
      return { kind: 'putPolicy' as const, policy: policyOf({ ...policy, members: options.builtinMembers[name] }), placement: { isAlive: true, anchor: undefined, toward: [root.ordinal] } };
    }),
  );
  return { state: { root, policies, approvals: new ApprovalIndex() }, ordinals: new Map([['/', root.ordinal]]), nodes: [root], revision, digest };
}


type LoadingNode = ItemNode;

/** The ordinal of a node's parent; undefined for the root. */
function parentOrdinal(node: ItemNode): number | undefined {
  return node.ancestry.length === 0 ? undefined : node.ancestry[node.ancestry.length - 1];
}

/**
 * Reads every item record in key order: a parent's key is a prefix of its
 * children's, so it always comes first. O(items); no immer draft per item —
 * the finished tree is frozen once.
 */
async function loadTree(adapter: StorageAdapter, keys: StoreKeys, digest: RecordDigest): Promise<{ root: ItemNode; ordinals: Map<string, number>; nodes: ItemNode[] }> {
  const ordinals = new Map<string, number>();
  const nodes: ItemNode[] = []; // by ordinal: dense, in load order
  const decoder = new ItemDecoder(keys, digest);
  // The root comes first: ordinal 0; each item's ordinal is its place in key order.
  let root: LoadingNode | undefined;
  for await (const [key, value] of adapter.iterate(prefixRange(KEYS.itemPrefix))) {
    const text = key.slice(KEYS.itemPrefix.length);
    // Plain paths are checked in one pass without splitting; anything else by the full parser.
    // A key holds the canonical path: a plain one is its own canonical form.
    const plain = plainCanonical(text);
    let path: string;
    if (plain !== undefined) path = plain;
    else {
      const checked = checkPath(text);
      if ('problems' in checked) throw corrupt(`The key \`${key}\` does not name an item path`);
      path = checked.path.path;
    }
    if (path !== text) throw corrupt(`The key \`${key}\` does not name an item path`);
    if (path === '/') {
      if (root !== undefined) throw corrupt('The root record appears twice');
      root = decoder.decode(key, value, '', nodes.length, []) as LoadingNode;
      if (root.type !== 'directory') throw corrupt('The root record is not a directory');
      ordinals.set(path, root.ordinal);
      nodes.push(root);
      continue;
    }
    const slash = path.lastIndexOf('/');
    const parentOrdinal = ordinals.get(slash === 0 ? '/' : path.slice(0, slash));
    const parent = parentOrdinal === undefined ? undefined : nodes[parentOrdinal];
    if (parent?.children === undefined) throw corrupt(`The item \`${path}\` has no parent directory`);
    const node = decoder.decode(key, value, path.slice(slash + 1), nodes.length, parent.lineage!) as LoadingNode;
    setChild(parent.children, node);
    ordinals.set(path, node.ordinal);
    nodes.push(node);
  }
  if (root === undefined) throw corrupt('The root directory record is missing');
  return { root: freezeTree(root as unknown as ItemNode), ordinals, nodes };
}

/** The running store: state, queue, adapter, audit. Sessions call into it. */
export class StoreEngine implements Store {
  #published: StoreState;
  #revision: number;
  /** True once close() began: no new operation starts. */
  #isClosing = false;
  /** True once every operation issued before close() finished and the adapter is being released. */
  #isClosed = false;
  #closing: Promise<void> | undefined;
  /** Operations issued and not finished; close() waits for them. */
  #active = 0;
  #onIdle: (() => void)[] = [];
  #nextOrdinal: number;
  readonly #queue = new WriteQueue();
  readonly #adapter: StorageAdapter;
  readonly #keys: StoreKeys;
  readonly #options: CheckedOptions;
  #digest: RecordDigest;
  readonly #ordinals: Map<string, number>;
  readonly #nodes: (ItemNode | undefined)[];

  constructor(
    adapter: StorageAdapter,
    keys: StoreKeys,
    options: CheckedOptions,
    state: StoreState,
    revision: number,
    digest: RecordDigest,
    /**
     * Every live item's ordinal by canonical path, and every live item by
     * ordinal: a decision on an existing item is one lookup instead of a walk,
     * and the common one (no ACL entry can name the principal) never reads the
     * item (see PolicyIndex.aclMayGrant). INVARIANT: each node's own fields (id,
     * acl, type, version, ancestry) are current; a directory's `children` may
     * be older (an ancestor is copied when a descendant changes, its entry is
     * not refreshed), so listings walk the tree, never these.
     */
    ordinals: Map<string, number>,
    nodes: (ItemNode | undefined)[],
  ) {
    this.#adapter = adapter;
    this.#keys = keys;
    this.#options = options;
    this.#digest = digest;
    this.#ordinals = ordinals;
    this.#nodes = nodes;
    this.#published = state;
    this.#revision = revision;
    this.#nextOrdinal = nodes.length;
  }

  /** The store's keys (their material stays private to them). */
  get keys(): StoreKeys {
    return this.#keys;
  }

  /** The checked options of openStore. */
  get options(): CheckedOptions {
    return this.#options;
  }

  /** What a log may show of a store. */
  toJSON(): { persistent: boolean; isClosed: boolean } {
    return { persistent: this.#adapter.persistent, isClosed: this.#isClosing };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Store { persistent: ${this.#adapter.persistent}, closed: ${this.#isClosing} }`;
  }

  // The plaintext a record holds in the published state (undefined when new).
  private readonly previousText = (change: AnyRecordChange): string | undefined => {
    const state = this.#published;
    switch (change.kind) {
      case 'putItem':
      case 'deleteItem': {
        const segments = change.path === '/' ? [] : change.path.slice(1).split('/');
        const node = findItem(state.root, segments);
        return node === undefined ? undefined : itemText(node);
      }
      case 'putPolicy':
      case 'deletePolicy': {
        const policy = state.policies.get(change.kind === 'putPolicy' ? change.policy.id : change.id);
        return policy === undefined ? undefined : policyText(policy);
      }
      case 'putApproval': {
        const request = state.approvals.get(change.request.id);
        return request === undefined ? undefined : approvalText(request);
      }
      default:
        return undefined;
    }
  };

  as(principal: unknown, context?: SessionContext): Session {
    if (this.#isClosing) throw closed();
    return new CofferSession(this, principal, context);
  }

  /**
   * Lets every operation issued before it finish (written, resolved), then
   * releases the adapter. Calls made after close() began get CLOSED; a second
   * close() waits for the first.
   */
  close(): Promise<void> {
    this.#closing ??= this.#closeWhenIdle();
    return this.#closing;
  }

  async #closeWhenIdle(): Promise<void> {
    this.#isClosing = true;
    if (this.#active > 0) await new Promise<void>((resolve) => this.#onIdle.push(resolve));
    await this.#queue.drained();
    this.#isClosed = true;
    try {
      await this.#adapter.close();
    } catch (error) {
      throw adapterError(error, 'closing');
    }
  }

  /** Starts an operation (synchronously, when the session method is called): CLOSED once close() began. */
  enter(): void {
    if (this.#isClosing) throw closed();
    this.#active++;
  }

  /** Ends an operation started by enter(). */
  leave(): void {
    if (--this.#active === 0) for (const resolve of this.#onIdle.splice(0)) resolve();
  }

  now(): number {
    const clock = this.#options.clock;
    return clock();
  }

  /** A fresh item ordinal (process-local, never reused). */
  newOrdinal(): number {
    return this.#nextOrdinal++;
  }

  /** The item at a canonical path, for decisions (its children may be stale: see `ordinals`). O(1). */
  itemAt(path: string): ItemNode | undefined {
    const ordinal = this.#ordinals.get(path);
    return ordinal === undefined ? undefined : this.#nodes[ordinal];
  }

  /** The ordinal of the item at a canonical path, without reading the item. O(1). */
  ordinalAt(path: string): number | undefined {
    return this.#ordinals.get(path);
  }

  /** The live item with this ordinal. O(1). */
  nodeAt(ordinal: number): ItemNode | undefined {
    return this.#nodes[ordinal];
  }

  /** The published state; CLOSED after close. */
  state(): StoreState {
    if (this.#isClosed) throw closed();
    return this.#published;
  }

  /**
   * Runs one write: `compute` sees the last published state and returns the
   * change; its records go to the adapter as one batch; the state is
   * published after the batch resolved. A change without records writes nothing.
   */
  write<R>(compute: (state: StoreState, now: number) => Write<R>): Promise<Write<R>> {
    if (this.#isClosed) return Promise.reject(closed());
    return this.#queue.run(async () => {
      if (this.#isClosed) throw closed();
      const change = compute(this.#published, this.now());
      if (change.records.length === 0) return change;
      const revision = this.#revision + 1;
      const digest = this.#digest.copy();
      const operations = encodeChanges(this.#keys, change.records, revision, digest, this.previousText);
      try {
        await this.#adapter.batch(operations);
      } catch (error) {
        throw adapterError(error, 'writing');
      }
      // Publish: nothing above can fail any more.
      this.#revision = revision;
      this.#digest = digest;
      if (change.root !== undefined) this.#published = { ...this.#published, root: change.root };
      for (const record of change.records) {
        if (record.kind === 'putItem') {
          const { node } = record;
          this.#ordinals.set(record.path, node.ordinal);
          // Grow densely: a write far past the end would turn the array into a slow dictionary.
          while (this.#nodes.length < node.ordinal) this.#nodes.push(undefined);
          this.#nodes[node.ordinal] = node;
          this.#published.policies.noteItem(node.ordinal, parentOrdinal(node), node.acl);
        } else if (record.kind === 'deleteItem') {
          const ordinal = this.#ordinals.get(record.path);
          this.#ordinals.delete(record.path);
          if (ordinal !== undefined) this.#nodes[ordinal] = undefined;
        }
      }
      this.#published.policies.apply(change.deltas);
      if (change.approvalDeltas !== undefined) this.#published.approvals.apply(change.approvalDeltas);
      return change;
    });
  }

  /** Reads one adapter key; STORAGE on failure, CLOSED after close. */
  async read(key: string): Promise<Uint8Array | undefined> {
    if (this.#isClosed) throw closed();
    try {
      return await this.#adapter.get(key);
    } catch (error) {
      if (this.#isClosed) throw closed();
      throw adapterError(error, 'reading');
    }
  }

  audit(event: AuditEvent): void {
    deliver(this.#options.onAudit, event);
  }

  /** Calls the host's notifier; its failure is returned, never thrown (the request stands). */
  async notify(request: ApprovalView, medium: string | string[]): Promise<unknown> {
    const notifier = this.#options.notify;
    if (notifier === undefined) return undefined;
    try {
      await notifier(request, medium);
      return undefined;
    } catch (error) {
      return error ?? new Error('notify failed');
    }
  }
}
