// Open workload (issue 7, workload 3): time to open a LevelDB store holding the
// decision model's items and policies (full: 100k secrets + 1.1k directories,
// 10k policies), and the heap used once it is open.
//
//   npm run build && node --expose-gc bench/open.mjs [--quick | --tiny]
//
// The store is built once through the public API (not timed), closed, then
// opened OPENS times, each in a fresh `node --expose-gc` process (so one open's
// garbage or caches do not help the next): gc, heap before, openStore(), gc,
// heap after. Reported: the median open time and heap, every sample, and the
// heap the bare process holds before opening (coffer's modules loaded).
// Writes bench/results/open[-quick|-tiny].json.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openStore } from '../dist/src/index.js';
import { levelAdapter } from '../dist/adapters/level/index.js';
import { cofferPolicyBody, makeModel } from './decision-workload.mjs';
import { heapMB, isMain, modeOf, writeResult } from './lib.mjs';

export const PRESETS = {
  full: { shape: { tops: 100, mids: 10, leaves: 100 }, users: 1000, groups: 100, policies: 10_000, opens: 3 },
  quick: { shape: { tops: 20, mids: 10, leaves: 50 }, users: 1000, groups: 100, policies: 1_000, opens: 2 },
  tiny: { shape: { tops: 3, mids: 3, leaves: 5 }, users: 20, groups: 5, policies: 20, opens: 1 },
};

const ADMIN = { id: 'bench-admin', admin: true };

export async function buildLevelStore(directory, key, cfg) {
  const model = makeModel({ ...cfg.shape, users: cfg.users, groups: cfg.groups, policies: cfg.policies, queries: 0 });
  const store = await openStore({ adapter: levelAdapter(directory), key });
  const admin = store.as(ADMIN);
  for (let t = 0; t < model.tops; t++) {
    await admin.create(`/t${t}`, { type: 'directory' });
    for (let a = 0; a < model.mids; a++) {
      await admin.create(`/t${t}/a${a}`, { type: 'directory' });
      for (let s = 0; s < model.leaves; s++) await admin.create(`/t${t}/a${a}/s${s}`, { type: 'secret', value: `value-${t}-${a}-${s}` });
    }
  }
  for (const p of model.policies) {
    await admin.policies.create(cofferPolicyBody(p));
  }
  // A query that must work after the reopen.
  const probe = { user: model.userGroups.length - 1, path: `/t0/a0/s0` };
  const expected = (await store.as({ id: `u${probe.user}`, groups: model.userGroups[probe.user] }).can('sm.secret.read', probe.path)).allowed;
  await store.close();
  return { items: model.tops * (model.mids * (model.leaves + 1) + 1), secrets: model.tops * model.mids * model.leaves, policies: model.policies.length, probe: { ...probe, groups: model.userGroups[probe.user], expected } };
}

/** One open, in this process: ms to open, heap (MB, after gc) before and after. */
export async function measureOpen(directory, key, probe) {
  const before = heapMB();
  const start = process.hrtime.bigint();
  const store = await openStore({ adapter: levelAdapter(directory), key });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const after = heapMB();
  const rss = Math.round(process.memoryUsage().rss / 2 ** 20);
  let probeOk = true;
  if (probe) probeOk = (await store.as({ id: `u${probe.user}`, groups: probe.groups }).can('sm.secret.read', probe.path)).allowed === probe.expected;
  await store.close();
  return { ms: Math.round(ms * 10) / 10, heapBeforeMB: before, heapAfterMB: after, heapDeltaMB: Math.round((after - before) * 10) / 10, rssMB: rss, probeOk, gcExposed: typeof globalThis.gc === 'function' };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** Builds the store, then opens it `opens` times in child processes (or in-process with inProcess: true). */
export async function runOpen(options = {}) {
  const mode = options.mode ?? 'full';
  const cfg = { ...PRESETS[mode], ...options };
  const log = cfg.log ?? console.log;
  const started = performance.now();
  const directory = mkdtempSync(join(tmpdir(), 'coffer-bench-open-'));
  const key = new Uint8Array(randomBytes(32));
  try {
    const t0 = performance.now();
    const built = await buildLevelStore(directory, key, cfg);
    const buildSeconds = Math.round(performance.now() - t0) / 1000;
    log(`open: built a LevelDB store of ${built.items} items (${built.secrets} secrets) and ${built.policies} policies in ${buildSeconds} s`);
    const samples = [];
    for (let i = 0; i < cfg.opens; i++) {
      if (cfg.inProcess) samples.push(await measureOpen(directory, key, built.probe));
      else {
        const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', directory], {
          env: { ...process.env, COFFER_BENCH_KEY: Buffer.from(key).toString('hex'), COFFER_BENCH_PROBE: JSON.stringify(built.probe) },
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        });
        samples.push(JSON.parse(out.trim().split('\n').at(-1)));
      }
      log(`open: #${i + 1} ${samples.at(-1).ms} ms, heap ${samples.at(-1).heapAfterMB} MB (${samples.at(-1).heapBeforeMB} MB before open)`);
    }
    return {
      config: { ...cfg, log: undefined },
      built,
      buildSeconds,
      samples,
      ms: median(samples.map((s) => s.ms)),
      heapMB: median(samples.map((s) => s.heapAfterMB)),
      heapDeltaMB: median(samples.map((s) => s.heapDeltaMB)),
      baselineHeapMB: median(samples.map((s) => s.heapBeforeMB)),
      probeOk: samples.every((s) => s.probeOk),
      seconds: Math.round(performance.now() - started) / 1000,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  if (process.argv.includes('--child')) {
    const directory = process.argv[process.argv.indexOf('--child') + 1];
    const key = new Uint8Array(Buffer.from(process.env.COFFER_BENCH_KEY ?? '', 'hex'));
    const probe = process.env.COFFER_BENCH_PROBE ? JSON.parse(process.env.COFFER_BENCH_PROBE) : undefined;
    console.log(JSON.stringify(await measureOpen(directory, key, probe)));
  } else {
    const mode = modeOf();
    const result = await runOpen({ mode });
    console.log(`open: median ${result.ms} ms, heap ${result.heapMB} MB after open (${result.baselineHeapMB} MB before); wrote ${await writeResult('open', mode, result)} (${result.seconds} s)`);
    if (!result.probeOk) process.exitCode = 1;
  }
}
