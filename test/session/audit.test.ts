// SPEC §11 — audit: one event per session call but `can`, allowed or refused,
// `{ time, principal: { id, kind }, ip, action, target, outcome, reason, code? }`,
// never a value; a throwing onAudit neither fails the operation nor harms the store.

import { afterEach, beforeEach, expect, it, vi, type MockInstance } from 'vitest';
import type { AuditEvent, Session } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { CANARY, outcomeOf, refusal } from './refusals.js';

const EVENT_KEYS = ['action', 'ip', 'outcome', 'principal', 'reason', 'target', 'time'];

function expectWellFormed(event: AuditEvent): void {
  const keys = Object.keys(event).filter((k) => (event as unknown as Record<string, unknown>)[k] !== undefined);
  if (event.outcome === 'refused') expect(keys.sort()).toEqual([...EVENT_KEYS, 'code'].sort());
  else expect(keys.sort()).toEqual(EVENT_KEYS);
  expect(Object.keys(event.principal).sort()).toEqual(['id', 'kind']);
  expect(new Date(event.time).toISOString()).toBe(event.time);
  expect(typeof event.reason).toBe('string');
  expect(JSON.parse(JSON.stringify(event))).toEqual(event);
}

describeEachAdapter('§11 audit', (makeStore) => {
  it('every session call emits exactly one event, allowed or refused; can() emits none', async () => {
    const { store, audit } = await makeStore();
    const admin = store.as(ADMIN);
    const stranger = store.as({ id: 'stranger' });
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['create', () => admin.create('/d', { type: 'directory' })],
      ['create', () => admin.create('/d/s', { type: 'secret', value: 'v' })],
      ['get', () => admin.get('/d/s')],
      ['patch', () => admin.patch('/d/s', { value: 'w' })],
      ['getAccess', () => admin.getAccess('/d')],
      ['putAccess', () => admin.putAccess('/d', { entity: { type: 'user', id: 'u' }, access: 'read' })],
      ['deleteAccess', () => admin.deleteAccess('/d', { type: 'user', id: 'u' })],
      ['get', () => stranger.get('/d/s')],
      ['patch', () => stranger.patch('/d/s', { value: 'x' })],
      ['create', () => admin.create('/d', { type: 'directory' })],
      ['get', () => admin.get('/d/x*')],
      ['delete', () => admin.delete('/d')],
      ['delete', () => admin.delete('/d/s')],
      ['delete', () => admin.delete('/d')],
      ['policies.list', () => admin.policies.list()],
    ];
    for (const [action, call] of calls) {
      const before = audit.length;
      await outcomeOf(call);
      expect(audit.length, action).toBe(before + 1);
      expect(audit[audit.length - 1]!.action).toBe(action);
      expectWellFormed(audit[audit.length - 1]!);
    }
    const before = audit.length;
    await admin.can('sm.node.list', '/');
    await stranger.can('sm.secret.read', '/nowhere');
    await stranger.can('sm.node.create', '/x');
    expect(audit.length).toBe(before);
  });

  it('an allowed call is audited with outcome, reason and no code; a refused one with its code', async () => {
    const { store, audit, clock } = await makeStore();
    const admin = store.as(ADMIN, { ip: '10.1.2.3' });
    clock.set('2024-07-01T08:30:00Z');
    await admin.create('/s', { type: 'secret', value: 'v' });
    expect(audit[audit.length - 1]).toEqual({
      time: '2024-07-01T08:30:00.000Z',
      principal: { id: 'admin-1', kind: 'user' },
      ip: '10.1.2.3',
      action: 'create',
      target: '/s',
      outcome: 'allowed',
      reason: 'admin',
    });
    clock.advance(1500);
    const token = store.as({ id: 'tok-1', kind: 'token' }, { ip: '2001:db8::1' });
    await refusal(token.get('/s'), 'FORBIDDEN');
    expect(audit[audit.length - 1]).toEqual({
      time: '2024-07-01T08:30:01.500Z',
      principal: { id: 'tok-1', kind: 'token' },
      ip: '2001:db8::1',
      action: 'get',
      target: '/s',
      outcome: 'refused',
      reason: 'default_deny',
      code: 'FORBIDDEN',
    });
  });

  it('a session without an IP is audited with no IP', async () => {
    const { store, audit } = await makeStore();
    await store.as(ADMIN).get('/');
    expect(audit[audit.length - 1]!.ip ?? null).toBeNull();
  });

  it('each refusal is audited with its own code', async () => {
    const { store, audit } = await makeStore();
    const admin = store.as(ADMIN);
    await admin.create('/d', { type: 'directory' });
    await admin.create('/d/s', { type: 'secret', value: 'v' });
    const rows: Array<[string, () => Promise<unknown>]> = [
      ['VALIDATION', () => admin.create('/d/../x', { type: 'directory' })],
      ['NOT_FOUND', () => admin.get('/missing')],
      ['ALREADY_EXISTS', () => admin.create('/d', { type: 'directory' })],
      ['NOT_EMPTY', () => admin.delete('/d')],
      ['CONFLICT', () => admin.patch('/d/s', { value: 'x' }, { ifVersion: 5 })],
      ['FORBIDDEN', () => store.as({ id: 'u' }).delete('/d/s')],
      ['FORBIDDEN', () => store.as({ id: 'u' }).getAccess('/d')],
    ];
    for (const [code, call] of rows) {
      expect(await outcomeOf(call)).toBe(code);
      const event = audit[audit.length - 1]!;
      expect(event).toMatchObject({ outcome: 'refused', code });
      expectWellFormed(event);
    }
  });

  it('the reason says why: admin, acl, policy or default_deny', async () => {
    const { store, audit } = await makeStore();
    const admin = store.as(ADMIN);
    await admin.create('/d', { type: 'directory' });
    await admin.create('/d/s', { type: 'secret', value: 'v' });
    await admin.putAccess('/d/s', { entity: { type: 'user', id: 'acl-reader' }, access: 'read' });
    await admin.policies.create({
      name: 'viewers',
      description: 'view /d',
      resource: '/d/*',
      accessLevel: 'SM_View',
      accessType: 'Allow',
      members: { users: [{ id: 'policy-reader' }], tags: [], tokens: [], serviceIdentities: [] },
    });
    const last = () => audit[audit.length - 1]!;
    await admin.get('/d/s');
    expect(last().reason).toBe('admin');
    await store.as({ id: 'acl-reader' }).get('/d/s');
    expect(last().reason).toBe('acl');
    await store.as({ id: 'policy-reader' }).get('/d/s');
    expect(last().reason).toBe('policy');
    await outcomeOf(store.as({ id: 'nobody' }).get('/d/s'));
    expect(last()).toMatchObject({ reason: 'default_deny', outcome: 'refused', code: 'FORBIDDEN' });
  });

  it('policy calls are audited under their method name with the policy id as target', async () => {
    const { store, audit } = await makeStore();
    const admin = store.as(ADMIN);
    const created = await admin.policies.create({
      name: 'p1',
      description: '',
      resource: '/',
      accessLevel: 'SM_View',
      accessType: 'Allow',
      members: { users: [], tags: [], tokens: [], serviceIdentities: [] },
    });
    expect(audit[audit.length - 1]).toMatchObject({ action: 'policies.create', target: created.id, outcome: 'allowed' });
    await admin.policies.get(created.id);
    expect(audit[audit.length - 1]).toMatchObject({ action: 'policies.get', target: created.id, outcome: 'allowed' });
    await admin.policies.delete(created.id);
    expect(audit[audit.length - 1]).toMatchObject({ action: 'policies.delete', target: created.id, outcome: 'allowed' });
  });

  it('no secret value ever reaches an audit event, allowed or refused', async () => {
    const { store, audit } = await makeStore({ maxSecretBytes: 64 });
    const admin = store.as(ADMIN);
    const stranger = store.as({ id: 'stranger' });
    await admin.create('/d', { type: 'directory' });
    await admin.create('/d/s', { type: 'secret', value: CANARY });
    await admin.get('/d/s');
    await admin.patch('/d/s', { value: CANARY + '2' });
    await admin.get('/d/s');
    await outcomeOf(admin.create('/d/s', { type: 'secret', value: CANARY }));
    await outcomeOf(admin.patch('/d/s', { value: CANARY }, { ifVersion: 99 }));
    await outcomeOf(admin.patch('/d/s', { value: CANARY.repeat(5) }));
    await outcomeOf(admin.create('/d/x', { type: 'secret', value: CANARY, extra: 1 } as never));
    await outcomeOf(admin.create('/d/bad*', { type: 'secret', value: CANARY }));
    await outcomeOf(stranger.get('/d/s'));
    await outcomeOf(stranger.patch('/d/s', { value: CANARY }));
    await outcomeOf(stranger.create('/d/y', { type: 'secret', value: CANARY }));
    expect(audit.length).toBeGreaterThanOrEqual(12);
    expect(JSON.stringify(audit)).not.toContain(CANARY);
  });

  it('audit events cannot be used to change the store or later events', async () => {
    const { store, audit } = await makeStore();
    await store.as(ADMIN).create('/s', { type: 'secret', value: 'v' });
    const event = audit[audit.length - 1]!;
    try {
      (event as { target: string }).target = '/changed';
      (event.principal as { id: string }).id = 'changed';
    } catch {
      // frozen events are fine too
    }
    expect((await store.as(ADMIN).get('/s')).path).toBe('/s');
    expect(audit[audit.length - 1]!.principal.id).toBe('admin-1');
  });
});

