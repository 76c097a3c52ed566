// The LevelDB adapter runs the shared conformance suite as a third party
// would (a fresh temporary directory per adapter), then the LevelDB-only
// rules: persistence across instances, the directory lock, damaged files.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Level } from 'level';
import { afterAll, describe, expect, it } from 'vitest';
import { levelAdapter } from '../../adapters/level/index.js';
import type { StorageAdapter } from '../../src/adapter.js';
import { runAdapterConformance } from '../../src/testing/conformance/index.js';
import { expectSnapshotIteration } from '../support/snapshot-iteration.js';

const temporaryDirectories: string[] = [];

function temporaryDirectory(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'coffer-level-'));
  temporaryDirectories.push(directory);
  return directory;
}

afterAll(() => {
  for (const directory of temporaryDirectories) fs.rmSync(directory, { recursive: true, force: true });
});

runAdapterConformance('level adapter', () => levelAdapter(temporaryDirectory()));

const value = (text: string): Uint8Array => new TextEncoder().encode(text);

async function keysOf(adapter: StorageAdapter): Promise<string[]> {
  const keys: string[] = [];
  for await (const [key] of adapter.iterate()) keys.push(key);
  return keys;
}

const levelEntry = pathToFileURL(createRequire(import.meta.url).resolve('level')).href;

/** Tries to open `directory` with level in another Node process; its error's code and cause code. */
async function openFromAnotherProcess(directory: string): Promise<{ opened: boolean; code?: string; causeCode?: string }> {
  const script = `
    const { Level } = await import(${JSON.stringify(levelEntry)});
    const database = new Level(${JSON.stringify(directory)});
    try {
      await database.open();
      await database.close();
      console.log(JSON.stringify({ opened: true }));
    } catch (error) {
      console.log(JSON.stringify({ opened: false, code: error.code, causeCode: error.cause?.code }));
    }`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
  return JSON.parse(stdout) as { opened: boolean; code?: string; causeCode?: string };
}

