// Records ↔ adapter entries: one table per record kind — its storage key, its
// JSON form, its schema and its decoder — used both to write a change and to
// read every record at open. Storage keys are opaque (a kind letter and a
// random id): no path, name or principal id is in a key, and every value is
// sealed. docs/storage.md has the layout; FORMAT_VERSION names it.
// INVARIANT: every value written is sealed and bound to its own storage key.

import type { BatchOperation } from './adapter.js';
import type { RecordDigest, StoreKeys } from './crypto.js';
import { ACCESS_LEVELS } from './core/permissions.js';
import type { ApprovalRequest } from './core/approvals.js';
import type { Delta, RecordChange } from './core/change.js';
import { compileCondition, parseCondition } from './core/conditions/index.js';
import { corrupt } from './core/errors.js';
import { membersSchema, policyOf, type Members, type Policy } from './core/policy.js';
import { checkResource } from './core/resources.js';
import type { Acl, AclEntry, ItemRecord } from './core/types.js';
import { schemaValidator } from './core/validate.js';

/** The layout version: 2 keys records by id, with names inside the sealed record. */
export const FORMAT_VERSION = 2;

/** Keys of the bookkeeping records. */
export const META = Object.freeze({ format: '!format', keyCheck: '!keycheck', revision: '!revision' });

const KEY_CHECK_TEXT = 'coffer key check v1';
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Records are padded with spaces (which JSON ignores) to a multiple of this, so their size says little about the names inside. */
const RECORD_PADDING = 32;

/** The range of every key that starts with `prefix`. */
export function prefixRange(prefix: string): { gte: string; lt: string } {
  return { gte: prefix, lt: prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1) };
}

// ---------------------------------------------------------------- sealing JSON

function sealText(keys: StoreKeys, storageKey: string, text: string): Uint8Array {
  const bytes = encoder.encode(text);
  const padded = new Uint8Array(Math.ceil((bytes.length + 1) / RECORD_PADDING) * RECORD_PADDING).fill(0x20);
  padded.set(bytes);
  return keys.sealRecord(padded, storageKey);
}

/**
 * Opens a sealed JSON record: its text without the padding, or CORRUPT when
 * it does not authenticate (edited, truncated, moved to another key).
 */
function openText(keys: StoreKeys, storageKey: string, sealed: Uint8Array): string {
  const plain = keys.openRecord(sealed, storageKey);
  if (plain === undefined) throw corrupt(`A stored record fails authentication (edited, truncated or moved): \`${storageKey}\``);
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0x20) end--;
  try {
    return decoder.decode(plain.subarray(0, end));
  } catch (cause) {
    throw corrupt(`A stored record does not decode: \`${storageKey}\``, cause);
  }
}

function parseJson(storageKey: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw corrupt(`A stored record does not decode: \`${storageKey}\``, cause);
  }
}

export function sealMeta(keys: StoreKeys, storageKey: string, value: unknown): Uint8Array {
  return sealText(keys, storageKey, JSON.stringify(value));
}

export function openMeta(keys: StoreKeys, storageKey: string, sealed: Uint8Array): unknown {
  return parseJson(storageKey, openText(keys, storageKey, sealed));
}

export function keyCheckValue(keys: StoreKeys): Uint8Array {
  return keys.sealRecord(encoder.encode(KEY_CHECK_TEXT), META.keyCheck);
}

/** True when the key-check record opens with these keys. */
export function keyCheckOpens(keys: StoreKeys, sealed: Uint8Array): boolean {
  const plain = keys.openRecord(sealed, META.keyCheck);
  return plain !== undefined && plain.toString('utf8') === KEY_CHECK_TEXT;
}

// ---------------------------------------------------------------- the kinds

