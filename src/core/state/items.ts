// The item index: every item by ordinal, by canonical path and by id, each
// directory's children by name, and a 32-bit filter per item of who its ACL
// can name. It owns these facts alone and changes only through `apply`.
// Costs: a lookup by path or id O(1); a listing O(k log k) for k children;
// apply O(1) per item (O(depth) to link a batch that arrives child first).

import { corrupt } from '../errors.js';
import { aclFilterBits } from '../acl.js';
import type { Delta } from '../change.js';
import type { ItemNode, ItemRecord } from '../types.js';

/** The ordinal of the root directory, the first item of every store. */
export const ROOT_ORDINAL = 0;
const NO_PARENT = -1;

/**
 * The items of a store. Reads are synchronous and see the state of the last
 * `apply`; a node object is never changed (a patch replaces it), so a reader
 * holding one sees one consistent item.
 */
export class Items {
  /** By ordinal; undefined once deleted (ordinals are not reused). */
  readonly #nodes: (ItemNode | undefined)[] = [];
  readonly #byPath = new Map<string, number>();
  readonly #byId = new Map<string, number>();
  /** A directory's children, name → ordinal; by the directory's ordinal. */
  readonly #children: (Map<string, number> | undefined)[] = [];
  /** By ordinal: the ACL filter (aclFilterBits). Grown by doubling. */
  #aclBits = new Int32Array(1024);

  /** How many items exist. */
  get size(): number {
    return this.#byId.size;
  }

  /** The root directory. */
  get root(): ItemNode {
    return this.#nodes[ROOT_ORDINAL]!;
  }

  /** The item at a canonical path. O(1). */
  at(path: string): ItemNode | undefined {
    const ordinal = this.#byPath.get(path);
    return ordinal === undefined ? undefined : this.#nodes[ordinal];
  }

