// fixtureStore (SPEC §12): a memory store loaded from one declarative object,
// for host projects' unit tests. Every item, ACL entry and policy goes
// through the same pure core operations an admin's calls use (so a fixture
// obeys every rule a real store does), but they are chained in memory and
// written as ONE batch: a fixture of 100 secrets and 10 policies costs a few
// milliseconds, not one queued write per item. Loading emits no audit events.

import { memoryAdapter } from '../../adapters/memory/index.js';
import { parseAclEntry, withAclEntry } from '../core/acl.js';
import { childNodes, childOf, emptyChildren, setChild } from '../core/children.js';
import { NO_POLICIES } from '../core/decision.js';
import { alreadyExists, invalid, notFound } from '../core/errors.js';
import { parseAll, parseCreateBody, type RecordChange } from '../core/items.js';
import { parsePath } from '../core/paths.js';
import { freezeTree, makeNode } from '../core/tree.js';
import type { ItemNode } from '../core/types.js';
import { MemberSet, type PolicyDelta } from '../core/policy-index.js';
import { createPolicy, type PolicyCaller, type PolicyRecordChange } from '../core/policy-ops.js';
import { parsePrincipal } from '../core/principal.js';
import type { AclEntry } from '../core/types.js';
import { isPlainObject } from '../core/validate.js';
import { readInput } from '../core/input.js';
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

/** A node being built: plain, unfrozen, with a mutable child table. */
type Building = { -readonly [K in keyof ItemNode]: ItemNode[K] };

/**
 * Builds the tree of a new store in one pass: every path and body passes the
 * same parsers the operations use (§2, §3), items copy their parent's ACL at
 * creation (the root's, in a new store), and the finished tree is frozen once —
 * no immer draft per item. Then the ACL entries (same parser, same
 * create-or-replace rule) and the policies (the core's createPolicy, as an admin).
 */
function load(published: StoreState, now: number, engine: StoreEngine, spec: FixtureSpec) {
  const { options } = engine;
  const caller: PolicyCaller = {
    principal: FIXTURE_ADMIN,
    members: new MemberSet(FIXTURE_ADMIN),
    facts: { now, client: null, hasLiveApproval: () => false },
    policiesFor: () => NO_POLICIES, // an admin is allowed at step 1
  };
  const old = published.root;
  const root: Building = { ...old, children: emptyChildren() };
  for (const child of childNodes(old.children)) setChild(root.children!, child); // a fixture store starts empty, but be exact
  const byPath = new Map<string, Building>([['/', root]]);
  const values: RecordChange[] = [];
  const build = (parent: Building, parentPath: string, tree: FixtureTree): void => {
    for (const [name, content] of Object.entries(tree)) {
      const body = typeof content === 'string' ? { type: 'secret', value: content } : isSecret(content) ? { type: 'secret', value: content.$value, ...(content.$description !== undefined ? { description: content.$description } : {}) } : { type: 'directory' };
      const [path, checked] = parseAll(
        () => parsePath(parentPath === '/' ? `/${name}` : `${parentPath}/${name}`),
        () => parseCreateBody(body, options.maxSecretBytes),
      );
      const itemName = path.segments[path.segments.length - 1]!;
      if (childOf(parent.children, itemName) !== undefined) throw alreadyExists('Item', path.path);
      const node = makeNode(itemName, {
        id: options.newId(),
        ordinal: engine.newOrdinal(),
        ancestry: parent.lineage!,
        type: checked.type,
        createdAt: now,
        createdBy: FIXTURE_ADMIN.id,
        description: checked.description,
        acl: parent.acl, // INVARIANT: a copy of the parent's ACL at creation (§4)
      }) as Building;
      setChild(parent.children!, node);
      byPath.set(path.path, node);
      if (checked.type === 'secret') values.push({ kind: 'putValue', itemId: node.id, version: node.version, value: checked.value! });
      else build(node, path.path, content as FixtureTree);
    }
  };
  build(root, '/', readInput(spec.tree ?? {}, '/tree', () => options.maxSecretBytes));
  const changed = new Set<string>(byPath.keys());
  changed.delete('/');
  for (const [rawPath, entries] of Object.entries(readInput(spec.acls ?? {}, '/acls'))) {
    const path = parsePath(rawPath);
    const node = byPath.get(path.path);
    if (node === undefined) throw notFound('item', path.path);
    for (const entry of entries) node.acl = withAclEntry(node.acl, parseAclEntry(entry));
    changed.add(path.path);
  }
  freezeTree(root);
  const items: RecordChange[] = [...changed].map((path) => ({ kind: 'putItem', path, node: byPath.get(path)! }));
  const state: StoreState = { ...published, root };
  const policies: PolicyRecordChange[] = [];
  const deltas: PolicyDelta[] = [];
  const names = new Set<string>();
  for (const body of readInput(spec.policies ?? [], '/policies')) {
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
  return { root, records: [...items, ...values, ...policies], deltas, result: undefined, decision: 'admin' };
}