/** How one kind of state record is stored. */
interface RecordKind<T> {
  /** The first characters of every key of the kind (for the range read at open). */
  readonly prefix: string;
  /** Deterministic JSON: encoding a decoded record gives the same text (the digest relies on it). */
  text(value: T): string;
  /** The record from its parsed JSON; CORRUPT when it is not one. */
  decode(storageKey: string, json: unknown, context: DecodeContext): T;
  /** The id inside a decoded record, which must be the one its key names. */
  idOf(value: T): string;
  /** The delta a stored record makes to the state. */
  delta(value: T): Delta;
}

/** What decoding at open shares across records: interned ACLs and strings (100k items that copied one ACL hold one array). */
export class DecodeContext {
  readonly #acls = new Map<string, Acl>();
  readonly #strings = new Map<string, string>();

  intern(text: string): string {
    const known = this.#strings.get(text);
    if (known !== undefined) return known;
    this.#strings.set(text, text);
    return text;
  }

  acl(entries: readonly (readonly ['user' | 'group', string, 'read' | 'read_write'])[]): Acl {
    const signature = JSON.stringify(entries);
    const known = this.#acls.get(signature);
    if (known !== undefined) return known;
    const acl: Acl = Object.freeze(entries.map(([type, id, access]): AclEntry => Object.freeze({ entity: Object.freeze({ type, id: this.intern(id) }), access })));
    this.#acls.set(signature, acl);
    return acl;
  }
}

// Items: { id, parentId, name, type, createdAt, updatedAt, createdBy, description?, version, acl: [[entityType, entityId, access], …] }
const itemSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'parentId', 'name', 'type', 'createdAt', 'updatedAt', 'createdBy', 'version', 'acl'],
  properties: {
    id: { type: 'string', minLength: 1 },
    parentId: { type: ['string', 'null'] },
    name: { type: 'string' },
    type: { enum: ['directory', 'secret'] },
    createdAt: { type: 'number' },
    updatedAt: { type: 'number' },
    createdBy: { type: 'string' },
    description: { type: 'string' },
    version: { type: 'integer', minimum: 0 },
    acl: {
      type: 'array',
      items: { type: 'array', minItems: 3, maxItems: 3, items: [{ enum: ['user', 'group'] }, { type: 'string' }, { enum: ['read', 'read_write'] }] },
    },
  },
} as const;

interface StoredItem {
  id: string;
  parentId: string | null;
  name: string;
  type: 'directory' | 'secret';
  createdAt: number;
  updatedAt: number;
  createdBy: string;
  description?: string;
  version: number;
  acl: ['user' | 'group', string, 'read' | 'read_write'][];
}

const ITEMS: RecordKind<ItemRecord> = {
  prefix: 'i/',
  text(item) {
    const stored: StoredItem = {
      id: item.id,
      parentId: item.parentId,
      name: item.name,
      type: item.type,
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
      createdBy: item.createdBy,
      version: item.version,
      acl: item.acl.map((e) => [e.entity.type, e.entity.id, e.access]),
    };
    if (item.description !== undefined) stored.description = item.description;
    return JSON.stringify(stored);
  },
  decode(storageKey, json, context) {
    if (!schemaValidator('item-record', itemSchema)(json)) throw corrupt(`A stored record is not an item: \`${storageKey}\``);
    const r = json as StoredItem;
    return Object.freeze({
      id: r.id,
      parentId: r.parentId,
      name: r.name,
      type: r.type,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      createdBy: context.intern(r.createdBy),
      description: r.description,
      version: r.version,
      acl: context.acl(r.acl),
    });
  },
  idOf: (item) => item.id,
  delta: (item) => ({ kind: 'putItem', item }),
};

// Policies: the policy's own fields, its bound item id and its permission ids (permissions are derived on read).
const policySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'description', 'isActive', 'isDraft', 'isReadOnly', 'condition', 'members', 'accessLevel', 'resource', 'boundItemId', 'accessType', 'permissionIds'],
  properties: {
    id: { type: 'string', minLength: 1 },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    isActive: { type: 'boolean' },
    isDraft: { type: 'boolean' },
    isReadOnly: { type: 'boolean' },
    condition: { type: ['object', 'null'] },
    members: membersSchema,
    accessLevel: { enum: [...ACCESS_LEVELS] },
    resource: { type: 'string' },
    boundItemId: { type: ['string', 'null'] },
    accessType: { enum: ['Allow', 'Deny'] },
    permissionIds: { type: 'array', minItems: 3, maxItems: 3, items: { type: 'string' } },
  },
} as const;

