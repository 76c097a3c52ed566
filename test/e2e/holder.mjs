// Child process for the e2e suites: opens a LevelDB coffer store (from the
// built package, dist/) and holds it open. Prints `ready` once it holds it;
// on a `write <name>` line on stdin it creates a secret and prints `wrote <name>`.
// Usage: node holder.mjs <directory> <key hex>

import readline from 'node:readline';
import { openStore } from '../../dist/src/index.js';
import { levelAdapter } from '../../dist/adapters/level/index.js';

const [directory, keyHex] = process.argv.slice(2);
const store = await openStore({ adapter: levelAdapter(directory), key: new Uint8Array(Buffer.from(keyHex, 'hex')) });
const admin = store.as({ id: 'holder', admin: true });
await admin.create('/held-by-child', { type: 'secret', value: 'child value' });
process.stdout.write('ready\n');

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const [command, name] = line.split(' ');
  if (command === 'write') {
    await admin.create(`/${name}`, { type: 'secret', value: `value of ${name}` });
    process.stdout.write(`wrote ${name}\n`);
  }
}
// stdin closed: keep holding until killed.
setInterval(() => undefined, 1 << 30);
