// The benchmark harness (bench/, issue 7) at tiny sizes: it runs, and every
// decision system (coffer, casbin, Cedar, the floor) gives the same answers.
// Nothing here asserts on time. Imports the workload modules directly (no child
// processes but one short `run.mjs --tiny` smoke), against dist/ as `npm test`
// builds it.

import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const bench = join(dirname(fileURLToPath(import.meta.url)), '../../bench');
// The bench modules are plain .mjs without type declarations: load them untyped.
const load = (name: string): Promise<any> => import(pathToFileURL(join(bench, name)).href);
const quiet = (): void => undefined;

describe('bench harness (tiny sizes)', () => {
  it('decision: coffer, casbin, Cedar and the floor agree on every sampled and timed query', async () => {
    const { runDecision } = await load('decision.mjs');
    const result = await runDecision({ mode: 'tiny', log: quiet });
    expect(result.systems).toEqual(['coffer', 'casbin', 'cedar', 'floor']);
    expect(result.rows.map((r: { policies: number }) => r.policies)).toEqual([20, 100]);
    for (const row of result.rows) {
      // a mix of answers, so agreement is not agreement on "deny" alone
      expect(row.allowedAgree).toBeGreaterThan(0);
      expect(row.allowedAgree).toBeLessThan(result.config.agreeQueries);
      expect(row.denies).toBeGreaterThan(0);
      for (const system of result.systems) {
        const cell = row.systems[system];
        expect(cell.checked, `${system} at ${row.policies}`).toBeGreaterThan(0);
        expect(cell.agree, `${system} at ${row.policies} (sample)`).toBe(cell.checked);
        expect(cell.timedQueries, `${system} at ${row.policies}`).toBeGreaterThan(0);
        expect(cell.timedAgree, `${system} at ${row.policies} (timed)`).toBe(cell.timedQueries);
        expect(cell.ns.p50).toBeGreaterThan(0);
        expect(cell.opsPerSec).toBeGreaterThan(0);
      }
      expect(Object.keys(row.cofferOver).sort()).toEqual(['casbin', 'cedar', 'floor']);
    }
    expect(result.agreed).toBe(true);

    // the report renders the chart (one p50 and one p99 line per system) and the docs
    const report = await load('report.mjs');
    const svg: string = report.renderChart({ ...result, mode: 'tiny' }, { subtitle: 'test' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2 * result.systems.length);
    const conditions = '## Conditions\n\nowned by bench/conditions.mjs: kept byte for byte.\n';
    const doc: string = report.renderDoc({ decision: { ...result, mode: 'tiny' } }, `# Performance\n\nold text\n\n${conditions}`);
    expect(doc).toContain('## Decision');
    expect(doc).toContain('decision-latency.svg');
    expect(doc.endsWith(conditions)).toBe(true);
    expect(doc).not.toContain('old text');
  });

  it('http: coffer/http answers every GET of autocannon’s load with 200, as an admin and through a policy', async () => {
    const { runHttp } = await load('http.mjs');
    const result = await runHttp({ mode: 'tiny', seconds: 1, log: quiet });
    expect(result.rows.map((r: { name: string }) => r.name)).toEqual(['GET item (admin)', 'GET item (policy-gated)']);
    for (const row of result.rows) expect(row.requests).toBeGreaterThan(0);
    const report = await load('report.mjs');
    expect(report.renderDoc({ http: { ...result, mode: 'tiny', machine: {} } }, '# Performance\n')).toContain('## HTTP');
  });

  it('storage: coffer and the raw LevelDB + AES-GCM floor return the same values', async () => {
    const { runStorage } = await load('storage.mjs');
    const result = await runStorage({ mode: 'tiny', log: quiet });
    expect(result.agreement.same).toBe(result.agreement.checked);
    expect(result.agreement.afterWrites).toBe(result.agreement.afterChecked);
    for (const op of ['read', 'write', 'create']) for (const side of ['coffer', 'floor']) expect(result.rows[op][side].us.n).toBe(result.config.ops);
    expect(result.adapterPerOp.read.gets).toBeGreaterThan(0);
    expect(result.adapterPerOp.write.batches).toBe(1);
  });

  it('open: a LevelDB store reopens with the same decisions', async () => {
    const { runOpen } = await load('open.mjs');
    const result = await runOpen({ mode: 'tiny', inProcess: true, log: quiet });
    expect(result.samples).toHaveLength(1);
    expect(result.probeOk).toBe(true);
    expect(result.built.policies).toBe(20);
  });

  it('fixture: fixtureStore builds the spec', async () => {
    const { runFixture } = await load('fixture.mjs');
    const result = await runFixture({ mode: 'tiny', log: quiet });
    expect(result.check.lastSecret).toBe(result.check.expectedSecret);
    expect(result.ms.n).toBe(5);
  });

  it('run.mjs runs a workload in its own process and prints the table', () => {
    const out = execFileSync(process.execPath, [join(bench, 'run.mjs'), '--tiny', '--only', 'fixture'], { encoding: 'utf8' });
    expect(out).toContain('== fixture [tiny]');
    expect(out).toMatch(/fixture ok/);
  });
});
