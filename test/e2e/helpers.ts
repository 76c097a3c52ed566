// Shared helpers for the end-to-end suites: temporary directories removed
// after each test, stores closed after each test, a full admin walk of a
// store (items, values, ACLs, policies) to compare states, and error checks.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';
import { CofferError, type Store } from '../../src/index.js';

export const ADMIN = Object.freeze({ id: 'e2e-admin', admin: true });

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const E2E_DIR = path.join(REPO_ROOT, 'test', 'e2e');

export function newKey(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/**
 * Registers afterEach hooks in the calling test file: every directory made by
 * `tempDir` is removed and every store passed to `track` is closed.
 */
export function useCleanup(): { tempDir(prefix?: string): string; track<T extends Store>(store: T): T } {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close().catch(() => undefined);
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    tempDir(prefix = 'coffer-e2e-') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    track(store) {
      stores.push(store);
      return store;
    },
  };
}

/** Awaits `promise`, which must reject with a CofferError of `code`; returns the error. */
export async function expectCoffer(promise: Promise<unknown>, code: string): Promise<CofferError> {
  let outcome: { resolved: unknown } | { error: unknown };
  try {
    outcome = { resolved: await promise };
  } catch (error) {
    outcome = { error };
  }
  if (!('error' in outcome)) {
    throw new Error(`expected a CofferError ${code}, but the promise resolved to ${safeJson(outcome.resolved)}`);
  }
  const error = outcome.error;
  if (!(error instanceof CofferError)) {
    throw new Error(`expected a CofferError ${code}, got ${String(error)}`, { cause: error });
  }
  expect(error.code, `message: ${error.message}`).toBe(code);
  return error;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Every text an error exposes: message, stack, inspect (with causes), JSON. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(String(e));
    if (e instanceof Error) parts.push(e.message, e.stack ?? '');
    parts.push(safeJson(e));
  }
  return parts.join('\n');
}

// ---------------------------------------------------------------- snapshots

export interface AclEntryShape {
  entity: { type: string; id: string };
  access: string;
}

export interface ItemShape {
  type: 'directory' | 'secret';
  id: string;
  description?: string;
  version?: number;
  value?: string;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  acl: AclEntryShape[];
  children?: string[];
}

export interface StoreSnapshot {
  items: Record<string, ItemShape>;
  policies: Record<string, unknown>;
}

function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** ACL entries in a stable order (the order is not part of what is compared). */
export function sortAcl(entries: readonly AclEntryShape[]): AclEntryShape[] {
  return [...entries]
    .map((e) => ({ entity: { type: e.entity.type, id: e.entity.id }, access: e.access }))
    .sort((a, b) => (a.entity.type + '\u0000' + a.entity.id < b.entity.type + '\u0000' + b.entity.id ? -1 : 1));
}

/**
 * Walks the whole tree from `/` as an admin: every directory is listed, every
 * secret read (its value decrypts), every ACL fetched; and every policy read.
 */
export async function snapshot(store: Store): Promise<StoreSnapshot> {
  const admin = store.as(ADMIN);
  const items: Record<string, ItemShape> = {};
  const pending = ['/'];
  while (pending.length > 0) {
    const at = pending.shift()!;
    const view = await admin.get(at);
    expect(view.path).toBe(at);
    const acl = sortAcl(await admin.getAccess(at));
    const shape: ItemShape = {
      type: view.type,
      id: view.id,
      createdAt: view.createdAt,
      updatedAt: view.updatedAt,
      createdBy: view.createdBy,
      acl,
    };
    if (view.description !== undefined) shape.description = view.description;
    if (view.type === 'secret') {
      shape.version = view.version;
      shape.value = view.value;
    } else {
      shape.children = (view.children ?? []).map((c) => c.name);
      for (const child of view.children ?? []) pending.push(childPath(at, child.name));
    }
    items[at] = shape;
  }
  const policies: Record<string, unknown> = {};
  const list = await admin.policies.list({ pageSize: 1000 });
  expect(list.pagination.next).toBe('');
  for (const summary of list.result) policies[summary.id] = await admin.policies.get(summary.id, { conditionJson: true });
  return { items, policies };
}

// ---------------------------------------------------------------- files

/** Every regular file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** The dist build the child-process scripts import; fails with a clear message when missing. */
export function requireDist(): void {
  const needed = [path.join(REPO_ROOT, 'dist', 'src', 'index.js'), path.join(REPO_ROOT, 'dist', 'adapters', 'level', 'index.js')];
  const missing = needed.filter((file) => !fs.existsSync(file));
  if (missing.length > 0) {
    throw new Error(`The e2e child processes import the built package, which is missing (${missing.join(', ')}): run \`npm run build\` first`);
  }
}

// ---------------------------------------------------------------- canaries in files

/**
 * The byte strings that betray `text` in a file: its UTF-8 and UTF-16LE
 * bytes, its hex, and its base64 / base64url at each of the three alignments
 * it could have inside a longer base64 text (only the characters that depend
 * on `text` alone).
 */
export function encodingsOf(text: string): Array<[string, Buffer]> {
  const utf8 = Buffer.from(text, 'utf8');
  const out: Array<[string, Buffer]> = [
    ['utf8', utf8],
    ['utf16le', Buffer.from(text, 'utf16le')],
    ['hex of utf8', Buffer.from(utf8.toString('hex'), 'latin1')],
  ];
  for (const alphabet of ['base64', 'base64url'] as const) {
    for (let shift = 0; shift < 3; shift++) {
      const encoded = Buffer.concat([Buffer.alloc(shift), utf8]).toString(alphabet).replace(/=+$/, '');
      // Drop the group that mixes in the leading filler and the last group, which depends on what follows.
      const stable = encoded.slice(shift === 0 ? 0 : 4, encoded.length - 4);
      out.push([`${alphabet}@${shift}`, Buffer.from(stable, 'latin1')]);
    }
  }
  return out;
}

/** Every place a needle appears in a file under `dir`, in any encoding of encodingsOf. */
export function findIn(dir: string, needles: readonly string[]): string[] {
  const found: string[] = [];
  const files = filesUnder(dir);
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    for (const needle of needles) {
      for (const [encoding, pattern] of encodingsOf(needle)) {
        if (bytes.includes(pattern)) found.push(`${needle} as ${encoding} in ${path.relative(dir, file)}`);
      }
    }
  }
  return found;
}
