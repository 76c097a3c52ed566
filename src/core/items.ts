// Item operations (SPEC §3, §4, §5) as pure functions: (state, request, time,
// new ids) → (new state, result, record changes) or a thrown CofferError.
// Every operation runs the checks in the SPEC's order: (1) malformed input,
// (2) a missing item the operation checks, (3) authorization, (4) state.

import { parseAclEntity, parseAclEntry, withAclEntry, withoutAclEntity } from './acl.js';
import { OPERATION_RULES, type ItemOperation } from './actions.js';
import { decideDetailed, type Decision, type PolicyEvaluator } from './decision.js';
import { CofferError, alreadyExists, approvalRequired, conflict, forbidden, invalid, notEmpty, notFound, validationError, type ErrorDetail } from './errors.js';
import { nameOf, parentOf, parsePath, utf8Length, type ParsedPath } from './paths.js';
import { findItem, makeNode, withChild, withItemChanged, withoutItem } from './tree.js';
import { childCount, childNodes, childOf } from './children.js';
import type { Acl, AclEntry, ItemNode, ItemType, Principal } from './types.js';
import { detailsFromAjv, isPlainObject, isWellFormed, schemaValidator } from './validate.js';

export const DEFAULT_MAX_SECRET_BYTES = 64 * 1024;
export const MAX_DESCRIPTION_LENGTH = 4096;

/** The part of the store's state the item operations read and change. */
export interface ItemState {
  readonly root: ItemNode;
}

/**
 * Who asks, and how the policies answer for them. `policiesFor` gives the
 * policy side of a decision for an action on a path; `nodes` are the existing
 * nodes from the root toward it (root first), so a policy bound to an
 * ancestor's id can match an item that does not exist yet.
 */
export interface Caller {
  readonly principal: Principal;
  policiesFor(action: string, path: ParsedPath, nodes: readonly ItemNode[]): PolicyEvaluator;
}

/** A record change the shell turns into adapter writes (docs/storage.md). */
export type RecordChange =
  | { readonly kind: 'putItem'; readonly path: string; readonly node: ItemNode }
  | { readonly kind: 'deleteItem'; readonly path: string; readonly node: ItemNode }
  | { readonly kind: 'putValue'; readonly itemId: string; readonly version: number; readonly value: string }
  | { readonly kind: 'deleteValue'; readonly itemId: string };

export interface Change<R> {
  readonly state: ItemState;
  readonly result: R;
  readonly records: readonly RecordChange[];
  /** The decision that allowed it, for the audit event. */
  readonly decision: Decision;
}

/** An item as the API shows it (times as ISO strings). */
export interface ItemView {
  path: string;
  type: ItemType;
  id: string;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  description?: string;
  version?: number;
  value?: string;
  children?: { name: string; type: ItemType }[];
}

// ---------------------------------------------------------------- input

export interface CreateBody {
  readonly type: ItemType;
  readonly value?: string;
  readonly description?: string;
}

export interface PatchBody {
  readonly value?: string;
  /** `null` clears the description. */
  readonly description?: string | null;
}

const createSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { enum: ['directory', 'secret'] },
    value: { type: 'string' },
    description: { type: 'string', maxLength: MAX_DESCRIPTION_LENGTH },
  },
} as const;

const patchSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    value: { type: 'string' },
    description: { type: ['string', 'null'], maxLength: MAX_DESCRIPTION_LENGTH },
  },
} as const;

const patchOptionsSchema = {
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
  if (typeof description === 'string' && !isWellFormed(description)) {
    return [{ pointer: '/description', message: 'is not valid Unicode (it holds a lone surrogate)' }];
  }
  return [];
}

/** Every problem of a create body, or the body. */
export function parseCreateBody(input: unknown, maxSecretBytes: number): CreateBody {
  const validator = schemaValidator('item-create', createSchema);
  const problems: ErrorDetail[] = validator(input) ? [] : detailsFromAjv(validator.errors);
  if (isPlainObject(input)) {
    problems.push(...valueProblems(input.value, maxSecretBytes), ...descriptionProblems(input.description));
    if (input.type === 'secret' && (input.value === undefined || input.value === null)) {
      problems.push({ pointer: '/value', message: 'is required for a secret' });
    }
    if (input.type === 'directory' && input.value !== undefined) {
      problems.push({ pointer: '/value', message: 'is not allowed on a directory' });
    }
  }
  if (problems.length > 0) throw validationError(problems);
  const body = input as Record<string, unknown>;
  return {
    type: body.type as ItemType,
    ...(typeof body.value === 'string' ? { value: body.value } : {}),
    ...(typeof body.description === 'string' ? { description: body.description } : {}),
  };
}

