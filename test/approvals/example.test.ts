// The approval-flow example (examples/approval-flow.mjs) runs against the
// built package in dist/ (`npm test` builds it first) and tells its story:
// APPROVAL_REQUIRED, a request, an approval, a read, time passing, the end.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = 'examples/approval-flow.mjs';
const built = ['dist/src/index.js', 'dist/adapters/memory/index.js'];

describe('examples/approval-flow.mjs', () => {
  it('runs against dist/, exits 0 and prints every step of the approval flow', () => {
    const missing = built.filter((file) => !existsSync(`${root}${file}`));
    if (missing.length > 0) {
      throw new Error(`dist/ is missing (${missing.join(', ')}): build it first with \`npm run build\` (\`npm test\` does it before running the tests)`);
    }
    const run = spawnSync(process.execPath, [example], { cwd: root, encoding: 'utf8', timeout: 20_000 });
    expect(run.error, 'the example could not be started').toBeUndefined();
    expect(run.status, `the example exited with ${run.status}:\n${run.stderr}`).toBe(0);
    expect(run.stderr).toBe('');
    const out = run.stdout;
    const steps = [
      /refused with APPROVAL_REQUIRED \(403\) policyIds=\["[0-9a-f-]{36}"\]/,
      /"effect":"approval_required"/,
      /notify "payments-oncall"/,
      /request [0-9a-f-]{36} is pending, expires at 2024-06-03T09:30:00\.000Z/,
      /request is approved by carol at 2024-06-03T09:05:00\.000Z/,
      /✔ read \/prod\/payments\/stripe-key/,
      /"reason":"policy"/,
      /outside the policy's IP list: refused with FORBIDDEN/,
      /the request now reads expired/,
      /access has ended/,
      /done\./,
    ];
    let from = 0;
    for (const step of steps) {
      const match = step.exec(out.slice(from));
      expect(match, `the output lacks ${step} (in order) — output:\n${out}`).not.toBeNull();
      from += match!.index + match![0].length;
    }
    // after access ended the read is refused again
    const tail = out.slice(out.indexOf('the request now reads expired'));
    expect(tail).toContain('refused with APPROVAL_REQUIRED');
    // the example never prints the secret itself
    expect(out).not.toContain('sk_live_51HdemoExampleKey');
  });
});
