// The memory StorageAdapter (SPEC §11): not persistent, data lives as long as
// the adapter object. One persistent AVL tree (./tree.ts); a batch builds a
// new root aside and swaps it in, so it is atomic and iteration reads a snapshot.

import { checkBatchOperation, checkKey, codedError, type BatchOperation, type RangeOptions, type StorageAdapter } from '../../src/adapter.js';
import { findNode, insertEntry, newEditToken, nodesInRange, removeEntry, type TreeNode } from './tree.js';

/**
 * Costs, N keys in the store:
 * - get: O(log N) key comparisons, plus a copy of the value.
 * - batch of m operations: O(m log N); a node the batch already copied is
 *   updated in place by its later operations, so each node is copied at most once.
 * - iterate: O(1) snapshot, O(log N) to the first entry, O(1) amortised per
 *   entry after (plus a copy of each value); stopping early costs nothing more.
 * - open / close: O(1); close keeps the data for the next open (like memory-level).
 */
export function memoryAdapter(): StorageAdapter {
  // INVARIANT: `root` is only ever replaced, never mutated, once published.
  let root: TreeNode | undefined;
  let isOpen = false;
  // Counts opens, so an iteration can tell that the adapter closed under it
  // even when it was opened again since.
  let openCount = 0;

  function assertOpen(): void {
    if (!isOpen) throw codedError(Error, 'Database is not open', 'LEVEL_DATABASE_NOT_OPEN');
  }

  async function* iterate(range: RangeOptions = {}): AsyncGenerator<readonly [string, Uint8Array]> {
    assertOpen();
    checkRange(range);
    const openedAs = openCount;
    const snapshot = root;
    const limit = limitOf(range.limit);
    let count = 0;
    for (const node of nodesInRange(snapshot, range, range.reverse === true)) {
      if (count >= limit) return;
      count += 1;
      // Mirrors LevelDB: an iterator does not outlive the close of its database.
      if (!isOpen || openCount !== openedAs) {
        throw codedError(Error, 'Iterator is not open: the adapter was closed', 'LEVEL_ITERATOR_NOT_OPEN');
      }
      yield [node.key, new Uint8Array(node.value)] as const;
    }
  }

  return {
    persistent: false,

    async open() {
      if (isOpen) return;
      isOpen = true;
      openCount += 1;
    },

    async close() {
      isOpen = false;
    },

    async get(key) {
      assertOpen();
      checkKey(key);
      // A copy: the caller may change the bytes it gets without changing ours.
      const value = findNode(root, key)?.value;
      return value === undefined ? undefined : new Uint8Array(value);
    },

    async batch(operations) {
      assertOpen();
      // Check everything before touching anything: a bad operation writes nothing.
      if (!Array.isArray(operations)) {
        throw codedError(TypeError, 'A batch must be an array of operations', 'LEVEL_INVALID_BATCH');
      }
      operations.forEach((operation) => checkBatchOperation(operation));
      const token = newEditToken();
      let next = root;
      for (const operation of operations as readonly BatchOperation[]) {
        next =
          operation.type === 'put'
            ? // A copy: the caller may reuse its buffer once the batch resolved.
              insertEntry(next, operation.key, new Uint8Array(operation.value), token)
            : removeEntry(next, operation.key, token);
      }
      root = next;
    },

    iterate,
  };
}

/** `limit` as a count: absent, negative or not an integer means no limit (as in LevelDB). */
function limitOf(limit: number | undefined): number {
  return typeof limit === 'number' && Number.isInteger(limit) && limit >= 0 ? limit : Infinity;
}




function checkRange(range: RangeOptions): void {
  for (const bound of [range.gt, range.gte, range.lt, range.lte]) {
    if (bound !== undefined) checkKey(bound);
  }
}

