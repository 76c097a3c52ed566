// Fixture workload (issue 7, workload 4): time to build a memory store with 100
// secrets (10 directories of 10) and 10 policies through `fixtureStore` — warm
// (after WARM builds), p50 / p99 over BUILDS builds; each store is closed,
// untimed, before the next.
//
//   npm run build && node --expose-gc bench/fixture.mjs [--quick | --tiny]
//
// fixtureStore comes from dist/src/testing/index.js ('coffer/testing'); that
// module also exports the vitest conformance suite, so when it cannot be
// imported outside vitest the bench imports dist/src/testing/fixture.js.
// Writes bench/results/fixture[-quick|-tiny].json.

import { percentiles, isMain, modeOf, opsPerSecond, writeResult } from './lib.mjs';

export const PRESETS = {
  full: { directories: 10, perDirectory: 10, policies: 10, warm: 30, builds: 500 },
  quick: { directories: 10, perDirectory: 10, policies: 10, warm: 20, builds: 150 },
  tiny: { directories: 10, perDirectory: 10, policies: 10, warm: 2, builds: 5 },
};

export async function loadFixtureStore() {
  try {
    const { fixtureStore } = await import('../dist/src/testing/index.js');
    return { fixtureStore, from: 'dist/src/testing/index.js' };
  } catch (error) {
    const { fixtureStore } = await import('../dist/src/testing/fixture.js');
    return { fixtureStore, from: `dist/src/testing/fixture.js (index.js failed: ${String(error?.message ?? error).split('\n')[0]})` };
  }
}

export function fixtureSpec({ directories, perDirectory, policies }) {
  const tree = {};
  for (let d = 0; d < directories; d++) {
    const dir = {};
    for (let s = 0; s < perDirectory; s++) dir[`secret${s}`] = `value-${d}-${s}`;
    tree[`app${d}`] = dir;
  }
  const list = [];
  for (let p = 0; p < policies; p++) {
    list.push({
      name: `policy ${p}`,
      resource: p % 3 === 0 ? `/app${p % directories}/*` : `/app${p % directories}/secret${p % perDirectory}`,
      accessLevel: p % 2 === 0 ? 'SM_View' : 'SM_CRUD',
      accessType: p % 5 === 4 ? 'Deny' : 'Allow',
      members: p % 2 === 0 ? { users: [{ id: `user${p}` }] } : { tags: [{ id: `team${p}` }] },
    });
  }
  return { tree, policies: list };
}

export async function runFixture(options = {}) {
  const mode = options.mode ?? 'full';
  const cfg = { ...PRESETS[mode], ...options };
  const log = cfg.log ?? console.log;
  const started = performance.now();
  const { fixtureStore, from } = await loadFixtureStore();
  const spec = fixtureSpec(cfg);
  for (let i = 0; i < cfg.warm; i++) await (await fixtureStore(spec)).close();
  const samples = new Float64Array(cfg.builds);
  let store;
  for (let i = 0; i < cfg.builds; i++) {
    globalThis.gc?.();
    const start = process.hrtime.bigint();
    store = await fixtureStore(spec);
    samples[i] = Number(process.hrtime.bigint() - start) / 1e6;
    if (i < cfg.builds - 1) await store.close();
  }
  // The last store holds what the spec says.
  const admin = store.as({ id: 'check', admin: true });
  const secret = (await admin.get(`/app${cfg.directories - 1}/secret${cfg.perDirectory - 1}`)).value;
  const policies = (await admin.policies.list()).result.length; // ours and the built-ins (first page)
  await store.close();
  const ms = percentiles(samples);
  log(`fixture: ${cfg.directories * cfg.perDirectory} secrets + ${cfg.policies} policies: p50 ${ms.p50} ms p99 ${ms.p99} ms (${cfg.builds} warm builds; fixtureStore from ${from})`);
  return {
    config: { ...cfg, log: undefined },
    from,
    ms,
    buildsPerSec: opsPerSecond(ms.mean * 1e6),
    check: { lastSecret: secret, expectedSecret: `value-${cfg.directories - 1}-${cfg.perDirectory - 1}`, policiesListed: policies },
    seconds: Math.round(performance.now() - started) / 1000,
  };
}

if (isMain(import.meta.url)) {
  const mode = modeOf();
  const result = await runFixture({ mode });
  console.log(`fixture: wrote ${await writeResult('fixture', mode, result)} (${result.seconds} s)`);
  if (result.check.lastSecret !== result.check.expectedSecret) process.exitCode = 1;
}
