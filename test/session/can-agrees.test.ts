// can() answers existing items from a path index (one lookup) and everything
// else by walking the tree; both must give the decision the operations use.
// A seeded random run of ACL changes, deletes and re-creations checks that
// can(read) and get() agree on every path after every step (on a missing item
// an allowed read is NOT_FOUND: a decision is about authority, not existence).

import { it, expect } from 'vitest';
import { ADMIN, describeEachAdapter } from '../support/stores.js';

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describeEachAdapter('can() and the operations agree', (makeStore) => {
  it('can(read) is allowed exactly when get succeeds, through ACL changes, deletes and re-creations', async () => {
    let t = await makeStore();
    let admin = t.store.as(ADMIN);
    let user = t.store.as({ id: 'u', groups: ['g'] });
    const random = seeded(7);
    const dirs = ['/d0', '/d1'];
    const paths = dirs.flatMap((d) => [0, 1, 2].map((i) => `${d}/s${i}`));
    for (const d of dirs) await admin.create(d, { type: 'directory' });
    await admin.policies.create({ name: 'reads d1', resource: '/d1/*', members: { tags: [{ id: 'g' }] } });
    for (const p of paths) await admin.create(p, { type: 'secret', value: p });
    for (let step = 0; step < 60; step++) {
      if (step === 30) {
        // the index of paths is rebuilt at open: the second half runs on a reopened store
        t = await t.reopen();
        admin = t.store.as(ADMIN);
        user = t.store.as({ id: 'u', groups: ['g'] });
      }
      const p = paths[Math.floor(random() * paths.length)]!;
      const roll = random();
      const exists = await admin.get(p).then(() => true, () => false);
      if (!exists) await admin.create(p, { type: 'secret', value: `again ${step}` });
      else if (roll < 0.35) await admin.putAccess(p, { entity: { type: 'user', id: 'u' }, access: 'read' });
      else if (roll < 0.6) await admin.deleteAccess(p, { type: 'user', id: 'u' });
      else if (roll < 0.8) await admin.delete(p);
      else await admin.patch(p, { value: `v${step}` });
      for (const q of paths) {
        const decision = await user.can('sm.secret.read', q);
        const outcome = await user.get(q).then(() => 'ok', (error: { code: string }) => error.code);
        // The expectation, from the admin's view of the ACL (which walks the tree) and the one policy:
        const acl = await admin.getAccess(q).catch(() => undefined);
        const expected = acl === undefined ? q.startsWith('/d1/') : q.startsWith('/d1/') || acl.some((e) => e.entity.type === 'user' && e.entity.id === 'u');
        expect(decision.allowed, `step ${step}: can ${q}`).toBe(expected);
        // A decision is about authority, not existence: on a missing item an allowed read is NOT_FOUND.
        expect(outcome, `step ${step}: get ${q}`).toBe(acl === undefined ? (expected ? 'NOT_FOUND' : 'FORBIDDEN') : expected ? 'ok' : 'FORBIDDEN');
      }
    }
  });
});