interface StoredPolicy {
  id: string;
  name: string;
  description: string;
  isActive: boolean;
  isDraft: boolean;
  isReadOnly: boolean;
  condition: unknown;
  members: Members;
  accessLevel: Policy['accessLevel'];
  resource: string;
  boundItemId: string | null;
  accessType: Policy['accessType'];
  permissionIds: string[];
}

const POLICIES: RecordKind<Policy> = {
  prefix: 'p/',
  text(policy) {
    const stored: StoredPolicy = {
      id: policy.id,
      name: policy.name,
      description: policy.description,
      isActive: policy.isActive,
      isDraft: policy.isDraft,
      isReadOnly: policy.isReadOnly,
      condition: policy.condition,
      members: policy.members,
      accessLevel: policy.accessLevel,
      resource: policy.resource.text,
      boundItemId: policy.boundItemId,
      accessType: policy.accessType,
      permissionIds: [...policy.permissionIds],
    };
    return JSON.stringify(stored);
  },
  decode(storageKey, json) {
    if (!schemaValidator('policy-record', policySchema)(json)) throw corrupt(`A stored record is not a policy: \`${storageKey}\``);
    const r = json as StoredPolicy;
    const resource = checkResource(r.resource);
    if ('problems' in resource) throw corrupt(`A stored policy has a malformed resource: \`${storageKey}\``);
    let condition;
    try {
      condition = parseCondition(r.condition, '/condition', r.accessType);
    } catch (cause) {
      throw corrupt(`A stored policy's condition does not decode: \`${storageKey}\``, cause);
    }
    // policyOf takes the fields it knows, in its own order: the stored ones, and what they derive.
    return policyOf({
      ...r,
      sortKey: r.name.toLowerCase(),
      condition,
      compiled: condition === null ? null : compileCondition(condition),
      resource: resource.target,
      permissionIds: Object.freeze(r.permissionIds),
    });
  },
  idOf: (policy) => policy.id,
  delta: (policy) => ({ kind: 'putPolicy', policy }),
};

const principalRefSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'kind'],
  properties: { id: { type: 'string' }, kind: { enum: ['user', 'token', 'serviceIdentity'] } },
} as const;

const approvalSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'sequence', 'policyId', 'path', 'itemId', 'action', 'requester', 'justification', 'status', 'createdAt', 'expiresAt', 'approvers', 'validForMs'],
  properties: {
    id: { type: 'string', minLength: 1 },
    sequence: { type: 'integer', minimum: 0 },
    policyId: { type: 'string' },
    path: { type: 'string' },
    itemId: { type: 'string' },
    action: { type: 'string' },
    requester: principalRefSchema,
    justification: { type: 'string' },
    status: { enum: ['pending', 'approved', 'rejected', 'withdrawn', 'revoked'] },
    createdAt: { type: 'number' },
    expiresAt: { type: 'number' },
    approvers: {
      type: 'object',
      additionalProperties: false,
      required: ['userIds', 'tags'],
      properties: { userIds: { type: 'array', items: { type: 'string' } }, tags: { type: 'array', items: { type: 'string' } } },
    },
    validForMs: { type: 'number' },
    decidedBy: principalRefSchema,
    decidedAt: { type: 'number' },
    approvedAt: { type: 'number' },
    comment: { type: 'string' },
  },
} as const;

