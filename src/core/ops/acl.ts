// ACL operations: getAccess, putAccess, deleteAccess — admins only. Checks:
// (1) input, (2) the item, (3) an admin. A change writes the item's record
// with its new ACL (one record: a reader never sees the ACL without the item).

import { produce } from 'immer';
import { withAclEntry, withoutAclEntity } from '../acl.js';
import { changeOf, noChange, type Change } from '../change.js';
import type { Caller } from '../decide.js';
import type { Decision } from '../decision.js';
import { ID_CAP } from '../input.js';
import { aclView } from '../item.js';
import { parsePath } from '../paths.js';
import type { State } from '../state/state.js';
import type { Acl, AclEntity, AclEntry, ItemNode } from '../types.js';
import { assertSchema, parseAll, schemaValidator } from '../validate.js';
import { recordOf } from './items.js';
import { authorize, existing } from './steps.js';

export const entitySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'id'],
  properties: {
    type: { enum: ['user', 'group'] },
    id: { type: 'string', minLength: 1, maxLength: ID_CAP },
  },
} as const;

export const entrySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['entity', 'access'],
  properties: {
    entity: entitySchema,
    access: { enum: ['read', 'read_write'] },
  },
} as const;

/** Validates an ACL entry body; pointers `/entity/id`, `/access`. */
export function parseAclEntry(input: unknown): AclEntry {
  assertSchema<AclEntry>(schemaValidator('acl-entry', entrySchema), input);
  return Object.freeze({ entity: Object.freeze({ type: input.entity.type, id: input.entity.id }), access: input.access });
}

/** Validates an entity argument; pointers `/entity/...`. */
export function parseAclEntity(input: unknown): AclEntity {
  assertSchema<AclEntity>(schemaValidator('acl-entity', entitySchema), input, '/entity');
  return Object.freeze({ type: input.type, id: input.id });
}

const VERB = 'manage access to';
const ADMIN_ONLY: Decision = Object.freeze({ allowed: false, effect: 'deny', reason: 'default_deny' });
const ADMIN_ALLOWED: Decision = Object.freeze({ allowed: true, effect: 'allow', reason: 'admin' });

// (2) the item, (3) admins only.
function target(state: State, caller: Caller, path: string): { node: ItemNode; decision: Decision } {
  const node = existing(state, caller, path, VERB);
  const decision = caller.principal.isAdmin ? ADMIN_ALLOWED : ADMIN_ONLY;
  authorize(decision, VERB, path);
  return { node, decision };
}

export function getAccess(state: State, caller: Caller, rawPath: unknown): Change<AclEntry[]> {
  const { node, decision } = target(state, caller, parsePath(rawPath).path);
  return noChange(aclView(node.acl), decision.reason);
}

export function putAccess(state: State, caller: Caller, rawPath: unknown, rawEntry: unknown): Change<AclEntry[]> {
  const [path, entry] = parseAll(() => parsePath(rawPath), () => parseAclEntry(rawEntry));
  const { node, decision } = target(state, caller, path.path);
  return aclChange(node, withAclEntry(node.acl, entry), decision);
}

export function deleteAccess(state: State, caller: Caller, rawPath: unknown, rawEntity: unknown): Change<AclEntry[]> {
  const [path, entity] = parseAll(() => parsePath(rawPath), () => parseAclEntity(rawEntity));
  const { node, decision } = target(state, caller, path.path);
  const acl = withoutAclEntity(node.acl, entity);
  // Deleting an entity that has no entry changes nothing and writes nothing.
  if (acl === node.acl) return noChange(aclView(acl), decision.reason);
  return aclChange(node, acl, decision);
}

// An ACL change leaves the item's times and version as they are.
function aclChange(node: ItemNode, acl: Acl, decision: Decision): Change<AclEntry[]> {
  const item = produce(recordOf(node), (draft) => {
    draft.acl = acl as AclEntry[];
  });
  return changeOf([{ kind: 'item', id: item.id, item }], aclView(acl), decision.reason);
}
