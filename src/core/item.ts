// Items as the API takes and shows them: create and patch bodies (parsed with
// every problem listed), and the views get, create and patch return. Times are
// epoch milliseconds inside the core and ISO-8601 strings in views.

import type { ErrorDetail } from './errors.js';
import { utf8Length } from './paths.js';
import type { Acl, AclEntry, ItemNode, ItemType } from './types.js';
import { collectProblems, detailsFromAjv, isPlainObject, isWellFormed, schemaValidator } from './validate.js';

/** The default `maxSecretBytes`: 64 KiB of UTF-8. */
export const DEFAULT_MAX_SECRET_BYTES = 64 * 1024;
/** The cap of an item description, in characters. */
export const MAX_DESCRIPTION_LENGTH = 4096;

/** A child of a directory as a listing shows it. */
export interface ChildView {
  /** The child's name: the last segment of its path. */
  name: string;
  /** `directory` or `secret`. */
  type: ItemType;
}

interface ItemViewBase {
  /** The canonical path: NFC, no trailing `/` (`/` for the root). */
  path: string;
  /** Opaque and unique for ever: an item deleted and created again at the same path has a new id. */
  id: string;
  /** ISO-8601, UTC. */
  createdAt: string;
  /** ISO-8601, UTC. */
  updatedAt: string;
  /** The id of the principal that created the item. */
  createdBy: string;
  /** The item's description (at most 4,096 characters); absent when it has none. */
  description?: string;
}

/** A directory as `get`, `create` and `patch` show it (`children` only from `get`). */
export interface DirectoryView extends ItemViewBase {
  /** `directory`. */
  type: 'directory';
  /** From `get`: the children the caller may see, sorted by name (UTF-16 order). */
  children?: ChildView[];
  /** Never present: a directory has no value. */
  value?: undefined;
  /** Never present: a directory has no version. */
  version?: undefined;
}

/** A secret as `get`, `create` and `patch` show it (`value` only from `get`). */
export interface SecretView extends ItemViewBase {
  /** `secret`. */
  type: 'secret';
  /** 1 on creation, +1 on every patch that carries a value. */
  version: number;
  /** From `get`: the secret's value. */
  value?: string;
  /** Never present: a secret has no children. */
  children?: undefined;
}

/** An item as the API shows it: a directory or a secret. */
export type ItemView = DirectoryView | SecretView;

/** A create body: `{ type, value?, description? }` (a secret needs a value). */
export interface CreateBody {
  /** `directory` or `secret`. */
  readonly type: ItemType;
  /** A secret's value (required for a secret, refused on a directory): well-formed Unicode of at most `maxSecretBytes` bytes of UTF-8 (default 65,536). */
  readonly value?: string;
  /** At most 4,096 characters. */
  readonly description?: string;
}

/** A patch body: the fields present change; `description: null` clears it. */
export interface PatchBody {
  /** A secret's new value (at most `maxSecretBytes` bytes of UTF-8); bumps its version. Refused on a directory. */
  readonly value?: string;
  /** The new description (at most 4,096 characters), or null to remove it. */
  readonly description?: string | null;
}

/** Patch options: `ifVersion` must be the secret's current version. */
export interface PatchOptions {
  /** The version the patch expects (an integer ≥ 1); another current version rejects with CONFLICT. On a directory it is VALIDATION. */
  readonly ifVersion?: number;
}

export const createSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { enum: ['directory', 'secret'] },
    value: { type: 'string' },
    description: { type: 'string', maxLength: MAX_DESCRIPTION_LENGTH },
  },
} as const;

export const patchSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    value: { type: 'string' },
    description: { type: ['string', 'null'], maxLength: MAX_DESCRIPTION_LENGTH },
  },
} as const;

export const patchOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { ifVersion: { type: 'integer', minimum: 1 } },
} as const;

