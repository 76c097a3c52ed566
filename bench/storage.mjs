// Storage workload (issue 7, workload 2): encrypted secret read and write
// through coffer on LevelDB against the floor: raw `level` (classic-level
// underneath) get / single-put batch plus an AES-256-GCM decode / encode of the
// same value, laid out as coffer lays it out (format ‖ 96-bit nonce ‖ tag ‖
// ciphertext, additional data binding it to its key).
//
//   npm run build && node --expose-gc bench/storage.mjs [--quick | --tiny]
//
// Both sides hold the same N secrets of the same value size, in their own
// LevelDB directory (level's default options, as coffer's adapter uses: no
// sync); every operation is awaited on its own and timed on its own, on the
// same seeded sequence of keys, the two sides alternating in blocks so that
// background noise falls on both. Rows:
//   read  — coffer admin.get(path) (an admin: the decision is step 1) and a
//           user granted by a policy; floor: await db.get(key) + decrypt
//   write — coffer admin.patch(path, { value }); floor: encrypt + await db.batch([put])
//   create— coffer admin.create(new path, secret) (for reference; no target)
// Writes bench/results/storage[-quick|-tiny].json.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Level } from 'level';
import { openStore } from '../dist/src/index.js';
import { levelAdapter } from '../dist/adapters/level/index.js';
import { percentiles, seededRandom, isMain, modeOf, opsPerSecond, writeResult } from './lib.mjs';

export const PRESETS = {
  full: { secrets: 10_000, perDirectory: 100, ops: 5_000, block: 250, valueBytes: 64 },
  quick: { secrets: 2_000, perDirectory: 100, ops: 1_500, block: 250, valueBytes: 64 },
  tiny: { secrets: 60, perDirectory: 20, ops: 60, block: 20, valueBytes: 64 },
};

const ADMIN = { id: 'bench-admin', admin: true };

/** The floor's codec: coffer's layout, AES-256-GCM with a random nonce and AAD. */
function floorCodec(key) {
  const seal = (plaintext, aad) => {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([1]), nonce, cipher.getAuthTag(), body]);
  };
  const open = (sealed, aad) => {
    const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 13));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(bytes.subarray(13, 29));
    return Buffer.concat([decipher.update(bytes.subarray(29)), decipher.final()]).toString('utf8');
  };
  return { seal, open };
}

