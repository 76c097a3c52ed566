// coffer's HTTP handler behind fastify: every request under the two API
// prefixes is handed to coffer's handler with fastify's raw request and reply.
// Authentication is the host's: here a bearer token per principal. Run:
// `node examples/fastify.mjs` (PORT=0 picks a free port); the tests run it.
import Fastify from 'fastify';
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

const coffer = createHandler(store, {
  authenticate: (req) => tokens.get(String(req.headers.authorization ?? '').replace(/^Bearer /, '')) ?? null,
});

const app = Fastify();
// Leave bodies to coffer: fastify must not parse (or buffer) them.
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', (_request, _payload, done) => done(null));
for (const prefix of ['/pro/secret-manager/v1/*', '/api/v1/policy-admin/*']) {
  app.all(prefix, (request, reply) => {
    reply.hijack();
    coffer(request.raw, reply.raw);
  });
}

const address = await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
console.log(`listening on ${address}`);
process.on('SIGTERM', () => app.close().then(() => store.close()));
