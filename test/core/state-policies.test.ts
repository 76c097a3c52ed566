// The policy catalogue (state/policies.ts): by id, by name case-insensitively,
// and in listing order — lower-cased name in UTF-16 order, then id. A change
// of many policies (more than 64, against few kept) is sorted once; smaller
// changes splice each policy into place. Both must give the order a sort of
// the live set gives.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { Delta } from '../../src/core/change.js';
import { comparePolicies, withFields, type Policy } from '../../src/core/policy.js';
import { Policies } from '../../src/core/state/policies.js';
import { deletePolicy, makePolicy, putPolicy } from './state-fixtures.js';
import { byNameThenId } from '../support/order.js';

const policy = (id: string, name: string) => makePolicy(undefined, id, name, '*');
const idsOf = (list: readonly Policy[]) => list.map((p) => p.id);


describe('Policies.apply', () => {
  it('a put adds a policy by id and by name, a put of the same id replaces it, a delete removes it', () => {
    const policies = new Policies();
    const p = policy('p1', 'Readers');
    policies.apply([putPolicy(p)]);
    expect(policies.size).toBe(1);
    expect(policies.get('p1')).toBe(p);
    expect(policies.named('Readers')).toBe(p);
    const renamed = withFields(p, { name: 'Writers' }, null);
    policies.apply([putPolicy(renamed)]);
    expect(policies.size).toBe(1);
    expect(policies.get('p1')).toBe(renamed);
    expect(policies.named('Readers')).toBeUndefined();
    expect(policies.named('writers')).toBe(renamed);
    expect(idsOf(policies.inOrder())).toEqual(['p1']);
    policies.apply([deletePolicy('p1')]);
    expect(policies.size).toBe(0);
    expect(policies.get('p1')).toBeUndefined();
    expect(policies.named('Writers')).toBeUndefined();
    expect(policies.inOrder()).toEqual([]);
  });

  it('named() ignores case in both the stored and the asked name', () => {
    const policies = new Policies();
    const p = policy('p1', 'Team Leads');
    policies.apply([putPolicy(p)]);
    for (const asked of ['Team Leads', 'team leads', 'TEAM LEADS', 'tEaM lEaDs']) expect(policies.named(asked)).toBe(p);
    expect(policies.named('Team Lead')).toBeUndefined();
  });

  it('a delete of an unknown id and deltas of other kinds change nothing', () => {
    const policies = new Policies();
    policies.apply([putPolicy(policy('p1', 'A'))]);
    const before = policies.inOrder();
    policies.apply([deletePolicy('nobody'), { kind: 'deleteItem', id: 'p1' }] as Delta[]);
    expect(policies.size).toBe(1);
    expect(idsOf(policies.inOrder())).toEqual(idsOf(before));
  });

  it('inOrder() is by lower-cased name in UTF-16 order, then id', () => {
    const policies = new Policies();
    policies.apply([policy('p3', 'beta'), policy('p2', 'Alpha'), policy('p1', 'alpha'), policy('p0', 'Zeta'), policy('p9', '_under'), policy('p4', 'B')].map(putPolicy));
    // 'Zeta' sorts as 'zeta'; '_' (0x5f) is before lower-case letters; ties on the name fall to the id.
    expect(idsOf(policies.inOrder())).toEqual(['p9', 'p1', 'p2', 'p4', 'p3', 'p0']);
  });

  it('a bulk apply of more than 64 policies (one sort) gives the listing order, and later single puts and deletes keep it', () => {
    const policies = new Policies();
    const bulk = Array.from({ length: 150 }, (_, i) => policy(`id${(i * 7919) % 1000}`, `Name ${(i * 31) % 17}`));
    policies.apply(bulk.map(putPolicy));
    expect(idsOf(policies.inOrder())).toEqual(byNameThenId(bulk));
    const live = new Map(bulk.map((p) => [p.id, p]));
    const steps: Policy[] = [policy('zz', 'aaa'), policy('id0', 'middle'), policy('new', 'NAME 3')];
    for (const p of steps) {
      policies.apply([putPolicy(p)]);
      live.set(p.id, p);
      expect(idsOf(policies.inOrder())).toEqual(byNameThenId(live.values()));
    }
    policies.apply([deletePolicy(bulk[10]!.id)]);
    live.delete(bulk[10]!.id);
    expect(idsOf(policies.inOrder())).toEqual(byNameThenId(live.values()));
    expect(policies.size).toBe(live.size);
  });

  it('after any sequence of changes, bulk or single, inOrder() is a sort of the live set (property, seeded)', () => {
    const name = fc.constantFrom('a', 'A', 'b', 'B b', 'c-1', 'C_1', 'zz', 'Z', '0', '_');
    const step = fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant('put' as const), id: fc.integer({ min: 0, max: 120 }), name }), weight: 3 },
      { arbitrary: fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 0, max: 120 }) }), weight: 1 },
    );
    // A change is one apply: short ones splice, long ones (> 64 policy deltas) may sort once.
    const change = fc.oneof(fc.array(step, { minLength: 1, maxLength: 5 }), fc.array(step, { minLength: 65, maxLength: 140 }));
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 8 }), (changes) => {
        const policies = new Policies();
        const live = new Map<string, Policy>();
        for (const steps of changes) {
          const deltas: Delta[] = [];
          for (const s of steps) {
            const id = `p${s.id}`;
            if (s.kind === 'put') {
              const p = policy(id, s.name);
              deltas.push(putPolicy(p));
              live.set(id, p);
            } else {
              deltas.push(deletePolicy(id));
              live.delete(id);
            }
          }
          policies.apply(deltas);
          expect(idsOf(policies.inOrder())).toEqual(byNameThenId(live.values()));
          expect(policies.size).toBe(live.size);
          for (const [id, p] of live) expect(policies.get(id)).toBe(p);
        }
      }),
      { seed: 9001, numRuns: 150 },
    );
  });
});

describe('Policies.positionOf', () => {
  it('is the number of policies before (sortKey, id): where a listing continues from a page token (property, seeded)', () => {
    const policies = new Policies();
    const all = Array.from({ length: 90 }, (_, i) => policy(`p${String(i).padStart(2, '0')}`, ['alpha', 'Beta', 'gamma', 'delta'][i % 4]!));
    policies.apply(all.map(putPolicy));
    const ordered = policies.inOrder();
    fc.assert(
      fc.property(fc.constantFrom('', 'alpha', 'beta', 'c', 'delta', 'gamma', 'zzz'), fc.constantFrom('', 'p00', 'p17', 'p41', 'p5', 'p89', 'q'), (sortKey, id) => {
        const key = { sortKey, id };
        const expected = ordered.filter((p) => comparePolicies(p, key) < 0).length;
        expect(policies.positionOf(key)).toBe(expected);
      }),
      { seed: 4711, numRuns: 200 },
    );
  });

  it('the position of a listed policy is its index, and 0 / size at the ends', () => {
    const policies = new Policies();
    policies.apply(['d', 'b', 'a', 'c'].map((n, i) => putPolicy(policy(`p${i}`, n))));
    policies.inOrder().forEach((p, i) => expect(policies.positionOf(p)).toBe(i));
    expect(policies.positionOf({ sortKey: '', id: '' })).toBe(0);
    expect(policies.positionOf({ sortKey: '\uffff', id: '' })).toBe(4);
  });
});
