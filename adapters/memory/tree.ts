// A persistent AVL tree of string keys in UTF-8 byte order: the memory
// adapter's storage. A write copies only the O(log N) nodes on its
// path, so any root once published is an immutable snapshot.

import { compareUtf8 } from '../../src/adapter.js';

export interface TreeNode {
  key: string;
  value: Uint8Array;
  left: TreeNode | undefined;
  right: TreeNode | undefined;
  height: number;
  /**
   * The edit that created this node. Only that edit may change it in place.
   * INVARIANT: an edit's token is dropped once its root is published, so a
   * published node is never mutated again and every snapshot stays frozen.
   */
  owner: EditToken | undefined;
}

/** Identifies one edit (one batch); nodes it created are its to mutate. */
export type EditToken = { readonly edit: true };

export function newEditToken(): EditToken {
  return { edit: true };
}

/** Bounds of a range; `gte` takes precedence over `gt`, `lte` over `lt` (as in LevelDB). */
export interface TreeBounds {
  readonly gt?: string | undefined;
  readonly gte?: string | undefined;
  readonly lt?: string | undefined;
  readonly lte?: string | undefined;
}

/** The node for `key` in the tree under `root`. O(log N) comparisons. */
export function findNode(root: TreeNode | undefined, key: string): TreeNode | undefined {
  let node = root;
  while (node !== undefined) {
    const order = compareUtf8(key, node.key);
    if (order === 0) return node;
    node = order < 0 ? node.left : node.right;
  }
  return undefined;
}

/** A root holding `value` under `key`. O(log N); `root` itself is unchanged unless `token` owns it. */
export function insertEntry(
  root: TreeNode | undefined,
  key: string,
  value: Uint8Array,
  token: EditToken,
): TreeNode {
  if (root === undefined) {
    return { key, value, left: undefined, right: undefined, height: 1, owner: token };
  }
  const order = compareUtf8(key, root.key);
  const node = writableNode(root, token);
  if (order === 0) {
    node.value = value;
    return node;
  }
  if (order < 0) node.left = insertEntry(root.left, key, value, token);
  else node.right = insertEntry(root.right, key, value, token);
  return rebalance(node, token);
}

/** A root without `key`. O(log N); returns `root` itself when the key is absent. */
export function removeEntry(
  root: TreeNode | undefined,
  key: string,
  token: EditToken,
): TreeNode | undefined {
  if (root === undefined) return undefined;
  const order = compareUtf8(key, root.key);
  if (order < 0) {
    const left = removeEntry(root.left, key, token);
    if (left === root.left) return root;
    const node = writableNode(root, token);
    node.left = left;
    return rebalance(node, token);
  }
  if (order > 0) {
    const right = removeEntry(root.right, key, token);
    if (right === root.right) return root;
    const node = writableNode(root, token);
    node.right = right;
    return rebalance(node, token);
  }
  if (root.left === undefined) return root.right;
  if (root.right === undefined) return root.left;
  // Two children: the successor (leftmost of the right subtree) takes this place.
  let successor = root.right;
  while (successor.left !== undefined) successor = successor.left;
  const node = writableNode(root, token);
  node.key = successor.key;
  node.value = successor.value;
  node.right = removeLeftmost(root.right, token);
  return rebalance(node, token);
}

/**
 * The nodes inside `bounds`, smallest key first (or largest first when
 * `isReverse`). O(log N) to find the first node, then amortised O(1) per node;
 * stopping early costs nothing more.
 */
export function* nodesInRange(
  root: TreeNode | undefined,
  bounds: TreeBounds,
  isReverse: boolean,
): Generator<TreeNode, void, undefined> {
  const isAfterLower = (key: string): boolean =>
    bounds.gte !== undefined
      ? compareUtf8(key, bounds.gte) >= 0
      : bounds.gt === undefined || compareUtf8(key, bounds.gt) > 0;
  const isBeforeUpper = (key: string): boolean =>
    bounds.lte !== undefined
      ? compareUtf8(key, bounds.lte) <= 0
      : bounds.lt === undefined || compareUtf8(key, bounds.lt) < 0;
  // Walking forward, the stack holds the ancestors still to visit (each one
  // inside the start bound); walking backward, the mirror image.
  const isInsideStart = isReverse ? isBeforeUpper : isAfterLower;
  const isInsideEnd = isReverse ? isAfterLower : isBeforeUpper;
  const towardStart = (node: TreeNode): TreeNode | undefined => (isReverse ? node.right : node.left);
  const towardEnd = (node: TreeNode): TreeNode | undefined => (isReverse ? node.left : node.right);

  const stack: TreeNode[] = [];
  let node = root;
  while (node !== undefined) {
    if (isInsideStart(node.key)) {
      stack.push(node);
      node = towardStart(node);
    } else {
      node = towardEnd(node);
    }
  }
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (!isInsideEnd(next.key)) return;
    yield next;
    for (let child = towardEnd(next); child !== undefined; child = towardStart(child)) {
      stack.push(child);
    }
  }
}

/** The height of the tree (0 when empty): at most 1.44·log2(N + 2). */
export function heightOf(node: TreeNode | undefined): number {
  return node === undefined ? 0 : node.height;
}

function removeLeftmost(root: TreeNode, token: EditToken): TreeNode | undefined {
  if (root.left === undefined) return root.right;
  const node = writableNode(root, token);
  node.left = removeLeftmost(root.left, token);
  return rebalance(node, token);
}

/** `node` itself when this edit created it, else a copy this edit owns. */
function writableNode(node: TreeNode, token: EditToken): TreeNode {
  return node.owner === token ? node : { ...node, owner: token };
}

// `node` is owned by `token`; its subtrees are balanced and differ in height by at most 2.
function rebalance(node: TreeNode, token: EditToken): TreeNode {
  const balance = heightOf(node.left) - heightOf(node.right);
  if (balance > 1) {
    const left = node.left as TreeNode;
    // Left-right case: turn it into left-left first.
    if (heightOf(left.left) < heightOf(left.right)) node.left = rotateLeft(writableNode(left, token), token);
    return rotateRight(node, token);
  }
  if (balance < -1) {
    const right = node.right as TreeNode;
    if (heightOf(right.right) < heightOf(right.left)) node.right = rotateRight(writableNode(right, token), token);
    return rotateLeft(node, token);
  }
  updateHeight(node);
  return node;
}

function rotateRight(node: TreeNode, token: EditToken): TreeNode {
  const pivot = writableNode(node.left as TreeNode, token);
  node.left = pivot.right;
  updateHeight(node);
  pivot.right = node;
  updateHeight(pivot);
  return pivot;
}

function rotateLeft(node: TreeNode, token: EditToken): TreeNode {
  const pivot = writableNode(node.right as TreeNode, token);
  node.right = pivot.left;
  updateHeight(node);
  pivot.left = node;
  updateHeight(pivot);
  return pivot;
}

function updateHeight(node: TreeNode): void {
  node.height = 1 + Math.max(heightOf(node.left), heightOf(node.right));
}
