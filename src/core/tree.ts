// The item tree (SPEC §3): lookups by path and the structural changes of
// create / patch / delete as pure functions over an immutable root. Changes go
// through immer, which copies only the nodes on the changed path.
// Cost: lookup O(depth); a change O(depth × siblings on the path).

import { enableMapSet, freeze, produce, type Draft } from 'immer';
import type { ParsedPath } from './paths.js';
import { childOf, deleteChild, emptyChildren, setChild } from './children.js';
import type { Acl, ItemNode, ItemType } from './types.js';

enableMapSet();

/** A new, empty root directory (ordinal 0). */
export function newRoot(id: string, now: number, createdBy: string): ItemNode {
  return freeze(
    {
      id,
      ordinal: 0,
      ancestry: [],
      lineage: [0],
      name: '',
      type: 'directory',
      createdAt: now,
      updatedAt: now,
      createdBy,
      description: undefined,
      version: 0,
      acl: [],
      children: emptyChildren(),
    } satisfies ItemNode,
    true,
  );
}

/**
 * Deep-freezes a tree built outside immer (at load, in a fixture), knowing its
 * shape: nodes, their child tables and bucket Maps, ACL and lineage arrays.
 * immer then treats it as frozen and never walks it again. O(items), and
 * several times cheaper than a generic deep freeze that inspects every value.
 */
export function freezeTree(node: ItemNode): ItemNode {
  const table = node.children;
  if (table !== undefined) {
    for (const bucket of table.buckets) {
      if (bucket === undefined) continue;
      for (const child of bucket.values()) freezeTree(child);
      Object.freeze(bucket);
    }
    Object.freeze(table.buckets);
    Object.freeze(table);
  }
  Object.freeze(node.acl);
  if (node.lineage !== undefined) Object.freeze(node.lineage);
  Object.freeze(node.ancestry);
  return Object.freeze(node);
}

/** The node at `segments`, or undefined. O(depth). */
export function findItem(root: ItemNode, segments: readonly string[]): ItemNode | undefined {
  let node: ItemNode | undefined = root;
  for (const segment of segments) {
    node = childOf(node.children, segment);
    if (node === undefined) return undefined;
  }
  return node;
}

/** The nodes from the root to `segments` (root first), stopping at the first missing one. */
export function nodesOnPath(root: ItemNode, segments: readonly string[]): ItemNode[] {
  const out: ItemNode[] = [root];
  let node: ItemNode | undefined = root;
  for (const segment of segments) {
    node = childOf(node.children, segment);
    if (node === undefined) break;
    out.push(node);
  }
  return out;
}

export interface NewItem {
  readonly id: string;
  readonly ordinal: number;
  /** The parent directory's lineage. */
  readonly ancestry: readonly number[];
  readonly type: ItemType;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly description: string | undefined;
  readonly acl: Acl;
}

/** Builds the node for a new item (a secret starts at version 1). */
export function makeNode(name: string, item: NewItem): ItemNode {
  return {
    id: item.id,
    ordinal: item.ordinal,
    ancestry: item.ancestry,
    lineage: item.type === 'directory' ? Object.freeze([...item.ancestry, item.ordinal]) : undefined,
    name,
    type: item.type,
    createdAt: item.createdAt,
    updatedAt: item.createdAt,
    createdBy: item.createdBy,
    description: item.description,
    version: item.type === 'secret' ? 1 : 0,
    acl: item.acl,
    children: item.type === 'directory' ? emptyChildren() : undefined,
  };
}

// Walks a draft to the directory at `segments`. The caller has checked it exists.
function draftAt(root: Draft<ItemNode>, segments: readonly string[]): Draft<ItemNode> {
  let node = root;
  for (const segment of segments) {
    const next = childOf(node.children, segment) as Draft<ItemNode> | undefined;
    if (next === undefined) throw new Error(`INVARIANT: path checked before the change (${segments.length})`);
    node = next;
  }
  return node;
}

/** Returns a root with `node` added under the directory at `parent`. */
export function withChild(root: ItemNode, parent: ParsedPath, node: ItemNode): ItemNode {
  return produce(root, (draft) => {
    setChild(draftAt(draft, parent.segments).children!, node);
  });
}

/** Returns a root with the item at `path` replaced by `update(item)`. */
export function withItemChanged(root: ItemNode, path: ParsedPath, update: (item: Draft<ItemNode>) => void): ItemNode {
  return produce(root, (draft) => {
    update(draftAt(draft, path.segments));
  });
}

/** Returns a root without the (non-root) item at `path`. */
export function withoutItem(root: ItemNode, path: ParsedPath): ItemNode {
  const parentSegments = path.segments.slice(0, -1);
  const name = path.segments[path.segments.length - 1]!;
  return produce(root, (draft) => {
    deleteChild(draftAt(draft, parentSegments).children!, name);
  });
}
