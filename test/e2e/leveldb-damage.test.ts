// End to end: damage to LevelDB's own files (MANIFEST, CURRENT, table files)
// reaches the host as CORRUPT from openStore (or from the read that meets it),
// never as wrong data, and the failed open leaves the files as they were.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CofferError, openStore } from '../../src/index.js';
import { levelAdapter } from '../../adapters/level/index.js';
import { ADMIN, expectCoffer, newKey, snapshot, useCleanup, type StoreSnapshot } from './helpers.js';

const { tempDir, track } = useCleanup();

let baseline: string;
let baselineRoot: string;
let key: Uint8Array;
let expected: StoreSnapshot;

beforeAll(async () => {
  baselineRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'coffer-e2e-baseline-'));
  baseline = path.join(baselineRoot, 'db');
  key = newKey();
  const store = await openStore({ adapter: levelAdapter(baseline), key });
  const admin = store.as(ADMIN);
  for (let d = 0; d < 10; d++) {
    await admin.create(`/dir-${d}`, { type: 'directory' });
    for (let s = 0; s < 20; s++) await admin.create(`/dir-${d}/secret-${s}`, { type: 'secret', value: `${d}.${s}:`.padEnd(2000, 'x') });
  }
  expected = await snapshot(store);
  await store.close();
  // Reopening moves the write-ahead log into a table file (.ldb).
  const again = await openStore({ adapter: levelAdapter(baseline), key });
  await again.close();
  expect(tables(baseline).length).toBeGreaterThan(0);
});

afterAll(() => {
  if (baselineRoot !== undefined) fs.rmSync(baselineRoot, { recursive: true, force: true });
});

function tables(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) => name.endsWith('.ldb') || name.endsWith('.sst')).map((name) => path.join(dir, name));
}

/** A copy of the baseline store to damage. */
function copyOfBaseline(): string {
  const dir = path.join(tempDir(), 'db');
  fs.cpSync(baseline, dir, { recursive: true });
  return dir;
}

function manifestOf(dir: string): string {
  const current = fs.readFileSync(path.join(dir, 'CURRENT'), 'utf8').trim();
  return path.join(dir, current);
}

/** Every file's bytes, to show a failed open changed nothing. */
function contents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    // LevelDB's info log (LOG, LOG.old) is written on every open attempt; LOCK is empty.
    if (name === 'LOG' || name === 'LOG.old' || name === 'LOCK') continue;
    out[name] = fs.readFileSync(path.join(dir, name)).toString('base64');
  }
  return out;
}

async function expectCorruptOpen(dir: string): Promise<void> {
  const before = contents(dir);
  const error = await expectCoffer(openStore({ adapter: levelAdapter(dir), key }), 'CORRUPT');
  expect(error.status).toBe(500);
  // Not "in use": the failed open released the directory, and reports the same again.
  await expectCoffer(openStore({ adapter: levelAdapter(dir), key }), 'CORRUPT');
  expect(contents(dir)).toEqual(before);
}

describe("LevelDB's own corruption reaches the host as CORRUPT", () => {
  it('the baseline copy opens and reads back (control)', async () => {
    const dir = copyOfBaseline();
    const store = track(await openStore({ adapter: levelAdapter(dir), key }));
    expect(await snapshot(store)).toEqual(expected);
  });

  it('an emptied MANIFEST makes openStore reject with CORRUPT', async () => {
    const dir = copyOfBaseline();
    fs.writeFileSync(manifestOf(dir), '');
    await expectCorruptOpen(dir);
  });

  it('a MANIFEST overwritten with garbage makes openStore reject with CORRUPT', async () => {
    const dir = copyOfBaseline();
    const manifest = manifestOf(dir);
    const size = fs.statSync(manifest).size;
    fs.writeFileSync(manifest, Buffer.alloc(Math.max(size, 64), 0xa5));
    await expectCorruptOpen(dir);
  });

  it('a deleted table file (.ldb) makes openStore reject with CORRUPT', async () => {
    const dir = copyOfBaseline();
    const [table] = tables(dir);
    fs.rmSync(table!);
    await expectCorruptOpen(dir);
  });

  it('a deleted CURRENT with tables left makes openStore reject with CORRUPT and keeps the tables (not a silent new store)', async () => {
    const dir = copyOfBaseline();
    const current = fs.readFileSync(path.join(dir, 'CURRENT'));
    fs.rmSync(path.join(dir, 'CURRENT'));
    await expectCorruptOpen(dir);
    // Put back, everything is there.
    fs.writeFileSync(path.join(dir, 'CURRENT'), current);
    const store = track(await openStore({ adapter: levelAdapter(dir), key }));
    expect(await snapshot(store)).toEqual(expected);
  });

  it('a CURRENT without its final newline makes openStore reject with CORRUPT', async () => {
    const dir = copyOfBaseline();
    const file = path.join(dir, 'CURRENT');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').trimEnd());
    await expectCorruptOpen(dir);
  });

  it('damaged bytes inside table files give CORRUPT (at open or at the read), never different data', async () => {
    const dir = copyOfBaseline();
    for (const table of tables(dir)) {
      const bytes = fs.readFileSync(table);
      // Leave LevelDB's 48-byte footer alone; flip one byte every 257 in the blocks.
      for (let at = 64; at < bytes.length - 48; at += 257) bytes[at] = bytes[at]! ^ 0x5a;
      fs.writeFileSync(table, bytes);
    }
    let outcome: StoreSnapshot | CofferError;
    try {
      const store = track(await openStore({ adapter: levelAdapter(dir), key }));
      outcome = await snapshot(store);
    } catch (error) {
      if (!(error instanceof CofferError)) throw error;
      outcome = error;
    }
    if (outcome instanceof CofferError) expect(outcome.code, outcome.message).toBe('CORRUPT');
    else expect(outcome).toEqual(expected);
  });
});