const APPROVALS: RecordKind<ApprovalRequest> = {
  prefix: 'a/',
  text: (request) => JSON.stringify(request),
  decode(storageKey, json) {
    if (!schemaValidator('approval-record', approvalSchema)(json)) throw corrupt(`A stored record is not an approval request: \`${storageKey}\``);
    return Object.freeze(json as ApprovalRequest);
  },
  idOf: (request) => request.id,
  delta: (request) => ({ kind: 'putApproval', request }),
};

/** The kinds of state records, in the order open reads them (items first: policies bind to them). */
export const RECORD_KINDS = Object.freeze({ item: ITEMS, policy: POLICIES, approval: APPROVALS });
export type RecordKindName = keyof typeof RECORD_KINDS;

/** The prefix of secret-value records: `v/<itemId>/<version>`, one per kept version. */
const VALUE_PREFIX = 'v/';

export function valueKey(itemId: string, version: number): string {
  return `${VALUE_PREFIX}${itemId}/${version}`;
}

/** The value under `valueKey(itemId, version)`, or undefined when it does not open there. */
export function openValue(keys: StoreKeys, itemId: string, version: number, sealed: Uint8Array): string | undefined {
  const plain = keys.openValue(sealed, valueKey(itemId, version));
  return plain?.toString('utf8');
}

function keyOf(change: Exclude<RecordChange, { kind: 'value' }>): string {
  return RECORD_KINDS[change.kind].prefix + change.id;
}

/**
 * Decodes one stored state record at open: the delta it makes, and its text
 * added to the digest. CORRUPT when it does not open, parse or match its key.
 */
export function decodeRecord(keys: StoreKeys, kind: RecordKindName, storageKey: string, sealed: Uint8Array, digest: RecordDigest, context: DecodeContext): Delta {
  const table = RECORD_KINDS[kind] as RecordKind<unknown>;
  const text = openText(keys, storageKey, sealed);
  digest.toggle(text);
  const value = table.decode(storageKey, parseJson(storageKey, text), context);
  if (storageKey !== table.prefix + table.idOf(value)) throw corrupt(`A stored record is not under its own key: \`${storageKey}\``);
  return table.delta(value);
}

/** The text a state record holds now (for the digest), from the published state; undefined when there is none. */
export type PreviousText = (kind: RecordKindName, id: string) => string | undefined;

/** The text of a state record, as it is stored. */
export function recordText(kind: RecordKindName, value: unknown): string {
  return (RECORD_KINDS[kind] as RecordKind<unknown>).text(value);
}

/**
 * The adapter writes of one change: each record sealed under its key, and the
 * bookkeeping record with the new revision and digest. `digest` is updated in
 * place (pass a copy; keep it once the batch resolved): the share of each
 * changed record's old text out, the new one in.
 */
export function encodeChange(keys: StoreKeys, records: readonly RecordChange[], revision: number, digest: RecordDigest, previousText: PreviousText): BatchOperation[] {
  const operations: BatchOperation[] = [];
  // A record written twice in one batch: its second write replaces the text of the first.
  const written = new Map<string, string | null>();
  for (const change of records) {
    if (change.kind === 'value') {
      const key = valueKey(change.itemId, change.version);
      if (change.value === null) operations.push({ type: 'del', key });
      else operations.push({ type: 'put', key, value: keys.sealValue(encoder.encode(change.value), key) });
      continue;
    }
    const key = keyOf(change);
    const before = written.has(key) ? written.get(key) : previousText(change.kind, change.id);
    if (before !== undefined && before !== null) digest.toggle(before);
    const value = change.kind === 'item' ? change.item : change.kind === 'policy' ? change.policy : change.request;
    if (value === null) {
      written.set(key, null);
      operations.push({ type: 'del', key });
      continue;
    }
    const text = recordText(change.kind, value);
    written.set(key, text);
    digest.toggle(text);
    operations.push({ type: 'put', key, value: sealText(keys, key, text) });
  }
  // One bookkeeping record per batch: the revision and the digest of the records after it.
  operations.push({ type: 'put', key: META.revision, value: sealMeta(keys, META.revision, { revision, digest: digest.toBase64() }) });
  return operations;
}