/** Every problem of a patch body, or the body. */
export function parsePatchBody(input: unknown, maxSecretBytes: number): PatchBody {
  const validator = schemaValidator('item-patch', patchSchema);
  const problems: ErrorDetail[] = validator(input) ? [] : detailsFromAjv(validator.errors);
  if (isPlainObject(input)) problems.push(...valueProblems(input.value, maxSecretBytes), ...descriptionProblems(input.description));
  if (problems.length > 0) throw validationError(problems);
  const body = input as Record<string, unknown>;
  return {
    ...(typeof body.value === 'string' ? { value: body.value } : {}),
    ...(body.description !== undefined ? { description: body.description as string | null } : {}),
  };
}

/** Patch options: `{ ifVersion? }`; absent options are none. */
export function parsePatchOptions(input: unknown): { readonly ifVersion?: number } {
  if (input === undefined) return {};
  const validator = schemaValidator('item-patch-options', patchOptionsSchema);
  if (!validator(input)) throw validationError(detailsFromAjv(validator.errors, '/options'));
  const ifVersion = (input as { ifVersion?: number }).ifVersion;
  return ifVersion === undefined ? {} : { ifVersion };
}

// ---------------------------------------------------------------- views

export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** A fresh plain object for the API: callers may mutate it freely. */
export function itemView(node: ItemNode, path: string): ItemView {
  const view: ItemView = {
    path,
    type: node.type,
    id: node.id,
    createdAt: isoTime(node.createdAt),
    updatedAt: isoTime(node.updatedAt),
    createdBy: node.createdBy,
  };
  if (node.description !== undefined) view.description = node.description;
  if (node.type === 'secret') view.version = node.version;
  return view;
}

