// coffer's HTTP handler mounted in an express app: clients of the secret
// manager and policy-admin REST APIs talk to this process. Authentication is
// the host's: here a bearer token per principal. Run: `node examples/express.mjs`
// (PORT=0 picks a free port); the tests run it.
import express from 'express';
import { openStore } from 'coffer';
import { memoryAdapter } from 'coffer/adapters/memory';
import { createHandler } from 'coffer/http';

const tokens = new Map([
  ['admin-token', { id: 'alice', admin: true }],
  ['svc-token', { id: 'orders-svc', groups: ['backend'] }],
]);

const store = await openStore({ adapter: memoryAdapter() });
const admin = store.as({ id: 'alice', admin: true });
await admin.create('/prod', { type: 'directory' });
await admin.create('/prod/db-password', { type: 'secret', value: 's3cret' });
await admin.putAccess('/prod/db-password', { entity: { type: 'group', id: 'backend' }, access: 'read' });

const app = express();
app.get('/health', (_req, res) => res.json({ ok: true }));
// coffer reads the body itself: mount it before any body parser.
app.use(
  createHandler(store, {
    authenticate: (req) => tokens.get(String(req.headers.authorization ?? '').replace(/^Bearer /, '')) ?? null,
  }),
);

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => store.close()));
