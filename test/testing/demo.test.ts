// The README's first command runs examples/demo.mjs (after a build): it must
// tell its story on an embedded LevelDB store — a refused and an allowed read,
// a wrong key refused, the data read back after a reopen — and exit 0.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('examples/demo.mjs (the README demo)', () => {
  it('runs on LevelDB, shows a refusal, an allowed read, WRONG_KEY and the data after reopening', () => {
    if (!existsSync(join(root, 'dist/src/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
    // The demo's store goes to a temp dir instead of ./demo-store.
    const scratch = mkdtempSync(join(tmpdir(), 'coffer-demo-'));
    try {
      const run = spawnSync(process.execPath, ['examples/demo.mjs'], {
        cwd: root,
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, COFFER_DEMO_DIR: join(scratch, 'demo-store') },
      });
      expect(run.status, `exit ${run.status}: ${run.stderr}`).toBe(0);
      const out = run.stdout;
      expect(out).toMatch(/✘ read \/prod\/payments\/db-password: refused with FORBIDDEN/);
      expect(out).toMatch(/✔ read \/prod\/payments\/stripe-key: value sk_live_51Hdemo/);
      expect(out).toMatch(/open with a wrong key: refused with WRONG_KEY/);
      expect(out).toMatch(/after reopen: \/prod\/payments\/stripe-key = sk_live_51Hdemo \(version 1/);
      expect(out).toContain('done.');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
