// The benchmark harness (issue 7): every workload in bench/, one process each,
// then one table, bench/results/*.json, docs/performance.md and
// docs/decision-latency.svg.
//
//   npm run bench                      full run (build first; tens of minutes at most)
//   npm run bench -- --quick           smoke run, smaller shapes, under two minutes
//   npm run bench -- --tiny            seconds: checks the harness runs (writes results
//                                      to the OS temp directory, not the docs)
//   ... --only decision,storage        some workloads;  --skip conditions  all but some
//   ... --no-docs                      leave docs/ alone
//
// `npm run bench` builds dist/ first; `node bench/run.mjs` alone uses dist/ as it is.
// Exits non-zero when a workload fails or its systems disagree.

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modeOf } from './lib.mjs';
import { consoleReport, loadResults, writeDocs, DOC, CHART } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));

// conditions.mjs has no quick mode and writes its own docs section; it is left
// out of --tiny runs, which must not touch the repository.
export const WORKLOADS = [
  { name: 'decision', file: 'decision.mjs' },
  { name: 'storage', file: 'storage.mjs' },
  { name: 'open', file: 'open.mjs' },
  { name: 'fixture', file: 'fixture.mjs' },
  { name: 'store-ops', file: 'store-ops.mjs' },
  { name: 'http', file: 'http.mjs' },
  { name: 'conditions', file: 'conditions.mjs', modes: ['full', 'quick'], noModeFlag: true },
];

function listArg(flag) {
  const i = process.argv.indexOf(flag);
  return i === -1 ? undefined : (process.argv[i + 1] ?? '').split(',').filter(Boolean);
}

const mode = modeOf();
const only = listArg('--only');
const skip = listArg('--skip') ?? [];
const unknown = [...(only ?? []), ...skip].filter((n) => !WORKLOADS.some((w) => w.name === n));
if (unknown.length > 0) {
  console.error(`unknown workload(s): ${unknown.join(', ')}; known: ${WORKLOADS.map((w) => w.name).join(', ')}`);
  process.exit(2);
}
const chosen = WORKLOADS.filter((w) => (only === undefined || only.includes(w.name)) && !skip.includes(w.name) && (w.modes === undefined || w.modes.includes(mode)));

const started = Date.now();
const outcomes = [];
for (const w of chosen) {
  const args = ['--expose-gc', '--max-old-space-size=8192', join(here, w.file)];
  if (!w.noModeFlag && mode !== 'full') args.push(`--${mode}`);
  console.log(`\n>>> ${w.name}: node ${args.slice(0, 2).join(' ')} bench/${w.file}${args.length > 3 ? ` ${args[3]}` : ''}`);
  const t0 = Date.now();
  const run = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: join(here, '..') });
  const seconds = (Date.now() - t0) / 1000;
  outcomes.push({ name: w.name, status: run.status, signal: run.signal, seconds });
  if (run.status !== 0) console.error(`<<< ${w.name} failed (exit ${run.status ?? run.signal}) after ${seconds} s`);
  else console.log(`<<< ${w.name}: ${seconds} s`);
}

const results = loadResults(mode);
// Only this run's workloads in the table (others' files may be older).
const ran = new Set(outcomes.filter((o) => o.status === 0).map((o) => o.name));
console.log(consoleReport(Object.fromEntries(Object.entries(results).filter(([name]) => ran.has(name)))));

if (mode !== 'tiny' && !process.argv.includes('--no-docs')) {
  writeDocs(loadResults('best'));
  console.log(`\nwrote ${DOC} and ${CHART}`);
}
console.log(`\nworkloads: ${outcomes.map((o) => `${o.name} ${o.status === 0 ? 'ok' : 'FAILED'} (${o.seconds} s)`).join(', ')}; total ${(Date.now() - started) / 1000} s`);
if (outcomes.some((o) => o.status !== 0)) process.exitCode = 1;
