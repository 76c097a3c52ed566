// The storage format: a store records the layout it was written in
// (`!format`), and this version reads format 2 only. A store written by an
// earlier version (format 1: records keyed by path) is refused with a clear
// error — never read as if it were empty, never rewritten.

import path from 'node:path';
import { Level } from 'level';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/index.js';
import { StoreKeys } from '../../src/crypto.js';
import { FORMAT_VERSION, keyCheckValue } from '../../src/records.js';
import { levelAdapter } from '../../adapters/level/index.js';
import { expectCoffer, newKey, useCleanup } from './helpers.js';

const { tempDir } = useCleanup();

async function raw(dir: string): Promise<Level<string, Uint8Array>> {
  const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
  return db;
}

describe('storage format', () => {
  it('a new store is written in format 2', async () => {
    expect(FORMAT_VERSION).toBe(2);
    const dir = path.join(tempDir(), 'db');
    const key = newKey();
    await (await openStore({ adapter: levelAdapter(dir), key })).close();
    const db = await raw(dir);
    const sealed = await db.get('!format');
    await db.close();
    const plain = new StoreKeys(key).openRecord(sealed!, '!format');
    expect(plain?.toString('utf8').trim()).toBe('2');
  });

  it('a store of format 1 (an earlier version of coffer) is refused with CORRUPT saying so, and left as it was', async () => {
    const dir = path.join(tempDir(), 'db');
    const key = newKey();
    const keys = new StoreKeys(key);
    const db = await raw(dir);
    // What format 1 wrote first: the key check, the format record, a path-keyed item record.
    await db.batch([
      { type: 'put', key: '!keycheck', value: keyCheckValue(keys) },
      { type: 'put', key: '!format', value: keys.sealRecord(new TextEncoder().encode('1'), '!format') },
      { type: 'put', key: 'item:/', value: keys.sealRecord(new TextEncoder().encode('{}'), 'item:/') },
    ]);
    await db.close();
    const error = await expectCoffer(openStore({ adapter: levelAdapter(dir), key }), 'CORRUPT');
    expect(error.message).toMatch(/earlier version of coffer \(storage format 1\)/);
    const after = await raw(dir);
    const keysLeft: string[] = [];
    for await (const k of after.keys()) keysLeft.push(k);
    await after.close();
    expect(keysLeft.sort()).toEqual(['!format', '!keycheck', 'item:/']);
    // With another key it is WRONG_KEY, as for any store.
    await expectCoffer(openStore({ adapter: levelAdapter(dir), key: newKey() }), 'WRONG_KEY');
  });
});
