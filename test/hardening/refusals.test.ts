// Issue 11 — a refusal says nothing about what the caller may not see: for a
// principal without rights, the code and message of a refusal depend on the
// operation and the path asked only — not on whether the item exists, what
// type it is, which policy covers it, or which Deny policy refused.

import { inspect } from 'node:util';
import { expect, it } from 'vitest';
import type { ApprovalAction, CofferError, Session } from '../../src/index.js';
import { describeEachAdapter } from '../support/stores.js';
import { refusal } from '../session/refusals.js';
import { ADMIN, policyBody } from './helpers.js';

/** The message with the path it names replaced by a placeholder. */
function shape(error: CofferError, path: string): string {
  expect(error.message).toContain(`\`${path}\``);
  return error.message.split(path).join('<path>');
}

/** Expects every call to be FORBIDDEN with one message once its own path is replaced. */
async function sameRefusal(calls: ReadonlyArray<readonly [string, () => Promise<unknown>]>): Promise<string> {
  const shapes = new Set<string>();
  for (const [path, call] of calls) shapes.add(shape(await refusal(call, 'FORBIDDEN'), path));
  expect([...shapes]).toHaveLength(1);
  return [...shapes][0]!;
}

describeEachAdapter('refusals independent of hidden state', (makeStore) => {
  /** /hidden (directory) holding /hidden/secret, /hidden/dir and the zone of a policy; nothing at /missing. */
  async function world() {
    const t = await makeStore();
    const admin = t.store.as(ADMIN);
    await admin.create('/hidden', { type: 'directory' });
    await admin.create('/hidden/secret', { type: 'secret', value: 'v' });
    await admin.create('/hidden/dir', { type: 'directory' });
    await admin.create('/hidden/zone-marker-7f3', { type: 'directory' });
    const gated = await admin.policies.create(policyBody({ name: 'Zone Policy', resource: '/hidden/zone-marker-7f3/*', members: { users: [{ id: 'someone-else' }] } }) as never);
    return { ...t, admin, nobody: t.store.as({ id: 'nobody' }), gated };
  }

  it('requestApproval on a missing path, a secret and a directory is FORBIDDEN with one message, whatever the action', async () => {
    const { nobody } = await world();
    const ask = (path: string, action?: ApprovalAction) => () => nobody.requestApproval({ path, justification: 'need it', ...(action === undefined ? {} : { action }) });
    const calls: [string, () => Promise<unknown>][] = [];
    for (const path of ['/missing', '/hidden/missing', '/hidden/secret', '/hidden/dir', '/hidden']) {
      calls.push([path, ask(path)], [path, ask(path, 'sm.node.create')]);
    }
    calls.push(['/hidden/secret', ask('/hidden/secret', 'sm.node.list')], ['/hidden/dir', ask('/hidden/dir', 'sm.secret.read')]);
    const message = await sameRefusal(calls);
    expect(message).not.toMatch(/secret|directory|exist/i);
  });

  it('get of a hidden directory, a hidden secret and a missing path is FORBIDDEN with one message', async () => {
    const { nobody } = await world();
    await sameRefusal(['/hidden', '/hidden/dir', '/hidden/secret', '/hidden/missing', '/missing', '/missing/deeper'].map((p) => [p, () => nobody.get(p)] as const));
  });

  it('create under a missing directory and under an existing one is FORBIDDEN naming the full path asked, not its parent', async () => {
    const { nobody } = await world();
    const made = (p: string) => [p, () => nobody.create(p, { type: 'secret', value: 'x' })] as const;
    await sameRefusal([made('/missing/x'), made('/hidden/x'), made('/hidden/dir/x'), made('/hidden/missing/x'), made('/x')]);
    const error = await refusal(nobody.create('/missing/x', { type: 'directory' }), 'FORBIDDEN');
    expect(error.message).toContain('`/missing/x`');
    expect(error.message).not.toContain('`/missing`');
  });

  it('patch and delete of a hidden secret, a hidden directory and a missing path are FORBIDDEN with one message each', async () => {
    const { nobody } = await world();
    const paths = ['/hidden/secret', '/hidden/dir', '/hidden/missing', '/missing/x'];
    await sameRefusal(paths.map((p) => [p, () => nobody.patch(p, { description: 'x' })] as const));
    await sameRefusal(paths.map((p) => [p, () => nobody.delete(p)] as const));
    await sameRefusal(paths.map((p) => [p, () => nobody.getAccess(p)] as const));
  });

  it('policies.get, update and delete of an existing policy by a caller without rights never name its resource', async () => {
    const { nobody, gated } = await world();
    const calls: ReadonlyArray<readonly [string, (s: Session) => Promise<unknown>]> = [
      ['get', (s) => s.policies.get(gated.id)],
      ['update', (s) => s.policies.update(gated.id, { description: 'changed' })],
      ['delete', (s) => s.policies.delete(gated.id)],
    ];
    for (const [, call] of calls) {
      const error = await refusal(call(nobody), 'FORBIDDEN');
      expect(error.message).not.toContain('zone-marker-7f3');
      expect(error.message).not.toContain('/hidden');
      expect(error.message).toContain(gated.id);
    }
  });

  it('a policy update whose body suits only an Allow is refused the same for an Allow and a Deny the caller may not see', async () => {
    const { admin, nobody, gated } = await world();
    const deny = await admin.policies.create(policyBody({ name: 'Hidden Deny', accessType: 'Deny', resource: '/hidden/*' }) as never);
    const body = { condition: { approval: { approvers: { userIds: ['boss'] }, validFor: 60, isValidForInDays: false, timeToApprove: 30, notificationMedium: 'ops' } } };
    const shapes = new Set<string>();
    for (const policy of [gated, deny]) {
      const error = await refusal(nobody.policies.update(policy.id, body), 'FORBIDDEN');
      shapes.add(error.message.split(policy.id).join('<id>'));
    }
    expect([...shapes]).toHaveLength(1);
  });

  it("the Deny policy that refused is in no key, JSON or inspection of the error (the audit event still gives a reason)", async () => {
    const t = await makeStore();
    const admin = t.store.as(ADMIN);
    await admin.create('/d', { type: 'directory' });
    await admin.create('/d/s', { type: 'secret', value: 'v' });
    await admin.putAccess('/d', { entity: { type: 'user', id: 'u' }, access: 'read' });
    const deny = await admin.policies.create(policyBody({ name: 'Refusing Deny', accessType: 'Deny', resource: '/d/*', members: { users: [{ id: 'u' }] } }) as never);
    const before = t.audit.length;
    const error = await refusal(t.store.as({ id: 'u' }).get('/d/s'), 'FORBIDDEN');
    const views = [
      JSON.stringify(error),
      JSON.stringify(Object.keys(error)),
      inspect(error, { depth: Infinity, showHidden: true }),
      inspect(error, { depth: Infinity, showHidden: true, customInspect: false }),
    ];
    for (const view of views) {
      expect(view).not.toContain(deny.id);
      expect(view).not.toContain(deny.name);
    }
    for (const key of Object.keys(error)) expect(['name', 'code', 'status', 'details', 'policyIds', 'reason']).toContain(key);
    const event = t.audit.slice(before).find((e) => e.action === 'get');
    expect(event).toMatchObject({ outcome: 'refused', code: 'FORBIDDEN' });
    expect(typeof event!.reason).toBe('string');
  });
});