describeEachAdapter('§11 a throwing onAudit', (makeStore) => {
  // The library reports a failing sink with process.emitWarning; a spy keeps the
  // warnings out of the test output and lets us read them synchronously.
  let warn: MockInstance<typeof process.emitWarning>;
  beforeEach(() => {
    warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterEach(() => {
    warn.mockRestore();
  });
  const auditWarnings = (): string[] =>
    warn.mock.calls.filter(([, options]) => (options as { code?: string } | undefined)?.code === 'COFFER_AUDIT_FAILED').map(([message]) => String(message));
  const thrower = () => {
    throw new Error(`audit sink down ${CANARY}`);
  };

  it('does not fail an operation, and the write is there after a reopen', async () => {
    const t = await makeStore({ onAudit: thrower });
    const admin: Session = t.store.as(ADMIN);
    const created = await admin.create('/s', { type: 'secret', value: 'kept' });
    expect(created.version).toBe(1);
    expect((await admin.patch('/s', { value: 'kept-2' })).version).toBe(2);
    await admin.putAccess('/s', { entity: { type: 'user', id: 'u' }, access: 'read' });
    expect((await admin.get('/s')).value).toBe('kept-2');
    const reopened = await t.reopen();
    const again = reopened.store.as(ADMIN);
    expect(await again.get('/s')).toMatchObject({ value: 'kept-2', version: 2, id: created.id });
    expect(await again.getAccess('/s')).toEqual([{ entity: { type: 'user', id: 'u' }, access: 'read' }]);
  });

  it('does not change a refusal’s code', async () => {
    const t = await makeStore({ onAudit: thrower });
    const admin = t.store.as(ADMIN);
    await admin.create('/d', { type: 'directory' });
    await refusal(admin.create('/d', { type: 'directory' }), 'ALREADY_EXISTS');
    await refusal(admin.get('/missing'), 'NOT_FOUND');
    await refusal(t.store.as({ id: 'u' }).get('/d'), 'FORBIDDEN');
    await refusal(admin.delete('/'), 'VALIDATION');
  });

  it('becomes a process warning with code COFFER_AUDIT_FAILED that holds no value', async () => {
    const t = await makeStore({ onAudit: thrower });
    await t.store.as(ADMIN).create('/s', { type: 'secret', value: CANARY });
    await t.store.as(ADMIN).get('/s');
    const messages = auditWarnings();
    expect(messages).toHaveLength(2);
    for (const message of messages) expect(message).not.toContain(CANARY);
  });

  it('a sink that fails once does not stop later events', async () => {
    let calls = 0;
    const seen: AuditEvent[] = [];
    const t = await makeStore({
      onAudit: (event) => {
        calls++;
        if (calls === 1) throw new Error('first one fails');
        seen.push(event);
      },
    });
    const admin = t.store.as(ADMIN);
    await admin.create('/a', { type: 'directory' });
    await admin.create('/b', { type: 'directory' });
    expect(auditWarnings()).toHaveLength(1);
    expect(seen.map((e) => e.target)).toEqual(['/b']);
    expect((await admin.get('/')).children).toEqual([
      { name: 'a', type: 'directory' },
      { name: 'b', type: 'directory' },
    ]);
  });
});
