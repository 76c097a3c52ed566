// fixtureStore: a memory store loaded from one declarative object, for host
// projects' unit tests. Every item, ACL entry and policy goes through the same
// core operations an admin's calls use (so a fixture obeys every rule a real
// store does), chained on a scratch copy of the state and written as ONE
// batch: a fixture of 100 secrets and 10 policies costs a few milliseconds,
// not one queued write per item. Loading emits no audit events.

import { memoryAdapter } from '../../adapters/memory/index.js';
import { principalAclBits } from '../core/acl.js';
import { changeOf, type Delta, type RecordChange } from '../core/change.js';
import type { Caller } from '../core/decide.js';
import { invalid } from '../core/errors.js';
import { readInput } from '../core/input.js';
import { putAccess } from '../core/ops/acl.js';
import { createItem, recordOf } from '../core/ops/items.js';
import { createPolicy } from '../core/ops/policies.js';
import type { PolicyBody } from '../core/policy.js';
import { parsePrincipal } from '../core/principal.js';
import { memberKeysOf } from '../core/state/grants.js';
import { State } from '../core/state/state.js';
import type { AclEntry } from '../core/types.js';
import { isPlainObject } from '../core/validate.js';
import type { BuiltinMembers, StoreOptions } from '../options.js';
import { engineOf, openStore, type Store } from '../store.js';
import type { FakeClock } from './clock.js';

/**
 * A directory's contents: a string is a secret with that value, an object a
 * directory. `{ $value, $description }` gives a secret a description too.
 */
export interface FixtureTree {
  readonly [name: string]: string | FixtureTree | FixtureSecret;
}

/** A secret with a description. */
export interface FixtureSecret {
  /** The secret's value. */
  readonly $value: string;
  /** The secret's description (at most 4,096 characters). */
  readonly $description?: string;
}

/** What fixtureStore builds: a tree, ACL entries, policies, and the store's options. */
export interface FixtureSpec {
  /** The items under `/`, nested: `{ app: { db: { password: 's3cret' } } }`. */
  readonly tree?: FixtureTree;
  /** ACL entries by path, set after the tree is built (exactly as given; nothing is copied to children). */
  readonly acls?: Readonly<Record<string, readonly AclEntry[]>>;
  /** Policy bodies, as `session.policies.create` takes them, created in order. */
  readonly policies?: readonly PolicyBody[];
  /** A fake clock (its `now` is used), a clock function, or a fixed time (ISO string without offset = UTC). */
  readonly clock?: FakeClock | (() => number) | number | string;
  /** Members of the built-in policies, as `openStore` takes them. */
  readonly builtinMembers?: BuiltinMembers;
  /** A source of ids, so snapshot tests see stable ids (default: random UUIDs). */
  readonly newId?: () => string;
  /** Receives one event per session call (but `can`); loading the fixture emits none. */
  readonly onAudit?: StoreOptions['onAudit'];
  /** Called with each new approval request and its policy's `notificationMedium`. */
  readonly notify?: StoreOptions['notify'];
  /** The largest secret value, in bytes of UTF-8 (default 65,536); the tree's values must fit. */
  readonly maxSecretBytes?: number;
}

const FIXTURE_ADMIN = parsePrincipal({ id: 'fixture-admin', admin: true });
const HAS_OFFSET = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;

function clockOf(clock: FixtureSpec['clock']): (() => number) | undefined {
  if (clock === undefined) return undefined;
  if (typeof clock === 'function') return clock;
  if (typeof clock === 'number') return () => clock;
  if (typeof clock === 'string') {
    const hasTime = /[Tt ]/.test(clock);
    const at = Date.parse(hasTime && !HAS_OFFSET.test(clock) ? `${clock.replace(/[t ]/, 'T')}Z` : clock);
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

/**
 * A memory store holding `spec`: its tree, then its ACL entries, then its
 * policies, made as an admin would make them (every rule applies: a bad path
 * or body is VALIDATION, a taken policy name ALREADY_EXISTS).
 */
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
  const engine = engineOf(store)!;
  try {
    const { maxSecretBytes, newId } = engine.options;
    // Read at the call, like any input.
    const tree = readInput(spec.tree ?? {}, '/tree', () => maxSecretBytes);
    const acls = readInput(spec.acls ?? {}, '/acls');
    const policies = readInput(spec.policies ?? [], '/policies');
    await engine.write((live, now) => {
      // A scratch copy of the (new) store's state: each operation sees the ones before it.
      const scratch = new State();
      scratch.apply([
        ...[...live.items.all()].map((node): Delta => ({ kind: 'putItem', item: recordOf(node) })),
        ...live.policies.inOrder().map((policy): Delta => ({ kind: 'putPolicy', policy })),
      ]);
      const caller: Caller = { principal: FIXTURE_ADMIN, members: scratch.grants.membersOf(memberKeysOf(FIXTURE_ADMIN)), aclBits: principalAclBits(FIXTURE_ADMIN), facts: { now, client: null, hasLiveApproval: () => false } };
      const records: RecordChange[] = [];
      const run = (change: { records: readonly RecordChange[]; deltas: readonly Delta[] }): void => {
        records.push(...change.records);
        scratch.apply(change.deltas);
      };
      const build = (parentPath: string, contents: FixtureTree): void => {
        for (const [name, content] of Object.entries(contents)) {
          const path = parentPath === '/' ? `/${name}` : `${parentPath}/${name}`;
          const body =
            typeof content === 'string'
              ? { type: 'secret', value: content }
              : isSecret(content)
                ? { type: 'secret', value: content.$value, ...(content.$description !== undefined ? { description: content.$description } : {}) }
                : { type: 'directory' };
          const change = createItem(scratch, caller, path, body, { now, newId, maxSecretBytes });
          run(change);
          if (body.type === 'directory') build(change.result.path, content as FixtureTree);
        }
      };
      build('/', tree);
      for (const [path, entries] of Object.entries(acls)) for (const entry of entries) run(putAccess(scratch, caller, path, entry));
      for (const body of policies) run(createPolicy(scratch, caller, body, { now, newId }));
      return changeOf(records, undefined, 'admin');
    });
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}
