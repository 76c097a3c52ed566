// A directory's children (SPEC §3). A write copies the nodes on its path; one
// Map of all children would make it copy every sibling too, so a directory
// with many children splits them by a hash of the name into BUCKETS Maps and
// a write copies only one of them (plus the array of 64 bucket pointers).
// Costs: lookup O(name length) + one Map get; a write under a directory of n
// children copies O(1 + n / 64) entries instead of O(n).

import type { ItemNode } from './types.js';

/** A directory with more children than this splits them into BUCKETS buckets. */
export const SPLIT_AT = 32;
export const BUCKETS = 64;

export interface ChildTable {
  readonly size: number;
  /** One Map while small; BUCKETS Maps (some undefined) once split. */
  readonly buckets: readonly (ReadonlyMap<string, ItemNode> | undefined)[];
}

/** Mutable while a directory is being loaded or changed in an immer draft. */
interface DraftTable {
  size: number;
  buckets: (Map<string, ItemNode> | undefined)[];
}

export function emptyChildren(): ChildTable {
  return { size: 0, buckets: [new Map()] };
}

// FNV-1a over UTF-16 code units: cheap and well spread for short names.
function bucketOf(name: string, count: number): number {
  if (count === 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % count;
}

/** The child named `name`, or undefined. */
export function childOf(table: ChildTable | undefined, name: string): ItemNode | undefined {
  if (table === undefined) return undefined;
  return table.buckets[bucketOf(name, table.buckets.length)]?.get(name);
}

export function childCount(table: ChildTable | undefined): number {
  return table?.size ?? 0;
}

/** Every child, in no particular order. */
export function* childNodes(table: ChildTable | undefined): Generator<ItemNode> {
  if (table === undefined) return;
  for (const bucket of table.buckets) if (bucket !== undefined) yield* bucket.values();
}

/**
 * Adds or replaces a child in a mutable (or immer draft) table. Splitting
 * happens once, when the directory passes SPLIT_AT children: O(SPLIT_AT).
 */
export function setChild(table: ChildTable, node: ItemNode): void {
  const t = table as DraftTable;
  if (t.buckets.length === 1 && t.size >= SPLIT_AT && !t.buckets[0]!.has(node.name)) {
    const all = [...t.buckets[0]!.values()];
    t.buckets = new Array(BUCKETS).fill(undefined);
    for (const child of all) insert(t, child);
  }
  if (insert(t, node)) t.size += 1;
}

function insert(t: DraftTable, node: ItemNode): boolean {
  const index = bucketOf(node.name, t.buckets.length);
  let bucket = t.buckets[index];
  if (bucket === undefined) t.buckets[index] = bucket = new Map();
  const isNew = !bucket.has(node.name);
  bucket.set(node.name, node);
  return isNew;
}

/** Removes a child from a mutable (or immer draft) table. */
export function deleteChild(table: ChildTable, name: string): void {
  const t = table as DraftTable;
  const bucket = t.buckets[bucketOf(name, t.buckets.length)];
  if (bucket?.delete(name)) t.size -= 1;
}
