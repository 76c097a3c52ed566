// Shared bench helpers: percentiles, a seeded PRNG, machine facts, results path.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
  return {
    node: process.version,
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    coffer: JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')).version,
    packages: { level: version('level'), immer: version('immer'), luxon: version('luxon'), casbin: version('casbin'), '@cedar-policy/cedar-wasm': version('@cedar-policy/cedar-wasm') },
    date: new Date().toISOString(),
  };
}
