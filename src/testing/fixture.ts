// fixtureStore (SPEC §12): a memory store loaded from one declarative object,
// for host projects' unit tests. Every item, ACL entry and policy goes
// through the same pure core operations an admin's calls use (so a fixture
// obeys every rule a real store does), but they are chained in memory and
// written as ONE batch: a fixture of 100 secrets and 10 policies costs a few
// milliseconds, not one queued write per item. Loading emits no audit events.

import { memoryAdapter } from '../../adapters/memory/index.js';
import { NO_POLICIES } from '../core/decision.js';
import { alreadyExists, invalid } from '../core/errors.js';
import { createItem, putAccess, type RecordChange } from '../core/items.js';
import { principalKeys, type PolicyDelta } from '../core/policy-index.js';
import { createPolicy, type PolicyCaller, type PolicyRecordChange } from '../core/policy-ops.js';
import { parsePrincipal } from '../core/principal.js';
import type { AclEntry } from '../core/types.js';
import { isPlainObject, ownData } from '../core/validate.js';
import { openStore, type BuiltinMembers, type Store, type StoreEngine, type StoreOptions, type StoreState } from '../store.js';
import type { FakeClock } from './clock.js';

/**
 * A directory's contents: a string is a secret with that value, an object a
 * directory. `{ $value, $description }` gives a secret a description too.
 */
export interface FixtureTree {
  readonly [name: string]: string | FixtureTree | FixtureSecret;
}

export interface FixtureSecret {
  readonly $value: string;
  readonly $description?: string;
}

export interface FixtureSpec {
  /** The items under `/`, nested: `{ app: { db: { password: 's3cret' } } }`. */
  readonly tree?: FixtureTree;
  /** ACL entries by path, set after the tree is built (exactly as given; nothing is copied to children). */
  readonly acls?: Readonly<Record<string, readonly AclEntry[]>>;
  /** Policy bodies, as `session.policies.create` takes them, created in order. */
  readonly policies?: readonly unknown[];
  /** A fake clock (its `now` is used), a clock function, or a fixed time (ISO string without offset = UTC). */
  readonly clock?: FakeClock | (() => number) | number | string;
  readonly builtinMembers?: BuiltinMembers;
  /** A source of ids, so snapshot tests see stable ids (default: random UUIDs). */
  readonly newId?: () => string;
  readonly onAudit?: StoreOptions['onAudit'];
  readonly notify?: StoreOptions['notify'];
  readonly maxSecretBytes?: number;
}

const FIXTURE_ADMIN = parsePrincipal({ id: 'fixture-admin', admin: true });

function clockOf(clock: FixtureSpec['clock']): (() => number) | undefined {
  if (clock === undefined) return undefined;
  if (typeof clock === 'function') return clock;
  if (typeof clock === 'number') return () => clock;
  if (typeof clock === 'string') {
    const hasTime = /[Tt ]/.test(clock);
    const at = Date.parse(hasTime && !/(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/.test(clock) ? `${clock.replace(/[t ]/, 'T')}Z` : clock);
    if (Number.isNaN(at)) throw invalid('/clock', 'must be an ISO-8601 time');
    return () => at;
  }
  return clock.now;
}

function isSecret(value: unknown): value is FixtureSecret {
  return isPlainObject(value) && typeof value.$value === 'string';
}

/** A counter id source: `prefix-0001`, `prefix-0002`, … (stable across runs). */
export function sequentialIds(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}-${String(++n).padStart(4, '0')}`;
}

export async function fixtureStore(spec: FixtureSpec = {}): Promise<Store> {
  const clock = clockOf(spec.clock);
  const store = await openStore({
    adapter: memoryAdapter(),
    ...(clock !== undefined ? { clock } : {}),
    ...(spec.builtinMembers !== undefined ? { builtinMembers: spec.builtinMembers } : {}),
    ...(spec.newId !== undefined ? { newId: spec.newId } : {}),
    ...(spec.onAudit !== undefined ? { onAudit: spec.onAudit } : {}),
    ...(spec.notify !== undefined ? { notify: spec.notify } : {}),
    ...(spec.maxSecretBytes !== undefined ? { maxSecretBytes: spec.maxSecretBytes } : {}),
  });
  const engine = store as unknown as StoreEngine;
  try {
    await engine.write((published, now) => load(published, now, engine, spec));
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Chains the admin's operations over the state in memory; the result is one write. */
function load(published: StoreState, now: number, engine: StoreEngine, spec: FixtureSpec) {
  const { options } = engine;
  const caller: PolicyCaller = {
    principal: FIXTURE_ADMIN,
    memberKeys: principalKeys(FIXTURE_ADMIN),
    facts: { now, client: null, hasLiveApproval: () => false },
    policiesFor: () => NO_POLICIES, // an admin is allowed at step 1
  };
  let state: StoreState = published;
  // The last record per key wins: an item created and then given an ACL is written once.
  const items = new Map<string, RecordChange>();
  const values: RecordChange[] = [];
  const policies: PolicyRecordChange[] = [];
  const deltas: PolicyDelta[] = [];
  const take = (records: readonly RecordChange[]) => {
    for (const record of records) {
      if (record.kind === 'putItem') items.set(record.path, record);
      else values.push(record);
    }
  };
  const build = (directory: string, tree: FixtureTree): void => {
    for (const [name, content] of Object.entries(tree)) {
      const path = directory === '/' ? `/${name}` : `${directory}/${name}`;
      const body = typeof content === 'string' ? { type: 'secret', value: content } : isSecret(content) ? { type: 'secret', value: content.$value, ...(content.$description !== undefined ? { description: content.$description } : {}) } : { type: 'directory' };
      const change = createItem(state, caller, { path, body, maxSecretBytes: options.maxSecretBytes, now, newId: options.newId(), newOrdinal: engine.newOrdinal() });
      state = { ...state, root: change.state.root };
      take(change.records);
      if (body.type === 'directory') build(change.result.path, content as FixtureTree);
    }
  };
  build('/', ownData(spec.tree ?? {}));
  for (const [path, entries] of Object.entries(ownData(spec.acls ?? {}))) {
    for (const entry of entries) {
      const change = putAccess(state, caller, path, entry);
      state = { ...state, root: change.state.root };
      take(change.records);
    }
  }
  const names = new Set<string>();
  for (const body of ownData(spec.policies ?? [])) {
    const newId = options.newId;
    const change = createPolicy(state, caller, body, { policyId: newId(), permissionIds: [newId(), newId(), newId()] });
    const first = change.records[0];
    const policy = first?.kind === 'putPolicy' ? first.policy : undefined;
    // Policies of one fixture are not in the index until it is written: check their names among themselves.
    if (policy !== undefined && names.has(policy.sortKey)) throw alreadyExists('Policy', policy.name);
    if (policy !== undefined) names.add(policy.sortKey);
    policies.push(...change.records);
    deltas.push(...change.deltas);
  }
  return { root: state.root, records: [...items.values(), ...values, ...policies], deltas, result: undefined, decision: 'admin' };
}
