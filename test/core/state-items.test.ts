// The item index (state/items.ts): the tree by ordinal, path and id, each
// directory's children, and the ACL filter. It changes only through apply;
// records may arrive in any order within one apply (the load at open reads
// them by id), and what the store's own writes never make is CORRUPT.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { aclAccessOf, aclFilterBits, principalAclBits } from '../../src/core/acl.js';
import type { Delta } from '../../src/core/change.js';
import { CofferError } from '../../src/core/errors.js';
import { Items, ROOT_ORDINAL } from '../../src/core/state/items.js';
import type { Acl, ItemRecord } from '../../src/core/types.js';
import { aclEntry, deleteItem, itemRecord, principalOf, putItem, rootRecord, shuffled } from './state-fixtures.js';

/** A random tree: item i (1-based) hangs under an earlier directory; names repeat across directories only. */
interface TreeSpec {
  readonly records: ItemRecord[];
  readonly paths: Map<string, string>;
}

function treeOf(shape: readonly { parent: number; isDirectory: boolean; name: string }[]): TreeSpec {
  const records: ItemRecord[] = [rootRecord()];
  const paths = new Map<string, string>([['root', '/']]);
  const directories = ['root'];
  const taken = new Set<string>();
  shape.forEach(({ parent, isDirectory, name }, i) => {
    const parentId = directories[parent % directories.length]!;
    if (taken.has(`${parentId}/${name}`)) return;
    taken.add(`${parentId}/${name}`);
    const id = `i${i}`;
    records.push(itemRecord(id, parentId, name, isDirectory ? 'directory' : 'secret'));
    const parentPath = paths.get(parentId)!;
    paths.set(id, parentPath === '/' ? `/${name}` : `${parentPath}/${name}`);
    if (isDirectory) directories.push(id);
  });
  return { records, paths };
}

const treeShape = fc.array(fc.record({ parent: fc.nat(), isDirectory: fc.boolean(), name: fc.constantFrom('a', 'b', 'c', 'dé', 'x y') }), { maxLength: 40 });

function corruptOf(run: () => void): CofferError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CofferError);
    expect((error as CofferError).code).toBe('CORRUPT');
    return error as CofferError;
  }
  throw new Error('expected CORRUPT, nothing was thrown');
}

/** An index with /a (directory), /a/b (directory), /a/s (secret). */
function small(): Items {
  const items = new Items();
  items.apply([putItem(rootRecord()), putItem(itemRecord('a', 'root', 'a')), putItem(itemRecord('b', 'a', 'b')), putItem(itemRecord('s', 'a', 's', 'secret'))]);
  return items;
}

describe('Items.apply: building the tree', () => {
  it('a root and its descendants in any order within one apply link into one tree whose paths are built from names (property, seeded)', () => {
    fc.assert(
      fc.property(treeShape, fc.integer(), (shape, seed) => {
        const { records, paths } = treeOf(shape);
        const items = new Items();
        items.apply(shuffled(records, seed).map(putItem));
        expect(items.size).toBe(records.length);
        expect(items.root.id).toBe('root');
        expect(items.root.ordinal).toBe(ROOT_ORDINAL);
        expect(items.root.path).toBe('/');
        const ordinals = new Set<number>();
        for (const record of records) {
          const node = items.withId(record.id)!;
          expect(node.path).toBe(paths.get(record.id));
          expect(items.at(node.path)).toBe(node);
          expect(items.ordinalAt(node.path)).toBe(node.ordinal);
          expect(items.node(node.ordinal)).toBe(node);
          expect(items.hasId(record.id)).toBe(true);
          ordinals.add(node.ordinal);
          if (record.parentId === null) continue;
          const parent = items.withId(record.parentId)!;
          expect(node.parent).toBe(parent.ordinal);
          expect(items.childNamed(parent.ordinal, record.name)).toBe(node);
          expect(items.ancestorsOf(node.ordinal)).toEqual([...items.ancestorsOf(parent.ordinal), parent.ordinal]);
        }
        expect(ordinals.size).toBe(records.length);
        for (const node of items.all()) {
          const children = records.filter((r) => r.parentId === node.id).map((r) => r.id).sort();
          expect([...items.childrenOf(node.ordinal)].map((c) => c.id).sort()).toEqual(children);
          expect(items.childCount(node.ordinal)).toBe(children.length);
        }
      }),
      { seed: 20240101, numRuns: 200 },
    );
  });

  it('a child listed before its parent in one apply is linked once the parent arrives, even a chain of them', () => {
    const items = new Items();
    items.apply([putItem(itemRecord('c', 'b', 'c', 'secret')), putItem(itemRecord('b', 'a', 'b')), putItem(itemRecord('a', 'root', 'a')), putItem(rootRecord())]);
    expect(items.at('/a/b/c')?.id).toBe('c');
    expect(items.ancestorsOf(items.ordinalAt('/a/b/c')!)).toEqual([ROOT_ORDINAL, items.ordinalAt('/a')!, items.ordinalAt('/a/b')!]);
  });

  it('the root has no ancestors; a secret has no children; all() yields the root first', () => {
    const items = small();
    expect(items.ancestorsOf(ROOT_ORDINAL)).toEqual([]);
    const secret = items.at('/a/s')!;
    expect(secret.type).toBe('secret');
    expect(items.childCount(secret.ordinal)).toBe(0);
    expect([...items.childrenOf(secret.ordinal)]).toEqual([]);
    expect([...items.all()].map((n) => n.path)).toEqual(['/', '/a', '/a/b', '/a/s']);
    expect(items.at('/missing')).toBeUndefined();
    expect(items.withId('missing')).toBeUndefined();
  });

  it('other deltas are skipped', () => {
    const items = small();
    items.apply([{ kind: 'deletePolicy', id: 'a' }, { kind: 'deleteItem', id: 'nobody' }] as Delta[]);
    expect(items.size).toBe(4);
  });
});

