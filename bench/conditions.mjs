// Conditions (SPEC §7) hot paths, against the built package (run `npx tsc -p tsconfig.json` first):
//   node bench/conditions.mjs
// Times batches of evaluations (one hrtime call costs ~90 ns, so a sample is BATCH
// calls divided by BATCH), reports p50 / p99 ns per evaluation, writes
// bench/results/conditions.json and the "## Conditions" section of docs/performance.md.

import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const built = join(root, 'dist/src/core/conditions/index.js');
if (!existsSync(built)) {
  console.error('dist/ is missing: run `npx tsc -p tsconfig.json` first');
  process.exit(1);
}
const { parseCondition, compileCondition, conditionHolds, parseClientAddress, evaluateCondition } = await import(built);

const BATCH = 1000;
const SAMPLES = Number(process.env.SAMPLES ?? 3000);
const WARMUP = 300;

/** ns per call: p50 and p99 over SAMPLES batches of BATCH calls of fn(i). */
function measure(fn, { batch = BATCH, samples = SAMPLES } = {}) {
  let sink = 0;
  for (let s = 0; s < WARMUP; s++) for (let i = 0; i < batch; i++) sink += fn(i) ? 1 : 0;
  const perCall = new Float64Array(samples);
  for (let s = 0; s < samples; s++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) sink += fn(i) ? 1 : 0;
    perCall[s] = Number(process.hrtime.bigint() - start) / batch;
  }
  perCall.sort();
  const at = (q) => perCall[Math.min(samples - 1, Math.floor(q * samples))];
  return { p50: round(at(0.5)), p99: round(at(0.99)), sink };
}
const round = (x) => Math.round(x * 10) / 10;

// ---------------------------------------------------------------- workloads

// 10 CIDRs, v4 and v6; the clients are parsed once, as store.as() does per session.
const IP_LIST = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.10.0/24',
  '203.0.113.7',
  '::ffff:198.51.100.0/120',
  '2001:db8::/32',
  '2001:db8:ffff:1::/64',
  'fd00::/8',
  '2a02:1234:5678::/48',
  'fe80::/10',
].join(', ');
const ipCompiled = compileCondition(parseCondition({ ipAddress: IP_LIST }));
const v4Clients = ['10.1.2.3', '192.168.11.1', '198.51.100.42', '8.8.8.8'].map(parseClientAddress);
const v6Clients = ['2001:db8::1', '2a02:1234:5679::1', 'fd12::1', '2606:4700::1111'].map(parseClientAddress);

// Both schedules, in a DST zone; "now" walks through one month in 7-minute steps.
const scheduleCompiled = compileCondition(
  parseCondition({
    timeOfAccess: {
      dateSchedule: { fromDate: '2024-01-01 00:00:00', toDate: '2024-12-31 23:59:59', timezone: 'America/New_York' },
      daysSchedule: { fromTime: '22:00:00', toTime: '06:00:00', timezone: 'Europe/Berlin', days: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] },
    },
  }),
);
const START = Date.parse('2024-03-01T00:00:00Z');
const instants = Float64Array.from({ length: 4096 }, (_, i) => START + i * 7 * 60_000 + (i % 1000));
const seedCondition =
  '{"ipAddress":"0.0.0.0/8,10.10.25.15","timeOfAccess":{"dateSchedule":{"fromDate":"2023-07-31 00:00:00","toDate":"2023-12-15 00:00:00","timezone":"Pacific/Honolulu"},"daysSchedule":{"fromTime":"01:00:00","toTime":"23:30:00","timezone":"Pacific/Honolulu","days":["MONDAY","TUESDAY","WEDNESDAY","THURSDAY"]}},"approval":{"approvers":{"userIds":["vaishali"]},"validFor":4,"isValidForInDays":true,"timeToApprove":60,"notificationMedium":["Email Only","teams-vw","Slack - Arpita"]}}';
const fullCompiled = compileCondition(parseCondition(seedCondition));
const seedClient = parseClientAddress('10.10.25.15');
const seedNow = Date.parse('2023-08-01T22:00:00Z');

