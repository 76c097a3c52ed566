// Shared bench helpers: percentiles, a seeded PRNG, machine facts, results path.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export function resultsPath() {
  return join(here, 'results');
}

/** p50 / p99 / mean of a Float64Array of samples (any unit). */
export function percentiles(samples) {
  const sorted = Float64Array.from(samples).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  let sum = 0;
  for (const x of sorted) sum += x;
  const round = (x) => Math.round(x * 1000) / 1000;
  return { p50: round(at(0.5)), p99: round(at(0.99)), mean: round(sum / sorted.length), n: sorted.length };
}

/** mulberry32: a small seeded PRNG, so every run asks the same questions. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function machine() {
  const version = (name) => {
    try {
      return JSON.parse(readFileSync(join(here, '..', 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return undefined;
    }
  };
  let commit;
  try {
    // read-only: the commit the working tree is on (it may hold uncommitted changes)
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: join(here, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    commit = undefined;
  }
  return {
    node: process.version,
    commit,
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    coffer: JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')).version,
    packages: { level: version('level'), 'classic-level': version('classic-level'), immer: version('immer'), luxon: version('luxon'), casbin: version('casbin'), '@cedar-policy/cedar-wasm': version('@cedar-policy/cedar-wasm') },
    date: new Date().toISOString(),
  };
}

/** True when the module at `url` is the script node was started with (not imported). */
export function isMain(url) {
  return process.argv[1] !== undefined && fileURLToPath(url) === resolve(process.argv[1]);
}

/** Heap used in MB, after a full GC when node runs with --expose-gc. */
export function heapMB() {
  globalThis.gc?.();
  globalThis.gc?.();
  return Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10;
}

/** The mode a workload runs in: 'full', 'quick' or 'tiny' (from argv unless given). */
export function modeOf(argv = process.argv) {
  if (argv.includes('--tiny')) return 'tiny';
  if (argv.includes('--quick')) return 'quick';
  return 'full';
}

/**
 * bench/results/<name>.json for a full run, <name>-quick.json for --quick; a
 * --tiny (smoke) run writes under the OS temp directory, never into the repo.
 */
export function resultFile(name, mode) {
  if (mode === 'tiny') return join(os.tmpdir(), 'coffer-bench-results', `${name}-tiny.json`);
  return join(resultsPath(), mode === 'full' ? `${name}.json` : `${name}-${mode}.json`);
}

/** Writes a workload's result (with the machine) and returns the path. */
export async function writeResult(name, mode, data) {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const file = resultFile(name, mode);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ workload: name, mode, machine: machine(), ...data }, null, 2) + '\n');
  return file;
}

/** Operations per second from a mean latency in ns. */
export function opsPerSecond(meanNs) {
  return meanNs > 0 ? Math.round(1e9 / meanNs) : 0;
}
