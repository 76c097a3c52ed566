// fixtureStore (SPEC §12): a memory store loaded from one declarative object,
// for host projects' unit tests. Everything is created through the public
// operations as an admin, so a fixture obeys every rule a real store does.

import { memoryAdapter } from '../../adapters/memory/index.js';
import { invalid } from '../core/errors.js';
import { isPlainObject } from '../core/validate.js';
import type { AclEntry } from '../core/types.js';
import { openStore, type BuiltinMembers, type Store, type StoreOptions } from '../store.js';
import type { FakeClock } from './clock.js';

/**
 * A directory's contents: a string is a secret with that value, an object a
 * directory. `{ $description, $value }` forms give a description too.
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
  /** A fake clock (its `now` is used), a clock function, or a fixed time. */
  readonly clock?: FakeClock | (() => number) | number | string;
  readonly builtinMembers?: BuiltinMembers;
  /** A source of ids, so snapshot tests see stable ids (default: random UUIDs). */
  readonly newId?: () => string;
  readonly onAudit?: StoreOptions['onAudit'];
  readonly maxSecretBytes?: number;
}

const ADMIN = Object.freeze({ id: 'fixture-admin', admin: true });

function clockOf(clock: FixtureSpec['clock']): (() => number) | undefined {
  if (clock === undefined) return undefined;
  if (typeof clock === 'function') return clock;
  if (typeof clock === 'number') return () => clock;
  if (typeof clock === 'string') {
    const at = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(clock) || !clock.includes('T') ? clock : `${clock}Z`);
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
    ...(spec.maxSecretBytes !== undefined ? { maxSecretBytes: spec.maxSecretBytes } : {}),
  });
  try {
    const admin = store.as(ADMIN);
    const build = async (directory: string, tree: FixtureTree): Promise<void> => {
      for (const [name, content] of Object.entries(tree)) {
        const path = directory === '/' ? `/${name}` : `${directory}/${name}`;
        if (typeof content === 'string') await admin.create(path, { type: 'secret', value: content });
        else if (isSecret(content)) {
          await admin.create(path, { type: 'secret', value: content.$value, ...(content.$description !== undefined ? { description: content.$description } : {}) });
        } else {
          await admin.create(path, { type: 'directory' });
          await build(path, content as FixtureTree);
        }
      }
    };
    await build('/', spec.tree ?? {});
    for (const [path, entries] of Object.entries(spec.acls ?? {})) for (const entry of entries) await admin.putAccess(path, entry);
    for (const body of spec.policies ?? []) await admin.policies.create(body);
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}
