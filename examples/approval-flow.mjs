// An approval flow, end to end, on a memory store and a
// manual clock: a service asks for a secret and is told APPROVAL_REQUIRED,
// files a request, an approver approves it, the read succeeds, time passes
// and access ends on its own (no timer: the store reads the clock).
// Run after a build: `npm run build && node examples/approval-flow.mjs`.
import { openStore, CofferError } from 'coffer';
import { memoryAdapter } from 'coffer/adapters/memory';

const say = (line = '') => console.log(line);
// Never print a secret: its first four characters and its length are enough to show the read worked.
const mask = (value) => `${value.slice(0, 4)}… (${value.length} characters)`;

// A manual clock: the store asks it for the time of every request.
let now = Date.parse('2024-06-03T09:00:00Z');
const clock = () => now;
const passes = (minutes) => {
  now += minutes * 60_000;
  say(`  ⏱  ${minutes} minutes pass — it is now ${new Date(now).toISOString()}`);
};

const notifications = [];
const audit = [];
const store = await openStore({
  adapter: memoryAdapter(),
  clock,
  onAudit: (event) => audit.push(event),
  // The host's notifier: here it only records; a real one would send a mail or a chat message.
  notify: (request, medium) => {
    notifications.push({ request, medium });
    say(`  📨 notify ${JSON.stringify(medium)}: ${request.requester.id} asks for ${request.action} on ${request.path} — "${request.justification}"`);
  },
});

const admin = store.as({ id: 'alice', admin: true });
const worker = store.as({ id: 'billing-worker', kind: 'serviceIdentity' }, { ip: '10.20.0.7' });
const carol = store.as({ id: 'carol' });

const attempt = async (label, run) => {
  try {
    say(`  ✔ ${label}: ${await run()}`);
  } catch (error) {
    if (!(error instanceof CofferError)) throw error;
    const ids = error.policyIds ? ` policyIds=${JSON.stringify(error.policyIds)}` : '';
    say(`  ✘ ${label}: refused with ${error.code} (${error.status})${ids}`);
  }
};

say('1. Alice (an admin) stores a secret and puts it behind an approval policy');
await admin.create('/prod', { type: 'directory' });
await admin.create('/prod/payments', { type: 'directory' });
await admin.create('/prod/payments/stripe-key', { type: 'secret', value: 'sk_live_51HdemoExampleKey' });
const policy = await admin.policies.create({
  name: 'Payments with approval',
  resource: '/prod/payments/*',
  accessLevel: 'SM_View',
  members: { serviceIdentities: [{ id: 'billing-worker' }] },
  condition: {
    ipAddress: '10.20.0.0/16',
    approval: { approvers: { userIds: ['carol'] }, validFor: 60, isValidForInDays: false, timeToApprove: 30, notificationMedium: 'payments-oncall' },
  },
});
say(`  policy "${policy.name}" (${policy.id}): members must be approved by carol; an approval lasts 60 minutes`);

say('\n2. The billing worker asks for the secret');
await attempt('read /prod/payments/stripe-key', async () => mask((await worker.get('/prod/payments/stripe-key')).value));
say(`  can() says ${JSON.stringify(await worker.can('sm.secret.read', '/prod/payments/stripe-key'))}`);

say('\n3. The billing worker files an approval request');
const request = await worker.requestApproval({ path: '/prod/payments/stripe-key', justification: 'nightly payout run' });
say(`  request ${request.id} is ${request.status}, expires at ${request.expiresAt}`);

say('\n4. Carol (an approver) approves it');
passes(5);
const approved = await carol.approve(request.id, { comment: 'ok for tonight' });
say(`  request is ${approved.status} by ${approved.decidedBy.id} at ${approved.approvedAt} ("${approved.comment}")`);

say('\n5. The billing worker reads again');
await attempt('read /prod/payments/stripe-key', async () => mask((await worker.get('/prod/payments/stripe-key')).value));
say(`  can() says ${JSON.stringify(await worker.can('sm.secret.read', '/prod/payments/stripe-key'))}`);
const elsewhere = store.as({ id: 'billing-worker', kind: 'serviceIdentity' }, { ip: '192.168.1.50' });
await attempt('read from 192.168.1.50, outside the policy\'s IP list', async () => mask((await elsewhere.get('/prod/payments/stripe-key')).value));

say('\n6. Time passes');
passes(59);
await attempt('read at approvedAt + 59 minutes', async () => mask((await worker.get('/prod/payments/stripe-key')).value));
passes(2);
say(`  the request now reads ${(await worker.getApproval(request.id)).status}`);
await attempt('read /prod/payments/stripe-key', async () => mask((await worker.get('/prod/payments/stripe-key')).value));
say('  access has ended: the worker must ask again');

say('\n7. The audit trail of the worker and carol (never a value)');
for (const e of audit.filter((event) => event.principal.id !== 'alice')) {
  say(`  ${e.time} ${e.principal.id} ${e.action} ${e.target} → ${e.outcome} (${e.reason}${e.code ? ', ' + e.code : ''})`);
}
say(`  ${notifications.length} notification sent`);
await store.close();
say('\ndone.');
