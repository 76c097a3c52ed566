// The package as a user gets it: `npm pack`, the tarball installed into a new
// host project (offline, from the tarball and npm's cache), and from there an
// ESM import and a CJS require of every entry point, the quick start, a strict
// TypeScript service, and a node:test file that uses coffer/testing/fixtures
// with no vitest installed — all importing `coffer`, never ../dist.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const SUBPATHS = ['coffer', 'coffer/adapters/memory', 'coffer/adapters/level', 'coffer/testing/fixtures', 'coffer/http'] as const;

let work: string;
let host: string;
let packed: string[];

function run(command: string, args: readonly string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * A host project depending on the tarball and @types/node, with a lockfile
 * made from this repository's (the same versions CI installs), so `npm ci
 * --offline` finds every package in npm's cache and needs no registry.
 */
function writeHostProject(dir: string, tarball: string): void {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  const dependencies = { coffer: tarball, '@types/node': lock.packages['node_modules/@types/node']!.version as string };
  const packages: Record<string, Record<string, unknown>> = {
    '': { name: 'host-service', dependencies },
    'node_modules/coffer': {
      version: manifest.version,
      resolved: tarball,
      license: manifest.license,
      dependencies: manifest.dependencies,
      engines: manifest.engines,
      peerDependencies: manifest.peerDependencies,
      peerDependenciesMeta: manifest.peerDependenciesMeta,
    },
  };
  const typesOnly = new Set(['node_modules/@types/node', 'node_modules/undici-types']);
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === '' || (entry.dev === true && !typesOnly.has(key))) continue;
    const { dev: _dev, devOptional: _devOptional, ...rest } = entry;
    packages[key] = rest;
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'host-service', private: true, type: 'module', dependencies }, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'host-service', lockfileVersion: 3, requires: true, packages }, null, 2));
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'coffer-pack-'));
  // dist/ is built by `npm test` before vitest runs; prepack would build it too (checked below).
  const [info] = JSON.parse(execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' })) as { filename: string; files: { path: string }[] }[];
  packed = info!.files.map((f) => f.path);
  host = join(work, 'host');
  mkdirSync(host);
  writeHostProject(host, `file:../${info!.filename}`);
  // Offline: every package comes from the tarball or npm's cache, where `npm ci` of this repository put them.
  const install = run(npm, ['ci', '--offline', '--ignore-scripts'], host);
  if (install.status !== 0) throw new Error(`npm ci of the host project failed:\n${install.stderr}`);
}, 180_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the built code with its types, the docs, README and LICENSE — no source maps, no tests, no TypeScript sources', () => {
    for (const file of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/adapters/level/index.js', 'dist/src/testing/fixtures.js', 'README.md', 'LICENSE', 'package.json', 'docs/reference.md']) expect(packed).toContain(file);
    expect(packed.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(packed.filter((f) => f.startsWith('test/') || f.startsWith('src/') || f.startsWith('bench/'))).toEqual([]);
  });

  it('builds dist/ when packed from a clean checkout (prepack), needs Node 20.19 or later, and takes patches of its dependencies (caret ranges)', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; engines: { node: string }; dependencies: Record<string, string> };
    expect(manifest.scripts.prepack).toBe('npm run build');
    expect(manifest.engines.node).toBe('>=20.19');
    for (const [name, range] of Object.entries(manifest.dependencies)) expect(range, name).toMatch(/^\^\d/);
  });

  it('an ES module imports every entry point and runs the quick start', () => {
    writeFileSync(join(host, 'entries.mjs'), SUBPATHS.map((s, i) => `import * as m${i} from '${s}';\n`).join('') + `console.log(${SUBPATHS.map((_, i) => `Object.keys(m${i}).length`).join(' + ')});\n`);
    const entries = run(process.execPath, ['entries.mjs'], host);
    expect(entries.status, entries.stderr).toBe(0);
    expect(Number(entries.stdout.trim())).toBeGreaterThan(6);
    copyFileSync(join(root, 'examples/quickstart.mjs'), join(host, 'quickstart.mjs'));
    const quickstart = run(process.execPath, ['quickstart.mjs'], host);
    expect(quickstart.status, quickstart.stderr).toBe(0);
    expect(quickstart.stdout).toContain('s3cret');
    expect(quickstart.stdout).toContain('APPROVAL_REQUIRED');
  });

  it('CommonJS requires every entry point (require of an ES module, Node 20.19+) and opens a LevelDB store', () => {
    writeFileSync(
      join(host, 'service.cjs'),
      `const { openStore } = require('coffer');
const { levelAdapter } = require('coffer/adapters/level');
${SUBPATHS.map((s) => `if (Object.keys(require('${s}')).length === 0) throw new Error('${s} is empty');`).join('\n')}
(async () => {
  const store = await openStore({ adapter: levelAdapter(require('node:path').join(__dirname, 'cjs-db')), key: new Uint8Array(32).fill(7) });
  await store.as({ id: 'a', admin: true }).create('/from-cjs', { type: 'secret', value: 'ok' });
  console.log((await store.as({ id: 'a', admin: true }).get('/from-cjs')).value);
  await store.close();
})();
`,
    );
    const result = run(process.execPath, ['service.cjs'], host);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('ok');
  });

  it('a strict TypeScript service compiles against the shipped types, and the typos the types exist for do not', () => {
    writeFileSync(
      join(host, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, types: ['node'], exactOptionalPropertyTypes: true } }),
    );
    writeFileSync(
      join(host, 'service.ts'),
      `import { openStore, CofferError, type Decision, type ItemView, type PolicyBody } from 'coffer';
import { memoryAdapter } from 'coffer/adapters/memory';
import { fixtureStore, fakeClock } from 'coffer/testing/fixtures';

const store = await openStore({ adapter: memoryAdapter() });
const admin = store.as({ id: 'alice', admin: true });
const body: PolicyBody = { name: 'ops', resource: '/app/*', accessLevel: 'SM_CRUD', members: { tags: [{ id: 'ops' }] }, condition: { timeOfAccess: { daysSchedule: { fromTime: '09:00:00', toTime: '17:00:00', days: ['MONDAY', 'friday'] } } } };
await admin.policies.create(body);
const item: ItemView = await admin.get('/');
if (item.type === 'directory') console.log(item.children?.length ?? 0);
const decision: Decision = await store.as({ id: 'bob', groups: ['ops'] }).can('sm.secret.read', '/app/x');
if (decision.reason === 'approval_required') console.log(decision.policyIds.length);
for await (const policy of admin.policies.listAll()) console.log(policy.name);
try { await admin.get('/nope'); } catch (error) { if (error instanceof CofferError) console.log(error.code); }
await (await fixtureStore({ tree: { a: 's' }, clock: fakeClock('2024-01-01T00:00:00') })).close();
// @ts-expect-error a typo in a principal field
store.as({ id: 'x', admn: true });
// @ts-expect-error a typo in a policy body field
await admin.policies.create({ name: 'p', resourse: '/a' });
// @ts-expect-error an access level that does not exist
await admin.policies.create({ name: 'p', resource: '/a', accessLevel: 'SM_Admin' });
// @ts-expect-error an access type that does not exist
await admin.policies.create({ name: 'p', resource: '/a', accessType: 'Permit' });
// @ts-expect-error an action with a typo
await admin.can('sm.secret.raed', '/a');
await store.close();
`,
    );
    const result = run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], host);
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });

  it('node:test uses coffer/testing/fixtures where vitest cannot be resolved; coffer/testing itself needs vitest', () => {
    writeFileSync(
      join(host, 'fixtures.test.mjs'),
      `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureStore, fakeClock, sequentialIds } from 'coffer/testing/fixtures';

