// Issue 11 — close() lets the operations issued before it finish: their
// promises resolve with their results (writes are on disk after reopening),
// close() resolves after them, and only a call made once close() began gets
// CLOSED.

import { expect, it } from 'vitest';
import { describeEachAdapter } from '../support/stores.js';
import { outcomeOf, refusal } from '../session/refusals.js';
import { ADMIN } from './helpers.js';

describeEachAdapter('close() lets issued operations finish', (makeStore) => {
  async function world() {
    const t = await makeStore();
    const admin = t.store.as(ADMIN);
    await admin.create('/d', { type: 'directory' });
    await admin.create('/d/s', { type: 'secret', value: 'kept' });
    return { t, admin };
  }

  it('two creates issued, then close() without awaiting: both resolve, close resolves after them, the items are there after reopening', async () => {
    const { t, admin } = await world();
    const order: string[] = [];
    const first = admin.create('/d/a', { type: 'secret', value: 'value a' }).then((view) => (order.push('create a'), view));
    const second = admin.create('/d/b', { type: 'secret', value: 'value b' }).then((view) => (order.push('create b'), view));
    const closing = t.store.close().then(() => order.push('close'));
    const [a, b] = await Promise.all([first, second, closing]);
    expect(a.path).toBe('/d/a');
    expect(b.path).toBe('/d/b');
    expect(order).toEqual(['create a', 'create b', 'close']);
    const again = (await t.reopen()).store.as(ADMIN);
    expect((await again.get('/d/a')).value).toBe('value a');
    expect((await again.get('/d/b')).value).toBe('value b');
  });

  it('a get issued before close() resolves with the value', async () => {
    const { t, admin } = await world();
    const reading = admin.get('/d/s');
    const closing = t.store.close();
    expect((await reading).value).toBe('kept');
    await closing;
  });

  it('every kind of operation issued before close() finishes as on an open store', async () => {
    const { t, admin } = await world();
    const user = t.store.as({ id: 'u' });
    const calls = [
      admin.patch('/d/s', { value: 'patched' }),
      admin.putAccess('/d', { entity: { type: 'user', id: 'u' }, access: 'read' }),
      admin.getAccess('/d'),
      admin.policies.list(),
      admin.can('sm.node.list', '/d'),
      user.get('/d/s').catch((error: { code?: string }) => error.code),
    ];
    const closing = t.store.close();
    const results = await Promise.allSettled(calls);
    await closing;
    expect(results.map((r) => r.status)).toEqual(calls.map(() => 'fulfilled'));
    expect((results[5] as PromiseFulfilledResult<unknown>).value).toBe('FORBIDDEN');
    const again = (await t.reopen()).store.as(ADMIN);
    expect((await again.get('/d/s')).value).toBe('patched');
    expect(await again.getAccess('/d')).toEqual([{ entity: { type: 'user', id: 'u' }, access: 'read' }]);
  });

  it('a call made after close() began rejects with CLOSED, while the ones before it still succeed', async () => {
    const { t, admin } = await world();
    const before = admin.create('/d/early', { type: 'secret', value: 'early' });
    const closing = t.store.close();
    const late = [admin.create('/d/late', { type: 'secret', value: 'late' }), admin.get('/d/s'), admin.policies.list(), admin.can('sm.node.list', '/d')];
    for (const call of late) await refusal(call, 'CLOSED');
    expect(await outcomeOf(() => t.store.as(ADMIN).get('/d'))).toBe('CLOSED');
    expect((await before).path).toBe('/d/early');
    await closing;
    const again = (await t.reopen()).store.as(ADMIN);
    expect((await again.get('/d')).children!.map((c) => c.name).sort()).toEqual(['early', 's']);
  });

  it('a second close() while the first waits resolves after the issued operations too', async () => {
    const { t, admin } = await world();
    let created = false;
    const write = admin.create('/d/c', { type: 'directory' }).then(() => (created = true));
    const firstClose = t.store.close();
    await t.store.close();
    expect(created).toBe(true);
    await Promise.all([write, firstClose]);
  });
});