// A value must be well-formed Unicode and within the size limit. The message never holds the value.
function valueProblems(value: unknown, maxSecretBytes: number): ErrorDetail[] {
  if (typeof value !== 'string') return [];
  if (!isWellFormed(value)) return [{ pointer: '/value', message: 'is not valid Unicode (it holds a lone surrogate)' }];
  // A UTF-16 unit is at least one UTF-8 byte: a longer string is refused without counting.
  if (value.length > maxSecretBytes || utf8Length(value) > maxSecretBytes) return [{ pointer: '/value', message: `is longer than ${maxSecretBytes} bytes of UTF-8` }];
  return [];
}

function descriptionProblems(description: unknown): ErrorDetail[] {
  if (typeof description === 'string' && !isWellFormed(description)) return [{ pointer: '/description', message: 'is not valid Unicode (it holds a lone surrogate)' }];
  return [];
}

/** Every problem of a create body, or the body. */
export function parseCreateBody(input: unknown, maxSecretBytes: number): CreateBody {
  return collectProblems((problems) => {
    const validator = schemaValidator('item-create', createSchema);
    if (!validator(input)) problems.push(...detailsFromAjv(validator.errors));
    if (!isPlainObject(input)) return { type: 'directory' }; // refused: the schema reported it
    problems.push(...valueProblems(input.value, maxSecretBytes), ...descriptionProblems(input.description));
    if (input.type === 'secret' && (input.value === undefined || input.value === null)) problems.push({ pointer: '/value', message: 'is required for a secret' });
    if (input.type === 'directory' && input.value !== undefined) problems.push({ pointer: '/value', message: 'is not allowed on a directory' });
    const body = input;
    return {
      type: body.type as ItemType,
      ...(typeof body.value === 'string' ? { value: body.value } : {}),
      ...(typeof body.description === 'string' ? { description: body.description } : {}),
    };
  });
}

/** Every problem of a patch body, or the body. */
export function parsePatchBody(input: unknown, maxSecretBytes: number): PatchBody {
  return collectProblems((problems) => {
    const validator = schemaValidator('item-patch', patchSchema);
    if (!validator(input)) problems.push(...detailsFromAjv(validator.errors));
    if (!isPlainObject(input)) return {}; // refused: the schema reported it
    problems.push(...valueProblems(input.value, maxSecretBytes), ...descriptionProblems(input.description));
    const body = input;
    return {
      ...(typeof body.value === 'string' ? { value: body.value } : {}),
      ...(body.description !== undefined ? { description: body.description as string | null } : {}),
    };
  });
}

/** Patch options: `{ ifVersion? }`; absent options are none. */
export function parsePatchOptions(input: unknown): PatchOptions {
  if (input === undefined) return {};
  return collectProblems((problems) => {
    const validator = schemaValidator('item-patch-options', patchOptionsSchema);
    if (!validator(input)) problems.push(...detailsFromAjv(validator.errors, '/options'));
    const ifVersion = isPlainObject(input) ? input.ifVersion : undefined;
    return typeof ifVersion === 'number' ? { ifVersion } : {};
  });
}

export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** A fresh plain object for the API (no value, no children): callers may change it freely. */
export function itemView(node: ItemNode): ItemView {
  // Fields in one order: path, type, id, times, createdBy, description?, version?.
  const view = {
    path: node.path,
    type: node.type,
    id: node.id,
    createdAt: isoTime(node.createdAt),
    updatedAt: isoTime(node.updatedAt),
    createdBy: node.createdBy,
  } as ItemView;
  if (node.description !== undefined) view.description = node.description;
  if (view.type === 'secret') view.version = node.version;
  return view;
}

/** Children sorted by name in UTF-16 order. O(k log k). */
export function childViews(children: Iterable<ItemNode>, keep: (child: ItemNode) => boolean = () => true): ChildView[] {
  const out: ChildView[] = [];
  for (const child of children) if (keep(child)) out.push({ name: child.name, type: child.type });
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** An ACL as the API shows it: fresh objects. */
export function aclView(acl: Acl): AclEntry[] {
  return acl.map((e) => ({ entity: { type: e.entity.type, id: e.entity.id }, access: e.access }));
}
