// Helpers of the hardening suites (issue 11): a policy body with only the
// fields a test changes, a VALIDATION expected at a pointer, nested objects,
// IP lists of an exact length, and everything a value shows when logged.

import { inspect } from 'node:util';
import { expect } from 'vitest';
import { CofferError, type Session, type Store } from '../../src/index.js';
import { ADMIN, type StoreFactory, type TestStore } from '../support/stores.js';
import { pointersOf, refusal, type Call } from '../session/refusals.js';

/** A principal no ACL entry or policy names. */
export const NOBODY = Object.freeze({ id: 'nobody' });

/** A valid Allow policy on /d/* for `u`; `over` replaces whole fields. */
export function policyBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Hardening',
    resource: '/d/*',
    accessLevel: 'SM_View',
    accessType: 'Allow',
    members: { users: [{ id: 'u' }], tags: [], tokens: [], serviceIdentities: [] },
    ...over,
  };
}

export interface Hardened {
  readonly t: TestStore;
  readonly store: Store;
  readonly admin: Session;
  readonly nobody: Session;
}

/** A fresh store with the directory /d, an admin and a principal without rights. */
export async function hardened(makeStore: StoreFactory): Promise<Hardened> {
  const t = await makeStore();
  const admin = t.store.as(ADMIN);
  await admin.create('/d', { type: 'directory' });
  return { t, store: t.store, admin, nobody: t.store.as(NOBODY) };
}

/** Expects VALIDATION (400) with a detail at `pointer` (or one matching it); returns the error. */
export async function invalidAt(call: Call, pointer: string | RegExp): Promise<CofferError> {
  const error = await refusal(call, 'VALIDATION');
  const pointers = pointersOf(error);
  if (typeof pointer === 'string') expect(pointers, JSON.stringify(pointers)).toContain(pointer);
  else expect(pointers.some((p) => pointer.test(p)), JSON.stringify(pointers)).toBe(true);
  return error;
}

/** The messages of a VALIDATION, joined: what a caller reads. */
export function messagesOf(error: CofferError): string {
  return [error.message, ...(error.details ?? []).map((d) => d.message)].join('\n');
}

/** An object `levels` deep: nested(1) is `{}`, nested(2) is `{ d: {} }`. Built without recursion. */
export function nested(levels: number, key = 'd'): Record<string, unknown> {
  let inner: Record<string, unknown> = {};
  for (let level = 1; level < levels; level++) inner = { [key]: inner };
  return inner;
}

/** A well-formed IP list of exactly `length` characters (entries `10.0.0.1`, spaces at the end). */
export function ipList(length: number): string {
  const entries = Math.max(1, Math.floor((length + 1) / 9));
  const list = Array.from({ length: entries }, () => '10.0.0.1').join(',');
  expect(list.length).toBeLessThanOrEqual(length);
  return list.padEnd(length, ' ');
}

/** Every way a value shows when logged: JSON, and util.inspect with and without custom inspection. */
export function everyView(value: unknown): string[] {
  return [
    JSON.stringify(value) ?? 'undefined',
    inspect(value, { depth: Infinity, showHidden: true, maxArrayLength: Infinity, maxStringLength: Infinity }),
    inspect(value, { depth: Infinity, showHidden: true, customInspect: false, maxArrayLength: Infinity, maxStringLength: Infinity }),
  ];
}

export { ADMIN };
