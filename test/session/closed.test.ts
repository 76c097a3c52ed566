// SPEC §10, §12 — a closed store: every later call is CLOSED (503), a session
// made after close is CLOSED, writes queued before close are whole or absent,
// and the same storage opens again with its data.

import { expect, it } from 'vitest';
import type { Session } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { outcomeOf, refusal } from './refusals.js';

const ENTITY = { type: 'user', id: 'u' } as const;

// Every session method, called with input that would succeed on an open store.
const CALLS: ReadonlyArray<readonly [string, (s: Session) => Promise<unknown>]> = [
  ['get a directory', (s) => s.get('/d')],
  ['get a secret', (s) => s.get('/d/s')],
  ['create', (s) => s.create('/d/new', { type: 'secret', value: 'v' })],
  ['patch', (s) => s.patch('/d/s', { value: 'w' })],
  ['delete', (s) => s.delete('/d/s')],
  ['getAccess', (s) => s.getAccess('/d')],
  ['putAccess', (s) => s.putAccess('/d', { entity: ENTITY, access: 'read' })],
  ['deleteAccess', (s) => s.deleteAccess('/d', ENTITY)],
  ['can', (s) => s.can('sm.node.list', '/d')],
  ['policies.list', (s) => s.policies.list()],
  [
    'policies.create',
    (s) =>
      s.policies.create({
        name: 'after close',
        description: '',
        resource: '/d',
        accessLevel: 'SM_View',
        accessType: 'Allow',
        members: { users: [], tags: [], tokens: [], serviceIdentities: [] },
      }),
  ],
];

describeEachAdapter('CLOSED', (makeStore) => {
  async function closedStore() {
    const t = await makeStore();
    const admin = t.store.as(ADMIN);
    await admin.create('/d', { type: 'directory' });
    await admin.create('/d/s', { type: 'secret', value: 'v' });
    const user = t.store.as({ id: 'u' });
    await t.store.close();
    return { ...t, admin, user };
  }

  for (const [name, call] of CALLS) {
    it(`after close, ${name} rejects with CLOSED for an admin and for anyone else`, async () => {
      const { admin, user } = await closedStore();
      await refusal(call(admin), 'CLOSED');
      await refusal(call(user), 'CLOSED');
    });
  }

  it('after close, a refused call is still audited, with code CLOSED', async () => {
    const { admin, audit } = await closedStore();
    const before = audit.length;
    await refusal(admin.get('/d'), 'CLOSED');
    expect(audit.slice(before)).toEqual([expect.objectContaining({ action: 'get', outcome: 'refused', code: 'CLOSED' })]);
  });

  it('a session made after close gets CLOSED, at once or on its first call', async () => {
    const { store } = await closedStore();
    expect(await outcomeOf(() => store.as(ADMIN).get('/'))).toBe('CLOSED');
    expect(await outcomeOf(() => store.as({ id: 'u' }).create('/x', { type: 'directory' }))).toBe('CLOSED');
  });

  it('a CLOSED error has status 503', async () => {
    const { admin } = await closedStore();
    const error = await refusal(admin.get('/'), 'CLOSED');
    expect(error.status).toBe(503);
  });

  it('writes issued just before close are each whole or absent, and the storage opens again', async () => {
    const t = await makeStore();
    const admin = t.store.as(ADMIN);
    await admin.create('/d', { type: 'directory' });
    const writes = Array.from({ length: 20 }, (_, i) => admin.create(`/d/s${i}`, { type: 'secret', value: `value ${i}` }));
    const closing = t.store.close();
    const results = await Promise.allSettled(writes);
    await closing;
    for (const result of results) {
      if (result.status === 'rejected') expect((result.reason as { code?: string }).code).toBe('CLOSED');
    }
    const landed = results.flatMap((r, i) => (r.status === 'fulfilled' ? [`s${i}`] : []));
    const again = (await t.reopen()).store.as(ADMIN);
    expect((await again.get('/d')).children!.map((c) => c.name).sort()).toEqual(landed.sort());
    for (const name of landed) expect((await again.get(`/d/${name}`)).value).toBe(`value ${name.slice(1)}`);
  });

  it('closing twice is harmless, and a reopened store works', async () => {
    const t = await makeStore();
    await t.store.as(ADMIN).create('/kept', { type: 'secret', value: 'k' });
    await t.store.close();
    await t.store.close();
    const again = (await t.reopen()).store.as(ADMIN);
    expect((await again.get('/kept')).value).toBe('k');
  });
});
