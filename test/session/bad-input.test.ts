// SPEC §1–§4, §10, §11 — malformed input, as a table: every row gets its code
// (and pointer), leaves the store exactly as it was (a full admin snapshot of
// items, values and ACLs before and after), is audited as refused with that
// code, and makes no adapter write at all.

import { expect, it } from 'vitest';
import type { ErrorCode, Session, Store } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { pointersOf, refusal } from './refusals.js';
import { snapshotOf } from './snapshot.js';
import { describeEachWatchedAdapter } from './wrapped-adapters.js';

interface World {
  readonly store: Store;
  readonly admin: Session;
  /** `u` holds read_write on /d and /d/s. */
  readonly writer: Session;
  /** No rights anywhere. */
  readonly stranger: Session;
}

interface Row {
  readonly what: string;
  readonly code: ErrorCode;
  /** A pointer the details must hold. */
  readonly pointer?: string;
  /** The principal itself is malformed: `store.as` may throw at once (no audit event) or its call rejects. */
  readonly badPrincipal?: true;
  readonly call: (w: World) => unknown;
}

const ENTRY = { entity: { type: 'user', id: 'u' }, access: 'read' } as const;
const SECRET = { type: 'secret', value: 'x' } as const;
const any = <T>(value: unknown): T => value as T;

