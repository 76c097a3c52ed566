// The handler mounted in express and in fastify: the examples run as a user
// would run them (their own process, importing `coffer`), and answer real
// requests — a read the ACL allows, a refused write, a policy created.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGTERM');
});

/** Starts an example with PORT=0 and resolves with the URL it prints. */
function start(example: string): Promise<string> {
  const child = spawn(process.execPath, [example], { cwd: root, env: { ...process.env, PORT: '0' } });
  running.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (found !== null) resolve(found[1]!);
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`${example} exited with ${code}: ${output}`)));
  });
}

for (const example of ['examples/express.mjs', 'examples/fastify.mjs']) {
  describe(example, () => {
    it('serves the items and policy-admin APIs on the host’s authentication', async () => {
      const url = await start(example);
      const as = (token: string) => ({ authorization: `Bearer ${token}` });
      const read = await fetch(`${url}/pro/secret-manager/v1/item/prod/db-password`, { headers: as('svc-token') });
      expect(read.status).toBe(200);
      expect(read.headers.get('cache-control')).toBe('no-store');
      expect(((await read.json()) as { value: string }).value).toBe('s3cret');
      const write = await fetch(`${url}/pro/secret-manager/v1/item/prod/db-password`, { method: 'PATCH', headers: { ...as('svc-token'), 'content-type': 'application/json' }, body: JSON.stringify({ value: 'x' }) });
      expect(write.status).toBe(403);
      expect(await write.json()).toMatchObject({ code: 'FORBIDDEN' });
      const policy = await fetch(`${url}/api/v1/policy-admin/policies?consumer=secretmanager`, { method: 'POST', headers: { ...as('admin-token'), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'backend edits', resource: '/prod/*', accessLevel: 'SM_CRUD', members: { tags: [{ id: 'backend' }] } }) });
      expect(policy.status).toBe(201);
      const again = await fetch(`${url}/pro/secret-manager/v1/item/prod/db-password`, { method: 'PATCH', headers: { ...as('svc-token'), 'content-type': 'application/json' }, body: JSON.stringify({ value: 'x' }) });
      expect(again.status).toBe(200);
      expect((await fetch(`${url}/pro/secret-manager/v1/item/prod`, { headers: as('nobody') })).status).toBe(401);
    });
  });
}