test('a fixture store serves its secrets', async () => {
  const store = await fixtureStore({ tree: { app: { db: { password: 's3cret' } } }, acls: { '/app/db/password': [{ entity: { type: 'user', id: 'svc' }, access: 'read' }] }, clock: fakeClock('2024-06-03T12:00:00'), newId: sequentialIds('id') });
  assert.equal((await store.as({ id: 'svc' }).get('/app/db/password')).value, 's3cret');
  await store.close();
});
`,
    );
    const result = run(process.execPath, ['--test', 'fixtures.test.mjs'], host);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/# pass 1/);
    const vitestImport = run(process.execPath, ['-e', "import('coffer/testing').then(() => console.log('loaded'), (e) => console.log(e.code, String(e.message).includes('vitest')))"], host);
    expect(vitestImport.stdout.trim()).toBe('ERR_MODULE_NOT_FOUND true');
    // With vitest installed (linked here), coffer/testing loads and has the conformance suite.
    symlinkSync(join(root, 'node_modules/vitest'), join(host, 'node_modules/vitest'), 'dir');
    const withVitest = run(process.execPath, ['-e', "import('coffer/testing').then((m) => console.log(typeof m.runAdapterConformance, typeof m.fixtureStore))"], host);
    expect(withVitest.stdout.trim(), withVitest.stderr).toBe('function function');
  });
});
