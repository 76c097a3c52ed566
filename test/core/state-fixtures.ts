// Builders shared by the state and decide suites (test/core/state-*.test.ts,
// decide.test.ts): item records, policies made the way the store makes them
// (newPolicy + parseResource), principals and callers as the session builds them.

import { principalAclBits } from '../../src/core/acl.js';
import type { Delta } from '../../src/core/change.js';
import type { Caller } from '../../src/core/decide.js';
import { newPolicy, type AccessType, type Policy } from '../../src/core/policy.js';
import type { AccessLevel } from '../../src/core/permissions.js';
import { parseResource } from '../../src/core/resources.js';
import { memberKeysOf, type DecisionFacts, type FactsSource } from '../../src/core/state/grants.js';
import { State } from '../../src/core/state/state.js';
import type { Acl, AclEntry, ItemRecord, ItemType, Principal, PrincipalKind } from '../../src/core/types.js';
import { parseCondition, type ConditionInput } from '../../src/core/conditions/index.js';

export const ROOT_ID = 'root';

/** An item record with fixed times; a secret has version 1. */
export function itemRecord(id: string, parentId: string | null, name: string, type: ItemType = 'directory', acl: Acl = [], updatedAt = 0): ItemRecord {
  return Object.freeze({ id, parentId, name, type, createdAt: 0, updatedAt, createdBy: 'coffer', description: undefined, version: type === 'secret' ? 1 : 0, acl });
}

export const rootRecord = (): ItemRecord => itemRecord(ROOT_ID, null, '');
export const putItem = (item: ItemRecord): Delta => ({ kind: 'putItem', item });
export const deleteItem = (id: string): Delta => ({ kind: 'deleteItem', id });
export const putPolicy = (policy: Policy): Delta => ({ kind: 'putPolicy', policy });
export const deletePolicy = (id: string): Delta => ({ kind: 'deletePolicy', id });

export const aclEntry = (type: 'user' | 'group', id: string, access: 'read' | 'read_write'): AclEntry => Object.freeze({ entity: { type, id }, access });

/** The id the fixtures give the item at `path` (`/a/b` → `id:/a/b`; the root is `root`). */
export const idOf = (path: string): string => (path === '/' ? ROOT_ID : `id:${path}`);

function splitPath(path: string): { parentPath: string; name: string } {
  const slash = path.lastIndexOf('/');
  return { parentPath: slash === 0 ? '/' : path.slice(0, slash), name: path.slice(slash + 1) };
}

/** The record of `path` (a trailing `/` makes a directory), with id idOf(path). */
export function recordAt(path: string, acl: Acl = []): ItemRecord {
  const isDirectory = path.endsWith('/');
  const clean = isDirectory ? path.slice(0, -1) : path;
  const { parentPath, name } = splitPath(clean);
  return itemRecord(idOf(clean), idOf(parentPath), name, isDirectory ? 'directory' : 'secret', acl);
}

/** A state with the root and the items at `paths`, parents before children (`/a/` a directory, `/a/s` a secret). */
export function stateWith(paths: readonly string[], acls: Readonly<Record<string, Acl>> = {}): State {
  const state = new State();
  state.apply([putItem(rootRecord()), ...paths.map((p) => putItem(recordAt(p, acls[p.endsWith('/') ? p.slice(0, -1) : p] ?? [])))]);
  return state;
}

export interface PolicyOptions {
  readonly accessLevel?: AccessLevel;
  readonly accessType?: AccessType;
  readonly users?: readonly string[];
  readonly tags?: readonly string[];
  readonly tokens?: readonly string[];
  readonly serviceIdentities?: readonly string[];
  readonly isActive?: boolean;
  readonly isDraft?: boolean;
  readonly condition?: ConditionInput;
  /** The bound item id; by default the id of the item the resource names now (null for `*`). */
  readonly boundItemId?: string | null;
}

const listOf = (ids: readonly string[] | undefined) => (ids ?? []).map((id) => Object.freeze({ id }));

/** A policy as the store makes one: newPolicy over checked fields, bound to the item its resource names in `state`. */
export function makePolicy(state: State | undefined, id: string, name: string, resource: string, o: PolicyOptions = {}): Policy {
  const target = parseResource(resource);
  const boundItemId = o.boundItemId !== undefined ? o.boundItemId : target.kind === 'any' ? null : (state?.items.at(target.path.path)?.id ?? null);
  const accessType = o.accessType ?? 'Allow';
  return newPolicy(
    id,
    {
      name,
      resource: target,
      accessLevel: o.accessLevel ?? 'SM_View',
      accessType,
      isActive: o.isActive ?? true,
      isDraft: o.isDraft ?? false,
      members: Object.freeze({ users: listOf(o.users), tags: listOf(o.tags), tokens: listOf(o.tokens), serviceIdentities: listOf(o.serviceIdentities) }),
      ...(o.condition !== undefined ? { condition: parseCondition(o.condition, '/condition', accessType) } : {}),
    },
    boundItemId,
    [`${id}-0`, `${id}-1`, `${id}-2`],
  );
}

export function principalOf(id: string, kind: PrincipalKind = 'user', groups: readonly string[] = [], isAdmin = false): Principal {
  return Object.freeze({ id, kind, groups: Object.freeze([...groups]), isAdmin });
}

export const NO_FACTS: DecisionFacts = Object.freeze({ now: 0, client: null, hasLiveApproval: () => false });

/** A caller as the session builds one, for the state as it is now. */
export function callerOf(state: State, principal: Principal, facts: FactsSource = NO_FACTS, aclBits = principalAclBits(principal)): Caller {
  return { principal, members: state.grants.membersOf(memberKeysOf(principal)), aclBits, facts };
}

/** A seeded generator of numbers in [0, 1) (mulberry32), so a test's choices are the same on every run. */
export function randomOf(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded shuffle, so a test's order is the same on every run. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const next = randomOf(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
