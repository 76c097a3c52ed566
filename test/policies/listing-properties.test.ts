// SPEC §6.4 listing, as properties against a model (seeded fast-check): for
// random policy names, filters and page sizes, walking `next` from the first
// page and `prev` back from the last visits exactly the filtered policies in
// the SPEC's order (lower-cased name, UTF-16), each page at most pageSize, with
// "" at both ends.

import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { PolicyList, Session } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';

const BUILTINS = ['SMAdminPolicy', 'SMAuditorPolicy'];

// 1–12 characters, no space at either end (so the name is stored as given); lower-cased unique.
const nameArb = fc.stringMatching(/^[A-Za-z0-9_-](?:[A-Za-z0-9 _-]{0,10}[A-Za-z0-9_-])?$/);
const namesArb = fc.uniqueArray(nameArb, { minLength: 0, maxLength: 18, selector: (n) => n.toLowerCase() });

type Operator = 'eq' | 'sw' | 'sm' | 'co';

function modelOrder(names: readonly string[]): string[] {
  return [...names].sort((a, b) => {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function modelFilter(name: string, operator: Operator, value: string): boolean {
  const n = name.toLowerCase();
  const v = value.toLowerCase();
  return operator === 'eq' ? n === v : operator === 'co' ? n.includes(v) : n.startsWith(v);
}

describeEachAdapter('§6.4 listing properties', (makeStore) => {
  async function pagesForward(admin: Session, query: { filter?: string; pageSize: number }): Promise<PolicyList[]> {
    const pages = [await admin.policies.list(query)];
    while (pages.at(-1)!.pagination.next !== '' && pages.length < 200) {
      pages.push(await admin.policies.list({ ...query, pageToken: pages.at(-1)!.pagination.next }));
    }
    return pages;
  }

  async function pagesBackward(admin: Session, query: { filter?: string; pageSize: number }, last: PolicyList): Promise<PolicyList[]> {
    const pages = [last];
    while (pages.at(-1)!.pagination.prev !== '' && pages.length < 200) {
      pages.push(await admin.policies.list({ ...query, pageToken: pages.at(-1)!.pagination.prev }));
    }
    return pages.reverse();
  }

  it('walking next and then prev visits exactly the filtered policies, in order, pages at most pageSize', async () => {
    await fc.assert(
      fc.asyncProperty(
        namesArb,
        fc.integer({ min: 1, max: 7 }),
        fc.option(fc.record({ operator: fc.constantFrom<Operator>('eq', 'sw', 'sm', 'co'), pick: fc.nat(), start: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }), {
          nil: undefined,
        }),
        async (names, pageSize, filterSpec) => {
          const admin = (await makeStore()).store.as(ADMIN);
          for (const name of names) await admin.policies.create({ name, resource: '/' });
          const all = [...names, ...BUILTINS];
          let filter: string | undefined;
          let expected = modelOrder(all);
          if (filterSpec !== undefined) {
            // A value cut out of one of the names (any case), so matches exist.
            const source = all[filterSpec.pick % all.length]!;
            const start = filterSpec.start % source.length;
            const value = source.slice(start, start + filterSpec.length).toUpperCase();
            filter = `name ${filterSpec.operator} "${value}"`;
            expected = expected.filter((n) => modelFilter(n, filterSpec.operator, value));
          }
          const query = filter === undefined ? { pageSize } : { filter, pageSize };

          const forward = await pagesForward(admin, query);
          expect(forward.flatMap((p) => p.result.map((s) => s.name))).toEqual(expected);
          for (const page of forward) expect(page.result.length).toBeLessThanOrEqual(pageSize);
          expect(forward.length).toBe(Math.max(1, Math.ceil(expected.length / pageSize)));
          expect(forward[0]!.pagination.prev).toBe('');
          expect(forward.at(-1)!.pagination.next).toBe('');

          const backward = await pagesBackward(admin, query, forward.at(-1)!);
          expect(backward.flatMap((p) => p.result.map((s) => s.name))).toEqual(expected);
          for (const page of backward) expect(page.result.length).toBeLessThanOrEqual(pageSize);
        },
      ),
      { seed: 20240603, numRuns: 12 },
    );
  });
});
