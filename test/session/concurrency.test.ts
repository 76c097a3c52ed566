// SPEC §3, §11 — concurrent calls on one store: optimistic versions let
// exactly one writer win per version, a path is created once, concurrent
// creates in one directory all land, and a read never mixes two versions.

import { expect, it } from 'vitest';
import { CofferError } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';

const WRITERS = 50;

/** Counts of fulfilled calls and of each rejection code. */
function tally(results: readonly PromiseSettledResult<unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    const key = result.status === 'fulfilled' ? 'ok' : result.reason instanceof CofferError ? result.reason.code : String(result.reason);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describeEachAdapter('concurrency', (makeStore) => {
  it(`${WRITERS} concurrent patches with ifVersion 1: exactly one wins, the rest are CONFLICT`, async () => {
    const { store } = await makeStore();
    const admin = store.as(ADMIN);
    await admin.create('/s', { type: 'secret', value: 'start' });
    const results = await Promise.allSettled(
      Array.from({ length: WRITERS }, (_, i) => store.as({ id: `w${i}`, admin: true }).patch('/s', { value: `writer ${i}` }, { ifVersion: 1 })),
    );
    expect(tally(results)).toEqual({ ok: 1, CONFLICT: WRITERS - 1 });
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    expect(await admin.get('/s')).toMatchObject({ version: 2, value: `writer ${winner}` });
  });

  it('rounds of concurrent patches, each with the version read at the start of the round: exactly one per version', async () => {
    const { store } = await makeStore();
    const admin = store.as(ADMIN);
    await admin.create('/s', { type: 'secret', value: 'v1' });
    const rounds = 6;
    for (let round = 0; round < rounds; round++) {
      const { version } = await admin.get('/s');
      const results = await Promise.allSettled(
        Array.from({ length: WRITERS }, (_, i) => admin.patch('/s', { value: `round ${round} writer ${i}` }, { ifVersion: version! })),
      );
      expect(tally(results), `round ${round}`).toEqual({ ok: 1, CONFLICT: WRITERS - 1 });
      const won = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ version?: number }>;
      expect(won.value.version).toBe(version! + 1);
    }
    expect((await admin.get('/s')).version).toBe(1 + rounds);
  });

  it('concurrent patches without ifVersion all apply, one version each', async () => {
    const { store } = await makeStore();
    const admin = store.as(ADMIN);
    await admin.create('/s', { type: 'secret', value: 'v' });
    const results = await Promise.all(Array.from({ length: WRITERS }, (_, i) => admin.patch('/s', { value: `p${i}` })));
    expect(new Set(results.map((r) => r.version))).toEqual(new Set(Array.from({ length: WRITERS }, (_, i) => i + 2)));
    expect((await admin.get('/s')).version).toBe(WRITERS + 1);
  });

  it(`${WRITERS} concurrent creates of one path: exactly one wins, the others are ALREADY_EXISTS`, async () => {
    const { store } = await makeStore();
    const admin = store.as(ADMIN);
    const results = await Promise.allSettled(
      Array.from({ length: WRITERS }, (_, i) =>
        i % 2 === 0 ? admin.create('/one', { type: 'secret', value: `creator ${i}` }) : admin.create('/one', { type: 'directory' }),
      ),
    );
    expect(tally(results)).toEqual({ ok: 1, ALREADY_EXISTS: WRITERS - 1 });
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    const item = await admin.get('/one');
    expect(item.id).toBe((results[winner] as PromiseFulfilledResult<{ id: string }>).value.id);
    if (winner % 2 === 0) expect(item.value).toBe(`creator ${winner}`);
    else expect(item.type).toBe('directory');
    expect((await admin.get('/')).children).toHaveLength(1);
  });

  it('interleaved creates in one directory all land, and survive a reopen', async () => {
    const t = await makeStore();
    const admin = t.store.as(ADMIN);
    await admin.create('/d', { type: 'directory' });
    const names = Array.from({ length: 100 }, (_, i) => `item-${String(i).padStart(3, '0')}`);
    const created = await Promise.all(
      names.map((name, i) => (i % 3 === 0 ? admin.create(`/d/${name}`, { type: 'directory' }) : admin.create(`/d/${name}`, { type: 'secret', value: name }))),
    );
    expect(new Set(created.map((c) => c.id)).size).toBe(names.length);
    const expected = names.map((name, i) => ({ name, type: i % 3 === 0 ? 'directory' : 'secret' }));
    expect((await admin.get('/d')).children).toEqual(expected);
    const again = (await t.reopen()).store.as(ADMIN);
    expect((await again.get('/d')).children).toEqual(expected);
    expect((await again.get('/d/item-001')).value).toBe('item-001');
  });

  it('concurrent creates in sibling directories and nested paths all land', async () => {
    const { store } = await makeStore();
    const admin = store.as(ADMIN);
    await Promise.all(['a', 'b', 'c'].map((d) => admin.create(`/${d}`, { type: 'directory' })));
    await Promise.all(['a', 'b', 'c'].flatMap((d) => Array.from({ length: 10 }, (_, i) => admin.create(`/${d}/s${i}`, { type: 'secret', value: `${d}${i}` }))));
    for (const d of ['a', 'b', 'c']) expect((await admin.get(`/${d}`)).children).toHaveLength(10);
  });

  it('a read during concurrent patches never mixes a value with another version', async () => {
    const { store } = await makeStore();
    const admin = store.as(ADMIN);
    await admin.create('/s', { type: 'secret', value: 'value at 1' });
    const valueOfVersion = new Map<number, string>([[1, 'value at 1']]);
    const writes = Array.from({ length: 30 }, async (_, i) => {
      const value = `written ${i}`;
      const { version } = await admin.patch('/s', { value });
      valueOfVersion.set(version!, value);
    });
    const reads = Array.from({ length: 30 }, () => admin.get('/s'));
    const [, seen] = await Promise.all([Promise.all(writes), Promise.all(reads)]);
    for (const item of seen) expect(valueOfVersion.get(item.version!), `version ${item.version}`).toBe(item.value);
  });

  it('a concurrent delete and patch of one secret: either the patch lands first or it is NOT_FOUND', async () => {
    const { store } = await makeStore();
    const admin = store.as(ADMIN);
    for (let round = 0; round < 10; round++) {
      await admin.create('/s', { type: 'secret', value: 'v' });
      const [patched, deleted] = await Promise.allSettled([admin.patch('/s', { value: 'w' }), admin.delete('/s')]);
      expect(deleted.status).toBe('fulfilled');
      if (patched.status === 'rejected') expect((patched.reason as CofferError).code).toBe('NOT_FOUND');
      expect((await admin.get('/')).children).toEqual([]);
    }
  });
});
