// The memory StorageAdapter: not persistent, data lives as long as the adapter
// object (across close and open). One persistent AVL tree (./tree.ts); a batch
// builds a new root aside and swaps it in, so it is atomic and an iteration
// reads a snapshot. The checked base (createAdapter) does every argument check.

/**
 * `coffer/adapters/memory`: {@link memoryAdapter}, a storage adapter that
 * keeps its data in memory (not persistent), for tests, fixtures and demos.
 * @packageDocumentation
 * @module coffer/adapters/memory
 */

import { createAdapter, type StorageAdapter } from '../../src/adapter.js';
import { findNode, insertEntry, newEditToken, nodesInRange, removeEntry, type TreeNode } from './tree.js';

/**
 * An in-memory adapter, for tests and fixtures. Costs, N keys stored:
 * - get: O(log N) key comparisons, plus a copy of the value.
 * - batch of m operations: O(m log N); a node the batch already copied is
 *   updated in place by its later operations, so each node is copied at most once.
 * - iterate: O(1) snapshot, O(log N) to the first entry, O(1) amortised per
 *   entry after (plus a copy of each value); stopping early costs nothing more.
 * - open / close: O(1); close keeps the data for the next open.
 */
export function memoryAdapter(): StorageAdapter {
  // INVARIANT: `root` is only ever replaced, never changed, once published.
  let root: TreeNode | undefined;
  return createAdapter({
    persistent: false,
    async open() {},
    async close() {},
    async get(key) {
      // A copy: the caller may change the bytes it gets without changing ours.
      const value = findNode(root, key)?.value;
      return value === undefined ? undefined : new Uint8Array(value);
    },
    async batch(operations) {
      const token = newEditToken();
      let next = root;
      for (const operation of operations) {
        next =
          operation.type === 'put'
            ? // A copy: the caller may reuse its buffer once the batch resolved.
              insertEntry(next, operation.key, new Uint8Array(operation.value), token)
            : removeEntry(next, operation.key, token);
      }
      root = next;
    },
    async *iterate(range) {
      for (const node of nodesInRange(root, range, range.reverse)) yield [node.key, new Uint8Array(node.value)] as const;
    },
  });
}
