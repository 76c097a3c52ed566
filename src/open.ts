// Opening a store's storage: check the key, the format and the revision, then
// apply every stored record to a new state through the same decode table and
// the same `apply` a write uses — and check that the records add up to the
// stored digest. A new storage gets its root, its built-in policies and its
// bookkeeping records in one batch.

import type { StorageAdapter } from './adapter.js';
import type { RecordDigest, StoreKeys } from './crypto.js';
import type { Delta } from './core/change.js';
import { corrupt, wrongKey } from './core/errors.js';
import { NO_MEMBERS, newPolicy, policyOf, type Policy } from './core/policy.js';
import { ANY_RESOURCE } from './core/resources.js';
import { State } from './core/state/state.js';
import type { ItemRecord } from './core/types.js';
import type { CheckedOptions } from './options.js';
import {
  DecodeContext,
  decodeRecord,
  encodeChange,
  FORMAT_VERSION,
  keyCheckOpens,
  keyCheckValue,
  META,
  openMeta,
  prefixRange,
  RECORD_KINDS,
  sealMeta,
  type RecordKindName,
} from './records.js';

/** A store's state as read from its storage, and the bookkeeping a write continues from. */
export interface Loaded {
  readonly state: State;
  readonly revision: number;
  readonly digest: RecordDigest;
}

/** The built-in policies: read-only, active Allow policies on `*`, their members set at every open. */
export const BUILTINS = Object.freeze([
  { name: 'SMAdminPolicy', description: 'Grants administrative access to "Secret Manager" module', accessLevel: 'SM_Manage' },
  { name: 'SMAuditorPolicy', description: 'Grants view access to "Secret Manager" module', accessLevel: 'SM_View' },
] as const);

type BuiltinName = (typeof BUILTINS)[number]['name'];

const ROOT_CREATOR = 'coffer';

/** A built-in policy with the members of this open (stored with none: no caller can change them). */
function withBuiltinMembers(policy: Policy, options: CheckedOptions): Policy {
  const builtin = policy.isReadOnly ? BUILTINS.find((b) => b.name === policy.name) : undefined;
  return builtin === undefined ? policy : policyOf({ ...policy, members: options.builtinMembers[builtin.name as BuiltinName] });
}

/** Opens what the adapter holds (or creates a new store on empty storage). */
export async function loadOrCreate(adapter: StorageAdapter, keys: StoreKeys, options: CheckedOptions): Promise<Loaded> {
  const check = await adapter.get(META.keyCheck);
  if (check === undefined) {
    for await (const _ of adapter.iterate({ limit: 1 })) throw corrupt('The storage holds data but no coffer key check: it is not a coffer store');
    return create(adapter, keys, options);
  }
  return load(adapter, keys, options);
}

/** Reads and applies every record of an existing store. O(records). */
export async function load(adapter: StorageAdapter, keys: StoreKeys, options: CheckedOptions): Promise<Loaded> {
  const check = await adapter.get(META.keyCheck);
  if (check === undefined || !keyCheckOpens(keys, check)) throw wrongKey();
  const format = await adapter.get(META.format);
  if (format === undefined) throw corrupt('The format record is missing');
  const version = openMeta(keys, META.format, format);
  if (version !== FORMAT_VERSION) {
    throw corrupt(
      typeof version === 'number' && version < FORMAT_VERSION
        ? `The store was written by an earlier version of coffer (storage format ${version}); this version reads format ${FORMAT_VERSION} and does not migrate it`
        : `The storage format \`${String(version)}\` is not one this version of coffer reads`,
    );
  }
  const bookkeeping = await adapter.get(META.revision);
  if (bookkeeping === undefined) throw corrupt('The revision record is missing');
  const { revision, digest: stored } = (openMeta(keys, META.revision, bookkeeping) ?? {}) as { revision?: unknown; digest?: unknown };
  if (typeof revision !== 'number' || !Number.isInteger(revision) || typeof stored !== 'string') throw corrupt('The revision record does not decode');
  // Every record read adds its share; the sum must be the stored digest.
  const digest = keys.emptyDigest();
  const context = new DecodeContext();
  const deltas: Delta[] = [];
  for (const kind of Object.keys(RECORD_KINDS) as RecordKindName[]) {
    for await (const [key, sealed] of adapter.iterate(prefixRange(RECORD_KINDS[kind].prefix))) {
      const delta = decodeRecord(keys, kind, key, sealed, digest, context);
      deltas.push(delta.kind === 'putPolicy' ? { kind: 'putPolicy', policy: withBuiltinMembers(delta.policy, options) } : delta);
    }
  }
  const state = new State();
  state.apply(deltas);
  if (state.items.size === 0) throw corrupt('The root directory record is missing');
  for (const builtin of BUILTINS) if (state.policies.named(builtin.name)?.isReadOnly !== true) throw corrupt(`The built-in policy \`${builtin.name}\` is missing`);
  if (!digest.equals(Buffer.from(stored, 'base64'))) {
    throw corrupt('The records do not match the store digest: a record was restored from an older state, added or removed');
  }
  return { state, revision, digest };
}

/** A new store: the root, the built-ins, the format and the key check in one batch. */
async function create(adapter: StorageAdapter, keys: StoreKeys, options: CheckedOptions): Promise<Loaded> {
  const now = options.clock();
  const root: ItemRecord = Object.freeze({
    id: options.newId(),
    parentId: null,
    name: '',
    type: 'directory',
    createdAt: now,
    updatedAt: now,
    createdBy: ROOT_CREATOR,
    description: undefined,
    version: 0,
    acl: Object.freeze([]),
  });
  const builtins = BUILTINS.map((b) =>
    policyOf({
      ...newPolicy(options.newId(), { name: b.name, description: b.description, accessLevel: b.accessLevel, resource: ANY_RESOURCE, members: NO_MEMBERS }, null, [options.newId(), options.newId(), options.newId()]),
      isReadOnly: true,
    }),
  );
  const revision = 1;
  const digest = keys.emptyDigest();
  const records = [{ kind: 'item', id: root.id, item: root } as const, ...builtins.map((policy) => ({ kind: 'policy', id: policy.id, policy }) as const)];
  // INVARIANT: the key check is in the same batch as everything else, so a
  // crash while creating leaves either a whole new store or an empty one.
  await adapter.batch([
    { type: 'put', key: META.format, value: sealMeta(keys, META.format, FORMAT_VERSION) },
    { type: 'put', key: META.keyCheck, value: keyCheckValue(keys) },
    ...encodeChange(keys, records, revision, digest, () => undefined),
  ]);
  const state = new State();
  state.apply([{ kind: 'putItem', item: root }, ...builtins.map((policy) => ({ kind: 'putPolicy' as const, policy: withBuiltinMembers(policy, options) }))]);
  return { state, revision, digest };
}
