// End to end: what a store writes reads back after close and reopen (LevelDB
// across adapter instances, memory on the same adapter), and a wrong key
// opens nothing.

import path from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CofferError, openStore, type Store } from '../../src/index.js';
import { levelAdapter } from '../../adapters/level/index.js';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { ADMIN, errorText, expectCoffer, hex, newKey, snapshot, sortAcl, useCleanup } from './helpers.js';

const { tempDir, track } = useCleanup();

const USER_U = { id: 'user-u' };
const USER_V = { id: 'user-v' };
const OPS_GROUP_MEMBER = { id: 'user-w', groups: ['ops'] };

/** Builds a tree with ACLs, patched and deleted secrets and a policy; returns what the admin saw. */
async function buildTree(store: Store): Promise<{ policyId: string; secrets: Record<string, string> }> {
  const admin = store.as(ADMIN);
  await admin.create('/apps', { type: 'directory', description: 'all applications' });
  await admin.putAccess('/apps', { entity: { type: 'user', id: USER_U.id }, access: 'read_write' });
  await admin.putAccess('/apps', { entity: { type: 'group', id: 'ops' }, access: 'read' });
  // Created after the ACL change: copies it.
  await admin.create('/apps/web', { type: 'directory' });
  await admin.create('/apps/web/db-password', { type: 'secret', value: 'v1-db', description: 'primary database' });
  await admin.patch('/apps/web/db-password', { value: 'v2-db' });
  await admin.patch('/apps/web/db-password', { value: 'v3-db ✓ ünïcödé 😀' });
  await admin.create('/apps/web/api-token', { type: 'secret', value: '' });
  await admin.patch('/apps/web/api-token', { description: 'description-only patch keeps version 1' });
  await admin.create('/apps/web/gone', { type: 'secret', value: 'deleted value' });
  await admin.delete('/apps/web/gone');
  await admin.create('/apps/web/gone', { type: 'secret', value: 'created again' });
  await admin.putAccess('/apps/web/api-token', { entity: { type: 'user', id: USER_V.id }, access: 'read' });
  await admin.deleteAccess('/apps/web/api-token', { type: 'group', id: 'ops' });
  await admin.create('/infra', { type: 'directory' });
  await admin.create('/infra/ssh key', { type: 'secret', value: '-----BEGIN KEY-----\nabc\n-----END KEY-----\n' });
  const policy = await admin.policies.create({
    name: 'infra readers',
    description: 'reads infra',
    resource: '/infra/*',
    accessLevel: 'SM_View',
    accessType: 'Allow',
    members: { users: [{ id: USER_V.id, name: 'Vee' }], tags: [{ id: 'auditors' }] },
  });
  await admin.policies.create({
    name: 'deny-web-token',
    resource: '/apps/web/api-token',
    accessLevel: 'SM_CRUD',
    accessType: 'Deny',
    members: { users: [{ id: USER_U.id }] },
    condition: {
      ipAddress: '10.0.0.0/8, 192.168.1.7',
      timeOfAccess: { daysSchedule: { fromTime: '09:00:00', toTime: '17:00:00', timezone: 'Europe/Paris', days: ['monday', 'FRIDAY'] } },
    },
  });
  const updated = await admin.policies.create({ name: 'to be updated', resource: '/apps', accessLevel: 'SM_View', members: { users: [{ id: 'x' }] } });
  await admin.policies.update(updated.id, { accessLevel: 'SM_Manage', members: { users: [{ id: 'y' }] }, isActive: false });
  const deleted = await admin.policies.create({ name: 'to be deleted', resource: '*', members: { users: [{ id: 'z' }] } });
  await admin.policies.delete(deleted.id);
  return {
    policyId: policy.id,
    secrets: {
      '/apps/web/db-password': 'v3-db ✓ ünïcödé 😀',
      '/apps/web/api-token': '',
      '/apps/web/gone': 'created again',
      '/infra/ssh key': '-----BEGIN KEY-----\nabc\n-----END KEY-----\n',
    },
  };
}

