// HTTP workload: coffer/http's throughput on loopback, measured with
// autocannon against a node:http server in this process: GET of a secret as
// an admin (no policy decides), and as a user whose read an Allow policy on
// the secret's directory grants (a policy-gated read among 1,000 policies).
//
//   npm run build && node bench/http.mjs [--quick | --tiny]
//
// Writes bench/results/http[-quick].json.

import { createServer } from 'node:http';
import autocannon from 'autocannon';
import { openStore } from '../dist/src/index.js';
import { memoryAdapter } from '../dist/adapters/memory/index.js';
import { createHandler } from '../dist/src/http/index.js';
import { isMain, modeOf, writeResult } from './lib.mjs';

const PRESETS = {
  full: { seconds: 10, connections: 16, policies: 1000 },
  quick: { seconds: 3, connections: 8, policies: 200 },
  tiny: { seconds: 1, connections: 2, policies: 10 },
};

export async function runHttp(options = {}) {
  const mode = options.mode ?? 'full';
  const cfg = { ...PRESETS[mode], ...options };
  const log = cfg.log ?? console.log;
  const store = await openStore({ adapter: memoryAdapter() });
  const admin = store.as({ id: 'admin', admin: true });
  await admin.create('/app', { type: 'directory' });
  await admin.create('/app/db', { type: 'secret', value: 'x'.repeat(64) });
  for (let i = 0; i < cfg.policies; i++) {
    await admin.create(`/d${i}`, { type: 'directory' });
    await admin.policies.create({ name: `p${i}`, resource: `/d${i}/*`, members: { users: [{ id: `u${i}` }] } });
  }
  await admin.policies.create({ name: 'reader', resource: '/app/*', members: { users: [{ id: 'reader' }] } });
  const principals = { admin: { id: 'admin', admin: true }, reader: { id: 'reader' } };
  const handler = createHandler(store, { authenticate: (req) => principals[req.headers['x-who']] ?? null });
  const server = createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/pro/secret-manager/v1/item/app/db`;
  const rows = [];
  for (const [name, who] of [
    ['GET item (admin)', 'admin'],
    ['GET item (policy-gated)', 'reader'],
  ]) {
    const result = await autocannon({ url, connections: cfg.connections, duration: cfg.seconds, headers: { 'x-who': who } });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    rows.push({ name, requestsPerSec: Math.round(result.requests.average), latencyMs: { p50: result.latency.p50, p99: result.latency.p99 }, requests: result.requests.total });
    log(`http: ${name}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms (${cfg.connections} connections, ${cfg.seconds} s)`);
  }
  await new Promise((resolve) => server.close(resolve));
  await store.close();
  return { config: { seconds: cfg.seconds, connections: cfg.connections, policies: cfg.policies + 1 }, rows };
}

if (isMain(import.meta.url)) {
  const mode = modeOf();
  const result = await runHttp({ mode });
  console.log(`http: wrote ${await writeResult('http', mode, result)}`);
}
