// Open is `apply` of every stored record: the state a store reads back from
// its storage equals the state its operations built — items, policies (and
// whether they are alive), approval requests and every decision — whatever the
// sequence of operations (a seeded property over random sequences, both adapters).

import fc from 'fast-check';
import { expect, it } from 'vitest';
import { CofferError, type Session, type Store } from '../../src/index.js';
import { ADMIN, describeEachAdapter } from '../support/stores.js';
import { stateOf } from '../support/state.js';

const PATHS = ['/a', '/a/b', '/a/b/c', '/a/d', '/e', '/e/f'] as const;
const NAMES = ['alpha', 'Beta', 'gamma'] as const;
const RESOURCES = ['*', '/', '/*', '/a', '/a/*', '/a/b/*', '/e/f'] as const;
const PEOPLE = [{ id: 'u' }, { id: 'v', groups: ['g'] }, { id: 'boss', groups: ['leads'] }] as const;
const APPROVAL = { approvers: { userIds: ['boss'] }, validFor: 30, timeToApprove: 30, notificationMedium: 'pager' };

const step = fc.oneof(
  fc.record({ op: fc.constant('mkdir' as const), path: fc.constantFrom(...PATHS) }),
  fc.record({ op: fc.constant('secret' as const), path: fc.constantFrom(...PATHS), value: fc.string({ maxLength: 8 }) }),
  fc.record({ op: fc.constant('patch' as const), path: fc.constantFrom(...PATHS), value: fc.option(fc.string({ maxLength: 8 })), description: fc.option(fc.string({ maxLength: 4 })) }),
  fc.record({ op: fc.constant('delete' as const), path: fc.constantFrom(...PATHS) }),
  fc.record({ op: fc.constant('grantAcl' as const), path: fc.constantFrom('/', ...PATHS), who: fc.constantFrom('u', 'g'), write: fc.boolean() }),
  fc.record({ op: fc.constant('revokeAcl' as const), path: fc.constantFrom('/', ...PATHS), who: fc.constantFrom('u', 'g') }),
  fc.record({
    op: fc.constant('policy' as const),
    name: fc.constantFrom(...NAMES),
    resource: fc.constantFrom(...RESOURCES),
    deny: fc.boolean(),
    crud: fc.boolean(),
    gated: fc.boolean(),
    users: fc.subarray(['u', 'boss']),
  }),
  fc.record({ op: fc.constant('updatePolicy' as const), name: fc.constantFrom(...NAMES), isActive: fc.boolean(), resource: fc.option(fc.constantFrom(...RESOURCES)) }),
  fc.record({ op: fc.constant('deletePolicy' as const), name: fc.constantFrom(...NAMES) }),
  fc.record({ op: fc.constant('request' as const), path: fc.constantFrom(...PATHS) }),
  fc.record({ op: fc.constant('decide' as const), verb: fc.constantFrom('approve' as const, 'reject' as const, 'revoke' as const), pick: fc.nat() }),
);

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

/** Runs one step; refusals are part of the walk (they must change nothing). */
async function run(store: Store, admin: Session, s: Step, requests: string[]): Promise<void> {
  const policyId = async (name: string) => (await admin.policies.list({ filter: `name eq ${name}` })).result[0]?.id;
  try {
    switch (s.op) {
      case 'mkdir':
        await admin.create(s.path, { type: 'directory' });
        break;
      case 'secret':
        await admin.create(s.path, { type: 'secret', value: s.value });
        break;
      case 'patch':
        await admin.patch(s.path, { ...(s.value === null ? {} : { value: s.value }), ...(s.description === null ? {} : { description: s.description }) });
        break;
      case 'delete':
        await admin.delete(s.path);
        break;
      case 'grantAcl':
        await admin.putAccess(s.path, { entity: { type: s.who === 'u' ? 'user' : 'group', id: s.who }, access: s.write ? 'read_write' : 'read' });
        break;
      case 'revokeAcl':
        await admin.deleteAccess(s.path, { type: s.who === 'u' ? 'user' : 'group', id: s.who });
        break;
      case 'policy':
        await admin.policies.create({
          name: s.name,
          resource: s.resource,
          accessType: s.deny ? 'Deny' : 'Allow',
          accessLevel: s.crud ? 'SM_CRUD' : 'SM_View',
          members: { users: s.users.map((id) => ({ id })), tags: [{ id: 'g' }] },
          ...(s.gated && !s.deny ? { condition: { approval: APPROVAL } } : {}),
        });
        break;
      case 'updatePolicy': {
        const id = await policyId(s.name);
        if (id !== undefined) await admin.policies.update(id, { isActive: s.isActive, ...(s.resource === null ? {} : { resource: s.resource }) });
        break;
      }
      case 'deletePolicy': {
        const id = await policyId(s.name);
        if (id !== undefined) await admin.policies.delete(id);
        break;
      }
      case 'request':
        requests.push((await store.as({ id: 'u' }).requestApproval({ path: s.path, justification: 'walk' })).id);
        break;
      case 'decide': {
        const id = requests[s.pick % Math.max(1, requests.length)];
        if (id !== undefined) await store.as({ id: 'boss', groups: ['leads'] })[s.verb](id);
        break;
      }
    }
  } catch (error) {
    if (!(error instanceof CofferError) || ['STORAGE', 'CORRUPT', 'INTERNAL'].includes(error.code)) throw error;
  }
}

describeEachAdapter('the state read back at open', (makeStore) => {
  it('equals the state the operations built, over random sequences of every kind of write (property, seeded)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 40 }), async (steps) => {
        const t = await makeStore();
        const admin = t.store.as(ADMIN);
        const requests: string[] = [];
        for (const s of steps) await run(t.store, admin, s, requests);
        const built = await stateOf(t.store, PEOPLE, ['/', ...PATHS]);
        const reopened = await t.reopen();
        expect(await stateOf(reopened.store, PEOPLE, ['/', ...PATHS])).toEqual(built);
      }),
      { seed: 20261202, numRuns: 25 },
    );
  });
});