/** Children sorted by name in UTF-16 order (SPEC §3). O(k log k). */
export function childrenOf(node: ItemNode, keep: (child: ItemNode) => boolean = () => true): { name: string; type: ItemType }[] {
  const out: { name: string; type: ItemType }[] = [];
  for (const child of childNodes(node.children)) if (keep(child)) out.push({ name: child.name, type: child.type });
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function aclView(acl: Acl): AclEntry[] {
  return acl.map((e) => ({ entity: { type: e.entity.type, id: e.entity.id }, access: e.access }));
}

// ---------------------------------------------------------------- checks

/** Runs every parser and throws one VALIDATION with all their problems. */
export function parseAll<T extends unknown[]>(...parsers: { [K in keyof T]: () => T[K] }): T {
  const details: ErrorDetail[] = [];
  const values: unknown[] = [];
  for (const parse of parsers) {
    try {
      values.push(parse());
    } catch (error) {
      if (!(error instanceof CofferError) || error.code !== 'VALIDATION') throw error;
      details.push(...(error.details ?? []));
    }
  }
  if (details.length > 0) throw validationError(details);
  return values as T;
}

/** The existing nodes from the root toward `path`, root first. O(depth). */
export function nodesToward(root: ItemNode, path: ParsedPath): ItemNode[] {
  const nodes: ItemNode[] = [root];
  let node: ItemNode | undefined = root;
  for (const segment of path.segments) {
    node = childOf(node.children, segment);
    if (node === undefined) break;
    nodes.push(node);
  }
  return nodes;
}

/** Runs the §8 decision for `operation` on `path` (whose node chain is `nodes`). */
export function decideOperation(caller: Caller, operation: ItemOperation, path: ParsedPath, nodes: readonly ItemNode[]) {
  const rule = OPERATION_RULES[operation];
  const complete = nodes.length === path.segments.length + 1;
  // §5: a create reads the parent directory's ACL; everything else the item's own.
  const aclNode = rule.aclOn === 'parent' ? (nodes.length === path.segments.length ? nodes[nodes.length - 1] : complete ? nodes[nodes.length - 2] : undefined) : complete ? nodes[nodes.length - 1] : undefined;
  return decideDetailed({
    principal: caller.principal,
    acl: aclNode?.acl,
    aclAccess: rule.aclAccess,
    policies: caller.policiesFor(rule.action, path, nodes),
  });
}

/** "May list" D (SPEC §3): D is a directory and the caller has a full list right on it (not only the path toward a grant). */
export function mayList(state: ItemState, caller: Caller, directory: ParsedPath): boolean {
  const nodes = nodesToward(state.root, directory);
  if (nodes.length !== directory.segments.length + 1) return false;
  if (nodes[nodes.length - 1]!.type !== 'directory') return false;
  const { decision, isPathOnly } = decideOperation(caller, 'list', directory, nodes);
  return decision.allowed && !isPathOnly;
}

/** Step (2): the item the operation checks is missing → NOT_FOUND for those who may know, else FORBIDDEN. */
function missingItem(state: ItemState, caller: Caller, path: ParsedPath, verb: string, shown: string): never {
  if (caller.principal.isAdmin || (path.segments.length > 0 && mayList(state, caller, parentOf(path)))) throw notFound('item', path.path);
  throw forbidden(verb, shown);
}

/** Step (3): throws FORBIDDEN or APPROVAL_REQUIRED unless allowed. */
export function authorize(decision: Decision, verb: string, shown: string): void {
  if (decision.allowed) return;
  throw decision.effect === 'approval_required' ? approvalRequired(verb, shown, decision.policyIds ?? [], decision) : forbidden(verb, shown, decision);
}

/** Finds the item at `path`, with its node chain, or runs step (2). */
export function existing(state: ItemState, caller: Caller, path: ParsedPath, verb: string, shown = path.path): { node: ItemNode; nodes: ItemNode[] } {
  const nodes = nodesToward(state.root, path);
  if (nodes.length !== path.segments.length + 1) missingItem(state, caller, path, verb, shown);
  return { node: nodes[nodes.length - 1]!, nodes };
}

// ---------------------------------------------------------------- operations

export interface GetOutcome {
  readonly node: ItemNode;
  readonly view: ItemView;
  readonly decision: Decision;
}

/**
 * get(path): a directory with its children (list right), or a secret's
 * metadata (read right; the shell adds the value). A caller who only sees the
 * path toward a grant gets the children that lead to it (`isVisibleChild`).
 */
export function getItem(state: ItemState, caller: Caller, rawPath: unknown, visibleChild?: (caller: Caller, parent: ParsedPath, child: ItemNode) => boolean): GetOutcome {
  const path = parsePath(rawPath);
  const { node, nodes } = existing(state, caller, path, 'read');
  const operation: ItemOperation = node.type === 'directory' ? 'list' : 'read';
  const { decision, isPathOnly } = decideOperation(caller, operation, path, nodes);
  // One verb for `get` whatever the item is: a refusal must not tell a directory from a secret.
  authorize(decision, 'read', path.path);
  const view = itemView(node, path.path);
  if (node.type === 'directory') {
    view.children = isPathOnly && visibleChild !== undefined ? childrenOf(node, (child) => visibleChild(caller, path, child)) : childrenOf(node);
  }
  return { node, view, decision };
}

export interface CreateRequest {
  readonly path: unknown;
  readonly body: unknown;
  readonly maxSecretBytes: number;
  readonly now: number;
  readonly newId: string;
  /** Called once the create has passed every check, so a refused create takes no ordinal (the index keeps a row per ordinal). */
  readonly newOrdinal: () => number;
}

export function createItem(state: ItemState, caller: Caller, request: CreateRequest): Change<ItemView> {
  // (1) input; `create('/')` is ALREADY_EXISTS for everyone.
  const [path, body] = parseAll(() => parsePath(request.path), () => parseCreateBody(request.body, request.maxSecretBytes));
  if (path.segments.length === 0) throw alreadyExists('Item', '/');
  // (2) the parent directory must exist.
  const parentPath = parentOf(path);
  // A refusal names the path asked for, never the parent that is missing.
  const { node: parent } = existing(state, caller, parentPath, 'create', path.path);
  const nodes = nodesToward(state.root, path);
  // (3) create on X: the parent's ACL, policies on X.
  const { decision } = decideOperation(caller, 'create', path, nodes);
  authorize(decision, 'create', path.path);
  // (4) state
  if (parent.type !== 'directory') throw invalid('/path', `the parent \`${parentPath.path}\` is a secret, not a directory`);
  if (childOf(parent.children, nameOf(path)) !== undefined) throw alreadyExists('Item', path.path);
  const node = makeNode(nameOf(path), {
    id: request.newId,
    ordinal: request.newOrdinal(),
    ancestry: parent.lineage!,
    type: body.type,
    createdAt: request.now,
    createdBy: caller.principal.id,
    description: body.description,
    acl: parent.acl, // INVARIANT: a copy of the parent's ACL at this moment (immutable, so shared)
  });
  const root = withChild(state.root, parentPath, node);
  const created = findItem(root, path.segments)!;
  const records: RecordChange[] = [{ kind: 'putItem', path: path.path, node: created }];
  if (body.type === 'secret') records.push({ kind: 'putValue', itemId: created.id, version: created.version, value: body.value! });
  return { state: { ...state, root }, result: itemView(created, path.path), records, decision };
}

export interface PatchRequest {
  readonly path: unknown;
  readonly body: unknown;
  readonly options: unknown;
  readonly maxSecretBytes: number;
  readonly now: number;
}

export function patchItem(state: ItemState, caller: Caller, request: PatchRequest): Change<ItemView> {
  const [path, body, { ifVersion }] = parseAll(
    () => parsePath(request.path),
    () => parsePatchBody(request.body, request.maxSecretBytes),
    () => parsePatchOptions(request.options),
  );
  const { node, nodes } = existing(state, caller, path, 'update');
  const operation: ItemOperation = node.type === 'secret' ? 'patchSecret' : 'patchDirectory';
  const { decision } = decideOperation(caller, operation, path, nodes);
  authorize(decision, 'update', path.path);
  if (node.type === 'directory' && body.value !== undefined) throw invalid('/value', 'a directory has no value');
  if (node.type === 'directory' && ifVersion !== undefined) throw invalid('/options/ifVersion', 'a directory has no version');
  if (ifVersion !== undefined && ifVersion !== node.version) {
    throw conflict(`\`${path.path}\` is at version ${node.version}, not ${ifVersion}`);
  }
  const hasValue = body.value !== undefined;
  const root = withItemChanged(state.root, path, (draft) => {
    draft.updatedAt = request.now;
    if (body.description !== undefined) draft.description = body.description ?? undefined;
    if (hasValue) draft.version += 1; // +1 on every patch with a value, even an equal one
  });
  const changed = findItem(root, path.segments)!;
  const records: RecordChange[] = [{ kind: 'putItem', path: path.path, node: changed }];
  if (hasValue) records.push({ kind: 'putValue', itemId: changed.id, version: changed.version, value: body.value! });
  return { state: { ...state, root }, result: itemView(changed, path.path), records, decision };
}

export function deleteItem(state: ItemState, caller: Caller, rawPath: unknown): Change<undefined> {
  const path = parsePath(rawPath);
  if (path.segments.length === 0) throw invalid('/path', 'the root directory cannot be deleted');
  const { node, nodes } = existing(state, caller, path, 'delete');
  const { decision } = decideOperation(caller, 'delete', path, nodes);
  authorize(decision, 'delete', path.path);
  if (node.type === 'directory' && childCount(node.children) > 0) throw notEmpty(path.path);
  const root = withoutItem(state.root, path);
  const records: RecordChange[] = [{ kind: 'deleteItem', path: path.path, node }];
  if (node.type === 'secret') records.push({ kind: 'deleteValue', itemId: node.id });
  return { state: { ...state, root }, result: undefined, records, decision };
}

// ---------------------------------------------------------------- ACLs (SPEC §4)

const ADMIN_ONLY: Decision = Object.freeze({ allowed: false, effect: 'deny', reason: 'default_deny' });
const ADMIN_ALLOWED: Decision = Object.freeze({ allowed: true, effect: 'allow', reason: 'admin' });

// ACL operations: (1) input, (2) the item, (3) admins only.
function aclTarget(state: ItemState, caller: Caller, rawPath: unknown): { path: ParsedPath; node: ItemNode } {
  const path = parsePath(rawPath);
  return { path, node: existing(state, caller, path, 'manage access to').node };
}

function requireAdmin(caller: Caller, path: ParsedPath): Decision {
  const decision = caller.principal.isAdmin ? ADMIN_ALLOWED : ADMIN_ONLY;
  authorize(decision, 'manage access to', path.path);
  return decision;
}

export function getAccess(state: ItemState, caller: Caller, rawPath: unknown): { result: AclEntry[]; decision: Decision } {
  const { path, node } = aclTarget(state, caller, rawPath);
  const decision = requireAdmin(caller, path);
  return { result: aclView(node.acl), decision };
}

export function putAccess(state: ItemState, caller: Caller, rawPath: unknown, rawEntry: unknown): Change<AclEntry[]> {
  const [path, entry] = parseAll(() => parsePath(rawPath), () => parseAclEntry(rawEntry));
  const { node } = aclTarget(state, caller, path.path);
  const decision = requireAdmin(caller, path);
  const acl = withAclEntry(node.acl, entry);
  return aclChange(state, path, acl, decision);
}

export function deleteAccess(state: ItemState, caller: Caller, rawPath: unknown, rawEntity: unknown): Change<AclEntry[]> {
  const [path, entity] = parseAll(() => parsePath(rawPath), () => parseAclEntity(rawEntity));
  const { node } = aclTarget(state, caller, path.path);
  const decision = requireAdmin(caller, path);
  const acl = withoutAclEntity(node.acl, entity);
  // Deleting an entity that has no entry changes nothing and writes nothing.
  if (acl === node.acl) return { state, result: aclView(acl), records: [], decision };
  return aclChange(state, path, acl, decision);
}

function aclChange(state: ItemState, path: ParsedPath, acl: Acl, decision: Decision): Change<AclEntry[]> {
  const root = withItemChanged(state.root, path, (draft) => {
    draft.acl = acl as AclEntry[];
  });
  const node = findItem(root, path.segments)!;
  return { state: { ...state, root }, result: aclView(acl), records: [{ kind: 'putItem', path: path.path, node }], decision };
}
