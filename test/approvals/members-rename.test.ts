// Changing a policy's members ends its approval requests — changing who the
// members are. A member's display name, or the order of a list, is not who
// they are: such an update keeps the requests (docs/decisions.md).

import { expect, it } from 'vitest';
import { ADMIN, describeEachAdapter } from '../support/stores.js';

const APPROVAL = { approvers: { userIds: ['boss'] }, validFor: 60, timeToApprove: 60, notificationMedium: 'pager' };

describeEachAdapter('policy members and approval requests', (makeStore) => {
  it('renaming a member or reordering the list keeps the requests; adding or removing one ends them', async () => {
    const t = await makeStore();
    const admin = t.store.as(ADMIN);
    await admin.create('/d', { type: 'directory' });
    await admin.create('/d/s', { type: 'secret', value: 'v' });
    const policy = await admin.policies.create({ name: 'gate', resource: '/d/*', members: { users: [{ id: 'u', name: 'Ursula' }, { id: 'w' }] }, condition: { approval: APPROVAL } });
    const request = await t.store.as({ id: 'u' }).requestApproval({ path: '/d/s', justification: 'j' });
    await admin.policies.update(policy.id, { members: { users: [{ id: 'w', name: 'Walter' }, { id: 'u', name: 'Ursula B.' }] } });
    expect((await admin.getApproval(request.id)).status).toBe('pending');
    expect((await admin.policies.get(policy.id)).members.users).toEqual([{ id: 'w', name: 'Walter' }, { id: 'u', name: 'Ursula B.' }]);
    await admin.policies.update(policy.id, { members: { users: [{ id: 'u' }, { id: 'w' }, { id: 'x' }] } });
    expect((await admin.getApproval(request.id)).status).toBe('revoked');
  });
});