describe('Items.apply: deletes and replacements', () => {
  it('a deleted item frees its path and id; its ordinal is not reused by the item made again at that path', () => {
    const items = small();
    const old = items.at('/a/s')!;
    const a = items.at('/a')!;
    items.apply([deleteItem('s')]);
    expect(items.at('/a/s')).toBeUndefined();
    expect(items.ordinalAt('/a/s')).toBeUndefined();
    expect(items.withId('s')).toBeUndefined();
    expect(items.hasId('s')).toBe(false);
    expect(items.node(old.ordinal)).toBeUndefined();
    expect(items.childNamed(a.ordinal, 's')).toBeUndefined();
    expect(items.childCount(a.ordinal)).toBe(1);
    expect(items.size).toBe(3);
    expect([...items.all()].map((n) => n.id)).toEqual(['root', 'a', 'b']);
    items.apply([putItem(itemRecord('s2', 'a', 's', 'secret'))]);
    const again = items.at('/a/s')!;
    expect(again.id).toBe('s2');
    expect(again.ordinal).toBeGreaterThan(old.ordinal);
    expect(items.node(old.ordinal)).toBeUndefined();
  });

  it('a put of a known id replaces the record and keeps its ordinal and path; a node held before is unchanged', () => {
    const items = small();
    const before = items.at('/a/s')!;
    const acl: Acl = [aclEntry('user', 'u', 'read')];
    items.apply([putItem({ ...itemRecord('s', 'a', 's', 'secret', acl, 99), version: 2, description: 'new' })]);
    const after = items.at('/a/s')!;
    expect(after).not.toBe(before);
    expect(Object.isFrozen(after)).toBe(true);
    expect({ ordinal: after.ordinal, path: after.path, parent: after.parent }).toEqual({ ordinal: before.ordinal, path: '/a/s', parent: before.parent });
    expect({ version: after.version, description: after.description, updatedAt: after.updatedAt, acl: after.acl }).toEqual({ version: 2, description: 'new', updatedAt: 99, acl });
    expect(before.version).toBe(1);
    expect(items.withId('s')).toBe(after);
    expect(items.size).toBe(4);
  });

  it('a replaced ACL replaces the filter: the new entity may be granted, an empty ACL never', () => {
    const items = small();
    const s = items.ordinalAt('/a/s')!;
    const bob = principalAclBits(principalOf('bob'));
    expect(items.aclMayGrant(s, bob)).toBe(false);
    items.apply([putItem(itemRecord('s', 'a', 's', 'secret', [aclEntry('user', 'bob', 'read_write')]))]);
    expect(items.aclMayGrant(s, bob)).toBe(true);
    items.apply([putItem(itemRecord('s', 'a', 's', 'secret', []))]);
    expect(items.aclMayGrant(s, bob)).toBe(false);
  });
});

