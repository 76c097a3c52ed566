// SPEC §6.4 — policies.list: which policies a resource lists (an item path:
// those that match or cover it; a pattern: that exact string; dead policies),
// the name filter, the order, page sizes, page tokens that name a position,
// and the summary shape.

import { beforeEach, describe, expect, it } from 'vitest';
import type { PolicyList, Session, Store } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { pointersOf, tree } from './helpers.js';

const BUILTINS = ['SMAdminPolicy', 'SMAuditorPolicy'];

describeEachAdapter('§6.4 policy listing', (makeStore) => {
  let store: Store;
  let admin: Session;
  beforeEach(async () => {
    store = (await makeStore()).store;
    admin = store.as(ADMIN);
  });

  const names = (list: PolicyList) => list.result.map((s) => s.name);
  const create = (name: string, resource = '/') => admin.policies.create({ name, resource });

  /** Every page from the first, following `next`. */
  async function walk(query: { resource?: string; filter?: string; pageSize?: number }): Promise<PolicyList[]> {
    const pages: PolicyList[] = [];
    let page = await admin.policies.list(query);
    pages.push(page);
    while (page.pagination.next !== '' && pages.length < 100) {
      page = await admin.policies.list({ ...query, pageToken: page.pagination.next });
      pages.push(page);
    }
    return pages;
  }

  // ---------------------------------------------------------------- resource

  describe('by resource', () => {
    beforeEach(async () => {
      await tree(admin, ['/a/', '/a/b/', '/a/b/c/', '/x/']);
      for (const [name, resource] of [
        ['Star', '*'],
        ['All', '/*'],
        ['Root', '/'],
        ['A', '/a'],
        ['A sub', '/a/*'],
        ['AB', '/a/b'],
        ['AB sub', '/a/b/*'],
        ['ABC', '/a/b/c'],
        ['ABC sub', '/a/b/c/*'],
        ['X', '/x'],
        ['X sub', '/x/*'],
      ] as const) {
        await create(name, resource);
      }
    });

    it('an item path `/a/b` lists the policies on `*`, `/*`, `/a/*`, `/a/b/*` and `/a/b`, and no others', async () => {
      expect(names(await admin.policies.list({ resource: '/a/b' }))).toEqual(['A sub', 'AB', 'AB sub', 'All', ...BUILTINS, 'Star']);
    });

    it('the item path `/` lists the policies on `*`, `/*` and `/`', async () => {
      expect(names(await admin.policies.list({ resource: '/' }))).toEqual(['All', 'Root', ...BUILTINS, 'Star']);
    });

    it('an item path deep below lists every covering subtree policy on the way', async () => {
      expect(names(await admin.policies.list({ resource: '/a/b/c' }))).toEqual(['A sub', 'AB sub', 'ABC', 'ABC sub', 'All', ...BUILTINS, 'Star']);
    });

    it.each([
      ['/a/*', ['A sub']],
      ['/a/b/*', ['AB sub']],
      ['/*', ['All']],
      ['*', [...BUILTINS, 'Star']],
    ])('a pattern `%s` lists exactly the policies whose resource is that string', async (resource, expected) => {
      expect(names(await admin.policies.list({ resource }))).toEqual(expected);
    });

    it('no resource lists every policy', async () => {
      expect(names(await admin.policies.list())).toEqual(
        ['A', 'A sub', 'AB', 'AB sub', 'ABC', 'ABC sub', 'All', 'Root', ...BUILTINS, 'Star', 'X', 'X sub'],
      );
    });

    it('a malformed resource → VALIDATION at /resource', async () => {
      expect(await pointersOf(admin.policies.list({ resource: '/a/*/b' }))).toEqual(['/resource']);
      expect(await pointersOf(admin.policies.list({ resource: '/a/b*' }))).toEqual(['/resource']);
    });
  });

  it('a dead policy is left out of an item-path listing but shown in a pattern listing', async () => {
    await tree(admin, ['/d/']);
    const exact = await create('Dead exact', '/d');
    const sub = await create('Dead sub', '/d/*');
    await admin.delete('/d');
    await tree(admin, ['/d/']);
    const byItem = await admin.policies.list({ resource: '/d' });
    expect(byItem.result.map((s) => s.id)).not.toContain(exact.id);
    expect(byItem.result.map((s) => s.id)).not.toContain(sub.id);
    const byPattern = await admin.policies.list({ resource: '/d/*' });
    expect(byPattern.result).toEqual([
      { id: sub.id, name: 'Dead sub', description: sub.description, isActive: true, isDraft: false, isReadOnly: false, resources: ['*', 'Deleted resource/s'], accessType: 'Allow' },
    ]);
    // The unfiltered listing still shows both, with their resource strings kept.
    expect(names(await admin.policies.list({ filter: 'name sw dead' }))).toEqual(['Dead exact', 'Dead sub']);
  });

  it('inactive and draft policies are listed like any other', async () => {
    await admin.policies.create({ name: 'Off', resource: '/', isActive: false });
    await admin.policies.create({ name: 'Draft', resource: '/', isDraft: true });
    const listed = await admin.policies.list({ resource: '/' });
    expect(listed.result.find((s) => s.name === 'Off')).toMatchObject({ isActive: false, isDraft: false });
    expect(listed.result.find((s) => s.name === 'Draft')).toMatchObject({ isActive: true, isDraft: true });
  });

  // ---------------------------------------------------------------- filter

  describe('by name filter', () => {
    beforeEach(async () => {
      for (const name of ['Alpha One', 'alphabet', 'Beta', 'gamma-alpha', 'Delta One']) await create(name);
    });

    it.each([
      ['name eq alpha one', ['Alpha One']],
      ['name eq "ALPHA ONE"', ['Alpha One']],
      ["name eq 'Alpha One'", ['Alpha One']],
      ['NAME EQ Beta', ['Beta']],
      ['Name Eq BETA', ['Beta']],
      ['  name   eq   Beta  ', ['Beta']],
      ['name eq alpha', []],
      ['name sw alpha', ['Alpha One', 'alphabet']],
      ['name sm ALPHA', ['Alpha One', 'alphabet']],
      ['name SW "alpha "', ['Alpha One']],
      ['name co alpha', ['Alpha One', 'alphabet', 'gamma-alpha']],
      ['name co " one"', ['Alpha One', 'Delta One']],
      ['name co ONE', ['Alpha One', 'Delta One']],
      ['name co -', ['gamma-alpha']],
      ['name co smadmin', ['SMAdminPolicy']],
    ])('the filter `%s` lists %j', async (filter, expected) => {
      expect(names(await admin.policies.list({ filter }))).toEqual(expected);
    });

    it.each([[''], ['   ']])('an empty filter (%j) is no filter', async (filter) => {
      expect(names(await admin.policies.list({ filter }))).toEqual(['Alpha One', 'alphabet', 'Beta', 'Delta One', 'gamma-alpha', ...BUILTINS]);
    });

    it.each([['name eq '], ['name eq ""'], ["name co ''"], ['name sw']])('an empty value (%j) → VALIDATION at /filter', async (filter) => {
      expect(await pointersOf(admin.policies.list({ filter }))).toEqual(['/filter']);
    });

    it.each([
      ['name ne Beta'],
      ['description eq Beta'],
      ['name'],
      ['eq Beta'],
      ['Beta'],
      ['name = Beta'],
      ['namex eq Beta'],
    ])('another form (%j) → VALIDATION at /filter', async (filter) => {
      expect(await pointersOf(admin.policies.list({ filter }))).toEqual(['/filter']);
    });

    it('a non-string filter → VALIDATION at /filter', async () => {
      expect(await pointersOf(admin.policies.list({ filter: 5 as unknown as string }))).toEqual(['/filter']);
    });

    it('a filter and a resource combine', async () => {
      await tree(admin, ['/a/']);
      await create('Alpha Sub', '/a/*');
      expect(names(await admin.policies.list({ resource: '/a', filter: 'name sw alpha' }))).toEqual(['Alpha Sub']);
      expect(names(await admin.policies.list({ resource: '/', filter: 'name sw alpha' }))).toEqual(['Alpha One', 'alphabet']);
    });
  });

  // ---------------------------------------------------------------- order

  it('policies are ordered by the lower-cased name in UTF-16 order, not by the name as written', async () => {
    for (const name of ['Zed', 'apple', '_under', 'Mango', '10x', 'a-b', 'a b', 'a_b', 'ab', 'B']) await create(name);
    expect(names(await admin.policies.list())).toEqual(['10x', '_under', 'a b', 'a-b', 'a_b', 'ab', 'apple', 'B', 'Mango', ...BUILTINS, 'Zed']);
  });

  it('after a reopen (all policies loaded at once, sorted once) the order is the same (name, then id)', async () => {
    const t = await makeStore();
    const session = t.store.as(ADMIN);
    // 150 policies created in a scrambled name order, some names equal but for case.
    const made: string[] = [];
    for (let i = 0; i < 150; i++) {
      const name = `${(i * 37) % 150 % 2 === 0 ? 'P' : 'p'}olicy ${String((i * 37) % 150).padStart(3, '0')}`;
      made.push(name);
      await session.policies.create({ name, resource: '/' });
    }
    const all = async (s: Session) => (await s.policies.list({ pageSize: 1000 })).result.map((r) => r.name);
    const before = await all(session);
    expect(before).toEqual([...made, ...BUILTINS].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0)));
    const reopened = await t.reopen();
    expect(await all(reopened.store.as(ADMIN))).toEqual(before);
    // And later single creates and deletes still land in place.
    const again = reopened.store.as(ADMIN);
    const extra = await again.policies.create({ name: 'policy 074a', resource: '/' });
    const listed = await all(again);
    expect(listed[listed.findIndex((n) => n.toLowerCase() === 'policy 074') + 1]).toBe('policy 074a');
    await again.policies.delete(extra.id);
    expect(await all(again)).toEqual(before);
  });

  it('a renamed policy moves to its new place in the order', async () => {
    const p = await create('zzz');
    await create('mmm');
    await admin.policies.update(p.id, { name: 'AAA' });
    expect(names(await admin.policies.list())).toEqual(['AAA', 'mmm', ...BUILTINS]);
  });

  // ---------------------------------------------------------------- page size

  it('the default page size is 100', async () => {
    for (let i = 0; i < 99; i++) await create(`p${String(i).padStart(3, '0')}`);
    const first = await admin.policies.list();
    expect(first.result).toHaveLength(100);
    expect(first.pagination.prev).toBe('');
    expect(first.pagination.next).not.toBe('');
    const second = await admin.policies.list({ pageToken: first.pagination.next });
    expect(names(second)).toEqual(['SMAuditorPolicy']);
    expect(second.pagination.next).toBe('');
  });

  it('page sizes 1 and 1000 are accepted', async () => {
    expect(names(await admin.policies.list({ pageSize: 1 }))).toEqual(['SMAdminPolicy']);
    expect(names(await admin.policies.list({ pageSize: 1000 }))).toEqual(BUILTINS);
  });

  it.each([[0], [1001], [1.5], [-1], [Number.NaN], ['10']])('page size %j → VALIDATION at /pageSize', async (pageSize) => {
    expect(await pointersOf(admin.policies.list({ pageSize: pageSize as number }))).toEqual(['/pageSize']);
  });

  it('every problem of a list query is listed', async () => {
    const pointers = await pointersOf(admin.policies.list({ resource: '/a/*/b', filter: 'bogus', pageSize: 0, pageToken: 'tampered' }));
    expect(pointers).toEqual(expect.arrayContaining(['/resource', '/filter', '/pageSize', '/pageToken']));
  });

  // ---------------------------------------------------------------- pagination

  it('next and prev tokens walk the pages, and are "" at the ends', async () => {
    for (const name of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']) await create(name);
    const all = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', ...BUILTINS];
    const first = await admin.policies.list({ pageSize: 4 });
    expect(names(first)).toEqual(all.slice(0, 4));
    expect(first.pagination.prev).toBe('');
    const second = await admin.policies.list({ pageSize: 4, pageToken: first.pagination.next });
    expect(names(second)).toEqual(all.slice(4, 8));
    expect(second.pagination.prev).not.toBe('');
    const third = await admin.policies.list({ pageSize: 4, pageToken: second.pagination.next });
    expect(names(third)).toEqual(all.slice(8));
    expect(third.pagination.next).toBe('');
    const back = await admin.policies.list({ pageSize: 4, pageToken: third.pagination.prev });
    expect(names(back)).toEqual(all.slice(4, 8));
    const start = await admin.policies.list({ pageSize: 4, pageToken: back.pagination.prev });
    expect(names(start)).toEqual(all.slice(0, 4));
    expect(start.pagination.prev).toBe('');
    expect(start.pagination.next).not.toBe('');
  });

  it('a list that fits on one page has no next and no prev', async () => {
    expect((await admin.policies.list({ pageSize: 2 })).pagination).toEqual({ next: '', prev: '' });
    expect((await admin.policies.list({ filter: 'name eq nothing' })).pagination).toEqual({ next: '', prev: '' });
  });

  it('walking next pages visits every policy once, in order, with filter and page size kept', async () => {
    const made: string[] = [];
    for (let i = 0; i < 23; i++) made.push((await create(`Walk ${String(i).padStart(2, '0')}`)).name);
    for (let i = 0; i < 5; i++) await create(`Other ${i}`);
    const pages = await walk({ filter: 'name sw walk', pageSize: 5 });
    expect(pages.map((p) => p.result.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.flatMap(names)).toEqual(made);
    // Policies before the first match (`Other …`, the built-ins) do not make a prev page.
    expect(pages[0]!.pagination.prev).toBe('');
    expect(pages.at(-1)!.pagination.next).toBe('');
  });

  it('a next token names a position: policies created and deleted between page reads do not shift the next page', async () => {
    for (const name of ['b1', 'b2', 'b3', 'b4', 'b5', 'b6']) await create(name);
    const first = await admin.policies.list({ pageSize: 3 });
    expect(names(first)).toEqual(['b1', 'b2', 'b3']);
    // Before the position: must not appear on the next page, nor push anything off it.
    await create('a0');
    await create('b0');
    // After the position: b4 removed, b35 added.
    const b4 = (await admin.policies.list({ filter: 'name eq b4' })).result[0]!;
    await admin.policies.delete(b4.id);
    await create('b35');
    const second = await admin.policies.list({ pageSize: 3, pageToken: first.pagination.next });
    expect(names(second)).toEqual(['b35', 'b5', 'b6']);
  });

  it('a token stays valid when the policy at its position is deleted', async () => {
    for (const name of ['c1', 'c2', 'c3', 'c4', 'c5']) await create(name);
    const first = await admin.policies.list({ pageSize: 2 });
    expect(names(first)).toEqual(['c1', 'c2']);
    await admin.policies.delete(first.result[1]!.id);
    const second = await admin.policies.list({ pageSize: 2, pageToken: first.pagination.next });
    expect(names(second)).toEqual(['c3', 'c4']);
    // And a prev token whose policy is deleted still ends the page before its position.
    await admin.policies.delete(second.result[0]!.id);
    const back = await admin.policies.list({ pageSize: 2, pageToken: second.pagination.prev });
    expect(names(back)).toEqual(['c1']);
    expect(back.pagination.prev).toBe('');
  });

  it('a prev token names a position too: a policy created before it appears on the previous page', async () => {
    for (const name of ['d1', 'd2', 'd3', 'd4']) await create(name);
    const first = await admin.policies.list({ pageSize: 2 });
    const second = await admin.policies.list({ pageSize: 2, pageToken: first.pagination.next });
    expect(names(second)).toEqual(['d3', 'd4']);
    await create('d25');
    const back = await admin.policies.list({ pageSize: 2, pageToken: second.pagination.prev });
    expect(names(back)).toEqual(['d2', 'd25']);
    expect(back.pagination.prev).not.toBe('');
    const start = await admin.policies.list({ pageSize: 2, pageToken: back.pagination.prev });
    expect(names(start)).toEqual(['d1']);
  });

  it('a tampered, truncated or made-up token → VALIDATION at /pageToken', async () => {
    for (const name of ['e1', 'e2', 'e3']) await create(name);
    const { next } = (await admin.policies.list({ pageSize: 1 })).pagination;
    expect(next).not.toBe('');
    const flipped = next.slice(0, 5) + (next[5] === 'A' ? 'B' : 'A') + next.slice(6);
    for (const token of [flipped, next.slice(0, -3), next + 'x', 'garbage', Buffer.from('{"after":"e1"}').toString('base64')]) {
      expect(await pointersOf(admin.policies.list({ pageSize: 1, pageToken: token }))).toEqual(['/pageToken']);
    }
  });

  it('an empty page token is the first page', async () => {
    expect(names(await admin.policies.list({ pageToken: '' }))).toEqual(BUILTINS);
  });

  // ---------------------------------------------------------------- summary

  it('each listed policy is the summary { id, name, description, isActive, isDraft, isReadOnly, resources, accessType }', async () => {
    await tree(admin, ['/a/', '/a/b/']);
    const p = await admin.policies.create({ name: 'Sum', description: 'about', resource: '/a/b', accessType: 'Deny', accessLevel: 'SM_CRUD' });
    const summary = (await admin.policies.list({ filter: 'name eq sum' })).result[0]!;
    expect(Object.keys(summary).sort()).toEqual(['accessType', 'description', 'id', 'isActive', 'isDraft', 'isReadOnly', 'name', 'resources'].sort());
    expect(summary).toEqual({ id: p.id, name: 'Sum', description: 'about', isActive: true, isDraft: false, isReadOnly: false, resources: ['*', '/', '/a', '/a/b'], accessType: 'Deny' });
  });

  it.each([
    ['/a/b/*', ['*', '/', '/a', '/a/b/*']],
    ['/a', ['*', '/', '/a']],
    ['/', ['*', '/']],
    ['/*', ['*', '/', '/*']],
    ['*', ['*', '/']],
  ])('the summary resources of a policy on `%s` are the sorted union %j', async (resource, expected) => {
    await tree(admin, ['/a/', '/a/b/']);
    await admin.policies.create({ name: 'Sum', resource });
    expect((await admin.policies.list({ filter: 'name eq Sum' })).result[0]!.resources).toEqual(expected);
  });

  it('the summary resources are sorted by UTF-16 code units', async () => {
    await tree(admin, ['/B/', '/B/a/', '/B/a/Z/']);
    await admin.policies.create({ name: 'Sorted', resource: '/B/a/Z' });
    expect((await admin.policies.list({ filter: 'name eq sorted' })).result[0]!.resources).toEqual(['*', '/', '/B', '/B/a', '/B/a/Z']);
  });
});
