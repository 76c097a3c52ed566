// Readonly domain types shared by the pure core (SPEC §1, §3, §4).
// Times are epoch milliseconds inside the core; the shell renders them as
// ISO-8601 strings at the edge.

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
 * An item as one stored record holds it. Items never move: `parentId` and
 * `name` are fixed when the item is created. Secret values are not here: they
 * are records of their own, sealed, read on demand.
 */
export interface ItemRecord {
  readonly id: string;
  /** The parent directory's id; null for the root. */
  readonly parentId: string | null;
  /** The last segment of the item's path; `''` for the root. */
  readonly name: string;
  readonly type: ItemType;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly createdBy: string;
  readonly description: string | undefined;
  /** A secret's version (1 on creation); 0 for a directory. */
  readonly version: number;
  readonly acl: Acl;
}

/**
 * An item in the state: its record and where it sits. `ordinal` is a small
 * number unique to the item in this process (never stored, never reused), so
 * the indexes are arrays indexed by it and a decision reads no strings.
 */
export interface ItemNode extends ItemRecord {
  readonly ordinal: number;
  /** The parent directory's ordinal; -1 for the root. */
  readonly parent: number;
  /** The canonical path (`/` for the root). */
  readonly path: string;
}
