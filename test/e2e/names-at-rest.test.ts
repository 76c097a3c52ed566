// What the files of a store tell someone who can read them (or a backup):
// no item name, no path, no policy name, no principal id — storage keys are a
// kind and a random id, every record is sealed — and a value's size only as
// one of a few classes (values are padded before sealing).

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Level } from 'level';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/index.js';
import { paddedLength } from '../../src/crypto.js';
import { levelAdapter } from '../../adapters/level/index.js';
import { ADMIN, expectCoffer, filesUnder, findIn, newKey, useCleanup } from './helpers.js';

const { tempDir, track } = useCleanup();

const canary = (label: string): string => `${label}${randomBytes(12).toString('hex')}`;

async function rawEntries(dir: string): Promise<Map<string, Uint8Array>> {
  const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
  try {
    const out = new Map<string, Uint8Array>();
    for await (const [key, value] of db.iterator()) out.set(key, new Uint8Array(value));
    return out;
  } finally {
    await db.close();
  }
}

describe('names at rest', () => {
  it('no item name, path, policy name or principal id appears in any file, in UTF-8, UTF-16, hex or base64 — after writes, a compaction and more writes', async () => {
    const dir = path.join(tempDir(), 'db');
    const key = newKey();
    const directory = canary('dir');
    const secret = canary('secret');
    const policyName = canary('policy');
    const user = canary('user');
    const group = canary('group');
    const approver = canary('approver');
    const adminId = canary('admin');
    const store = await openStore({ adapter: levelAdapter(dir), key });
    const admin = store.as({ ...ADMIN, id: adminId });
    const item = await admin.create(`/${directory}`, { type: 'directory' });
    await admin.create(`/${directory}/${secret}`, { type: 'secret', value: 'v' });
    await admin.putAccess(`/${directory}`, { entity: { type: 'user', id: user }, access: 'read' });
    await admin.putAccess(`/${directory}`, { entity: { type: 'group', id: group }, access: 'read_write' });
    await admin.policies.create({
      name: policyName,
      resource: `/${directory}/*`,
      members: { users: [{ id: user, name: user }] },
      condition: { approval: { approvers: { userIds: [approver] }, validFor: 10, timeToApprove: 10, notificationMedium: approver } },
    });
    const request = await store.as({ id: user }).requestApproval({ path: `/${directory}/${secret}`, justification: 'canary' });
    await store.as({ id: approver }).approve(request.id);
    await store.close();
    const needles = [directory, secret, `/${directory}/${secret}`, policyName, user, group, approver, adminId];
    // The scan reads the data: an item's id is in its record's key, in the clear by design (whole in
    // the write-ahead log; a table file may compress keys).
    expect(findIn(dir, [item.id]).length).toBeGreaterThan(0);
    expect(findIn(dir, needles)).toEqual([]);

    // A reopen turns the log into table files; a write after that goes to a new log.
    const again = track(await openStore({ adapter: levelAdapter(dir), key }));
    await again.as(ADMIN).patch(`/${directory}/${secret}`, { value: 'w' });
    await again.close();
    expect(filesUnder(dir).some((file) => file.endsWith('.ldb'))).toBe(true);
    expect(findIn(dir, needles)).toEqual([]);
  });

  it('storage keys are a kind and an id: the bookkeeping records, then i/, p/, a/ and v/<item id>/<version>', async () => {
    const dir = path.join(tempDir(), 'db');
    const store = await openStore({ adapter: levelAdapter(dir), key: newKey() });
    const admin = store.as(ADMIN);
    const secret = await admin.create('/named', { type: 'secret', value: 'v' });
    await admin.patch('/named', { value: 'w' });
    await store.close();
    const keys = [...(await rawEntries(dir)).keys()];
    for (const key of keys) expect(key, key).toMatch(/^(?:!format|!keycheck|!revision|[ipa]\/[0-9a-f-]{36}|v\/[0-9a-f-]{36}\/\d+)$/);
    expect(keys).toContain(`v/${secret.id}/1`);
    expect(keys).toContain(`v/${secret.id}/2`);
  });
});

describe('value sizes at rest', () => {
  it('pads a value to a power of two of at least 64 bytes (a multiple of 64 KiB above that)', () => {
    expect([0, 1, 4, 63].map(paddedLength)).toEqual([64, 64, 64, 64]);
    expect([64, 127, 128, 1700, 4095, 4096].map(paddedLength)).toEqual([128, 128, 256, 2048, 4096, 8192]);
    expect([65_535, 65_536, 200_000].map(paddedLength)).toEqual([65_536, 131_072, 262_144]);
  });

  it('a 4-digit PIN and a 60-character token seal to records of the same size; a 1,700-byte private key to the size of its class', async () => {
    const dir = path.join(tempDir(), 'db');
    const store = await openStore({ adapter: levelAdapter(dir), key: newKey() });
    const admin = store.as(ADMIN);
    const pin = await admin.create('/pin', { type: 'secret', value: '1234' });
    const token = await admin.create('/token', { type: 'secret', value: 't'.repeat(60) });
    const pem = await admin.create('/pem', { type: 'secret', value: 'k'.repeat(1700) });
    await store.close();
    const entries = await rawEntries(dir);
    const size = (id: string) => entries.get(`v/${id}/1`)!.length;
    expect(size(pin.id)).toBe(size(token.id));
    // The sealed record is the padded plaintext plus a fixed header (format, nonce, tag).
    expect(size(pin.id) - paddedLength(4)).toBe(size(pem.id) - paddedLength(1700));
  });

  it('the padding is authenticated: a sealed value cut back to a shorter padding class does not open (CORRUPT on read)', async () => {
    const dir = path.join(tempDir(), 'db');
    const key = newKey();
    const store = await openStore({ adapter: levelAdapter(dir), key });
    const secret = await store.as(ADMIN).create('/s', { type: 'secret', value: 'x'.repeat(100) });
    await store.close();
    const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
    await db.open();
    const sealed = new Uint8Array((await db.get(`v/${secret.id}/1`))!);
    await db.put(`v/${secret.id}/1`, sealed.subarray(0, sealed.length - 64));
    await db.close();
    const reopened = track(await openStore({ adapter: levelAdapter(dir), key }));
    await expectCoffer(reopened.as(ADMIN).get('/s'), 'CORRUPT');
  });
});