describe('a LevelDB store read back after close and reopen', () => {
  it('reads back every item, value, version, id, description, ACL entry and policy with the same key', async () => {
    const dir = path.join(tempDir(), 'db');
    const key = newKey();
    const first = await openStore({ adapter: levelAdapter(dir), key });
    const { policyId, secrets } = await buildTree(first);
    const before = await snapshot(first);
    await first.close();

    // A new adapter instance on the same directory, as after a process restart.
    const second = track(await openStore({ adapter: levelAdapter(dir), key }));
    const after = await snapshot(second);
    expect(after).toEqual(before);

    // Spot checks of what the snapshot holds, against what was written.
    const items = after.items;
    expect(Object.keys(items).sort()).toEqual(
      ['/', '/apps', '/apps/web', '/apps/web/api-token', '/apps/web/db-password', '/apps/web/gone', '/infra', '/infra/ssh key'].sort(),
    );
    for (const [at, value] of Object.entries(secrets)) expect(items[at]?.value).toBe(value);
    expect(items['/apps/web/db-password']).toMatchObject({ version: 3, description: 'primary database' });
    expect(items['/apps/web/api-token']).toMatchObject({ version: 1, description: 'description-only patch keeps version 1' });
    expect(items['/apps/web/gone']?.version).toBe(1);
    expect(items['/apps']?.description).toBe('all applications');
    expect(items['/apps/web']?.acl).toEqual(
      sortAcl([
        { entity: { type: 'user', id: USER_U.id }, access: 'read_write' },
        { entity: { type: 'group', id: 'ops' }, access: 'read' },
      ]),
    );
    expect(items['/apps/web/api-token']?.acl).toEqual(
      sortAcl([
        { entity: { type: 'user', id: USER_U.id }, access: 'read_write' },
        { entity: { type: 'user', id: USER_V.id }, access: 'read' },
      ]),
    );
    expect(items['/infra']?.acl).toEqual([]);
    const policy = after.policies[policyId] as Record<string, unknown>;
    expect(policy).toMatchObject({
      id: policyId,
      name: 'infra readers',
      description: 'reads infra',
      resource: '/infra/*',
      accessLevel: 'SM_View',
      accessType: 'Allow',
      isActive: true,
      members: { users: [{ id: USER_V.id, name: 'Vee' }], tags: [{ id: 'auditors' }], tokens: [], serviceIdentities: [] },
    });
    const names = Object.values(after.policies).map((p) => (p as { name: string }).name).sort();
    expect(names).toEqual(['SMAdminPolicy', 'SMAuditorPolicy', 'deny-web-token', 'infra readers', 'to be updated']);
    expect(Object.values(after.policies).find((p) => (p as { name: string }).name === 'to be updated')).toMatchObject({
      accessLevel: 'SM_Manage',
      isActive: false,
      members: { users: [{ id: 'y' }] },
    });

    // The reloaded ACLs and policies still decide: u reads through the ACL,
    // v through the policy, w through its group; nobody else.
    expect((await second.as(USER_U).get('/apps/web/db-password')).value).toBe('v3-db ✓ ünïcödé 😀');
    expect((await second.as(USER_V).get('/infra/ssh key')).value).toBe(secrets['/infra/ssh key']);
    expect((await second.as(USER_V).get('/apps/web/api-token')).value).toBe('');
    expect((await second.as(OPS_GROUP_MEMBER).get('/apps/web/db-password')).value).toBe('v3-db ✓ ünïcödé 😀');
    await expectCoffer(second.as(OPS_GROUP_MEMBER).get('/apps/web/api-token'), 'FORBIDDEN');
    await expectCoffer(second.as(USER_U).get('/infra/ssh key'), 'FORBIDDEN');
    await expectCoffer(second.as({ id: 'stranger' }).get('/apps/web/db-password'), 'FORBIDDEN');

    // And it keeps going: a write after the reopen lands on top of the old state.
    const next = await second.as(ADMIN).patch('/apps/web/db-password', { value: 'v4' });
    expect(next.version).toBe(4);
    expect(next.id).toBe(before.items['/apps/web/db-password']?.id);
  });

  it('reads back the same state over several close/reopen cycles on one adapter instance', async () => {
    const adapter = levelAdapter(path.join(tempDir(), 'db'));
    const key = newKey();
    let store = await openStore({ adapter, key });
    await buildTree(store);
    const before = await snapshot(store);
    for (let cycle = 0; cycle < 3; cycle++) {
      await store.close();
      store = await openStore({ adapter, key });
      expect(await snapshot(store)).toEqual(before);
    }
    await store.close();
  });
});

