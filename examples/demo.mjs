// The README's demo: an embedded LevelDB store in ./demo-store, a small tree
// with ACLs, a refused and an allowed read, then close, reopen and read again.
// Run with `npm run demo` (it builds dist/ first).
import { rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { openStore, CofferError } from 'coffer';
import { levelAdapter } from 'coffer/adapters/level';

// ./demo-store beside the project (COFFER_DEMO_DIR moves it, for the demo's own test).
const directory = process.env.COFFER_DEMO_DIR ?? new URL('../demo-store', import.meta.url).pathname;
rmSync(directory, { recursive: true, force: true }); // a fresh store on every run
// A real host keeps its 32-byte key in a KMS or a secret file, never beside the data.
const key = new Uint8Array(randomBytes(32));

const say = (line = '') => console.log(line);
const attempt = async (label, run) => {
  try {
    const result = await run();
    say(`  ✔ ${label}: ${result}`);
  } catch (error) {
    if (!(error instanceof CofferError)) throw error;
    say(`  ✘ ${label}: refused with ${error.code} (${error.status}) — ${error.message}`);
  }
};

say(`coffer demo — a LevelDB store in ${directory}`);
const audit = [];
let store = await openStore({ adapter: levelAdapter(directory), key, onAudit: (e) => audit.push(e) });
const admin = store.as({ id: 'alice', admin: true });
const bob = store.as({ id: 'bob', groups: ['payments'] }, { ip: '10.1.2.3' });

say('\n1. Alice (an admin) builds a tree and gives the payments group read access to one secret');
await admin.create('/prod', { type: 'directory', description: 'production' });
await admin.create('/prod/payments', { type: 'directory' });
await admin.create('/prod/payments/stripe-key', { type: 'secret', value: 'sk_live_51Hdemo' });
await admin.create('/prod/payments/db-password', { type: 'secret', value: 'correct horse battery staple' });
await admin.putAccess('/prod/payments/stripe-key', { entity: { type: 'group', id: 'payments' }, access: 'read' });
const tree = await admin.get('/prod/payments');
say(`  /prod/payments holds: ${tree.children.map((c) => `${c.name} (${c.type})`).join(', ')}`);
say(`  ACL of /prod/payments/stripe-key: ${JSON.stringify(await admin.getAccess('/prod/payments/stripe-key'))}`);

say('\n2. Bob (group payments) reads');
await attempt('read /prod/payments/db-password', async () => (await bob.get('/prod/payments/db-password')).value);
await attempt('read /prod/payments/stripe-key', async () => `value ${(await bob.get('/prod/payments/stripe-key')).value}`);
const decision = await bob.can('sm.secret.read', '/prod/payments/db-password');
say(`  why the first was refused: can() says ${JSON.stringify(decision)}`);

say('\n3. Close; reopen with a wrong key, then with the right one, and read again');
await store.close();
await attempt('open with a wrong key', async () => openStore({ adapter: levelAdapter(directory), key: new Uint8Array(randomBytes(32)) }).then(() => 'opened?!'));
store = await openStore({ adapter: levelAdapter(directory), key });
const again = await store.as({ id: 'bob', groups: ['payments'] }).get('/prod/payments/stripe-key');
say(`  after reopen: ${again.path} = ${again.value} (version ${again.version}, id ${again.id})`);

say('\n4. The audit trail (never a value):');
for (const e of audit.slice(-4)) say(`  ${e.time} ${e.principal.id} ${e.action} ${e.target} → ${e.outcome} (${e.reason}${e.code ? ', ' + e.code : ''})`);
await store.close();
say('\ndone.');
