// Records ↔ adapter keys and sealed values. The layout is written down in
// docs/storage.md; FORMAT_VERSION names it so a later change can migrate.
// INVARIANT: every value written is sealed, bound to its own storage key
// (secret values also to their item id and version).

import type { BatchOperation } from './adapter.js';
import type { RecordDigest, StoreKeys } from './crypto.js';
import { corrupt } from './core/errors.js';
import type { RecordChange } from './core/items.js';
import { compileCondition, parseCondition } from './core/conditions/index.js';
import { ACCESS_LEVELS } from './core/permissions.js';
import { membersSchema, policyOf, type Members, type Policy } from './core/policy.js';
import type { PolicyRecordChange } from './core/policy-ops.js';
import type { ApprovalRequest } from './core/approvals.js';
import { checkResource } from './core/resources.js';
import type { Acl, AclEntry, ItemNode } from './core/types.js';
import { emptyChildren } from './core/children.js';
import { schemaValidator } from './core/validate.js';

export const FORMAT_VERSION = 1;

export const KEYS = Object.freeze({
  format: '!format',
  keyCheck: '!keycheck',
  revision: '!revision',
  itemPrefix: 'item:',
  valuePrefix: 'value:',
  policyPrefix: 'policy:',
  approvalPrefix: 'approval:',
});

/** The range of every key that starts with `prefix` (`:` + 1 is `;`). */
export function prefixRange(prefix: string): { gte: string; lt: string } {
  return { gte: prefix, lt: prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1) };
}

const KEY_CHECK_TEXT = 'coffer key check v1';
const encoder = new TextEncoder();

// ---------------------------------------------------------------- sealing JSON records

export function sealRecord(keys: StoreKeys, storageKey: string, record: unknown): Uint8Array {
  return keys.sealRecord(encoder.encode(JSON.stringify(record)), storageKey);
}

/**
 * Opens and parses a record; CORRUPT when it does not authenticate or parse.
 * With a digest, the record's share is added to it (loading at open).
 */
export function openRecord(keys: StoreKeys, storageKey: string, sealed: Uint8Array, digest?: RecordDigest): unknown {
  const plain = keys.openRecord(sealed, storageKey);
  if (plain === undefined) throw corrupt(`The record \`${storageKey}\` fails authentication (edited, truncated or moved)`);
  digest?.toggle(plain);
  try {
    return JSON.parse(plain.toString('utf8'));
  } catch (cause) {
    throw corrupt(`The record \`${storageKey}\` does not decode`, cause);
  }
}

export function keyCheckValue(keys: StoreKeys): Uint8Array {
  return keys.sealRecord(encoder.encode(KEY_CHECK_TEXT), KEYS.keyCheck);
}

/** True when the key-check record opens with these keys. */
export function keyCheckOpens(keys: StoreKeys, sealed: Uint8Array): boolean {
  const plain = keys.openRecord(sealed, KEYS.keyCheck);
  return plain !== undefined && plain.toString('utf8') === KEY_CHECK_TEXT;
}

// ---------------------------------------------------------------- secret values

function valueAdditionalData(itemId: string, version: number): string {
  return `${KEYS.valuePrefix}${itemId}\u0000${version}`;
}

export function valueKey(itemId: string): string {
  return KEYS.valuePrefix + itemId;
}

export function sealValue(keys: StoreKeys, itemId: string, version: number, value: string): Uint8Array {
  return keys.sealValue(encoder.encode(value), valueAdditionalData(itemId, version));
}

/** The value, or undefined when it does not open for this item id and version. */
export function openValue(keys: StoreKeys, itemId: string, version: number, sealed: Uint8Array): string | undefined {
  return keys.openValue(sealed, valueAdditionalData(itemId, version))?.toString('utf8');
}

// ---------------------------------------------------------------- items

export function itemKey(path: string): string {
  return KEYS.itemPrefix + path;
}

interface ItemRecord {
  id: string;
  type: 'directory' | 'secret';
  createdAt: number;
  updatedAt: number;
  createdBy: string;
  description?: string;
  version: number;
  /** [entity type, entity id, access] */
  acl: ['user' | 'group', string, 'read' | 'read_write'][];
}

const itemRecordSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'createdAt', 'updatedAt', 'createdBy', 'version', 'acl'],
  properties: {
    id: { type: 'string', minLength: 1 },
    type: { enum: ['directory', 'secret'] },
    createdAt: { type: 'number' },
    updatedAt: { type: 'number' },
    createdBy: { type: 'string' },
    description: { type: 'string' },
    version: { type: 'integer', minimum: 0 },
    acl: {
      type: 'array',
      items: {
        type: 'array',
        minItems: 3,
        maxItems: 3,
        items: [{ enum: ['user', 'group'] }, { type: 'string' }, { enum: ['read', 'read_write'] }],
      },
    },
  },
} as const;

function itemRecord(node: ItemNode): ItemRecord {
  const record: ItemRecord = {
    id: node.id,
    type: node.type,
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
    createdBy: node.createdBy,
    version: node.version,
    acl: node.acl.map((e) => [e.entity.type, e.entity.id, e.access]),
  };
  if (node.description !== undefined) record.description = node.description;
  return record;
}

/**
 * Decodes item records at open. Equal ACLs and principal ids are interned, so
 * 100k items that copied one ACL hold one array (SPEC §4 copies are immutable).
 */
export class ItemDecoder {
  private readonly acls = new Map<string, Acl>();
  private readonly strings = new Map<string, string>();

  constructor(
    private readonly keys: StoreKeys,
    private readonly digest: RecordDigest,
  ) {}

  /**
   * One node, children empty for a directory. Built as one literal in a fixed
   * field order (not a spread), so all nodes share a hidden class: a spread
   * plus an extra field gives every object a map of its own (~500 B each).
   */
  decode(storageKey: string, sealed: Uint8Array, name: string, ordinal: number, ancestry: readonly number[]): ItemNode {
    const record = openRecord(this.keys, storageKey, sealed, this.digest);
    const validator = schemaValidator('item-record', itemRecordSchema);
    if (!validator(record)) throw corrupt(`The record \`${storageKey}\` is not an item record`);
    const r = record as ItemRecord;
    return {
      id: r.id,
      ordinal,
      ancestry,
      lineage: r.type === 'directory' ? [...ancestry, ordinal] : undefined,
      name,
      type: r.type,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      createdBy: this.intern(r.createdBy),
      description: r.description,
      version: r.version,
      acl: this.internAcl(r.acl),
      children: r.type === 'directory' ? emptyChildren() : undefined,
    };
  }

  private intern(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    this.strings.set(text, text);
    return text;
  }

  private internAcl(entries: ItemRecord['acl']): Acl {
    const signature = JSON.stringify(entries);
    const known = this.acls.get(signature);
    if (known !== undefined) return known;
    const acl: Acl = Object.freeze(
      entries.map(([type, id, access]): AclEntry => Object.freeze({ entity: Object.freeze({ type, id: this.intern(id) }), access })),
    );
    this.acls.set(signature, acl);
    return acl;
  }
}

// ---------------------------------------------------------------- policies

export function policyKey(id: string): string {
  return KEYS.policyPrefix + id;
}