  /** Every item, root first, then in the order they were added. */
  *all(): Generator<ItemNode> {
    for (const node of this.#nodes) if (node !== undefined) yield node;
  }

  /** The ordinal of the item at a canonical path, without reading the item. O(1). */
  ordinalAt(path: string): number | undefined {
    return this.#byPath.get(path);
  }

  /** The live item with this ordinal. O(1). */
  node(ordinal: number): ItemNode | undefined {
    return this.#nodes[ordinal];
  }

  /** The item with this id. O(1). */
  withId(id: string): ItemNode | undefined {
    const ordinal = this.#byId.get(id);
    return ordinal === undefined ? undefined : this.#nodes[ordinal];
  }

  /** True while an item with this id exists. */
  hasId(id: string): boolean {
    return this.#byId.has(id);
  }

  /** The ordinals of an item's ancestors, root first (`[]` for the root). O(depth). */
  ancestorsOf(ordinal: number): number[] {
    const out: number[] = [];
    for (let at = this.#nodes[ordinal]?.parent ?? NO_PARENT; at !== NO_PARENT; at = this.#nodes[at]!.parent) out.push(at);
    return out.reverse();
  }

  /** The number of children of a directory (0 for a secret). */
  childCount(ordinal: number): number {
    return this.#children[ordinal]?.size ?? 0;
  }

  /** A directory's child by name. */
  childNamed(ordinal: number, name: string): ItemNode | undefined {
    const child = this.#children[ordinal]?.get(name);
    return child === undefined ? undefined : this.#nodes[child];
  }

  /** A directory's children, in no particular order. */
  *childrenOf(ordinal: number): Generator<ItemNode> {
    const children = this.#children[ordinal];
    if (children === undefined) return;
    for (const child of children.values()) yield this.#nodes[child]!;
  }

  /**
   * False when the item's ACL cannot give a principal with these filter bits
   * anything (no bit in common with an entity it names); true when it may, so
   * the caller reads the ACL. Never false for an entry that would match.
   */
  aclMayGrant(ordinal: number, principalBits: number): boolean {
    return ordinal >= this.#aclBits.length || (this.#aclBits[ordinal]! & principalBits) !== 0;
  }

  /**
   * Applies the item deltas of a change (others are skipped). Puts of new
   * items may come in any order (at open, records arrive by id): a child
   * whose parent comes later is linked once the parent is. A put of a known
   * id replaces its record (items never move). Throws CORRUPT only for what
   * the store's own writes never make (an orphan, a cycle, two roots, a name
   * taken twice) — records read from storage.
   */
  apply(deltas: readonly Delta[]): void {
    let waiting: Map<string, ItemRecord> | undefined;
    for (const delta of deltas) {
      if (delta.kind === 'putItem') {
        const { item } = delta;
        const known = this.#byId.get(item.id);
        if (known !== undefined) this.#replace(known, item);
        else if (item.parentId === null || this.#byId.has(item.parentId)) this.#add(item);
        else (waiting ??= new Map()).set(item.id, item);
      } else if (delta.kind === 'deleteItem') {
        if (waiting?.delete(delta.id) !== true) this.#delete(delta.id);
      }
    }
    if (waiting !== undefined) this.#linkWaiting(waiting);
  }

  #replace(ordinal: number, item: ItemRecord): void {
    const node = this.#nodes[ordinal]!;
    if (node.parentId !== item.parentId || node.name !== item.name || node.type !== item.type) throw corrupt(`The item \`${item.id}\` moved or changed its type`);
    this.#nodes[ordinal] = nodeOf(item, ordinal, node.parent, node.path);
    this.#aclBits[ordinal] = aclFilterBits(item.acl);
  }

  #add(item: ItemRecord): void {
    const ordinal = this.#nodes.length;
    let parent = NO_PARENT;
    let path = '/';
    if (item.parentId === null) {
      // INVARIANT: the root is the first item of the index (ordinal 0).
      if (this.#nodes.length > 0) throw corrupt('The store holds two root directories');
      if (item.type !== 'directory' || item.name !== '') throw corrupt('The root record is not a directory');
    } else {
      parent = this.#byId.get(item.parentId)!;
      const parentNode = this.#nodes[parent]!;
      const siblings = this.#children[parent];
      if (siblings === undefined) throw corrupt(`The item \`${item.id}\` has a secret for a parent`);
      if (siblings.has(item.name)) throw corrupt(`Two items are named \`${item.name}\` in one directory`);
      path = parentNode.parent === NO_PARENT ? `/${item.name}` : `${parentNode.path}/${item.name}`;
      siblings.set(item.name, ordinal);
    }
    this.#nodes.push(nodeOf(item, ordinal, parent, path));
    this.#children.push(item.type === 'directory' ? new Map() : undefined);
    this.#byPath.set(path, ordinal);
    this.#byId.set(item.id, ordinal);
    if (ordinal >= this.#aclBits.length) {
      const grown = new Int32Array(this.#aclBits.length * 2);
      grown.set(this.#aclBits);
      this.#aclBits = grown;
    }
    this.#aclBits[ordinal] = aclFilterBits(item.acl);
  }

  #delete(id: string): void {
    const ordinal = this.#byId.get(id);
    if (ordinal === undefined) return;
    const node = this.#nodes[ordinal]!;
    this.#children[node.parent]?.delete(node.name);
    this.#byPath.delete(node.path);
    this.#byId.delete(id);
    this.#nodes[ordinal] = undefined;
    this.#children[ordinal] = undefined;
    this.#aclBits[ordinal] = 0;
  }

  // Links items whose parent arrived after them: each chain up to a linked
  // ancestor (or the root) is linked top-down. O(items waiting). A chain that
  // ends at an item whose parent is neither linked nor waiting is an orphan,
  // or a cycle (its members leave `waiting` as they are met): corrupt.
  #linkWaiting(waiting: Map<string, ItemRecord>): void {
    for (const start of [...waiting.values()]) {
      if (!waiting.has(start.id)) continue;
      const chain: ItemRecord[] = [];
      for (let item: ItemRecord | undefined = start; item !== undefined; item = item.parentId === null ? undefined : waiting.get(item.parentId)) {
        chain.push(item);
        waiting.delete(item.id);
      }
      const top = chain[chain.length - 1]!;
      if (top.parentId !== null && !this.#byId.has(top.parentId)) throw corrupt(`The item \`${top.id}\` has no parent directory`);
      for (let i = chain.length - 1; i >= 0; i--) this.#add(chain[i]!);
    }
  }
}

/** One node in a fixed field order (one hidden class for every node). */
function nodeOf(item: ItemRecord, ordinal: number, parent: number, path: string): ItemNode {
  return Object.freeze({
    id: item.id,
    parentId: item.parentId,
    name: item.name,
    type: item.type,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    createdBy: item.createdBy,
    description: item.description,
    version: item.version,
    acl: item.acl,
    ordinal,
    parent,
    path,
  });
}