const ROWS: readonly Row[] = [
  // ---- paths
  { what: 'a number as a path', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.get(any(42)) },
  { what: 'undefined as a path', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.get(any(undefined)) },
  { what: 'null as a path', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.get(any(null)) },
  { what: 'an array as a path', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.get(any(['/d'])) },
  { what: 'an object as a path', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.get(any({ path: '/d' })) },
  { what: 'a number as a create path', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.create(any(7), SECRET) },
  { what: 'a relative path', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.create('d/x', SECRET) },
  { what: 'a `..` segment', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.create('/d/../x', SECRET) },
  { what: 'a `.` segment', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.create('/d/./x', SECRET) },
  { what: 'an empty segment', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.create('/d//x', SECRET) },
  { what: 'a `*` in a name', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.create('/d/x*', SECRET) },
  { what: 'a NUL in a name', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.create('/d/\u0000x', SECRET) },
  { what: 'a DEL in a name', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.create('/d/\u007f', SECRET) },
  { what: 'a lone surrogate in a name', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.create('/d/\uD800', SECRET) },
  { what: 'a 256-byte name', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.create(`/${'n'.repeat(256)}`, SECRET) },
  { what: 'a depth of 65', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.get('/x'.repeat(65)) },
  { what: 'a 4097-byte path', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.get(`/${'p'.repeat(255)}`.repeat(16) + '/q') },
  // ---- create bodies
  { what: 'a null create body', code: 'VALIDATION', call: (w) => w.admin.create('/d/x', any(null)) },
  { what: 'an undefined create body', code: 'VALIDATION', call: (w) => w.admin.create('/d/x', any(undefined)) },
  { what: 'an empty array as a create body', code: 'VALIDATION', call: (w) => w.admin.create('/d/x', any([])) },
  { what: 'an array holding a body', code: 'VALIDATION', call: (w) => w.admin.create('/d/x', any([SECRET])) },
  { what: 'a string as a create body', code: 'VALIDATION', call: (w) => w.admin.create('/d/x', any('secret')) },
  { what: 'a number as a create body', code: 'VALIDATION', call: (w) => w.admin.create('/d/x', any(42)) },
  { what: 'a Map as a create body', code: 'VALIDATION', call: (w) => w.admin.create('/d/x', any(new Map([['type', 'secret']]))) },
  { what: 'an empty create body', code: 'VALIDATION', pointer: '/type', call: (w) => w.admin.create('/d/x', any({})) },
  { what: 'an unknown type', code: 'VALIDATION', pointer: '/type', call: (w) => w.admin.create('/d/x', any({ type: 'file' })) },
  { what: 'a type in an array', code: 'VALIDATION', pointer: '/type', call: (w) => w.admin.create('/d/x', any({ type: ['secret'], value: 'x' })) },
  { what: 'a secret without a value', code: 'VALIDATION', pointer: '/value', call: (w) => w.admin.create('/d/x', any({ type: 'secret' })) },
  { what: 'a null value', code: 'VALIDATION', pointer: '/value', call: (w) => w.admin.create('/d/x', any({ type: 'secret', value: null })) },
  { what: 'a numeric value', code: 'VALIDATION', pointer: '/value', call: (w) => w.admin.create('/d/x', any({ type: 'secret', value: 42 })) },
  { what: 'a boolean value', code: 'VALIDATION', pointer: '/value', call: (w) => w.admin.create('/d/x', any({ type: 'secret', value: false })) },
  { what: 'a value of 65537 bytes', code: 'VALIDATION', pointer: '/value', call: (w) => w.admin.create('/d/x', { type: 'secret', value: 'x'.repeat(65537) }) },
  { what: 'a value of 32769 two-byte characters', code: 'VALIDATION', pointer: '/value', call: (w) => w.admin.create('/d/x', { type: 'secret', value: 'ß'.repeat(32769) }) },
  { what: 'a value with a lone surrogate', code: 'VALIDATION', pointer: '/value', call: (w) => w.admin.create('/d/x', { type: 'secret', value: 'a\uDC00' }) },
  { what: 'a numeric description', code: 'VALIDATION', pointer: '/description', call: (w) => w.admin.create('/d/x', any({ ...SECRET, description: 5 })) },
  {
    what: 'a `__proto__` key (from JSON.parse)',
    code: 'VALIDATION',
    pointer: '/__proto__',
    call: (w) => w.admin.create('/d/x', JSON.parse('{"__proto__": 1, "type":"secret","value":"x"}')),
  },
  {
    what: 'a `__proto__` object smuggling a type',
    code: 'VALIDATION',
    pointer: '/__proto__',
    call: (w) => w.admin.create('/d/x', JSON.parse('{"value":"x","__proto__":{"type":"secret"}}')),
  },
  { what: 'a `constructor` key', code: 'VALIDATION', pointer: '/constructor', call: (w) => w.admin.create('/d/x', any({ ...SECRET, constructor: 'x' })) },
  { what: 'a `prototype` key', code: 'VALIDATION', pointer: '/prototype', call: (w) => w.admin.create('/d/x', any({ ...SECRET, prototype: {} })) },
  { what: 'an unknown create field', code: 'VALIDATION', pointer: '/extra', call: (w) => w.admin.create('/d/x', any({ ...SECRET, extra: true })) },
  { what: 'an `id` in a create body', code: 'VALIDATION', pointer: '/id', call: (w) => w.admin.create('/d/x', any({ ...SECRET, id: 'mine' })) },
  { what: 'a `version` in a create body', code: 'VALIDATION', pointer: '/version', call: (w) => w.admin.create('/d/x', any({ ...SECRET, version: 9 })) },
  { what: 'an `acl` in a create body', code: 'VALIDATION', pointer: '/acl', call: (w) => w.admin.create('/d/x', any({ ...SECRET, acl: [ENTRY] })) },
  { what: 'a value on a directory', code: 'VALIDATION', pointer: '/value', call: (w) => w.admin.create('/d/x', any({ type: 'directory', value: 'x' })) },
  // ---- patch bodies and options
  { what: 'a null patch body', code: 'VALIDATION', call: (w) => w.admin.patch('/d/s', any(null)) },
  { what: 'an array as a patch body', code: 'VALIDATION', call: (w) => w.admin.patch('/d/s', any([{ value: 'y' }])) },
  { what: 'a string as a patch body', code: 'VALIDATION', call: (w) => w.admin.patch('/d/s', any('y')) },
  { what: 'a null patched value', code: 'VALIDATION', pointer: '/value', call: (w) => w.admin.patch('/d/s', any({ value: null })) },
  { what: 'a numeric patched value', code: 'VALIDATION', pointer: '/value', call: (w) => w.admin.patch('/d/s', any({ value: 5 })) },
  { what: 'a patched value of 65537 bytes', code: 'VALIDATION', pointer: '/value', call: (w) => w.admin.patch('/d/s', { value: 'y'.repeat(65537) }) },
  { what: 'a patched value with a lone surrogate', code: 'VALIDATION', pointer: '/value', call: (w) => w.admin.patch('/d/s', { value: '\uD83D' }) },
  { what: 'an unknown patch field', code: 'VALIDATION', pointer: '/colour', call: (w) => w.admin.patch('/d/s', any({ colour: 'red' })) },
  { what: 'a `type` in a patch body', code: 'VALIDATION', pointer: '/type', call: (w) => w.admin.patch('/d/s', any({ type: 'directory' })) },
  { what: 'a `__proto__` in a patch body', code: 'VALIDATION', pointer: '/__proto__', call: (w) => w.admin.patch('/d/s', JSON.parse('{"__proto__":{"value":"y"}}')) },
  { what: 'a value patched onto a directory', code: 'VALIDATION', pointer: '/value', call: (w) => w.admin.patch('/e', { value: 'x' }) },
  { what: 'ifVersion 0', code: 'VALIDATION', call: (w) => w.admin.patch('/d/s', { value: 'y' }, { ifVersion: 0 }) },
  { what: 'ifVersion -1', code: 'VALIDATION', call: (w) => w.admin.patch('/d/s', { value: 'y' }, { ifVersion: -1 }) },
  { what: 'ifVersion 1.5', code: 'VALIDATION', call: (w) => w.admin.patch('/d/s', { value: 'y' }, { ifVersion: 1.5 }) },
  { what: "ifVersion '1'", code: 'VALIDATION', call: (w) => w.admin.patch('/d/s', { value: 'y' }, any({ ifVersion: '1' })) },
  { what: 'ifVersion NaN', code: 'VALIDATION', call: (w) => w.admin.patch('/d/s', { value: 'y' }, { ifVersion: Number.NaN }) },
  { what: 'ifVersion Infinity', code: 'VALIDATION', call: (w) => w.admin.patch('/d/s', { value: 'y' }, { ifVersion: Number.POSITIVE_INFINITY }) },
  { what: 'ifVersion as an array', code: 'VALIDATION', call: (w) => w.admin.patch('/d/s', { value: 'y' }, any({ ifVersion: [1] })) },
  { what: 'an unknown option', code: 'VALIDATION', call: (w) => w.admin.patch('/d/s', { value: 'y' }, any({ ifversion: 1 })) },
  { what: 'options as a string', code: 'VALIDATION', call: (w) => w.admin.patch('/d/s', { value: 'y' }, any('force')) },
  { what: 'options as an array', code: 'VALIDATION', call: (w) => w.admin.patch('/d/s', { value: 'y' }, any([1])) },
  // ---- delete
  { what: 'a delete of the root', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.delete('/') },
  { what: 'a number as a delete path', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.delete(any(42)) },
  // ---- ACL entries and entities
  { what: 'a null ACL entry', code: 'VALIDATION', call: (w) => w.admin.putAccess('/d', any(null)) },
  { what: 'an array of ACL entries', code: 'VALIDATION', call: (w) => w.admin.putAccess('/d', any([ENTRY])) },
  { what: 'an ACL access `write`', code: 'VALIDATION', pointer: '/access', call: (w) => w.admin.putAccess('/d', any({ ...ENTRY, access: 'write' })) },
  { what: 'an ACL access in upper case', code: 'VALIDATION', pointer: '/access', call: (w) => w.admin.putAccess('/d', any({ ...ENTRY, access: 'READ' })) },
  { what: 'an ACL entry without access', code: 'VALIDATION', pointer: '/access', call: (w) => w.admin.putAccess('/d', any({ entity: ENTRY.entity })) },
  { what: 'an ACL entity type `role`', code: 'VALIDATION', pointer: '/entity/type', call: (w) => w.admin.putAccess('/d', any({ ...ENTRY, entity: { type: 'role', id: 'u' } })) },
  { what: 'an ACL entity without id', code: 'VALIDATION', pointer: '/entity/id', call: (w) => w.admin.putAccess('/d', any({ ...ENTRY, entity: { type: 'user' } })) },
  { what: 'a numeric ACL entity id', code: 'VALIDATION', pointer: '/entity/id', call: (w) => w.admin.putAccess('/d', any({ ...ENTRY, entity: { type: 'user', id: 7 } })) },
  { what: 'an ACL entity as a string', code: 'VALIDATION', pointer: '/entity', call: (w) => w.admin.putAccess('/d', any({ ...ENTRY, entity: 'u' })) },
  { what: 'a null ACL entity', code: 'VALIDATION', pointer: '/entity', call: (w) => w.admin.putAccess('/d', any({ ...ENTRY, entity: null })) },
  { what: 'an unknown ACL entry field', code: 'VALIDATION', pointer: '/extra', call: (w) => w.admin.putAccess('/d', any({ ...ENTRY, extra: 1 })) },
  { what: 'an unknown ACL entity field', code: 'VALIDATION', pointer: '/entity/name', call: (w) => w.admin.putAccess('/d', any({ ...ENTRY, entity: { ...ENTRY.entity, name: 'U' } })) },
  {
    what: 'a `__proto__` in an ACL entity',
    code: 'VALIDATION',
    pointer: '/entity/__proto__',
    call: (w) => w.admin.putAccess('/d', JSON.parse('{"entity":{"type":"user","id":"u","__proto__":{"admin":true}},"access":"read"}')),
  },
  { what: 'a malformed path on putAccess', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.putAccess('/a*', ENTRY) },
  { what: 'a null entity on deleteAccess', code: 'VALIDATION', call: (w) => w.admin.deleteAccess('/d', any(null)) },
  { what: 'an entity without id on deleteAccess', code: 'VALIDATION', call: (w) => w.admin.deleteAccess('/d', any({ type: 'user' })) },
  { what: 'an entity type `team` on deleteAccess', code: 'VALIDATION', call: (w) => w.admin.deleteAccess('/d', any({ type: 'team', id: 'u' })) },
  { what: 'a string entity on deleteAccess', code: 'VALIDATION', call: (w) => w.admin.deleteAccess('/d', any('u')) },
  { what: 'a whole entry as a deleteAccess entity', code: 'VALIDATION', call: (w) => w.admin.deleteAccess('/d', any(ENTRY)) },
  { what: 'a malformed path on getAccess', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.getAccess('/d/../x') },
  { what: 'a number as a getAccess path', code: 'VALIDATION', pointer: '/path', call: (w) => w.admin.getAccess(any(7)) },
  // ---- principals
  { what: 'a principal without id', code: 'VALIDATION', badPrincipal: true, call: (w) => w.store.as(any({})).get('/d/s') },
  { what: 'a numeric principal id', code: 'VALIDATION', badPrincipal: true, call: (w) => w.store.as(any({ id: 5 })).create('/d/x', SECRET) },
  { what: 'an unknown principal kind', code: 'VALIDATION', badPrincipal: true, call: (w) => w.store.as(any({ id: 'u', kind: 'robot' })).patch('/d/s', { value: 'y' }) },
  { what: 'groups as a string', code: 'VALIDATION', badPrincipal: true, call: (w) => w.store.as(any({ id: 'u', groups: 'g' })).delete('/d/s') },
  { what: 'a numeric group', code: 'VALIDATION', badPrincipal: true, call: (w) => w.store.as(any({ id: 'u', groups: [1] })).putAccess('/d', ENTRY) },
  { what: "admin 'true' as a string", code: 'VALIDATION', badPrincipal: true, call: (w) => w.store.as(any({ id: 'm', admin: 'true' })).create('/d/x', SECRET) },
  { what: 'admin 1', code: 'VALIDATION', badPrincipal: true, call: (w) => w.store.as(any({ id: 'admin-1', admin: 1 })).delete('/e') },
  { what: 'a null principal', code: 'VALIDATION', badPrincipal: true, call: (w) => w.store.as(any(null)).get('/') },
  { what: 'a string principal', code: 'VALIDATION', badPrincipal: true, call: (w) => w.store.as(any('admin-1')).delete('/e') },
  // ---- malformed input from callers without rights, or with them: VALIDATION first
  { what: 'a stranger’s create without a value', code: 'VALIDATION', pointer: '/value', call: (w) => w.stranger.create('/d/x', any({ type: 'secret' })) },
  { what: 'a stranger’s malformed get path', code: 'VALIDATION', pointer: '/path', call: (w) => w.stranger.get('/x*') },
  { what: 'a stranger’s malformed getAccess path', code: 'VALIDATION', pointer: '/path', call: (w) => w.stranger.getAccess('/a//b') },
  { what: 'a stranger’s malformed ACL entry', code: 'VALIDATION', pointer: '/access', call: (w) => w.stranger.putAccess('/d', any({ ...ENTRY, access: 'all' })) },
  { what: 'a stranger’s bad ifVersion', code: 'VALIDATION', call: (w) => w.stranger.patch('/d/s', { value: 'y' }, any({ ifVersion: '2' })) },
  { what: 'a writer’s oversized value', code: 'VALIDATION', pointer: '/value', call: (w) => w.writer.patch('/d/s', { value: 'z'.repeat(65537) }) },
  { what: 'a writer’s unknown field', code: 'VALIDATION', pointer: '/size', call: (w) => w.writer.create('/d/y', any({ ...SECRET, size: 1 })) },
];