describe('Items.apply: CORRUPT for what the store never writes', () => {
  it('an orphan: an item whose parent never arrives', () => {
    corruptOf(() => new Items().apply([putItem(rootRecord()), putItem(itemRecord('x', 'nowhere', 'x'))]));
    const items = small();
    corruptOf(() => items.apply([putItem(itemRecord('y', 'gone', 'y')), putItem(itemRecord('z', 'y', 'z'))]));
  });

  it('a cycle: two items each the parent of the other, or an item its own parent', () => {
    corruptOf(() => new Items().apply([putItem(rootRecord()), putItem(itemRecord('p', 'q', 'p')), putItem(itemRecord('q', 'p', 'q'))]));
    corruptOf(() => new Items().apply([putItem(rootRecord()), putItem(itemRecord('self', 'self', 'self'))]));
  });

  it('two roots, in one apply or in two; a root that is not a directory named ""', () => {
    corruptOf(() => new Items().apply([putItem(rootRecord()), putItem(itemRecord('root2', null, ''))]));
    const items = small();
    corruptOf(() => items.apply([putItem(itemRecord('root2', null, ''))]));
    corruptOf(() => new Items().apply([putItem(itemRecord('r', null, '', 'secret'))]));
    corruptOf(() => new Items().apply([putItem(itemRecord('r', null, 'named'))]));
  });

  it('a name taken twice in one directory, in one apply or against an existing item', () => {
    corruptOf(() => new Items().apply([putItem(rootRecord()), putItem(itemRecord('x1', 'root', 'x')), putItem(itemRecord('x2', 'root', 'x', 'secret'))]));
    corruptOf(() => small().apply([putItem(itemRecord('b2', 'a', 'b'))]));
  });

  it('a child of a secret, linked at once or after waiting for it', () => {
    corruptOf(() => small().apply([putItem(itemRecord('under', 's', 'under'))]));
    corruptOf(() => new Items().apply([putItem(itemRecord('under', 'sec', 'under')), putItem(itemRecord('sec', 'root', 'sec', 'secret')), putItem(rootRecord())]));
  });

  it('a record that moves (another parent), is renamed, or changes type', () => {
    corruptOf(() => small().apply([putItem(itemRecord('s', 'b', 's', 'secret'))]));
    corruptOf(() => small().apply([putItem(itemRecord('s', 'a', 't', 'secret'))]));
    corruptOf(() => small().apply([putItem(itemRecord('s', 'a', 's', 'directory'))]));
    corruptOf(() => small().apply([putItem(itemRecord('root', null, '', 'secret'))]));
  });
});

describe('Items.aclMayGrant', () => {
  it('is never false for a principal an entry of the item ACL names (property, seeded)', () => {
    const id = fc.string({ minLength: 1, maxLength: 8 });
    const entity = fc.tuple(fc.constantFrom('user' as const, 'group' as const), id, fc.constantFrom('read' as const, 'read_write' as const));
    const who = fc.record({ id, kind: fc.constantFrom('user' as const, 'token' as const, 'serviceIdentity' as const), groups: fc.uniqueArray(id, { maxLength: 4 }) });
    fc.assert(
      fc.property(fc.array(fc.array(entity, { maxLength: 6 }), { minLength: 1, maxLength: 12 }), fc.array(who, { minLength: 1, maxLength: 6 }), (acls, people) => {
        const items = new Items();
        const records = [rootRecord(), ...acls.map((entries, i) => itemRecord(`n${i}`, 'root', `n${i}`, i % 2 === 0 ? 'secret' : 'directory', entries.map(([t, e, a]) => aclEntry(t, e, a))))];
        items.apply(records.map(putItem));
        for (const node of items.all()) {
          expect(items.aclMayGrant(node.ordinal, 0)).toBe(false);
          for (const p of people) {
            const principal = principalOf(p.id, p.kind, p.groups);
            const bits = principalAclBits(principal);
            if (aclAccessOf(node.acl, principal) !== undefined) expect(items.aclMayGrant(node.ordinal, bits)).toBe(true);
            // The filter is the ACL's own bits: false exactly when they share none.
            expect(items.aclMayGrant(node.ordinal, bits)).toBe((aclFilterBits(node.acl) & bits) !== 0);
          }
        }
      }),
      { seed: 31337, numRuns: 300 },
    );
  });

  it('keeps its answers past a thousand items (the filter array grows)', () => {
    const items = new Items();
    const records = [rootRecord(), ...Array.from({ length: 2100 }, (_, i) => itemRecord(`n${i}`, 'root', `n${i}`, 'secret', [aclEntry('user', `u${i}`, 'read')]))];
    items.apply(records.map(putItem));
    for (let i = 0; i < 2100; i += 7) {
      const node = items.withId(`n${i}`)!;
      expect(items.aclMayGrant(node.ordinal, principalAclBits(principalOf(`u${i}`)))).toBe(true);
    }
  });
});
