// A storage adapter on a JavaScript Map, written with createAdapter: the hooks
// hold the data; the base checks every argument and the open/closed state.
// docs/adapters.md shows this file; test/adapters/example.test.ts runs the
// conformance suite against it.
import { compareUtf8, createAdapter } from 'coffer';

export function mapAdapter() {
  let data = new Map();
  const inRange = (key, range) =>
    (range.gte === undefined || compareUtf8(key, range.gte) >= 0) &&
    (range.gt === undefined || compareUtf8(key, range.gt) > 0) &&
    (range.lte === undefined || compareUtf8(key, range.lte) <= 0) &&
    (range.lt === undefined || compareUtf8(key, range.lt) < 0);
  return createAdapter({
    persistent: false,
    async open() {},
    async close() {},
    async get(key) {
      const value = data.get(key);
      return value === undefined ? undefined : new Uint8Array(value); // a copy: the caller may change it
    },
    async batch(operations) {
      // All or nothing: apply to a copy, then swap it in.
      const next = new Map(data);
      for (const op of operations) {
        // A copy (a Buffer's slice() would be a view of the caller's bytes).
        if (op.type === 'put') next.set(op.key, new Uint8Array(op.value));
        else next.delete(op.key);
      }
      data = next;
    },
    async *iterate(range) {
      // Keys in UTF-8 byte order; the base applies `limit`.
      const snapshot = data;
      const keys = [...snapshot.keys()].filter((key) => inRange(key, range)).sort(compareUtf8);
      if (range.reverse) keys.reverse();
      for (const key of keys) yield [key, new Uint8Array(snapshot.get(key))];
    },
  });
}