describe('level adapter', () => {
  it('is persistent', () => {
    expect(levelAdapter(temporaryDirectory()).persistent).toBe(true);
  });

  it('creates its directory, parents included, on open', async () => {
    const directory = path.join(temporaryDirectory(), 'nested', 'store');
    const adapter = levelAdapter(directory);
    await adapter.open();
    expect(fs.existsSync(path.join(directory, 'CURRENT'))).toBe(true);
    await adapter.close();
  });

  it('rejects operations before its first open() with an AdapterError of kind not_open', async () => {
    const adapter = levelAdapter(temporaryDirectory());
    await expect(adapter.get('a')).rejects.toMatchObject({ name: 'AdapterError', kind: 'not_open' });
    await expect(keysOf(adapter)).rejects.toMatchObject({ name: 'AdapterError', kind: 'not_open' });
  });

  it('a new adapter on the same directory sees what a closed one wrote', async () => {
    const directory = temporaryDirectory();
    const writer = levelAdapter(directory);
    await writer.open();
    await writer.batch([{ type: 'put', key: 'é', value: value('kept') }]);
    await writer.close();
    const reader = levelAdapter(directory);
    await reader.open();
    expect(new TextDecoder().decode(await reader.get('é'))).toBe('kept');
    await reader.close();
  });

  it('returns plain Uint8Arrays, not Buffers', async () => {
    const adapter = levelAdapter(temporaryDirectory());
    await adapter.open();
    await adapter.batch([{ type: 'put', key: 'k', value: value('v') }]);
    expect(Object.getPrototypeOf(await adapter.get('k'))).toBe(Uint8Array.prototype);
    for await (const [, bytes] of adapter.iterate()) expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
    await adapter.close();
  });

  it('an iteration sees the store as it was at its first entry (LevelDB snapshot)', async () => {
    const adapter = levelAdapter(temporaryDirectory());
    await adapter.open();
    await expectSnapshotIteration(adapter);
    await adapter.close();
  });

  describe('one holder per directory (LevelDB LOCK file)', () => {
    it('a second adapter in the same process fails to open: an AdapterError of kind locked', async () => {
      const directory = temporaryDirectory();
      const first = levelAdapter(directory);
      const second = levelAdapter(directory);
      await first.open();
      await first.batch([{ type: 'put', key: 'k', value: value('v') }]);
      await expect(second.open()).rejects.toMatchObject({ name: 'AdapterError', kind: 'locked' });
      // The first adapter is unaffected, and keeps the directory locked against other processes.
      expect(await keysOf(first)).toEqual(['k']);
      expect(await openFromAnotherProcess(directory)).toEqual({
        opened: false,
        code: 'LEVEL_DATABASE_NOT_OPEN',
        causeCode: 'LEVEL_LOCKED',
      });
      // Once the first closes, the second opens on the same data.
      await first.close();
      await second.open();
      expect(await keysOf(second)).toEqual(['k']);
      await second.close();
    });

    it('the same directory reached through another path (relative, trailing slash) counts as held', async () => {
      const directory = temporaryDirectory();
      const first = levelAdapter(directory);
      await first.open();
      const again = levelAdapter(path.relative(process.cwd(), directory) + path.sep);
      await expect(again.open()).rejects.toMatchObject({ kind: 'locked' });
      await first.close();
    });

    it('another process cannot open a directory an adapter holds: LEVEL_DATABASE_NOT_OPEN caused by LEVEL_LOCKED', async () => {
      const directory = temporaryDirectory();
      const adapter = levelAdapter(directory);
      await adapter.open();
      expect(await openFromAnotherProcess(directory)).toEqual({
        opened: false,
        code: 'LEVEL_DATABASE_NOT_OPEN',
        causeCode: 'LEVEL_LOCKED',
      });
      await adapter.close();
      expect(await openFromAnotherProcess(directory)).toEqual({ opened: true });
    });

    it('LevelDB alone loses its lock when a second Level in the same process fails to open (why the adapter refuses first)', async () => {
      // If this starts failing, LevelDB fixed its fcntl lock handling
      // (PosixEnv::LockFile closes its descriptor) and the adapter's registry is belt and braces.
      const directory = temporaryDirectory();
      const first = new Level(directory);
      await first.open();
      const second = new Level(directory);
      await expect(second.open()).rejects.toMatchObject({
        code: 'LEVEL_DATABASE_NOT_OPEN',
        cause: { code: 'LEVEL_LOCKED' },
      });
      expect(await openFromAnotherProcess(directory)).toEqual({ opened: true });
      await first.close();
    });
  });

  describe('damaged files', () => {
    async function writeAndFlush(directory: string): Promise<void> {
      const adapter = levelAdapter(directory);
      await adapter.open();
      // Compressible values, so a damaged block fails to decompress.
      await adapter.batch(
        Array.from({ length: 2000 }, (_, index) => ({
          type: 'put' as const,
          key: `key/${String(index).padStart(5, '0')}`,
          value: new Uint8Array(100).fill(index % 256),
        })),
      );
      await adapter.close();
      // Reopening moves the write-ahead log into a table file (.ldb).
      await adapter.open();
      await adapter.close();
    }

    function damage(file: string, from: number, to: number): void {
      const bytes = fs.readFileSync(file);
      for (let index = from; index < Math.min(to, bytes.length); index++) bytes[index] = (bytes[index] as number) ^ 0xff;
      fs.writeFileSync(file, bytes);
    }

    it('a damaged MANIFEST fails open: an AdapterError of kind corrupt, with level\'s LEVEL_CORRUPTION as the cause', async () => {
      const directory = temporaryDirectory();
      await writeAndFlush(directory);
      const manifest = fs.readdirSync(directory).find((name) => name.startsWith('MANIFEST-')) as string;
      damage(path.join(directory, manifest), 0, Infinity);
      await expect(levelAdapter(directory).open()).rejects.toMatchObject({
        kind: 'corrupt',
        cause: { code: 'LEVEL_DATABASE_NOT_OPEN', cause: { code: 'LEVEL_CORRUPTION' } },
      });
    });

    it('a damaged table file fails the read that meets it: an AdapterError of kind corrupt', async () => {
      const directory = temporaryDirectory();
      await writeAndFlush(directory);
      const table = fs.readdirSync(directory).find((name) => name.endsWith('.ldb')) as string;
      damage(path.join(directory, table), 100, 200);
      const adapter = levelAdapter(directory);
      await adapter.open();
      await expect(keysOf(adapter)).rejects.toMatchObject({ kind: 'corrupt', cause: { code: 'LEVEL_CORRUPTION' } });
      await adapter.close();
    });

    it('a missing CURRENT next to table files fails open (kind corrupt) instead of starting empty', async () => {
      const directory = temporaryDirectory();
      await writeAndFlush(directory);
      fs.rmSync(path.join(directory, 'CURRENT'));
      const before = fs.readdirSync(directory).sort();
      await expect(levelAdapter(directory).open()).rejects.toMatchObject({ kind: 'corrupt' });
      expect(fs.readdirSync(directory).sort()).toEqual(before);
    });
  });
});
