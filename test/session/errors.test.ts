// SPEC §10 — one error class with a stable code and its status; VALIDATION
// details list every problem as `{ pointer, message }`; no error ever holds a
// secret value (message, stack, details, cause).

import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { CofferError, type ErrorCode, type Session, type Store } from '../../src/index.js';
import { ADMIN, describeEachAdapter, type TestStore } from '../support/stores.js';
import { CANARY, everythingShownBy, pointersOf, refusal, STATUS_OF } from './refusals.js';
import { batchesHold, describeEachWatchedAdapter } from './wrapped-adapters.js';

const APPROVAL = {
  approvers: { userIds: ['boss'] },
  validFor: 30,
  isValidForInDays: false,
  timeToApprove: 60,
  notificationMedium: 'chan-1',
};
const NO_MEMBERS = { users: [], tags: [], tokens: [], serviceIdentities: [] };

describeEachAdapter('§10 codes and statuses', (makeStore) => {
  async function opened(): Promise<TestStore & { admin: Session }> {
    const t = await makeStore();
    const admin = t.store.as(ADMIN);
    await admin.create('/d', { type: 'directory' });
    await admin.create('/d/s', { type: 'secret', value: 'v' });
    return { ...t, admin };
  }

  // Each row provokes its code through the public API.
  const ROWS: ReadonlyArray<readonly [ErrorCode, (t: TestStore & { admin: Session }) => Promise<unknown>]> = [
    ['VALIDATION', ({ admin }) => admin.get('/d/../s')],
    ['FORBIDDEN', ({ store }) => store.as({ id: 'u' }).get('/d/s')],
    [
      'APPROVAL_REQUIRED',
      async ({ store, admin }) => {
        await admin.policies.create({
          name: 'ask first',
          description: 'needs an approval',
          resource: '/d/*',
          accessLevel: 'SM_View',
          accessType: 'Allow',
          members: { ...NO_MEMBERS, users: [{ id: 'u' }] },
          condition: { approval: APPROVAL },
        });
        return store.as({ id: 'u' }).get('/d/s');
      },
    ],
    ['NOT_FOUND', ({ admin }) => admin.get('/d/missing')],
    ['ALREADY_EXISTS', ({ admin }) => admin.create('/d', { type: 'directory' })],
    ['NOT_EMPTY', ({ admin }) => admin.delete('/d')],
    ['CONFLICT', ({ admin }) => admin.patch('/d/s', { value: 'w' }, { ifVersion: 7 })],
    [
      'READ_ONLY',
      async ({ admin }) => {
        const { result } = await admin.policies.list({ filter: 'name eq SMAdminPolicy' });
        return admin.policies.delete(result[0]!.id);
      },
    ],
    ['WRONG_KEY', (t) => t.reopen({ key: new Uint8Array(randomBytes(32)) })],
    [
      'CLOSED',
      async ({ store, admin }) => {
        await store.close();
        return admin.get('/');
      },
    ],
  ];

  for (const [code, provoke] of ROWS) {
    it(`${code} has status ${STATUS_OF[code]} and is a CofferError`, async () => {
      const t = await opened();
      const error = await refusal(() => provoke(t), code);
      expect(error).toBeInstanceOf(CofferError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('CofferError');
      expect(typeof error.message).toBe('string');
      expect(error.message.length).toBeGreaterThan(0);
      if (code === 'VALIDATION') pointersOf(error);
      if (code === 'APPROVAL_REQUIRED') expect(error.policyIds).toHaveLength(1);
    });
  }

  it('a store refused with WRONG_KEY opens again with the right key, data intact', async () => {
    const t = await opened();
    await refusal(t.reopen({ key: new Uint8Array(randomBytes(32)) }), 'WRONG_KEY');
    const again = await t.reopen();
    expect((await again.store.as(ADMIN).get('/d/s')).value).toBe('v');
  });

  it('VALIDATION details name every problem of a create: path, type, value and an unknown field', async () => {
    const { admin } = await opened();
    const error = await refusal(admin.create('/d/x*', { type: 'file', value: 5, colour: 'blue' } as never), 'VALIDATION');
    const pointers = pointersOf(error);
    for (const pointer of ['/path', '/type', '/value', '/colour']) expect(pointers, pointer).toContain(pointer);
  });

  it('a create body with two bad fields gives two pointers', async () => {
    const { admin } = await opened();
    const error = await refusal(admin.create('/d/x', { type: 'secret', value: 5, description: 7 } as never), 'VALIDATION');
    expect(new Set(pointersOf(error))).toEqual(new Set(['/value', '/description']));
  });

  it('VALIDATION details name every problem of a patch: path, body fields and options', async () => {
    const { admin } = await opened();
    const error = await refusal(admin.patch('/d//s', { value: 1, extra: 2 } as never, { ifVersion: 0 }), 'VALIDATION');
    const pointers = pointersOf(error);
    for (const pointer of ['/path', '/value', '/extra']) expect(pointers, pointer).toContain(pointer);
    expect(pointers.some((p) => p.endsWith('/ifVersion')), JSON.stringify(pointers)).toBe(true);
  });

  it('VALIDATION details name every problem of an ACL entry, with the path', async () => {
    const { admin } = await opened();
    const error = await refusal(admin.putAccess('/d//', { entity: { type: 'role', id: 3 }, access: 'write' } as never), 'VALIDATION');
    const pointers = pointersOf(error);
    for (const pointer of ['/path', '/entity/type', '/entity/id', '/access']) expect(pointers, pointer).toContain(pointer);
    const missing = await refusal(admin.putAccess('/d', {} as never), 'VALIDATION');
    expect(new Set(pointersOf(missing))).toEqual(new Set(['/entity', '/access']));
  });

  it('VALIDATION details of a deleteAccess entity name its fields', async () => {
    const { admin } = await opened();
    const error = await refusal(admin.deleteAccess('/d', { type: 'team', id: '' } as never), 'VALIDATION');
    const pointers = pointersOf(error);
    expect(pointers.some((p) => p.endsWith('/type')), JSON.stringify(pointers)).toBe(true);
  });
});

describeEachAdapter('§10 no secret value in any error', (makeStore) => {
  async function opened(): Promise<{ store: Store; admin: Session }> {
    const { store } = await makeStore({ maxSecretBytes: 64 });
    const admin = store.as(ADMIN);
    await admin.create('/d', { type: 'directory' });
    await admin.create('/d/held', { type: 'secret', value: CANARY });
    await admin.create('/d/full', { type: 'directory' });
    await admin.create('/d/full/x', { type: 'secret', value: CANARY });
    await admin.putAccess('/d', { entity: { type: 'user', id: 'reader' }, access: 'read' });
    return { store, admin };
  }

  const secret = (value: unknown) => ({ type: 'secret', value }) as never;

  const REFUSALS: ReadonlyArray<readonly [string, ErrorCode, (store: Store, admin: Session) => Promise<unknown>]> = [
    ['a malformed path on create', 'VALIDATION', (_, a) => a.create('/d/bad*', secret(CANARY))],
    ['a malformed path on patch', 'VALIDATION', (_, a) => a.patch('/d/../held', { value: CANARY })],
    ['an unknown field on create', 'VALIDATION', (_, a) => a.create('/d/x', { type: 'secret', value: CANARY, extra: CANARY } as never)],
    ['an unknown field on patch', 'VALIDATION', (_, a) => a.patch('/d/held', { value: CANARY, extra: 1 } as never)],
    ['a value over the limit on create', 'VALIDATION', (_, a) => a.create('/d/x', secret(CANARY.repeat(4)))],
    ['a value over the limit on patch', 'VALIDATION', (_, a) => a.patch('/d/held', { value: CANARY.repeat(4) })],
    ['a value with a lone surrogate', 'VALIDATION', (_, a) => a.create('/d/x', secret(`${CANARY}\uD800`))],
    ['a patched value with a lone surrogate', 'VALIDATION', (_, a) => a.patch('/d/held', { value: `\uDC00${CANARY}` })],
    ['a value on a directory', 'VALIDATION', (_, a) => a.create('/d/x', { type: 'directory', value: CANARY } as never)],
    ['a value on a directory patch', 'VALIDATION', (_, a) => a.patch('/d', { value: CANARY })],
    ['an unknown type with a value', 'VALIDATION', (_, a) => a.create('/d/x', { type: 'blob', value: CANARY } as never)],
    ['a bad ifVersion with a value', 'VALIDATION', (_, a) => a.patch('/d/held', { value: CANARY }, { ifVersion: -1 })],
    ['a create under a secret', 'VALIDATION', (_, a) => a.create('/d/held/x', secret(CANARY))],
    ['the value as a path', 'VALIDATION', (_, a) => a.get(`/${CANARY}*`)],
    ['a stranger reading a secret', 'FORBIDDEN', (s) => s.as({ id: 'stranger' }).get('/d/held')],
    ['a lister reading a secret', 'FORBIDDEN', (s) => s.as({ id: 'reader' }).get('/d/held')],
    ['a stranger patching with a value', 'FORBIDDEN', (s) => s.as({ id: 'stranger' }).patch('/d/held', { value: CANARY })],
    ['a stranger creating with a value', 'FORBIDDEN', (s) => s.as({ id: 'stranger' }).create('/d/new', secret(CANARY))],
    ['a lister creating with a value', 'FORBIDDEN', (s) => s.as({ id: 'reader' }).create('/d/new', secret(CANARY))],
    ['a stranger deleting a secret', 'FORBIDDEN', (s) => s.as({ id: 'stranger' }).delete('/d/held')],
    ['a non-admin reading the ACL of a secret', 'FORBIDDEN', (s) => s.as({ id: 'reader' }).getAccess('/d/held')],
    ['a create under a missing parent', 'NOT_FOUND', (_, a) => a.create('/nope/x', secret(CANARY))],
    ['a patch of a missing secret', 'NOT_FOUND', (_, a) => a.patch('/d/nope', { value: CANARY })],
    ['a lister patching a missing secret', 'NOT_FOUND', (s) => s.as({ id: 'reader' }).patch('/d/nope', { value: CANARY })],
    ['a create on a taken path', 'ALREADY_EXISTS', (_, a) => a.create('/d/held', secret(CANARY))],
    ['a create of the root', 'ALREADY_EXISTS', (_, a) => a.create('/', secret(CANARY))],
    ['a delete of a full directory', 'NOT_EMPTY', (_, a) => a.delete('/d/full')],
    ['a stale ifVersion', 'CONFLICT', (_, a) => a.patch('/d/held', { value: CANARY }, { ifVersion: 9 })],
    [
      'a write after close',
      'CLOSED',
      async (s, a) => {
        await s.close();
        return a.create('/d/x', secret(CANARY));
      },
    ],
    [
      'a patch after close',
      'CLOSED',
      async (s, a) => {
        await s.close();
        return a.patch('/d/held', { value: CANARY });
      },
    ],
    [
      'a read after close',
      'CLOSED',
      async (s, a) => {
        await s.close();
        return a.get('/d/held');
      },
    ],
  ];

  for (const [what, code, provoke] of REFUSALS) {
    it(`${what} is ${code} and shows no value`, async () => {
      const { store, admin } = await opened();
      const error = await refusal(() => provoke(store, admin), code);
      expect(everythingShownBy(error).includes(CANARY)).toBe(false);
    });
  }
});

describeEachWatchedAdapter('§10 STORAGE and CORRUPT', (open) => {
  it('an adapter that fails a write is STORAGE (503); nothing of the operation was written', async () => {
    const { store, adapter, reopen } = await open();
    const admin = store.as(ADMIN);
    await admin.create('/s', { type: 'secret', value: 'before' });
    adapter.failWrites = true;
    const errors = [
      await refusal(admin.create('/t', { type: 'secret', value: CANARY }), 'STORAGE'),
      await refusal(admin.patch('/s', { value: CANARY }), 'STORAGE'),
      await refusal(admin.delete('/s'), 'STORAGE'),
      await refusal(admin.putAccess('/s', { entity: { type: 'user', id: 'u' }, access: 'read' }), 'STORAGE'),
    ];
    for (const error of errors) expect(everythingShownBy(error).includes(CANARY)).toBe(false);
    adapter.failWrites = false;
    expect(await admin.get('/s')).toMatchObject({ value: 'before', version: 1 });
    expect(await admin.getAccess('/s')).toEqual([]);
    await refusal(admin.get('/t'), 'NOT_FOUND');
    const again = (await reopen()).as(ADMIN);
    expect(await again.get('/s')).toMatchObject({ value: 'before', version: 1 });
    await refusal(again.get('/t'), 'NOT_FOUND');
  });

  it('a stored value that fails authentication is CORRUPT (500) and shows no value', async () => {
    const { store, adapter } = await open();
    const admin = store.as(ADMIN);
    await admin.create('/s', { type: 'secret', value: CANARY });
    adapter.damageReads = true;
    const error = await refusal(admin.get('/s'), 'CORRUPT');
    expect(everythingShownBy(error).includes(CANARY)).toBe(false);
    adapter.damageReads = false;
    expect((await admin.get('/s')).value).toBe(CANARY);
  });

  it('each allowed write is one batch, a read writes nothing, and no batch holds a value in plaintext', async () => {
    const { store, adapter } = await open();
    const admin = store.as(ADMIN);
    const writes: Array<[string, () => Promise<unknown>]> = [
      ['create a directory', () => admin.create('/d', { type: 'directory' })],
      ['create a secret', () => admin.create('/d/s', { type: 'secret', value: CANARY })],
      ['patch a value', () => admin.patch('/d/s', { value: `${CANARY}-2` })],
      ['patch a description', () => admin.patch('/d/s', { description: 'about it' })],
      ['putAccess', () => admin.putAccess('/d/s', { entity: { type: 'user', id: 'u' }, access: 'read' })],
      ['deleteAccess', () => admin.deleteAccess('/d/s', { type: 'user', id: 'u' })],
      ['delete a secret', () => admin.delete('/d/s')],
    ];
    for (const [what, write] of writes) {
      const before = adapter.batches.length;
      await write();
      expect(adapter.batches.length - before, what).toBe(1);
    }
    await admin.create('/d/t', { type: 'secret', value: CANARY });
    const before = adapter.batches.length;
    await admin.get('/d/t');
    await admin.get('/d');
    await admin.getAccess('/d/t');
    await admin.can('sm.secret.read', '/d/t');
    expect(adapter.batches.length).toBe(before);
    expect(batchesHold(adapter.batches, CANARY)).toBe(false);
  });
});
