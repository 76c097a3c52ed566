// Store operations at 1k and 100k items, on both adapters (issue: "get / create /
// patch of one item never scans the store"). Builds a tree /t{i}/s{j} through the
// public API, then times single awaited operations on random existing paths.
//   npm run build && node bench/store-ops.mjs [--quick | --tiny]
// Prints a table and writes bench/results/store-ops[-quick].json.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openStore } from '../dist/src/index.js';
import { memoryAdapter } from '../dist/adapters/memory/index.js';
import { levelAdapter } from '../dist/adapters/level/index.js';
import { percentiles, seededRandom, modeOf, writeResult } from './lib.mjs';

const mode = modeOf();
const quick = mode !== 'full';
const SIZES = { full: [1_000, 100_000], quick: [1_000, 20_000], tiny: [50, 200] }[mode];
const OPS = { full: 3_000, quick: 500, tiny: 50 }[mode];
const ADMIN = { id: 'bench-admin', admin: true };

async function build(adapterKind, size) {
  let dir;
  const adapter = adapterKind === 'memory' ? memoryAdapter() : levelAdapter((dir = mkdtempSync(join(tmpdir(), 'coffer-bench-'))));
  const store = await openStore({ adapter, key: new Uint8Array(randomBytes(32)) });
  const admin = store.as(ADMIN);
  const perDir = 100;
  const dirs = Math.ceil(size / perDir);
  for (let i = 0; i < dirs; i++) {
    await admin.create(`/t${i}`, { type: 'directory' });
    for (let j = 0; j < perDir && i * perDir + j < size; j++) await admin.create(`/t${i}/s${j}`, { type: 'secret', value: `value-${i}-${j}-` + 'x'.repeat(40) });
  }
  return { store, admin, dir, dirs, perDir };
}

async function time(fn, count) {
  const samples = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const start = process.hrtime.bigint();
    await fn(k);
    samples[k] = Number(process.hrtime.bigint() - start) / 1000; // µs
  }
  return percentiles(samples);
}

const results = [];
for (const adapterKind of ['memory', 'level']) {
  for (const size of SIZES) {
    const t0 = Date.now();
    const { store, admin, dir, dirs, perDir } = await build(adapterKind, size);
    const buildSeconds = (Date.now() - t0) / 1000;
    const random = seededRandom(42);
    const pick = () => `/t${Math.floor(random() * dirs)}/s${Math.floor(random() * Math.min(perDir, size))}`;
    // warm up
    for (let k = 0; k < Math.min(200, OPS); k++) await admin.get(pick());
    const get = await time(() => admin.get(pick()), OPS);
    const patch = await time(() => admin.patch(pick(), { value: 'patched-' + 'y'.repeat(40) }), OPS);
    const create = await time((k) => admin.create(`/t${k % dirs}/new${k}`, { type: 'secret', value: 'new' }), OPS);
    const del = await time((k) => admin.delete(`/t${k % dirs}/new${k}`), OPS);
    await store.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    const row = { adapter: adapterKind, items: size, buildSeconds, get, patch, create, delete: del };
    results.push(row);
    console.log(
      `${adapterKind.padEnd(6)} ${String(size).padStart(7)} items  get p50 ${get.p50.toFixed(1)} µs p99 ${get.p99.toFixed(1)}  ` +
        `patch p50 ${patch.p50.toFixed(1)} p99 ${patch.p99.toFixed(1)}  create p50 ${create.p50.toFixed(1)} p99 ${create.p99.toFixed(1)}  ` +
        `delete p50 ${del.p50.toFixed(1)} p99 ${del.p99.toFixed(1)}  (built in ${buildSeconds.toFixed(1)} s)`,
    );
  }
}
console.log('\nratio large/small (p50):');
for (const adapterKind of ['memory', 'level']) {
  const [small, large] = results.filter((r) => r.adapter === adapterKind);
  const ratios = Object.fromEntries(['get', 'patch', 'create', 'delete'].map((op) => [op, +(large[op].p50 / small[op].p50).toFixed(2)]));
  console.log(`  ${adapterKind}: ${JSON.stringify(ratios)}`);
  for (const r of results.filter((x) => x.adapter === adapterKind)) r.ratioToSmall = ratios;
}
console.log(`store-ops: wrote ${await writeResult('store-ops', mode, { quick, sizes: SIZES, ops: OPS, results })}`);
