// coffer's can() against the in-process floor on the decision workload
// (bench/decision-workload.mjs), at several policy counts, in one run.
//   npm run build && node --expose-gc bench/decision.mjs [--quick]
// Sessions are made before the timed loop; every timed query is one not asked
// before in that pass; nothing memoises answers. Times batches of calls.

import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../dist/src/index.js';
import { memoryAdapter } from '../dist/adapters/memory/index.js';
import { makeModel, makeFloor } from './decision-workload.mjs';
import { machine, percentiles, resultsPath } from './lib.mjs';

const quick = process.argv.includes('--quick');
const COUNTS = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
const shape = quick ? { tops: 20, mids: 10, leaves: 50 } : { tops: 100, mids: 10, leaves: 100 };
const BATCH = 50;
const ADMIN = { id: 'bench-admin', admin: true };

async function buildStore(model) {
  const store = await openStore({ adapter: memoryAdapter() });
  const admin = store.as(ADMIN);
  for (let t = 0; t < model.tops; t++) {
    await admin.create(`/t${t}`, { type: 'directory' });
    for (let a = 0; a < model.mids; a++) {
      await admin.create(`/t${t}/a${a}`, { type: 'directory' });
      for (let s = 0; s < model.leaves; s++) await admin.create(`/t${t}/a${a}/s${s}`, { type: 'secret', value: 'v' });
    }
  }
  return { store, admin };
}

async function addPolicies(admin, policies) {
  for (const p of policies) {
    await admin.policies.create({
      name: p.name,
      resource: p.resource,
      accessLevel: 'SM_View',
      accessType: p.accessType,
      members: p.subject.type === 'user' ? { users: [{ id: p.subject.id }] } : { tags: [{ id: p.subject.id }] },
    });
  }
}

function heapMB() {
  globalThis.gc?.();
  return Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10;
}

const started = Date.now();
const full = makeModel({ ...shape, policies: COUNTS[COUNTS.length - 1], queries: quick ? 40_000 : 200_000 });
const { store, admin } = await buildStore(full);
console.log(`built ${full.tops * full.mids * full.leaves} secrets in ${((Date.now() - started) / 1000).toFixed(1)} s; heap ${heapMB()} MB`);
const sessions = full.userGroups.map((groups, u) => store.as({ id: `u${u}`, groups }));

const results = [];
let added = 0;
for (const count of COUNTS) {
  const t0 = Date.now();
  await addPolicies(admin, full.policies.slice(added, count));
  added = count;
  const model = { ...full, policies: full.policies.slice(0, count) };
  const floor = makeFloor(model);
  const heap = heapMB();
  // Agreement on every query, before timing.
  let agree = 0;
  for (const q of full.queries) {
    const d = await sessions[q.user].can('sm.secret.read', q.path);
    if (d.allowed === floor.decide(q.user, q.path)) agree++;
  }
  // Timed: coffer and the floor on fresh halves of the query list, in batches.
  const half = full.queries.length / 2;
  const cofferSamples = [];
  const floorSamples = [];
  let sink = 0;
  for (let pass = 0; pass < 2; pass++) {
    const slice = full.queries.slice(pass * half, (pass + 1) * half);
    for (let i = 0; i + BATCH <= slice.length; i += BATCH) {
      let start = process.hrtime.bigint();
      for (let k = i; k < i + BATCH; k++) if ((await sessions[slice[k].user].can('sm.secret.read', slice[k].path)).allowed) sink++;
      cofferSamples.push(Number(process.hrtime.bigint() - start) / BATCH);
      start = process.hrtime.bigint();
      for (let k = i; k < i + BATCH; k++) if (floor.decide(slice[k].user, slice[k].path)) sink++;
      floorSamples.push(Number(process.hrtime.bigint() - start) / BATCH);
    }
  }
  const coffer = percentiles(Float64Array.from(cofferSamples));
  const naive = percentiles(Float64Array.from(floorSamples));
  const row = { policies: count, agree, queries: full.queries.length, cofferNs: coffer, floorNs: naive, ratioP50: +(coffer.p50 / naive.p50).toFixed(2), heapMB: heap, setupSeconds: (Date.now() - t0) / 1000, sink };
  results.push(row);
  console.log(
    `${String(count).padStart(6)} policies: can() p50 ${coffer.p50.toFixed(0)} ns p99 ${coffer.p99.toFixed(0)} ns | floor p50 ${naive.p50.toFixed(0)} ns p99 ${naive.p99.toFixed(0)} ns | ratio ${row.ratioP50} | agree ${agree}/${full.queries.length} | heap ${heap} MB`,
  );
}
const growth = +(results[results.length - 1].cofferNs.p50 / results[0].cofferNs.p50).toFixed(2);
console.log(`growth of can() p50 from ${COUNTS[0]} to ${COUNTS[COUNTS.length - 1]} policies: ${growth}×`);
await store.close();
mkdirSync(resultsPath(), { recursive: true });
writeFileSync(join(resultsPath(), quick ? 'decision-quick.json' : 'decision.json'), JSON.stringify({ machine: machine(), quick, shape, results, growth }, null, 2));
