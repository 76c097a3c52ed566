// Inputs are read as own data only (docs/decisions.md): a field inherited from
// a prototype — including a polluted Object.prototype — is never taken as given.

import { it, expect, afterEach } from 'vitest';
import { ADMIN, describeEachAdapter } from '../support/stores.js';

afterEach(() => {
  delete (Object.prototype as Record<string, unknown>).admin;
});

describeEachAdapter('inherited fields are not input', (makeStore) => {
  it('a polluted Object.prototype.admin does not make a principal an admin', async () => {
    const { store } = await makeStore();
    await store.as(ADMIN).create('/s', { type: 'secret', value: 'x' });
    (Object.prototype as Record<string, unknown>).admin = true;
    await expect(store.as({ id: 'm' }).get('/s')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('a principal whose admin flag sits on its prototype is not an admin', async () => {
    const { store } = await makeStore();
    await store.as(ADMIN).create('/s', { type: 'secret', value: 'x' });
    const principal = Object.assign(Object.create({ admin: true }) as object, { id: 'm' });
    await expect(store.as(principal).get('/s')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('a body whose fields sit on its prototype is VALIDATION, not a created item', async () => {
    const { store } = await makeStore();
    const body = Object.create({ type: 'secret', value: 'x' }) as { type: 'secret'; value: string };
    await expect(store.as(ADMIN).create('/t', body)).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(store.as(ADMIN).get('/t')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
