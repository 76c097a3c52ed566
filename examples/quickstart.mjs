import { openStore, CofferError } from 'coffer';
import { memoryAdapter } from 'coffer/adapters/memory';

const store = await openStore({
  adapter: memoryAdapter(), // or levelAdapter('./secrets-db') from 'coffer/adapters/level', with a 32-byte `key`
  onAudit: (event) => console.log(`audit: ${event.principal.id} ${event.action} ${event.target} → ${event.outcome} (${event.reason})`),
});

const admin = store.as({ id: 'alice', admin: true });
await admin.create('/prod', { type: 'directory' });
await admin.create('/prod/db-password', { type: 'secret', value: 's3cret' });
await admin.putAccess('/prod/db-password', { entity: { type: 'group', id: 'backend' }, access: 'read' });

const svc = store.as({ id: 'orders-svc', groups: ['backend'] }, { ip: '10.1.2.3' });
console.log((await svc.get('/prod/db-password')).value); // s3cret — the ACL allows it
try {
  await svc.patch('/prod/db-password', { value: 'x' });
} catch (error) {
  if (!(error instanceof CofferError)) throw error;
  console.log(error.code); // FORBIDDEN — a read entry does not allow writes
}

// Policies: Allow / Deny on a path and everything below it, with conditions
await admin.policies.create({
  name: 'backend edits prod from the office',
  resource: '/prod/*',
  accessLevel: 'SM_CRUD',
  members: { tags: [{ id: 'backend' }] },
  condition: { ipAddress: '10.0.0.0/8' },
});
console.log(await svc.can('sm.secret.update', '/prod/db-password')); // { allowed: true, effect: 'allow', reason: 'policy', policyId: … }

// Approvals: a policy with an approval block grants only after an approver says yes
await admin.policies.create({
  name: 'oncall break-glass',
  resource: '/prod/*',
  members: { users: [{ id: 'dana' }] },
  condition: { approval: { approvers: { userIds: ['boss'] }, validFor: 30, isValidForInDays: false, timeToApprove: 60, notificationMedium: 'pager' } },
});
const dana = store.as({ id: 'dana' });
const refused = await dana.get('/prod/db-password').catch((error) => error);
console.log(refused.code); // APPROVAL_REQUIRED
const request = await dana.requestApproval({ path: '/prod/db-password', justification: 'incident 42' });
await store.as({ id: 'boss' }).approve(request.id);
console.log((await dana.get('/prod/db-password')).value); // s3cret, for 30 minutes

await store.close();
