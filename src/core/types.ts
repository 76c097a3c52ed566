// Readonly domain types shared by the pure core (SPEC §1, §3, §4).
// Times are epoch milliseconds inside the core; the shell renders them as
// ISO-8601 strings at the edge.

import type { ChildTable } from './children.js';

export type PrincipalKind = 'user' | 'token' | 'serviceIdentity';

/** A caller, already authenticated by the host (SPEC §1), after validation. */
export interface Principal {
  readonly id: string;
  readonly kind: PrincipalKind;
  readonly groups: readonly string[];
  readonly isAdmin: boolean;
}

export type ItemType = 'directory' | 'secret';

export type AclAccess = 'read' | 'read_write';
export type EntityType = 'user' | 'group';

export interface AclEntity {
  readonly type: EntityType;
  readonly id: string;
}

export interface AclEntry {
  readonly entity: AclEntity;
  readonly access: AclAccess;
}

/** An item's ACL. Items created from one parent share one array (it is immutable). */
export type Acl = readonly AclEntry[];

/**
 * One node of the item tree. A directory holds its children in a Map keyed by
 * name, so a write copies only the nodes on its path (O(depth) nodes, each
 * O(siblings)), never the whole tree. Secret values are not here: they stay
 * sealed in the adapter and are read on demand.
 */
export interface ItemNode {
  readonly id: string;
  /**
   * A small number unique to this item in this process (not stored): the
   * policy index is an array indexed by it, so a decision reads no strings.
   */
  readonly ordinal: number;
  /**
   * The ordinals of the item's ancestors, root first (`[]` for the root).
   * Items never move, so this never changes; children of one directory share
   * the directory's `lineage` array.
   */
  readonly ancestry: readonly number[];
  /** A directory's `[...ancestry, ordinal]`, shared by its children as their ancestry; undefined for a secret. */
  readonly lineage: readonly number[] | undefined;
  readonly name: string;
  readonly type: ItemType;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly createdBy: string;
  readonly description: string | undefined;
  /** A secret's version (1 on creation); 0 for a directory. */
  readonly version: number;
  readonly acl: Acl;
  /** A directory's children by name (see children.ts); undefined for a secret. */
  readonly children: ChildTable | undefined;
}
