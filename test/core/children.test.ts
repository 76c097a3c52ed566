// children.ts: a directory's children split by name hash once there are many,
// so a write copies one bucket. The table must behave exactly like a Map.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { produce, freeze, enableMapSet } from 'immer';
import { BUCKETS, SPLIT_AT, childCount, childNodes, childOf, deleteChild, emptyChildren, setChild, type ChildTable } from '../../src/core/children.js';
import type { ItemNode } from '../../src/core/types.js';

enableMapSet();

const node = (name: string, version = 1): ItemNode =>
  ({ id: `id-${name}`, ordinal: 0, ancestry: [], lineage: undefined, name, type: 'secret', createdAt: 0, updatedAt: 0, createdBy: 'x', description: undefined, version, acl: [], children: undefined }) as ItemNode;

describe('child tables', () => {
  it('behave like a Map under any sequence of sets and deletes (property, seeded)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.string({ minLength: 1, maxLength: 6 })), { maxLength: 300 }), (steps) => {
        const table = emptyChildren();
        const model = new Map<string, number>();
        steps.forEach(([isSet, name], i) => {
          if (isSet) {
            setChild(table, node(name, i));
            model.set(name, i);
          } else {
            deleteChild(table, name);
            model.delete(name);
          }
        });
        expect(childCount(table)).toBe(model.size);
        for (const [name, version] of model) expect(childOf(table, name)?.version).toBe(version);
        expect([...childNodes(table)].map((n) => n.name).sort()).toEqual([...model.keys()].sort());
      }),
      { seed: 20241201, numRuns: 200 },
    );
  });

  it(`a directory of more than ${SPLIT_AT} children is split into ${BUCKETS} buckets`, () => {
    const table = emptyChildren();
    for (let i = 0; i <= SPLIT_AT; i++) setChild(table, node(`n${i}`));
    expect(table.buckets.length).toBe(BUCKETS);
    expect(childCount(table)).toBe(SPLIT_AT + 1);
  });

  it('a change through immer copies one bucket and shares the others', () => {
    const table = emptyChildren();
    for (let i = 0; i < 1000; i++) setChild(table, node(`n${i}`));
    const before = freeze({ children: table }, true);
    const after = produce(before, (draft) => {
      setChild(draft.children as ChildTable, node('n500', 2));
    });
    expect(childOf(after.children, 'n500')?.version).toBe(2);
    expect(childOf(before.children, 'n500')?.version).toBe(1);
    const changed = after.children.buckets.filter((bucket, i) => bucket !== before.children.buckets[i]);
    expect(changed).toHaveLength(1);
  });
});
