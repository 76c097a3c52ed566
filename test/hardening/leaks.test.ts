// Issue 11 — nothing secret is reachable from what a host may log: the store,
// a session (privileged or not) and the errors coffer throws show, through
// JSON.stringify and util.inspect (deep, hidden properties, with and without
// custom inspection), neither the store key in any encoding, nor any 32-byte
// key material, nor a secret value, nor the decision behind a refusal.

import { inspect } from 'node:util';
import { expect, it } from 'vitest';
import { CofferError } from '../../src/index.js';
import { describeEachAdapter } from '../support/stores.js';
import { CANARY, refusal } from '../session/refusals.js';
import { ADMIN, everyView, policyBody } from './helpers.js';

/** A known store key: its bytes are looked for in every view. */
const KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 73 + 41) & 0xff);
const KEY_TEXTS = [Buffer.from(KEY).toString('hex'), Buffer.from(KEY).toString('base64'), Buffer.from(KEY).toString('base64url')];
/** The key as util.inspect writes a Buffer of it (`<Buffer 29 72 ...>`) and as a list of numbers. */
const KEY_SHOWN = [Array.from(KEY, (b) => b.toString(16).padStart(2, '0')).join(' '), Array.from(KEY).join(', ')];

/** Every run of 32 bytes a view shows as a Buffer, a typed array or an ArrayBuffer. */
function thirtyTwoByteValues(view: string): string[] {
  const found: string[] = [];
  for (const match of view.matchAll(/<Buffer((?: [0-9a-f]{2})*)( \.\.\. \d+ more bytes?)?>/g)) {
    if (match[2] === undefined && match[1]!.trim().split(' ').length === 32) found.push(match[0]);
  }
  for (const match of view.matchAll(/(?:Buffer|Uint8Array|Uint8ClampedArray|Int8Array)\(32\)|byteLength: 32\b|KeyObject|\[Uint8Contents\]: <(?:[0-9a-f]{2} ){31}[0-9a-f]{2}>/g)) found.push(match[0]);
  return found;
}

function expectNothingSecretIn(label: string, value: unknown, more: readonly string[] = []): void {
  for (const view of everyView(value)) {
    for (const text of [...KEY_TEXTS, ...KEY_SHOWN, CANARY, ...more]) expect(view.includes(text), `${label} shows ${text}`).toBe(false);
    expect(thirtyTwoByteValues(view), `${label} shows 32-byte values`).toEqual([]);
  }
}

describeEachAdapter('nothing secret in what a host logs', (makeStore) => {
  async function world() {
    const t = await makeStore({ key: KEY });
    const admin = t.store.as(ADMIN);
    await admin.create('/d', { type: 'directory' });
    await admin.create('/d/s', { type: 'secret', value: CANARY });
    await admin.create('/d/k', { type: 'secret', value: 'abc' }); // sealed, 3 bytes of text make a 32-byte record
    await admin.putAccess('/d', { entity: { type: 'user', id: 'u' }, access: 'read' });
    const deny = await admin.policies.create(policyBody({ name: 'Quiet Deny', accessType: 'Deny', resource: '/d/*', members: { users: [{ id: 'u' }] } }) as never);
    expect((await admin.get('/d/s')).value).toBe(CANARY);
    const user = t.store.as({ id: 'u' }, { ip: '10.1.2.3' });
    const nobody = t.store.as({ id: 'nobody' });
    return { ...t, admin, user, nobody, deny };
  }

  it('the store shows neither its key nor key material nor a secret value', async () => {
    const { store } = await world();
    expectNothingSecretIn('store', store);
    expectNothingSecretIn('{ store }', { store });
  });

  it('sessions, privileged or not, show neither the key nor key material nor a secret value', async () => {
    const { admin, user, nobody } = await world();
    expectNothingSecretIn('admin session', admin);
    expectNothingSecretIn('user session', user);
    expectNothingSecretIn('nobody session', nobody);
    expectNothingSecretIn('policy operations', user.policies);
  });

  it('JSON.stringify({ session }) shows the principal (id, kind) and the ip only', async () => {
    const { user, nobody, admin } = await world();
    expect(JSON.stringify({ session: user })).toBe('{"session":{"principal":{"id":"u","kind":"user"},"ip":"10.1.2.3"}}');
    expect(JSON.stringify({ session: nobody })).toBe('{"session":{"principal":{"id":"nobody","kind":"user"},"ip":null}}');
    expect(JSON.parse(JSON.stringify(admin))).toEqual({ principal: { id: ADMIN.id, kind: 'user' }, ip: null });
  });

  it('a FORBIDDEN from a Deny policy shows code, status and message, and neither the key nor the Deny policy', async () => {
    const { user, deny } = await world();
    const error = await refusal(user.get('/d/s'), 'FORBIDDEN');
    const json = JSON.parse(JSON.stringify(error)) as Record<string, unknown>;
    expect(json).toMatchObject({ code: 'FORBIDDEN', status: 403, message: error.message });
    expect(Object.keys(json).sort()).toEqual(['code', 'message', 'name', 'status']);
    expectNothingSecretIn('FORBIDDEN', error, [deny.id, deny.name, ...deny.permissions.map((p) => p.id)]);
    for (const key of Object.keys(error)) expect(['code', 'status', 'name', 'details', 'policyIds', 'reason']).toContain(key);
    for (const view of [inspect(error, { depth: Infinity, showHidden: true }), inspect(error, { depth: Infinity, showHidden: true, customInspect: false })]) {
      expect(view).not.toMatch(/\b(decision|effect|allowed|policyId)['"]?\s*:\s*(?!undefined)/i);
    }
  });

  it('a VALIDATION of a body holding a secret value shows neither the value nor the key', async () => {
    const { admin, nobody } = await world();
    for (const session of [admin, nobody]) {
      const error = await refusal(session.create('/d/x', { type: 'secret', value: CANARY, colour: 'red' } as never), 'VALIDATION');
      expect(JSON.parse(JSON.stringify(error))).toMatchObject({ code: 'VALIDATION', status: 400, message: error.message, details: [{ pointer: '/colour', message: expect.any(String) }] });
      expectNothingSecretIn('VALIDATION', error);
    }
  });

  it('every refusal an unprivileged caller meets on the secret shows nothing secret', async () => {
    const { nobody, user, deny } = await world();
    const calls = [nobody.get('/d/s'), nobody.patch('/d/s', { value: CANARY }), nobody.delete('/d/s'), user.getAccess('/d/s'), user.policies.get(deny.id)];
    for (const call of calls) {
      const error = await refusal(call, 'FORBIDDEN');
      expect(error).toBeInstanceOf(CofferError);
      expectNothingSecretIn(error.message, error, [deny.name]);
    }
  });
});
