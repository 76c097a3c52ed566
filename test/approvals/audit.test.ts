// SPEC §11 (audit) for the approval methods: every call of requestApproval,
// approve, reject, withdraw, revoke, getApproval and listApprovals, allowed
// or refused, emits exactly one audit event; no event ever holds a secret
// value. Both adapters, fake clock.

import { expect, it, vi } from 'vitest';
import type { AuditEvent, Notifier, Session } from '../../src/index.js';
import { CofferError } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { APPROVER, LEAD, OTHER_MEMBER, REQUESTER, STRANGER, world, type World } from './helpers.js';

const CANARY = 'CANARY-7f3a9c-do-not-leak';

/** Runs `call` and returns the audit events it emitted, and its outcome. */
async function eventsOf(w: World, call: () => Promise<unknown>): Promise<{ events: AuditEvent[]; error?: CofferError; result?: unknown }> {
  const before = w.t.audit.length;
  try {
    const result = await call();
    return { events: w.t.audit.slice(before), result };
  } catch (error) {
    if (!(error instanceof CofferError)) throw error;
    return { events: w.t.audit.slice(before), error };
  }
}

describeEachAdapter('§11 audit of the approval methods', (makeStore) => {
  it('each allowed approval call emits exactly one event, with its method name, principal, ip, target and outcome allowed', async () => {
    const w = await world(makeStore);
    const u = w.as(REQUESTER, '10.0.0.7');
    const boss = w.as(APPROVER);

    const req = await eventsOf(w, () => u.requestApproval({ path: '/prod/db', justification: 'j' }));
    expect(req.events).toHaveLength(1);
    expect(req.events[0]).toMatchObject({ action: 'requestApproval', principal: { id: 'u', kind: 'user' }, ip: '10.0.0.7', outcome: 'allowed' });
    expect(Date.parse(req.events[0]!.time)).toBe(w.t.clock.now());
    const id = (req.result as { id: string }).id;

    const steps: [string, Session, () => Promise<unknown>][] = [
      ['getApproval', u, () => u.getApproval(id)],
      ['listApprovals', u, () => u.listApprovals()],
      ['approve', boss, () => boss.approve(id, { comment: 'ok' })],
      ['revoke', boss, () => boss.revoke(id)],
    ];
    for (const [action, , call] of steps) {
      const { events, error } = await eventsOf(w, call);
      expect(error).toBeUndefined();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action, outcome: 'allowed' });
      if (action !== 'listApprovals') expect(events[0]!.target).toBe(id);
      expect(events[0]!.code).toBeUndefined();
    }

    const second = (await u.requestApproval({ path: '/prod/api', justification: 'j' })).id;
    for (const [action, call] of [
      ['reject', () => boss.reject(second)],
    ] as const) {
      const { events } = await eventsOf(w, call);
      expect(events).toEqual([expect.objectContaining({ action, outcome: 'allowed', target: second, principal: { id: 'boss', kind: 'user' }, ip: null })]);
    }
    const third = (await u.requestApproval({ path: '/prod/api', justification: 'j' })).id;
    const withdraw = await eventsOf(w, () => u.withdraw(third));
    expect(withdraw.events).toEqual([expect.objectContaining({ action: 'withdraw', outcome: 'allowed', target: third })]);
  });

  it('each refused approval call emits exactly one event, outcome refused, with the error code', async () => {
    const w = await world(makeStore);
    const u = w.as(REQUESTER);
    const id = (await u.requestApproval({ path: '/prod/db', justification: 'j' })).id;
    const cases: [string, string, () => Promise<unknown>][] = [
      ['requestApproval', 'FORBIDDEN', () => w.as(STRANGER).requestApproval({ path: '/prod/db', justification: 'j' })],
      ['requestApproval', 'CONFLICT', () => w.as(ADMIN).requestApproval({ path: '/prod/db', justification: 'j' })],
      ['requestApproval', 'VALIDATION', () => u.requestApproval({ path: '/prod//db', justification: 'j' })],
      ['approve', 'FORBIDDEN', () => u.approve(id)],
      ['approve', 'FORBIDDEN', () => w.as(OTHER_MEMBER).approve(id)],
      ['reject', 'FORBIDDEN', () => w.as(STRANGER).reject(id)],
      ['withdraw', 'FORBIDDEN', () => w.as(ADMIN).withdraw(id)],
      ['revoke', 'CONFLICT', () => w.as(APPROVER).revoke(id)],
      ['getApproval', 'NOT_FOUND', () => w.as(STRANGER).getApproval(id)],
      ['getApproval', 'VALIDATION', () => u.getApproval(42 as never)],
      ['listApprovals', 'VALIDATION', () => u.listApprovals({ status: 'nope' } as never)],
    ];
    for (const [action, code, call] of cases) {
      const { events, error } = await eventsOf(w, call);
      expect(error?.code, `${action} → ${code}`).toBe(code);
      expect(events, `${action} → ${code}`).toHaveLength(1);
      expect(events[0]).toMatchObject({ action, outcome: 'refused', code });
    }
  });

  it('deciding an expired request is refused and audited once (CONFLICT)', async () => {
    const w = await world(makeStore);
    const id = (await w.as(REQUESTER).requestApproval({ path: '/prod/db', justification: 'j' })).id;
    w.t.clock.advance(31 * 60_000);
    const { events } = await eventsOf(w, () => w.as(LEAD).approve(id));
    expect(events).toEqual([expect.objectContaining({ action: 'approve', outcome: 'refused', code: 'CONFLICT', target: id })]);
  });

  it('can() emits no audit event', async () => {
    const w = await world(makeStore);
    const { events } = await eventsOf(w, () => w.as(REQUESTER).can('sm.secret.read', '/prod/db'));
    expect(events).toEqual([]);
  });

  it('no audit event, error, notification or request ever holds a secret value (canary)', async () => {
    const notify = vi.fn<Notifier>();
    const w = await world(makeStore, { notify, accessLevel: 'SM_CRUD' });
    await w.admin.patch('/prod/db', { value: CANARY });
    const u = w.as(REQUESTER, '10.0.0.1');
    const seen: unknown[] = [];
    const record = async (call: () => Promise<unknown>) => {
      try {
        seen.push(await call());
      } catch (error) {
        seen.push(error instanceof CofferError ? { code: error.code, message: error.message, details: error.details, policyIds: error.policyIds } : String(error));
      }
    };
    await record(() => u.get('/prod/db'));
    const request = await u.requestApproval({ path: '/prod/db', justification: 'read the db password' });
    seen.push(request);
    await record(() => u.approve(request.id));
    await record(() => w.as(APPROVER).approve(request.id, { comment: 'fine' }));
    await record(() => u.get('/prod/db').then((item) => (item.value === CANARY ? 'read ok' : 'wrong value')));
    await record(() => u.patch('/prod/db', { value: `${CANARY}-2` }));
    await record(() => u.getApproval(request.id));
    await record(() => w.as(APPROVER).listApprovals());
    await record(() => w.as(APPROVER).revoke(request.id));
    await record(() => u.get('/prod/db'));
    await record(() => u.withdraw(request.id));
    seen.push(notify.mock.calls);
    expect(seen).toContain('read ok');
    const everything = JSON.stringify({ audit: w.t.audit, seen });
    expect(everything).not.toContain(CANARY);
    expect(w.t.audit.filter((e) => e.action === 'getApproval' || e.action === 'listApprovals' || e.action === 'approve' || e.action === 'revoke').length).toBeGreaterThan(0);
  });
});