/** Times `count` awaited calls of fn(k), one sample each, in µs. */
async function timeEach(fn, from, count, samples) {
  for (let k = from; k < from + count; k++) {
    const start = process.hrtime.bigint();
    await fn(k);
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
}

/** Runs a and b over `ops` operations, alternating blocks of `block`. */
async function alternate(ops, block, a, b) {
  const as = [];
  const bs = [];
  for (let from = 0; from < ops; from += block) {
    const n = Math.min(block, ops - from);
    await timeEach(a, from, n, as);
    await timeEach(b, from, n, bs);
  }
  return [percentiles(Float64Array.from(as)), percentiles(Float64Array.from(bs))];
}

const cell = (us) => ({ us, opsPerSec: opsPerSecond(us.mean * 1000) });

export async function runStorage(options = {}) {
  const mode = options.mode ?? 'full';
  const cfg = { ...PRESETS[mode], ...options };
  const log = cfg.log ?? console.log;
  const started = performance.now();
  const root = mkdtempSync(join(tmpdir(), 'coffer-bench-storage-'));
  const random = seededRandom(11);
  const directories = Math.ceil(cfg.secrets / cfg.perDirectory);
  const paths = [];
  for (let i = 0; i < cfg.secrets; i++) paths.push(`/d${Math.floor(i / cfg.perDirectory)}/s${i % cfg.perDirectory}`);
  const valueOf = (i, tag) => `${tag}-${i}-`.padEnd(cfg.valueBytes, 'x');
  // One seeded sequence of secret indexes, read and written by both sides.
  const order = Array.from({ length: cfg.ops }, () => Math.floor(random() * cfg.secrets));

  // coffer's adapter, counted (reads, batches, records and bytes written) to
  // explain the figures; the wrapper is one function call per adapter call.
  const counts = { gets: 0, batches: 0, records: 0, bytes: 0 };
  const inner = levelAdapter(join(root, 'coffer'));
  const adapter = {
    ...inner,
    get: (key) => (counts.gets++, inner.get(key)),
    batch: (operations) => {
      counts.batches++;
      counts.records += operations.length;
      for (const o of operations) counts.bytes += o.key.length + (o.value?.byteLength ?? 0);
      return inner.batch(operations);
    },
  };
  const perOp = async (n, fn) => {
    const before = { ...counts };
    for (let k = 0; k < n; k++) await fn(k);
    return Object.fromEntries(Object.keys(counts).map((c) => [c, +((counts[c] - before[c]) / n).toFixed(2)]));
  };
  const store = await openStore({ adapter, key: new Uint8Array(randomBytes(32)) });
  const db = new Level(join(root, 'raw'), { keyEncoding: 'utf8', valueEncoding: 'view' });
  try {
    const admin = store.as(ADMIN);
    const t0 = performance.now();
    for (let d = 0; d < directories; d++) await admin.create(`/d${d}`, { type: 'directory' });
    for (let i = 0; i < cfg.secrets; i++) await admin.create(paths[i], { type: 'secret', value: valueOf(i, 'value') });
    await admin.policies.create({ name: 'reader', resource: '/*', accessLevel: 'SM_View', members: { users: [{ id: 'reader' }] } });
    const reader = store.as({ id: 'reader', groups: ['readers'] });
    const buildSeconds = Math.round(performance.now() - t0) / 1000;

    await db.open();
    const codec = floorCodec(randomBytes(32));
    const ops = [];
    for (let i = 0; i < cfg.secrets; i++) ops.push({ type: 'put', key: `v/${i}`, value: codec.seal(valueOf(i, 'value'), `v/${i}`) });
    for (let i = 0; i < ops.length; i += 1000) await db.batch(ops.slice(i, i + 1000));

    // Check both sides return the same plaintext before timing.
    let same = 0;
    const checked = Math.min(cfg.secrets, 50);
    for (let k = 0; k < checked; k++) {
      const i = order[k % order.length];
      const fromCoffer = (await admin.get(paths[i])).value;
      const fromFloor = codec.open(await db.get(`v/${i}`), `v/${i}`);
      if (fromCoffer === fromFloor && fromFloor === valueOf(i, 'value')) same++;
    }
    log(`storage: ${cfg.secrets} secrets of ${cfg.valueBytes} bytes on LevelDB (coffer built in ${buildSeconds} s); same plaintext on ${same}/${checked}`);

    // warm-up, untimed
    for (let k = 0; k < Math.min(200, cfg.ops); k++) {
      await admin.get(paths[order[k]]);
      await reader.get(paths[order[k]]);
      codec.open(await db.get(`v/${order[k]}`), `v/${order[k]}`);
    }

    const sink = [];
    const [readCoffer, readFloor] = await alternate(
      cfg.ops,
      cfg.block,
      async (k) => sink.push((await admin.get(paths[order[k]])).value.length),
      async (k) => sink.push(codec.open(await db.get(`v/${order[k]}`), `v/${order[k]}`).length),
    );
    const [readUser] = await alternate(
      cfg.ops,
      cfg.block,
      async (k) => sink.push((await reader.get(paths[order[k]])).value.length),
      async () => undefined,
    );
    const [writeCoffer, writeFloor] = await alternate(
      cfg.ops,
      cfg.block,
      (k) => admin.patch(paths[order[k]], { value: valueOf(k, 'patched') }),
      (k) => db.batch([{ type: 'put', key: `v/${order[k]}`, value: codec.seal(valueOf(k, 'patched'), `v/${order[k]}`) }]),
    );
    const [createCoffer, createFloor] = await alternate(
      cfg.ops,
      cfg.block,
      (k) => admin.create(`/d${k % directories}/new${k}`, { type: 'secret', value: valueOf(k, 'new') }),
      (k) => db.batch([{ type: 'put', key: `n/${k}`, value: codec.seal(valueOf(k, 'new'), `n/${k}`) }]),
    );
    // The patched values read back the same on both sides.
    let after = 0;
    for (let k = cfg.ops - Math.min(cfg.ops, 20); k < cfg.ops; k++) {
      const i = order[k];
      if ((await admin.get(paths[i])).value === codec.open(await db.get(`v/${i}`), `v/${i}`)) after++;
    }
    // What one operation costs the adapter (averaged over a few, untimed).
    const adapterPerOp = {
      read: await perOp(20, (k) => admin.get(paths[order[k % order.length]])),
      write: await perOp(20, (k) => admin.patch(paths[order[k % order.length]], { value: valueOf(k, 'counted') })),
      create: await perOp(20, (k) => admin.create(`/d${k % directories}/counted${k}`, { type: 'secret', value: valueOf(k, 'new') })),
    };
    const rows = {
      read: { coffer: cell(readCoffer), cofferAsUser: cell(readUser), floor: cell(readFloor) },
      write: { coffer: cell(writeCoffer), floor: cell(writeFloor) },
      create: { coffer: cell(createCoffer), floor: cell(createFloor) },
    };
    const result = {
      config: { ...cfg, log: undefined, directories },
      buildSeconds,
      agreement: { checked, same, afterWrites: after, afterChecked: Math.min(cfg.ops, 20) },
      adapterPerOp,
      floorPerOp: { read: { gets: 1, batches: 0 }, write: { batches: 1, records: 1, bytes: 4 + String(cfg.secrets).length + 29 + cfg.valueBytes } },
      rows,
      // read: coffer's p50 latency over the floor's (target ≤ 1.2);
      // write: coffer's ops/s over the floor's (target ≥ 0.7).
      readRatioP50: +(readCoffer.p50 / readFloor.p50).toFixed(2),
      readAsUserRatioP50: +(readUser.p50 / readFloor.p50).toFixed(2),
      writeRateRatio: +(rows.write.coffer.opsPerSec / rows.write.floor.opsPerSec).toFixed(2),
      writeRateRatioP50: +(writeFloor.p50 / writeCoffer.p50).toFixed(2),
      createRateRatio: +(rows.create.coffer.opsPerSec / rows.create.floor.opsPerSec).toFixed(2),
      seconds: Math.round(performance.now() - started) / 1000,
    };
    log(
      `storage: read p50 coffer ${readCoffer.p50} µs (as a user ${readUser.p50}) vs floor ${readFloor.p50} µs → ${result.readRatioP50}×; ` +
        `write coffer ${rows.write.coffer.opsPerSec}/s vs floor ${rows.write.floor.opsPerSec}/s → ${result.writeRateRatio} of the floor's rate`,
    );
    log(`storage: coffer's adapter calls per operation: ${JSON.stringify(adapterPerOp)}`);
    return result;
  } finally {
    await store.close();
    await db.close();
    rmSync(root, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const mode = modeOf();
  const result = await runStorage({ mode });
  console.log(`storage: wrote ${await writeResult('storage', mode, result)} (${result.seconds} s)`);
  if (result.agreement.same !== result.agreement.checked || result.agreement.afterWrites !== result.agreement.afterChecked) process.exitCode = 1;
}