interface PolicyRecord {
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

const policyRecordSchema = {
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

function policyRecord(policy: Policy): PolicyRecord {
  return {
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
}

/** Decodes a policy record at open: the condition is parsed and compiled again. */
export function decodePolicy(keys: StoreKeys, storageKey: string, sealed: Uint8Array, digest: RecordDigest): Policy {
  const record = openRecord(keys, storageKey, sealed, digest);
  if (!schemaValidator('policy-record', policyRecordSchema)(record)) throw corrupt(`The record \`${storageKey}\` is not a policy record`);
  const r = record as PolicyRecord;
  const resource = checkResource(r.resource);
  if ('problems' in resource || storageKey !== policyKey(r.id)) throw corrupt(`The record \`${storageKey}\` does not decode`);
  let condition;
  try {
    condition = parseCondition(r.condition, '/condition', r.accessType);
  } catch (cause) {
    throw corrupt(`The condition of \`${storageKey}\` does not decode`, cause);
  }
  return policyOf({
    id: r.id,
    name: r.name,
    sortKey: r.name.toLowerCase(),
    description: r.description,
    isActive: r.isActive,
    isDraft: r.isDraft,
    isReadOnly: r.isReadOnly,
    condition,
    compiled: condition === null ? null : compileCondition(condition),
    members: r.members,
    accessLevel: r.accessLevel,
    resource: resource.target,
    boundItemId: r.boundItemId,
    accessType: r.accessType,
    permissionIds: Object.freeze(r.permissionIds),
  });
}

// ---------------------------------------------------------------- approvals

export function approvalKey(id: string): string {
  return KEYS.approvalPrefix + id;
}

const principalRefSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'kind'],
  properties: { id: { type: 'string' }, kind: { enum: ['user', 'token', 'serviceIdentity'] } },
} as const;

const approvalRecordSchema = {
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

export function decodeApproval(keys: StoreKeys, storageKey: string, sealed: Uint8Array, digest: RecordDigest): ApprovalRequest {
  const record = openRecord(keys, storageKey, sealed, digest);
  if (!schemaValidator('approval-record', approvalRecordSchema)(record) || storageKey !== approvalKey((record as ApprovalRequest).id)) {
    throw corrupt(`The record \`${storageKey}\` is not an approval record`);
  }
  return Object.freeze(record as ApprovalRequest);
}

/** An approval change the shell writes. */
export type ApprovalRecordChange = { readonly kind: 'putApproval'; readonly request: ApprovalRequest };

// ---------------------------------------------------------------- batches

export type AnyRecordChange = RecordChange | PolicyRecordChange | ApprovalRecordChange;

/** The plaintext a record change writes (deterministic: re-encoding a loaded record gives the same text). */
export function itemText(node: ItemNode): string {
  return JSON.stringify(itemRecord(node));
}
export function policyText(policy: Policy): string {
  return JSON.stringify(policyRecord(policy));
}
export function approvalText(request: ApprovalRequest): string {
  return JSON.stringify(request);
}

/** The storage key of a metadata record change (values are bound by item version instead). */
function recordKeyOf(change: AnyRecordChange): string | undefined {
  switch (change.kind) {
    case 'putItem':
    case 'deleteItem':
      return itemKey(change.path);
    case 'putPolicy':
      return policyKey(change.policy.id);
    case 'deletePolicy':
      return policyKey(change.id);
    case 'putApproval':
      return approvalKey(change.request.id);
    default:
      return undefined;
  }
}

/**
 * The adapter writes for one operation's record changes, plus the new
 * revision and the new digest. `previousText` gives the plaintext a changed
 * record holds now (undefined for a new one), so its share leaves the digest.
 * `digest` is updated in place: pass a copy, publish it after the batch.
 */
export function encodeChanges(
  keys: StoreKeys,
  changes: readonly AnyRecordChange[],
  revision: number,
  digest: RecordDigest,
  previousText: (change: AnyRecordChange) => string | undefined,
): BatchOperation[] {
  const operations: BatchOperation[] = [];
  for (const change of changes) {
    const recordKey = recordKeyOf(change);
    if (recordKey !== undefined) {
      const before = previousText(change);
      if (before !== undefined) digest.toggle(before);
    }
    switch (change.kind) {
      case 'putItem': {
        const text = itemText(change.node);
        digest.toggle(text);
        operations.push({ type: 'put', key: recordKey!, value: keys.sealRecord(encoder.encode(text), recordKey!) });
        break;
      }
      case 'deleteItem':
        operations.push({ type: 'del', key: recordKey! });
        break;
      case 'putValue':
        operations.push({ type: 'put', key: valueKey(change.itemId), value: sealValue(keys, change.itemId, change.version, change.value) });
        break;
      case 'deleteValue':
        operations.push({ type: 'del', key: valueKey(change.itemId) });
        break;
      case 'putPolicy': {
        const text = policyText(change.policy);
        digest.toggle(text);
        operations.push({ type: 'put', key: recordKey!, value: keys.sealRecord(encoder.encode(text), recordKey!) });
        break;
      }
      case 'deletePolicy':
        operations.push({ type: 'del', key: recordKey! });
        break;
      case 'putApproval': {
        const text = approvalText(change.request);
        digest.toggle(text);
        operations.push({ type: 'put', key: recordKey!, value: keys.sealRecord(encoder.encode(text), recordKey!) });
        break;
      }
    }
  }
  // One bookkeeping record per batch: the revision and the digest of the records after it.
  operations.push({ type: 'put', key: KEYS.revision, value: sealRecord(keys, KEYS.revision, { revision, digest: digest.toBase64() }) });
  return operations;
}
