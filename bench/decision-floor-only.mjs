// The issue-5 measurement: coffer's can() beside the in-process floor only,
// without the peers in the process (casbin and Cedar add ~hundreds of MB of
// heap that evicts both from the caches). Same model and timing as
// bench/decision.mjs; writes bench/results/decision-floor-only.json.
//   npm run build && node --expose-gc bench/decision-floor-only.mjs [--quick]
import { runDecision } from './decision.mjs';
import { modeOf, writeResult } from './lib.mjs';

const result = await runDecision({ mode: modeOf(), systems: ['coffer'] });
const file = await writeResult('decision-floor-only', modeOf(), result);
console.log(`decision (coffer and floor only): growth of p50: ${Object.entries(result.growth).map(([s, g]) => `${s} ${g}×`).join(', ')}; wrote ${file}`);
if (!result.agreed) process.exitCode = 1;