/** /d (u: read_write), /d/s (copied ACL), /e (empty). */
async function populate(store: Store): Promise<World> {
  const admin = store.as(ADMIN);
  await admin.create('/d', { type: 'directory', description: 'data' });
  await admin.putAccess('/d', { entity: { type: 'user', id: 'u' }, access: 'read_write' });
  await admin.create('/d/s', { type: 'secret', value: 'original' });
  await admin.patch('/d/s', { value: 'current' });
  await admin.create('/e', { type: 'directory' });
  return { store, admin, writer: store.as({ id: 'u' }), stranger: store.as({ id: 'stranger' }) };
}

it('the bad-input table has at least 40 rows', () => {
  expect(ROWS.length).toBeGreaterThanOrEqual(40);
  expect(new Set(ROWS.map((r) => r.what)).size).toBe(ROWS.length);
});

describeEachAdapter('bad input is refused and changes nothing', (makeStore) => {
  for (const row of ROWS) {
    it(`${row.what} → ${row.code}${row.pointer === undefined ? '' : ` at ${row.pointer}`}, store unchanged, audited as refused`, async () => {
      const { store, audit } = await makeStore();
      const world = await populate(store);
      const before = await snapshotOf(world.admin);
      const firstEvent = audit.length;
      const error = await refusal(() => row.call(world), row.code);
      const events = audit.slice(firstEvent);
      const pointers = row.code === 'VALIDATION' ? pointersOf(error) : [];
      if (row.pointer !== undefined) expect(pointers, JSON.stringify(pointers)).toContain(row.pointer);
      if (row.badPrincipal) expect(events.length).toBeLessThanOrEqual(1);
      else expect(events).toHaveLength(1);
      for (const event of events) expect(event).toMatchObject({ outcome: 'refused', code: row.code });
      expect(await snapshotOf(world.admin)).toEqual(before);
    });
  }
});

describeEachWatchedAdapter('bad input makes no adapter write', (open) => {
  it('not one of the table’s rows writes a batch', async () => {
    const { store, adapter } = await open();
    const world = await populate(store);
    const before = await snapshotOf(world.admin);
    const written = adapter.batches.length;
    for (const row of ROWS) {
      await refusal(() => row.call(world), row.code).catch((e: Error) => {
        throw new Error(`${row.what}: ${e.message}`);
      });
      expect(adapter.batches.length, row.what).toBe(written);
    }
    expect(await snapshotOf(world.admin)).toEqual(before);
  });
});