describe('a wrong key opens nothing', () => {
  it('rejects a wrong key with WRONG_KEY (403) holding no value, then opens with the right key (the lock was released)', async () => {
    const dir = path.join(tempDir(), 'db');
    const key = newKey();
    const store = await openStore({ adapter: levelAdapter(dir), key });
    await store.as(ADMIN).create('/s', { type: 'secret', value: 'wrong-key-canary-value' });
    await store.close();

    const wrong = newKey();
    const error = await expectCoffer(openStore({ adapter: levelAdapter(dir), key: wrong }), 'WRONG_KEY');
    expect(error).toBeInstanceOf(CofferError);
    expect(error.status).toBe(403);
    const text = errorText(error) + inspect(error, { depth: 10 });
    expect(text).not.toContain('wrong-key-canary-value');
    expect(text).not.toContain(hex(wrong));
    expect(text).not.toContain(hex(key));

    // Again with a new adapter on the same directory: if the failed open kept
    // LevelDB's lock this would be STORAGE "in use", not WRONG_KEY.
    await expectCoffer(openStore({ adapter: levelAdapter(dir), key: newKey() }), 'WRONG_KEY');

    const reopened = track(await openStore({ adapter: levelAdapter(dir), key }));
    expect((await reopened.as(ADMIN).get('/s')).value).toBe('wrong-key-canary-value');
  });

  it('rejects a wrong key from an async key provider with WRONG_KEY and opens with the right one', async () => {
    const dir = path.join(tempDir(), 'db');
    const key = newKey();
    const store = await openStore({ adapter: levelAdapter(dir), key: async () => key });
    await store.as(ADMIN).create('/s', { type: 'secret', value: 'provider-value' });
    await store.close();

    const adapter = levelAdapter(dir);
    const wrong = newKey();
    const error = await expectCoffer(openStore({ adapter, key: async () => wrong }), 'WRONG_KEY');
    expect(error.status).toBe(403);
    expect(errorText(error)).not.toContain('provider-value');
    // The same adapter instance opens again with the right key.
    const reopened = track(await openStore({ adapter, key: async () => new Uint8Array(key) }));
    expect((await reopened.as(ADMIN).get('/s')).value).toBe('provider-value');
  });

  it('does not change the store on a wrong-key attempt', async () => {
    const dir = path.join(tempDir(), 'db');
    const key = newKey();
    const store = await openStore({ adapter: levelAdapter(dir), key });
    await buildTree(store);
    const before = await snapshot(store);
    await store.close();
    for (let i = 0; i < 3; i++) await expectCoffer(openStore({ adapter: levelAdapter(dir), key: newKey() }), 'WRONG_KEY');
    const reopened = track(await openStore({ adapter: levelAdapter(dir), key }));
    expect(await snapshot(reopened)).toEqual(before);
  });
});

describe('a memory store reopened on its adapter', () => {
  it('reads its data after close and reopen on the same memoryAdapter without a key', async () => {
    const adapter = memoryAdapter();
    const first = await openStore({ adapter });
    await buildTree(first);
    const before = await snapshot(first);
    await first.close();
    const second = track(await openStore({ adapter }));
    expect(await snapshot(second)).toEqual(before);
    await second.close();
    const third = track(await openStore({ adapter }));
    expect((await third.as(ADMIN).get('/apps/web/db-password')).value).toBe('v3-db ✓ ünïcödé 😀');
  });

  it('gives each memoryAdapter its own store: a second adapter starts empty', async () => {
    const a = track(await openStore({ adapter: memoryAdapter() }));
    await a.as(ADMIN).create('/only-in-a', { type: 'directory' });
    const b = track(await openStore({ adapter: memoryAdapter() }));
    expect((await b.as(ADMIN).get('/')).children).toEqual([]);
  });

  it('refuses a wrong key on a memory store created with a key (WRONG_KEY), and opens with the right one', async () => {
    const adapter = memoryAdapter();
    const key = newKey();
    const first = await openStore({ adapter, key });
    await first.as(ADMIN).create('/s', { type: 'secret', value: 'memory-value' });
    await first.close();
    await expectCoffer(openStore({ adapter, key: newKey() }), 'WRONG_KEY');
    const second = track(await openStore({ adapter, key }));
    expect((await second.as(ADMIN).get('/s')).value).toBe('memory-value');
  });
});
