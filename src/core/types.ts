// Readonly domain types shared by the pure core.
// Times are epoch milliseconds inside the core; the shell renders them as
// ISO-8601 strings at the edge.

/** What a principal is: a user, an API token, or a service identity. */
export type PrincipalKind = 'user' | 'token' | 'serviceIdentity';

/** A caller, already authenticated by the host, after validation. */
export interface Principal {
  readonly id: string;
  readonly kind: PrincipalKind;
  readonly groups: readonly string[];
  readonly isAdmin: boolean;
}

/** What an item is: a directory (holds other items) or a secret (holds a value). */
export type ItemType = 'directory' | 'secret';

/** What an ACL entry grants on its item: `read` (list a directory, read a secret) or `read_write` (also create in, update and delete). */
export type AclAccess = 'read' | 'read_write';
/** Whom an ACL entry names: a user (by principal id) or a group. */
export type EntityType = 'user' | 'group';

/** The user or group an ACL entry names. */
export interface AclEntity {
  /** `user`: matches a principal of kind `user` with this id; `group`: matches any principal in this group. */
  readonly type: EntityType;
  /** The user or group id (1–255 characters). */
  readonly id: string;
}

/** One entry of an item's ACL. It applies to that item only; a new item starts with a copy of its parent's ACL. */
export interface AclEntry {
  /** Whom it names; an ACL has at most one entry per entity. */
  readonly entity: AclEntity;
  /** What it grants. */
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
