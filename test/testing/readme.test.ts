// The README's quick start is examples/quickstart.mjs verbatim, and it runs:
// an example that drifted from the code would fail here.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('README quick start', () => {
  it('shows examples/quickstart.mjs verbatim', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const example = readFileSync(join(root, 'examples/quickstart.mjs'), 'utf8');
    expect(readme).toContain('```js\n' + example + '```');
  });

  it('runs against the built package and prints what its comments say', () => {
    if (!existsSync(join(root, 'dist/src/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
    const run = spawnSync(process.execPath, ['examples/quickstart.mjs'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.split('\n').filter((line) => !line.startsWith('audit:'));
    expect(lines[0]).toBe('s3cret');
    expect(lines[1]).toBe('FORBIDDEN');
    expect(run.stdout).toContain("reason: 'policy'");
    expect(run.stdout).toContain('APPROVAL_REQUIRED');
    expect(run.stdout).toMatch(/audit: dana get \/prod\/db-password → allowed \(policy\)\ns3cret/);
  });
});