const results = {
  'ip-list, v4 client (10 CIDRs)': measure((i) => conditionHolds(ipCompiled, v4Clients[i & 3], 0, false)),
  'ip-list, v6 client (10 CIDRs)': measure((i) => conditionHolds(ipCompiled, v6Clients[i & 3], 0, false)),
  'schedule (dateSchedule + daysSchedule)': measure((i) => conditionHolds(scheduleCompiled, null, instants[i & 4095], false)),
  'seed condition, compiled (IP + both schedules)': measure((i) => conditionHolds(fullCompiled, seedClient, seedNow + i, false)),
  'parseClientAddress (once per session)': measure((i) => parseClientAddress(i & 1 ? '10.1.2.3' : '2001:db8::1') !== null, { batch: 100, samples: 1000 }),
  'evaluateCondition, uncompiled seed condition (parse + compile + check)': measure((i) => evaluateCondition(seedCondition, { ip: '10.10.25.15', now: seedNow + i }).satisfied, {
    batch: 10,
    samples: 1000,
  }),
};

const targets = { 'ip-list, v4 client (10 CIDRs)': 150, 'ip-list, v6 client (10 CIDRs)': 150, 'schedule (dateSchedule + daysSchedule)': 1000 };
const environment = { node: process.version, tz: process.versions.tz, cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, batch: BATCH, samples: SAMPLES };
const rows = Object.entries(results).map(([name, r]) => ({ name, p50: r.p50, p99: r.p99, target: targets[name] ?? null, ok: targets[name] === undefined ? null : r.p50 <= targets[name] }));

mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results/conditions.json'), JSON.stringify({ benchmark: 'conditions', unit: 'ns per evaluation', environment, results: rows }, null, 2) + '\n');

// ---------------------------------------------------------------- docs/performance.md, our section only

const table = [
  '| workload | p50 ns | p99 ns | target (p50) |',
  '|---|---:|---:|---|',
  ...rows.map((r) => `| ${r.name} | ${r.p50} | ${r.p99} | ${r.target === null ? '' : `≤ ${r.target} ns ${r.ok ? '✓' : '✗'}`} |`),
].join('\n');
const section = `## Conditions

\`node bench/conditions.mjs\` against \`dist/\` (build with \`npx tsc -p tsconfig.json\`); results also in
\`bench/results/conditions.json\`. Each sample times ${BATCH} evaluations and divides (one \`hrtime\` call
costs ~90 ns); p50 / p99 over ${SAMPLES} samples, after ${WARMUP} warm-up batches. Node ${environment.node},
tz ${environment.tz}, ${environment.cores} × ${environment.cpu}.

${table}

- The IP check is a binary search over merged numeric ranges (IPv4 as 32-bit numbers, IPv6 as four
  32-bit words), O(log ranges), with the client address parsed once per session (\`store.as\`).
- The schedule check reads the offset from the zone's cached transition table (no luxon call once the
  ~50-day chunk holding "now" is built: about 50 luxon calls, ~0.5 ms, once per zone and chunk), then
  does integer arithmetic. dateSchedule bounds are resolved to instants when the condition is compiled.
- \`evaluateCondition\` parses, validates and compiles on every call; it is the pure §7.4 helper, not the
  decision path.
`;

const docPath = join(root, 'docs/performance.md');
let doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Performance\n\nMeasured hot paths, one section per area; each bench script rewrites its own section.\n';
const start = doc.search(/^## Conditions\s*$/m);
if (start === -1) doc = `${doc.replace(/\s*$/, '')}\n\n${section}`;
else {
  const rest = doc.slice(start + 1);
  const next = rest.search(/^## /m);
  doc = doc.slice(0, start) + section + (next === -1 ? '' : `\n${rest.slice(next)}`);
}
writeFileSync(docPath, doc);

for (const r of rows) console.log(`${r.name.padEnd(72)} p50 ${String(r.p50).padStart(8)} ns   p99 ${String(r.p99).padStart(8)} ns${r.ok === false ? '   ✗ over target' : ''}`);
