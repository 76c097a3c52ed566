// Item operations: get, create, patch, delete — each input → checks in the
// usual order → a Change (the records to write, the result, the reason).
// Values are records of their own, one per kept version: a patch with a value
// writes the new version and drops the one before the previous (a reader that
// decided on the previous version still finds it); a delete drops both.

import { freeze, produce } from 'immer';
import { changeOf, type Change, type RecordChange } from '../change.js';
import { decide, type Caller } from '../decide.js';
import type { Decision } from '../decision.js';
import { alreadyExists, conflict, invalid, notEmpty } from '../errors.js';
import { childViews, itemView, parseCreateBody, parsePatchBody, parsePatchOptions, type ItemView } from '../item.js';
import { parsePath } from '../paths.js';
import type { State } from '../state/state.js';
import type { ItemNode, ItemRecord } from '../types.js';
import { parseAll } from '../validate.js';
import { endedRequests } from '../approvals.js';
import { authorize, existing, factsOf } from './steps.js';

/** How many versions of a value are kept: the current one and the one before it. */
export const KEPT_VALUE_VERSIONS = 2;

/** What an item write needs besides the caller: the time, new ids, the size limit. */
export interface ItemContext {
  readonly now: number;
  readonly newId: () => string;
  readonly maxSecretBytes: number;
}

/** The stored record of a node (what an item record holds). */
export function recordOf(node: ItemNode): ItemRecord {
  return {
    id: node.id,
    parentId: node.parentId,
    name: node.name,
    type: node.type,
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
    createdBy: node.createdBy,
    description: node.description,
    version: node.version,
    acl: node.acl,
  };
}

/** What `get` found and decided; the shell adds a secret's value (read by item id and version). */
export interface GetOutcome {
  readonly node: ItemNode;
  readonly view: ItemView;
  readonly decision: Decision;
}

/**
 * get(path): a directory with its children (list right), or a secret's
 * metadata (read right). A caller who only sees the path toward a grant gets
 * the children that lead to it.
 */
export function getItem(state: State, caller: Caller, rawPath: unknown): GetOutcome {
  const path = parsePath(rawPath).path;
  const node = existing(state, caller, path, 'read');
  const { decision, isPathOnly } = decide(state, caller, { kind: 'item', operation: node.type === 'directory' ? 'list' : 'read', path });
  // One verb whatever the item is: a refusal must not tell a directory from a secret.
  authorize(decision, 'read', path);
  const view = itemView(node);
  if (view.type === 'directory') {
    const children = state.items.childrenOf(node.ordinal);
    if (isPathOnly) {
      const facts = factsOf(caller);
      view.children = childViews(children, (child) => state.grants.leadsToGrant(caller.members, child.ordinal, facts));
    } else view.children = childViews(children);
  }
  return { node, view, decision };
}

export function createItem(state: State, caller: Caller, rawPath: unknown, rawBody: unknown, context: ItemContext): Change<ItemView> {
  // (1) input; `create('/')` is ALREADY_EXISTS for everyone.
  const [parsed, body] = parseAll(
    () => parsePath(rawPath),
    () => parseCreateBody(rawBody, context.maxSecretBytes),
  );
  if (parsed.segments.length === 0) throw alreadyExists('Item', '/');
  const path = parsed.path;
  const parentPath = parsed.segments.length === 1 ? '/' : path.slice(0, path.length - parsed.segments[parsed.segments.length - 1]!.length - 1);
  // (2) the directory to create in; a refusal names the path asked for, never the parent.
  const parent = existing(state, caller, parentPath, 'create', path);
  // (3) create X: the parent's ACL, the policies on X.
  const { decision } = decide(state, caller, { kind: 'item', operation: 'create', path });
  authorize(decision, 'create', path);
  // (4) state
  if (parent.type !== 'directory') throw invalid('/path', `the parent \`${parentPath}\` is a secret, not a directory`);
  if (state.items.at(path) !== undefined) throw alreadyExists('Item', path);
  const item: ItemRecord = freeze({
    id: context.newId(),
    parentId: parent.id,
    name: parsed.segments[parsed.segments.length - 1]!,
    type: body.type,
    createdAt: context.now,
    updatedAt: context.now,
    createdBy: caller.principal.id,
    description: body.description,
    version: body.type === 'secret' ? 1 : 0,
    acl: parent.acl, // INVARIANT: a copy of the parent's ACL at this moment (immutable, so shared)
  });
  const records: RecordChange[] = [{ kind: 'item', id: item.id, item }];
  if (body.type === 'secret') records.push({ kind: 'value', itemId: item.id, version: 1, value: body.value! });
  const view = itemView({ ...item, ordinal: -1, parent: parent.ordinal, path });
  return changeOf(records, view, decision.reason);
}

export function patchItem(state: State, caller: Caller, rawPath: unknown, rawBody: unknown, rawOptions: unknown, context: ItemContext): Change<ItemView> {
  const [parsed, body, { ifVersion }] = parseAll(
    () => parsePath(rawPath),
    () => parsePatchBody(rawBody, context.maxSecretBytes),
    () => parsePatchOptions(rawOptions),
  );
  const path = parsed.path;
  const node = existing(state, caller, path, 'update');
  const { decision } = decide(state, caller, { kind: 'item', operation: node.type === 'secret' ? 'patchSecret' : 'patchDirectory', path });
  authorize(decision, 'update', path);
  if (node.type === 'directory' && body.value !== undefined) throw invalid('/value', 'a directory has no value');
  if (node.type === 'directory' && ifVersion !== undefined) throw invalid('/options/ifVersion', 'a directory has no version');
  if (ifVersion !== undefined && ifVersion !== node.version) throw conflict(`\`${path}\` is at version ${node.version}, not ${ifVersion}`);
  const hasValue = body.value !== undefined;
  const item = produce(recordOf(node), (draft) => {
    draft.updatedAt = context.now;
    if (body.description !== undefined) draft.description = body.description ?? undefined;
    if (hasValue) draft.version += 1; // +1 on every patch with a value, even an equal one
  });
  const records: RecordChange[] = [{ kind: 'item', id: item.id, item }];
  if (hasValue) {
    records.push({ kind: 'value', itemId: item.id, version: item.version, value: body.value! });
    const dropped = item.version - KEPT_VALUE_VERSIONS;
    if (dropped >= 1) records.push({ kind: 'value', itemId: item.id, version: dropped, value: null });
  }
  return changeOf(records, itemView({ ...item, ordinal: node.ordinal, parent: node.parent, path }), decision.reason);
}

export function deleteItem(state: State, caller: Caller, rawPath: unknown, context: Pick<ItemContext, 'now'>): Change<undefined> {
  const path = parsePath(rawPath).path;
  if (path === '/') throw invalid('/path', 'the root directory cannot be deleted');
  const node = existing(state, caller, path, 'delete');
  const { decision } = decide(state, caller, { kind: 'item', operation: 'delete', path });
  authorize(decision, 'delete', path);
  if (node.type === 'directory' && state.items.childCount(node.ordinal) > 0) throw notEmpty(path);
  const records: RecordChange[] = [{ kind: 'item', id: node.id, item: null }];
  if (node.type === 'secret') {
    for (let version = node.version; version > node.version - KEPT_VALUE_VERSIONS && version >= 1; version--) records.push({ kind: 'value', itemId: node.id, version, value: null });
  }
  // The requests for the item end with it; the policies bound to it die (the grants index sees the delete).
  for (const request of endedRequests(state.approvals.ofItem(node.id), context.now)) records.push({ kind: 'approval', id: request.id, request });
  return changeOf(records, undefined, decision.reason);
}
